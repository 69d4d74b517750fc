/* registry.c - the port registry */
#include "config.h"
#include "registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "fileio.h"
#include "xalloc.h"

/* a services file larger than this is not a services file */
#define SERVICES_MAX (16 * 1024 * 1024)
#define FIELD_MAX 256

struct registry {
	struct service *v;
	size_t n, cap;
	uint8_t layers;
	struct port_ranges host;	/* of porttop's own namespace */
};

struct registry *registry_new(void)
{
	return xcalloc(1, sizeof(struct registry));
}

void registry_free(struct registry *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free((char *)r->v[i].name);
		free((char *)r->v[i].aliases);
		free((char *)r->v[i].desc);
	}
	free(r->v);
	free(r);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Next whitespace-separated token of [*p, end); NULL at the end. */
static const char *next_token(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *t;

	while (s < end && is_space(*s))
		s++;
	if (s >= end)
		return NULL;
	for (t = s; t < end && !is_space(*t); t++)
		;
	*len = (size_t)(t - s);
	*p = t;
	return s;
}

static bool valid_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > FIELD_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c == 0x7f)
			return false;
	}
	return true;
}

static bool parse_port_proto(const char *s, size_t len, uint16_t *port,
			     uint8_t *proto)
{
	const char *slash = memchr(s, '/', len);
	unsigned long v = 0;
	const char *p;
	size_t plen;

	if (!slash || slash == s || slash - s > 5)
		return false;
	for (p = s; p < slash; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return false;
	plen = len - (size_t)(slash - s) - 1;
	if (plen == 3 && memcmp(slash + 1, "tcp", 3) == 0)
		*proto = IPPROTO_TCP;
	else if (plen == 3 && memcmp(slash + 1, "udp", 3) == 0)
		*proto = IPPROTO_UDP;
	else
		return false;
	*port = (uint16_t)v;
	return true;
}

/* Parse one line (without its newline). Returns false if malformed;
 * blank and comment-only lines are not malformed. */
static bool parse_line(struct registry *r, const char *s, size_t len,
		       uint32_t lineno)
{
	const char *end = s + len, *hash = memchr(s, '#', len);
	const char *p = s, *tok, *desc = "";
	size_t tlen, dlen = 0, alen = 0;
	struct service sv;
	char aliases[FIELD_MAX * 4 + 1];

	if (hash) {
		desc = hash + 1;
		while (desc < end && is_space(*desc))
			desc++;
		dlen = (size_t)(end - desc);
		while (dlen > 0 && is_space(desc[dlen - 1]))
			dlen--;
		if (dlen > FIELD_MAX)
			dlen = FIELD_MAX;
		end = hash;
	}
	tok = next_token(&p, end, &tlen);
	if (!tok)
		return true;
	memset(&sv, 0, sizeof(sv));
	if (!valid_name(tok, tlen))
		return false;
	sv.name = tok;	/* copied below */
	{
		size_t nlen = tlen;
		const char *pp = next_token(&p, end, &tlen);

		if (!pp || !parse_port_proto(pp, tlen, &sv.port, &sv.proto))
			return false;
		while ((pp = next_token(&p, end, &tlen)) != NULL) {
			if (!valid_name(pp, tlen))
				return false;
			if (alen + tlen + 1 >= sizeof(aliases))
				break;
			if (alen)
				aliases[alen++] = ' ';
			memcpy(aliases + alen, pp, tlen);
			alen += tlen;
		}
		sv.name = xmemdup(tok, nlen);
	}
	sv.aliases = xmemdup(aliases, alen);
	sv.desc = xmemdup(desc, dlen);
	sv.layer = r->layers;
	sv.line = lineno;
	r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = sv;
	return true;
}

static int cmp_service(const void *a, const void *b)
{
	const struct service *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->layer != y->layer)
		return x->layer > y->layer ? -1 : 1;	/* later file first */
	return (x->line > y->line) - (x->line < y->line);
}

size_t registry_parse(struct registry *r, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t bad = 0;
	uint32_t lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		/* a NUL cannot be part of a valid line */
		if (memchr(p, '\0', (size_t)(eol - p)) ||
		    !parse_line(r, p, (size_t)(eol - p), ++lineno))
			bad++;
		p = eol + 1;
	}
	if (r->layers < UINT8_MAX)
		r->layers++;
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), cmp_service);
	return bad;
}

int registry_load(struct registry *r, const char *path)
{
	char *buf;
	size_t len;
	int rc = read_whole_at(AT_FDCWD, path, SERVICES_MAX, &buf, &len, NULL);

	if (rc < 0)
		return rc;
	registry_parse(r, buf, len);
	free(buf);
	return 0;
}

