/* tui_list.c - the lines of the live view's table: the model's rows (cells
 * rendered once per refresh), the gone listeners, the view's own filters,
 * the frozen order, the selection and the search */
#include "config.h"
#include "tui_priv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "escape.h"
#include "nls.h"
#include "xalloc.h"

static unsigned row_tag(const struct row *r)
{
	unsigned tag = r->sock->proto == IPPROTO_TCP ? TUI_TAG_TCP
						      : TUI_TAG_UDP;

	tag |= r->sock->family == AF_INET || model_v4_mapped(r->sock)
		       ? TUI_TAG_V4 : TUI_TAG_V6;
	if (r->exposure != EXPOSE_LOOPBACK)
		tag |= TUI_TAG_EXPOSED;
	return tag;
}

static struct track_key row_key(const struct model *m, const struct row *r)
{
	struct track_key k;

	k.netns = r->sock->netns ? r->sock->netns : m->netns;
	k.inode = r->sock->inode;
	return k;
}

/* The label of a row in the event log: "tcp4 127.0.0.1:80 nginx[12]". */
static void put_label(struct buf *b, const struct model *m,
		      const struct row *r)
{
	bool v6;

	buf_adds(b, columns_proto(r));
	buf_addc(b, ' ');
	v6 = r->sock->family == AF_INET6;
	if (v6)
		buf_addc(b, '[');
	columns[COL_ADDRESS].cell(b, m, r);
	if (v6)
		buf_addc(b, ']');
	buf_addc(b, ':');
	buf_addu(b, r->sock->port);
	buf_addc(b, ' ');
	if (r->nholders) {
		const struct proc_info *p = model_proc(m, &r->holders[0]);

		if (p)
			escape_text(b, p->comm, p->comm_len);
		buf_addc(b, '[');
		buf_addi(b, r->holders[0].pid);
		buf_adds(b, r->status == OWNER_PARTIAL ? "]?" : "]");
	} else {
		buf_adds(b, columns_status_text(r));
	}
}

/* Render the cells and labels of every model row, in the model's order. */
static void render(struct tui *t)
{
	const struct model *m = &t->m;
	size_t i, j;

	buf_reset(&t->cells);
	buf_reset(&t->labels);
	if (m->nrows > t->cap_off) {
		t->cap_off = m->nrows;
		t->cell_off = xrealloc(t->cell_off,
				       t->cap_off * sizeof(*t->cell_off));
		t->label_off = xrealloc(t->label_off,
					t->cap_off * sizeof(*t->label_off));
	}
	for (i = 0; i < m->nrows; i++) {
		const struct row *r = &m->rows[i];

		t->cell_off[i] = t->cells.len;
		for (j = 0; j < t->ncols; j++) {
			if (j)
				buf_addc(&t->cells, TUI_SEP);
			columns[t->ids[j]].cell(&t->cells, m, r);
		}
		buf_addc(&t->cells, '\0');
		t->label_off[i] = t->labels.len;
		put_label(&t->labels, m, r);
		buf_addc(&t->labels, '\0');
	}
}

static const char *row_cells(const struct tui *t, size_t i)
{
	return t->cells.p + t->cell_off[i];
}

static bool tag_passes(const struct tui *t, unsigned tag)
{
	if (!(tag & TUI_TAG_TCP ? t->tcp : t->udp))
		return false;
	if (!(tag & TUI_TAG_V4 ? t->ipv4 : t->ipv6))
		return false;
	if (t->exposed && !(tag & TUI_TAG_EXPOSED))
		return false;
	return true;
}

static void list_push(struct tui *t, const struct tui_item *it)
{
	t->list = xgrow(t->list, &t->cap_list, t->nlist + 1,
			sizeof(*t->list));
	t->list[t->nlist++] = *it;
}

static size_t order_index(const struct tui *t, struct track_key k)
{
	size_t i;

	for (i = 0; i < t->norder; i++)
		if (track_key_cmp(t->order[i], k) == 0)
			return i;
	return SIZE_MAX;
}

struct ranked {
	struct track_key key;
	size_t rank;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return track_key_cmp(x->key, y->key);
}

struct frozen_item {
	struct tui_item it;
	size_t rank;
};

static int frozen_cmp(const void *a, const void *b)
{
	const struct frozen_item *x = a, *y = b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Keep the lines in the order they had (the 'o' key); newcomers last. */
static void apply_frozen(struct tui *t)
{
	struct ranked *rk = xmalloc((t->norder + 1) * sizeof(*rk));
	struct frozen_item *fi = xmalloc((t->nlist + 1) * sizeof(*fi));
	size_t i;

	for (i = 0; i < t->norder; i++) {
		rk[i].key = t->order[i];
		rk[i].rank = i;
	}
	qsort(rk, t->norder, sizeof(*rk), ranked_cmp);
	for (i = 0; i < t->nlist; i++) {
		struct ranked want = { t->list[i].key, 0 };
		const struct ranked *hit = t->norder
			? bsearch(&want, rk, t->norder, sizeof(*rk), ranked_cmp)
			: NULL;

		fi[i].it = t->list[i];
		fi[i].rank = hit ? hit->rank : t->norder + i;
	}
	qsort(fi, t->nlist, sizeof(*fi), frozen_cmp);
	for (i = 0; i < t->nlist; i++)
		t->list[i] = fi[i].it;
	free(fi);
	free(rk);
}

/* Insert the listeners that are no longer in the model where they were. */
static void add_ghosts(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->track.n; i++) {
		const struct track_entry *e = &t->track.v[i];
		struct tui_item it;
		size_t at;

		if (e->misses == 0 || !tag_passes(t, e->tag))
			continue;
		if (t->filter_text[0] && !strcasestr(e->snap, t->filter_text))
			continue;
		it.row = NULL;
		it.key = e->key;
		it.cells = e->snap;
		it.gone = track_is_gone(e);
		list_push(t, &it);
		at = order_index(t, e->key);
		if (at < t->nlist - 1) {
			memmove(&t->list[at + 1], &t->list[at],
				(t->nlist - 1 - at) * sizeof(*t->list));
			t->list[at] = it;
		}
	}
}

