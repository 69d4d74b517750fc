/* owners_refresh.c - the owner scan's memory, so that a refresh costs what
 * changed: every socket fd of every process as the last scan saw it, with
 * the process's number of open fds. A refresh reads again only new
 * processes, those whose fd count changed, and holders whose start time
 * says their pid was reused; everything is read again every full_period. */
#include "config.h"
#include "owners.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "owners_priv.h"
#include "procparse.h"
#include "xalloc.h"

/* Note the wanted sockets that nobody holds; sorted for bsearch. */
void owners_remember_orphans(struct owners *o, const uint32_t *inodes,
			     size_t n)
{
	const struct holder *h;
	size_t i;

	inoset_clear(&o->orphans);
	inoset_clear(&o->unexplained);
	for (i = 0; i < n; i++)
		if (!owners_lookup(o, inodes[i], &h))
			inoset_add(&o->orphans, inodes[i]);
	inoset_seal(&o->orphans);
}

/* A process that opened a socket can look unchanged: without fd counts
 * (kernels before 6.2) always, and with them when it closed another file
 * meanwhile. A wanted socket that has no holder and had none to explain it
 * at the last full scan calls for a full scan: at once without fd counts;
 * with them, when the last refresh could not explain it either, for a
 * socket whose process is gone by the time of the scan (churn) is gone
 * from the next dump, and must not cost a full scan at every refresh. */
bool owners_missing_holders(struct owners *o, const uint32_t *inodes,
			    size_t n)
{
	const struct holder *h;
	struct inoset now;
	bool missing = false;
	size_t i;

	inoset_init(&now);
	for (i = 0; i < n; i++) {
		if (owners_lookup(o, inodes[i], &h) ||
		    inoset_has(&o->orphans, inodes[i]))
			continue;
		if (!o->size_ok || inoset_has(&o->unexplained, inodes[i]))
			missing = true;
		inoset_add(&now, inodes[i]);
	}
	inoset_seal(&now);
	inoset_release(&o->unexplained);
	o->unexplained = now;
	return missing;
}

static const struct pentry *cache_find(const struct pentry *c, size_t n,
				       int pid)
{
	struct pentry key = { .pid = pid };

	return n ? bsearch(&key, c, n, sizeof(*c), owners_cmp_pentry) : NULL;
}

static int cmp_proc_pid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The start time in /proc/PID/stat, or 0 if it cannot be read. */
static unsigned long long start_time_of(int dirfd, const char *stat_path)
{
	char buf[1024];
	struct proc_stat st;
	ssize_t n = owners_read_at(dirfd, stat_path, buf, sizeof(buf));

	if (n <= 0 || !procparse_stat(buf, (size_t)n, &st))
		return 0;
	return st.start_time;
}

static void copy_proc(struct proc_info *dst, const struct proc_info *src)
{
	*dst = *src;
	dst->cmdline = src->cmdline ? xmemdup(src->cmdline, src->cmdline_len)
				    : NULL;
	dst->cgroup = src->cgroup ? xstrdup(src->cgroup) : NULL;
}

/* Carry one unchanged process over from the old cache into keep. Returns
 * false if it must be scanned again (its pid was reused, or it went). */
