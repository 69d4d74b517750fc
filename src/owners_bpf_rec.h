/* owners_bpf_rec.h - what the BPF owner programs (owners_walk.bpf.c,
 * owners_iter.bpf.c) write to the iterator's seq_file and owners_bpf.c
 * reads: shared by the BPF programs and user space.
 *
 * The stream is a run of 8-byte units. An fd table the program entered
 * begins with a table record (5 units); each socket file of it follows as
 * one socket record (fd, inode, file: 2 units). A record whose first word
 * is below PORTTOP_REC_MORE is a socket record. */
#ifndef PORTTOP_OWNERS_BPF_REC_H
#define PORTTOP_OWNERS_BPF_REC_H

/* The first word of a table record: the iterator entered this table (user
 * space learns which processes a pass visited: the kernel may hide some
 * from the iterator, and those are read from /proc). */
#define PORTTOP_REC_TABLE 0xffffffffU
/* The same, for a table whose walk a continuation pass resumes: the
 * sockets that follow belong to it, but it was counted already. */
#define PORTTOP_REC_CONT 0xfffffffeU
/* The walk of the current table stopped at fd `inode` (a call writes and
 * walks only so much: the seq_file holds 32 KiB); a continuation pass of
 * that task (the table record's tid) resumes it there. */
#define PORTTOP_REC_MORE 0xfffffffdU

struct porttop_rec_table {
	__u32 tag;		/* PORTTOP_REC_TABLE or PORTTOP_REC_CONT */
	__u32 tgid;		/* process */
	__u32 tid;		/* == tgid unless the fd table is the thread's;
				 * the task whose table it is, in any case */
	__u32 uid;		/* its effective uid (of its leader's
				 * objective credentials, as /proc status) */
	__u64 start;		/* the process's start, ns after boot */
	char comm[16];		/* its leader's name, as /proc/PID/stat
				 * shows it (NUL-ended): user space need
				 * not read stat at every refresh */
};

struct porttop_rec_sock {
	__u32 fd;		/* < PORTTOP_REC_MORE; or PORTTOP_REC_MORE */
	__u32 inode;		/* socket inode, as in socket:[N]; for
				 * PORTTOP_REC_MORE the fd to resume at */
	__u64 file;		/* its struct file *, as in the fd slot (the
				 * walk's filter, below) */
};

/* The walk's filter (owners_bpf_filter.c): a bitmap of PORTTOP_FILTER_BITS
 * bits, two set for the struct file of each wanted socket (a Bloom filter);
 * with the filter on, the walk skips every slot whose file has a bit clear
 * without reading the file. The bits of a file pointer, the same for the
 * program and for user space: two fields of a multiplicative hash (the low
 * bits of a slab object's address say little). Two bits rather than one:
 * with 28,000 files in the 2^19 bits, 0.8 % of the other slots are read
 * rather than 5 % (a cache miss each). */
#define PORTTOP_FILTER_SHIFT 19
#define PORTTOP_FILTER_BITS (1U << PORTTOP_FILTER_SHIFT)
#define PORTTOP_FILTER_WORDS (PORTTOP_FILTER_BITS / 64)

static inline __u64 porttop_file_hash(__u64 file)
{
	return file * 0x9e3779b97f4a7c15ULL;
}

/* bit k (0 or 1) of a file's hash h */
static inline __u32 porttop_file_bit(__u64 h, int k)
{
	return (__u32)(h >> (64 - (k + 1) * PORTTOP_FILTER_SHIFT)) &
	       (PORTTOP_FILTER_BITS - 1);
}

/* A call writes at most this many socket records (with its table record
 * and a PORTTOP_REC_MORE well under the seq_file's 32 KiB: a call that
 * overflows an empty buffer fails the read) and walks at most
 * PORTTOP_WALK_WORDS * 64 fd slots. */
#define PORTTOP_WALK_SOCKS 1984
#define PORTTOP_WALK_WORDS 1024

#endif
