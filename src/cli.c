/* cli.c - the command line: argv in, struct options out */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nls.h"
#include "sock.h"
#include "why.h"
#include "xalloc.h"

enum {
	OPT_JSON = 0x100,
	OPT_NO_HEADER,
	OPT_SERVICES,
	OPT_LIST_COLUMNS,
	OPT_PID,
	OPT_USER,
	OPT_COMMAND,
	OPT_EXPOSED,
	OPT_WAIT,
	OPT_COLOR,
	OPT_LIVE,
	OPT_PROC_ROOT,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_THREADS,
	OPT_OUTPUT_ALL,
	OPT_TIMEOUT,
	OPT_WHY,
	OPT_ADDRESS,
	OPT_TRY,
	OPT_OWNER_SCAN,
	OPT_BTF,
	OPT_PROMETHEUS,
	OPT_EVENTS,
};

static const struct option long_options[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "user", required_argument, NULL, OPT_USER },
	{ "command", required_argument, NULL, OPT_COMMAND },
	{ "exposed", no_argument, NULL, OPT_EXPOSED },
	{ "all-netns", no_argument, NULL, 'N' },
	{ "output", required_argument, NULL, 'o' },
	{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
	{ "list-columns", no_argument, NULL, OPT_LIST_COLUMNS },
	{ "services", required_argument, NULL, OPT_SERVICES },
	{ "wait", optional_argument, NULL, OPT_WAIT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "why", required_argument, NULL, OPT_WHY },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "try", optional_argument, NULL, OPT_TRY },
	{ "delay", required_argument, NULL, 'd' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "owner-scan", required_argument, NULL, OPT_OWNER_SCAN },
	{ "prometheus", optional_argument, NULL, OPT_PROMETHEUS },
	{ "events", optional_argument, NULL, OPT_EVENTS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	/* hidden: for tests and bug reports */
	{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]... [PORT|SERVICE|LOW-HIGH[/tcp|/udp]]...\n"),
		"porttop");
	fputs(_("Show every listening TCP and UDP socket and the processes that hold it.\n"
		"With one port, show a card for each listener on it (\"who owns port N?\").\n"),
	      out);
	fputs("\n", out);
	fputs(_("Output:\n"
		"  -b, --batch          print a plain-text table (default when not a terminal);\n"
		"                       on a terminal it fits the width (or COLUMNS)\n"
		"      --json           print a JSON array of listeners\n"
		"      --live           the live view (default on a terminal)\n"
		"  -o, --output LIST    columns to show, comma-separated (see --list-columns)\n"
		"      --list-columns   describe every column and exit\n"
		"      --no-header      leave out the header line of the table\n"
		"      --color[=WHEN]   colours in the live view: auto, always, never\n"),
	      out);
	fputs(_("  -o all, --output-all every column; -o +LIST: the default ones and LIST\n"),
	      out);
	fputs(_("      --prometheus[=FILE]  metrics in the Prometheus text format; a FILE\n"
		"                       is written aside, then renamed over\n"
		"      --events[=changes]  a JSON line for every change between refreshes,\n"
		"                       after one with the starting set (not with =changes)\n"),
	      out);
	fputs(_("Filters (different kinds combine with AND, repeats with OR):\n"
		"  -t, --tcp            TCP listeners only\n"
		"  -u, --udp            UDP sockets only\n"
		"  -4, --ipv4           IPv4 only\n"
		"  -6, --ipv6           IPv6 only\n"
		"      --pid PID        held by process PID\n"
		"      --user USER      owned by USER (name or uid)\n"
		"      --command NAME   process name or command line contains NAME\n"
		"      --exposed        reachable beyond loopback\n"
		"  -N, --all-netns      every network namespace, not only this one\n"),
	      out);
	fputs(_("Why can't my server bind a port?\n"
		"      --why PORT[/tcp|/udp]  what stops a new server from binding PORT:\n"
		"                       exit 0 if it can now, 1 if something blocks it\n"
		"      --address ADDR   with --why: for ADDR, not every address\n"
		"      --try[=OPTIONS]  with --why: a real test bind, closed at once;\n"
		"                       OPTIONS: reuseaddr,reuseport\n"),
	      out);
	fputs(_("Other:\n"
		"      --wait[=SECONDS] wait until something listens on the given ports\n"
		"      --timeout SECONDS  with --wait: give up after SECONDS (exit 1)\n"
		"  -d, --delay SECONDS  live view refresh interval (default 2)\n"
		"  -n, --iterations N   quit the live view after N refreshes\n"
		"      --services FILE  read service names from FILE, not /etc/services\n"
		"      --owner-scan HOW find socket owners by: auto, bpf, proc\n"
		"  -h, --help           show this help and exit\n"
		"  -V, --version        show the version and exit\n"),
	      out);
	fputs("\n", out);
	fputs(_("Exit status: 0 something listens (or success), 1 nothing matched,\n"
		"2 usage or fatal error, 3 partial (a namespace not entered, a protocol\n"
		"unavailable), 4 held, owner unknown (holders hidden or incomplete).\n"
		"With --why: 0 a new server could bind, 1 something blocks it (or\n"
		"may), 2 error.\n"),
	      out);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_seconds(const char *s, double min, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < min || v > 86400)
		return false;
	*out = v;
	return true;
}

