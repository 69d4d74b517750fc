/* owners_facts.c - the facts of a process that holds a wanted socket, read
 * from its /proc directory: stat (start time, name), status (uid), cmdline
 * and cgroup. The /proc scan, its incremental refresh and the BPF scan all
 * read them here, so that a holder is described the same way by each.
 *
 * The BPF scan's refreshes keep each holder's cmdline and cgroup files open
 * (struct facts_cache) and read them again at every refresh from offset 0:
 * cmdline is made from the process's memory at each read, cgroup is a
 * seq_file that a read at 0 shows anew, so a command line rewritten in
 * place, an exec or a move to another cgroup is seen at the next refresh,
 * as by a file opened anew. Its name, start time and uid come with the
 * iterator's record. Two reads a holder instead of eleven system calls
 * (open the directory; open, read, close stat, cmdline and cgroup; close).
 * A /proc file is bound to the process (its struct pid), not to its
 * number: once the process is gone a read fails with ESRCH, even when the
 * number is another process's by then, so a kept file never shows another
 * process's facts. The files are opened as before, after the process's
 * stat showed the start time the iterator saw; a kept entry is used only
 * for the same pid and start time, and one whose read fails is closed and
 * the process read anew, so a failure is counted as without the cache.
 * The cache uses at most half of the fds that the soft RLIMIT_NOFILE
 * leaves beside porttop's others, counted at each scan (two fds a holder);
 * beyond it holders are read as before, and when an open fails for want
 * of fds (EMFILE, ENFILE) the cache is emptied and made smaller and the
 * open tried again. */
#include "config.h"
#include "owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "fileio.h"
#include "owners_priv.h"
#include "procparse.h"
#include "xalloc.h"

/* Read a small file relative to dirfd: up to cap bytes. -errno on error.
 * A read that returns less than asked has returned the rest of the file,
 * so no read is spent to be told so: /proc's stat, status and cgroup make
 * their text whole at each read (one seq_file record), cmdline reads the
 * process's memory until its end, and a regular file (a test's proc
 * root) returns less only at its end. That is a read less per file of
 * every holder at every scan. */
ssize_t owners_read_at(int dirfd, const char *name, char *buf, size_t cap)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		len += (size_t)n;
		if (n == 0 || len < cap)
			break;
	}
	close(fd);
	return (ssize_t)len;
}

/* The command line of the process whose directory is pdir into p: one
 * read into buf (size bytes) when it fits, as most do, else the whole
 * file. Unreadable: none. */
static void read_cmdline(int pdir, struct proc_info *p, char *buf,
			 size_t size)
{
	ssize_t n = owners_read_at(pdir, "cmdline", buf, size);

	if (n < 0)
		return;
	if ((size_t)n < size) {
		p->cmdline = xmemdup(buf, (size_t)n);
		p->cmdline_len = (size_t)n;
		return;
	}
	read_whole_at(pdir, "cmdline", OWNERS_CMDLINE_MAX, &p->cmdline,
		      &p->cmdline_len, &p->cmdline_cut);
}


int owners_read_stat(int pdir, struct proc_stat *st)
{
	char buf[1024];
	ssize_t n = owners_read_at(pdir, "stat", buf, sizeof(buf));

	if (n < 0 && n != -ENOENT)
		return (int)n;
	if (n <= 0 || !procparse_stat(buf, (size_t)n, st))
		return -ESRCH;
	return 0;
}

int owners_read_facts(int pdir, int pid, const struct proc_stat *st,
		      unsigned long long start, uint32_t uid,
		      struct proc_info *p)
{
	char buf[4096];
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if (start && st->start_time != start)
		return -ESRCH;	/* the pid is another process's now */
	p->pid = pid;
	p->start_time = st->start_time;
	memcpy(p->comm, st->comm, sizeof(p->comm));
	p->comm_len = st->comm_len;
	p->uid = uid;
	if (uid == OWNERS_UID_UNKNOWN) {
		n = owners_read_at(pdir, "status", buf, sizeof(buf));
		if (n < 0 && n != -ENOENT)
			return (int)n;
		if (n <= 0 || !procparse_status_uid(buf, (size_t)n, &p->uid))
			return -ESRCH;
	}
	read_cmdline(pdir, p, buf, sizeof(buf));
	/* every hierarchy: context_from_cgroup_file() picks the path */
	n = owners_read_at(pdir, "cgroup", buf, sizeof(buf) - 1);
	if (n > 0)
		p->cgroup = xmemdup(buf, (size_t)n);
	return 0;
}

/* holders whose files the cache keeps at most, whatever the limit */
#define FACTS_MAX_ENTRIES 16384

/* One pread() of fd at off, again if a signal cut it: bytes or -errno. A
 * read at 0 of a kept file is one read, as owners_read_at() (a short read
 * has returned the whole file). */
