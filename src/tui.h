/* tui.h - the ncurses live view */
#ifndef PORTTOP_TUI_H
#define PORTTOP_TUI_H

#include <stdbool.h>

#include "cli.h"
#include "source.h"

/* True if stdout is a terminal the live view can drive (not TERM=dumb). */
bool tui_possible(void);

/* Run the live view on the terminal until the user quits, the iteration
 * count runs out, or a signal ends it; the terminal is always restored.
 * Returns an exit status for main() (0, or 128+signal), or -errno with a
 * message in *msg when it cannot start. */
int tui_run(struct source *src, const struct options *opts, const char **msg);

#endif
