/* tui_list.c - the lines of the live view's table: the model's rows in the
 * sort's order (their cells written only when shown), the gone listeners,
 * the view's own filters, the frozen order, the widths the columns ask
 * for, the selection and the search */
#include "config.h"
#include "tui_priv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curses.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "escape.h"
#include "nls.h"
#include "tui_layout.h"
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

/* The cells of row r of m, TUI_SEP-joined. */
static void put_cells(const struct tui *t, struct buf *b,
		      const struct model *m, const struct row *r)
{
	size_t j;

	for (j = 0; j < t->ncols; j++) {
		if (j)
			buf_addc(b, TUI_SEP);
		columns[t->ids[j]].cell(b, m, r);
	}
	if (!b->p)
		buf_add(b, "", 0);
}

const char *tui_list_cells(struct tui *t, const struct tui_item *it)
{
	if (!it->row)
		return it->cells ? it->cells : "";
	buf_reset(&t->cells);
	put_cells(t, &t->cells, &t->m, it->row);
	return t->cells.p;
}

/* The tracker's question: the text of row ref of the model shown (cur) or
 * of the one before it. */
static void track_text(void *data, bool cur, size_t ref, struct buf *snap,
		       struct buf *label)
{
	const struct tui *t = data;
	const struct model *m = cur ? &t->m : t->prev;

	if (!m || ref >= m->nrows)
		return;
	put_cells(t, snap, m, &m->rows[ref]);
	put_label(label, m, &m->rows[ref]);
}