const struct service *registry_lookup(const struct registry *r, uint16_t port,
				      uint8_t proto)
{
	size_t lo = 0, hi;

	hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct service *s = &r->v[mid];

		if (s->proto < proto || (s->proto == proto && s->port < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n && r->v[lo].proto == proto && r->v[lo].port == port)
		return &r->v[lo];
	return NULL;
}

static bool has_alias(const char *aliases, const char *name)
{
	size_t n = strlen(name);
	const char *p = aliases;

	if (n == 0)
		return false;	/* strstr finds "" everywhere: p += 0 forever */
	while ((p = strstr(p, name)) != NULL) {
		if ((p == aliases || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
		p += n;
	}
	return false;
}

const struct service *registry_find_name(const struct registry *r,
					 const char *name, uint8_t proto)
{
	const struct service *best = NULL;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct service *s = &r->v[i];

		if (proto && s->proto != proto)
			continue;
		if (strcmp(s->name, name) != 0 && !has_alias(s->aliases, name))
			continue;
		if (!best || s->layer > best->layer)
			best = s;
	}
	return best;
}

enum port_class registry_class(uint16_t port)
{
	if (port < 1024)
		return PORT_WELL_KNOWN;
	if (port < 49152)
		return PORT_REGISTERED;
	return PORT_DYNAMIC;
}

const char *port_class_name(enum port_class c)
{
	switch (c) {
	case PORT_WELL_KNOWN:
		return "well-known";
	case PORT_REGISTERED:
		return "registered";
	case PORT_DYNAMIC:
		return "dynamic";
	}
	return "dynamic";
}

static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static bool parse_reserved(struct port_ranges *pr, const char *buf, size_t len)
{
	uint8_t bits[sizeof(pr->reserved)];
	const char *p = buf, *end = buf + len;

	memset(bits, 0, sizeof(bits));
	while (end > p && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *ce = comma ? comma : end;
		const char *dash = memchr(p, '-', (size_t)(ce - p));
		unsigned long lo = 0, hi;
		const char *q;

		for (q = p; q < (dash ? dash : ce); q++) {
			if (*q < '0' || *q > '9' || lo > 65535)
				return false;
			lo = lo * 10 + (unsigned long)(*q - '0');
		}
		if (q == p)
			return false;
		hi = lo;
		if (dash) {
			hi = 0;
			for (q = dash + 1; q < ce; q++) {
				if (*q < '0' || *q > '9' || hi > 65535)
					return false;
				hi = hi * 10 + (unsigned long)(*q - '0');
			}
			if (q == dash + 1)
				return false;
		}
		if (lo > 65535 || hi > 65535 || lo > hi)
			return false;
		for (; lo <= hi; lo++)
			bits[lo / 8] |= (uint8_t)(1u << (lo % 8));
		p = ce + 1;
	}
	memcpy(pr->reserved, bits, sizeof(bits));
	return true;
}

bool registry_parse_reserved(struct registry *r, const char *buf, size_t len)
{
	return parse_reserved(&r->host, buf, len);
}

int port_ranges_load(struct port_ranges *pr, const char *dir)
{
	char path[4096], buf[65536];
	unsigned lo, hi;
	ssize_t n;

	memset(pr, 0, sizeof(*pr));
	snprintf(path, sizeof(path), "%s/ip_local_port_range", dir);
	n = read_small(path, buf, 64);
	if (n < 0)
		return (int)n;
	if (sscanf(buf, "%u %u", &lo, &hi) == 2 && lo <= hi && hi <= 65535) {
		pr->eph_lo = (uint16_t)lo;
		pr->eph_hi = (uint16_t)hi;
	}
	snprintf(path, sizeof(path), "%s/ip_local_reserved_ports", dir);
	n = read_small(path, buf, sizeof(buf));
	if (n > 0)
		parse_reserved(pr, buf, (size_t)n);
	return 0;
}

int registry_load_sysctl(struct registry *r, const char *proc_root)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/sys/net/ipv4", proc_root);
	return port_ranges_load(&r->host, dir);
}

const struct port_ranges *registry_ranges(const struct registry *r)
{
	return &r->host;
}

bool port_ranges_ephemeral(const struct port_ranges *pr, uint16_t port)
{
	return pr && pr->eph_hi && port >= pr->eph_lo && port <= pr->eph_hi;
}

bool port_ranges_reserved(const struct port_ranges *pr, uint16_t port)
{
	return pr && (pr->reserved[port / 8] & (1u << (port % 8)));
}

bool registry_ephemeral(const struct registry *r, uint16_t port)
{
	return port_ranges_ephemeral(&r->host, port);
}

bool registry_ephemeral_range(const struct registry *r, uint16_t *lo,
			      uint16_t *hi)
{
	*lo = r->host.eph_lo;
	*hi = r->host.eph_hi;
	return r->host.eph_hi != 0;
}

bool registry_reserved(const struct registry *r, uint16_t port)
{
	return port_ranges_reserved(&r->host, port);
}
