/* tui_keys.c - what the live view's keys and mouse do on the table and on
 * the other screens (the prompt line has its own, in tui_prompt.c) */
#include "config.h"
#include "tui_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <curses.h>

#include "clock.h"
#include "nls.h"
#include "tui_layout.h"

static void toggle(struct tui *t, bool *flag, const char *on,
		   const char *off)
{
	*flag = !*flag;
	tui_note(t, "%s", *flag ? on : off);
	tui_list_rebuild(t);
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
	tui_list_resort(t);
}
static void mouse_key(struct tui *t)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || t->mode != TUI_MODE_TABLE)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		tui_list_select(t, (long)t->sel - 3);
#ifdef BUTTON5_PRESSED
	} else if (ev.bstate & BUTTON5_PRESSED) {
		tui_list_select(t, (long)t->sel + 3);
#endif
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
		if (ev.y >= t->table_y && ev.y < t->table_y + (int)t->page &&
		    t->top + (size_t)(ev.y - t->table_y) < t->nlist)
			tui_list_select(t, (long)(t->top +
					      (size_t)(ev.y - t->table_y)));
	}
}

/* Keys of the details, events, help and sort screens. */
static void sub_key(struct tui *t, enum tui_action a, bool fkey, int key)
{
	size_t step = t->page ? t->page : 1;

	if (t->mode == TUI_MODE_SORT && tui_key_is_enter(fkey, key)) {
		t->sort_col = (int)t->scroll;
		t->mode = TUI_MODE_TABLE;
		tui_list_resort(t);
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
	case TUI_WHY:
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

int tui_key(struct tui *t, bool fkey, int key)
{
	enum tui_action a;
	long page = t->page ? (long)t->page : 1;

	if (fkey && key == KEY_RESIZE) {
		/* the flexible column was measured up to the old width */
		if ((size_t)COLS > t->flex_cap)
			tui_list_measure(t);
		return -1;
	}
	if (fkey && key == KEY_MOUSE) {
		mouse_key(t);
		return -1;
	}
	if (t->prompt != TUI_PROMPT_NONE) {
		tui_prompt_key(t, fkey, key);
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
		tui_list_select(t, (long)t->sel - 1);
		break;
	case TUI_DOWN:
		tui_list_select(t, (long)t->sel + 1);
		break;
	case TUI_PGUP:
		tui_list_select(t, (long)t->sel - page);
		break;
	case TUI_PGDN:
		tui_list_select(t, (long)t->sel + page);
		break;
	case TUI_HOME:
		tui_list_select(t, 0);
		break;
	case TUI_END:
		tui_list_select(t, (long)t->nlist - 1);
		break;
	case TUI_DETAILS:
		if (t->nlist) {
			t->mode = TUI_MODE_DETAILS;
			t->scroll = 0;
		}
		break;
	case TUI_WHY:
		tui_why_ask(t);
		break;
	case TUI_SEARCH:
		t->prompt = TUI_PROMPT_SEARCH;
		t->input[0] = '\0';
		break;
	case TUI_NEXT:
		if (!tui_list_search(t, t->sel + 1) && t->search[0])
			tui_note(t, "%s", _("no match"));
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
		tui_list_resort(t);
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
			t->next_refresh = clock_now();
		break;
	case TUI_FREEZE:
		t->frozen = !t->frozen;
		tui_note(t, "%s", t->frozen ? _("row order frozen")
					   : _("row order follows the sort"));
		tui_list_rebuild(t);
		break;
	case TUI_KILL:
		tui_kill_ask(t);
		break;
	case TUI_DELAY:
		t->prompt = TUI_PROMPT_DELAY;
		snprintf(t->input, sizeof(t->input), "%g", t->delay);
		t->input_fresh = true;
		break;
	case TUI_SLOWER:
		tui_set_delay(t, t->delay < 1.0 ? t->delay + 0.1 : t->delay + 1.0);
		break;
	case TUI_FASTER:
		tui_set_delay(t, t->delay <= 1.0 ? t->delay - 0.1 : t->delay - 1.0);
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
