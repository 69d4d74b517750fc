/* owners_bpf_rec.h - the record that owners_iter.bpf.c writes for each socket
 * fd and owners_bpf.c reads: shared by the BPF program and user space */
#ifndef PORTTOP_OWNERS_BPF_REC_H
#define PORTTOP_OWNERS_BPF_REC_H

struct porttop_sock_rec {
	__u32 tgid;		/* process */
	__u32 tid;		/* == tgid unless the fd table is the thread's */
	__u32 fd;
	__u32 inode;		/* socket inode, as in socket:[N] */
	__u64 start;		/* the process's start, ns after boot */
	__u32 uid;		/* its effective uid (of its leader's
				 * objective credentials, as /proc status) */
	__u32 pad;
};

#endif
