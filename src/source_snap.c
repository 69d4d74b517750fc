/* source_snap.c - the snapshot of one refresh: the sockets with their
 * holders, and what the system says about them (processes' units and
 * containers, start times, forwarders, user names, device and namespace
 * names, port ranges), resolved here so that the model is a pure join */
#include "config.h"
#include "source_priv.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "owners.h"
#include "owners_bpf.h"
#include "xalloc.h"

#define USERS_MAX 4096

/* What one snapshot build keeps aside. */
struct snap_build {
	struct source *src;
	struct snapshot *snap;
	uint32_t *map;			/* owner scan's process index ->
					 * snapshot's, UINT32_MAX: not yet */
	size_t nmap;
	bool forwarders;
	void *names;			/* namespace names, or NULL */
	struct {
		uint64_t id;		/* cgroup v2 id */
		uint32_t ctx;		/* sock_facts.ctx of it, 0 none */
		bool known;		/* its path was found */
	} *cgroups;			/* sockets' own cgroups seen */
	size_t ncgroups, cap_cgroups;
	size_t last;			/* the one seen last (a process's
					 * sockets come one after another) */
};

static void note_user(struct snapshot *snap, uint32_t uid)
{
	struct passwd *pw;
	const char *name;

	if (snapshot_user(snap, uid, &name) || snap->nusers > USERS_MAX)
		return;
	pw = getpwuid(uid);
	snapshot_add_user(snap, uid, pw ? pw->pw_name : NULL);
}

