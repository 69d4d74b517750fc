/* diag.h - pure decoding of sock_diag replies: bytes in, sock_recs out */
#ifndef PORTTOP_DIAG_H
#define PORTTOP_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

struct nlmsghdr;

/* The state of one dump while its datagrams are walked. */
struct diag_walk {
	uint32_t seq;		/* expected sequence number */
	uint32_t portid;	/* expected port id; 0 accepts any */
	bool check_seq;		/* false when replaying a recording */
	uint8_t proto;		/* protocol the dump asked for */
	uint64_t netns;		/* copied into every record */
	bool interrupted;	/* NLM_F_DUMP_INTR was seen */
	size_t malformed;	/* messages skipped as malformed */
	struct sock_vec *out;	/* where decoded records go */
};

/* Decode one SOCK_DIAG_BY_FAMILY message whose nlmsg_len has been checked
 * against the bytes it sits in. Returns 0, or -EBADMSG if it is malformed. */
int diag_decode(const struct nlmsghdr *nlh, uint8_t proto, struct sock_rec *rec);

/* Walk one received datagram of len bytes. Every length is checked here
 * before anything reads it. Returns 1 when more datagrams follow, 0 at
 * NLMSG_DONE, or -errno: the kernel's error (-ENOENT: no diag module for the
 * protocol), -EPROTO for a wrong sequence number, -EBADMSG for a message
 * whose length does not fit the datagram. */
int diag_walk(struct diag_walk *w, const void *buf, size_t len);

/* The magic line that starts a --record file. */
#define DIAG_RECORD_MAGIC "porttop-netlink-record 1\n"

/* Header written before every datagram in a --record file. */
struct diag_record_hdr {
	uint32_t len;		/* bytes of the datagram that follows */
	uint8_t family;
	uint8_t proto;
	uint16_t pad;
};

/* Replay a --record file held in buf: decode every dump it holds into out.
 * Returns 0, or -EBADMSG if the file is not a recording or is damaged,
 * or the first error a recorded dump carried. */
int diag_replay(const void *buf, size_t len, struct sock_vec *out);

#endif
