/* tui.c - the ncurses live view (placeholder until the live view lands) */
#include "config.h"
#include "tui.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nls.h"

bool tui_possible(void)
{
	return false;
}

int tui_run(struct source *src, const struct options *opts, const char **msg)
{
	*msg = N_("the live view is not available in this build");
	return -ENOTSUP;
}