void tui_list_init(struct tui *t)
{
	struct track_text text = { track_text, t };

	track_set_text(&t->track, &text);
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

/* Where each key of the last list was: a hash of t->order, made only
 * when gone listeners or the frozen order need it. */
struct order_map {
	uint32_t *slot;		/* index + 1, or 0 */
	size_t mask;
};

static size_t key_slot(struct track_key k, size_t mask)
{
	uint64_t h = (k.netns ^ ((uint64_t)k.inode << 17) ^ k.inode) *
		     0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & mask;
}

static void order_map_make(const struct tui *t, struct order_map *om)
{
	size_t n = 16, i;

	while (n <= 2 * t->norder)
		n *= 2;
	om->slot = xcalloc(n, sizeof(*om->slot));
	om->mask = n - 1;
	for (i = 0; i < t->norder; i++) {
		size_t s = key_slot(t->order[i], om->mask);

		while (om->slot[s])
			s = (s + 1) & om->mask;
		om->slot[s] = (uint32_t)(i + 1);
	}
}

/* The place of k in the last list, or SIZE_MAX. */
static size_t order_index(const struct tui *t, const struct order_map *om,
			  struct track_key k)
{
	size_t s = key_slot(k, om->mask);

	while (om->slot[s]) {
		size_t i = om->slot[s] - 1;

		if (track_key_cmp(t->order[i], k) == 0)
			return i;
		s = (s + 1) & om->mask;
	}
	return SIZE_MAX;
}

struct placed {
	struct tui_item it;
	size_t rank;
	size_t seq;		/* ties: in the order they were taken */
};

static int placed_cmp(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Keep the lines in the order they had (the 'o' key); newcomers last. */
static void apply_frozen(struct tui *t, const struct order_map *om)
{
	struct placed *pl = xmalloc((t->nlist + 1) * sizeof(*pl));
	size_t i;

	for (i = 0; i < t->nlist; i++) {
		size_t at = order_index(t, om, t->list[i].key);

		pl[i].it = t->list[i];
		pl[i].rank = at != SIZE_MAX ? at : t->norder + i;
		pl[i].seq = i;
	}
	qsort(pl, t->nlist, sizeof(*pl), placed_cmp);
	for (i = 0; i < t->nlist; i++)
		t->list[i] = pl[i].it;
	free(pl);
}

/* Put the listeners that are no longer in the model where they were in
 * the last list (the others after the rows), in one pass. */
static void add_ghosts(struct tui *t, const struct order_map *om)
{
	struct placed *g = NULL;
	struct tui_item *rows;
	size_t ng = 0, cap = 0, nrows = t->nlist, i, r = 0, k = 0;

	for (i = 0; i < t->track.n; i++) {
		const struct track_entry *e = &t->track.v[i];

		if (e->misses == 0 || !tag_passes(t, e->tag))
			continue;
		if (t->filter_text[0] &&
		    !strcasestr(e->snap ? e->snap : "", t->filter_text))
			continue;
		g = xgrow(g, &cap, ng + 1, sizeof(*g));
		g[ng].it.row = NULL;
		g[ng].it.key = e->key;
		g[ng].it.cells = e->snap;
		g[ng].it.gone = track_is_gone(e);
		g[ng].rank = order_index(t, om, e->key);
		g[ng].seq = ng;
		ng++;
	}
	if (!ng)
		return;
	qsort(g, ng, sizeof(*g), placed_cmp);
	rows = xmalloc((nrows + 1) * sizeof(*rows));
	memcpy(rows, t->list, nrows * sizeof(*rows));
	t->list = xgrow(t->list, &t->cap_list, nrows + ng + 1,
			sizeof(*t->list));
	for (i = 0; i < nrows + ng; i++) {
		if (k < ng && (g[k].rank <= i || r == nrows))
			t->list[i] = g[k++].it;
		else
			t->list[i] = rows[r++];
	}
	t->nlist = nrows + ng;
	free(rows);
	free(g);
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

/* The widths of a gone line's cells, as they were written. */
static void measure_cells(struct tui *t, const char *c, const size_t *cap)
{
	size_t j;

	for (j = 0; j < t->ncols && c; j++) {
		const char *end = strchr(c, TUI_SEP);
		size_t len = end ? (size_t)(end - c) : strlen(c);
		size_t w = cell_width(t, c, len);

		if (w > cap[j])
			w = cap[j];
		if (w > t->want[j])
			t->want[j] = w;
		c = end ? end + 1 : NULL;
	}
}

/* Widths of addresses met while measuring: a host has few, on many
 * rows, and an IPv6 one costs inet_ntop(). */
#define ADDR_MEMO 64

struct addr_memo {
	uint64_t addr[2];
	uint8_t family;		/* 0: empty */
	uint8_t width;
};

/* What measuring one list remembers. */
struct width_memo {
	struct addr_memo addr[ADDR_MEMO];
	uint32_t uid;		/* the last user met */
	size_t user_w;		/* and its width + 1; 0 none */
};

/* The width of row r's address cell, from memo where it was met. */
static size_t address_width(struct tui *t, struct addr_memo *memo,
			    const struct row *r)
{
	const struct sock_rec *s = r->sock;
	struct addr_memo *e;
	uint64_t a[2];
	size_t w;

	if (r->device[0] || !s->family)
		return columns_cell_width(&t->scratch, &t->m, r, COL_ADDRESS);
	memcpy(a, s->addr, 16);
	e = &memo[(((a[0] ^ (a[1] * 0x9e3779b97f4a7c15ull)) *
		    0x9e3779b97f4a7c15ull) >> 58 ^ s->family) % ADDR_MEMO];
	if (e->family == s->family && e->addr[0] == a[0] && e->addr[1] == a[1])
		return e->width;
	w = columns_cell_width(&t->scratch, &t->m, r, COL_ADDRESS);
	if (w <= UINT8_MAX) {
		memcpy(e->addr, a, 16);
		e->family = s->family;
		e->width = (uint8_t)w;
	}
	return w;
}

/* The width of row r's cell in column j: a command is measured once per
 * process and model (many rows share one), an address once per address. */
static size_t row_width(struct tui *t, struct width_memo *memo,
			const struct row *r, size_t j)
{
	enum col_id id = t->ids[j];
	const struct proc_info *p;
	uint32_t proc;
	size_t w;

	if (id == COL_ADDRESS)
		return address_width(t, memo->addr, r);
	if (id == COL_USER) {
		/* rows of one user come in runs */
		if (!memo->user_w || r->sock->uid != memo->uid) {
			memo->uid = r->sock->uid;
			memo->user_w = columns_cell_width(&t->scratch, &t->m,
							  r, id) + 1;
		}
		return memo->user_w - 1;
	}
	if (id != COL_COMMAND || !r->nholders)
		return columns_cell_width(&t->scratch, &t->m, r, id);
	p = model_proc(&t->m, &r->holders[0]);
	proc = r->holders[0].proc;
	if (!p || proc >= t->cap_cmd_width)
		return columns_cell_width(&t->scratch, &t->m, r, id);
	if (!t->cmd_width[proc]) {
		w = columns_cell_width(&t->scratch, &t->m, r, id);
		t->cmd_width[proc] = w < UINT32_MAX ? (uint32_t)w + 1
						     : UINT32_MAX;
	}
	return t->cmd_width[proc] - 1;
}

/* The widths the columns ask for: the widest cell of the list, up to the
 * column's limit (the screen's width for the flexible one: it never gets
 * more), after which the column's other cells need no measuring. */
void tui_list_measure(struct tui *t)
{
	struct width_memo memo;
	size_t cap[COLUMNS_MAX], i, j, open = 0;

	memset(&memo, 0, sizeof(memo));

	t->flex_cap = COLS > TUI_FLEX_MIN ? (size_t)COLS : TUI_FLEX_MIN;
	for (j = 0; j < t->ncols; j++) {
		size_t max = columns[t->ids[j]].max;

		cap[j] = max ? max : t->flex_cap;
		t->want[j] = columns_width(_(columns[t->ids[j]].header));
		if (t->want[j] < cap[j])
			open++;
	}
	for (i = 0; i < t->nlist && open; i++) {
		const struct tui_item *it = &t->list[i];

		if (!it->row) {
			measure_cells(t, it->cells, cap);
			continue;
		}
		for (j = 0; j < t->ncols; j++) {
			size_t w;

			if (t->want[j] >= cap[j])
				continue;
			w = row_width(t, &memo, it->row, j);
			if (w > cap[j])
				w = cap[j];
			if (w > t->want[j])
				t->want[j] = w;
			if (t->want[j] >= cap[j])
				open--;
		}
	}
}

void tui_list_rebuild(struct tui *t)
{
	struct order_map om = { NULL, 0 };
	struct filter f;
	size_t i;

	filter_init(&f);
	f.exposed = t->exposed;
	f.text = t->filter_text[0] ? t->filter_text : NULL;
	t->list = xgrow(t->list, &t->cap_list, t->m.nrows + 1,
			sizeof(*t->list));
	t->nlist = 0;
	for (i = 0; i < t->m.nrows; i++) {
		const struct row *r = &t->m.rows[t->rank[i]];
		const struct tui_rowinfo *ri = &t->info[t->rank[i]];
		struct tui_item *it;

		if (!tag_passes(t, ri->tag))
			continue;
		if (f.text && !filter_match(&f, &t->m, r))
			continue;
		it = &t->list[t->nlist++];
		it->row = r;
		it->key = ri->key;
		it->cells = NULL;
		it->gone = false;
	}
	if (t->frozen || t->track.nmissing)
		order_map_make(t, &om);
	if (t->track.nmissing)
		add_ghosts(t, &om);
	if (t->frozen)
		apply_frozen(t, &om);
	free(om.slot);
	t->order = xgrow(t->order, &t->cap_order, t->nlist + 1,
			 sizeof(*t->order));
	for (i = 0; i < t->nlist; i++)
		t->order[i] = t->list[i].key;
	t->norder = t->nlist;
	tui_list_measure(t);

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

/* The model's rows in the order of the sort column. */
static void sort_rows(struct tui *t)
{
	t->rank = xgrow(t->rank, &t->cap_rank, t->m.nrows + 1,
			sizeof(*t->rank));
	columns_order(&t->m, (enum col_id)t->sort_col, t->reverse, t->rank);
}

void tui_list_resort(struct tui *t)
{
	sort_rows(t);
	tui_list_rebuild(t);
}

/* Each row's key and tag, and what the title shows of the model, in one
 * pass per refresh (rather than at every draw or rebuild). */
static void take_info(struct tui *t)
{
	size_t i;

	t->info = xgrow(t->info, &t->cap_info, t->m.nrows + 1,
			sizeof(*t->info));
	t->ntcp = 0;
	t->nudp = 0;
	t->nexposed = 0;
	t->netns_name = NULL;
	for (i = 0; i < t->m.nrows; i++) {
		const struct row *r = &t->m.rows[i];
		const char *name;

		t->info[i].key = row_key(&t->m, r);
		t->info[i].tag = row_tag(r);
		if (t->info[i].tag & TUI_TAG_TCP)
			t->ntcp++;
		else
			t->nudp++;
		if (t->info[i].tag & TUI_TAG_EXPOSED)
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

	take_info(t);
	sort_rows(t);
	/* the widths of the commands are the new model's */
	if (t->m.snap.nprocs > t->cap_cmd_width) {
		free(t->cmd_width);
		t->cap_cmd_width = t->m.snap.nprocs;
		t->cmd_width = xmalloc(t->cap_cmd_width *
				       sizeof(*t->cmd_width));
	}
	if (t->cap_cmd_width)
		memset(t->cmd_width, 0,
		       t->cap_cmd_width * sizeof(*t->cmd_width));
	t->titems = xgrow(t->titems, &t->cap_titems, t->m.nrows + 1,
			  sizeof(*t->titems));
	for (i = 0; i < t->m.nrows; i++) {
		const struct tui_rowinfo *ri = &t->info[t->rank[i]];

		t->titems[i].key = ri->key;
		t->titems[i].tag = ri->tag;
		t->titems[i].snap = NULL;
		t->titems[i].label = NULL;
		t->titems[i].ref = t->rank[i];
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

		if (strcasestr(tui_list_cells(t, &t->list[k]), t->search)) {
			tui_list_select(t, (long)k);
			return true;
		}
	}
	return false;
}
