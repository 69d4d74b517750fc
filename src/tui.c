/* tui.c - the ncurses live view: session, refresh, keys */
#include "config.h"
#include "tui.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <curses.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "escape.h"
#include "nls.h"
#include "procparse.h"
#include "tui_layout.h"
#include "tui_priv.h"
#include "views.h"
#include "xalloc.h"

/* The signal that ends the view; the one mutable global (set by the
 * handler, read by the loop). */
static volatile sig_atomic_t tui_signal;

#define TUI_HOLD 5.0		/* seconds a change stays marked */
#define TUI_TICK_MS 250		/* longest wait for a key */
#define TUI_BUSY_MS 20		/* the wait while a refresh runs */
#define TUI_SOON 0.2		/* seconds to a refresh a key asks for */
#define TUI_DELAY_MIN 0.1
#define TUI_DELAY_MAX 86400.0

double tui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	tui_signal = sig;
}

static const int end_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NEND_SIGNALS (sizeof(end_signals) / sizeof(end_signals[0]))

static void signals_catch(struct sigaction *old)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the wait for a key ends at once */
	for (i = 0; i < NEND_SIGNALS; i++)
		sigaction(end_signals[i], &sa, &old[i]);
}

static void signals_restore(const struct sigaction *old)
{
	size_t i;

	for (i = 0; i < NEND_SIGNALS; i++)
		sigaction(end_signals[i], &old[i], NULL);
}

static void set_msg(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A note for the status line; fmt's arguments must be escaped already. */
static void set_msg(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_until = tui_now() + 3.0;
}

/* Escape raw text into a fixed buffer. */
static void escape_into(struct tui *t, char *out, size_t size, const char *s,
			size_t len)
{
	buf_reset(&t->scratch);
	escape_text(&t->scratch, s, len);
	snprintf(out, size, "%s", t->scratch.p ? t->scratch.p : "");
}

static unsigned row_tag(const struct row *r)
{
	unsigned tag = r->sock->proto == IPPROTO_TCP ? TUI_TAG_TCP
						      : TUI_TAG_UDP;

	tag |= r->sock->family == AF_INET ? TUI_TAG_V4 : TUI_TAG_V6;
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

	buf_printf(b, "%s ", view_proto(r));
	v6 = r->sock->family == AF_INET6;
	if (v6)
		buf_addc(b, '[');
	columns[COL_ADDRESS].cell(b, m, r);
	if (v6)
		buf_addc(b, ']');
	buf_printf(b, ":%u ", r->sock->port);
	if (r->nholders) {
		const struct proc_info *p = model_proc(m, &r->holders[0]);

		if (p)
			escape_text(b, p->comm, p->comm_len);
		buf_printf(b, "[%d]", r->holders[0].pid);
	} else {
		buf_adds(b, view_status_text(r->status));
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

			buf_reset(&t->scratch);
			buf_add(&t->scratch, c, len);
			w = columns_width(t->scratch.p);
			if (max && w > max)
				w = max;
			if (w > t->want[j])
				t->want[j] = w;
			c = end ? end + 1 : NULL;
		}
	}
}

/* Rebuild what the table shows from the model, the gone listeners and the
 * view's own filters; keep the selection on the same listener. */
static void rebuild(struct tui *t)
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

static void resort(struct tui *t)
{
	model_sort(&t->m, (enum col_id)t->sort_col, t->reverse);
	render(t);
	rebuild(t);
}

/* Worker side: refresh into w->next and detach it, so that the next owner
 * scan cannot pull it from under the UI thread. */
static void refresh_into(struct tui_worker *w)
{
	w->rc = source_refresh(w->src, w->filter, &w->next);
	if (w->rc < 0) {
		snprintf(w->err, sizeof(w->err), "%s", source_error(w->src));
		model_release(&w->next);
		return;
	}
	model_detach(&w->next);
}

