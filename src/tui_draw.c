/* tui_draw.c - the live view's screen: title, table, other screens, status */
#include "config.h"
#include "tui_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curses.h>
#include <netinet/in.h>

#include "clock.h"
#include "escape.h"
#include "nls.h"
#include "ownerstat.h"
#include "tui_layout.h"
#include "views.h"
#include "xalloc.h"

#define TUI_SLOW 0.5		/* seconds before a refresh is marked */

static uint64_t hash_put(int x, attr_t attr, const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)x ^
		     ((uint64_t)attr << 16);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Note that t->line goes on line y at x with attr; false when the line
 * shows exactly that already (its only put, as in the last frame). A
 * line about to change is blanked first, as erase() would have. */
static bool same_as_shown(struct tui *t, int y, int x, attr_t attr)
{
	struct tui_shown *now = &t->drawing[y];
	const struct tui_shown *was = &t->shown[y];
	uint64_t h = hash_put(x, attr, t->line.p ? t->line.p : "", t->line.len);

	now->puts++;
	if (now->puts > 1) {
		now->hash = now->hash * 31 + h;
		return true;
	}
	now->hash = h;
	if (was->puts == 1 && was->hash == h)
		return false;
	move(y, 0);
	clrtoeol();
	return true;
}

/* Start a frame: a new screen size (or the first frame) starts blank. */
static void frame_start(struct tui *t)
{
	size_t n = LINES > 0 ? (size_t)LINES : 0;

	if (LINES != t->shown_lines || COLS != t->shown_cols) {
		free(t->shown);
		free(t->drawing);
		t->shown = xcalloc(n + 1, sizeof(*t->shown));
		t->drawing = xcalloc(n + 1, sizeof(*t->drawing));
		t->shown_lines = LINES;
		t->shown_cols = COLS;
		erase();
	}
	memset(t->drawing, 0, (n + 1) * sizeof(*t->drawing));
}

/* End a frame: blank the lines it left empty, and remember it. */
static void frame_end(struct tui *t)
{
	struct tui_shown *swap = t->shown;
	int y;

	for (y = 0; y < t->shown_lines; y++) {
		if (!t->drawing[y].puts && t->shown[y].puts) {
			move(y, 0);
			clrtoeol();
		}
	}
	t->shown = t->drawing;
	t->drawing = swap;
}

/* Put escaped text s on line y from column x, cut at the screen's edge;
 * fill: pad to the edge (for bars and the selection). */
static void put(struct tui *t, int y, int x, const char *s, attr_t attr,
		bool fill)
{
	size_t room;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	room = (size_t)(COLS - x);
	buf_reset(&t->line);
	if (fill || columns_width(s) > room)
		tui_fit(&t->line, s, strlen(s), room, false);
	else
		buf_adds(&t->line, s);
	if (!same_as_shown(t, y, x, attr))
		return;
	attrset(attr);
	mvaddstr(y, x, t->line.p ? t->line.p : "");
	attrset(A_NORMAL);
}

/* The screen drawn changes by itself at when: draw it again then. */
static void redraw_by(struct tui *t, double when)
{
	if (!t->redraw_at || when < t->redraw_at)
		t->redraw_at = when;
}

static attr_t pair(const struct tui *t, int p)
{
	return t->color ? COLOR_PAIR(p) : A_NORMAL;
}

/* The namespace shown: its name (from /run/netns) if it has one. */
static void draw_netns(const struct tui *t, struct buf *b)
{
	if (!t->m.netns)
		return;
	if (t->netns_name) {
		buf_adds(b, "  netns ");
		escape_text(b, t->netns_name, strlen(t->netns_name));
		return;
	}
	buf_printf(b, "  netns %llu", (unsigned long long)t->m.netns);
}

