/* collector_fault.c - parsing the collector's test hook, PORTTOP_FAULT */
#include "config.h"
#include "collector_fault.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sock.h"

static const struct {
	const char *name;
	int what;
} fault_names[] = {
	{ "ENOBUFS", ENOBUFS }, { "EINTR", EINTR }, { "EAGAIN", EAGAIN },
	{ "EIO", EIO }, { "ENOMEM", ENOMEM }, { "DUMP_INTR", FAULT_DUMP_INTR },
	{ "SEQ", FAULT_SEQ },
};

static int fault_what(const char *s, size_t len, int *what)
{
	size_t i;

	for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
		if (strlen(fault_names[i].name) == len &&
		    memcmp(fault_names[i].name, s, len) == 0) {
			*what = fault_names[i].what;
			return 0;
		}
	return -EINVAL;
}

/* One rule of PORTTOP_FAULT, len bytes at s. */
static int fault_rule(struct fault *f, const char *s, size_t len)
{
	char rule[64], *p, *end;

	if (len >= sizeof(rule))
		return -EINVAL;
	memcpy(rule, s, len);
	rule[len] = '\0';
	if (strcmp(rule, "tcp:ENOENT") == 0 || strcmp(rule, "udp:ENOENT") == 0) {
		f->noproto |= rule[0] == 't' ? COLLECT_TCP : COLLECT_UDP;
		return 0;
	}
	if (strcmp(rule, "tcp:EOPNOTSUPP") == 0) {
		f->nocompat = true;
		return 0;
	}
	if (strncmp(rule, "recv:", 5) != 0)
		return -EINVAL;
	p = rule + 5;
	f->from = strtoul(p, &end, 10);
	if (end == p || f->from == 0)
		return -EINVAL;
	f->to = f->from;
	if (*end == '+') {
		f->to = (unsigned long)-1;
		end++;
	} else if (*end == '-') {
		p = end + 1;
		f->to = strtoul(p, &end, 10);
		if (end == p || f->to < f->from)
			return -EINVAL;
	}
	if (*end != ':')
		return -EINVAL;
	return fault_what(end + 1, strlen(end + 1), &f->what);
}

int collector_fault_parse(struct fault *f, const char *spec)
{
	memset(f, 0, sizeof(*f));
	while (spec && *spec) {
		size_t len = strcspn(spec, ",");
		int rc = fault_rule(f, spec, len);

		if (rc < 0)
			return rc;
		spec += len;
		if (*spec == ',')
			spec++;
	}
	return 0;
}
