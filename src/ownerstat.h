/* ownerstat.h - why a socket has the holders it has: plain facts in, one
 * status out. No /proc and no struct owners here, so that the model (and
 * the tests) can decide from a plain snapshot. */
#ifndef PORTTOP_OWNERSTAT_H
#define PORTTOP_OWNERSTAT_H

#include <stdbool.h>
#include <stddef.h>

/* How the owner scan finds the fds (--owner-scan): a plain choice, so that
 * a scan request can carry it without the owner scan's header. */
enum owner_scan {
	OWNER_SCAN_AUTO,	/* BPF when it can, else /proc, silently */
	OWNER_SCAN_BPF,		/* BPF, or fail saying why not */
	OWNER_SCAN_PROC,	/* /proc/PID/fd of every process */
};

/* What is known of a socket's holders. */
enum owner_status {
	OWNER_OK,		/* holders listed, and every process was read */
	OWNER_PARTIAL,		/* holders listed, but some processes could
				 * not be read: there may be more */
	OWNER_PERMISSION,	/* no holder seen; processes we may not read */
	OWNER_HIDDEN,		/* no holder seen; /proc hides processes
				 * (hidepid, or a pid namespace of our own) */
	OWNER_UNREAD,		/* no holder seen; processes not read for
				 * another reason (out of fds, memory) */
	OWNER_EXITED,		/* its holder went away during the scan */
	OWNER_CLOSED,		/* the socket was closed during the scan */
	OWNER_NONE,		/* every process was read: nobody holds it */
	OWNER_KERNEL,		/* the socket has no file: the kernel's own,
				 * no process can hold it (BPF scan only) */
};

#define OWNER_ERRS_MAX 6

/* Reads that failed during an owner scan, counted by errno. */
struct owner_failures {
	size_t procs;		/* processes whose fds were not all read */
	size_t denied;		/* of those: refused (EACCES or EPERM) */
	size_t dirs;		/* fd or task directories not opened */
	size_t links;		/* fd links not read */
	size_t unvisited;	/* of procs: skipped by the BPF iterator,
				 * and /proc could not read them either */
	int pid;		/* the first process not fully read; 0 */
	size_t nerrs;
	struct {
		int err;	/* a positive errno */
		size_t count;	/* failed reads with it */
	} errs[OWNER_ERRS_MAX];	/* the first distinct errnos met */
};

/* What an owner scan found for one socket. */
struct owner_facts {
	size_t nholders;	/* holders found */
	size_t unread;		/* processes whose fds were not all read */
	size_t denied;		/* of those, refused by permission */
	bool hidepid;		/* /proc hides other users' processes */
	bool other_pidns;	/* porttop sees only its own pid namespace */
	bool closed;		/* a dump after the scan no longer has it */
	bool holder_exited;	/* a process known to hold it has exited */
	bool kernel;		/* it has no struct file: the kernel's */
};

/* The status of a socket with facts f. "none" only when every process was
 * read; holders found while some process was not read are "partial". */
enum owner_status owner_status_decide(const struct owner_facts *f);

/* True if the holders of a socket with status st are unknown or may be
 * incomplete because some process could not be read (a fix exists). */
bool owner_status_uncertain(enum owner_status st);

/* True if every holder of the socket is listed ("ok"), or it has none
 * ("none", "kernel"): JSON owners_complete. */
bool owner_status_complete(enum owner_status st);

/* The stable name of a status ("permission"...), for JSON and text. */
const char *owner_status_name(enum owner_status st);

/* The length of the argv elements in /proc/PID/cmdline text, each with
 * its NUL: an empty last element ("a\0\0") is kept, but a long run of NULs
 * at the end is the padding of a rewritten title, not empty elements. */
size_t owner_argv_len(const char *cmdline, size_t len);

/* Count one failed read with errno err (positive) in f. */
void owner_failures_add(struct owner_failures *f, int err, size_t count);

/* Add the counters of src to dst. */
void owner_failures_merge(struct owner_failures *dst,
			  const struct owner_failures *src);

#endif