static void draw_title(struct tui *t, int y)
{
	struct buf *b = &t->scratch;

	buf_reset(b);
	buf_printf(b, "porttop  %s", t->host);
	draw_netns(t, b);
	if (t->stale_err[0]) {
		char when[16];
		struct tm tm;

		localtime_r(&t->stale_since, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		buf_adds(b, "  ");
		buf_printf(b, _("STALE since %s: %s"), when, t->stale_err);
	} else if (t->notice[0]) {
		buf_adds(b, "  ");
		buf_printf(b, _("PARTIAL: %s"), t->notice);
	}
	buf_adds(b, "  ");
	buf_printf(b, _("TCP %zu"), t->ntcp);
	buf_adds(b, "  ");
	buf_printf(b, _("UDP %zu"), t->nudp);
	buf_adds(b, "  ");
	buf_printf(b, _("exposed %zu"), t->nexposed);
	buf_adds(b, "  ");
	buf_printf(b, _("every %gs"), t->delay);
	if (t->busy && clock_now() - t->busy_since >= TUI_SLOW) {
		buf_adds(b, "  ");
		buf_adds(b, _("refreshing"));
	}
	if (t->paused) {
		buf_adds(b, "  ");
		buf_adds(b, _("PAUSED"));
	}
	if (t->frozen) {
		buf_adds(b, "  ");
		buf_adds(b, _("FROZEN"));
	}
	/* last: on a narrow screen the states above matter more */
	if (t->m.hidden_owners) {
		buf_adds(b, "  ");
		buf_printf(b, _("owners incomplete %zu"), t->m.hidden_owners);
	}
	put(t, y, 0, b->p, A_BOLD | pair(t, TUI_PAIR_TITLE), true);
}

/* After an incremental /proc refresh, say so and how old the last full
 * scan is: a holder may be missed until the next one (COST). Whole or not
 * at all, so that a narrow screen never shows half of it. */
static void draw_incremental(const struct tui *t, struct buf *b)
{
	char part[128];

	if (!t->m.owners_incremental)
		return;
	snprintf(part, sizeof(part), _("owners: incremental, full scan %.0f s ago"),
		 t->m.owners_full_age);
	if (columns_width(b->p) + 2 + columns_width(part) > (size_t)COLS)
		return;
	buf_adds(b, "  ");
	buf_adds(b, part);
}

static void draw_info(struct tui *t, int y)
{
	struct buf *b = &t->scratch;

	buf_reset(b);
	buf_printf(b, _("sort: %s"),
		   _(columns[t->sort_col].header));
	if (t->reverse)
		buf_printf(b, " %s", _("(reversed)"));
	if (t->filter_text[0]) {
		buf_adds(b, "  ");
		buf_adds(b, _("filter: "));
		escape_text(b, t->filter_text, strlen(t->filter_text));
	}
	if (t->search[0]) {
		buf_adds(b, "  ");
		buf_adds(b, _("search: "));
		escape_text(b, t->search, strlen(t->search));
	}
	if (!t->tcp)
		buf_printf(b, "  %s", _("[no TCP]"));
	if (!t->udp)
		buf_printf(b, "  %s", _("[no UDP]"));
	if (!t->ipv4)
		buf_printf(b, "  %s", _("[no IPv4]"));
	if (!t->ipv6)
		buf_printf(b, "  %s", _("[no IPv6]"));
	if (t->exposed)
		buf_printf(b, "  %s", _("[exposed only]"));
	draw_incremental(t, b);
	put(t, y, 0, b->p, A_NORMAL, false);
}

static size_t flex_column(const struct tui *t)
{
	size_t j;

	for (j = 0; j < t->ncols; j++)
		if (columns[t->ids[j]].max == 0)
			return j;
	return t->ncols;
}

/* One table line: the mark, then the cells in their widths. */
static void put_cells(struct tui *t, char mark, const char *cells,
		      const size_t *width, bool header)
{
	const char *c = cells;
	bool first = true;
	size_t j;

	buf_reset(&t->scratch);
	buf_addc(&t->scratch, mark);
	for (j = 0; j < t->ncols; j++) {
		const struct column *col = &columns[t->ids[j]];
		const char *s = header ? _(col->header) : c ? c : "";
		const char *end = header ? NULL : c ? strchr(c, TUI_SEP) : NULL;
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (!header)
			c = end ? end + 1 : NULL;
		if (!width[j])
			continue;
		if (!first)
			buf_addc(&t->scratch, ' ');
		first = false;
		tui_fit(&t->scratch, s, len, width[j], col->right);
	}
}

static void draw_table(struct tui *t, int y, int h, double now)
{
	size_t width[COLUMNS_MAX], i, page;
	unsigned drop[COLUMNS_MAX];

	t->page = 0;
	if (h <= 0)
		return;
	for (i = 0; i < t->ncols; i++)
		drop[i] = columns[t->ids[i]].drop;
	tui_layout(t->want, drop, t->ncols, flex_column(t),
		   COLS > 1 ? (size_t)COLS - 1 : 0, width);
	put_cells(t, ' ', NULL, width, true);
	/* not plain reverse video: that is the selection */
	put(t, y, 0, t->scratch.p,
	    t->color ? pair(t, TUI_PAIR_HEADER) : A_REVERSE | A_BOLD, true);
	y++;
	h--;
	page = h > 0 ? (size_t)h : 0;
	t->table_y = y;
	t->page = page;
	if (t->sel < t->top)
		t->top = t->sel;
	if (page && t->sel >= t->top + page)
		t->top = t->sel - page + 1;
	if (t->top + page > t->nlist)
		t->top = t->nlist > page ? t->nlist - page : 0;
	if (!t->nlist && page) {
		/* nothing to say before the first refresh */
		if (t->refreshes)
			put(t, y, 1, t->m.nrows ? _("no listener matches") :
				  _("no listener"), A_NORMAL, false);
		return;
	}
	for (i = 0; i < page && t->top + i < t->nlist; i++) {
		const struct tui_item *it = &t->list[t->top + i];
		const struct track_entry *e = track_find(&t->track, it->key);
		bool fresh = e && !it->gone && track_is_new(&t->track, e, now);
		attr_t attr = A_NORMAL;

		if (fresh) {
			attr = A_BOLD | pair(t, TUI_PAIR_NEW);
			redraw_by(t, e->since + t->track.hold);
		}
		else if (it->gone)
			attr = t->color ? pair(t, TUI_PAIR_GONE) : A_DIM;
		if (t->top + i == t->sel)
			attr |= A_REVERSE;
		put_cells(t, it->gone ? '-' : fresh ? '+' : ' ',
			  tui_list_cells(t, it), width, false);
		put(t, y + (int)i, 0, t->scratch.p, attr, true);
	}
}

/* Text of many lines, scrolled. */
static void draw_text(struct tui *t, int y, int h, const char *text)
{
	size_t n = 0, i = 0;
	const char *p;

	t->page = h > 0 ? (size_t)h : 0;
	if (h <= 0)
		return;
	for (p = text; *p; p++)
		if (*p == '\n')
			n++;
	if (p > text && p[-1] != '\n')
		n++;
	if (t->scroll + (size_t)h > n)
		t->scroll = n > (size_t)h ? n - (size_t)h : 0;
	p = text;
	while (*p && i < t->scroll + (size_t)h) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (i >= t->scroll) {
			struct buf one;

			buf_init(&one);
			buf_add(&one, p, len);
			put(t, y + (int)(i - t->scroll), 0, one.p ? one.p : "",
			    A_NORMAL, false);
			buf_release(&one);
		}
		i++;
		p = nl ? nl + 1 : p + len;
	}
}

