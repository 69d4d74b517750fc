/* sock.h - one socket as the kernel reports it through sock_diag */
#ifndef PORTTOP_SOCK_H
#define PORTTOP_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which sockets a dump asks for (collector_dump(), options->collect). */
#define COLLECT_TCP 0x1u	/* TCP sockets in LISTEN */
#define COLLECT_UDP 0x2u	/* bound, unconnected UDP sockets */
#define COLLECT_V4 0x4u
#define COLLECT_V6 0x8u
#define COLLECT_ESTABLISHED 0x10u /* TCP in ESTABLISHED instead of LISTEN */
#define COLLECT_ALL (COLLECT_TCP | COLLECT_UDP | COLLECT_V4 | COLLECT_V6)

struct sock_rec {
	uint64_t cookie;	/* kernel socket cookie, unique while it lives */
	uint64_t cgroup_id;	/* cgroup v2 id at creation; 0 if not given */
	uint64_t netns;		/* inode of the network namespace; 0 unknown */
	uint32_t inode;		/* matches socket:[inode] in /proc/PID/fd */
	uint32_t uid;		/* owner uid of the socket */
	uint32_t ifindex;	/* SO_BINDTODEVICE interface; 0 if unbound */
	uint32_t rqueue;	/* TCP listener: accept queue (connections);
				 * UDP: bytes waiting to be read */
	uint32_t wqueue;	/* TCP listener: backlog limit (connections);
				 * UDP: bytes waiting to be sent */
	uint32_t drops;		/* SK_MEMINFO_DROPS; valid if has_drops */
	uint32_t mark;		/* SO_MARK; valid if has_mark */
	uint16_t port;		/* local port, host byte order */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t state;		/* TCP state number (TCP_LISTEN, TCP_CLOSE...) */
	int8_t v6only;		/* -1 for AF_INET, else IPV6_V6ONLY 0/1 */
	bool has_drops;
	bool has_mark;
	uint8_t addr[16];	/* local address, network order; AF_INET: 4 */
	/* the far end and the timer: connections and TIME_WAIT (--why) */
	uint8_t daddr[16];	/* remote address, network order; 0 if none */
	uint16_t dport;		/* remote port, host order; 0 if none */
	uint8_t timer;		/* idiag_timer: 0 none, 1 retransmit,
				 * 2 keepalive, 3 TIME_WAIT, 4 zero window */
	uint32_t expires_ms;	/* until the timer fires; valid if timer */
};

/* A growable array of records; owns its storage. */
struct sock_vec {
	struct sock_rec *v;
	size_t n;
	size_t cap;
};

/* Append a copy of rec. */
void sock_vec_push(struct sock_vec *vec, const struct sock_rec *rec);
/* Free the storage and reset to empty. */
void sock_vec_release(struct sock_vec *vec);
/* Make room for n records in all, so that filling it copies nothing. */
void sock_vec_reserve(struct sock_vec *vec, size_t n);

#endif
