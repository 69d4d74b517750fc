/* filter.c - which listeners to show */
#include "config.h"
#include "filter.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "buf.h"
#include "columns.h"
#include "model.h"
#include "nls.h"
#include "registry.h"
#include "xalloc.h"

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

void filter_release(struct filter *f)
{
	free(f->ports);
	free(f->pids);
	free(f->uids);
	free(f->commands);
	filter_init(f);
}

bool filter_active(const struct filter *f)
{
	return f->nports || f->npids || f->nuids || f->ncommands ||
	       f->exposed || (f->text && *f->text);
}

static void add_range(struct filter *f, uint16_t lo, uint16_t hi,
		      uint8_t proto)
{
	size_t cap = f->nports;

	f->ports = xrealloc(f->ports, (cap + 1) * sizeof(*f->ports));
	f->ports[f->nports].lo = lo;
	f->ports[f->nports].hi = hi;
	f->ports[f->nports].proto = proto;
	f->nports++;
}

/* A decimal port 0-65535 spanning exactly [s, end). */
static bool parse_port(const char *s, const char *end, uint16_t *out)
{
	unsigned long v = 0;

	if (s == end || end - s > 5)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

static int add_service(struct filter *f, const char *spec, const char *end,
		       uint8_t proto, const struct registry *reg)
{
	char name[256];
	size_t len = (size_t)(end - spec);
	const struct service *tcp = NULL, *udp = NULL;

	if (len >= sizeof(name))
		return -EINVAL;
	memcpy(name, spec, len);
	name[len] = '\0';
	if (reg && proto != IPPROTO_UDP)
		tcp = registry_find_name(reg, name, IPPROTO_TCP);
	if (reg && proto != IPPROTO_TCP)
		udp = registry_find_name(reg, name, IPPROTO_UDP);
	if (!tcp && !udp)
		return -EINVAL;
	if (tcp)
		add_range(f, tcp->port, tcp->port, IPPROTO_TCP);
	if (udp)
		add_range(f, udp->port, udp->port, IPPROTO_UDP);
	return 0;
}

int filter_add_port_spec(struct filter *f, const char *spec,
			 const struct registry *reg, const char **why)
{
	const char *slash = strchr(spec, '/');
	const char *end = slash ? slash : spec + strlen(spec);
	const char *dash = memchr(spec, '-', (size_t)(end - spec));
	uint8_t proto = 0;
	uint16_t lo, hi;

	if (slash) {
		if (strcmp(slash + 1, "tcp") == 0)
			proto = IPPROTO_TCP;
		else if (strcmp(slash + 1, "udp") == 0)
			proto = IPPROTO_UDP;
		else {
			*why = N_("protocol must be tcp or udp");
			return -EINVAL;
		}
	}
	if (end == spec) {
		*why = N_("empty port");
		return -EINVAL;
	}
	if (spec[0] >= '0' && spec[0] <= '9') {
		if (dash ? !parse_port(spec, dash, &lo) ||
				   !parse_port(dash + 1, end, &hi)
			 : !parse_port(spec, end, &lo)) {
			/* a service name may start with a digit (3com-tsmux) */
			if (strspn(spec, "0123456789-") < (size_t)(end - spec) &&
			    add_service(f, spec, end, proto, reg) == 0)
				return 0;
			*why = N_("not a port number from 0 to 65535, or a range LOW-HIGH");
			return -EINVAL;
		}
		if (!dash)
			hi = lo;
		if (lo > hi) {
			*why = N_("the range ends before it starts");
			return -EINVAL;
		}
		add_range(f, lo, hi, proto);
		return 0;
	}
	if (add_service(f, spec, end, proto, reg) < 0) {
		*why = N_("unknown service name");
		return -EINVAL;
	}
	return 0;
}

int filter_add_pid(struct filter *f, const char *s, const char **why)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v <= 0 || v > INT_MAX) {
		*why = N_("not a process id");
		return -EINVAL;
	}
	f->pids = xrealloc(f->pids, (f->npids + 1) * sizeof(*f->pids));
	f->pids[f->npids++] = (int)v;
	return 0;
}

