/* context.c - cgroup paths to systemd units and containers
 *
 * Patterns as systemd, the container runtimes and kubelet lay them out:
 *   /system.slice/NAME.service                       a system service
 *   /user.slice/user-1000.slice/session-3.scope      a login session
 *   /user.slice/.../user@1000.service/app.slice/X.service   a user unit
 *   /system.slice/docker-<64 hex>.scope, /docker/<64 hex>    docker
 *   /machine.slice/libpod-<64 hex>.scope             podman
 *   .../cri-containerd-<64 hex>.scope, .../crio-<64 hex>.scope   CRI
 *   /lxc.payload.NAME/..., /lxc/NAME                 LXC
 *   /machine.slice/machine-NAME.scope                systemd-nspawn
 *   /system.slice/NAME.socket, /init.scope           a socket unit's
 *                                   listener (socket activation), systemd
 * and, with the cgroupfs driver of cgroup v1 hosts:
 *   /docker/<64 hex>, /libpod_parent/libpod-<64 hex>, /kubepods/<qos>/
 *   pod<uid>/<64 hex> (or crio-<64 hex>)                containers */
#include "config.h"
#include "context.h"

#include <stdio.h>
#include <string.h>

static bool is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len != 64)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static void set(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* A component "PREFIX<id>.scope" (systemd driver) or "PREFIX<id>"
 * (cgroupfs driver) with a 64-hex id. */
static bool scoped_id(const char *c, size_t len, const char *prefix,
		      const char *runtime, struct context *ctx)
{
	size_t p = strlen(prefix);

	if (len < p || memcmp(c, prefix, p) != 0)
		return false;
	if (ends_with(c, len, ".scope"))
		len -= 6;
	if (!is_hex_id(c + p, len - p))
		return false;
	set(ctx->runtime, sizeof(ctx->runtime), runtime, strlen(runtime));
	set(ctx->id, sizeof(ctx->id), c + p, 64);
	return true;
}

static void component(const char *c, size_t len, const char *prev,
		      size_t prev_len, struct context *ctx)
{
	if (scoped_id(c, len, "docker-", "docker", ctx) ||
	    scoped_id(c, len, "libpod-", "podman", ctx) ||
	    scoped_id(c, len, "cri-containerd-", "containerd", ctx) ||
	    scoped_id(c, len, "crio-", "crio", ctx))
		return;
	if (len >= 14 && memcmp(c, "libpod-conmon-", 14) == 0)
		return;	/* conmon supervises a container; it is not one */
	if (is_hex_id(c, len) && prev) {
		/* cgroupfs driver: /docker/<id>, /kubepods/.../<id> */
		if (prev_len == 6 && memcmp(prev, "docker", 6) == 0)
			set(ctx->runtime, sizeof(ctx->runtime), "docker", 6);
		else
			set(ctx->runtime, sizeof(ctx->runtime), "container", 9);
		set(ctx->id, sizeof(ctx->id), c, len);
		return;
	}
	if (prev && prev_len == 3 && memcmp(prev, "lxc", 3) == 0 &&
	    !ctx->runtime[0]) {
		/* LXC 1-3 on cgroup v1: /lxc/NAME */
		set(ctx->runtime, sizeof(ctx->runtime), "lxc", 3);
		set(ctx->id, sizeof(ctx->id), c, len);
		return;
	}
	if (len > 12 && memcmp(c, "lxc.payload.", 12) == 0) {
		set(ctx->runtime, sizeof(ctx->runtime), "lxc", 3);
		set(ctx->id, sizeof(ctx->id), c + 12, len - 12);
		return;
	}
	if (len > 14 && memcmp(c, "machine-", 8) == 0 &&
	    ends_with(c, len, ".scope")) {
		set(ctx->runtime, sizeof(ctx->runtime), "nspawn", 6);
		set(ctx->id, sizeof(ctx->id), c + 8, len - 14);
	}
	if (ends_with(c, len, ".service") || ends_with(c, len, ".scope") ||
	    ends_with(c, len, ".socket"))
		set(ctx->unit, sizeof(ctx->unit), c, len);
}

bool context_activation(const struct context *sock, int pid,
			const struct context *holder)
{
	size_t n;

	if (!sock)
		return pid == 1 && holder &&
		       strcmp(holder->unit, "init.scope") == 0;
	n = strlen(sock->unit);
	return strcmp(sock->unit, "init.scope") == 0 ||
	       (n > 7 && strcmp(sock->unit + n - 7, ".socket") == 0);
}

bool context_from_cgroup(const char *path, size_t len, struct context *ctx)
{
	const char *p = path, *end = path + len, *prev = NULL;
	size_t prev_len = 0;

	memset(ctx, 0, sizeof(*ctx));
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *ce = slash ? slash : end;

		if (ce > p) {
			component(p, (size_t)(ce - p), prev, prev_len, ctx);
			prev = p;
			prev_len = (size_t)(ce - p);
		}
		p = ce + 1;
	}
	return ctx->unit[0] || ctx->runtime[0];
}

/* One line "ID:CONTROLLERS:PATH" of /proc/PID/cgroup. */
struct cg_line {
	unsigned long id;
	const char *ctl, *path;
	size_t ctl_len, path_len;
};