static ssize_t pread_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* The whole of fd from offset 0, at most max bytes (as read_whole_at()
 * with a cut), into a new buffer. 0 or -errno. */
static int pread_whole(int fd, size_t max, char **out, size_t *len,
		       bool *cut)
{
	size_t cap = 16384, n = 0;
	char *buf = xmalloc(cap + 1), probe;
	ssize_t r;

	*cut = false;
	for (;;) {
		if (n == cap && cap >= max) {
			/* exactly max bytes is not too long */
			*cut = pread_at(fd, &probe, 1, (off_t)n) > 0;
			break;
		}
		if (n == cap) {
			cap = cap * 4 > max ? max : cap * 4;
			buf = xrealloc(buf, cap + 1);
		}
		r = pread_at(fd, buf + n, cap - n, (off_t)n);
		if (r <= 0) {
			if (r == 0)
				break;
			free(buf);
			return (int)r;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* The command line and cgroup of p from the files cmdline and cgroup.
 * strict: a failed read fails (a kept file: the process is read anew),
 * else it leaves the fact unknown, as read_cmdline() does. 0 or -errno;
 * on failure p's strings are freed. */
static int read_kept(int cmdline, int cgroup, struct proc_info *p,
		     bool strict)
{
	char buf[4096];
	ssize_t n = cmdline >= 0 ? pread_at(cmdline, buf, sizeof(buf), 0)
				 : -EBADF;
	int rc = 0;

	if (n >= 0 && (size_t)n < sizeof(buf)) {
		p->cmdline = xmemdup(buf, (size_t)n);
		p->cmdline_len = (size_t)n;
	} else if (n >= 0) {
		rc = pread_whole(cmdline, OWNERS_CMDLINE_MAX, &p->cmdline,
				 &p->cmdline_len, &p->cmdline_cut);
	} else {
		rc = (int)n;
	}
	if (rc < 0 && strict)
		return rc;
	n = cgroup >= 0 ? pread_at(cgroup, buf, sizeof(buf) - 1, 0) : -EBADF;
	if (n < 0 && strict) {
		free(p->cmdline);
		p->cmdline = NULL;
		return (int)n;
	}
	if (n > 0)
		p->cgroup = xmemdup(buf, (size_t)n);
	return 0;
}

static void ent_close(const struct facts_ent *e)
{
	if (e->cmdline >= 0)
		close(e->cmdline);
	if (e->cgroup >= 0)
		close(e->cgroup);
}

static bool out_of_fds(int err)
{
	return err == EMFILE || err == ENFILE;
}

/* Entries held now: this scan's, and the last one's not yet met. */
static size_t held(const struct facts_cache *c)
{
	return c->nnext + (c->n - c->pos);
}

/* The fds ran out: close every kept file, and keep at most half as many
 * from now on. */
static void facts_shrink(struct facts_cache *c)
{
	size_t i, h = held(c);

	for (i = 0; i < c->nnext; i++)
		ent_close(&c->next[i]);
	for (i = c->pos; i < c->n; i++)
		ent_close(&c->v[i]);
	c->nnext = 0;
	c->pos = c->n;
	c->cut = c->has_cut && c->cut < h / 2 ? c->cut : h / 2;
	c->has_cut = true;
	c->max = c->cut < c->max ? c->cut : c->max;
}

/* The fds open now but for the cache's own (mine): the rest of porttop's
 * (its sockets, the network namespaces of -N, the scan's directories).
 * Linux 6.2 and later count them in the size of /proc/self/fd (one stat);
 * before, they are read from it (~1.4 us an fd). 0 if they cannot be
 * counted. */
static size_t others_open(int proc_fd, size_t mine)
{
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	DIR *d;
	int fd;

	if (fstatat(proc_fd, "self/fd", &st, 0) == 0 && st.st_size > 0) {
		n = (size_t)st.st_size;
	} else {
		fd = openat(proc_fd, "self/fd",
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = fd < 0 ? NULL : fdopendir(fd);
		if (!d) {
			if (fd >= 0)
				close(fd);
			return 0;
		}
		while ((de = readdir(d)) != NULL)
			n += de->d_name[0] != '.';
		closedir(d);
		n = n ? n - 1 : 0;	/* not the directory's own */
	}
	return n > mine ? n - mine : 0;
}

void owners_facts_begin(struct owners *o)
{
	struct facts_cache *c = &o->facts;
	struct rlimit rl;
	size_t room;

	if (c->active)
		owners_facts_end(o);
	c->pos = 0;
	c->nnext = 0;
	c->max = 0;
	/* half the fds the soft limit leaves to the cache, two a holder;
	 * none for a single scan */
	if (!o->once && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		size_t others = others_open(o->proc_fd, 2 * c->n);

		room = rl.rlim_cur == RLIM_INFINITY ||
				       rl.rlim_cur > 4 * FACTS_MAX_ENTRIES
			       ? 4 * FACTS_MAX_ENTRIES
			       : (size_t)rl.rlim_cur;
		c->max = room > others ? (room - others) / 4 : 0;
	}
	if (c->has_cut && c->cut < c->max)
		c->max = c->cut;
	c->active = true;
}

void owners_facts_end(struct owners *o)
{
	struct facts_cache *c = &o->facts;
	struct facts_ent *t;
	size_t cap;

	if (!c->active)
		return;
	for (; c->pos < c->n; c->pos++)
		ent_close(&c->v[c->pos]);
	t = c->v;
	c->v = c->next;
	c->next = t;
	c->n = c->nnext;
	c->nnext = 0;
	cap = c->cap;
	c->cap = c->cap_next;
	c->cap_next = cap;
	c->pos = 0;
	c->active = false;
}

void owners_facts_release(struct owners *o)
{
	struct facts_cache *c = &o->facts;

	owners_facts_end(o);
	for (; c->pos < c->n; c->pos++)
		ent_close(&c->v[c->pos]);
	free(c->v);
	free(c->next);
	memset(c, 0, sizeof(*c));
}

/* The last scan's entry of pid, taken out, or NULL; those of smaller pids
 * are closed: this scan met them not. */
static bool take_old(struct facts_cache *c, int pid, struct facts_ent *out)
{
	while (c->pos < c->n && c->v[c->pos].pid < pid)
		ent_close(&c->v[c->pos++]);
	if (c->pos < c->n && c->v[c->pos].pid == pid) {
		*out = c->v[c->pos++];
		return true;
	}
	return false;
}

static void keep(struct facts_cache *c, const struct facts_ent *e)
{
	c->next = xgrow(c->next, &c->cap_next, c->nnext + 1,
			sizeof(*c->next));
	c->next[c->nnext++] = *e;
}

/* Open pid's /proc files anew: its start time checked against start in
 * its stat file, then cmdline and cgroup opened in the same directory,
 * into e (-1 each that could not be opened). 0, -ESTALE (another
 * process), or -errno. */
static int open_fresh(int proc_fd, int pid, unsigned long long start,
		      struct facts_ent *e)
{
	struct proc_stat ps;
	char name[16];
	int pdir, rc;

	e->pid = pid;
	e->start = start;
	e->cmdline = -1;
	e->cgroup = -1;
	snprintf(name, sizeof(name), "%d", pid);
	pdir = openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pdir < 0)
		return -errno;
	rc = owners_read_stat(pdir, &ps);
	if (rc == 0 && ps.start_time != start)
		rc = -ESTALE;	/* the pid is another process's now */
	if (rc == 0) {
		e->cmdline = openat(pdir, "cmdline",
				    O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (e->cmdline < 0 && out_of_fds(errno))
			rc = -errno;
	}
	if (rc == 0) {
		e->cgroup = openat(pdir, "cgroup",
				   O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (e->cgroup < 0 && out_of_fds(errno))
			rc = -errno;
	}
	close(pdir);
	if (rc < 0) {
		ent_close(e);
		e->cmdline = -1;
		e->cgroup = -1;
	}
	return rc;
}

int owners_facts_held(struct owners *o, int pid, unsigned long long start,
		      const char *comm, uint32_t uid, struct proc_info *p)
{
	struct facts_cache *c = &o->facts;
	struct facts_ent e;
	int rc;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->start_time = start;
	p->uid = uid;
	p->comm_len = strnlen(comm, 15);
	memcpy(p->comm, comm, p->comm_len);
	p->comm[p->comm_len] = '\0';
	if (take_old(c, pid, &e)) {
		if (e.start == start && read_kept(e.cmdline, e.cgroup, p,
						  true) == 0) {
			o->stats.facts_kept++;
			/* kept while the budget, smaller now maybe, lasts */
			if (c->nnext < c->max)
				keep(c, &e);
			else
				ent_close(&e);
			return 0;
		}
		/* gone, another process, or a read refused: read anew, and
		 * let that say why */
		ent_close(&e);
	}
	rc = open_fresh(o->proc_fd, pid, start, &e);
	if (rc < 0 && out_of_fds(-rc) && held(c) > 0) {
		facts_shrink(c);
		rc = open_fresh(o->proc_fd, pid, start, &e);
	}
	if (rc < 0)
		return rc;
	read_kept(e.cmdline, e.cgroup, p, false);
	if (e.cmdline >= 0 && e.cgroup >= 0 && held(c) < c->max)
		keep(c, &e);
	else
		ent_close(&e);
	return 0;
}

uint32_t owners_comm_hash(const struct proc_stat *st)
{
	uint32_t h = 2166136261U;	/* FNV-1a */
	size_t i;

	for (i = 0; i < st->comm_len; i++) {
		h ^= (unsigned char)st->comm[i];
		h *= 16777619U;
	}
	return h;
}
