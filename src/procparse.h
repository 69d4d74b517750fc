/* procparse.h - pure parsers for /proc records (testable and fuzzable) */
#ifndef PORTTOP_PROCPARSE_H
#define PORTTOP_PROCPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fields porttop needs from /proc/PID/stat. */
struct proc_stat {
	char comm[64];		/* the name between the parentheses, NUL-ended;
				 * may hold any byte the process chose */
	size_t comm_len;
	char state;
	int ppid;
	unsigned long long flags;	/* PF_*: PROCPARSE_PF_KTHREAD */
	unsigned long long start_time;	/* clock ticks after boot */
};

/* A kernel thread: it has no fd table (the kernel's PF_KTHREAD). */
#define PROCPARSE_PF_KTHREAD 0x00200000ULL

/* Parse a /proc/PID/stat line. The name may contain ')' and spaces, so the
 * fields are found after the last ')'. Returns true on success. */
bool procparse_stat(const char *buf, size_t len, struct proc_stat *st);

/* Parse a /proc/PID/fd link text "socket:[12345]". Returns true and sets
 * *inode for a socket, false for anything else. */
bool procparse_socket_link(const char *buf, size_t len, uint32_t *inode);

/* Find the effective uid in /proc/PID/status text ("Uid:\tR\tE\tS\tF").
 * Returns true and sets *uid. */
bool procparse_status_uid(const char *buf, size_t len, uint32_t *uid);

/* Find the cgroup v2 path ("0::/path") in /proc/PID/cgroup text. Returns a
 * pointer into buf and its length in *plen, or NULL when there is none. */
const char *procparse_cgroup_v2(const char *buf, size_t len, size_t *plen);

/* Parse a decimal pid-like name (only digits, no sign, fits in int).
 * Returns the number or -1. */
int procparse_pid(const char *name);

#endif
