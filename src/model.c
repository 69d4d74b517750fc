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

static void release_detached(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nprocs; i++) {
		free(m->procs[i].cmdline);
		free(m->procs[i].cgroup);
	}
	free(m->procs);
	free(m->holders);
	m->procs = NULL;
	m->holders = NULL;
	m->nprocs = 0;
	m->detached = false;
}

/* The row's label, made on first use. */
static struct row_label *label_mut(struct model *m, struct row *r)
{
	if (!r->label) {
		m->labels = xgrow(m->labels, &m->cap_labels, m->nlabels + 1,
				  sizeof(*m->labels));
		r->label = xcalloc(1, sizeof(*r->label));
		m->labels[m->nlabels++] = r->label;
	}
	return r->label;
}

static void labels_release(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	free(m->labels);
	m->labels = NULL;
	m->nlabels = 0;
	m->cap_labels = 0;
}

void model_release(struct model *m)
{
	size_t i;

	release_detached(m);
	labels_release(m);
	sock_vec_release(&m->socks);
	free(m->rows);
	for (i = 0; i < m->nusers; i++)
		free(m->users[i].name);
	free(m->users);
	free(m->ranges);
	model_init(m);
}

/* The port ranges of every namespace the sockets come from. */
static void learn_ranges(struct model *m, const struct model_input *in)
{
	size_t i, j;

	free(m->ranges);
	m->ranges = NULL;
	m->nranges = 0;
	for (i = 0; in->ranges && i < m->socks.n; i++) {
		uint64_t ns = m->socks.v[i].netns;
		struct port_ranges pr;

		for (j = 0; j < m->nranges; j++)
			if (m->ranges[j].netns == ns)
				break;
		if (j < m->nranges || in->ranges(ns, &pr, in->ranges_data) < 0)
			continue;
		m->ranges = xrealloc(m->ranges,
				     (m->nranges + 1) * sizeof(*m->ranges));
		m->ranges[m->nranges].netns = ns;
		m->ranges[m->nranges++].r = pr;
	}
}

const struct port_ranges *model_ranges(const struct model *m, uint64_t netns)
{
	size_t i;

	for (i = 0; i < m->nranges; i++)
		if (m->ranges[i].netns == netns)
			return &m->ranges[i].r;
	return m->registry ? registry_ranges(m->registry) : NULL;
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

static int cmp_default(const struct row *a, const struct row *b)
{
	const struct sock_rec *x = a->sock, *y = b->sock;
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
	if (x->netns != y->netns)
		return x->netns < y->netns ? -1 : 1;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

static int cmp_row(const void *a, const void *b)
{
	return cmp_default(a, b);
}

static const struct user_name *find_user(const struct model *m, uint32_t uid)
{
	size_t i;

	for (i = 0; i < m->nusers; i++)
		if (m->users[i].uid == uid)
			return &m->users[i];
	return NULL;
}

static void remember_user(struct model *m, uint32_t uid)
{
	struct passwd *pw;

	if (find_user(m, uid) || m->nusers > 4096)
		return;
	m->users = xgrow(m->users, &m->cap_users, m->nusers + 1,
			 sizeof(*m->users));
	pw = getpwuid(uid);
	m->users[m->nusers].uid = uid;
	m->users[m->nusers].name = pw ? xstrdup(pw->pw_name) : NULL;
	m->nusers++;
}

bool model_v4_mapped(const struct sock_rec *s)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return s->family == AF_INET6 && memcmp(s->addr, mapped, 12) == 0;
}

/* 0.0.0.0, ::, or ::ffff:0.0.0.0 (IPv4-any on an IPv6 socket) */
static bool is_any(const struct sock_rec *s)
{
	static const uint8_t zero[16];

	if (model_v4_mapped(s))
		return memcmp(s->addr + 12, zero, 4) == 0;
	return memcmp(s->addr, zero, s->family == AF_INET ? 4 : 16) == 0;
}

static bool is_loopback(const struct sock_rec *s)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (s->family == AF_INET)
		return s->addr[0] == 127;
	if (memcmp(s->addr, lo6, 16) == 0)
		return true;
	return model_v4_mapped(s) && s->addr[12] == 127;
}

static enum exposure exposure_of(const struct row *r)
{
	if (is_loopback(r->sock) || strcmp(r->device, "lo") == 0)
		return EXPOSE_LOOPBACK;
	if (r->sock->ifindex)
		return EXPOSE_DEVICE;
	if (is_any(r->sock))
		return EXPOSE_ALL;
	return EXPOSE_ADDRESS;
}

