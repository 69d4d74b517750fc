/* owners_iter.bpf.c - the owner scan in the kernel, the fallback where the
 * iter/task walk (owners_walk.bpf.c) does not load: an iter/task_file
 * program that visits every open file of every fd table and writes a table
 * record per table and one record per socket file to the iterator's
 * seq_file (owners_bpf_rec.h).
 *
 * No vmlinux.h: the kernel types are declared in owners_bpf_kern.h with only
 * the fields read, relocated against the running kernel's BTF at load time
 * (CO-RE). */

#include "owners_bpf_kern.h"
#include "owners_bpf_rec.h"

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

/* the task of the last file; user space zeroes it before a pass */
int last_pid = 0;

SEC("iter/task_file")
int porttop_sockets(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct task_struct *leader;
	struct porttop_rec_sock rec;
	const struct cred *cred;
	struct inode *inode;
	int first;

	if (!task || !file)
		return 0;
	leader = task->group_leader;
	/* When the seq_file fills up, what this call wrote is dropped and
	 * the same file comes again in the next read: so the state below
	 * changes only once every record of the call is written. */
	first = task->pid != last_pid;
	if (first) {
		struct porttop_rec_table head;

		/* one record per table entered: which processes were seen,
		 * and the facts of the socket records that follow */
		head.tag = PORTTOP_REC_TABLE;
		head.tgid = (__u32)task->tgid;
		/* the iterator skips threads that share the leader's
		 * table, so a table that is not the leader's is the
		 * thread's own */
		head.tid = leader && task->files == leader->files ?
				   head.tgid : (__u32)task->pid;
		/* /proc/PID/status shows the leader's objective
		 * credentials: the uid comes with the record, and user
		 * space need not read status */
		cred = leader ? leader->real_cred : 0;
		head.uid = cred ? cred->euid.val : (__u32)-1;
		head.start = leader ? leader->start_boottime : 0;
		/* a name that cannot be read: not visited, /proc reads it */
		if (!leader || bpf_probe_read_kernel(head.comm,
						     sizeof(head.comm),
						     leader->comm))
			return 0;
		if (bpf_seq_write(seq, &head, sizeof(head)))
			return 0;
	}
	inode = file->f_inode;
	if (sock_fops) {
		if ((__u64)file->f_op != sock_fops || !inode)
			goto done;
	} else {
		struct super_block *sb;

		/* S_IFSOCK alone is not enough: an O_PATH fd of a socket's
		 * path on a file system is no socket (/proc shows the path) */
		if (!inode || (inode->i_mode & S_IFMT) != S_IFSOCK)
			goto done;
		sb = inode->i_sb;
		if (!sb || sb->s_magic != SOCKFS_MAGIC)
			goto done;
		sock_fops = (__u64)file->f_op;
	}
	rec.fd = ctx->fd;
	rec.inode = (__u32)inode->i_ino;
	rec.file = (__u64)file;
	if (bpf_seq_write(seq, &rec, sizeof(rec)))
		return 0;
done:
	nr_files++;
	if (first) {
		last_pid = task->pid;
		nr_tables++;
	}
	return 0;
}
