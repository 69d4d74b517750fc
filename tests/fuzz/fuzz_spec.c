/* fuzz_spec.c - libFuzzer target: port specs, pids, column lists and the
 * whole command line */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "cli.h"
#include "columns.h"
#include "filter.h"
#include "fuzz.h"
#include "registry.h"

#define ARGS_MAX 64

static const char services[] =
	"ssh\t\t22/tcp\n"
	"http\t\t80/tcp\t\twww\t# WorldWideWeb HTTP\n"
	"domain\t\t53/tcp\n"
	"domain\t\t53/udp\n"
	"https\t\t443/tcp\n"
	"https\t\t443/udp\n"
	"http-alt\t8080/tcp\twebcache\n";

static void check_filter(const struct filter *f)
{
	size_t i;

	for (i = 0; i < f->nports; i++)
		if (f->ports[i].lo > f->ports[i].hi ||
		    (f->ports[i].proto && f->ports[i].proto != IPPROTO_TCP &&
		     f->ports[i].proto != IPPROTO_UDP))
			abort();
	for (i = 0; i < f->npids; i++)
		if (f->pids[i] < 0)
			abort();
}

static void one_arg(const char *arg, const struct registry *reg)
{
	enum col_id ids[COLUMNS_MAX];
	struct filter f;
	const char *why = NULL, *bad = NULL;
	int n, i;

	filter_init(&f);
	if (filter_add_port_spec(&f, arg, NULL, &why) < 0 && !why)
		abort();
	why = NULL;
	if (filter_add_port_spec(&f, arg, reg, &why) < 0 && !why)
		abort();
	why = NULL;
	if (filter_add_pid(&f, arg, &why) < 0 && !why)
		abort();
	check_filter(&f);
	filter_release(&f);

	n = columns_parse(arg, ids, &bad);
	if (n < 0) {
		if (!bad || bad < arg || bad > arg + strlen(arg))
			abort();
	} else {
		if (n == 0 || n > COLUMNS_MAX)
			abort();
		for (i = 0; i < n; i++)
			if ((unsigned)ids[i] >= COL__COUNT)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[ARGS_MAX + 2];
	struct registry *reg;
	struct options opts;
	const char *why, *what;
	char *text, *p, *end;
	int argc = 0;

	text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	reg = registry_new();
	registry_parse(reg, services, sizeof(services) - 1);

	argv[argc++] = (char *)"porttop";
	for (p = text, end = text + size; p <= end && argc <= ARGS_MAX;
	     p += strlen(p) + 1) {
		argv[argc++] = p;
		one_arg(p, reg);
	}
	argv[argc] = NULL;

	if (cli_parse(argc, argv, &opts, &why, &what) == CLI_ERROR && !why)
		abort();
	check_filter(&opts.filter);
	if (opts.ncolumns > COLUMNS_MAX)
		abort();
	cli_release(&opts);

	registry_free(reg);
	free(text);
	return 0;
}
