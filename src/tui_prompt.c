/* tui_prompt.c - the live view's prompt line (search, filter, interval)
 * and the kill it asks to confirm */
#include "config.h"
#include "tui_priv.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <curses.h>

#include "clock.h"
#include "nls.h"
#include "tui_layout.h"

#define TUI_SOON 0.2		/* seconds to a refresh a key asks for */

void tui_kill_ask(struct tui *t)
{
	const struct tui_item *it = t->nlist ? &t->list[t->sel] : NULL;
	const struct proc_info *p;

	if (!it || !it->row || !it->row->nholders) {
		tui_note(t, "%s", _("no process to signal on this line"));
		return;
	}
	p = model_proc(&t->m, &it->row->holders[0]);
	if (!p) {
		tui_note(t, "%s", _("no process to signal on this line"));
		return;
	}
	t->kill_pid = p->pid;
	t->kill_start = p->start_time;
	tui_escape_into(t, t->kill_name, sizeof(t->kill_name), p->comm,
			p->comm_len);
	t->prompt = TUI_PROMPT_KILL;
}

static void kill_do(struct tui *t)
{
	/* safe while a refresh runs: it reads only what source_new() set */
	int rc = source_signal(t->w.src, t->kill_pid, t->kill_start, SIGTERM);

	if (rc == -ENOENT) {
		tui_note(t, _("process %d has exited already"), t->kill_pid);
		return;
	}
	if (rc == -ESTALE) {
		tui_note(t, _("pid %d belongs to another process now: no signal sent"),
			 t->kill_pid);
		return;
	}
	if (rc < 0) {
		tui_note(t, _("cannot signal %s (pid %d): %s"), t->kill_name,
			 t->kill_pid, strerror(-rc));
		return;
	}
	tui_note(t, _("sent SIGTERM to %s (pid %d)"), t->kill_name,
		 t->kill_pid);
	t->next_refresh = clock_now() + TUI_SOON;
}

double tui_delay_clamp(double d)
{
	if (!(d >= TUI_DELAY_MIN))
		d = TUI_DELAY_MIN;
	if (d > TUI_DELAY_MAX)
		d = TUI_DELAY_MAX;
	/* kept to the millisecond, so that the title shows it as set */
	return (double)(long long)(d * 1000.0 + 0.5) / 1000.0;
}

void tui_set_delay(struct tui *t, double d)
{
	d = tui_delay_clamp(d);
	/* a refresh in flight sets the next one from the new delay */
	if (!t->busy)
		t->next_refresh += d - t->delay;
	t->delay = d;
	tui_note(t, _("refreshing every %g s"), d);
}
void tui_prompt_key(struct tui *t, bool fkey, int key)
{
	size_t len = strlen(t->input);
	bool changed = false, fresh = t->input_fresh;

	/* a pre-filled value is selected: a key replaces or erases it */
	t->input_fresh = false;

	if (t->prompt == TUI_PROMPT_KILL) {
		t->prompt = TUI_PROMPT_NONE;
		if (!fkey && (key == 'y' || key == 'Y'))
			kill_do(t);
		else
			tui_note(t, "%s", _("no signal sent"));
		return;
	}
	if (!fkey && key == 27) {
		if (t->prompt == TUI_PROMPT_FILTER) {
			t->filter_text[0] = '\0';
			tui_list_rebuild(t);
		}
		t->prompt = TUI_PROMPT_NONE;
		return;
	}
	if (tui_key_is_enter(fkey, key)) {
		if (t->prompt == TUI_PROMPT_DELAY) {
			char *end;
			double d = strtod(t->input, &end);

			if (end == t->input || *end || !(d > 0))
				tui_note(t, "%s", _("the interval is a number of seconds"));
			else
				tui_set_delay(t, d);
		}
		t->prompt = TUI_PROMPT_NONE;
		return;
	}
	if ((fkey && key == KEY_BACKSPACE) ||
	    (!fkey && (key == 127 || key == 8))) {
		/* drop the last character, not the last byte */
		if (fresh)
			len = 0;
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
		if (fresh)
			len = 0;
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
		tui_list_search(t, t->sel);
	} else if (t->prompt == TUI_PROMPT_FILTER) {
		snprintf(t->filter_text, sizeof(t->filter_text), "%s",
			 t->input);
		tui_list_rebuild(t);
	}
}
