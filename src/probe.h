/* probe.h - what the system says about binding a port here: a test bind,
 * the unprivileged port threshold, our CAP_NET_BIND_SERVICE, and whether
 * the kernel reports bound-only sockets */
#ifndef PORTTOP_PROBE_H
#define PORTTOP_PROBE_H

#include <stdbool.h>

#include "why.h"

/* Fill every field of f but netns: the threshold from
 * proc_root/sys/net/ipv4/ip_unprivileged_port_start (of the namespace we
 * are in), the capability from capget(2) and whether it counts for our
 * network namespace from its owner (NS_GET_USERNS), the kernel from
 * uname(2). */
void probe_facts(struct why_facts *f, const char *proc_root);

/* True if this namespace can make IPv6 sockets. */
bool probe_ipv6(void);

/* Bind a new socket as t describes, with t's options (TCP: bind only, no
 * listen), and close it at once. Returns 0 when the kernel accepts, else
 * its -errno (-EADDRINUSE, -EACCES...). */
int probe_bind(const struct why_target *t);

#endif
