/* owners_refresh.c - the owner scan's memory, so that a refresh costs what
 * changed: every socket fd of every process as the last scan saw it, with
 * the process's number of open fds, start time and name. While a full scan
 * costs little against the time between refreshes, every refresh is one.
 * Otherwise a refresh reads again new processes, those whose fd count,
 * start time or name changed, and those where an fd that held a wanted
 * socket no longer holds it; it reads the facts of every holder again.
 * Everything is read again at least every full_period, and as often as a
 * full scan's CPU time allows (full_scan_due()). */
#include "config.h"
#include "owners.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
 * (kernels before 6.2) always, and with them when it put the socket on an
 * fd that was not one (dup2 over /dev/null) or closed another file
 * meanwhile. A wanted socket that has no holder and had none to explain it
 * at the last full scan calls for a full scan at once: a refresh must be
 * as true as a fresh scan (one whose process is already gone costs that
 * scan once, and is gone from the next dump). */
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

/* Is the socket fd sf of the process at pdir still the socket the cache
 * says? */
static bool same_socket(int pdir, int pid, const struct sockfd *sf)
{
	char path[48], lnk[64];
	ssize_t len;
	uint32_t inode;

	if (sf->tid == pid)
		snprintf(path, sizeof(path), "fd/%d", sf->fd);
	else
		snprintf(path, sizeof(path), "task/%d/fd/%d", sf->tid, sf->fd);
	len = readlinkat(pdir, path, lnk, sizeof(lnk));
	return len > 0 && procparse_socket_link(lnk, (size_t)len, &inode) &&
	       inode == sf->inode;
}

/* Carry one process over from the old cache into keep, after checking
 * cheaply what can change without its fd count changing: it is the same
 * process (start time) running the same program (name), and every fd that
 * held a wanted socket still holds that socket. The facts of a holder are
 * read again (exec, setuid, setproctitle, a move to another cgroup).
 * Returns false if it must be scanned again. */
static bool keep_process(struct owners *o, struct worker *keep,
			 const struct pentry *pe, const struct sockfd *sfds)
{
	size_t i, first_h = keep->nholders;
	struct proc_stat ps;
	struct proc_info *p;
	char name[16];
	struct pentry *np;
	int pdir;

	snprintf(name, sizeof(name), "%d", pe->pid);
	pdir = openat(o->proc_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pdir < 0)
		return false;
	if (owners_read_stat(pdir, &ps) < 0 ||
	    ps.start_time != pe->start_time ||
	    owners_comm_hash(&ps) != pe->comm_hash)
		goto out_rescan;
	/* an fd that held a socket nobody asks about now is not read: what
	 * it holds now could only matter as a holder that the fd count does
	 * not show (the limit in the man page's COST) */
	for (i = 0; i < pe->count; i++) {
		const struct sockfd *sf = &sfds[pe->first + i];

		if (!owners_table_find(o, sf->inode))
			continue;
		if (!same_socket(pdir, pe->pid, sf)) {
			keep->nholders = first_h;
			goto out_rescan;
		}
		owners_push_holder(keep, sf->inode, pe->pid, sf->tid, sf->fd);
	}
	if (keep->nholders > first_h) {
		keep->procs = xgrow(keep->procs, &keep->cap_procs,
				    keep->nprocs + 1, sizeof(*keep->procs));
		p = &keep->procs[keep->nprocs];
		if (owners_read_facts(pdir, pe->pid, &ps, pe->start_time,
				      OWNERS_UID_UNKNOWN, p) < 0) {
			keep->nholders = first_h;
			goto out_rescan;
		}
		for (i = first_h; i < keep->nholders; i++)
			keep->holders[i].proc = (uint32_t)keep->nprocs;
		keep->nprocs++;
	}
	close(pdir);
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

out_rescan:
	close(pdir);
	return false;
}

/* Is a full scan due at this refresh: the first; at every refresh while
 * the last full scan cost at most full_share of the time between
 * refreshes in CPU time (then a refresh has no gap at all); else once its
 * CPU time / full_share seconds have passed since the last one, so that
 * full scans take at most full_share of one CPU, and at least every
 * full_period. */
static bool full_scan_due(struct owners *o, size_t n)
{
	double now = clock_now(), since = now - o->last_refresh, period;

	o->last_refresh = now;
	if (!o->have_cache || n == 0)
		return true;
	if (o->full_cpu <= o->full_share * since)
		return true;
	period = o->full_period;
	if (o->full_share > 0 && o->full_cpu < o->full_share * period)
		period = o->full_cpu / o->full_share;
	return now - o->last_full >= period;
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
	if (full_scan_due(o, n))
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
	owners_begin(o, inodes, n);

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
		if (!pe || !keep_process(o, &keep, pe, old_sfds))
			scan[nscan++] = pids[i];
	}
	owners_scan_pids(o, scan, nscan, threads, &keep);
	o->stats.rescanned = nscan;
	free(scan);
	free(pids);
	free(old_cache);
	free(old_sfds);
	owners_procs_release(old_procs, nold_procs);
	/* a socket put on an fd that was not one, with the count unchanged
	 * (dup2 over /dev/null), is not seen above: a wanted socket without
	 * a holder that the last full scan could not explain either calls
	 * for a full scan */
	if (owners_missing_holders(o, inodes, n))
		return owners_full_scan(o, inodes, n, threads);
	o->stats.incremental = true;
	o->stats.full_age = clock_now() - o->last_full;
	return 0;
}

void owners_set_full_period(struct owners *o, double seconds)
{
	o->full_period = seconds;
}

void owners_set_full_share(struct owners *o, double share)
{
	o->full_share = share;
}

