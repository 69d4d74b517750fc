/* snapshot.c - the plain input of the model: building and freeing one */
#include "config.h"
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inoset.h"
#include "xalloc.h"

void snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void snapshot_release(struct snapshot *s)
{
	size_t i;

	sock_vec_release(&s->socks);
	free(s->facts);
	free(s->holders);
	for (i = 0; i < s->nprocs; i++) {
		free(s->procs[i].cmdline);
		free(s->procs[i].cgroup);
	}
	free(s->procs);
	free(s->pfacts);
	free(s->ctxs);
	free(s->devices);
	for (i = 0; i < s->nusers; i++)
		free(s->users[i].name);
	free(s->users);
	free(s->netns);
	sock_vec_release(&s->conns);
	snapshot_init(s);
}

static bool same_bytes(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A record made on zeroed memory (owners_read_facts()) compares by its
 * bytes, fields added later too; but the strings by their text, and the
 * name up to its length. */
static bool same_proc(const struct proc_info *a, const struct proc_info *b)
{
	struct proc_info x = *a, y = *b;

	if (a->comm_len != b->comm_len || a->comm_len >= sizeof(a->comm) ||
	    !a->cmdline != !b->cmdline || a->cmdline_len != b->cmdline_len)
		return false;
	x.cmdline = y.cmdline = x.cgroup = y.cgroup = NULL;
	memset(x.comm + x.comm_len, 0, sizeof(x.comm) - x.comm_len);
	memset(y.comm + y.comm_len, 0, sizeof(y.comm) - y.comm_len);
	return same_bytes(&x, &y, sizeof(x)) &&
	       (!a->cmdline ||
		same_bytes(a->cmdline, b->cmdline, a->cmdline_len)) &&
	       same_str(a->cgroup, b->cgroup);
}

bool snapshot_same(const struct snapshot *a, const struct snapshot *b)
{
	size_t i;

	if (a->socks.n != b->socks.n || a->nholders != b->nholders ||
	    a->nprocs != b->nprocs || a->nctxs != b->nctxs ||
	    a->ndevices != b->ndevices || a->nusers != b->nusers ||
	    a->nnetns != b->nnetns || a->has_conns != b->has_conns ||
	    a->conns.n != b->conns.n || a->hidepid != b->hidepid ||
	    a->owners_incremental != b->owners_incremental ||
	    a->owners_full_age != b->owners_full_age)
		return false;
	/* records made on zeroed memory, then set field by field: their
	 * bytes compare every field, those added later too */
	if (!same_bytes(&a->owners, &b->owners, sizeof(a->owners)) ||
	    !same_bytes(&a->unread, &b->unread, sizeof(a->unread)))
		return false;
	if (!same_bytes(a->socks.v, b->socks.v,
			a->socks.n * sizeof(*a->socks.v)) ||
	    !same_bytes(a->facts, b->facts, a->socks.n * sizeof(*a->facts)) ||
	    !same_bytes(a->holders, b->holders,
			a->nholders * sizeof(*a->holders)) ||
	    !same_bytes(a->pfacts, b->pfacts, a->nprocs * sizeof(*a->pfacts)) ||
	    !same_bytes(a->ctxs, b->ctxs, a->nctxs * sizeof(*a->ctxs)) ||
	    !same_bytes(a->devices, b->devices,
			a->ndevices * sizeof(*a->devices)) ||
	    !same_bytes(a->conns.v, b->conns.v,
			a->conns.n * sizeof(*a->conns.v)))
		return false;
	for (i = 0; i < a->nprocs; i++)
		if (!same_proc(&a->procs[i], &b->procs[i]))
			return false;
	for (i = 0; i < a->nusers; i++)
		if (a->users[i].uid != b->users[i].uid ||
		    !same_str(a->users[i].name, b->users[i].name))
			return false;
	for (i = 0; i < a->nnetns; i++)
		if (a->netns[i].netns != b->netns[i].netns ||
		    strcmp(a->netns[i].name, b->netns[i].name) != 0)
			return false;
	return true;
}

static int cmp_inode(const void *a, const void *b)
{
	const struct sock_rec *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->cookie > y->cookie) - (x->cookie < y->cookie);
}

/* Sort v as a stable sort with cmp_inode() would, but by radix on the
 * inodes: tens of thousands of records of a hundred bytes. */
static void sort_by_inode(struct sock_vec *v, const uint32_t *keys)
{
	struct sock_rec *sorted;

	sorted = inoset_sorted(v->v, v->n, sizeof(*v->v), keys, cmp_inode);
	free(v->v);
	v->v = sorted;
	v->cap = v->n;
}

