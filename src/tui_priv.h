/* tui_priv.h - the state of the live view and the private interface of its
 * files. They call each other in one direction only:
 *   tui.c (session, loop) -> tui_keys.c (keys) -> tui_prompt.c (prompt, kill)
 *   -> tui_list.c (the table's lines) ; tui.c -> tui_worker.c (refresh
 *   thread), tui_draw.c (screen) ; all may use tui_note.c (clock, note) */
#ifndef PORTTOP_TUI_PRIV_H
#define PORTTOP_TUI_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "columns.h"
#include "model.h"
#include "source.h"
#include "track.h"
#include "tui.h"

/* Bits of a listener kept with its track entry, to filter it once gone. */
#define TUI_TAG_TCP 0x1u
#define TUI_TAG_UDP 0x2u
#define TUI_TAG_V4 0x4u
#define TUI_TAG_V6 0x8u
#define TUI_TAG_EXPOSED 0x10u

/* Cells of a line are joined by this byte: escaped text never holds it. */
#define TUI_SEP '\x1f'

/* One line of the table: a listener of the model, or one that is gone. */
struct tui_item {
	const struct row *row;		/* NULL once it is not in the model */
	struct track_key key;
	const char *cells;		/* a gone one's, TUI_SEP-joined;
					 * borrowed from the tracker. A row's
					 * are written when they are shown
					 * (tui_list_cells()) */
	bool gone;			/* absent from the last refresh */
};

/* What the table's filters and the tracker use of a row, taken once. */
struct tui_rowinfo {
	struct track_key key;
	unsigned tag;			/* TUI_TAG_* */
};

enum tui_mode {
	TUI_MODE_TABLE,
	TUI_MODE_DETAILS,
	TUI_MODE_EVENTS,
	TUI_MODE_HELP,
	TUI_MODE_SORT,
	TUI_MODE_WHY,		/* the --why diagnosis of a port ('w') */
};

enum tui_prompt {
	TUI_PROMPT_NONE,
	TUI_PROMPT_SEARCH,
	TUI_PROMPT_FILTER,
	TUI_PROMPT_DELAY,
	TUI_PROMPT_KILL,
};

#define TUI_TEXT_MAX 128

/* What one screen line was drawn with: lines drawn as they were are left
 * to curses as they are (most lines of most frames). */
struct tui_shown {
	uint64_t hash;			/* of what was put on it */
	unsigned puts;			/* how many times; 0: blank */
};

/* The thread that refreshes in the background. The UI thread sets request
 * and later takes done, both under lock; from the request until it takes
 * done, src and next belong to the worker alone, and the UI thread never
 * touches them (but for source_signal(), which reads only what
 * source_new() set). A model owns what it shows (its snapshot), so the
 * shown one outlives the worker's next owner scan. */
struct tui_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* signals request or quit */
	bool running;			/* the thread exists; UI thread only */
	bool request;			/* under lock: a refresh is wanted */
	bool done;			/* under lock: next, rc, err are ready */
	bool quit;			/* under lock: leave the thread */
	struct source *src;		/* borrowed */
	const struct filter *filter;	/* borrowed */
	const struct model *prev;	/* the shown model, only read while
					 * a refresh runs; set with request */
	struct model next;		/* what the refresh built */
	int rc;				/* of source_refresh_since():
					 * SOURCE_SAME: next is empty, prev
					 * stays true */
	char err[256];			/* source_error() when rc < 0 */
	char notice[256];		/* source_notice() when rc == 0: what
					 * the refresh could not list, or "" */
};

struct tui {
	const struct tui_request *req;	/* borrowed */
	struct tui_worker w;
	bool busy;			/* a refresh is in flight */
	double busy_since;		/* monotonic seconds */
	double redraw_at;		/* monotonic: when the screen drawn
					 * changes by itself (a mark or a note
					 * ends, a gone line leaves); 0 never */
	struct model m;
	struct track track;
	const enum col_id *ids;		/* the columns shown */
	size_t ncols;

	const struct model *prev;	/* while a refresh is taken: the
					 * model before it (the tracker asks
					 * for the text of what went) */
	uint32_t *rank;			/* model rows in the sort's order */
	size_t cap_rank;
	struct tui_rowinfo *info;	/* per model row, taken at the load */
	size_t cap_info;
	uint32_t *cmd_width;		/* per process of the model: the width
					 * of its command + 1, 0 unknown */
	size_t cap_cmd_width;
	size_t flex_cap;		/* the flexible column's width is
					 * measured up to this (the screen's) */
	struct buf cells;		/* the cells of one row being shown */
	struct track_item *titems;
	size_t cap_titems;
	size_t ntcp, nudp, nexposed;	/* the title's counts of the model */
	const char *netns_name;		/* the title's netns name, or NULL;
					 * borrowed from the model */

	struct tui_item *list;		/* what the table shows, in order */
	size_t nlist, cap_list;
	struct track_key *order;	/* the order of the last list */
	size_t norder, cap_order;
	size_t want[COLUMNS_MAX];	/* widths the cells ask for */

