/* cli.h - the command line: argv in, struct options out */
#ifndef PORTTOP_CLI_H
#define PORTTOP_CLI_H

#include <stdbool.h>
#include <stdio.h>

enum view_kind {
	VIEW_AUTO,		/* live view on a terminal, else text */
	VIEW_TEXT,
	VIEW_JSON,
};

struct options {
	enum view_kind view;
	bool no_header;
	bool filtered;		/* a filter was asked for: no match exits 1 */
	unsigned collect;	/* COLLECT_* mask from -t -u -4 -6 */
	const char *services;	/* --services FILE, or NULL for the default */
	const char *proc_root;	/* hidden --proc-root, for tests */
	const char *record;	/* hidden --record FILE */
	const char *replay;	/* hidden --replay FILE */
	unsigned threads;	/* hidden --threads N; 0: one per core */
};

/* What cli_parse() found. */
enum cli_result {
	CLI_RUN,
	CLI_HELP,
	CLI_VERSION,
	CLI_ERROR,
};

/* Parse argv into opts. On CLI_ERROR, *why is a static N_() reason and
 * *what the argument it is about (or NULL). Prints nothing. */
enum cli_result cli_parse(int argc, char **argv, struct options *opts,
			  const char **why, const char **what);

/* Print the --help text to out. */
void cli_usage(FILE *out);

#endif
