/* context.h - cgroup paths to systemd units and containers */
#ifndef PORTTOP_CONTEXT_H
#define PORTTOP_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

/* struct context, what a cgroup path says about where a process runs, is
 * a plain record of snapshot.h. */

/* Read a cgroup v2 path ("/system.slice/docker-<id>.scope"). Returns true
 * if it named a unit or a container. Pure: no I/O. */
bool context_from_cgroup(const char *path, size_t len, struct context *ctx);

/* Read the text of /proc/PID/cgroup: every line "ID:CONTROLLERS:PATH",
 * cgroup v2 ("0::PATH") and v1 alike. A container named by the v2 path,
 * else by the v1 "name=systemd" path, else by a v1 controller path (cpu,
 * memory, pids...); else a unit named by the v2 path, else by the
 * name=systemd one. Returns true if one was found; *path and *plen are the
 * path used, or when none names anything the v2 (else name=systemd)
 * path, or NULL. Text that is not the kernel's own (a cgroup name with a
 * newline forging lines) names nothing. Pure. */
bool context_from_cgroup_file(const char *text, size_t len,
			      struct context *ctx, const char **path,
			      size_t *plen);

/* Socket activation: was a listener made by systemd for a .socket unit?
 * sock is what the socket's own cgroup (its cgroup v2 id) says, or NULL
 * when that is unknown. systemd makes a socket unit's listener in PID 1,
 * in init.scope, or (where it can firewall with cgroup BPF) in a helper
 * it forks into the .socket unit's cgroup: either cgroup says so. Where
 * the socket's cgroup is unknown, its first holder does: pid 1 in
 * init.scope (holder is what that holder's cgroups say, or NULL). Pure. */
bool context_activation(const struct context *sock, int pid,
			const struct context *holder);

/* Where a port forwarder sends its connections: docker-proxy's
 * "-container-ip A -container-port P" in its NUL-separated argv. Returns
 * true and fills addr (size bytes) and *port. Pure. */
bool context_forward(const char *argv, size_t len, char *addr, size_t size,
		     unsigned *port);

/* True if exe, the target of /proc/PID/exe, is a docker-proxy binary:
 * its file name is exactly "docker-proxy" (also when deleted since, as
 * after an upgrade). A script of that name has its interpreter as exe.
 * Pure. */
bool context_forwarder_exe(const char *exe);

#endif