	size_t sel;			/* selected line of list */
	size_t top;			/* first line shown */
	struct track_key sel_key;
	size_t scroll;			/* of the details, events, help */
	size_t page;			/* table lines on screen */
	int table_y;			/* screen line of the first one */
	enum tui_mode mode;
	enum tui_prompt prompt;
	char input[TUI_TEXT_MAX];	/* what the prompt holds */
	bool input_fresh;		/* pre-filled: the first key replaces it */
	char search[TUI_TEXT_MAX];
	char filter_text[TUI_TEXT_MAX];
	bool tcp, udp, ipv4, ipv6, exposed;
	int sort_col;			/* enum col_id, or -1: default order */
	bool reverse;
	bool paused, frozen;
	double delay;			/* seconds between refreshes */
	double next_refresh;		/* monotonic seconds */
	long refreshes;
	bool color;
	bool refresh_failed;
	/* the last refresh failed: the table is the last good data */
	char stale_err[256];		/* escaped; "" when not stale */
	time_t stale_since;		/* wall clock of the first failure */
	char notice[256];		/* escaped: the refresh is partial */
	char hint[1024];		/* escaped hint_owners() of the model:
					 * why owners are unknown, the fix */

	char msg[256];			/* escaped note for the status line */
	double msg_until;
	int kill_pid;			/* target of the kill prompt */
	unsigned long long kill_start;
	char kill_name[160];		/* escaped */

	struct buf why;			/* the diagnosis shown, escaped */
	uint16_t why_port;		/* the port it is about */
	uint8_t why_proto;
	bool why_pending;		/* run it once the refresh is done */

	char host[256];			/* escaped */
	struct tui_shown *shown;	/* per screen line: the last frame */
	struct tui_shown *drawing;	/* per screen line: this frame */
	int shown_lines, shown_cols;	/* the screen they are for */
	struct buf line;		/* scratch for drawing */
	struct buf scratch;
};

#define TUI_DELAY_MIN 0.1	/* seconds between refreshes */
#define TUI_DELAY_MAX 86400.0

/* tui_note.c */

/* Set the note of the status line for a few seconds; fmt's arguments must
 * be escaped already. */
void tui_note(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Escape len bytes of raw text s into out (size bytes, cut to fit). */
void tui_escape_into(struct tui *t, char *out, size_t size, const char *s,
		     size_t len);

/* tui_worker.c */

/* Set up w to refresh from src with filter (both borrowed); no thread yet. */
void tui_worker_init(struct tui_worker *w, struct source *src,
		     const struct filter *filter);

/* Free what w holds; the thread must have stopped. */
void tui_worker_release(struct tui_worker *w);

/* Start the thread; when it cannot start, refreshes run in the caller. */
void tui_worker_start(struct tui_worker *w);

/* Wait for a refresh in flight to finish, then end the thread. */
void tui_worker_stop(struct tui_worker *w);

/* Ask for a refresh. Returns true when the thread took it (wait for
 * tui_worker_done()), false when it ran in the caller and w->next, w->rc
 * and w->err are ready already. */
bool tui_worker_request(struct tui_worker *w);

/* True once, when the refresh asked for has finished. */
bool tui_worker_done(struct tui_worker *w);

/* tui_list.c */

/* Rebuild the table's lines from the model, the gone listeners and the
 * view's own filters; keep the selection on the same listener. */
void tui_list_rebuild(struct tui *t);

/* Measure the widths the columns ask for again (the screen grew). */
void tui_list_measure(struct tui *t);

/* Sort the model by the view's sort column and rebuild. */
void tui_list_resort(struct tui *t);

/* Sort a freshly taken model (t->prev is the one before it), update the
 * tracker at now (monotonic seconds) with it, then rebuild. */
void tui_list_load(struct tui *t, double now);

/* The cells of line it, TUI_SEP-joined: a gone listener's as they were,
 * a row's written now into t->cells. Borrowed until the next call. */
const char *tui_list_cells(struct tui *t, const struct tui_item *it);

/* Set up the tracker to ask the view for the text of what changed. */
void tui_list_init(struct tui *t);

/* Select line sel, clamped to the list. */
void tui_list_select(struct tui *t, long sel);

/* Select the first line from line from on (wrapping) that holds the
 * search text; false if none does. */
bool tui_list_search(struct tui *t, size_t from);

/* tui_why.c */

/* 'w': open the diagnosis of the selected listener's port; it runs now,
 * or when the refresh in flight is done (src is the worker's until then). */
void tui_why_ask(struct tui *t);

/* Run the diagnosis of t->why_port into t->why (the UI thread, with no
 * refresh in flight). */
void tui_why_run(struct tui *t);

/* tui_prompt.c */

/* Keys while the prompt line is open (search, filter, interval, kill). */
void tui_prompt_key(struct tui *t, bool fkey, int key);

/* Ask to confirm a SIGTERM to the selected line's first holder. */
void tui_kill_ask(struct tui *t);

/* Refresh every d seconds (clamped). */
/* d within TUI_DELAY_MIN..TUI_DELAY_MAX, to the millisecond. */
double tui_delay_clamp(double d);
void tui_set_delay(struct tui *t, double d);

/* tui_keys.c */

/* Handle one key (fkey: a KEY_* code). Returns -1 to go on, or the exit
 * status. */
int tui_key(struct tui *t, bool fkey, int key);

/* tui_draw.c */

/* Draw the whole screen for the current state. */
void tui_draw(struct tui *t);

/* Colour pairs. */
enum {
	TUI_PAIR_NEW = 1,
	TUI_PAIR_GONE,
	TUI_PAIR_TITLE,
	TUI_PAIR_WARN,
	TUI_PAIR_HEADER,
};

#endif
