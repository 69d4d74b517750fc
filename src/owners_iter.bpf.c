/* owners_iter.bpf.c - the owner scan in the kernel, the fallback where the
 * iter/task walk (owners_walk.bpf.c) does not load: an iter/task_file
 * program that visits every open file of every fd table and writes a table
 * record per table and one record per socket file to the iterator's
 * seq_file (owners_bpf_rec.h).
 *
 * No vmlinux.h: the few kernel types used are declared here with only the
 * fields read, marked preserve_access_index, so that every field access is
 * relocated against the running kernel's BTF at load time (CO-RE; the light
 * skeleton's loader program has the kernel do it). The build thus needs
 * neither the build machine's BTF nor its kernel headers. */

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#include <bpf/bpf_helpers.h>

#include "owners_bpf_rec.h"

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define SOCKFS_MAGIC 0x534F434B

struct super_block {
	unsigned long s_magic;
} __attribute__((preserve_access_index));

struct inode {
	unsigned short i_mode;
	struct super_block *i_sb;
	unsigned long i_ino;
} __attribute__((preserve_access_index));

struct file {
	const void *f_op;
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct files_struct;

typedef struct {
	__u32 val;
} kuid_t;

struct cred {
	kuid_t euid;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *group_leader;
	struct files_struct *files;
	__u64 start_boottime;
	const struct cred *real_cred;
} __attribute__((preserve_access_index));

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

char LICENSE[] SEC("license") = "GPL";

/* what the last pass saw; user space reads them after the iterator's end */
__u64 nr_files = 0;
__u64 nr_tables = 0;
/* the task of the last file; user space zeroes it before a pass */
int last_pid = 0;
/* every socket file has the same file operations (socket_file_ops): once
 * one socket is seen, other files are told apart without their inode */
static __u64 sock_fops;

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
