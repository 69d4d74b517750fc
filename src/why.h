/* why.h - "why can't my server bind port N?": the verdict, a pure function
 * of a model of every socket on the port and a few facts of the system */
#ifndef PORTTOP_WHY_H
#define PORTTOP_WHY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Socket options the new server sets (--try=reuseaddr,reuseport). */
#define WHY_OPT_REUSEADDR 0x1u
#define WHY_OPT_REUSEPORT 0x2u

/* The server that wants the port. */
struct why_target {
	uint16_t port;
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t family;		/* AF_INET or AF_INET6 */
	int8_t v6only;		/* AF_INET6: 0 dual-stack, 1 IPv6 only;
				 * -1 for AF_INET */
	bool any;		/* no --address: every address, that is
				 * :: dual-stack (or 0.0.0.0 without IPv6) */
	uint8_t addr[16];	/* network order; AF_INET: the first 4 */
	unsigned options;	/* WHY_OPT_REUSEADDR | WHY_OPT_REUSEPORT */
	uint32_t uid;		/* the server's euid: porttop's */
};

/* What the system says beyond the sockets; the source finds it out. */
struct why_facts {
	uint64_t netns;		/* namespace asked about; 0 unknown */
	int unpriv_start;	/* net.ipv4.ip_unprivileged_port_start of
				 * that namespace; -1 unknown */
	bool cap_bind;		/* porttop has CAP_NET_BIND_SERVICE over the
				 * namespace: held in the user namespace
				 * that owns it (or an ancestor of that) */
	bool cap_held;		/* porttop has it in its own user namespace
				 * (capget), whether or not it counts here */
	bool cap_unknown;	/* whether it counts here is unknown */
	bool sees_bound;	/* the kernel reports bound-only TCP sockets
				 * (TCP_BOUND_INACTIVE, 6.7 and later) */
	char kernel[65];	/* uname -r, for the note when it does not */
};

enum why_kind {
	WHY_LISTENER,		/* a TCP listener */
	WHY_GROUP,		/* one of several TCP listeners on the same
				 * address: a SO_REUSEPORT group */
	WHY_BOUND,		/* a TCP socket bound but not listening */
	WHY_CONNECTION,		/* a TCP connection (TIME_WAIT too) whose
				 * local port is the port */
	WHY_UDP,		/* a UDP socket bound to the port */
	WHY_PRIVILEGED,		/* below ip_unprivileged_port_start */
	WHY_RESERVED,		/* in ip_local_reserved_ports */
	WHY_EPHEMERAL,		/* inside ip_local_port_range */
	WHY_OTHER_NETNS,	/* a socket on the port in another namespace */
	WHY_UNSEEN,		/* bound-only sockets are invisible here */
	WHY__COUNT
};

/* What a reason does to a new server, weakest first. */
enum why_effect {
	WHY_NOTE,		/* nothing: worth knowing */
	WHY_MAYBE,		/* blocks unless the holder set a socket
				 * option sock_diag does not report */
	WHY_BLOCKS,		/* the kernel will refuse the bind */
};

struct why_reason {
	enum why_kind kind;
	enum why_effect effect;
	const struct row *row;	/* the socket, or NULL; borrowed */
	size_t group;		/* WHY_GROUP: listeners in the group */
	unsigned relief;	/* WHY_OPT_REUSE* options that could let
				 * a server in (if the holder set them too) */
};

struct why {
	enum why_effect verdict;	/* the strongest effect of any reason;
					 * WHY_NOTE: a server can bind now */
	struct why_reason *v;		/* owned; strongest first */
	size_t n;
};

/* Fill t for a server on port and proto (IPPROTO_TCP or IPPROTO_UDP) at
 * address (IPv4, IPv6 or [IPv6]; NULL: every address, that is :: dual-stack
 * if ipv6, else 0.0.0.0), with the WHY_OPT_* options, run as uid. Returns
 * 0, or -EINVAL when address is not an address. */
int why_target_init(struct why_target *t, uint16_t port, uint8_t proto,
		    const char *address, unsigned options, uint32_t uid,
		    bool ipv6);

void why_init(struct why *w);
void why_release(struct why *w);

/* Diagnose the bind of t against every socket in m (those not on t's port
 * and protocol are ignored) and the facts f. The reasons borrow m's rows.
 * The previous content of w is released. */
void why_diagnose(struct why *w, const struct model *m,
		  const struct why_target *t, const struct why_facts *f);

/* True if a server bound as t and socket s claim a common address: the
 * same address, a wildcard of the same family, or a dual-stack :: against
 * IPv4 (v4-mapped IPv6 addresses count as IPv4). Ports are not compared. */
bool why_overlaps(const struct why_target *t, const struct sock_rec *s);

/* True for a TCP socket that is bound but neither listens nor connects. */
bool why_bound_only(const struct sock_rec *s);

/* Stable names for JSON and tests: "listener"..., never translated. */
const char *why_kind_name(enum why_kind k);
/* "no", "maybe" or "yes" (does it block?). */
const char *why_effect_name(enum why_effect e);
/* The TCP state of s as the kernel names it ("TIME_WAIT"), "BOUND" for a
 * bound-only socket; "UNCONN" or "ESTAB" for UDP. */
const char *why_state_name(const struct sock_rec *s);

#endif
