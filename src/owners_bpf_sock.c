/* owners_bpf_sock.c - the wanted sockets whose file no pass has seen, asked
 * of the sockets themselves (owners_sock.bpf.c: iter/tcp and iter/udp)
 *
 * A socket's struct file is set once, when it is made: socket(),
 * socketpair() and accept() give the new socket its file before any
 * other call can name it, so before it can be bound, listen or be
 * connected, and thus before any dump can show it with an inode. The
 * kernel makes sockets for itself (sock_create_kern(): VXLAN, WireGuard,
 * FOU, nfsd's and lockd's listeners, MPTCP's subflows) that never get one.
 * So a socket that a dump showed and that has no file when looked at here
 * had none before either, and can get none later: no fd held it during the
 * pass, nor ever will. But a user's socket being closed loses its file
 * too (sock->file is cleared at release): only a socket the kernel made
 * for itself (sk_kern_sock) is called the kernel's. That holds both when the check runs before the walk
 * and after it, and is checked again at every scan, never remembered. One
 * kernel socket gets a file later: the TCP socket that an SMC socket uses
 * is lent the SMC socket's file when SMC falls back to TCP, which it may
 * before it listens; so a TCP socket without a file is the kernel's only
 * when it listens and is no SMC socket's (owners_sock.bpf.c kind_of()),
 * else unknown. An MPTCP subflow never gets a file, but the MPTCP socket
 * it belongs to has one: it needs no slot of the walk, but it is not
 * called the kernel's.
 *
 * An iterator sees the sockets of the network namespace of the thread that
 * made it: porttop's own, then each other one that the scan was given
 * (owners_set_netns(), with -N), entered by a short-lived thread (nsrun(),
 * given by Source);
 * a socket of a namespace not given stays unknown. What they cost
 * is the sockets they visit (each is locked in turn): UDP's first, then
 * TCP's listeners only (the iterator gives them first), and neither after
 * the last socket asked for is found. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "owners_bpf.h"
#include "owners_bpf_priv.h"
#include "xalloc.h"

#ifdef HAVE_BPF
/* Load the programs and attach them: once; a failure is not retried. */
static int sock_start(struct owners_bpf *b)
{
	int rc;

	if (b->sock)
		return 0;
	if (b->sock_failed)
		return -ENOTSUP;
	b->sock_links[0] = b->sock_links[1] = -1;
	b->sock = porttop_sock__open();
	rc = b->sock ? porttop_sock__load(b->sock) : -ENOMEM;
	if (rc == 0)
		b->sock_links[0] = porttop_sock__porttop_tcp__attach(b->sock);
	if (rc == 0 && b->sock_links[0] >= 0)
		b->sock_links[1] = porttop_sock__porttop_udp__attach(b->sock);
	if (rc == 0 && (b->sock_links[0] < 0 || b->sock_links[1] < 0))
		rc = -EINVAL;
	if (rc == 0)
		return 0;
	/* the skeleton closes its links */
	porttop_sock__destroy(b->sock);
	b->sock = NULL;
	b->sock_failed = true;
	return rc < 0 ? rc : -EINVAL;
}

/* The record r of a wanted socket into the filter. False if it is not one
 * of the sockets asked for. */
static bool take(struct owners_filter *f, const struct porttop_rec_ksock *r)
{
	struct filter_entry *e = owners_filter_find(f, r->inode);

	/* the cookie tells a socket that got a gone one's inode number */
	if (!e || e->check != FILTER_CHECKED ||
	    (e->cookie && e->cookie != r->cookie))
		return false;
	if (r->kind == PORTTOP_SOCK_FILE) {
		owners_filter_learn(f, r->inode, r->file);
	} else if (r->kind == PORTTOP_SOCK_KERNEL) {
		e->check = FILTER_KERNEL;
		f->nkernel++;
	} else if (r->kind == PORTTOP_SOCK_MPTCP) {
		e->check = FILTER_SUBFLOW;
	}
	/* else PORTTOP_SOCK_UNSURE: not known */
	return true;
}

/* A new iterator of link, over the sockets of the calling thread's network
 * namespace: its fd, or -errno. */
