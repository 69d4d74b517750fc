/* owners_bpf.h - the owner scan in the kernel: a BPF iterator finds the
 * socket fds, /proc gives the facts of their holders only */
#ifndef PORTTOP_OWNERS_BPF_H
#define PORTTOP_OWNERS_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ownerstat.h"	/* enum owner_scan */

struct owners;

/* The kernel BTF that the BPF scan needs (CONFIG_DEBUG_INFO_BTF). */
#define OWNERS_BTF_PATH "/sys/kernel/btf/vmlinux"

/* Choose how o finds fds. BPF loads the program now: on failure it returns
 * -errno (-ENOTSUP for a missing requirement) and a static N_() reason
 * naming what is missing in *why. AUTO uses BPF if it loads and /proc
 * otherwise (returns 0). btf is the kernel BTF file to require (NULL:
 * OWNERS_BTF_PATH; tests point it elsewhere). */
int owners_set_scan(struct owners *o, enum owner_scan how, const char *btf,
		    const char **why);

/* One scan only (true) or refreshes (false, the default): decides which BPF
 * program owners_set_scan() loads first. The walk's passes cost a sixth of
 * the iter/task_file program's, but the kernel takes ~12 ms more to verify
 * it (bench/results-latest.txt): a single scan of a host of fewer than
 * ~32,000 open files (/proc/sys/fs/file-nr) would pay more for the load
 * than the pass saves, and loads iter/task_file first. Call it before
 * owners_set_scan(). */
void owners_set_once(struct owners *o, bool once);

/* owners_set_scan() for the command line: under auto, a proc root other
 * than /proc (a test's fixture tree) or a pid namespace other than the
 * initial one is scanned through /proc, and bpf is refused there (-EINVAL);
 * a failure is put in err as one line for the user. Returns 0 or -errno. */
int owners_choose_scan(struct owners *o, enum owner_scan how, const char *btf,
		       const char *proc_root, char *err, size_t errlen);

/* True if o finds fds with the BPF iterator. */
bool owners_bpf_active(const struct owners *o);

/* The BPF program o finds fds with: "iter/task" (the walk of each fd
 * table), "iter/task_file" (its fallback, where the kernel refuses the
 * walk), or NULL: /proc. Static. */
const char *owners_bpf_program(const struct owners *o);

/* Parse "auto", "bpf" or "proc". False if s is none of them. */
bool owner_scan_parse(const char *s, enum owner_scan *out);

/* owners.c's hook: a full scan by the BPF iterator, with the facts of the
 * holders read from /proc. Returns 0 or -errno. */
int owners_bpf_full_scan(struct owners *o, const uint32_t *inodes, size_t n);

/* The netlink cookies of the sockets that the next scan of o looks for,
 * cookies[i] of its inodes[i] (copied): with them, a refresh by the BPF
 * walk reads only the fd slots that may hold a wanted socket's file, once
 * it has seen them all (owners_bpf_filter.c). Without them, every slot. */
void owners_set_cookies(struct owners *o, const uint64_t *cookies, size_t n);

/* The fd slots the last BPF pass skipped without reading their files. */
uint64_t owners_bpf_skipped(const struct owners *o);

/* The network namespaces besides porttop's own (open fds, borrowed until
 * the next scan of o returns; -1: not opened, skipped) whose sockets the
 * next scan looks for (-N): a socket's own check (owners_kernel()) asks
 * them too, entering each with run (nsrun(): run fn on a thread in the
 * namespace netns_fd, returning what fn returned or -errno). */
void owners_set_netns(struct owners *o, const int *fds, size_t n,
		      int (*run)(int netns_fd, int (*fn)(void *arg),
				 void *arg));

/* True if the last BPF scan of o found socket inode with no struct file:
 * the kernel's own socket, which no process can hold (owners_bpf_sock.c).
 * False where it does not know, and for every /proc scan. */
bool owners_kernel(const struct owners *o, uint32_t inode);

/* Unload the program, if any (owners_free() calls it). */
void owners_bpf_release(struct owners *o);

#endif
