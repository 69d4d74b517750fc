/* test_context.c - units and containers from /proc/PID/cgroup files of
 * cgroup v2, hybrid and v1 hosts (tests/data/cgroup/), and forwarders */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"

#define ID "3f1c0a5b9e2d4c6f8a7b1e0d2c3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f7"

struct pick {
	bool found;
	struct context ctx;
	char path[512];		/* the path used, or "(null)" */
};

static struct pick pick_file(const char *name)
{
	const char *dir = getenv("srcdir");
	char fname[1024], text[8192];
	const char *path;
	struct pick r;
	size_t len, plen;
	FILE *f;

	snprintf(fname, sizeof(fname), "%s/tests/data/cgroup/%s",
		 dir ? dir : ".", name);
	f = fopen(fname, "r");
	cr_assert_not_null(f, "cannot open %s", fname);
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	memset(&r, 0, sizeof(r));
	r.found = context_from_cgroup_file(text, len, &r.ctx, &path, &plen);
	if (path)
		snprintf(r.path, sizeof(r.path), "%.*s", (int)plen, path);
	else
		snprintf(r.path, sizeof(r.path), "(null)");
	return r;
}

Test(cgroup_file, v2_only)
{
	struct pick p = pick_file("v2-service");

	cr_expect(p.found);
	cr_expect_str_eq(p.ctx.unit, "nginx.service");
	cr_expect_str_eq(p.path, "/system.slice/nginx.service");
}

Test(cgroup_file, hybrid)
{
	struct pick p = pick_file("hybrid-service");

	cr_expect(p.found);
	cr_expect_str_eq(p.ctx.unit, "nginx.service");
	cr_expect_str_eq(p.ctx.runtime, "");
}

Test(cgroup_file, v1_only_name_systemd)
{
	struct pick p = pick_file("v1-systemd-service");

	cr_expect(p.found, "a legacy host names its units in name=systemd");
	cr_expect_str_eq(p.ctx.unit, "sshd.service");
	cr_expect_str_eq(p.path, "/system.slice/sshd.service");
}

Test(cgroup_file, v2_root_falls_back_to_name_systemd)
{
	struct pick p = pick_file("v1-systemd-v2-root");

	cr_expect(p.found);
	cr_expect_str_eq(p.ctx.unit, "web.service");
	cr_expect_str_eq(p.path, "/system.slice/web.service");
}

Test(cgroup_file, docker_v1_cgroupfs)
{
	struct pick p = pick_file("docker-v1-cgroupfs");

	cr_expect(p.found);
	cr_expect_str_eq(p.ctx.runtime, "docker");
	cr_expect_str_eq(p.ctx.id, ID);
	cr_expect_str_eq(p.path, "/docker/" ID);
}

Test(cgroup_file, docker_hybrid_container_beats_v2_unit)
{
	struct pick p = pick_file("docker-hybrid-systemd");

	cr_expect(p.found);
	cr_expect_str_eq(p.ctx.runtime, "docker",
			 "the v2 path is only the daemon's unit");
	cr_expect_str_eq(p.ctx.id, ID);
	p = pick_file("docker-hybrid-cgroupfs");
	cr_expect_str_eq(p.ctx.runtime, "docker",
			 "a container in the v1 controllers only");
	cr_expect_str_eq(p.path, "/docker/" ID);
}

Test(cgroup_file, kubepods_v1)
{
	struct pick p = pick_file("kubepods-v1-cgroupfs");

	cr_expect(p.found);
	cr_expect_str_eq(p.ctx.runtime, "container");
	cr_expect_str_eq(p.ctx.id, ID);
	p = pick_file("kubepods-v1-systemd");
	cr_expect_str_eq(p.ctx.runtime, "containerd");
	cr_expect_str_eq(p.ctx.id, ID);
	p = pick_file("crio-v1-cgroupfs");
	cr_expect_str_eq(p.ctx.runtime, "crio");
	cr_expect_str_eq(p.ctx.id, ID);
}

Test(cgroup_file, podman_v1)
{
	struct pick p = pick_file("podman-v1-systemd");

	cr_expect_str_eq(p.ctx.runtime, "podman");
	cr_expect_str_eq(p.ctx.id, ID);
	p = pick_file("podman-v1-cgroupfs");
	cr_expect_str_eq(p.ctx.runtime, "podman");
	cr_expect_str_eq(p.ctx.id, ID);
}