static int iter_create(int link)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (__u32)link;
	fd = skel_sys_bpf(BPF_ITER_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* Read the iterator fd (closed here; -errno: none) into the filter until
 * its end, the end of the listeners (PORTTOP_SOCK_END), or *left asked
 * sockets were found. A read of one record's size returns as soon as the
 * program wrote one (the iterator stops there), so that the sockets after
 * are not visited at all. Returns 0 or -errno. */
static int read_iter(struct owners_bpf *b, int fd, size_t *left)
{
	struct porttop_rec_ksock r;
	size_t have = 0;
	int rc = 0;

	if (fd < 0)
		return fd;
	while (*left) {
		ssize_t n = read(fd, (char *)&r + have, sizeof(r) - have);

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		have += (size_t)n;
		if (have < sizeof(r))
			continue;
		have = 0;
		if (r.kind == PORTTOP_SOCK_END)
			break;
		if (take(&b->filter, &r))
			(*left)--;
	}
	close(fd);
	return rc;
}

/* The iterators of one other network namespace, made on a thread in it. */
struct ns_iters {
	struct owners_bpf *b;
	int fd[2];		/* of sock_links[]; -1 */
};

static int create_iters(void *arg)
{
	struct ns_iters *t = arg;
	int i;

	for (i = 0; i < 2; i++) {
		t->fd[i] = iter_create(t->b->sock_links[i]);
		if (t->fd[i] < 0)
			return t->fd[i];
	}
	return 0;
}

static void close_iters(struct ns_iters *t)
{
	int i;

	for (i = 0; i < 2; i++)
		if (t->fd[i] >= 0)
			close(t->fd[i]);
}

/* Put inode into the program's table (owners_sock_rec.h); false if its
 * probes are all taken (it is asked for by the next check). */
static bool table_add(__u32 *table, uint32_t inode)
{
	uint32_t slot = porttop_sock_slot(inode), i;

	for (i = 0; i < PORTTOP_SOCK_PROBES; i++) {
		__u32 *s = &table[(slot + i) & (PORTTOP_SOCK_SLOTS - 1)];

		if (*s == 0) {
			*s = inode;
			return true;
		}
	}
	return false;
}

/* Ask for the next (at most PORTTOP_SOCK_MAX) unchecked sockets whose file
 * is not known. Returns how many were asked for, or -errno. */
static int check_some(struct owners_bpf *b)
{
	struct owners_filter *f = &b->filter;
	__u32 *table = b->sock->bss->wanted_ino;
	size_t i, left;
	int n = 0, rc;

	memset(table, 0, PORTTOP_SOCK_SLOTS * sizeof(*table));
	for (i = 0; i < f->n && n < PORTTOP_SOCK_MAX; i++) {
		if (f->v[i].file || f->v[i].check != FILTER_UNCHECKED ||
		    !table_add(table, f->v[i].inode))
			continue;
		f->v[i].check = FILTER_CHECKED;
		n++;
	}
	if (n == 0)
		return 0;
	left = (size_t)n;
	/* UDP first: a host's UDP sockets are few, and the kernel's own
	 * are mostly UDP (tunnels) */
	rc = read_iter(b, iter_create(b->sock_links[1]), &left);
	if (rc == 0)
		rc = read_iter(b, iter_create(b->sock_links[0]), &left);
	/* then the other namespaces the sockets may be of (-N) */
	for (i = 0; rc == 0 && left && i < b->nnetns; i++) {
		struct ns_iters t = { .b = b, .fd = { -1, -1 } };

		/* one that cannot be entered: its sockets stay unknown */
		if (b->nsrun(b->netns_fds[i], create_iters, &t) < 0) {
			close_iters(&t);
			continue;
		}
		rc = read_iter(b, t.fd[1], &left);
		t.fd[1] = -1;
		if (rc == 0)
			rc = read_iter(b, t.fd[0], &left);
		t.fd[0] = -1;
		close_iters(&t);
	}
	return rc < 0 ? rc : n;
}
#endif

#ifdef HAVE_BPF
/* owners_bpf_sock_check() but for forgetting the namespaces given. */
static void check(struct owners_bpf *b, bool before)
{
	size_t i, unknown = 0;
	int rc;

	for (i = 0; i < b->filter.n; i++)
		if (!b->filter.v[i].file &&
		    b->filter.v[i].check == FILTER_UNCHECKED)
			unknown++;
	/* before the walk, only as many as one look: the first pass of a
	 * large host learns most files from the walk itself */
	if (unknown == 0 || (before && unknown > PORTTOP_SOCK_MAX) ||
	    sock_start(b) < 0)
		return;
	do
		rc = check_some(b);
	while (rc > 0 && !before);
}
#endif

bool owners_bpf_sock_check(struct owners_bpf *b, bool before)
{
#ifdef HAVE_BPF
	check(b, before);
#endif
	if (!before)
		b->nnetns = 0;	/* for this scan only */
	return owners_filter_known(&b->filter);
}

void owners_set_netns(struct owners *o, const int *fds, size_t n,
		      int (*run)(int netns_fd, int (*fn)(void *arg),
				 void *arg))
{
	struct owners_bpf *b = o->bpf;
	size_t i;

	if (!b)
		return;
	b->nsrun = run;
	b->nnetns = 0;
	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;	/* not opened: not asked */
		b->netns_fds = xgrow(b->netns_fds, &b->cap_netns,
				     b->nnetns + 1, sizeof(*b->netns_fds));
		b->netns_fds[b->nnetns++] = fds[i];
	}
}

bool owners_kernel(const struct owners *o, uint32_t inode)
{
	const struct filter_entry *e;

	/* asked of every socket of a refresh: most hosts have none */
	if (!o->bpf || !o->bpf->filter.nkernel)
		return false;
	e = owners_filter_find(&o->bpf->filter, inode);
	return e && e->check == FILTER_KERNEL;
}