/* The target of /proc/PID/exe into buf (size bytes): 0 or -errno. */
static int read_exe(const struct source *src, int pid, char *buf,
		    size_t size)
{
	char path[4200];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/exe", src->req.proc_root, pid);
	n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Is process p a forwarder: its argv says where it forwards, and it is
 * the real binary run by root, not a command line that only looks like
 * one? Then say where, in pf. */
static void find_forward(const struct source *src, const struct proc_info *p,
			 struct proc_facts *pf)
{
	char addr[48], exe[4096];
	unsigned port;

	if (p->uid != 0 || !p->cmdline ||
	    !context_forward(p->cmdline, p->cmdline_len, addr, sizeof(addr),
			     &port) ||
	    read_exe(src, p->pid, exe, sizeof(exe)) < 0 ||
	    !context_forwarder_exe(exe))
		return;
	snprintf(pf->forward, sizeof(pf->forward), "%s:%u", addr, port);
	pf->forward_port = (uint16_t)port;
}

/* The snapshot's index of the owner scan's process idx, added (with what
 * its cgroups and argv say) on first sight; UINT32_MAX if the scan has
 * none. */
static uint32_t proc_of(struct snap_build *b, uint32_t idx)
{
	const struct proc_info *p = owners_proc(b->src->owners, idx);
	struct proc_facts *pf;
	const struct proc_info *d;
	const char *path = NULL;
	size_t len = 0, old = b->nmap;
	uint32_t at;

	if (!p)
		return UINT32_MAX;
	if (idx >= b->nmap) {
		b->map = xgrow(b->map, &b->nmap, (size_t)idx + 1,
			       sizeof(*b->map));
		memset(b->map + old, 0xff, (b->nmap - old) * sizeof(*b->map));
	}
	if (b->map[idx] != UINT32_MAX)
		return b->map[idx];
	at = snapshot_add_proc(b->snap, p);
	b->map[idx] = at;
	d = &b->snap->procs[at];
	pf = &b->snap->pfacts[at];
	pf->started = owners_start_time(b->src->owners, p);
	if (d->cgroup)
		context_from_cgroup_file(d->cgroup, strlen(d->cgroup), &pf->ctx,
					 &path, &len);
	if (path) {
		pf->cgroup_off = (uint32_t)(path - d->cgroup);
		pf->cgroup_len = (uint32_t)len;
	}
	if (b->forwarders)
		find_forward(b->src, d, pf);
	note_user(b->snap, d->uid);
	return at;
}

/* The label of a socket's own cgroup (cgroup v2 id): sock_facts.ctx, 0
 * none; *known tells whether the cgroup's path was found. */
static uint32_t sock_context(struct snap_build *b, uint64_t id, bool *known)
{
	struct context ctx;
	const char *path;
	size_t i;

	*known = false;
	if (!id || !b->src->cgroups)
		return 0;
	if (b->ncgroups && b->cgroups[b->last].id == id)
		i = b->last;
	else
		for (i = 0; i < b->ncgroups && b->cgroups[i].id != id; i++)
			;
	if (i == b->ncgroups) {
		b->cgroups = xgrow(b->cgroups, &b->cap_cgroups,
				   b->ncgroups + 1, sizeof(*b->cgroups));
		b->cgroups[i].id = id;
		b->cgroups[i].ctx = 0;
		path = cgroup_map_path(b->src->cgroups, id);
		b->cgroups[i].known = path != NULL;
		memset(&ctx, 0, sizeof(ctx));
		if (path && context_from_cgroup(path, strlen(path), &ctx))
			b->cgroups[i].ctx = snapshot_add_context(b->snap, &ctx);
		b->ncgroups++;
	}
	b->last = i;
	*known = b->cgroups[i].known;
	return b->cgroups[i].ctx;
}

/* Socket activation of socket facts f (context_activation()), known
 * telling whether the socket's own cgroup was found. */
static bool activated(const struct snapshot *snap,
		      const struct sock_facts *f, bool known)
{
	static const struct context nothing;
	const struct holder *h = f->nholders ? &snap->holders[f->holder] : NULL;
	const struct context *sock = NULL;

	if (h && h->proc >= snap->nprocs)
		h = NULL;
	if (known)
		sock = f->ctx ? &snap->ctxs[f->ctx - 1] : &nothing;
	return context_activation(sock, h ? h->pid : 0,
				  h ? &snap->pfacts[h->proc].ctx : NULL);
}

/* The name of the device socket s is bound to: sock_facts.device. */
static uint32_t device_of(struct snap_build *b, const struct sock_rec *s)
{
	struct snapshot *snap = b->snap;
	char name[IF_NAMESIZE];
	size_t i;

	for (i = 0; i < snap->ndevices; i++)
		if (snap->devices[i].netns == s->netns &&
		    snap->devices[i].ifindex == s->ifindex)
			return (uint32_t)i + 1;
	if (source_ifname_cb(s->netns, s->ifindex, name, b->src) < 0)
		return 0;
	return snapshot_add_device(snap, s->netns, s->ifindex, name);
}

static void note_netns(struct snap_build *b, uint64_t netns)
{
	struct snapshot *snap = b->snap;
	size_t i;

	for (i = snap->nnetns; i-- > 0;)
		if (snap->netns[i].netns == netns)
			return;
	snapshot_add_netns(snap, netns,
			   b->names ? source_netns_name_cb(netns, b->names)
				    : NULL,
			   source_ranges(b->src, netns));
}

static void join_socket(struct snap_build *b, size_t i)
{
	struct snapshot *snap = b->snap;
	const struct sock_rec *s = &snap->socks.v[i];
	struct sock_facts *f = &snap->facts[i];
	const struct owners *o = b->src->owners;
	const struct holder *h;
	size_t j, n = owners_lookup(o, s->inode, &h);
	bool known;

	for (j = 0; j < n; j++) {
		struct holder copy = h[j];

		copy.proc = proc_of(b, h[j].proc);
		snapshot_add_holder(snap, i, &copy);
	}
	/* a socket some process holds has a file: no search for it */
	f->kernel = !n && owners_kernel(o, s->inode);
	if (s->ifindex)
		f->device = device_of(b, s);
	/* the socket's own cgroup, also where a holder names a unit: it
	 * tells socket activation */
	f->ctx = sock_context(b, s->cgroup_id, &known);
	f->activated = activated(snap, f, known);
	note_user(snap, s->uid);
	if (!snap->nnetns || snap->netns[snap->nnetns - 1].netns != s->netns)
		note_netns(b, s->netns);
}

void source_snapshot(struct source *src, struct sock_vec *socks,
		     struct sock_vec *conns, bool forwarders,
		     struct snapshot *snap)
{
	const struct owners_stats *st = owners_stats(src->owners);
	struct snap_build b;
	size_t i;

	memset(&b, 0, sizeof(b));
	b.src = src;
	b.snap = snap;
	b.forwarders = forwarders;
	b.names = source_netns_names(src);
	snapshot_set_socks(snap, socks);
	for (i = 0; i < snap->socks.n; i++)
		join_socket(&b, i);
	if (conns) {
		sock_vec_release(&snap->conns);
		snap->conns = *conns;
		memset(conns, 0, sizeof(*conns));
		snap->has_conns = true;
	}
	/* what the scan could read: the same for every socket */
	snap->owners.unread = st->unread.procs;
	snap->owners.denied = st->unread.denied;
	snap->owners.hidepid = st->hidepid;
	snap->owners.other_pidns = st->other_pidns;
	snap->unread = st->unread;
	snap->hidepid = st->hidepid;
	snap->owners_incremental = st->incremental;
	snap->owners_full_age = st->incremental ? st->full_age : 0;
	free(b.map);
	free(b.cgroups);
}
