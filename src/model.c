/* model.c - the join of sockets, owners and the registry */
#include "config.h"
#include "model.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "xalloc.h"

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

void model_release(struct model *m)
{
	size_t i;

	sock_vec_release(&m->socks);
	free(m->rows);
	for (i = 0; i < m->nusers; i++)
		free(m->users[i].name);
	free(m->users);
	model_init(m);
}

static int cmp_inode(const void *a, const void *b)
{
	const struct sock_rec *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->cookie > y->cookie) - (x->cookie < y->cookie);
}

/* A dump is not a snapshot: a socket may come twice. Keep one per inode
 * (inode 0 is a socket without a file: keep those by cookie). */
static void dedupe(struct sock_vec *v)
{
	size_t i, n = 0;

	if (v->n < 2)
		return;
	qsort(v->v, v->n, sizeof(*v->v), cmp_inode);
	for (i = 0; i < v->n; i++) {
		if (n > 0 && v->v[n - 1].inode == v->v[i].inode &&
		    (v->v[i].inode != 0 || v->v[n - 1].cookie == v->v[i].cookie))
			continue;
		v->v[n++] = v->v[i];
	}
	v->n = n;
}

static int cmp_row(const void *a, const void *b)
{
	const struct sock_rec *x = ((const struct row *)a)->sock;
	const struct sock_rec *y = ((const struct row *)b)->sock;
	int c;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = memcmp(x->addr, y->addr, x->family == AF_INET ? 4 : 16);
	if (c)
		return c;
	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

static void remember_user(struct model *m, uint32_t uid)
{
	struct passwd *pw;
	size_t i;

	for (i = 0; i < m->nusers; i++)
		if (m->users[i].uid == uid)
			return;
	m->users = xgrow(m->users, &m->cap_users, m->nusers + 1,
			 sizeof(*m->users));
	pw = getpwuid(uid);
	m->users[m->nusers].uid = uid;
	m->users[m->nusers].name = pw ? xstrdup(pw->pw_name) : NULL;
	m->nusers++;
}

void model_build(struct model *m, struct sock_vec *socks,
		 const struct owners *owners, const struct registry *registry,
		 model_ifname_fn ifname, void *ifname_data)
{
	size_t i, j;

	sock_vec_release(&m->socks);
	free(m->rows);
	m->socks = *socks;
	memset(socks, 0, sizeof(*socks));
	m->owners = owners;
	m->registry = registry;
	dedupe(&m->socks);

	m->rows = xcalloc(m->socks.n, sizeof(*m->rows));
	m->nrows = m->socks.n;
	for (i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		const struct sock_rec *s = &m->socks.v[i];

		r->sock = s;
		if (s->netns)
			m->netns = s->netns;
		r->nholders = owners ? owners_lookup(owners, s->inode,
						     &r->holders) : 0;
		if (r->nholders > 0)
			r->status = OWNER_OK;
		else if (owners)
			r->status = owners_why_none(owners, s->uid);
		else
			r->status = OWNER_NONE;
		r->service = registry ? registry_lookup(registry, s->port,
							s->proto) : NULL;
		r->cls = registry_class(s->port);
		if (s->ifindex && (!ifname ||
				   ifname(s->ifindex, r->device, ifname_data) < 0))
			snprintf(r->device, sizeof(r->device), "if%u",
				 s->ifindex);
		remember_user(m, s->uid);
		for (j = 0; j < r->nholders; j++) {
			const struct proc_info *p = model_proc(m, &r->holders[j]);

			if (p)
				remember_user(m, p->uid);
		}
	}
	qsort(m->rows, m->nrows, sizeof(*m->rows), cmp_row);
}

const char *model_user(const struct model *m, uint32_t uid)
{
	size_t i;

	for (i = 0; i < m->nusers; i++)
		if (m->users[i].uid == uid)
			return m->users[i].name;
	return NULL;
}

const struct proc_info *model_proc(const struct model *m,
				   const struct holder *h)
{
	return m->owners ? owners_proc(m->owners, h->proc) : NULL;
}

void model_address(const struct row *r, char *out, size_t size)
{
	if (!inet_ntop(r->sock->family, r->sock->addr, out, (socklen_t)size))
		snprintf(out, size, "?");
}
