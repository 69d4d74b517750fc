/* tui_why.c - the live view's 'w': the --why diagnosis of the selected
 * listener's port ("why can't a new server bind it?"), as text */
#include "config.h"
#include "tui_priv.h"

#include <curses.h>
#include <string.h>
#include <unistd.h>

#include "nls.h"
#include "probe.h"
#include "views.h"
#include "why.h"

void tui_why_ask(struct tui *t)
{
	const struct row *r = t->nlist ? t->list[t->sel].row : NULL;

	if (!r) {
		if (t->nlist)
			tui_note(t, "%s", _("this listener went away"));
		return;
	}
	t->why_port = r->sock->port;
	t->why_proto = r->sock->proto;
	t->mode = TUI_MODE_WHY;
	t->scroll = 0;
	buf_reset(&t->why);
	/* src is the worker's while a refresh runs: diagnose after it */
	t->why_pending = true;
	if (!t->busy)
		tui_why_run(t);
}

void tui_why_run(struct tui *t)
{
	struct why_target target;
	struct why_report rep;
	struct why_facts f;
	struct model m;
	struct why w;

	t->why_pending = false;
	buf_reset(&t->why);
	why_target_init(&target, t->why_port, t->why_proto, NULL, 0,
			(uint32_t)geteuid(), probe_ipv6());
	model_init(&m);
	why_init(&w);
	memset(&f, 0, sizeof(f));
	if (source_why(t->w.src, &target, &m, &f) < 0) {
		const char *err = source_error(t->w.src);

		buf_adds(&t->why, _("the diagnosis failed: "));
		tui_escape_into(t, t->msg, sizeof(t->msg), err, strlen(err));
		buf_adds(&t->why, t->msg);
		t->msg[0] = '\0';
		buf_addc(&t->why, '\n');
	} else {
		why_diagnose(&w, &m, &target, &f);
		memset(&rep, 0, sizeof(rep));
		rep.m = &m;
		rep.why = &w;
		rep.target = &target;
		rep.facts = &f;
		rep.width = (size_t)COLS;
		view_why_text(&t->why, &rep);
	}
	why_release(&w);
	model_release(&m);
}