static void *worker_main(void *arg)
{
	struct tui_worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->request && !w->quit)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->quit)
			break;
		pthread_mutex_unlock(&w->lock);
		refresh_into(w);
		pthread_mutex_lock(&w->lock);
		w->request = false;
		w->done = true;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Start the worker with every signal blocked: the end signals must reach
 * the UI thread, and curses' SIGTSTP and SIGWINCH handlers must not run in
 * the worker. Without a thread, refreshes run in the UI thread. */
static void worker_start(struct tui_worker *w)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	w->running = pthread_create(&w->thread, NULL, worker_main, w) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Wait for a refresh in flight to finish, then end the thread. */
static void worker_stop(struct tui_worker *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = false;
}

/* Take the worker's model in place of the shown one, then update the
 * tracker and the table from it. */
static void take_refresh(struct tui *t)
{
	struct tui_worker *w = &t->w;
	double now = tui_now(), due = now + t->delay;
	size_t i;

	t->refreshes++;
	/* a key asked for an early refresh while this one ran (kill, resume) */
	if (t->next_refresh > t->busy_since && t->next_refresh < due)
		due = t->next_refresh;
	t->next_refresh = due;
	model_release(&t->m);
	t->m = w->next;
	model_init(&w->next);
	if (w->rc < 0) {
		escape_into(t, t->msg, sizeof(t->msg), w->err, strlen(w->err));
		t->msg_until = now + t->delay + 1.0;
		t->refresh_failed = true;
		render(t);
		rebuild(t);
		return;
	}
	t->refresh_failed = false;
	model_sort(&t->m, (enum col_id)t->sort_col, t->reverse);
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
	rebuild(t);
}

/* Hand a refresh to the worker; src and w->next are its own until
 * refresh_done() says it has finished. */
