/* model.c - the join of a snapshot and the registry: a pure function */
#include "config.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "inoset.h"
#include "xalloc.h"

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
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
	labels_release(m);
	snapshot_release(&m->snap);
	free(m->rows);
	free(m->ranges);
	model_init(m);
}

/* The port ranges of the namespaces the snapshot has them for: copied,
 * the snapshot only borrows them. */
static void learn_ranges(struct model *m)
{
	size_t i;

	free(m->ranges);
	m->ranges = NULL;
	m->nranges = 0;
	for (i = 0; i < m->snap.nnetns; i++) {
		if (!m->snap.netns[i].ranges)
			continue;
		m->ranges = xrealloc(m->ranges,
				     (m->nranges + 1) * sizeof(*m->ranges));
		m->ranges[m->nranges].netns = m->snap.netns[i].netns;
		m->ranges[m->nranges++].r = *m->snap.netns[i].ranges;
		m->snap.netns[i].ranges = NULL;
	}
}

static const struct snap_netns *find_netns(const struct model *m,
					   uint64_t netns)
{
	size_t i;

	for (i = 0; i < m->snap.nnetns; i++)
		if (m->snap.netns[i].netns == netns)
			return &m->snap.netns[i];
	return NULL;
}

const struct port_ranges *model_ranges(const struct model *m, uint64_t netns)
{
	size_t i;

	for (i = 0; i < m->nranges; i++)
		if (m->ranges[i].netns == netns)
			return &m->ranges[i].r;
	return m->registry ? registry_ranges(m->registry) : NULL;
}

/* The default order of rows, of their sockets. */
static int sock_cmp(const struct sock_rec *x, const struct sock_rec *y)
{
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

int model_row_cmp(const struct row *a, const struct row *b)
{
	return sock_cmp(a->sock, b->sock);
}

static int cmp_sock_ptr(const void *a, const void *b)
{
	return sock_cmp(*(const struct sock_rec *const *)a,
			*(const struct sock_rec *const *)b);
}

/* The snapshot's sockets in the default order of rows, as indexes into
 * order: by radix on protocol and port, then runs of one port compared
 * (tens of thousands of rows at every refresh, few on one port). */
static void order_socks(const struct model *m, uint32_t *order)
{
	const struct sock_rec *v = m->snap.socks.v;
	size_t n = m->snap.socks.n, i, j, k;
	uint32_t *keys = xmalloc((n ? n : 1) * sizeof(*keys));
	const struct sock_rec **run = NULL;
	size_t cap = 0;

	for (i = 0; i < n; i++)
		keys[i] = (uint32_t)v[i].proto << 16 | v[i].port;
	inoset_order(keys, n, order);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && keys[order[j]] == keys[order[i]]; j++)
			;
		if (j - i < 2)
			continue;
		run = xgrow(run, &cap, j - i, sizeof(*run));
		for (k = i; k < j; k++)
			run[k - i] = &v[order[k]];
		qsort(run, j - i, sizeof(*run), cmp_sock_ptr);
		for (k = i; k < j; k++)
			order[k] = (uint32_t)(run[k - i] - v);
	}
	free(run);
	free(keys);
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

/* The first row at or after (proto, port) in rows sorted by model_row_cmp. */
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

/* Label row r with a unit or container (runtime:short id). */
static void label_from_context(struct model *m, struct row *r,
			       const struct context *ctx)
{
	struct row_label *l;

	if (!ctx->unit[0] && !ctx->runtime[0])
		return;
	l = label_mut(m, r);
	l->ctx = *ctx;
	if (ctx->runtime[0])
		snprintf(l->unit, sizeof(l->unit), "%s:%.12s", ctx->runtime,
			 ctx->id);
	else
		snprintf(l->unit, sizeof(l->unit), "%s", ctx->unit);
}

static void join_row(struct model *m, struct row *r, size_t i)
{
	const struct sock_rec *s = &m->snap.socks.v[i];
	const struct sock_facts *f = &m->snap.facts[i];
	const struct snap_netns *ns;
	struct owner_facts owner;

	memset(r, 0, sizeof(*r));
	r->sock = s;
	r->nholders = f->nholders;
	r->holders = f->nholders ? &m->snap.holders[f->holder] : NULL;
	owner = m->snap.owners;
	owner.nholders = f->nholders;
	owner.closed = f->closed;
	owner.holder_exited = f->holder_exited;
	owner.kernel = f->kernel;
	r->status = owner_status_decide(&owner);
	r->activated = f->activated;
	if (f->ctx && f->ctx <= m->snap.nctxs)
		r->sock_ctx = &m->snap.ctxs[f->ctx - 1];
	r->service = m->registry ? registry_lookup(m->registry, s->port,
						   s->proto) : NULL;
	r->cls = registry_class(s->port);
	if (s->ifindex && f->device && f->device <= m->snap.ndevices)
		snprintf(r->device, sizeof(r->device), "%s",
			 m->snap.devices[f->device - 1].name);
	else if (s->ifindex)
		snprintf(r->device, sizeof(r->device), "if%u", s->ifindex);
	r->exposure = exposure_of(r);
	ns = find_netns(m, s->netns);
	if (ns && ns->name[0])
		snprintf(label_mut(m, r)->netns_name,
			 sizeof(r->label->netns_name), "%s", ns->name);
	if (r->nholders) {
		const struct proc_facts *pf = model_proc_facts(m, &r->holders[0]);

		if (pf)
			label_from_context(m, r, &pf->ctx);
	}
	/* no holder to ask: the socket's own cgroup still tells the unit */
	if (!row_unit(r)[0] && f->ctx && f->ctx <= m->snap.nctxs)
		label_from_context(m, r, &m->snap.ctxs[f->ctx - 1]);
}