/* Lines of escaped text (each ended by '\n') from line y on. */
static void put_lines(struct tui *t, int y, const char *text, attr_t attr)
{
	struct buf one;
	const char *p, *nl;

	buf_init(&one);
	for (p = text; p && (nl = strchr(p, '\n')); p = nl + 1) {
		buf_reset(&one);
		buf_add(&one, p, (size_t)(nl - p));
		put(t, y++, 0, one.p ? one.p : "", attr, false);
	}
	buf_release(&one);
}

/* The hint of unknown owners above the status line: wrapped to the
 * screen, at most 3 lines (fewer on a small one). Returns the lines it
 * takes from the table. */
static int draw_hint(struct tui *t, struct buf *text)
{
	size_t max = LINES >= 20 ? 3 : LINES >= 10 ? 2 : LINES >= 8 ? 1 : 0;
	size_t n;

	if (!t->hint[0] || !max || t->mode != TUI_MODE_TABLE)
		return 0;
	buf_reset(text);
	n = tui_wrap(text, t->hint, (size_t)COLS, max);
	put_lines(t, LINES - 1 - (int)n, text->p, pair(t, TUI_PAIR_WARN));
	buf_reset(text);
	return (int)n;
}

static const struct row *selected_row(const struct tui *t)
{
	return t->nlist ? t->list[t->sel].row : NULL;
}