static void request_refresh(struct tui *t)
{
	struct tui_worker *w = &t->w;

	t->busy_since = tui_now();
	if (!w->running) {
		refresh_into(w);
		take_refresh(t);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->request = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	t->busy = true;
}

static bool refresh_done(struct tui *t)
{
	struct tui_worker *w = &t->w;
	bool done;

	if (!t->busy)
		return false;
	pthread_mutex_lock(&w->lock);
	done = w->done;
	w->done = false;
	pthread_mutex_unlock(&w->lock);
	if (done)
		t->busy = false;
	return done;
}

static void select_line(struct tui *t, long sel)
{
	if (sel >= (long)t->nlist)
		sel = (long)t->nlist - 1;
	if (sel < 0)
		sel = 0;
	t->sel = (size_t)sel;
	if (t->nlist)
		t->sel_key = t->list[t->sel].key;
}

/* Select the first line from line "from" on (wrapping) that holds the
 * search text. */
static bool search_from(struct tui *t, size_t from)
{
	size_t i;

	if (!t->search[0] || !t->nlist)
		return false;
	for (i = 0; i < t->nlist; i++) {
		size_t k = (from + i) % t->nlist;

		if (strcasestr(t->list[k].cells, t->search)) {
			select_line(t, (long)k);
			return true;
		}
	}
	return false;
}

static int read_start_time(const char *proc_root, int pid,
			   unsigned long long *start)
{
	char path[PATH_MAX], buf[1024];
	struct proc_stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	if (!procparse_stat(buf, (size_t)n, &st))
		return -ESRCH;
	*start = st.start_time;
	return 0;
}

static void kill_ask(struct tui *t)
{
	const struct tui_item *it = t->nlist ? &t->list[t->sel] : NULL;
	const struct proc_info *p;

	if (!it || !it->row || !it->row->nholders) {
		set_msg(t, "%s", _("no process to signal on this line"));
		return;
	}
	p = model_proc(&t->m, &it->row->holders[0]);
	if (!p) {
		set_msg(t, "%s", _("no process to signal on this line"));
		return;
	}
	t->kill_pid = p->pid;
	t->kill_start = p->start_time;
	escape_into(t, t->kill_name, sizeof(t->kill_name), p->comm,
		    p->comm_len);
	t->prompt = TUI_PROMPT_KILL;
}

static void kill_do(struct tui *t)
{
	unsigned long long start = 0;

	if (read_start_time(t->opts->proc_root, t->kill_pid, &start) < 0) {
		set_msg(t, _("process %d has exited already"), t->kill_pid);
		return;
	}
	if (start != t->kill_start) {
		set_msg(t, _("pid %d belongs to another process now: no signal sent"),
			t->kill_pid);
		return;
	}
	if (kill(t->kill_pid, SIGTERM) < 0) {
		set_msg(t, _("cannot signal %s (pid %d): %s"), t->kill_name,
			t->kill_pid, strerror(errno));
		return;
	}
	set_msg(t, _("sent SIGTERM to %s (pid %d)"), t->kill_name,
		t->kill_pid);
	t->next_refresh = tui_now() + TUI_SOON;
}

static void set_delay(struct tui *t, double d)
{
	if (d < TUI_DELAY_MIN)
		d = TUI_DELAY_MIN;
	if (d > TUI_DELAY_MAX)
		d = TUI_DELAY_MAX;
	/* a refresh in flight sets the next one from the new delay */
	if (!t->busy)
		t->next_refresh += d - t->delay;
	t->delay = d;
	set_msg(t, _("refreshing every %.1f s"), d);
}

static void toggle(struct tui *t, bool *flag, const char *on,
		   const char *off)
{
	*flag = !*flag;
	set_msg(t, "%s", *flag ? on : off);
	rebuild(t);
}

static void sort_step(struct tui *t, int dir)
{
	long k = -1;
	size_t j;

	if (!t->ncols)
		return;
	for (j = 0; j < t->ncols; j++)
		if ((int)t->ids[j] == t->sort_col)
			k = (long)j;
	k = k < 0 ? 0 : (k + dir + (long)t->ncols) % (long)t->ncols;
	t->sort_col = (int)t->ids[k];
	resort(t);
}

static bool is_enter(bool fkey, int key)
{
	return fkey ? key == KEY_ENTER : key == '\n' || key == '\r';
}

/* Keys of the prompt line. */
static void prompt_key(struct tui *t, bool fkey, int key)
{
	size_t len = strlen(t->input);
	bool changed = false;

	if (t->prompt == TUI_PROMPT_KILL) {
		t->prompt = TUI_PROMPT_NONE;
		if (!fkey && (key == 'y' || key == 'Y'))
			kill_do(t);
		else
			set_msg(t, "%s", _("no signal sent"));
		return;
	}
	if (!fkey && key == 27) {
		if (t->prompt == TUI_PROMPT_FILTER) {
			t->filter_text[0] = '\0';
			rebuild(t);
		}
		t->prompt = TUI_PROMPT_NONE;
		return;
	}
	if (is_enter(fkey, key)) {
		if (t->prompt == TUI_PROMPT_DELAY) {
			char *end;
			double d = strtod(t->input, &end);

			if (end == t->input || *end || !(d > 0))
				set_msg(t, "%s", _("the interval is a number of seconds"));
			else
				set_delay(t, d);
		}
		t->prompt = TUI_PROMPT_NONE;
		return;
	}
	if ((fkey && key == KEY_BACKSPACE) ||
	    (!fkey && (key == 127 || key == 8))) {
		/* drop the last character, not the last byte */
		while (len > 0 &&
		       ((unsigned char)t->input[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		t->input[len] = '\0';
		changed = true;
	} else if (!fkey && key >= 32 && key != 127) {
		char mb[MB_LEN_MAX];
		mbstate_t ps;
		size_t n;

		memset(&ps, 0, sizeof(ps));
		n = wcrtomb(mb, (wchar_t)key, &ps);
		if (n != (size_t)-1 && len + n < sizeof(t->input)) {
			memcpy(t->input + len, mb, n);
			t->input[len + n] = '\0';
			changed = true;
		}
	}
	if (!changed)
		return;
	if (t->prompt == TUI_PROMPT_SEARCH) {
		snprintf(t->search, sizeof(t->search), "%s", t->input);
		search_from(t, t->sel);
	} else if (t->prompt == TUI_PROMPT_FILTER) {
		snprintf(t->filter_text, sizeof(t->filter_text), "%s",
			 t->input);
		rebuild(t);
	}
}

static void mouse_key(struct tui *t)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || t->mode != TUI_MODE_TABLE)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		select_line(t, (long)t->sel - 3);
#ifdef BUTTON5_PRESSED
	} else if (ev.bstate & BUTTON5_PRESSED) {
		select_line(t, (long)t->sel + 3);
#endif
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
		if (ev.y >= t->table_y && ev.y < t->table_y + (int)t->page &&
		    t->top + (size_t)(ev.y - t->table_y) < t->nlist)
			select_line(t, (long)(t->top +
					      (size_t)(ev.y - t->table_y)));
	}
}

/* Keys of the details, events, help and sort screens. */
static void sub_key(struct tui *t, enum tui_action a, bool fkey, int key)
{
	size_t step = t->page ? t->page : 1;

	if (t->mode == TUI_MODE_SORT && is_enter(fkey, key)) {
		t->sort_col = (int)t->scroll;
		t->mode = TUI_MODE_TABLE;
		resort(t);
		return;
	}
	switch (a) {
	case TUI_UP:
		if (t->scroll)
			t->scroll--;
		break;
	case TUI_DOWN:
		t->scroll++;
		break;
	case TUI_PGUP:
		t->scroll = t->scroll > step ? t->scroll - step : 0;
		break;
	case TUI_PGDN:
		t->scroll += step;
		break;
	case TUI_HOME:
		t->scroll = 0;
		break;
	case TUI_END:
		t->scroll = SIZE_MAX / 2;
		break;
	case TUI_REDRAW:
		clearok(curscr, TRUE);
		break;
	case TUI_BACK:
	case TUI_QUIT:
	case TUI_DETAILS:
		t->mode = TUI_MODE_TABLE;
		break;
	case TUI_EVENTS:
	case TUI_HELP:
		t->mode = (a == TUI_EVENTS && t->mode != TUI_MODE_EVENTS)
				  ? TUI_MODE_EVENTS
			  : (a == TUI_HELP && t->mode != TUI_MODE_HELP)
				  ? TUI_MODE_HELP
				  : TUI_MODE_TABLE;
		t->scroll = 0;
		break;
	default:
		break;
	}
	if (t->mode == TUI_MODE_SORT && t->scroll >= COL__COUNT)
		t->scroll = COL__COUNT - 1;
}

/* Handle one key. Returns -1 to go on, or the exit status. */
static int key(struct tui *t, bool fkey, int key)
{
	enum tui_action a;
	long page = t->page ? (long)t->page : 1;

	if (fkey && key == KEY_RESIZE)
		return -1;
	if (fkey && key == KEY_MOUSE) {
		mouse_key(t);
		return -1;
	}
	if (t->prompt != TUI_PROMPT_NONE) {
		prompt_key(t, fkey, key);
		return -1;
	}
	a = tui_key_action(key, fkey);
	if (t->mode != TUI_MODE_TABLE) {
		sub_key(t, a, fkey, key);
		return -1;
	}
	switch (a) {
	case TUI_NONE:
	case TUI_BACK:
		break;
	case TUI_UP:
		select_line(t, (long)t->sel - 1);
		break;
	case TUI_DOWN:
		select_line(t, (long)t->sel + 1);
		break;
	case TUI_PGUP:
		select_line(t, (long)t->sel - page);
		break;
	case TUI_PGDN:
		select_line(t, (long)t->sel + page);
		break;
	case TUI_HOME:
		select_line(t, 0);
		break;
	case TUI_END:
		select_line(t, (long)t->nlist - 1);
		break;
	case TUI_DETAILS:
		if (t->nlist) {
			t->mode = TUI_MODE_DETAILS;
			t->scroll = 0;
		}
		break;
	case TUI_SEARCH:
		t->prompt = TUI_PROMPT_SEARCH;
		t->input[0] = '\0';
		break;
	case TUI_NEXT:
		if (!search_from(t, t->sel + 1) && t->search[0])
			set_msg(t, "%s", _("no match"));
		break;
	case TUI_FILTER:
		t->prompt = TUI_PROMPT_FILTER;
		snprintf(t->input, sizeof(t->input), "%s", t->filter_text);
		break;
	case TUI_SORT:
		t->mode = TUI_MODE_SORT;
		t->scroll = (size_t)t->sort_col;
		break;
	case TUI_SORT_LEFT:
		sort_step(t, -1);
		break;
	case TUI_SORT_RIGHT:
		sort_step(t, 1);
		break;
	case TUI_REVERSE:
		t->reverse = !t->reverse;
		resort(t);
		break;
	case TUI_TCP:
		toggle(t, &t->tcp, _("showing TCP"), _("hiding TCP"));
		break;
	case TUI_UDP:
		toggle(t, &t->udp, _("showing UDP"), _("hiding UDP"));
		break;
	case TUI_IPV4:
		toggle(t, &t->ipv4, _("showing IPv4"), _("hiding IPv4"));
		break;
	case TUI_IPV6:
		toggle(t, &t->ipv6, _("showing IPv6"), _("hiding IPv6"));
		break;
	case TUI_EXPOSED:
		toggle(t, &t->exposed, _("only listeners beyond loopback"),
		       _("all listeners"));
		break;
	case TUI_PAUSE:
		t->paused = !t->paused;
		if (!t->paused)
			t->next_refresh = tui_now();
		break;
	case TUI_FREEZE:
		t->frozen = !t->frozen;
		set_msg(t, "%s", t->frozen ? _("row order frozen")
					   : _("row order follows the sort"));
		rebuild(t);
		break;
	case TUI_KILL:
		kill_ask(t);
		break;
	case TUI_DELAY:
		t->prompt = TUI_PROMPT_DELAY;
		snprintf(t->input, sizeof(t->input), "%g", t->delay);
		break;
	case TUI_SLOWER:
		set_delay(t, t->delay < 1.0 ? t->delay + 0.1 : t->delay + 1.0);
		break;
	case TUI_FASTER:
		set_delay(t, t->delay <= 1.0 ? t->delay - 0.1 : t->delay - 1.0);
		break;
	case TUI_EVENTS:
		t->mode = TUI_MODE_EVENTS;
		t->scroll = 0;
		break;
	case TUI_HELP:
		t->mode = TUI_MODE_HELP;
		t->scroll = 0;
		break;
	case TUI_REDRAW:
		clearok(curscr, TRUE);
		break;
	case TUI_QUIT:
		return 0;
	}
	return -1;
}

static int wait_ms(const struct tui *t)
{
	double left;

	if (t->busy)
		return TUI_BUSY_MS;
	if (t->paused)
		return TUI_TICK_MS;
	left = (t->next_refresh - tui_now()) * 1000.0;
	if (left < 1)
		return 1;
	return left > TUI_TICK_MS ? TUI_TICK_MS : (int)left;
}

static int loop(struct tui *t)
{
	long iterations = t->opts->iterations;

	for (;;) {
		double now = tui_now();
		wint_t wch;
		int rc;

		if (tui_signal)
			return 128 + tui_signal;
		if (refresh_done(t))
			take_refresh(t);
		if (!t->paused && !t->busy && now >= t->next_refresh) {
			if (iterations > 0 && t->refreshes >= iterations)
				return 0;
			request_refresh(t);
		}
		if (track_expire(&t->track, now))
			rebuild(t);
		tui_draw(t);
		timeout(wait_ms(t));
		rc = get_wch(&wch);
		if (rc == ERR)
			continue;
		rc = key(t, rc == KEY_CODE_YES, (int)wch);
		if (rc >= 0)
			return rc;
	}
}

static bool want_color(const struct options *opts)
{
	const char *no = getenv("NO_COLOR");

	if (opts->color == COLOR_NEVER)
		return false;
	if (opts->color == COLOR_ALWAYS)
		return true;
	return !(no && *no);
}

static SCREEN *start_curses(struct tui *t)
{
	SCREEN *scr = newterm(NULL, stdout, stdin);

	if (!scr)
		return NULL;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
		  , NULL);
	mouseinterval(0);
	t->color = want_color(t->opts) && has_colors();
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(TUI_PAIR_NEW, COLOR_GREEN, -1);
		init_pair(TUI_PAIR_GONE, COLOR_RED, -1);
		init_pair(TUI_PAIR_TITLE, COLOR_CYAN, -1);
		init_pair(TUI_PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(TUI_PAIR_HEADER, COLOR_BLACK, COLOR_GREEN);
	}
	return scr;
}

