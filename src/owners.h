/* owners.h - which processes hold which sockets: a fast /proc fd scan */
#ifndef PORTTOP_OWNERS_H
#define PORTTOP_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ownerstat.h"
#include "snapshot.h"

struct owners;

/* struct proc_info and struct holder are plain records of snapshot.h. */

/* Counters of the last scan. */
struct owners_stats {
	size_t procs;		/* processes looked at */
	size_t fds;		/* fd links read */
	struct owner_failures unread;	/* processes not fully read, and
					 * why (EACCES, EMFILE...) */
	size_t vanished;	/* processes that exited during the scan */
	bool hidepid;		/* /proc hides other users' processes from
				 * us (mounted with hidepid, and not root) */
	bool other_pidns;	/* porttop runs in a pid namespace below the
				 * initial one: processes outside are unseen */
	bool full;		/* every process was read (not incremental) */
	size_t rescanned;	/* incremental: processes read again */
	bool incremental;	/* owners_refresh() started from its cache:
				 * a holder may be missed (see COST) */
	double full_age;	/* incremental: seconds since the last full
				 * scan; 0 otherwise */
	size_t facts_kept;	/* BPF: holders whose facts were read through
				 * files kept open since an earlier scan */
};

#define OWNERS_CMDLINE_MAX (256 * 1024)

/* Prepare scans of the proc tree at proc_root ("/proc" normally; another
 * directory for tests). Returns NULL with errno set; caller frees with
 * owners_free(). */
struct owners *owners_new(const char *proc_root);
void owners_free(struct owners *o);

/* Find every holder of the n sockets in inodes (duplicates allowed), over
 * all processes, with up to "threads" threads (0: one per core). Replaces
 * the previous result. Returns 0 or -errno (the proc root is unreadable). */
int owners_scan(struct owners *o, const uint32_t *inodes, size_t n,
		unsigned threads);

/* Like owners_scan(), but when the last full scan cost more CPU time than
 * a share (owners_set_full_share()) of the time since the last refresh,
 * start from what it learned: only new processes, those whose number of
 * open fds, start time or name changed, and those where an fd that held a
 * wanted socket no longer holds it are read again; holders of the others
 * come from the cache. It scans everything again once the last full
 * scan's CPU time / share seconds have passed (full scans take at most
 * that share of one CPU), and at least every full_period seconds
 * (owners_set_full_period(), default 30). Returns 0 or -errno. */
int owners_refresh(struct owners *o, const uint32_t *inodes, size_t n,
		   unsigned threads);

/* The most seconds between full scans in owners_refresh(). */
void owners_set_full_period(struct owners *o, double seconds);

/* The share of the time between refreshes that a full scan may cost in
 * CPU time and still be done at every refresh, and of one CPU that full
 * scans may take when they are spaced (default 0.05; 0: only every
 * full_period; the environment's PORTTOP_REFRESH=incremental sets 0 in
 * owners_new()). */
void owners_set_full_share(struct owners *o, double share);

/* The holders of inode, sorted by pid, tid and fd: *out is borrowed until
 * the next scan. Returns how many. */
size_t owners_lookup(const struct owners *o, uint32_t inode,
		     const struct holder **out);

/* The process at idx (from struct holder); borrowed until the next scan. */
const struct proc_info *owners_proc(const struct owners *o, uint32_t idx);

/* When process p started (seconds since the epoch), or 0 if unknown. */
time_t owners_start_time(const struct owners *o, const struct proc_info *p);

/* Counters of the last scan; borrowed. */
const struct owners_stats *owners_stats(const struct owners *o);

/* What the last scan found for inode, for owner_status_decide(): its
 * holders and the processes that were not fully read. */
void owners_facts(const struct owners *o, uint32_t inode,
		  struct owner_facts *f);

#endif
