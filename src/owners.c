/* owners.c - which processes hold which sockets: a fast /proc fd scan
 *
 * The scan is the expensive part of porttop, so it does the least work per
 * fd that it can: getdents64 on the fd directory, then one readlinkat per
 * entry relative to that directory's fd (no path building, no stdio, no
 * xattr probing), and an open-addressing hash of the wanted inodes that
 * costs O(1) per socket fd. Process facts are read only for the processes
 * that hold a wanted socket. The pid list is shared out over the cores. */
#include "config.h"
#include "owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "fileio.h"
#include "inoset.h"
#include "mountinfo.h"
#include "owners_bpf.h"
#include "owners_priv.h"
#include "privs.h"
#include "procparse.h"
#include "xalloc.h"


static bool hidepid_mounted(const char *proc_root)
{
	struct mount_entry e;
	const char *opt;

	if (mountinfo_find("/proc/self/mountinfo", "proc", proc_root, &e) < 0)
		return false;
	opt = strstr(e.super, "hidepid=");
	return opt && strncmp(opt + 8, "0", 1) != 0 &&
	       strncmp(opt + 8, "off", 3) != 0;
}

static long long read_boot_time(int proc_fd)
{
	char *buf;
	size_t len;
	const char *p;
	long long t;

	/* a line per cpu comes first: large on hosts with many of them */
	if (read_whole_at(proc_fd, "stat", 16 << 20, &buf, &len, NULL) < 0)
		return 0;
	p = strstr(buf, "\nbtime ");
	t = p ? atoll(p + 7) : 0;
	free(buf);
	return t;
}

/* True if porttop runs in a pid namespace below the initial one (the
 * kernel gives that one a fixed inode number). */
static bool pid_ns_below_init(int proc_fd)
{
	struct stat st;

	if (fstatat(proc_fd, "self/ns/pid", &st, 0) < 0)
		return false;
	return st.st_ino != PRIVS_INIT_PID_NS;
}

struct owners *owners_new(const char *proc_root)
{
	struct owners *o = xcalloc(1, sizeof(*o));
	const char *env;

	o->proc_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->proc_fd < 0) {
		int err = errno;

		free(o);
		errno = err;
		return NULL;
	}
	o->euid = geteuid();
	o->full_period = FULL_PERIOD_DEFAULT;
	/* the tests' hook for the incremental refresh (HACKING.md) */
	env = getenv("PORTTOP_REFRESH");
	o->full_share = env && strcmp(env, "incremental") == 0
				? 0
				: FULL_SHARE_DEFAULT;
	o->hidepid = hidepid_mounted(proc_root);
	o->boot_time = read_boot_time(o->proc_fd);
	o->other_pidns = pid_ns_below_init(o->proc_fd);
	return o;
}

void owners_procs_release(struct proc_info *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].cmdline);
		free(p[i].cgroup);
	}
	free(p);
}

void owners_reset(struct owners *o)
{
	free(o->holders);
	owners_procs_release(o->procs, o->nprocs);
	o->holders = NULL;
	o->procs = NULL;
	o->nholders = 0;
	o->nprocs = 0;
	o->mask = 0;
}

void owners_set_once(struct owners *o, bool once)
{
	o->once = once;
}

void owners_free(struct owners *o)
{
	if (!o)
		return;
	owners_reset(o);
	free(o->keys);
	free(o->table);
	owners_bpf_release(o);
	free(o->cache);
	free(o->sockfds);
	inoset_release(&o->orphans);
	inoset_release(&o->unexplained);
	close(o->proc_fd);
	free(o);
}

struct slot *owners_table_find(const struct owners *o, uint32_t inode)
{
	size_t i;

	if (!o->mask || inode == 0)
		return NULL;
	for (i = inoset_hash(inode) & o->mask;; i = (i + 1) & o->mask) {
		if (o->keys[i] == inode)
			return &o->table[i];
		if (o->keys[i] == 0)
			return NULL;
	}
}

void owners_table_build(struct owners *o, const uint32_t *inodes, size_t n)
{
	size_t size = 16, i;

	while (size < 2 * n + 1)
		size *= 2;
	/* the same storage from scan to scan: no fresh pages to fault in */
	if (size > o->cap_table) {
		free(o->keys);
		free(o->table);
		o->keys = xmalloc(size * sizeof(*o->keys));
		o->table = xmalloc(size * sizeof(*o->table));
		o->cap_table = size;
	}
	memset(o->keys, 0, size * sizeof(*o->keys));
	o->mask = size - 1;
	for (i = 0; i < n; i++) {
		size_t j;

		if (inodes[i] == 0)
			continue;
		for (j = inoset_hash(inodes[i]) & o->mask;; j = (j + 1) & o->mask) {
			if (o->keys[j] == inodes[i])
				break;
			if (o->keys[j] == 0) {
				o->keys[j] = inodes[i];
				o->table[j].start = 0;
				o->table[j].count = 0;
				break;
			}
		}
	}
}