/* The width of the cell at c, len bytes: its length when it is ASCII
 * (nearly always), else columns_width() of a copy. */
static size_t cell_width(struct tui *t, const char *c, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)c[i] >= 0x80)
			break;
	if (i == len)
		return len;
	buf_reset(&t->scratch);
	buf_add(&t->scratch, c, len);
	return columns_width(t->scratch.p);
}

static void measure(struct tui *t)
{
	size_t i, j;

	for (j = 0; j < t->ncols; j++)
		t->want[j] = columns_width(_(columns[t->ids[j]].header));
	for (i = 0; i < t->nlist; i++) {
		const char *c = t->list[i].cells;

		for (j = 0; j < t->ncols && c; j++) {
			const char *end = strchr(c, TUI_SEP);
			size_t len = end ? (size_t)(end - c) : strlen(c);
			size_t w, max = columns[t->ids[j]].max;

			w = cell_width(t, c, len);
			if (max && w > max)
				w = max;
			if (w > t->want[j])
				t->want[j] = w;
			c = end ? end + 1 : NULL;
		}
	}
}

void tui_list_rebuild(struct tui *t)
{
	struct filter f;
	size_t i;

	filter_init(&f);
	f.exposed = t->exposed;
	f.text = t->filter_text[0] ? t->filter_text : NULL;
	t->nlist = 0;
	for (i = 0; i < t->m.nrows; i++) {
		const struct row *r = &t->m.rows[i];
		struct tui_item it;

		if (!tag_passes(t, row_tag(r)) || !filter_match(&f, &t->m, r))
			continue;
		it.row = r;
		it.key = row_key(&t->m, r);
		it.cells = row_cells(t, i);
		it.gone = false;
		list_push(t, &it);
	}
	add_ghosts(t);
	if (t->frozen)
		apply_frozen(t);
	t->order = xgrow(t->order, &t->cap_order, t->nlist + 1,
			 sizeof(*t->order));
	for (i = 0; i < t->nlist; i++)
		t->order[i] = t->list[i].key;
	t->norder = t->nlist;
	measure(t);

	for (i = 0; i < t->nlist; i++)
		if (track_key_cmp(t->list[i].key, t->sel_key) == 0)
			break;
	if (i < t->nlist)
		t->sel = i;
	else if (t->sel >= t->nlist)
		t->sel = t->nlist ? t->nlist - 1 : 0;
	if (t->nlist)
		t->sel_key = t->list[t->sel].key;
}

void tui_list_resort(struct tui *t)
{
	columns_sort(&t->m, (enum col_id)t->sort_col, t->reverse);
	render(t);
	tui_list_rebuild(t);
}

void tui_list_render(struct tui *t)
{
	render(t);
	tui_list_rebuild(t);
}

/* What the title shows of the model, counted once per refresh rather
 * than at every draw (a draw comes every 20 ms while a refresh runs). */
static void count_title(struct tui *t)
{
	size_t i;

	t->ntcp = 0;
	t->nudp = 0;
	t->nexposed = 0;
	t->netns_name = NULL;
	for (i = 0; i < t->m.nrows; i++) {
		const struct row *r = &t->m.rows[i];
		const char *name;

		if (r->sock->proto == IPPROTO_TCP)
			t->ntcp++;
		else
			t->nudp++;
		if (r->exposure != EXPOSE_LOOPBACK)
			t->nexposed++;
		if (t->netns_name || !t->m.netns || r->sock->netns != t->m.netns)
			continue;
		name = row_netns_name(r);
		if (name[0])
			t->netns_name = name;
	}
}

void tui_list_load(struct tui *t, double now)
{
	size_t i;

	count_title(t);
	columns_sort(&t->m, (enum col_id)t->sort_col, t->reverse);
	render(t);
	t->titems = xgrow(t->titems, &t->cap_titems, t->m.nrows + 1,
			  sizeof(*t->titems));
	for (i = 0; i < t->m.nrows; i++) {
		t->titems[i].key = row_key(&t->m, &t->m.rows[i]);
		t->titems[i].tag = row_tag(&t->m.rows[i]);
		t->titems[i].snap = row_cells(t, i);
		t->titems[i].label = t->labels.p + t->label_off[i];
	}
	track_update(&t->track, t->titems, t->m.nrows, now, time(NULL));
	tui_list_rebuild(t);
}
void tui_list_select(struct tui *t, long sel)
{
	if (sel >= (long)t->nlist)
		sel = (long)t->nlist - 1;
	if (sel < 0)
		sel = 0;
	t->sel = (size_t)sel;
	if (t->nlist)
		t->sel_key = t->list[t->sel].key;
}

bool tui_list_search(struct tui *t, size_t from)
{
	size_t i;

	if (!t->search[0] || !t->nlist)
		return false;
	for (i = 0; i < t->nlist; i++) {
		size_t k = (from + i) % t->nlist;

		if (strcasestr(t->list[k].cells, t->search)) {
			tui_list_select(t, (long)k);
			return true;
		}
	}
	return false;
}
