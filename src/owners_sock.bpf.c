/* owners_sock.bpf.c - which wanted sockets have a struct file: iter/tcp and
 * iter/udp programs that look up each socket of the network namespace in
 * the inodes user space wants (wanted_ino) and write, for each one
 * found, its struct file or why it has none (owners_sock_rec.h).
 *
 * The BPF owner scan finds a socket's holders by its file in their fd
 * tables; a socket whose file no pass has seen turns the walk's filter off
 * (owners_bpf_filter.c). The socket itself says: its struct socket's file,
 * or none at all for a socket the kernel made for itself (a VXLAN,
 * WireGuard or FOU socket, nfsd's and lockd's listeners), which no fd can
 * ever hold. owners_bpf_sock.c says why "none" is certain.
 *
 * No vmlinux.h: the kernel types are declared with only the fields read,
 * relocated against the running kernel's BTF at load time (CO-RE). */

#include "owners_bpf_types.h"
#include <bpf/bpf_core_read.h>
#include "owners_sock_rec.h"

#define IPPROTO_TCP 6
#define TCP_LISTEN 10
/* the low bit of sk_user_data that SMC sets on the TCP socket it uses
 * (SK_USER_DATA_NOCOPY) */
#define USER_DATA_NOCOPY 1UL

typedef struct {
	__s64 counter;
} atomic64_t;

struct inode {
	unsigned long i_ino;
} __attribute__((preserve_access_index));

struct file;

struct socket {
	struct file *file;
} __attribute__((preserve_access_index));

struct socket_alloc {
	struct socket socket;
	struct inode vfs_inode;
} __attribute__((preserve_access_index));

struct sock_common {
	unsigned char skc_state;
	atomic64_t skc_cookie;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	struct socket *sk_socket;
	void *sk_user_data;
	__u16 sk_protocol;
	__u8 sk_kern_sock : 1;
} __attribute__((preserve_access_index));

struct tcp_sock {
	_Bool is_mptcp;
	__u8 syn_smc : 1;
} __attribute__((preserve_access_index));

struct udp_sock;

struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	struct sock_common *sk_common;
} __attribute__((preserve_access_index));

struct bpf_iter__udp {
	struct bpf_iter_meta *meta;
	struct udp_sock *udp_sk;
} __attribute__((preserve_access_index));

char LICENSE[] SEC("license") = "GPL";

/* set by user space before a check: the inodes it looks for, a table of
 * PORTTOP_SOCK_SLOTS (owners_sock_rec.h) */
__u32 wanted_ino[PORTTOP_SOCK_SLOTS];
/* sockets the last iterators visited */
__u64 nr_socks = 0;

/* Is ino in wanted_ino? A few probes, each ending the search or not: the
 * kernel verifies it in a few hundred instructions (a binary search took
 * 35,000 and ~20 ms of every first scan that needs the check). */
static int wanted(__u32 ino)
{
	__u32 slot = porttop_sock_slot(ino), v, i;

	if (!ino)
		return 0;	/* the empty slot's */
	for (i = 0; i < PORTTOP_SOCK_PROBES; i++) {
		v = wanted_ino[(slot + i) & (PORTTOP_SOCK_SLOTS - 1)];
		if (v == ino)
			return 1;
		if (v == 0)
			return 0;
	}
	return 0;
}

/* Why full socket sk has no file (PORTTOP_SOCK_*). Only a socket made by
 * the kernel for itself (sk_kern_sock: sock_create_kern()) is the
 * kernel's: a user's socket that is being closed loses its file too
 * (__sock_release() clears sock->file after the protocol's release, and a
 * UDP close takes no socket lock), and must not be read as the kernel's
 * in that moment; a kernel without the field says nothing. SMC makes a kernel TCP
 * socket for each of its sockets, bound and listening with it, and lends
 * it its own file when it falls back to TCP: where SMC is built in, a TCP
 * socket that SMC listens with has syn_smc set (or SMC's pointer, tagged
 * SK_USER_DATA_NOCOPY, in sk_user_data), and one that does not listen yet
 * cannot be told. So a TCP socket is the kernel's only when it listens
 * (porttop_tcp() looks at listeners only) and is no SMC socket's. */
static __attribute__((always_inline)) __u32 kind_of(struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	_Bool mptcp = 0;
	__u8 smc = 0;

	if (!bpf_core_field_exists(sk->sk_kern_sock) ||
	    !BPF_CORE_READ_BITFIELD_PROBED(sk, sk_kern_sock))
		return PORTTOP_SOCK_UNSURE;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return PORTTOP_SOCK_KERNEL;
	if (bpf_core_field_exists(tp->is_mptcp))
		mptcp = BPF_CORE_READ(tp, is_mptcp);
	if (mptcp)
		return PORTTOP_SOCK_MPTCP;
	if (bpf_core_field_exists(tp->syn_smc))
		smc = (__u8)BPF_CORE_READ_BITFIELD_PROBED(tp, syn_smc);
	if (smc ||
	    ((unsigned long)BPF_CORE_READ(sk, sk_user_data) & USER_DATA_NOCOPY))
		return PORTTOP_SOCK_UNSURE;
	return PORTTOP_SOCK_KERNEL;
}

/* The record of full socket sk if it is wanted. */
static __attribute__((always_inline)) int check(struct seq_file *seq,
						struct sock *sk)
{
	struct porttop_rec_ksock rec;
	struct socket *sock;
	unsigned long ino;

	nr_socks++;
	sock = BPF_CORE_READ(sk, sk_socket);
	if (!sock)
		return 0;	/* inode 0 in the dump: never wanted */
	ino = BPF_CORE_READ((struct socket_alloc *)sock, vfs_inode.i_ino);
	if (!wanted((__u32)ino))
		return 0;
	rec.inode = (__u32)ino;
	rec.cookie = (__u64)BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	rec.file = (__u64)BPF_CORE_READ(sock, file);
	rec.kind = rec.file ? PORTTOP_SOCK_FILE : kind_of(sk);
	bpf_seq_write(seq, &rec, sizeof(rec));
	return 0;
}

SEC("iter/tcp")
int porttop_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct porttop_rec_ksock end = { .kind = PORTTOP_SOCK_END };

	if (!skc)
		return 0;
	/* the iterator gives the listeners first: at the first other socket
	 * user space stops reading, and the established ones (most sockets
	 * of a busy host) are not visited */
	if (BPF_CORE_READ(skc, skc_state) != TCP_LISTEN) {
		bpf_seq_write(ctx->meta->seq, &end, sizeof(end));
		return 0;
	}
	return check(ctx->meta->seq, (struct sock *)skc);
}

SEC("iter/udp")
int porttop_udp(struct bpf_iter__udp *ctx)
{
	struct sock *sk = (struct sock *)ctx->udp_sk;

	if (!sk)
		return 0;
	return check(ctx->meta->seq, sk);
}