void owners_push_holder(struct worker *w, uint32_t inode, int pid, int tid,
			int fd)
{
	struct holder *h;

	w->holders = xgrow(w->holders, &w->cap_holders, w->nholders + 1,
			   sizeof(*w->holders));
	h = &w->holders[w->nholders++];
	h->inode = inode;
	h->pid = pid;
	h->tid = tid;
	h->fd = fd;
	h->proc = UINT32_MAX;
}

/* Walks the entries of a directory fd with getdents64 into buf. */
struct dirwalk {
	int fd;
	char *buf;
	size_t size;
	long len, off;
	int err;		/* -errno of a failed read, or 0 */
};

static void dirwalk_init(struct dirwalk *dw, int fd, char *buf, size_t size)
{
	dw->fd = fd;
	dw->buf = buf;
	dw->size = size;
	dw->len = 0;
	dw->off = 0;
	dw->err = 0;
}

/* The next entry's name (valid until the next call), or NULL at the end. */
static const char *dirwalk_next(struct dirwalk *dw)
{
	for (;;) {
		if (dw->off < dw->len) {
			const struct linux_dirent64 *d =
				(const void *)(dw->buf + dw->off);

			dw->off += d->d_reclen;
			return d->d_name;
		}
		dw->len = syscall(SYS_getdents64, dw->fd, dw->buf, dw->size);
		dw->off = 0;
		if (dw->len <= 0) {
			if (dw->len < 0)
				dw->err = -errno;
			return NULL;
		}
	}
}

void owners_fail(struct worker *w, int err, bool dir)
{
	if (dir)
		w->stats.unread.dirs++;
	else
		w->stats.unread.links++;
	owner_failures_add(&w->stats.unread, err, 1);
	w->bad = true;
	if (err == EACCES || err == EPERM)
		w->bad_denied = true;
}

/* Read every fd link of one fd directory; record the wanted sockets. */
static void scan_fd_dir(struct worker *w, int fdd, int pid, int tid)
{
	const struct owners *o = w->o;
	struct dirwalk dw;
	const char *name;
	int refused = 0;

	dirwalk_init(&dw, fdd, w->dents, sizeof(w->dents));
	while ((name = dirwalk_next(&dw)) != NULL) {
		char lnk[64];
		ssize_t len;
		uint32_t inode;

		if (name[0] < '0' || name[0] > '9')
			continue;
		/* the kernel asks whether we may read the task's fd links
		 * once per task, not per fd (ptrace_may_access()): after one
		 * refusal the others are refused alike, and are counted so
		 * without a read each (PID 1's on some hosts, every refresh) */
		if (refused) {
			owners_fail(w, refused, false);
			continue;
		}
		len = readlinkat(fdd, name, lnk, sizeof(lnk));
		if (len < 0 && errno != ENOENT) {
			/* ENOENT: closed since the listing, nothing lost */
			if (errno == EACCES || errno == EPERM)
				refused = errno;
			owners_fail(w, errno, false);
			continue;
		}
		if (len <= 0)
			continue;
		w->stats.fds++;
		if (!procparse_socket_link(lnk, (size_t)len, &inode))
			continue;
		if (o->caching) {
			w->sfds = xgrow(w->sfds, &w->cap_sfds, w->nsfds + 1,
					sizeof(*w->sfds));
			w->sfds[w->nsfds].inode = inode;
			w->sfds[w->nsfds].fd = procparse_pid(name);
			w->sfds[w->nsfds].tid = tid;
			w->nsfds++;
		}
		if (owners_table_find(o, inode))
			owners_push_holder(w, inode, pid, tid, procparse_pid(name));
	}
	if (dw.err < 0 && dw.err != -ENOENT)
		owners_fail(w, -dw.err, true);
}

/* A thread that called unshare(CLONE_FILES) has an fd table of its own,
 * seen only in /proc/PID/task/TID/fd. The task directory's link count is
 * 2 + threads, so single-threaded processes cost one fstatat; kcmp tells
 * which threads share the process's table. */
