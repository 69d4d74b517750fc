/* owners_bpf_kern.h - the kernel types that the BPF owner programs
 * (owners_walk.bpf.c, owners_iter.bpf.c) read, and their common globals:
 * for BPF only.
 *
 * No vmlinux.h: each type is declared with only the fields read, marked
 * preserve_access_index, so that every field access is relocated against
 * the running kernel's BTF at load time (CO-RE; the light skeleton's loader
 * program has the kernel do it). The build thus needs neither the build
 * machine's BTF nor its kernel headers. */
#ifndef PORTTOP_OWNERS_BPF_KERN_H
#define PORTTOP_OWNERS_BPF_KERN_H

#include "owners_bpf_types.h"

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define SOCKFS_MAGIC 0x534F434B

/* the direct walk reads an 8-byte word (a slot, a bitmap word) as the
 * first field of this: a kernel type that begins with one, a number */
struct rb_node {
	unsigned long __rb_parent_color;
} __attribute__((preserve_access_index));

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

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *open_fds;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

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
	char comm[16];
} __attribute__((preserve_access_index));

/* Each program includes this header once: its license and the globals
 * that both have. */
char LICENSE[] SEC("license") = "GPL";

/* what the last pass saw; user space reads them after the iterator's end */
__u64 nr_files = 0;
__u64 nr_tables = 0;
/* every socket file has the same file operations (socket_file_ops): once
 * one socket is seen, other files are told apart without their inode */
static __u64 sock_fops;

#endif