Test(cgroup_file, forged_lines_name_nothing)
{
	static const char *const files[] = {
		"hostile-forged-v2", "hostile-broken-line", "hostile-after-v2",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct pick p = pick_file(files[i]);

		cr_expect_not(p.found, "%s names nothing", files[i]);
		cr_expect_str_eq(p.ctx.unit, "", "%s", files[i]);
		cr_expect_str_eq(p.path, "(null)", "%s", files[i]);
	}
}

Test(cgroup_file, control_characters_kept_raw_for_the_views_to_escape)
{
	struct pick p = pick_file("hostile-control-chars");

	cr_expect(p.found);
	cr_expect_str_eq(p.ctx.unit, "ev\033]0;il\a.service");
}

Test(cgroup_file, a_cut_last_line_is_dropped)
{
	struct pick p = pick_file("truncated");

	cr_expect_str_eq(p.ctx.unit, "web.service",
			 "not the cut nginx.serv of the v2 line");
}

Test(cgroup_file, nothing_named)
{
	static const char text[] = "1:name=systemd:/\n0::/init.scope.d\n";
	struct context ctx;
	const char *path;
	size_t len;

	cr_expect_not(context_from_cgroup_file(text, sizeof(text) - 1, &ctx,
					       &path, &len));
	cr_assert_not_null(path);
	cr_expect_eq(len, 13);
	cr_expect_eq(memcmp(path, "/init.scope.d", 13), 0);
	cr_expect_not(context_from_cgroup_file("", 0, &ctx, &path, &len));
	cr_expect_null(path);
}

/* Socket activation from the socket's own cgroup v2 path (NULL: unknown)
 * and its first holder (pid, and its cgroup path; NULL: none). */
static bool activated(const char *sock_path, int pid, const char *holder_path)
{
	struct context s, h;

	if (sock_path)
		context_from_cgroup(sock_path, strlen(sock_path), &s);
	if (holder_path)
		context_from_cgroup(holder_path, strlen(holder_path), &h);
	return context_activation(sock_path ? &s : NULL, pid,
				  holder_path ? &h : NULL);
}

Test(activation, the_sockets_own_cgroup_says_who_made_it)
{
	struct context c;

	/* made by PID 1, or by the helper it forks into the .socket unit */
	cr_expect(activated("/init.scope", 0, NULL));
	cr_expect(activated("/system.slice/cups.socket", 0, NULL));
	cr_expect(context_from_cgroup("/system.slice/cups.socket", 25, &c));
	cr_expect_str_eq(c.unit, "cups.socket");
	/* a user's systemd: its own init.scope, or the .socket unit */
	cr_expect(activated("/user.slice/user-1000.slice/user@1000.service/init.scope",
			    0, NULL));
	cr_expect(activated("/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.socket",
			    0, NULL));
	/* a service, a session, the root, a unit merely named so */
	cr_expect_not(activated("/system.slice/cups.service", 0, NULL));
	cr_expect_not(activated("/user.slice/user-1000.slice/session-3.scope",
				0, NULL));
	cr_expect_not(activated("/", 0, NULL));
	cr_expect_not(activated("/system.slice/init.scope.d", 0, NULL));
	cr_expect_not(activated("/system.slice/x.socket/y.service", 0, NULL));
	/* the socket's cgroup is known and says another: PID 1 holding it
	 * (systemd's fd store) is no activation */
	cr_expect_not(activated("/system.slice/web.service", 1, "/init.scope"));
	cr_expect_not(activated("/", 1, "/init.scope"));
}

Test(activation, where_the_sockets_cgroup_is_unknown_pid_1_in_init_scope)
{
	cr_expect(activated(NULL, 1, "/init.scope"));
	/* a PID 1 that is not systemd (a container's init, tini) */
	cr_expect_not(activated(NULL, 1, "/"));
	cr_expect_not(activated(NULL, 1, "/system.slice/docker-x.scope"));
	/* init.scope, but not PID 1: a pid of another namespace */
	cr_expect_not(activated(NULL, 7, "/init.scope"));
	cr_expect_not(activated(NULL, 0, NULL));
}
