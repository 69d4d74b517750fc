/* cli.c - the command line: argv in, struct options out */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "nls.h"

enum {
	OPT_JSON = 0x100,
	OPT_NO_HEADER,
	OPT_SERVICES,
	OPT_PROC_ROOT,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_THREADS,
};

static const struct option long_options[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "services", required_argument, NULL, OPT_SERVICES },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	/* hidden: for tests and bug reports */
	{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]...\n"), "porttop");
	fputs(_("Show every listening TCP and UDP socket and the processes that hold it.\n"),
	      out);
	fputs("\n", out);
	fputs(_("  -b, --batch          print a plain-text table (default when not a terminal)\n"
		"      --json           print a JSON array of listeners\n"
		"      --no-header      leave out the header line of the table\n"
		"  -t, --tcp            TCP listeners only\n"
		"  -u, --udp            UDP sockets only\n"
		"  -4, --ipv4           IPv4 only\n"
		"  -6, --ipv6           IPv6 only\n"
		"      --services FILE  read service names from FILE, not /etc/services\n"
		"  -h, --help           show this help and exit\n"
		"  -V, --version        show the version and exit\n"),
	      out);
	fputs("\n", out);
	fputs(_("Exit status: 0 success, 1 nothing matched, 2 usage or fatal error.\n"),
	      out);
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

enum cli_result cli_parse(int argc, char **argv, struct options *opts,
			  const char **why, const char **what)
{
	unsigned protos = 0, families = 0;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->proc_root = "/proc";
	*why = NULL;
	*what = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":btu46hV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'b':
			opts->view = VIEW_TEXT;
			break;
		case OPT_JSON:
			opts->view = VIEW_JSON;
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
		case OPT_SERVICES:
			opts->services = optarg;
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
			if (!parse_uint(optarg, 64, &opts->threads)) {
				*why = N_("not a thread count from 0 to 64");
				*what = optarg;
				return CLI_ERROR;
			}
			break;
		case 'h':
			return CLI_HELP;
		case 'V':
			return CLI_VERSION;
		case ':':
			*why = N_("option needs an argument");
			*what = argv[optind - 1];
			return CLI_ERROR;
		default:
			*why = N_("unknown option");
			*what = argv[optind - 1];
			return CLI_ERROR;
		}
	}
	if (optind < argc) {
		*why = N_("unexpected argument");
		*what = argv[optind];
		return CLI_ERROR;
	}
	opts->filtered = protos || families;
	opts->collect = (protos ? protos : COLLECT_TCP | COLLECT_UDP) |
			(families ? families : COLLECT_V4 | COLLECT_V6);
	return CLI_RUN;
}
