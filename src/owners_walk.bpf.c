/* owners_walk.bpf.c - the owner scan in the kernel: an iter/task program
 * that walks each fd table itself and writes a table record and one record
 * per socket file to the iterator's seq_file (owners_bpf_rec.h).
 *
 * The iter/task_file program (owners_iter.bpf.c) is called once per open
 * file and takes a reference on each; this one is called once per task and
 * reads the table under the RCU read lock that the iterator holds around
 * every call, as the kernel's own lookups do: the open_fds bitmap a word at
 * a time (empty words skipped), the file pointers of a word's set bits 32 at
 * a time, and of each file only its f_op (its inode too when it is a
 * socket). A socket's record is written only if, after its fields were
 * read, its slot still holds the same file in the same table (files are
 * freed to a SLAB_TYPESAFE_BY_RCU cache: a file closed meanwhile may be
 * another file by now), as __fget_files_rcu() checks; and a call's records
 * count only if the task still has the same table at its end (see below).
 *
 * Compiled twice: with PORTTOP_WALK_DIRECT (owners_walk_direct.bpf.o), the
 * program loads the files, inodes, slots and bitmap words directly through
 * pointers made by bpf_rdonly_cast() (a kfunc of Linux 6.2+: the kernel
 * refuses this variant where it lacks it), a plain load each, rather than
 * through a bpf_probe_read_kernel() call each; the other (owners_walk.bpf.o)
 * is its fallback. Both read the same fields and write the same records.
 *
 * A call writes and walks only so much (PORTTOP_WALK_SOCKS,
 * PORTTOP_WALK_WORDS): when the seq_file fills up, the call's writes are
 * dropped and the task comes again at the next read, and a call that fills
 * an empty buffer fails the read. A longer table ends its call with a
 * PORTTOP_REC_MORE record; user space then runs continuation passes of that
 * task (resume_tid, resume_fd) until it is done.
 *
 * The filter (filter_on, filter_bits; owners_bpf_filter.c says why it is
 * exact): with it on, a slot whose file pointer has one of its two bits
 * clear is skipped without reading the file (the read of f_op is most of a
 * pass's cost: a cache miss a file); the others are checked as without it.
 *
 * No vmlinux.h: the kernel types are declared in owners_bpf_kern.h with only
 * the fields read, relocated against the running kernel's BTF at load time
 * (CO-RE). */

#include "owners_bpf_kern.h"
#include <bpf/bpf_core_read.h>
#include "owners_bpf_rec.h"

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* a continuation pass: only this task's table, from this fd on; 0: a
 * whole pass */
__u32 resume_tid = 0;
__u32 resume_fd = 0;

/* the filter, set by user space before a pass: on or off, the bits of the
 * wanted sockets' files (porttop_file_bit()); and the slots the last pass
 * skipped by it */
__u32 filter_on = 0;
__u64 filter_bits[PORTTOP_FILTER_WORDS];
__u64 nr_skipped = 0;

/* the state of one call's walk, shared with walk_word() */
struct walk {
	struct seq_file *seq;
	__u64 fd_array;		/* the table's struct file ** */
	__u64 open_fds;		/* its unsigned long * */
	__u32 word;		/* the first bitmap word of this call */
	__u32 nwords;		/* words in the table */
	__u32 next_fd;		/* where a continuation would resume */
	__u32 nsocks;		/* records written */
	__u32 bits;		/* the half word being walked */
	__u32 base;		/* its first fd */
	__u64 nfiles;		/* open files seen */
	__u64 nskipped;		/* of them, skipped by the filter */
	int failed;		/* a write failed: the call is dropped */
};

#ifdef PORTTOP_WALK_DIRECT
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym;

/* p as a pointer to the kernel's type: the verifier turns each load
 * through it into a plain load that reads 0 if it faults */
#define KPTR(type, p)                                                        \
	((type *)bpf_rdonly_cast((void *)(p), bpf_core_type_id_kernel(type)))

/* The 8 bytes at addr (an fd slot, a bitmap word), as a number: the first
 * field of a kernel type that begins with an unsigned long (the verifier
 * wants a type, and a number, not a pointer, to shift and compare). */
static __attribute__((always_inline)) __u64 load8(__u64 addr)
{
	return KPTR(struct rb_node, addr)->__rb_parent_color;
}
#else
static __attribute__((always_inline)) __u64 load8(__u64 addr)
{
	__u64 v = 0;

	if (bpf_probe_read_kernel(&v, sizeof(v), (void *)addr))
		return 0;
	return v;
}
#endif

/* The slots of the half word being walked whose file may be a wanted
 * socket's, in three rounds, each a loop of independent reads (so that
 * the CPU has many of the files' and inodes' cache misses in flight at
 * once, not one after the other): pick_slot() the slots (their pointers,
 * the filter), read_file() each file's f_op and f_inode, take_file() each
 * socket's inode number, the slot read again, the record. Globals, as
 * recs below. */