/* A forwarder such as docker-proxy must not hide the container behind it:
 * the listener in another namespace on the forwarder's target port, held
 * in a container. */
static void link_forwarders(struct model *m)
{
	size_t i, j;

	for (i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		const struct proc_facts *pf =
			r->nholders ? model_proc_facts(m, &r->holders[0]) : NULL;
		const struct row *target = NULL;
		struct row_label *l;

		if (!pf || !pf->forward[0])
			continue;
		l = label_mut(m, r);
		snprintf(l->forward, sizeof(l->forward), "%s", pf->forward);
		for (j = 0; j < m->nrows; j++) {
			const struct row *t = &m->rows[j];

			if (t->sock->port == pf->forward_port &&
			    t->sock->proto == r->sock->proto &&
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

void model_build(struct model *m, struct snapshot *snap,
		 const struct registry *reg, model_keep_fn keep,
		 const void *data)
{
	size_t i, n = 0;
	uint32_t *order, top = 0;

	labels_release(m);
	snapshot_release(&m->snap);
	free(m->rows);
	m->rows = NULL;
	m->nrows = 0;
	m->snap = *snap;
	snapshot_init(snap);
	m->registry = reg;
	m->has_conns = false;
	m->hidden_owners = 0;
	m->unread = m->snap.unread;
	m->hidepid = m->snap.hidepid;
	m->owners_incremental = m->snap.owners_incremental;
	m->owners_full_age = m->snap.owners_full_age;
	learn_ranges(m);

	/* the rows are made in their default order */
	order = xmalloc((m->snap.socks.n ? m->snap.socks.n : 1) *
			sizeof(*order));
	order_socks(m, order);
	m->rows = xmalloc((m->snap.socks.n ? m->snap.socks.n : 1) *
			  sizeof(*m->rows));
	for (i = 0; i < m->snap.socks.n; i++) {
		const struct sock_rec *s = &m->snap.socks.v[i];

		join_row(m, &m->rows[i], order[i]);
		/* the namespace of the highest inode (with -N, one of them) */
		if (s->netns && s->inode >= top) {
			m->netns = s->netns;
			top = s->inode;
		}
	}
	free(order);
	m->nrows = m->snap.socks.n;
	/* before the filter: a forwarder's target and the other members of
	 * a group may be filtered out */
	link_forwarders(m);
	find_groups(m);
	for (i = 0; i < m->snap.socks.n; i++) {
		struct row *r = &m->rows[i];

		if (keep && !keep(m, r, data))
			continue;
		if (owner_status_uncertain(r->status))
			m->hidden_owners++;
		if (r != &m->rows[n])
			m->rows[n] = *r;
		n++;
	}
	m->nrows = n;
	lead_groups(m);
	if (m->snap.has_conns)
		count_conns(m, &m->snap.conns);
	/* counted: the connections are not needed any more */
	sock_vec_release(&m->snap.conns);
	m->built = true;
}

bool model_built_from(const struct model *m, const struct snapshot *snap)
{
	size_t i, k = 0;

	if (!m->built || m->snap.has_conns || snap->has_conns ||
	    !snapshot_same(&m->snap, snap))
		return false;
	/* the namespaces' own ranges, which learn_ranges() moved */
	for (i = 0; i < snap->nnetns; i++) {
		const struct snap_netns *ns = &snap->netns[i];

		if (!ns->ranges)
			continue;
		if (k >= m->nranges || m->ranges[k].netns != ns->netns ||
		    memcmp(&m->ranges[k].r, ns->ranges, sizeof(*ns->ranges)))
			return false;
		k++;
	}
	return k == m->nranges;
}

const char *model_user(const struct model *m, uint32_t uid)
{
	const char *name;

	snapshot_user(&m->snap, uid, &name);
	return name;
}

const struct proc_info *model_proc(const struct model *m,
				   const struct holder *h)
{
	return h->proc < m->snap.nprocs ? &m->snap.procs[h->proc] : NULL;
}

const struct proc_facts *model_proc_facts(const struct model *m,
					  const struct holder *h)
{
	return h->proc < m->snap.nprocs ? &m->snap.pfacts[h->proc] : NULL;
}

const char *model_proc_cgroup(const struct model *m, const struct holder *h,
			      size_t *len)
{
	const struct proc_info *p = model_proc(m, h);
	const struct proc_facts *pf = model_proc_facts(m, h);

	*len = 0;
	if (!p || !pf || !p->cgroup || !pf->cgroup_len)
		return NULL;
	*len = pf->cgroup_len;
	return p->cgroup + pf->cgroup_off;
}

/* a.b.c.d as inet_ntop() writes it, without its sprintf(): every row's
 * address is formatted at every refresh */
static void ipv4_text(const uint8_t *a, char *out)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
}

void model_address(const struct row *r, char *out, size_t size)
{
	if (r->sock->family == AF_INET && size >= INET_ADDRSTRLEN) {
		ipv4_text((const uint8_t *)r->sock->addr, out);
		return;
	}
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
