/* cli.h - the command line: argv in, struct options out */
#ifndef PORTTOP_CLI_H
#define PORTTOP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "columns.h"
#include "filter.h"
#include "owners_bpf.h"

enum view_kind {
	VIEW_AUTO,		/* live view on a terminal, else text */
	VIEW_TEXT,
	VIEW_JSON,
	VIEW_LIVE,		/* asked for explicitly (tests) */
	VIEW_PROM,		/* --prometheus */
	VIEW_EVENTS,		/* --events */
};

enum color_mode {
	COLOR_AUTO,
	COLOR_ALWAYS,
	COLOR_NEVER,
};

struct options {
	enum view_kind view;
	bool no_header;
	unsigned collect;	/* COLLECT_* mask from -t -u -4 -6 */
	const char *services;	/* --services FILE, or NULL for the default */
	const char *proc_root;	/* hidden --proc-root, for tests */
	const char *record;	/* hidden --record FILE */
	const char *replay;	/* hidden --replay FILE */
	unsigned threads;	/* hidden --threads N; 0: one per core */
	enum owner_scan owner_scan;	/* --owner-scan */
	const char *btf;	/* hidden --btf FILE: the kernel BTF to need */
	enum col_id columns[COLUMNS_MAX];	/* -o; ncolumns 0: default */
	size_t ncolumns;
	struct filter filter;	/* pids, commands, exposed; ports and users
				 * are resolved by the caller from: */
	const char **port_specs;	/* PORT|SERVICE|RANGE[/proto] args */
	size_t nport_specs;
	const char **users;	/* --user values, names or numbers */
	size_t nusers;
	bool proto_filter;	/* -t -u -4 -6 narrowed the dump */
	bool all_netns;		/* -N: every network namespace */
	bool wait;		/* --wait */
	double wait_seconds;	/* --wait=SECONDS or --timeout; 0: no limit */
	double delay;		/* live view refresh, seconds */
	long iterations;	/* live view: quit after N refreshes; 0: never */
	enum color_mode color;
	char bad_option[3];	/* "-x" for a cli_parse() error message */
	const char *why;	/* --why PORT[/tcp|/udp], or NULL */
	const char *why_address; /* --address ADDR, or NULL: every address */
	bool why_try;		/* --try: a real test bind */
	unsigned why_options;	/* --try=LIST: WHY_OPT_REUSEADDR, WHY_OPT_REUSEPORT */
	const char *prom_file;	/* --prometheus=FILE; NULL: stdout */
	bool events_changes;	/* --events=changes: no starting set */
};

/* What cli_parse() found. */
enum cli_result {
	CLI_RUN,
	CLI_HELP,
	CLI_VERSION,
	CLI_LIST_COLUMNS,
	CLI_ERROR,
};

/* Parse argv into opts. On CLI_ERROR, *why is a static N_() reason and
 * *what the argument it is about (or NULL). Prints nothing. The caller
 * releases opts with cli_release(). */
enum cli_result cli_parse(int argc, char **argv, struct options *opts,
			  const char **why, const char **what);

void cli_release(struct options *opts);

/* True if exactly one single port was asked for (a "who owns port N?"
 * question answered with cards). */
bool cli_single_port(const struct options *opts);

/* Print the --help text to out. */
void cli_usage(FILE *out);

#endif