static __u64 cand_fp[32];	/* struct file * */
static __u64 cand_op[32];	/* its f_op */
static __u64 cand_inode[32];	/* its f_inode */
static __u32 cand_fd[32];
static __u32 ncand;

/* The socket records of the half word being walked, written at its end
 * with one call, and how many. Globals: a reader of this program's
 * iterator at a time (porttop reads it from one thread); the calls' frames
 * stay small; and the verifier does not follow a count kept in a global
 * through each turn of a loop (it would, on the stack: a count that sizes
 * a write must be exact, and the loop's turns would differ). */
static struct porttop_rec_sock recs[32];
static __u32 nrecs;

#ifndef PORTTOP_WALK_DIRECT
/* The file pointers of the half word being walked (the direct variant
 * loads each itself). */
static __u64 slots[32];
#endif

static __attribute__((always_inline)) int filter_has(__u32 bit)
{
	return (filter_bits[(bit / 64) % PORTTOP_FILTER_WORDS] >> (bit % 64)) &
	       1;
}

/* Slot base + i of the half word w->bits covers: a candidate if it holds a
 * file that the filter lets through. */
static long pick_slot(__u32 i, void *data)
{
	struct walk *w = data;
	__u32 fd, j;
	__u64 fp, h;

	i &= 31;	/* the verifier's bound on the index */
	if (!(w->bits & (1U << i)))
		return 0;
	fd = w->base + i;
#ifdef PORTTOP_WALK_DIRECT
	fp = load8(w->fd_array + (__u64)fd * 8);
#else
	fp = slots[i];
#endif
	if (!fp)
		return 0;	/* reserved, not yet installed */
	w->nfiles++;
	if (filter_on) {
		h = porttop_file_hash(fp);
		if (!filter_has(porttop_file_bit(h, 0)) ||
		    !filter_has(porttop_file_bit(h, 1))) {
			w->nskipped++;
			return 0;	/* no wanted socket's file */
		}
	}
	j = ncand & 31;
	cand_fp[j] = fp;
	cand_fd[j] = fd;
	ncand++;
	return 0;
}

/* Candidate j's f_op and f_inode. */
static long read_file(__u32 j, void *data)
{
#ifdef PORTTOP_WALK_DIRECT
	struct file *f;

	j &= 31;
	f = KPTR(struct file, cand_fp[j]);
	cand_op[j] = (__u64)f->f_op;
	cand_inode[j] = (__u64)f->f_inode;
#else
	struct file *f;
	__u64 v = 0;

	j &= 31;
	f = (struct file *)cand_fp[j];
	cand_op[j] = bpf_core_read(&v, sizeof(v), &f->f_op) ? 0 : v;
	v = 0;
	cand_inode[j] = bpf_core_read(&v, sizeof(v), &f->f_inode) ? 0 : v;
#endif
	return 0;
}

/* The first socket met: is the file of operations fop and inode inode a
 * socket? Then every socket file has fop. */
static __attribute__((noinline)) int first_sock(__u64 fop, __u64 ip)
{
	unsigned long magic = 0;
	unsigned short mode = 0;
#ifdef PORTTOP_WALK_DIRECT
	struct inode *inode = KPTR(struct inode, ip);
	struct super_block *sb;

	mode = inode->i_mode;
	sb = inode->i_sb;
	magic = sb ? sb->s_magic : 0;
#else
	struct inode *inode = (struct inode *)ip;
	struct super_block *sb = 0;

	if (bpf_core_read(&mode, sizeof(mode), &inode->i_mode) ||
	    bpf_core_read(&sb, sizeof(sb), &inode->i_sb) || !sb ||
	    bpf_core_read(&magic, sizeof(magic), &sb->s_magic))
		return 0;
#endif
	/* S_IFSOCK alone is not enough: an O_PATH fd of a socket's path on a
	 * file system is no socket (/proc shows the path) */
	if ((mode & S_IFMT) != S_IFSOCK || magic != SOCKFS_MAGIC)
		return 0;
	sock_fops = fop;
	return 1;
}

/* Candidate j: if its file is a socket's, its record, once the slot is
 * seen to hold it still (what was read of the file is the file at fd now;
 * the table is checked to be the task's, the same, at the end of the
 * call). */
static long take_file(__u32 j, void *data)
{
	struct walk *w = data;
	struct porttop_rec_sock *r;
	__u64 fp, ip, i_ino = 0;

	j &= 31;
	ip = cand_inode[j];
	if (!ip)
		return 0;
	if (sock_fops ? cand_op[j] != sock_fops : !first_sock(cand_op[j], ip))
		return 0;
#ifdef PORTTOP_WALK_DIRECT
	i_ino = KPTR(struct inode, ip)->i_ino;
#else
	if (bpf_core_read(&i_ino, sizeof(i_ino),
			  &((struct inode *)ip)->i_ino))
		return 0;
#endif
	fp = cand_fp[j];
	if (load8(w->fd_array + (__u64)cand_fd[j] * 8) != fp)
		return 0;
	r = &recs[nrecs & 31];
	r->fd = cand_fd[j];
	r->inode = (__u32)i_ino;
	r->file = fp;
	nrecs++;
	return 0;
}

