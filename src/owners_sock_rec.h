/* owners_sock_rec.h - what the kernel-socket check (owners_sock.bpf.c)
 * writes to its iterators' seq_files and owners_bpf_sock.c reads: shared
 * by the BPF program and user space. */
#ifndef PORTTOP_OWNERS_SOCK_REC_H
#define PORTTOP_OWNERS_SOCK_REC_H

/* the wanted sockets one check looks for at most, and the table of their
 * inodes: open addressing, a socket's inode in one of PORTTOP_SOCK_PROBES
 * slots from porttop_sock_slot() on (0: an empty slot); one that does not
 * fit is not looked for */
#define PORTTOP_SOCK_MAX 4096
#define PORTTOP_SOCK_SHIFT 13
#define PORTTOP_SOCK_SLOTS (1U << PORTTOP_SOCK_SHIFT)
#define PORTTOP_SOCK_PROBES 8

static inline __u32 porttop_sock_slot(__u32 ino)
{
	return (ino * 2654435761U) >> (32 - PORTTOP_SOCK_SHIFT);
}

/* What the check found of a wanted socket. */
#define PORTTOP_SOCK_FILE 0	/* it has a struct file: file */
#define PORTTOP_SOCK_KERNEL 1	/* none: a socket of the kernel's own */
#define PORTTOP_SOCK_MPTCP 2	/* none: a subflow of an MPTCP socket,
				 * which has the file */
#define PORTTOP_SOCK_UNSURE 3	/* none yet: a TCP socket that may be
				 * lent a file (an SMC socket's, which it
				 * gets when SMC falls back to TCP) */

/* The iter/tcp program met the first socket that does not listen: the
 * listeners are done (the record's other fields are 0). */
#define PORTTOP_SOCK_END 4

struct porttop_rec_ksock {
	__u32 inode;		/* as in socket:[N] */
	__u32 kind;		/* PORTTOP_SOCK_* */
	__u64 cookie;		/* the socket's cookie (0: none yet) */
	__u64 file;		/* its struct file *, for PORTTOP_SOCK_FILE */
};

#endif