static void push(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void cli_release(struct options *opts)
{
	filter_release(&opts->filter);
	free(opts->port_specs);
	free(opts->users);
	opts->port_specs = NULL;
	opts->users = NULL;
}

bool cli_single_port(const struct options *opts)
{
	const char *s;
	size_t n;

	if (opts->nport_specs != 1)
		return false;
	s = opts->port_specs[0];
	/* a range (LOW-HIGH) is a list question; a number or a name, even
	 * one like "3com-tsmux", is one port */
	n = strspn(s, "0123456789");
	return !(n > 0 && s[n] == '-' && s[n + 1] >= '0' && s[n + 1] <= '9');
}

/* -o LIST: "all", "+LIST" (the default columns and LIST before the
 * command, which stays last) or LIST. Returns 0 or -1 with *bad set. */
static int parse_columns(const char *arg, struct options *opts,
			 const char **bad)
{
	enum col_id more[COLUMNS_MAX];
	size_t i, n = 0;
	int k;

	if (strcmp(arg, "all") == 0) {
		for (i = 0; i < COL__COUNT; i++)
			opts->columns[i] = (enum col_id)i;
		opts->ncolumns = COL__COUNT;
		return 0;
	}
	if (arg[0] != '+') {
		k = columns_parse(arg, opts->columns, bad);
		if (k < 0)
			return -1;
		opts->ncolumns = (size_t)k;
		return 0;
	}
	k = columns_parse(arg + 1, more, bad);
	if (k < 0 || columns_ndefault + (size_t)k > COLUMNS_MAX) {
		if (k >= 0)
			*bad = arg;
		return -1;
	}
	for (i = 0; i + 1 < columns_ndefault; i++)
		opts->columns[n++] = columns_default[i];
	for (i = 0; i < (size_t)k; i++)
		opts->columns[n++] = more[i];
	opts->columns[n++] = columns_default[columns_ndefault - 1];
	opts->ncolumns = n;
	return 0;
}

/* The name of the option getopt stopped at: "-x" out of a cluster such
 * as "-bx", else the whole argument ("--bogus", "--output"). */
static const char *bad_option(struct options *opts, char **argv, bool missing)
{
	const char *arg = argv[optind - 1];

	/* an unknown long option leaves optopt 0; a long one without its
	 * argument is the last argument, whole */
	if (optopt <= 0 || optopt >= 128 ||
	    (missing && arg[0] == '-' && arg[1] == '-'))
		return arg;
	opts->bad_option[0] = '-';
	opts->bad_option[1] = (char)optopt;
	opts->bad_option[2] = '\0';
	return opts->bad_option;
}

/* A plain number right after a bare --wait: a time limit or a port? */
static bool wait_ambiguous(int argc, char **argv)
{
	const char *next = optind < argc ? argv[optind] : NULL;

	return next && *next >= '0' && *next <= '9' &&
	       strspn(next, "0123456789.") == strlen(next);
}

/* --try=reuseaddr,reuseport */
static int parse_try(const char *arg, unsigned *out)
{
	const char *p = arg;

	*out = 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (len == 9 && strncmp(p, "reuseaddr", len) == 0)
			*out |= WHY_OPT_REUSEADDR;
		else if (len == 9 && strncmp(p, "reuseport", len) == 0)
			*out |= WHY_OPT_REUSEPORT;
		else
			return -1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static enum cli_result fail(const char **why, const char **what,
			    const char *reason, const char *arg)
{
	*why = reason;
	*what = arg;
	return CLI_ERROR;
}

enum cli_result cli_parse(int argc, char **argv, struct options *opts,
			  const char **why, const char **what)
{
	unsigned protos = 0, families = 0;
	unsigned long v;
	const char *bad, *wait_number = NULL;
	bool timeout = false;
	int c;

	memset(opts, 0, sizeof(*opts));
	filter_init(&opts->filter);
	opts->proc_root = "/proc";
	opts->delay = 2.0;
	*why = NULL;
	*what = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":btu46No:d:n:hV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'b':
			opts->view = VIEW_TEXT;
			break;
		case OPT_JSON:
			opts->view = VIEW_JSON;
			break;
		case OPT_LIVE:
			opts->view = VIEW_LIVE;
			break;
		case OPT_PROMETHEUS:
			if (optarg && !*optarg)
				return fail(why, what, N_("empty file name"),
					    optarg);
			opts->view = VIEW_PROM;
			opts->prom_file = optarg;
			break;
		case OPT_EVENTS:
			if (optarg && strcmp(optarg, "changes") != 0)
				return fail(why, what,
					    N_("--events takes no value or changes"),
					    optarg);
			opts->view = VIEW_EVENTS;
			opts->events_changes = optarg != NULL;
			break;
		case OPT_NO_HEADER:
			opts->no_header = true;
			break;
		case 't':
			protos |= COLLECT_TCP;
			break;
		case 'u':
			protos |= COLLECT_UDP;
			break;
		case '4':
			families |= COLLECT_V4;
			break;
		case '6':
			families |= COLLECT_V6;
			break;
		case 'N':
			opts->all_netns = true;
			break;
		case OPT_PID:
			if (filter_add_pid(&opts->filter, optarg, why) < 0)
				return fail(why, what, *why, optarg);
			break;
		case OPT_USER:
			if (!*optarg)
				return fail(why, what, N_("empty user name"),
					    optarg);
			push(&opts->users, &opts->nusers, optarg);
			break;
		case OPT_COMMAND:
			if (!*optarg)
				return fail(why, what, N_("empty command name"),
					    optarg);
			filter_add_command(&opts->filter, optarg);
			break;
		case OPT_EXPOSED:
			opts->filter.exposed = true;
			break;
		case 'o':
			if (parse_columns(optarg, opts, &bad) < 0)
				return fail(why, what,
					    N_("unknown column (see --list-columns)"),
					    bad);
			break;
		case OPT_OUTPUT_ALL:
			parse_columns("all", opts, &bad);
			break;
		case OPT_LIST_COLUMNS:
			return CLI_LIST_COLUMNS;
		case OPT_SERVICES:
			opts->services = optarg;
			break;
		case OPT_WAIT:
			opts->wait = true;
			if (optarg && !parse_seconds(optarg, 0, &opts->wait_seconds))
				return fail(why, what,
					    N_("not a number of seconds"), optarg);
			if (!optarg && wait_ambiguous(argc, argv))
				wait_number = argv[optind];
			break;
		case OPT_WHY:
			opts->why = optarg;
			break;
		case OPT_ADDRESS:
			opts->why_address = optarg;
			break;
		case OPT_TRY:
			opts->why_try = true;
			if (optarg && parse_try(optarg, &opts->why_options) < 0)
				return fail(why, what,
					    N_("--try takes reuseaddr, reuseport or both, comma-separated"),
					    optarg);
			break;
		case OPT_TIMEOUT:
			if (!parse_seconds(optarg, 0, &opts->wait_seconds) ||
			    opts->wait_seconds == 0)
				return fail(why, what,
					    N_("not a number of seconds from 0 to 86400"),
					    optarg);
			timeout = true;
			break;
		case 'd':
			if (!parse_seconds(optarg, 0.1, &opts->delay))
				return fail(why, what,
					    N_("not a delay from 0.1 to 86400 seconds"),
					    optarg);
			break;
		case 'n':
			if (!parse_uint(optarg, LONG_MAX, &v) || v == 0)
				return fail(why, what,
					    N_("not a positive number of iterations"),
					    optarg);
			opts->iterations = (long)v;
			break;
		case OPT_COLOR:
			if (!optarg || strcmp(optarg, "always") == 0)
				opts->color = COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				opts->color = COLOR_NEVER;
			else if (strcmp(optarg, "auto") == 0)
				opts->color = COLOR_AUTO;
			else
				return fail(why, what,
					    N_("--color takes auto, always or never"),
					    optarg);
			break;
		case OPT_PROC_ROOT:
			opts->proc_root = optarg;
			break;
		case OPT_RECORD:
			opts->record = optarg;
			break;
		case OPT_REPLAY:
			opts->replay = optarg;
			break;
		case OPT_THREADS:
			if (!parse_uint(optarg, 64, &v))
				return fail(why, what,
					    N_("not a thread count from 0 to 64"),
					    optarg);
			opts->threads = (unsigned)v;
			break;
		case OPT_OWNER_SCAN:
			if (!owner_scan_parse(optarg, &opts->owner_scan))
				return fail(why, what,
					    N_("--owner-scan takes auto, bpf or proc"),
					    optarg);
			break;
		case OPT_BTF:
			opts->btf = optarg;
			break;
		case 'h':
			return CLI_HELP;
		case 'V':
			return CLI_VERSION;
		case ':':
			return fail(why, what, N_("option needs an argument"),
				    bad_option(opts, argv, true));
		default:
			return fail(why, what, N_("unknown option"),
				    bad_option(opts, argv, false));
		}
	}
	for (; optind < argc; optind++)
		push(&opts->port_specs, &opts->nport_specs, argv[optind]);
	if (opts->why && (opts->nport_specs || opts->wait))
		return fail(why, what,
			    N_("--why takes one port, and no other port or --wait"),
			    opts->nport_specs ? opts->port_specs[0] : NULL);
	if (opts->wait && !opts->nport_specs)
		return fail(why, what, N_("--wait needs a port to wait for"),
			    NULL);
	if (!opts->why && (opts->why_address || opts->why_try))
		return fail(why, what,
			    N_("--address and --try go with --why"), NULL);
	if (timeout && !opts->wait)
		return fail(why, what, N_("--timeout goes with --wait"), NULL);
	/* "--wait 1 7301": one second and a port, or two ports? */
	if (wait_number && opts->nport_specs > 1)
		return fail(why, what,
			    N_("a number after --wait is ambiguous: write --wait=SECONDS or --timeout SECONDS for a time limit, or the ports before --wait"),
			    wait_number);
	if (opts->all_netns && !opts->ncolumns) {
		/* the default columns, with the namespace before the command */
		size_t i;

		for (i = 0; i + 1 < columns_ndefault; i++)
			opts->columns[i] = columns_default[i];
		opts->columns[i] = COL_NETNS;
		opts->columns[i + 1] = columns_default[i];
		opts->ncolumns = columns_ndefault + 1;
	}
	/* -4 lists IPv6 sockets bound to ::ffff:a.b.c.d too: IPv4 listeners */
	if (families == COLLECT_V4) {
		opts->filter.family = AF_INET;
		families |= COLLECT_V6;
	} else if (families == COLLECT_V6) {
		opts->filter.family = AF_INET6;
	}
	opts->proto_filter = protos || families;
	opts->collect = (protos ? protos : COLLECT_TCP | COLLECT_UDP) |
			(families ? families : COLLECT_V4 | COLLECT_V6);
	return CLI_RUN;
}
