/* collector.h - a netlink sock_diag session that dumps one network namespace */
#ifndef PORTTOP_COLLECTOR_H
#define PORTTOP_COLLECTOR_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

struct collector;

/* Open a sock_diag socket in the network namespace netns_fd (-1: ours),
 * connected to the kernel. Returns NULL with errno set; caller frees with
 * collector_free(). Entering another namespace needs CAP_SYS_ADMIN over
 * it (EPERM otherwise); the caller's thread never changes namespace.
 * PORTTOP_FAULT (a test hook, see HACKING) is read here. */
struct collector *collector_new(int netns_fd);
void collector_free(struct collector *c);

/* Save every datagram received from now on to fd (a --record file whose
 * magic line the caller wrote), after a record that names this
 * collector's namespace; -1 stops. Returns 0 or -errno. */
int collector_record(struct collector *c, int fd);

/* Dump the sockets that "what" selects and append them to out. A dump is
 * not a snapshot: each table is dumped again until a dump brings no new
 * inode (at most five), and the union is kept. A dump that fails with
 * ENOBUFS, EINTR, a stray reply (EPROTO) or NLM_F_DUMP_INTR is redone
 * (bounded); the socket is reopened after any failure. A protocol the
 * kernel cannot list (no diag module: ENOENT) is skipped and reported by
 * collector_missing(). Returns 0 or -errno; collector_failed_proto() then
 * names the protocol. */
int collector_dump(struct collector *c, unsigned what, struct sock_vec *out);

/* The TCP state of a socket that is bound but neither listens nor
 * connects: reported by kernels from 6.7 when its bit is asked for. */
#define COLLECT_TCP_BOUND_INACTIVE 13

/* Dump every socket whose local port is port: TCP in the states of the
 * mask tcp_states (1 << state; 0: no TCP), and UDP in any state if udp,
 * IPv4 and IPv6, each table until a dump brings nothing new. Appends to
 * out. Returns 0 or -errno (-ENOENT: no diag support for the protocol
 * collector_failed_proto() names). */
int collector_dump_port(struct collector *c, uint16_t port,
			uint32_t tcp_states, bool udp, struct sock_vec *out);

/* The protocol (IPPROTO_*) of the last failed dump. */
int collector_failed_proto(const struct collector *c);

/* The protocols (COLLECT_TCP, COLLECT_UDP) the last collector_dump() could
 * not list because the kernel lacks their diag support; the error of the
 * first into *err (may be NULL). 0 when nothing was missing. */
unsigned collector_missing(const struct collector *c, int *err);

/* One interface of a namespace. */
struct link_name {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
};

struct link_vec {
	struct link_name *v;
	size_t n, cap;
};

/* Append the interfaces of this collector's namespace to out: one
 * RTM_GETLINK dump. Returns 0 or -errno. */
int collector_links(struct collector *c, struct link_vec *out);
void link_vec_release(struct link_vec *v);

/* The name of ifindex in v, or NULL; borrowed. */
const char *link_vec_name(const struct link_vec *v, uint32_t ifindex);

/* The inode of the network namespace this collector dumps (0 unknown). */
uint64_t collector_netns(const struct collector *c);

#endif