void filter_add_uid(struct filter *f, uint32_t uid)
{
	f->uids = xrealloc(f->uids, (f->nuids + 1) * sizeof(*f->uids));
	f->uids[f->nuids++] = uid;
}

void filter_add_command(struct filter *f, const char *s)
{
	f->commands = xrealloc(f->commands,
			       (f->ncommands + 1) * sizeof(*f->commands));
	f->commands[f->ncommands++] = s;
}

bool filter_port_match(const struct filter *f, uint16_t port, uint8_t proto)
{
	size_t i;

	if (!f->nports)
		return true;
	for (i = 0; i < f->nports; i++)
		if (port >= f->ports[i].lo && port <= f->ports[i].hi &&
		    (!f->ports[i].proto || f->ports[i].proto == proto))
			return true;
	return false;
}

bool filter_family_match(const struct filter *f, const struct sock_rec *s)
{
	bool v4 = s->family == AF_INET || model_v4_mapped(s);

	if (!f->family)
		return true;
	return f->family == AF_INET ? v4 : !v4;
}

static bool memmem_str(const char *hay, size_t len, const char *needle)
{
	return *needle && memmem(hay, len, needle, strlen(needle)) != NULL;
}

static bool one_of_pids(const struct filter *f, int pid)
{
	size_t j;

	for (j = 0; j < f->npids; j++)
		if (pid == f->pids[j])
			return true;
	return !f->npids;
}

static bool one_of_uids(const struct filter *f, uint32_t uid)
{
	size_t j;

	for (j = 0; j < f->nuids; j++)
		if (uid == f->uids[j])
			return true;
	return !f->nuids;
}

static bool one_of_commands(const struct filter *f, const struct proc_info *p)
{
	size_t j;

	for (j = 0; j < f->ncommands; j++)
		if (memmem_str(p->comm, p->comm_len, f->commands[j]) ||
		    (p->cmdline && memmem_str(p->cmdline, p->cmdline_len,
					      f->commands[j])))
			return true;
	return !f->ncommands;
}

/* Every kind of owner criterion must hold for one and the same holder:
 * --pid A --command B does not match A next to another process named B. */
static bool holder_match(const struct filter *f, const struct model *m,
			 const struct row *r)
{
	size_t i;

	for (i = 0; i < r->nholders; i++) {
		const struct proc_info *p = model_proc(m, &r->holders[i]);

		if (!one_of_pids(f, r->holders[i].pid))
			continue;
		if (!p) {
			if (!f->nuids && !f->ncommands)
				return true;
			continue;
		}
		if (one_of_uids(f, p->uid) && one_of_commands(f, p))
			return true;
	}
	/* without a visible holder, the socket's own uid still tells */
	return r->nholders == 0 && !f->npids && !f->ncommands &&
	       one_of_uids(f, r->sock->uid);
}

/* Case-insensitive match of the live view's filter text against what a
 * person sees in the row. */
static bool text_match(const char *text, const struct model *m,
		       const struct row *r)
{
	struct buf b;
	bool hit;

	buf_init(&b);
	columns_row_text(&b, m, r);
	hit = strcasestr(b.p ? b.p : "", text) != NULL;
	buf_release(&b);
	return hit;
}

bool filter_match(const struct filter *f, const struct model *m,
		  const struct row *r)
{
	if (!filter_port_match(f, r->sock->port, r->sock->proto) ||
	    !filter_family_match(f, r->sock))
		return false;
	if (f->exposed && r->exposure == EXPOSE_LOOPBACK)
		return false;
	if ((f->npids || f->nuids || f->ncommands) && !holder_match(f, m, r))
		return false;
	if (f->text && *f->text && !text_match(f->text, m, r))
		return false;
	return true;
}

bool filter_keep(const struct model *m, const struct row *r, const void *f)
{
	return !f || filter_match(f, m, r);
}