#define CG_LINES_MAX 128

/* Split text into lines; false if one is not what the kernel writes: a
 * cgroup name may hold a newline, which the kernel does not escape, so a
 * line out of form, a hierarchy twice or a line after the v2 one (always
 * the last) means a name forged lines. A last line without its newline
 * was cut short by the reader: it is dropped. */
static bool cg_lines(const char *text, size_t len, struct cg_line *v,
		     size_t *n)
{
	const char *p = text, *end = text + len;
	size_t i;

	*n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *c1, *c2;
		struct cg_line *l = &v[*n];

		if (!nl)
			break;
		c1 = memchr(p, ':', (size_t)(nl - p));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;
		if (!c2 || c1 == p || c2 + 1 == nl || c2[1] != '/' ||
		    *n == CG_LINES_MAX)
			return false;
		l->id = 0;
		for (; p < c1; p++) {
			if (*p < '0' || *p > '9' || l->id > 1000000)
				return false;
			l->id = l->id * 10 + (unsigned long)(*p - '0');
		}
		l->ctl = c1 + 1;
		l->ctl_len = (size_t)(c2 - c1 - 1);
		l->path = c2 + 1;
		l->path_len = (size_t)(nl - c2 - 1);
		if ((l->id == 0) != (l->ctl_len == 0))
			return false;
		/* the kernel writes the v2 line last */
		for (i = 0; i < *n; i++)
			if (v[i].id == l->id || v[i].id == 0)
				return false;
		(*n)++;
		p = nl + 1;
	}
	return true;
}

static bool cg_is(const struct cg_line *l, const char *ctl)
{
	return l->ctl_len == strlen(ctl) &&
	       memcmp(l->ctl, ctl, l->ctl_len) == 0;
}

/* Try line l: true if it names what want asks (a container, or else a
 * unit); then ctx, *path and *plen describe it. */
static bool cg_try(const struct cg_line *l, bool want_container,
		   struct context *ctx, const char **path, size_t *plen)
{
	struct context c;

	if (!l || !context_from_cgroup(l->path, l->path_len, &c))
		return false;
	if (want_container ? !c.runtime[0] : !c.unit[0])
		return false;
	*ctx = c;
	*path = l->path;
	*plen = l->path_len;
	return true;
}

bool context_from_cgroup_file(const char *text, size_t len,
			      struct context *ctx, const char **path,
			      size_t *plen)
{
	struct cg_line v[CG_LINES_MAX];
	const struct cg_line *v2 = NULL, *sd = NULL;
	size_t n, i;

	memset(ctx, 0, sizeof(*ctx));
	*path = NULL;
	*plen = 0;
	if (!cg_lines(text, len, v, &n))
		return false;
	for (i = 0; i < n; i++) {
		if (v[i].id == 0)
			v2 = &v[i];
		else if (cg_is(&v[i], "name=systemd"))
			sd = &v[i];
	}
	/* a container wins over a unit: on hybrid hosts the runtimes move
	 * a container only in the v1 hierarchies, and its v2 cgroup stays
	 * the unit that started it */
	if (cg_try(v2, true, ctx, path, plen) ||
	    cg_try(sd, true, ctx, path, plen))
		return true;
	for (i = 0; i < n; i++)
		if (&v[i] != v2 && &v[i] != sd &&
		    (v[i].ctl_len < 5 || memcmp(v[i].ctl, "name=", 5) != 0) &&
		    cg_try(&v[i], true, ctx, path, plen))
			return true;
	if (cg_try(v2, false, ctx, path, plen) ||
	    cg_try(sd, false, ctx, path, plen))
		return true;
	if (v2 || sd) {
		*path = v2 ? v2->path : sd->path;
		*plen = v2 ? v2->path_len : sd->path_len;
	}
	return false;
}

/* The argument after the one equal to flag, or NULL. */
static const char *arg_after(const char *argv, size_t len, const char *flag)
{
	const char *p = argv, *end = argv + len;

	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *next = nul ? nul + 1 : end;

		if (nul && strcmp(p, flag) == 0 && next < end &&
		    memchr(next, '\0', (size_t)(end - next)))
			return next;
		p = next;
	}
	return NULL;
}

bool context_forward(const char *argv, size_t len, char *addr, size_t size,
		     unsigned *port)
{
	const char *ip = arg_after(argv, len, "-container-ip");
	const char *pt = arg_after(argv, len, "-container-port");
	unsigned long v = 0;
	const char *q;

	if (!ip || !pt || !*ip || !*pt || strlen(ip) >= size)
		return false;
	for (q = pt; *q; q++) {
		if (*q < '0' || *q > '9' || v > 65535)
			return false;
		v = v * 10 + (unsigned long)(*q - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	snprintf(addr, size, "%s", ip);
	*port = (unsigned)v;
	return true;
}

bool context_forwarder_exe(const char *exe)
{
	const char *base = strrchr(exe, '/');

	if (!base || exe[0] != '/')
		return false;
	base++;
	return strcmp(base, "docker-proxy") == 0 ||
	       strcmp(base, "docker-proxy (deleted)") == 0;
}