static void draw_details(struct tui *t, int y, int h, struct buf *text)
{
	const struct row *r = selected_row(t);

	put(t, y, 0, _("details"), A_REVERSE, true);
	if (r) {
		view_card_fit(text, &t->m, r, (size_t)COLS);
		/* why its owner is unknown, and the fix */
		if (owner_status_uncertain(r->status) && t->hint[0]) {
			buf_addc(text, '\n');
			tui_wrap(text, t->hint, (size_t)COLS, (size_t)-1);
		}
	} else if (t->nlist) {
		const char *c;

		buf_adds(text, _("this listener went away; it was:"));
		buf_adds(text, "\n  ");
		for (c = tui_list_cells(t, &t->list[t->sel]); *c; c++)
			buf_addc(text, *c == TUI_SEP ? ' ' : *c);
		buf_addc(text, '\n');
	}
	draw_text(t, y + 1, h - 1, text->p ? text->p : "");
}

static void draw_why(struct tui *t, int y, int h, struct buf *text)
{
	buf_printf(text, "%s %u/%s", _("why:"), t->why_port,
		   t->why_proto == IPPROTO_UDP ? "udp" : "tcp");
	put(t, y, 0, text->p, A_REVERSE, true);
	buf_reset(text);
	if (t->why_pending)
		buf_adds(text, _("diagnosing after the refresh in flight..."));
	draw_text(t, y + 1, h - 1,
		  t->why_pending ? text->p : t->why.p ? t->why.p : "");
}

static void draw_events(struct tui *t, int y, int h, struct buf *text)
{
	size_t i, n = track_nevents(&t->track);

	put(t, y, 0, _("events (newest first)"), A_REVERSE, true);
	if (!n)
		buf_printf(text, "%s\n",
			   _("no listener appeared or went away yet"));
	for (i = 0; i < n; i++) {
		const struct track_event *ev = track_event(&t->track, i);
		char when[32];
		struct tm tm;

		strftime(when, sizeof(when), "%H:%M:%S",
			 localtime_r(&ev->when, &tm));
		buf_printf(text, "%s  %c %-9s %s\n", when,
			   ev->kind == TRACK_APPEARED ? '+' : '-',
			   ev->kind == TRACK_APPEARED ? _("appeared")
						      : _("gone"),
			   ev->label);
	}
	draw_text(t, y + 1, h - 1, text->p ? text->p : "");
}

static void draw_help(struct tui *t, int y, int h, struct buf *text)
{
	size_t i;

	put(t, y, 0, _("keys"), A_REVERSE, true);
	for (i = 0; i < tui_nkeys; i++)
		if (tui_keys[i].name)
			buf_printf(text, "  %-8s %s\n", tui_keys[i].name,
				   _(tui_keys[i].help));
	buf_printf(text, "\n  %s\n  %s\n  %s\n",
		   _("details, events, help: arrows scroll; Esc, q or Enter go back"),
		   _("a '+' marks a listener that just appeared, a '-' one that went away"),
		   _("the mouse selects a line; the wheel scrolls"));
	draw_text(t, y + 1, h - 1, text->p ? text->p : "");
}

static void draw_sort(struct tui *t, int y, int h)
{
	size_t i, top, rows;

	put(t, y, 0, _("sort by (Enter: choose, Esc: back)"), A_REVERSE, true);
	y++;
	h--;
	t->page = h > 0 ? (size_t)h : 0;
	if (h <= 0)
		return;
	rows = (size_t)h;
	top = t->scroll >= rows ? t->scroll - rows + 1 : 0;
	for (i = 0; i < rows && top + i < COL__COUNT; i++) {
		const struct column *c = &columns[top + i];

		buf_reset(&t->scratch);
		buf_printf(&t->scratch, "%c %-10s %s",
			   (int)(top + i) == t->sort_col ? '*' : ' ',
			   _(c->header), _(c->desc));
		put(t, y + (int)i, 0, t->scratch.p,
		    top + i == t->scroll ? A_REVERSE : A_NORMAL, true);
	}
}

/* The key bar of the table, in its order. On a screen too narrow for all,
 * the keys of the highest drop rank go first; "? help" (rank 0) stays:
 * the help lists every key. */