static void scan_private_tasks(struct worker *w, int pdir, int pid)
{
	struct stat st;
	struct dirwalk dw;
	const char *name;
	int tdir, *tids = NULL;
	size_t ntids = 0, cap = 0, i;

	if (fstatat(pdir, "task", &st, 0) < 0) {
		if (errno != ENOENT && errno != ESRCH)
			owners_fail(w, errno, true);
		return;
	}
	if (st.st_nlink <= 3)
		return;
	tdir = openat(pdir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tdir < 0) {
		if (errno != ENOENT && errno != ESRCH)
			owners_fail(w, errno, true);
		return;
	}
	dirwalk_init(&dw, tdir, w->dents, sizeof(w->dents));
	while ((name = dirwalk_next(&dw)) != NULL) {
		int tid = procparse_pid(name);
		long same;

		if (tid <= 0 || tid == pid)
			continue;
		same = syscall(SYS_kcmp, pid, tid, KCMP_FILES, 0, 0);
		if (same < 0 && errno != ESRCH) {
			/* cannot tell whether it has a table of its own */
			owners_fail(w, errno, true);
		} else if (same > 0) {
			tids = xgrow(tids, &cap, ntids + 1, sizeof(*tids));
			tids[ntids++] = tid;
		}
	}
	/* scanning reuses the dents buffer, so only after the listing */
	for (i = 0; i < ntids; i++) {
		char path[32];
		int fdd;

		snprintf(path, sizeof(path), "%d/fd", tids[i]);
		fdd = openat(tdir, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fdd < 0) {
			if (errno != ENOENT && errno != ESRCH)
				owners_fail(w, errno, true);
			continue;
		}
		scan_fd_dir(w, fdd, pid, tids[i]);
		close(fdd);
	}
	free(tids);
	close(tdir);
}

static void scan_pid(struct worker *w, int pid)
{
	char name[16];
	int pdir, fdd, rc;
	size_t first = w->nholders, first_sfd = w->nsfds, i;
	struct proc_stat ps;
	struct stat st;
	struct pentry *pe;
	bool remember;

	w->bad = false;
	w->bad_denied = false;
	snprintf(name, sizeof(name), "%d", pid);
	pdir = openat(w->o->proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pdir < 0) {
		if (errno == ENOENT || errno == ESRCH) {
			w->stats.vanished++;
			return;
		}
		owners_fail(w, errno, true);
		goto out_count;
	}
	w->stats.procs++;
	/* everything below is relative to pdir, which stays bound to this
	 * process even if the pid is reused while we read */
	fdd = openat(pdir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdd < 0) {
		if (errno == ENOENT || errno == ESRCH)
			w->stats.vanished++;
		else
			owners_fail(w, errno, true);
		goto out_close_pdir;
	}
	if (fstat(fdd, &st) < 0)
		st.st_size = 0;
	if (st.st_size > 0)
		w->size_seen = true;
	scan_fd_dir(w, fdd, pid, pid);
	close(fdd);
	scan_private_tasks(w, pdir, pid);
	/* a process not fully read is read again by every refresh */
	remember = w->o->caching && !w->bad;
	if (!remember && w->nholders == first)
		goto out_close_pdir;
	rc = owners_read_stat(pdir, &ps);
	if (rc == 0 && remember) {
		w->pents = xgrow(w->pents, &w->cap_pents, w->npents + 1,
				 sizeof(*w->pents));
		pe = &w->pents[w->npents++];
		pe->pid = pid;
		pe->start_time = ps.start_time;
		pe->comm_hash = owners_comm_hash(&ps);
		pe->nfds = (uint32_t)st.st_size;
		pe->first = (uint32_t)first_sfd;	/* rebased in merge() */
		pe->count = (uint32_t)(w->nsfds - first_sfd);
	}
	if (w->nholders == first)
		goto out_close_pdir;

	w->procs = xgrow(w->procs, &w->cap_procs, w->nprocs + 1,
			 sizeof(*w->procs));
	if (rc == 0)
		rc = owners_read_facts(pdir, pid, &ps, 0, OWNERS_UID_UNKNOWN,
				       &w->procs[w->nprocs]);
	if (rc < 0) {
		w->nholders = first;
		if (rc == -ESRCH)
			w->stats.vanished++;	/* it exited under us */
		else
			owners_fail(w, -rc, false);
		goto out_close_pdir;
	}
	for (i = first; i < w->nholders; i++)
		w->holders[i].proc = (uint32_t)w->nprocs;
	w->nprocs++;

out_close_pdir:
	close(pdir);
out_count:
	if (w->bad) {
		if (!w->stats.unread.pid)
			w->stats.unread.pid = pid;
		w->stats.unread.procs++;
		if (w->bad_denied)
			w->stats.unread.denied++;
	}
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	double cpu = owners_thread_cpu();

	for (;;) {
		size_t i = atomic_fetch_add(w->next, PID_CHUNK), end;

		if (i >= w->npids)
			break;
		end = i + PID_CHUNK < w->npids ? i + PID_CHUNK : w->npids;
		for (; i < end; i++)
			scan_pid(w, w->pids[i]);
	}
	w->cpu = owners_thread_cpu() - cpu;
	return NULL;
}