static void tui_init(struct tui *t, struct source *src,
		     const struct options *opts)
{
	char host[256];

	memset(t, 0, sizeof(*t));
	t->opts = opts;
	t->w.src = src;
	t->w.filter = &opts->filter;
	pthread_mutex_init(&t->w.lock, NULL);
	pthread_cond_init(&t->w.wake, NULL);
	model_init(&t->w.next);
	model_init(&t->m);
	track_init(&t->track, TUI_HOLD);
	view_columns(opts, &t->ids, &t->ncols);
	buf_init(&t->cells);
	buf_init(&t->labels);
	buf_init(&t->line);
	buf_init(&t->scratch);
	t->tcp = t->udp = t->ipv4 = t->ipv6 = true;
	t->exposed = opts->filter.exposed;
	t->sort_col = COL_PROTO;
	t->delay = opts->delay > 0 ? opts->delay : 2.0;
	if (t->delay < TUI_DELAY_MIN)
		t->delay = TUI_DELAY_MIN;
	t->next_refresh = tui_now();
	t->sel_key.inode = 0;
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	escape_into(t, t->host, sizeof(t->host), host, strlen(host));
	/* the header's widths, for the screens before the first refresh */
	rebuild(t);
}

/* The worker must have stopped. */
static void tui_release(struct tui *t)
{
	model_release(&t->w.next);
	pthread_cond_destroy(&t->w.wake);
	pthread_mutex_destroy(&t->w.lock);
	model_release(&t->m);
	track_release(&t->track);
	buf_release(&t->cells);
	buf_release(&t->labels);
	buf_release(&t->line);
	buf_release(&t->scratch);
	free(t->cell_off);
	free(t->label_off);
	free(t->titems);
	free(t->list);
	free(t->order);
}

int tui_run(struct source *src, const struct options *opts, const char **msg)
{
	struct sigaction old[NEND_SIGNALS];
	struct tui t;
	SCREEN *scr;
	int status;

	if (!tui_possible()) {
		*msg = N_("this terminal cannot show the live view");
		return -ENOTTY;
	}
	tui_signal = 0;
	/* ours first, so that curses keeps its hands off them */
	signals_catch(old);
	tui_init(&t, src, opts);
	scr = start_curses(&t);
	if (!scr) {
		signals_restore(old);
		tui_release(&t);
		*msg = N_("this terminal cannot show the live view");
		return -ENOTTY;
	}
	worker_start(&t.w);
	status = loop(&t);
	/* a refresh always ends: wait for it rather than leave a thread */
	worker_stop(&t.w);
	endwin();
	delscreen(scr);
	signals_restore(old);
	tui_release(&t);
	return status;
}
