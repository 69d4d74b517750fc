/* owners_bpf_pass.c - one pass of the BPF owner iterator, read
 *
 * The iterator's output is a stream of table and socket records
 * (owners_bpf_rec.h), read through a 64 KiB buffer; a record cut by a read
 * waits for the next. The walk leaves a table that one call could not
 * finish to a continuation pass of its task, which resumes at the fd where
 * the call stopped, and is checked to be the same process. */
#include "config.h"

#ifdef HAVE_BPF
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "owners_bpf_priv.h"
#include "xalloc.h"

static void seen_add(struct seen **v, size_t *n, size_t *cap, int pid,
		     unsigned long long start,
		     const struct porttop_rec_table *h)
{
	struct seen *s;

	if (*n && (*v)[*n - 1].pid == pid)
		return;
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	s = &(*v)[(*n)++];
	s->pid = pid;
	s->uid = h->uid;
	s->start = start;
	memcpy(s->comm, h->comm, sizeof(s->comm));
	s->comm[sizeof(s->comm) - 1] = '\0';
}

/* What a pass has read so far, across reads and continuation passes. */
struct pass {
	struct worker *w;
	struct seen **seen;
	size_t *nseen, cap_seen;
	struct porttop_rec_table head;	/* of the records that follow */
	bool have_head;
	bool skip;		/* drop them: the test hook, or a pid reused */
	const struct more *resume;	/* a continuation pass's table, or
					 * NULL: the whole pass */
	bool filtered;		/* the walk's filter is on: every wanted
				 * socket's file is known already */
};

/* The table record at p; a continuation's table must be the process the
 * pass saw (a pid reused since is another's table). */
static void take_head(struct owners_bpf *b, struct pass *p, const char *rec)
{
	memcpy(&p->head, rec, sizeof(p->head));
	p->have_head = true;
	p->skip = (int)p->head.tgid == b->skip_pid;
	if (p->head.tag == PORTTOP_REC_CONT) {
		p->skip = p->skip || !p->resume ||
			  (int)p->head.tid != p->resume->tid ||
			  p->head.start != p->resume->start;
		return;
	}
	if (p->skip)
		return;
	b->visited = xgrow(b->visited, &b->cap_visited, b->nvisited + 1,
			   sizeof(*b->visited));
	b->visited[b->nvisited++] = (int)p->head.tgid;
}

/* A socket record (or PORTTOP_REC_MORE) of the current table. */
static void take_sock(struct owners_bpf *b, struct pass *p,
		      const struct porttop_rec_sock *r)
{
	const struct porttop_rec_table *h = &p->head;
	long long ns;

	if (!p->have_head || p->skip)
		return;
	if (r->fd == PORTTOP_REC_MORE) {
		/* a walk resumes further on, or not at all */
		if (p->resume && r->inode <= p->resume->fd)
			return;
		b->more = xgrow(b->more, &b->cap_more, b->nmore + 1,
				sizeof(*b->more));
		b->more[b->nmore].tid = (int)h->tid;
		b->more[b->nmore].fd = r->inode;
		b->more[b->nmore++].start = h->start;
		return;
	}
	if (!owners_table_find(p->w->o, r->inode))
		return;
	/* a filtered pass has nothing to learn (and a record of a file
	 * whose bits collide with a wanted one's says nothing of it) */
	if (!p->filtered)
		owners_filter_learn(&b->filter, r->inode, r->file);
	owners_push_holder(p->w, r->inode, (int)h->tgid, (int)h->tid,
			   (int)r->fd);
	ns = (long long)h->start + b->boot_offset;
	seen_add(p->seen, p->nseen, &p->cap_seen, (int)h->tgid,
		 (unsigned long long)(ns > 0 ? ns : 0) /
			 (1000000000ULL / (unsigned long long)b->hz),
		 h);
}

/* The whole records of buf[0..have) into p. Returns the bytes taken. */
static size_t take_records(struct owners_bpf *b, struct pass *p,
			   const char *buf, size_t have)
{
	struct porttop_rec_sock r;
	size_t off = 0;
	uint32_t tag;

	while (off + sizeof(r) <= have) {
		memcpy(&tag, buf + off, sizeof(tag));
		if (tag == PORTTOP_REC_TABLE || tag == PORTTOP_REC_CONT) {
			if (off + sizeof(p->head) > have)
				break;
			take_head(b, p, buf + off);
			off += sizeof(p->head);
			continue;
		}
		memcpy(&r, buf + off, sizeof(r));
		take_sock(b, p, &r);
		off += sizeof(r);
	}
	return off;
}

/* Read one iterator of the link to its end into p. Returns 0 or -errno. */
static int read_iter(struct owners_bpf *b, struct pass *p)
{
	union bpf_attr attr;
	size_t have = 0, off;
	int fd, rc = 0, again = 0;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (__u32)b->link_fd;
	fd = skel_sys_bpf(BPF_ITER_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	p->have_head = false;
	for (;;) {
		ssize_t n = read(fd, b->buf + have, OWNERS_BPF_READ_BUF - have);

		if (n < 0 && errno == EINTR)
			continue;
		/* the walk asks for a task again when its table went or was
		 * replaced under it: the read gets EAGAIN if that task was
		 * the first of it */
		if (n < 0 && errno == EAGAIN && ++again < 1000)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		off = take_records(b, p, b->buf, have);
		memmove(b->buf, b->buf + off, have - off);
		have -= off;
	}
	close(fd);
	return rc;
}

/* a global of the walk loaded (both variants have the same) */
#define WALK(b, var) (*((b)->walkd ? &(b)->walkd->bss->var : &(b)->walk->bss->var))

int owners_bpf_iterate(struct owners_bpf *b, struct worker *w,
		       struct seen **seen, size_t *nseen, bool filter)
{
	struct pass p = { .w = w, .seen = seen, .nseen = nseen,
			  .filtered = filter && (b->walk || b->walkd) };
	bool walk = b->walk || b->walkd;
	size_t i;
	int rc;

	b->nvisited = 0;
	b->nmore = 0;
	if (walk) {
		WALK(b, nr_files) = 0;
		WALK(b, nr_tables) = 0;
		WALK(b, resume_tid) = 0;
		WALK(b, nr_skipped) = 0;
		if (filter)
			owners_filter_fill(&b->filter, WALK(b, filter_bits),
					   PORTTOP_FILTER_WORDS);
		WALK(b, filter_on) = filter;
	} else {
		b->skel->bss->nr_files = 0;
		b->skel->bss->nr_tables = 0;
		b->skel->bss->last_pid = 0;
	}
	rc = read_iter(b, &p);
	/* only the walk leaves tables unfinished; b->more grows as we go */
	for (i = 0; rc == 0 && i < b->nmore; i++) {
		struct more m = b->more[i];

		WALK(b, resume_tid) = (__u32)m.tid;
		WALK(b, resume_fd) = m.fd;
		p.resume = &m;
		rc = read_iter(b, &p);
		p.resume = NULL;
	}
	if (walk) {
		WALK(b, resume_tid) = 0;
		w->stats.fds = WALK(b, nr_files);
		w->stats.procs = WALK(b, nr_tables);
		b->skipped = WALK(b, nr_skipped);
	} else {
		w->stats.fds = b->skel->bss->nr_files;
		w->stats.procs = b->skel->bss->nr_tables;
	}
	return rc;
}
#endif
