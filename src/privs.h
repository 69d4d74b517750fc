/* privs.h - what porttop itself may see: its capabilities, user and pid
 * namespaces, read from /proc/self (pure parsers for the tests) */
#ifndef PORTTOP_PRIVS_H
#define PORTTOP_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The inode numbers the kernel gives its initial namespaces. */
#define PRIVS_INIT_PID_NS 0xEFFFFFFCU
#define PRIVS_INIT_USER_NS 0xEFFFFFFDU

struct privs {
	uint32_t euid;
	bool caps_known;	/* cap_eff was read */
	uint64_t cap_eff;	/* effective capabilities (CapEff) */
	bool userns;		/* in a user namespace below the initial one */
	bool pidns_child;	/* in a pid namespace below the initial one */
	bool proc_foreign;	/* the /proc read is another pid namespace's:
				 * its pids are not porttop's */
};

/* Read what porttop may see from proc_root/self (and its mount). Fields
 * that cannot be read stay false. */
void privs_read(const char *proc_root, struct privs *pv);

/* Raise the soft RLIMIT_NOFILE towards want, never past the hard limit
 * (no privilege needed): a refresh keeps two /proc files open for each
 * holder, and the /proc scan's workers hold a directory each, where a
 * default soft limit of 1,024 would leave most of them to be opened
 * again at every refresh. porttop uses no select(). */
void privs_raise_nofile(unsigned long want);

/* True if the effective set (when known) has capability cap. */
bool privs_has(const struct privs *pv, int cap);

/* Parse "CapEff:\t000001ffffffffff" in /proc/PID/status text. */
bool privs_parse_capeff(const char *buf, size_t len, uint64_t *caps);

/* Parse "Pid:\tN" in /proc/PID/status text. */
bool privs_parse_pid(const char *buf, size_t len, int *pid);

/* True if /proc/PID/uid_map text maps every uid to itself: the initial
 * user namespace. */
bool privs_parse_uid_map_full(const char *buf, size_t len);

#endif
