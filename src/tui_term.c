/* tui_term.c - can this terminal show the live view? (apart from tui.c:
 * term.h defines macros such as "columns" that clash with the column
 * table) */
#include "config.h"
#include "tui.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curses.h>
#include <term.h>

bool tui_possible(void)
{
	const char *term = getenv("TERM");
	const char *cup;
	int err = 0;
	bool ok;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		return false;
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return false;
	if (setupterm(term, STDOUT_FILENO, &err) != OK)
		return false;
	/* the terminal must be able to move the cursor */
	cup = tigetstr("cup");
	ok = cup != NULL && cup != (const char *)-1;
	del_curterm(cur_term);
	cur_term = NULL;
	return ok;
}
