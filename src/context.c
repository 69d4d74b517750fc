/* context.c - cgroup paths to systemd units and containers
 *
 * Patterns as systemd, the container runtimes and kubelet lay them out:
 *   /system.slice/NAME.service                       a system service
 *   /user.slice/user-1000.slice/session-3.scope      a login session
 *   /user.slice/.../user@1000.service/app.slice/X.service   a user unit
 *   /system.slice/docker-<64 hex>.scope, /docker/<64 hex>    docker
 *   /machine.slice/libpod-<64 hex>.scope             podman
 *   .../cri-containerd-<64 hex>.scope, .../crio-<64 hex>.scope   CRI
 *   /lxc.payload.NAME/...                            LXC
 *   /machine.slice/machine-NAME.scope                systemd-nspawn */
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

/* A component "PREFIX<id>.scope" with a 64-hex id. */
static bool scoped_id(const char *c, size_t len, const char *prefix,
		      const char *runtime, struct context *ctx)
{
	size_t p = strlen(prefix);

	if (len < p || memcmp(c, prefix, p) != 0 || !ends_with(c, len, ".scope"))
		return false;
	if (!is_hex_id(c + p, len - p - 6))
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
	if (ends_with(c, len, ".service") || ends_with(c, len, ".scope"))
		set(ctx->unit, sizeof(ctx->unit), c, len);
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
