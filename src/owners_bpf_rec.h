/* owners_bpf_rec.h - the record that owners_iter.bpf.c writes for each socket
 * fd and owners_bpf.c reads: shared by the BPF program and user space */
#ifndef PORTTOP_OWNERS_BPF_REC_H
#define PORTTOP_OWNERS_BPF_REC_H

struct porttop_sock_rec {
	__u32 tgid;		/* process */
	__u32 tid;		/* == tgid unless the fd table is the thread's */
	__u32 fd;		/* PORTTOP_REC_TABLE: no socket, the first
				 * file of an fd table the iterator entered */
	__u32 inode;		/* socket inode, as in socket:[N] */
	__u64 start;		/* the process's start, ns after boot */
	__u32 uid;		/* its effective uid (of its leader's
				 * objective credentials, as /proc status) */
	__u32 pad;
};

/* The fd of the record that says the iterator entered a table: user
 * space learns which processes a pass visited (the kernel may hide some
 * from the iterator), so that it can read the others from /proc. */
#define PORTTOP_REC_TABLE 0xffffffffU

#endif
