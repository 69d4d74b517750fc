/* tui.c - the ncurses live view: the session (terminal, signals) and its
 * loop (refresh when due, draw, wait for a key) */
#include "config.h"
#include "tui.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <curses.h>

#include "clock.h"
#include "nls.h"
#include "tui_priv.h"

/* The signal that ends the view; the one mutable global (set by the
 * handler, read by the loop). */
static volatile sig_atomic_t tui_signal;

#define TUI_HOLD 5.0		/* seconds a change stays marked */
#define TUI_TICK_MS 250		/* longest wait for a key */
#define TUI_BUSY_MS 20		/* the wait while a refresh runs */

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

/* The hint of the model's unknown owners (as the text views print it):
 * what failed and the fix, escaped, or "". */
static void take_hint(struct tui *t)
{
	struct buf b;

	t->hint[0] = '\0';
	if (!t->req->hint)
		return;
	buf_init(&b);
	if (t->req->hint(&b, &t->m, t->req->hint_data))
		tui_escape_into(t, t->hint, sizeof(t->hint), b.p, b.len);
	buf_release(&b);
}

/* Take the worker's model in place of the shown one, then update the
 * tracker and the table from it. */
static void take_refresh(struct tui *t)
{
	struct tui_worker *w = &t->w;
	double now = clock_now(), due = now + t->delay;
	struct model prev;

	t->refreshes++;
	/* a key asked for an early refresh while this one ran (kill, resume) */
	if (t->next_refresh > t->busy_since && t->next_refresh < due)
		due = t->next_refresh;
	t->next_refresh = due;
	if (w->rc < 0) {
		/* keep the last good data, marked stale with the error and
		 * since when; the next refresh tries again on its own */
		model_release(&w->next);
		if (!t->stale_err[0])
			t->stale_since = time(NULL);
		tui_escape_into(t, t->stale_err, sizeof(t->stale_err), w->err,
				strlen(w->err));
		t->refresh_failed = true;
		tui_list_rebuild(t);
		return;
	}
	if (w->rc == SOURCE_SAME) {
		/* the refresh found what the shown model was built from:
		 * it stays, and so do the list and the tracker */
		model_release(&w->next);
	} else {
		/* the one before stays until the tracker has taken the text
		 * of what went away */
		prev = t->m;
		t->m = w->next;
		model_init(&w->next);
	}
	t->stale_err[0] = '\0';
	tui_escape_into(t, t->notice, sizeof(t->notice), w->notice,
			strlen(w->notice));
	take_hint(t);
	t->refresh_failed = false;
	if (w->rc == SOURCE_SAME)
		return;
	t->prev = &prev;
	tui_list_load(t, now);
	t->prev = NULL;
	model_release(&prev);
}

/* Hand a refresh to the worker; src and w->next are its own until
 * refresh_done() says it has finished. */
static void request_refresh(struct tui *t)
{
	t->busy_since = clock_now();
	t->w.prev = &t->m;
	if (!tui_worker_request(&t->w)) {
		take_refresh(t);
		return;
	}
	t->busy = true;
}

static bool refresh_done(struct tui *t)
{
	if (!t->busy)
		return false;
	if (!tui_worker_done(&t->w))
		return false;
	t->busy = false;
	return true;
}

static int wait_ms(const struct tui *t)
{
	double left;

	if (t->busy)
		return TUI_BUSY_MS;
	if (t->paused)
		return TUI_TICK_MS;
	left = (t->next_refresh - clock_now()) * 1000.0;
	if (left < 1)
		return 1;
	return left > TUI_TICK_MS ? TUI_TICK_MS : (int)left;
}

static int loop(struct tui *t)
{
	long iterations = t->req->iterations;
	double drawn_at = 0;
	bool changed = true;	/* a key, a refresh: draw at once */

	for (;;) {
		double now = clock_now();
		wint_t wch;
		int rc;

		if (tui_signal)
			return 128 + tui_signal;
		if (refresh_done(t)) {
			take_refresh(t);
			changed = true;
		}
		if (t->why_pending && !t->busy) {
			tui_why_run(t);
			changed = true;
		}
		if (!t->paused && !t->busy && now >= t->next_refresh) {
			if (iterations > 0 && t->refreshes >= iterations)
				return 0;
			request_refresh(t);
		}
		/* while a refresh runs the loop wakes every TUI_BUSY_MS to
		 * take it; the screen is looked at again only at TUI_TICK_MS
		 * (to say that it takes long); else only after a key, a
		 * refresh, or when what it shows ends by itself */
		if (changed ||
		    (t->busy && now - drawn_at >= TUI_TICK_MS / 1000.0) ||
		    (t->redraw_at && now >= t->redraw_at)) {
			if (track_expire(&t->track, now))
				tui_list_rebuild(t);
			tui_draw(t);
			drawn_at = now;
		}
		changed = false;
		timeout(wait_ms(t));
		rc = get_wch(&wch);
		if (rc == ERR)
			continue;
		changed = true;
		rc = tui_key(t, rc == KEY_CODE_YES, (int)wch);
		if (rc >= 0)
			return rc;
	}
}

static bool want_color(const struct tui_request *req)
{
	const char *no = getenv("NO_COLOR");

	if (req->color == TUI_COLOR_NEVER)
		return false;
	if (req->color == TUI_COLOR_ALWAYS)
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
	t->color = want_color(t->req) && has_colors();
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
		     const struct tui_request *req)
{
	char host[256];

	memset(t, 0, sizeof(*t));
	t->req = req;
	tui_worker_init(&t->w, src, req->filter);
	model_init(&t->m);
	track_init(&t->track, TUI_HOLD);
	tui_list_init(t);
	t->ids = req->columns;
	t->ncols = req->ncolumns;
	buf_init(&t->cells);
	buf_init(&t->line);
	buf_init(&t->scratch);
	buf_init(&t->why);
	t->tcp = t->udp = t->ipv4 = t->ipv6 = true;
	t->exposed = req->filter->exposed;
	t->sort_col = COL_PROTO;
	t->delay = tui_delay_clamp(req->delay > 0 ? req->delay : 2.0);
	t->next_refresh = clock_now();
	t->sel_key.inode = 0;
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	tui_escape_into(t, t->host, sizeof(t->host), host, strlen(host));
	/* the header's widths, for the screens before the first refresh */
	tui_list_rebuild(t);
}

/* The worker must have stopped. */
static void tui_release(struct tui *t)
{
	tui_worker_release(&t->w);
	model_release(&t->m);
	track_release(&t->track);
	buf_release(&t->cells);
	buf_release(&t->line);
	buf_release(&t->scratch);
	buf_release(&t->why);
	free(t->rank);
	free(t->shown);
	free(t->drawing);
	free(t->info);
	free(t->cmd_width);
	free(t->titems);
	free(t->list);
	free(t->order);
}

int tui_run(struct source *src, const struct tui_request *req,
	    const char **msg)
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
	tui_init(&t, src, req);
	scr = start_curses(&t);
	if (!scr) {
		signals_restore(old);
		tui_release(&t);
		*msg = N_("this terminal cannot show the live view");
		return -ENOTTY;
	}
	tui_worker_start(&t.w);
	status = loop(&t);
	/* a refresh always ends: wait for it rather than leave a thread */
	tui_worker_stop(&t.w);
	endwin();
	delscreen(scr);
	signals_restore(old);
	tui_release(&t);
	return status;
}