static bool keep_process(struct owners *o, struct worker *keep,
			 const struct pentry *pe, const struct sockfd *sfds,
			 const struct proc_info *old_procs, size_t nold)
{
	size_t i, first_h = keep->nholders;
	const struct proc_info *old = NULL;
	struct proc_info key = { .pid = pe->pid };
	char path[32];
	struct pentry *np;

	for (i = 0; i < pe->count; i++) {
		const struct sockfd *sf = &sfds[pe->first + i];

		if (owners_table_find(o, sf->inode))
			owners_push_holder(keep, sf->inode, pe->pid, sf->tid, sf->fd);
	}
	if (keep->nholders > first_h) {
		keep->procs = xgrow(keep->procs, &keep->cap_procs,
				    keep->nprocs + 1, sizeof(*keep->procs));
		if (nold)
			old = bsearch(&key, old_procs, nold, sizeof(*old),
				      cmp_proc_pid);
		snprintf(path, sizeof(path), "%d/stat", pe->pid);
		/* the facts are still good if the process is the same one */
		if (!old || start_time_of(o->proc_fd, path) != old->start_time) {
			keep->nholders = first_h;
			return false;
		}
		copy_proc(&keep->procs[keep->nprocs], old);
		for (i = first_h; i < keep->nholders; i++)
			keep->holders[i].proc = (uint32_t)keep->nprocs;
		keep->nprocs++;
	}
	keep->pents = xgrow(keep->pents, &keep->cap_pents, keep->npents + 1,
			    sizeof(*keep->pents));
	np = &keep->pents[keep->npents++];
	*np = *pe;
	np->first = (uint32_t)keep->nsfds;
	keep->sfds = xgrow(keep->sfds, &keep->cap_sfds,
			   keep->nsfds + pe->count, sizeof(*keep->sfds));
	if (pe->count)
		memcpy(keep->sfds + keep->nsfds, sfds + pe->first,
		       pe->count * sizeof(*sfds));
	keep->nsfds += pe->count;
	keep->stats.procs++;
	return true;
}

int owners_refresh(struct owners *o, const uint32_t *inodes, size_t n,
		   unsigned threads)
{
	struct pentry *old_cache;
	struct sockfd *old_sfds;
	struct proc_info *old_procs;
	size_t nold_cache, nold_procs, npids, i, nscan = 0;
	struct worker keep;
	int *pids = NULL, *scan = NULL;
	struct stat st;
	int rc;

	o->caching = true;
	if (!o->have_cache || n == 0 ||
	    owners_now() - o->last_full >= o->full_period)
		return owners_full_scan(o, inodes, n, threads);
	rc = owners_list_pids(o->proc_fd, &pids, &npids);
	if (rc < 0)
		return rc;

	/* take the last result apart: the cache and the facts it holds */
	old_cache = o->cache;
	nold_cache = o->ncache;
	old_sfds = o->sockfds;
	old_procs = o->procs;
	nold_procs = o->nprocs;
	o->cache = NULL;
	o->sockfds = NULL;
	o->procs = NULL;
	o->nprocs = 0;
	owners_reset(o);
	memset(&o->stats, 0, sizeof(o->stats));
	o->stats.hidepid = o->hidepid && o->euid != 0;
	o->stats.other_pidns = o->other_pidns;
	owners_table_build(o, inodes, n);
	if (nold_procs > 1)
		qsort(old_procs, nold_procs, sizeof(*old_procs), cmp_proc_pid);

	memset(&keep, 0, sizeof(keep));
	keep.o = o;
	scan = xmalloc((npids ? npids : 1) * sizeof(*scan));
	for (i = 0; i < npids; i++) {
		const struct pentry *pe = cache_find(old_cache, nold_cache,
						     pids[i]);
		char path[32];

		if (pe && o->size_ok) {
			/* a changed number of open fds means: read it again */
			snprintf(path, sizeof(path), "%d/fd", pids[i]);
			if (fstatat(o->proc_fd, path, &st, 0) < 0)
				continue;	/* gone */
			if ((uint32_t)st.st_size != pe->nfds)
				pe = NULL;
		}
		if (!pe || !keep_process(o, &keep, pe, old_sfds, old_procs,
					 nold_procs))
			scan[nscan++] = pids[i];
	}
	owners_scan_pids(o, scan, nscan, threads, &keep);
	o->stats.rescanned = nscan;
	free(scan);
	free(pids);
	free(old_cache);
	free(old_sfds);
	owners_procs_release(old_procs, nold_procs);
	if (owners_missing_holders(o, inodes, n))
		return owners_full_scan(o, inodes, n, threads);
	return 0;
}

void owners_set_full_period(struct owners *o, double seconds)
{
	o->full_period = seconds;
}

