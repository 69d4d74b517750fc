/* owners_priv.h - what owners.c and owners_refresh.c share; not a public
 * interface: the rest of porttop uses owners.h */
#ifndef PORTTOP_OWNERS_PRIV_H
#define PORTTOP_OWNERS_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "clock.h"
#include "inoset.h"
#include "owners.h"
#include "procparse.h"

#define DENTS_BUF 32768
#define PID_CHUNK 8
#define MAX_THREADS 16

/* The holders of one wanted inode (owners.keys[i] is its inode). */
struct slot {
	uint32_t start;		/* first holder in owners.holders */
	uint32_t count;
};

/* One socket fd of a process, as the last scan of it saw it. */
struct sockfd {
	uint32_t inode;
	int fd;
	int tid;
};

/* What the last scan learned of one process: enough to tell next time
 * whether it must be read again. */
struct pentry {
	int pid;
	uint32_t nfds;		/* st_size of its fd directory: open fds */
	uint32_t first;		/* its socket fds in sockfds[] */
	uint32_t count;
	unsigned long long start_time;	/* clock ticks after boot: the
					 * same process */
	uint32_t comm_hash;	/* of its name: the same program */
};

/* The /proc files of a holder of the BPF scan, kept open across refreshes
 * (owners_facts.c): opened once, read again at each refresh. */
struct facts_ent {
	int pid;
	int cmdline;		/* fds of its cmdline and cgroup files */
	int cgroup;
	unsigned long long start;	/* clock ticks after boot */
};

struct facts_cache {
	struct facts_ent *v;	/* the last scan's, by pid */
	size_t n, cap;
	struct facts_ent *next;	/* this scan's, by pid */
	size_t nnext, cap_next;
	size_t pos;		/* the first of v this scan has not met */
	size_t max;		/* entries at most in this scan */
	size_t cut;		/* entries at most since the fds ran out
				 * (EMFILE, ENFILE), if has_cut */
	bool has_cut;
	bool active;		/* between begin and end */
};

struct owners {
	int proc_fd;
	uid_t euid;
	long long boot_time;	/* seconds since the epoch; 0 unknown */
	bool hidepid;
	bool other_pidns;	/* see owners_stats */
	/* the wanted inodes: open addressing, kept between scans; the keys
	 * apart from their slots, so that a probe of the 100,000s of socket
	 * fds of a BPF pass touches 4 bytes a slot */
	uint32_t *keys;		/* 0: empty */
	struct slot *table;	/* table[i] is of keys[i] */
	size_t mask;		/* table size - 1; size is a power of two;
				 * 0: no table */
	size_t cap_table;	/* slots allocated */
	struct holder *holders;
	size_t nholders;
	struct proc_info *procs;
	size_t nprocs;
	struct owners_stats stats;
	/* the cache that incremental refreshes start from */
	struct pentry *cache;	/* sorted by pid */
	size_t ncache;
	struct sockfd *sockfds;
	size_t nsockfds;
	bool have_cache;
	bool caching;		/* learn every socket fd, for owners_refresh */
	bool size_ok;		/* the kernel counts fds in st_size (6.2+) */
	double last_full;	/* monotonic seconds of the last full scan */
	struct inoset orphans;	/* wanted, but no holder was found */
	struct inoset unexplained; /* wanted, no holder at the last
				    * incremental refresh, not an orphan */
	double full_period;	/* most seconds between full scans */
	double full_share;	/* a refresh is a full scan while the last
				 * one cost at most this share of the time
				 * between refreshes in CPU time, else
				 * full scans are spaced to cost at most
				 * this share of one CPU; 0: never */
	double full_cpu;	/* CPU seconds of the last full /proc scan */
	double last_refresh;	/* monotonic seconds of the last refresh */
	struct owners_bpf *bpf;	/* the BPF fd scan, or NULL: /proc */
	bool once;		/* one scan only: the BPF program that loads
				 * fastest, not the one whose passes are */
	struct facts_cache facts;	/* the BPF scan's holders' files */
};

#define FULL_PERIOD_DEFAULT 30.0
/* A full /proc scan costing up to 5 % of the time between refreshes in CPU
 * time is done at every refresh: no incremental gap on hosts of a few
 * hundred processes at the default interval of 2 s (100 ms of CPU). */
