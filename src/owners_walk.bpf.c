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
 * A call writes and walks only so much (PORTTOP_WALK_SOCKS,
 * PORTTOP_WALK_WORDS): when the seq_file fills up, the call's writes are
 * dropped and the task comes again at the next read, and a call that fills
 * an empty buffer fails the read. A longer table ends its call with a
 * PORTTOP_REC_MORE record; user space then runs continuation passes of that
 * task (resume_tid, resume_fd) until it is done.
 *
 * The filter (filter_on, filter_bits; owners_bpf_filter.c says why it is
 * exact): with it on, a slot whose file pointer's bit is clear is skipped
 * without reading the file (the read of f_op is most of a pass's cost: a
 * cache miss a file); a set bit is checked as without it.
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
	__u64 files;		/* struct files_struct * */
	__u64 fdt;		/* struct fdtable * of the walk */
	__u64 fd_array;		/* its struct file ** */
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

/* Is the file at fp (a pointer read from the table) a socket? Its inode
 * number into *ino if so. */
static __attribute__((noinline)) int sock_inode(__u64 fp, __u32 *ino)
{
	struct file *f = (struct file *)fp;
	struct inode *inode = 0;
	unsigned long i_ino = 0;
	__u64 fop = 0;

	if (bpf_core_read(&fop, sizeof(fop), &f->f_op))
		return 0;
	if (sock_fops && fop != sock_fops)
		return 0;
	if (bpf_core_read(&inode, sizeof(inode), &f->f_inode) || !inode)
		return 0;
	if (!sock_fops) {
		struct super_block *sb = 0;
		unsigned long magic = 0;
		unsigned short mode = 0;

		/* S_IFSOCK alone is not enough: an O_PATH fd of a socket's
		 * path on a file system is no socket (/proc shows the path) */
		if (bpf_core_read(&mode, sizeof(mode), &inode->i_mode) ||
		    (mode & S_IFMT) != S_IFSOCK)
			return 0;
		if (bpf_core_read(&sb, sizeof(sb), &inode->i_sb) || !sb ||
		    bpf_core_read(&magic, sizeof(magic), &sb->s_magic) ||
		    magic != SOCKFS_MAGIC)
			return 0;
		sock_fops = fop;
	}
	if (bpf_core_read(&i_ino, sizeof(i_ino), &inode->i_ino))
		return 0;
	*ino = (__u32)i_ino;
	return 1;
}

/* The slot fd of the walk's table still holds fp, and the table is still
 * the task's: what was read of fp is the file at fd now. */
static int still_there(struct walk *w, __u32 fd, __u64 fp)
{
	struct files_struct *files = (struct files_struct *)w->files;
	__u64 now = 0, fdt = 0;

	if (bpf_probe_read_kernel(&now, sizeof(now),
				  (void *)(w->fd_array + (__u64)fd * 8)))
		return 0;
	if (bpf_core_read(&fdt, sizeof(fdt), &files->fdt))
		return 0;
	return now == fp && fdt == w->fdt;
}

/* The file pointers of the half word being walked: a reader of this
 * program's iterator at a time (porttop reads it from one thread), and
 * global so that the calls' frames stay small. */
static __u64 slots[32];

/* Slot base + i of the half word w->bits covers. Returns 1 to stop the
 * walk (a write failed). */
static long walk_slot(__u32 i, void *data)
{
	struct walk *w = data;
	struct porttop_rec_sock rec;
	__u32 ino = 0, bit;
	__u64 fp;

	i &= 31;	/* the verifier's bound on the index */
	if (!(w->bits & (1U << i)))
		return 0;
	fp = slots[i];
	if (!fp)
		return 0;	/* reserved, not yet installed */
	w->nfiles++;
	if (filter_on) {
		bit = porttop_file_bit(fp);
		if (!(filter_bits[(bit / 64) % PORTTOP_FILTER_WORDS] &
		      (1ULL << (bit % 64)))) {
			w->nskipped++;
			return 0;	/* no wanted socket's file */
		}
	}
	if (!sock_inode(fp, &ino) || !still_there(w, w->base + i, fp))
		return 0;
	rec.fd = w->base + i;
	rec.inode = ino;
	rec.file = fp;
	if (bpf_seq_write(w->seq, &rec, sizeof(rec))) {
		w->failed = 1;
		return 1;
	}
	w->nsocks++;
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
	if (bpf_probe_read_kernel(&bits, sizeof(bits),
				  (void *)(w->open_fds + (__u64)word * 8)))
		return 0;
	for (half = 0; half < 2; half++) {
		w->bits = (__u32)(bits >> (half * 32));
		w->base = word * 64 + half * 32;
		if (!w->bits)
			continue;
		if (bpf_probe_read_kernel(slots, sizeof(slots),
					  (void *)(w->fd_array +
						   (__u64)w->base * 8)))
			continue;
		bpf_loop(32, walk_slot, w, 0);
		if (w->failed)
			return 1;
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
	w.files = (__u64)files;
	w.fdt = (__u64)fdt;
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
	 * was read of it may be of freed memory. The call's writes are then
	 * dropped and the task comes again (1: "retry the same object"),
	 * without a table or with its new one. Still the task's table at the
	 * end: the task held it, alive, throughout. */
	if (task->files != files)
		return 1;
	/* the call's records are all written: count it */
	nr_files += w.nfiles;
	nr_skipped += w.nskipped;
	if (!resume_tid)
		nr_tables++;
	return 0;
}
