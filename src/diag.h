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
	size_t bad_off;		/* offset in the datagram of the first
				 * malformed message, or of the damage */
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

/* The magic line that starts a --record file: format 2 adds namespace
 * records; format 1 (no namespace records) is still read. */
#define DIAG_RECORD_MAGIC "porttop-netlink-record 2\n"
#define DIAG_RECORD_MAGIC_1 "porttop-netlink-record 1\n"

/* A record with family 0 and this proto is no datagram: its 8 bytes (host
 * order) are the inode of the network namespace whose dumps follow. */
#define DIAG_RECORD_NETNS 0xff

/* Header written before every datagram in a --record file. */
struct diag_record_hdr {
	uint32_t len;		/* bytes of the datagram that follows */
	uint8_t family;
	uint8_t proto;
	uint16_t pad;
};

/* What diag_replay() found besides the sockets. */
struct diag_replay_info {
	size_t offset;		/* byte offset of the damage, on an error */
	size_t skipped;		/* sockets skipped: not listening (a TCP
				 * socket not in LISTEN, a connected UDP one) */
};

/* Replay a --record file held in buf: decode every listener it holds into
 * out. Returns 0; -EBADMSG if the file is not a recording or is damaged (a
 * malformed message included), -EPROTONOSUPPORT for a socket of another
 * protocol than TCP or UDP, both with info->offset; or the first error a
 * recorded dump carried. */
int diag_replay(const void *buf, size_t len, struct sock_vec *out,
		struct diag_replay_info *info);

#endif