/* One record per inode (inode 0: per cookie), the first of each. A dump
 * rarely has a socket twice: then it is kept in its order, unsorted. */
static void dedupe(struct sock_vec *v)
{
	uint32_t *keys;
	size_t i, n = 0;

	if (v->n < 2)
		return;
	keys = xmalloc(v->n * sizeof(*keys));
	for (i = 0; i < v->n; i++)
		keys[i] = v->v[i].inode;
	if (inoset_distinct(keys, v->n)) {
		free(keys);
		return;
	}
	sort_by_inode(v, keys);
	free(keys);
	for (i = 0; i < v->n; i++) {
		if (n > 0 && v->v[n - 1].inode == v->v[i].inode &&
		    (v->v[i].inode != 0 || v->v[n - 1].cookie == v->v[i].cookie))
			continue;
		v->v[n++] = v->v[i];
	}
	v->n = n;
}

void snapshot_set_socks(struct snapshot *s, struct sock_vec *v)
{
	sock_vec_release(&s->socks);
	free(s->facts);
	s->socks = *v;
	memset(v, 0, sizeof(*v));
	dedupe(&s->socks);
	s->facts = xcalloc(s->socks.n ? s->socks.n : 1, sizeof(*s->facts));
}

uint32_t snapshot_add_proc(struct snapshot *s, const struct proc_info *p)
{
	size_t cap = s->cap_procs;
	struct proc_info *d;

	s->procs = xgrow(s->procs, &s->cap_procs, s->nprocs + 1,
			 sizeof(*s->procs));
	s->pfacts = xgrow(s->pfacts, &cap, s->nprocs + 1, sizeof(*s->pfacts));
	d = &s->procs[s->nprocs];
	*d = *p;
	d->cmdline = p->cmdline ? xmemdup(p->cmdline, p->cmdline_len) : NULL;
	d->cgroup = p->cgroup ? xstrdup(p->cgroup) : NULL;
	memset(&s->pfacts[s->nprocs], 0, sizeof(*s->pfacts));
	return (uint32_t)s->nprocs++;
}

void snapshot_add_holder(struct snapshot *s, size_t i,
			 const struct holder *h)
{
	struct sock_facts *f = &s->facts[i];

	s->holders = xgrow(s->holders, &s->cap_holders, s->nholders + 1,
			   sizeof(*s->holders));
	if (!f->nholders)
		f->holder = (uint32_t)s->nholders;
	s->holders[s->nholders++] = *h;
	f->nholders++;
}

uint32_t snapshot_add_context(struct snapshot *s, const struct context *c)
{
	s->ctxs = xgrow(s->ctxs, &s->cap_ctxs, s->nctxs + 1, sizeof(*s->ctxs));
	s->ctxs[s->nctxs++] = *c;
	return (uint32_t)s->nctxs;
}

uint32_t snapshot_add_device(struct snapshot *s, uint64_t netns,
			     uint32_t ifindex, const char *name)
{
	struct snap_device *d;

	s->devices = xgrow(s->devices, &s->cap_devices, s->ndevices + 1,
			   sizeof(*s->devices));
	d = &s->devices[s->ndevices++];
	d->netns = netns;
	d->ifindex = ifindex;
	snprintf(d->name, sizeof(d->name), "%s", name);
	return (uint32_t)s->ndevices;
}

void snapshot_add_user(struct snapshot *s, uint32_t uid, const char *name)
{
	s->users = xgrow(s->users, &s->cap_users, s->nusers + 1,
			 sizeof(*s->users));
	s->users[s->nusers].uid = uid;
	s->users[s->nusers++].name = name ? xstrdup(name) : NULL;
}

bool snapshot_user(const struct snapshot *s, uint32_t uid, const char **name)
{
	size_t i;

	for (i = 0; i < s->nusers; i++)
		if (s->users[i].uid == uid) {
			*name = s->users[i].name;
			return true;
		}
	*name = NULL;
	return false;
}

struct snap_netns *snapshot_add_netns(struct snapshot *s, uint64_t netns,
				      const char *name,
				      const struct port_ranges *ranges)
{
	struct snap_netns *n;

	s->netns = xgrow(s->netns, &s->cap_netns, s->nnetns + 1,
			 sizeof(*s->netns));
	n = &s->netns[s->nnetns++];
	memset(n, 0, sizeof(*n));
	n->netns = netns;
	if (name)
		snprintf(n->name, sizeof(n->name), "%s", name);
	n->ranges = ranges;
	return n;
}