#define FULL_SHARE_DEFAULT 0.05

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct worker {
	struct owners *o;
	const int *pids;
	size_t npids;
	atomic_size_t *next;
	struct holder *holders;
	size_t nholders, cap_holders;
	struct proc_info *procs;
	size_t nprocs, cap_procs;
	struct pentry *pents;
	size_t npents, cap_pents;
	struct sockfd *sfds;
	size_t nsfds, cap_sfds;
	bool size_seen;		/* some fd directory had a non-zero size */
	double cpu;		/* CPU seconds this worker's thread spent */
	bool bad;		/* the current process was not fully read */
	bool bad_denied;	/* ... because a read was refused */
	struct owners_stats stats;
	char dents[DENTS_BUF];
};

/* owners.c: the scan */
void owners_procs_release(struct proc_info *p, size_t n);
void owners_reset(struct owners *o);
/* Start a new result: no holders, zeroed counters, the n wanted inodes
 * filed. The caller has taken away what it keeps of the last one. */
void owners_begin(struct owners *o, const uint32_t *inodes, size_t n);
void owners_table_build(struct owners *o, const uint32_t *inodes, size_t n);
struct slot *owners_table_find(const struct owners *o, uint32_t inode);
/* Read a small file relative to dirfd: up to cap bytes, or -errno. */
ssize_t owners_read_at(int dirfd, const char *name, char *buf, size_t cap);
/* Read and parse the stat file of the process whose directory is pdir:
 * 0, -ESRCH if it is gone, or another -errno. */
int owners_read_stat(int pdir, struct proc_stat *st);
/* The facts of a holding process into p, from its stat file (already read
 * into st) and its directory pdir: 0, -ESRCH if it is gone or its start
 * time is not start (the pid is another process's now; start 0: any), or
 * another -errno. uid is its effective uid when the caller knows it (the
 * BPF scan), else OWNERS_UID_UNKNOWN: then it is read from status. On
 * failure p holds nothing to free. */
int owners_read_facts(int pdir, int pid, const struct proc_stat *st,
		      unsigned long long start, uint32_t uid,
		      struct proc_info *p);
#define OWNERS_UID_UNKNOWN UINT32_MAX
/* The facts of the holders of one BPF scan (owners_facts.c), read through
 * files kept open since an earlier scan where it can: begin, then
 * owners_facts_held() for each holding process in increasing pid order,
 * then end, which closes the files of the processes not met (they hold no
 * wanted socket now, or are gone). */
void owners_facts_begin(struct owners *o);
/* The facts of process pid, which the iterator saw with start time start
 * (clock ticks after boot), name comm (NUL-ended, 16 bytes at most) and
 * effective uid uid, into p: 0; -ESTALE if the pid is another process's
 * now (its start time differs); another -errno if it cannot be read (gone,
 * hidden or refused: the caller asks the kernel which). On failure p holds
 * nothing to free. */
int owners_facts_held(struct owners *o, int pid, unsigned long long start,
		      const char *comm, uint32_t uid, struct proc_info *p);
void owners_facts_end(struct owners *o);
/* Close every file the cache holds. */
void owners_facts_release(struct owners *o);
/* A hash of the process name in st: the same program. */
uint32_t owners_comm_hash(const struct proc_stat *st);
/* Count a read of the current process that failed with err (positive): it
 * is not fully read. dir: a directory, else an fd link. */
void owners_fail(struct worker *w, int err, bool dir);
void owners_push_holder(struct worker *w, uint32_t inode, int pid, int tid,
			int fd);
int owners_list_pids(int proc_fd, int **out, size_t *n);
/* Scan pids over the cores and merge with keep (may be NULL). Returns the
 * CPU seconds of the helper threads (the caller's own are its to count). */
double owners_scan_pids(struct owners *o, const int *pids, size_t npids,
		      unsigned threads, struct worker *keep);
int owners_full_scan(struct owners *o, const uint32_t *inodes, size_t n,
		     unsigned threads);
/* CPU seconds of the calling thread. */
double owners_thread_cpu(void);
int owners_cmp_pentry(const void *a, const void *b);

/* owners_refresh.c: the cache */
void owners_remember_orphans(struct owners *o, const uint32_t *inodes,
			     size_t n);
bool owners_missing_holders(struct owners *o, const uint32_t *inodes,
			    size_t n);

#endif