/* One word of the open_fds bitmap: the 64 slots it covers. Returns 1 to
 * stop the walk (a cap reached, a write failed). */
static long walk_word(__u32 i, void *data)
{
	struct walk *w = data;
	__u32 word = w->word + i, half;
	__u64 bits = 0;

	if (word >= w->nwords)
		return 1;
	if (w->nsocks > PORTTOP_WALK_SOCKS - 64) {
		w->next_fd = word * 64;
		return 1;
	}
	w->next_fd = (word + 1) * 64;
	bits = load8(w->open_fds + (__u64)word * 8);
	for (half = 0; half < 2; half++) {
		__u32 n;

		w->bits = (__u32)(bits >> (half * 32));
		w->base = word * 64 + half * 32;
		if (!w->bits)
			continue;
#ifndef PORTTOP_WALK_DIRECT
		if (bpf_probe_read_kernel(slots, sizeof(slots),
					  (void *)(w->fd_array +
						   (__u64)w->base * 8)))
			continue;
#endif
		ncand = 0;
		bpf_loop(32, pick_slot, w, 0);
		n = ncand;
		if (!n)
			continue;
		if (n > 32)
			n = 32;
		bpf_loop(n, read_file, w, 0);
		nrecs = 0;
		bpf_loop(n, take_file, w, 0);
		n = nrecs;
		if (!n)
			continue;
		if (n > 32)
			n = 32;
		if (bpf_seq_write(w->seq, recs, n * sizeof(recs[0]))) {
			w->failed = 1;
			return 1;
		}
		w->nsocks += n;
	}
	return 0;
}

SEC("iter/task")
int porttop_walk(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct porttop_rec_table head;
	struct task_struct *leader;
	struct files_struct *files;
	struct fdtable *fdt;
	const struct cred *cred;
	struct walk w = {};
	__u32 first_word, nwords;

	if (!task)
		return 0;
	if (resume_tid && (__u32)task->pid != resume_tid)
		return 0;
	files = task->files;
	if (!files)
		return 0;	/* a kernel thread, or exiting: no table */
	leader = task->group_leader;
	/* a thread that shares its leader's table: walked with the leader,
	 * as the task_file iterator skips it */
	if (task->pid != task->tgid && leader && files == leader->files)
		return 0;
	fdt = files->fdt;
	if (!fdt)
		return 0;
	nwords = fdt->max_fds / 64;
	first_word = resume_tid ? resume_fd / 64 : 0;

	head.tag = resume_tid ? PORTTOP_REC_CONT : PORTTOP_REC_TABLE;
	head.tgid = (__u32)task->tgid;
	head.tid = (__u32)task->pid;
	/* /proc/PID/status shows the leader's objective credentials: the
	 * uid comes with the record, and user space need not read status */
	cred = leader ? leader->real_cred : 0;
	head.uid = cred ? cred->euid.val : (__u32)-1;
	head.start = leader ? leader->start_boottime : 0;
	/* a name that cannot be read: not visited, /proc reads it */
	if (!leader || bpf_core_read(head.comm, sizeof(head.comm),
				     &leader->comm))
		return 0;
	if (bpf_seq_write(ctx->meta->seq, &head, sizeof(head)))
		return 0;

	w.seq = ctx->meta->seq;
	w.fd_array = (__u64)fdt->fd;
	w.open_fds = (__u64)fdt->open_fds;
	w.word = first_word;
	w.nwords = nwords;
	w.next_fd = first_word * 64;
	if (first_word < nwords)
		bpf_loop(PORTTOP_WALK_WORDS, walk_word, &w, 0);
	if (w.failed)
		return 0;	/* dropped: the task comes again */
	if (w.next_fd / 64 < nwords) {
		struct porttop_rec_sock more = {
			.fd = PORTTOP_REC_MORE,
			.inode = w.next_fd,
			.file = 0,
		};

		if (bpf_seq_write(ctx->meta->seq, &more, sizeof(more)))
			return 0;
	}
	/* The table went (exit_files() frees it at once, not after an RCU
	 * grace period) or was replaced (exec, unshare) under the walk: what
	 * was read of it may be of freed memory. Or its fd array was replaced
	 * by a larger one (expand_fdtable(): the old one, freed after a grace
	 * period, stays as it was, and a slot read in it again may hold a
	 * file closed since). The call's writes are then dropped and the task
	 * comes again (1: "retry the same object"), without a table or with
	 * its new one. Still the task's table and its array at the end: they
	 * were, throughout (neither comes back: the task held the table
	 * alive, and the old array is not freed while the iterator holds the
	 * RCU read lock), so every slot read again was the task's slot. */
	if (task->files != files || files->fdt != fdt)
		return 1;
	/* the call's records are all written: count it */
	nr_files += w.nfiles;
	nr_skipped += w.nskipped;
	if (!resume_tid)
		nr_tables++;
	return 0;
}
