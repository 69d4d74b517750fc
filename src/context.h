/* context.h - cgroup paths to systemd units and containers */
#ifndef PORTTOP_CONTEXT_H
#define PORTTOP_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* What a cgroup path says about where a process runs. */
struct context {
	char unit[128];		/* systemd unit ("nginx.service"), or "" */
	char runtime[16];	/* "docker", "podman", "containerd", "crio",
				 * "lxc", "nspawn", or "" */
	char id[80];		/* container id or name, or "" */
};

/* Read a cgroup v2 path ("/system.slice/docker-<id>.scope"). Returns true
 * if it named a unit or a container. Pure: no I/O. */
bool context_from_cgroup(const char *path, size_t len, struct context *ctx);

/* Where a port forwarder sends its connections: docker-proxy's
 * "-container-ip A -container-port P" in its NUL-separated argv. Returns
 * true and fills addr (size bytes) and *port. Pure. */
bool context_forward(const char *argv, size_t len, char *addr, size_t size,
		     unsigned *port);

#endif