int owners_list_pids(int proc_fd, int **out, size_t *n)
{
	char *buf = xmalloc(DENTS_BUF);
	struct dirwalk dw;
	const char *name;
	int *pids = NULL;
	size_t cap = 0;
	int dfd;

	*n = 0;
	/* a fresh fd: getdents on a shared one would race with nothing, but a
	 * rewound directory fd keeps stale entries on some kernels */
	dfd = openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		free(buf);
		return -errno;
	}
	dirwalk_init(&dw, dfd, buf, DENTS_BUF);
	while ((name = dirwalk_next(&dw)) != NULL) {
		int pid = procparse_pid(name);

		if (pid <= 0)
			continue;
		pids = xgrow(pids, &cap, *n + 1, sizeof(*pids));
		pids[(*n)++] = pid;
	}
	close(dfd);
	free(buf);
	if (dw.err < 0) {
		free(pids);
		*n = 0;
		return dw.err;
	}
	*out = pids;
	return 0;
}

static int cmp_holder(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int owners_cmp_pentry(const void *a, const void *b)
{
	const struct pentry *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Sort the holders as cmp_holder() says, by radix on their inodes: a BPF
 * pass at 25,000 listeners has 28,000 holders, at every refresh. */
static void sort_holders(struct owners *o)
{
	uint32_t *keys = xmalloc(o->nholders * sizeof(*keys));
	struct holder *sorted;
	size_t i;

	for (i = 0; i < o->nholders; i++)
		keys[i] = o->holders[i].inode;
	sorted = inoset_sorted(o->holders, o->nholders, sizeof(*o->holders),
			       keys, cmp_holder);
	free(o->holders);
	o->holders = sorted;
	free(keys);
}

static void merge(struct owners *o, struct worker *ws, size_t nw)
{
	size_t i, j, nh = 0, np = 0, npe = 0, nsf = 0;

	for (i = 0; i < nw; i++) {
		nh += ws[i].nholders;
		np += ws[i].nprocs;
		npe += ws[i].npents;
		nsf += ws[i].nsfds;
	}
	o->holders = xmalloc((nh ? nh : 1) * sizeof(*o->holders));
	o->procs = xmalloc((np ? np : 1) * sizeof(*o->procs));
	free(o->cache);
	free(o->sockfds);
	o->cache = xmalloc((npe ? npe : 1) * sizeof(*o->cache));
	o->sockfds = xmalloc((nsf ? nsf : 1) * sizeof(*o->sockfds));
	o->ncache = 0;
	o->nsockfds = 0;
	for (i = 0; i < nw; i++) {
		struct worker *w = &ws[i];

		for (j = 0; j < w->npents; j++) {
			o->cache[o->ncache] = w->pents[j];
			o->cache[o->ncache++].first += (uint32_t)o->nsockfds;
		}
		if (w->nsfds)
			memcpy(o->sockfds + o->nsockfds, w->sfds,
			       w->nsfds * sizeof(*w->sfds));
		o->nsockfds += w->nsfds;
		if (w->size_seen)
			o->size_ok = true;
		free(w->pents);
		free(w->sfds);

		for (j = 0; j < w->nholders; j++) {
			o->holders[o->nholders] = w->holders[j];
			o->holders[o->nholders++].proc += (uint32_t)o->nprocs;
		}
		if (w->nprocs)
			memcpy(o->procs + o->nprocs, w->procs,
			       w->nprocs * sizeof(*w->procs));
		o->nprocs += w->nprocs;
		o->stats.procs += w->stats.procs;
		o->stats.fds += w->stats.fds;
		owner_failures_merge(&o->stats.unread, &w->stats.unread);
		o->stats.vanished += w->stats.vanished;
		free(w->holders);
		free(w->procs);
	}
	if (o->ncache > 1)
		qsort(o->cache, o->ncache, sizeof(*o->cache), owners_cmp_pentry);
	o->have_cache = o->caching;
	if (o->nholders > 1)
		sort_holders(o);
	for (i = 0; i < o->nholders;) {
		struct slot *s = owners_table_find(o, o->holders[i].inode);

		for (j = i; j < o->nholders &&
			    o->holders[j].inode == o->holders[i].inode; j++)
			;
		if (s) {
			s->start = (uint32_t)i;
			s->count = (uint32_t)(j - i);
		}
		i = j;
	}
}

static unsigned pick_threads(unsigned want, size_t npids)
{
	long cores;

	if (want == 0) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		want = cores > 0 ? (unsigned)cores : 1;
	}
	if (want > MAX_THREADS)
		want = MAX_THREADS;
	/* a thread costs more than scanning a few dozen processes */
	if (want > npids / 64 + 1)
		want = (unsigned)(npids / 64 + 1);
	return want;
}

double owners_thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Scan pids over the cores; ws[0] is filled by the caller (the processes
 * carried over from the cache) and merged with the rest. */
double owners_scan_pids(struct owners *o, const int *pids, size_t npids,
			unsigned threads, struct worker *keep)
{
	struct worker *ws;
	pthread_t tids[MAX_THREADS + 1];
	atomic_size_t next = 0;
	size_t i, started = 0;
	unsigned nt = pick_threads(threads, npids);
	double cpu = 0;

	ws = xcalloc(nt + 1, sizeof(*ws));
	if (keep)
		ws[0] = *keep;
	for (i = 1; i <= nt; i++) {
		ws[i].o = o;
		ws[i].pids = pids;
		ws[i].npids = npids;
		ws[i].next = &next;
	}
	/* the calling thread is worker 1; helpers that fail to start just
	 * leave their share to the others */
	for (i = 2; i <= nt; i++) {
		if (pthread_create(&tids[i], NULL, worker_run, &ws[i]) != 0)
			break;
		started = i;
	}
	worker_run(&ws[1]);
	for (i = 2; i <= started; i++) {
		pthread_join(tids[i], NULL);
		cpu += ws[i].cpu;
	}
	merge(o, ws, nt + 1);
	free(ws);
	return cpu;
}

void owners_begin(struct owners *o, const uint32_t *inodes, size_t n)
{
	owners_reset(o);
	memset(&o->stats, 0, sizeof(o->stats));
	o->stats.hidepid = o->hidepid && o->euid != 0;
	o->stats.other_pidns = o->other_pidns;
	owners_table_build(o, inodes, n);
}

int owners_full_scan(struct owners *o, const uint32_t *inodes, size_t n,
		     unsigned threads)
{
	double cpu = owners_thread_cpu();
	int *pids = NULL;
	size_t npids;
	int rc;

	if (o->bpf)	/* the fds from the kernel: owners_bpf.c */
		return owners_bpf_full_scan(o, inodes, n);
	owners_begin(o, inodes, n);
	if (n == 0)
		return 0;	/* nothing to look for: no walk */
	rc = owners_list_pids(o->proc_fd, &pids, &npids);
	if (rc < 0)
		return rc;
	o->stats.full = true;
	o->size_ok = false;
	cpu -= owners_scan_pids(o, pids, npids, threads, NULL);
	o->last_full = clock_now();
	owners_remember_orphans(o, inodes, n);
	free(pids);
	/* what deciding between a full and an incremental refresh weighs */
	o->full_cpu = owners_thread_cpu() - cpu;
	return 0;
}

int owners_scan(struct owners *o, const uint32_t *inodes, size_t n,
		unsigned threads)
{
	/* one answer, no refresh to come: learn only the wanted sockets */
	o->caching = false;
	return owners_full_scan(o, inodes, n, threads);
}

size_t owners_lookup(const struct owners *o, uint32_t inode,
		     const struct holder **out)
{
	const struct slot *s = owners_table_find(o, inode);

	if (!s || s->count == 0) {
		*out = NULL;
		return 0;
	}
	*out = &o->holders[s->start];
	return s->count;
}

const struct proc_info *owners_proc(const struct owners *o, uint32_t idx)
{
	return idx < o->nprocs ? &o->procs[idx] : NULL;
}

time_t owners_start_time(const struct owners *o, const struct proc_info *p)
{
	long hz = sysconf(_SC_CLK_TCK);

	if (!o->boot_time || hz <= 0)
		return 0;
	return (time_t)(o->boot_time + (long long)(p->start_time / (unsigned long long)hz));
}

const struct owners_stats *owners_stats(const struct owners *o)
{
	return &o->stats;
}

void owners_facts(const struct owners *o, uint32_t inode,
		  struct owner_facts *f)
{
	const struct holder *h;

	memset(f, 0, sizeof(*f));
	f->nholders = owners_lookup(o, inode, &h);
	f->unread = o->stats.unread.procs;
	f->denied = o->stats.unread.denied;
	f->hidepid = o->stats.hidepid;
	f->other_pidns = o->stats.other_pidns;
}