static const struct {
	const char *text;
	unsigned drop;
} key_bar[] = {
	{ N_("q quit"), 1 },	{ N_("? help"), 0 },
	{ N_("/ search"), 3 },	{ N_("f filter"), 5 },
	{ N_("s sort"), 6 },	{ N_("p pause"), 9 },
	{ N_("e events"), 8 },	{ N_("Enter details"), 2 },
	{ N_("w why"), 4 },	{ N_("k kill"), 7 },
};
#define KEY_BAR_N (sizeof(key_bar) / sizeof(key_bar[0]))

/* Append the keys that fit in cols cells, two spaces apart, whole. */
static void add_key_bar(struct buf *b, size_t cols)
{
	bool shown[KEY_BAR_N], sep = false;
	size_t i, total = 0, worst;

	for (i = 0; i < KEY_BAR_N; i++) {
		shown[i] = true;
		total += columns_width(_(key_bar[i].text)) + (i ? 2 : 0);
	}
	while (total > cols) {
		worst = KEY_BAR_N;
		for (i = 0; i < KEY_BAR_N; i++)
			if (shown[i] && key_bar[i].drop &&
			    (worst == KEY_BAR_N ||
			     key_bar[i].drop > key_bar[worst].drop))
				worst = i;
		if (worst == KEY_BAR_N)
			break;	/* only "? help" is left */
		shown[worst] = false;
		total -= columns_width(_(key_bar[worst].text)) + 2;
	}
	for (i = 0; i < KEY_BAR_N; i++) {
		if (!shown[i])
			continue;
		buf_printf(b, "%s%s", sep ? "  " : "", _(key_bar[i].text));
		sep = true;
	}
}

static void draw_status(struct tui *t, int y, double now)
{
	struct buf *b = &t->scratch;
	attr_t attr = A_REVERSE;

	buf_reset(b);
	switch (t->prompt) {
	case TUI_PROMPT_SEARCH:
	case TUI_PROMPT_FILTER:
	case TUI_PROMPT_DELAY:
		buf_adds(b, t->prompt == TUI_PROMPT_SEARCH ? _("search: ")
			 : t->prompt == TUI_PROMPT_FILTER ? _("filter: ")
			 : _("refresh every (seconds): "));
		escape_text(b, t->input, strlen(t->input));
		buf_addc(b, '_');
		attr = A_BOLD;
		break;
	case TUI_PROMPT_KILL:
		buf_printf(b, _("send SIGTERM to %s (pid %d)? [y/N]"),
			   t->kill_name, t->kill_pid);
		attr = A_BOLD | pair(t, TUI_PAIR_WARN);
		break;
	case TUI_PROMPT_NONE:
		if (t->msg[0] && now < t->msg_until) {
			redraw_by(t, t->msg_until);
			buf_adds(b, t->msg);
			attr = A_BOLD | pair(t, TUI_PAIR_WARN);
		} else if (t->mode == TUI_MODE_TABLE) {
			add_key_bar(b, (size_t)COLS);
		} else {
			buf_adds(b, _("Esc back  arrows scroll"));
		}
		break;
	}
	put(t, y, 0, b->p, attr, true);
}

void tui_draw(struct tui *t)
{
	double now = clock_now();
	struct buf text;
	int y = 0, h;

	t->redraw_at = track_next_expiry(&t->track);
	frame_start(t);
	if (LINES <= 0 || COLS <= 0) {
		refresh();
		return;
	}
	buf_init(&text);
	draw_title(t, y++);
	if (LINES >= 8)
		draw_info(t, y++);
	h = LINES - y - 1 - draw_hint(t, &text);
	switch (t->mode) {
	case TUI_MODE_TABLE:
		draw_table(t, y, h, now);
		break;
	case TUI_MODE_DETAILS:
		draw_details(t, y, h, &text);
		break;
	case TUI_MODE_EVENTS:
		draw_events(t, y, h, &text);
		break;
	case TUI_MODE_HELP:
		draw_help(t, y, h, &text);
		break;
	case TUI_MODE_SORT:
		draw_sort(t, y, h);
		break;
	case TUI_MODE_WHY:
		draw_why(t, y, h, &text);
		break;
	}
	if (LINES >= 2)
		draw_status(t, LINES - 1, now);
	buf_release(&text);
	frame_end(t);
	refresh();
}