/* The first row at or after (proto, port) in rows sorted by cmp_default. */
static size_t lower_bound(const struct model *m, uint8_t proto, uint16_t port)
{
	size_t lo = 0, hi = m->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sock_rec *s = m->rows[mid].sock;

		if (s->proto < proto || (s->proto == proto && s->port < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool same_listener(const struct sock_rec *a, const struct sock_rec *b)
{
	return a->proto == IPPROTO_TCP && b->proto == IPPROTO_TCP &&
	       a->port == b->port && a->family == b->family &&
	       a->ifindex == b->ifindex && a->netns == b->netns &&
	       memcmp(a->addr, b->addr, 16) == 0;
}

/* TCP listeners on the same address and port (in one namespace) can only
 * be a SO_REUSEPORT group. The rows must be in the default order, which
 * puts a group's members next to each other, lowest inode first. */
static void find_groups(struct model *m)
{
	size_t i = 0, j, k;

	while (i < m->nrows) {
		for (j = i + 1; j < m->nrows &&
				same_listener(m->rows[i].sock, m->rows[j].sock);
		     j++)
			;
		for (k = i; j - i > 1 && k < j; k++) {
			m->rows[k].group = m->rows[i].sock->inode;
			m->rows[k].group_size = (uint32_t)(j - i);
			m->rows[k].group_lead = k == i;
		}
		i = j;
	}
}

/* The first of a group's rows that passed the filter leads it. */
static void lead_groups(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nrows; i++)
		m->rows[i].group_lead = m->rows[i].group &&
					(i == 0 || m->rows[i - 1].group !=
							   m->rows[i].group);
}

/* The kernel does not say which member of a group accepted a connection:
 * each member gets the group's count. */
static void share_group_conns(struct model *m)
{
	size_t i = 0, j, k;

	while (i < m->nrows) {
		uint32_t sum = m->rows[i].conns;

		for (j = i + 1; j < m->nrows && m->rows[i].group &&
				m->rows[j].group == m->rows[i].group;
		     j++)
			sum += m->rows[j].conns;
		for (k = i; k < j; k++)
			m->rows[k].conns = sum;
		i = j;
	}
}

/* Count established connections per listener: same protocol and port, and
 * the same local address or a wildcard that covers it. The rows must be in
 * the default order. */
static void count_conns(struct model *m, const struct sock_vec *conns)
{
	size_t i, j;

	m->has_conns = true;
	for (i = 0; i < conns->n; i++) {
		const struct sock_rec *c = &conns->v[i];
		struct row *wild = NULL, *exact = NULL;

		for (j = lower_bound(m, IPPROTO_TCP, c->port); j < m->nrows; j++) {
			struct row *r = &m->rows[j];
			const struct sock_rec *s = r->sock;

			if (s->proto != IPPROTO_TCP || s->port != c->port)
				break;
			if (s->netns != c->netns)
				continue;
			if (s->family == c->family &&
			    memcmp(s->addr, c->addr, 16) == 0)
				exact = r;
			else if (is_any(s) && (s->family == c->family ||
					       (s->family == AF_INET6 &&
						s->v6only == 0)))
				wild = r;
		}
		if (exact)
			exact->conns++;
		else if (wild)
			wild->conns++;
	}
	share_group_conns(m);
}

const char *model_proc_cgroup(const struct proc_info *p, struct context *ctx,
			      size_t *len)
{
	const char *path = NULL;

	memset(ctx, 0, sizeof(*ctx));
	*len = 0;
	if (p->cgroup)
		context_from_cgroup_file(p->cgroup, strlen(p->cgroup), ctx,
					 &path, len);
	return path;
}

/* The unit or container (runtime:short id) of a process's cgroups, or of
 * a socket's cgroup v2 path when proc is NULL. */
static void label_from_cgroup(struct model *m, struct row *r,
			      const struct proc_info *proc, const char *path)
{
	struct context ctx;
	struct row_label *l;
	size_t len;

	if (proc)
		model_proc_cgroup(proc, &ctx, &len);
	else
		context_from_cgroup(path, strlen(path), &ctx);
	if (!ctx.unit[0] && !ctx.runtime[0])
		return;
	l = label_mut(m, r);
	l->ctx = ctx;
	if (ctx.runtime[0])
		snprintf(l->unit, sizeof(l->unit), "%s:%.12s", ctx.runtime,
			 ctx.id);
	else
		snprintf(l->unit, sizeof(l->unit), "%s", ctx.unit);
}

static void join_row(struct model *m, struct row *r, const struct sock_rec *s,
		     const struct model_input *in)
{
	struct owner_facts facts;
	size_t j;

	memset(r, 0, sizeof(*r));
	r->sock = s;
	r->nholders = in->owners ? owners_lookup(in->owners, s->inode,
						 &r->holders) : 0;
	if (in->owners)
		owners_facts(in->owners, s->inode, &facts);
	else
		memset(&facts, 0, sizeof(facts));
	facts.closed = in->gone && inoset_has(in->gone, s->inode);
	r->status = owner_status_decide(&facts);
	r->service = in->registry ? registry_lookup(in->registry, s->port,
						    s->proto) : NULL;
	r->cls = registry_class(s->port);
	if (s->ifindex && (!in->ifname ||
			   in->ifname(s->netns, s->ifindex, r->device,
				      in->ifname_data) < 0))
		snprintf(r->device, sizeof(r->device), "if%u", s->ifindex);
	r->exposure = exposure_of(r);
	if (in->netns_name) {
		const char *name = in->netns_name(s->netns, in->netns_data);

		if (name)
			snprintf(label_mut(m, r)->netns_name,
				 sizeof(r->label->netns_name), "%s", name);
	}
	remember_user(m, s->uid);
	for (j = 0; j < r->nholders; j++) {
		const struct proc_info *p = model_proc(m, &r->holders[j]);

		if (!p)
			continue;
		remember_user(m, p->uid);
		if (j == 0)
			label_from_cgroup(m, r, p, NULL);
	}
	/* no holder to ask: the socket's own cgroup still tells the unit */
	if (!row_unit(r)[0] && s->cgroup_id && in->cgroup_path) {
		const char *path = in->cgroup_path(s->cgroup_id, in->cgroup_data);

		if (path)
			label_from_cgroup(m, r, NULL, path);
	}
}

/* Is process p a forwarder: its argv says where it forwards (addr, port),
 * and it is the real binary run by root, not a command line that only
 * looks like one? */
static bool is_forwarder(const struct proc_info *p,
			 const struct model_input *in, char *addr,
			 size_t size, unsigned *port)
{
	char exe[4096];

	if (!p || p->uid != 0 || !p->cmdline || !in->exe_path ||
	    !context_forward(p->cmdline, p->cmdline_len, addr, size, port))
		return false;
	return in->exe_path(p->pid, exe, sizeof(exe), in->exe_data) == 0 &&
	       context_forwarder_exe(exe);
}

/* A forwarder such as docker-proxy must not hide the container behind it:
 * find its target, and the listener in another namespace that is the
 * target's port, held in a container. */
static void link_forwarders(struct model *m, const struct model_input *in)
{
	size_t i, j;

	for (i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		const struct proc_info *p =
			r->nholders ? model_proc(m, &r->holders[0]) : NULL;
		const struct row *target = NULL;
		struct row_label *l;
		char addr[48];
		unsigned port;

		if (!is_forwarder(p, in, addr, sizeof(addr), &port))
			continue;
		l = label_mut(m, r);
		snprintf(l->forward, sizeof(l->forward), "%s:%u", addr, port);
		for (j = 0; j < m->nrows; j++) {
			const struct row *t = &m->rows[j];

			if (t->sock->port == port && t->sock->proto == r->sock->proto &&
			    t->sock->netns != r->sock->netns &&
			    row_ctx(t)->runtime[0]) {
				target = t;
				l->ctx = *row_ctx(t);
				snprintf(l->unit, sizeof(l->unit), "%.20s",
					 row_unit(t));
				break;
			}
		}
		if (!target)
			snprintf(l->unit, sizeof(l->unit), "-> %s", l->forward);
	}
}

void model_build(struct model *m, const struct model_input *in)
{
	size_t i, n = 0;

	release_detached(m);
	labels_release(m);
	sock_vec_release(&m->socks);
	free(m->rows);
	m->rows = NULL;
	m->nrows = 0;
	m->socks = *in->socks;
	memset(in->socks, 0, sizeof(*in->socks));
	m->owners = in->owners;
	m->registry = in->registry;
	m->has_conns = false;
	m->hidden_owners = 0;
	if (in->owners)
		m->unread = owners_stats(in->owners)->unread;
	else
		memset(&m->unread, 0, sizeof(m->unread));
	dedupe(&m->socks);
	learn_ranges(m, in);

	m->rows = xcalloc(m->socks.n, sizeof(*m->rows));
	for (i = 0; i < m->socks.n; i++) {
		join_row(m, &m->rows[i], &m->socks.v[i], in);
		if (m->socks.v[i].netns)
			m->netns = m->socks.v[i].netns;
	}
	m->nrows = m->socks.n;
	/* before the filter: a forwarder's target and the other members of
	 * a group may be filtered out */
	link_forwarders(m, in);
	if (m->nrows > 1)
		qsort(m->rows, m->nrows, sizeof(*m->rows), cmp_row);
	find_groups(m);
	for (i = 0; i < m->socks.n; i++) {
		struct row *r = &m->rows[i];

		if (in->filter && !filter_match(in->filter, m, r))
			continue;
		if (owner_status_uncertain(r->status))
			m->hidden_owners++;
		m->rows[n++] = *r;
	}
	m->nrows = n;
	lead_groups(m);
	if (in->conns)
		count_conns(m, in->conns);
}

struct sort_ctx {
	const struct model *m;
	enum col_id col;
	bool reverse;
};

static int cmp_by_column(const void *a, const void *b, void *data)
{
	const struct sort_ctx *ctx = data;
	int c = columns[ctx->col].cmp(ctx->m, a, b);

	if (ctx->reverse)
		c = -c;
	return c ? c : cmp_default(a, b);
}

void model_sort(struct model *m, enum col_id col, bool reverse)
{
	struct sort_ctx ctx = { m, col, reverse };

	if (m->nrows < 2 || col >= COL__COUNT)
		return;
	qsort_r(m->rows, m->nrows, sizeof(*m->rows), cmp_by_column, &ctx);
}

const char *model_user(const struct model *m, uint32_t uid)
{
	const struct user_name *u = find_user(m, uid);

	return u ? u->name : NULL;
}

const struct proc_info *model_proc(const struct model *m,
				   const struct holder *h)
{
	if (m->detached)
		return h->proc < m->nprocs ? &m->procs[h->proc] : NULL;
	return m->owners ? owners_proc(m->owners, h->proc) : NULL;
}

void model_address(const struct row *r, char *out, size_t size)
{
	if (!inet_ntop(r->sock->family, r->sock->addr, out, (socklen_t)size))
		snprintf(out, size, "?");
}

const char *exposure_name(enum exposure e)
{
	switch (e) {
	case EXPOSE_LOOPBACK:
		return "loopback";
	case EXPOSE_ADDRESS:
		return "address";
	case EXPOSE_DEVICE:
		return "device";
	case EXPOSE_ALL:
		return "all";
	}
	return "all";
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The new index of old process index idx in the sorted set, or UINT32_MAX. */
static uint32_t proc_slot(const uint32_t *set, size_t n, uint32_t idx)
{
	const uint32_t *hit = n ? bsearch(&idx, set, n, sizeof(*set), cmp_u32)
				: NULL;

	return hit ? (uint32_t)(hit - set) : UINT32_MAX;
}

void model_detach(struct model *m)
{
	size_t i, j, n = 0, k = 0, nset = 0;
	uint32_t *set;

	if (m->detached)
		return;
	for (i = 0; i < m->nrows; i++)
		n += m->rows[i].nholders;
	m->holders = n ? xmalloc(n * sizeof(*m->holders)) : NULL;
	set = xmalloc((n ? n : 1) * sizeof(*set));
	for (i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];

		if (!r->nholders) {
			r->holders = NULL;
			continue;
		}
		memcpy(&m->holders[k], r->holders,
		       r->nholders * sizeof(*r->holders));
		r->holders = &m->holders[k];
		for (j = 0; j < r->nholders; j++)
			if (model_proc(m, &m->holders[k + j]))
				set[nset++] = m->holders[k + j].proc;
		k += r->nholders;
	}
	if (nset > 1)
		qsort(set, nset, sizeof(*set), cmp_u32);
	for (i = 0, j = 0; i < nset; i++)
		if (j == 0 || set[j - 1] != set[i])
			set[j++] = set[i];
	nset = j;
	m->procs = nset ? xcalloc(nset, sizeof(*m->procs)) : NULL;
	for (i = 0; i < nset; i++) {
		const struct proc_info *p = owners_proc(m->owners, set[i]);
		struct proc_info *d = &m->procs[i];

		*d = *p;
		d->cmdline = p->cmdline ? xmemdup(p->cmdline, p->cmdline_len)
					: NULL;
		d->cgroup = p->cgroup ? xstrdup(p->cgroup) : NULL;
	}
	for (i = 0; i < n; i++)
		m->holders[i].proc = proc_slot(set, nset, m->holders[i].proc);
	free(set);
	m->nprocs = nset;
	m->detached = true;
}
