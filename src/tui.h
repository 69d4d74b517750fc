/* tui.h - the ncurses live view */
#ifndef PORTTOP_TUI_H
#define PORTTOP_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "columns.h"
#include "filter.h"
#include "model.h"
#include "source.h"

/* When the live view uses colour. */
enum tui_color {
	TUI_COLOR_AUTO,		/* unless NO_COLOR is set and not empty */
	TUI_COLOR_ALWAYS,
	TUI_COLOR_NEVER,
};

/* What the live view shows and how often; borrowed for tui_run(). */
struct tui_request {
	const struct filter *filter;	/* for every refresh of the source */
	const enum col_id *columns;	/* the columns shown, in order */
	size_t ncolumns;
	double delay;			/* seconds between refreshes; 0: 2 s */
	long iterations;		/* quit after N refreshes; 0: never */
	enum tui_color color;
	/* Into b (reset first), why the owners of some rows of m are
	 * unknown and the fix (hint_owners()); false when none are. May be
	 * NULL. */
	bool (*hint)(struct buf *b, const struct model *m, const void *data);
	const void *hint_data;		/* for hint */
};

/* True if stdout is a terminal the live view can drive (not TERM=dumb). */
bool tui_possible(void);

/* Run the live view on the terminal until the user quits, the iteration
 * count runs out, or a signal ends it; the terminal is always restored.
 * Returns an exit status for main() (0, or 128+signal), or -errno with a
 * message in *msg when it cannot start. */
int tui_run(struct source *src, const struct tui_request *req,
	    const char **msg);

#endif
