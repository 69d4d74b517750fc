/* source_netns.c - the namespaces of a refresh: -N dumps every one we
 * can enter and names the others; device names and port ranges come from
 * each socket's own namespace, namespace names from /run/netns */
#include "config.h"
#include "source_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "buf.h"
#include "clock.h"
#include "nls.h"
#include "nsrun.h"
#include "xalloc.h"

#define NAMES_MAX_AGE_S 5

void source_links_clear(struct source *src)
{
	size_t i;

	for (i = 0; i < src->nlinks; i++)
		link_vec_release(&src->links[i].links);
	src->nlinks = 0;
}

/* The interfaces of namespace netns through c, once per refresh, if one of
 * the sockets from index from on is bound to a device. */
void source_links_learn(struct source *src, struct collector *c,
			const struct sock_vec *socks, size_t from)
{
	struct ns_links *l;
	size_t i;

	for (i = from; i < socks->n; i++)
		if (socks->v[i].ifindex)
			break;
	if (i == socks->n)
		return;
	for (i = 0; i < src->nlinks; i++)
		if (src->links[i].netns == collector_netns(c))
			return;
	src->links = xgrow(src->links, &src->cap_links, src->nlinks + 1,
			   sizeof(*src->links));
	l = &src->links[src->nlinks++];
	memset(l, 0, sizeof(*l));
	l->netns = collector_netns(c);
	/* a failure leaves the list empty: the rows say "ifN" */
	collector_links(c, &l->links);
}

/* Name one namespace we could not inspect, with the reason, into b. */
static void name_failed(struct buf *b, const struct netns_entry *e, int err)
{
	if (b->len)
		buf_printf(b, "; ");
	if (e->name[0])
		buf_printf(b, "%llu (%s): %s", (unsigned long long)e->inode,
			   e->name, strerror(-err));
	else
		buf_printf(b, _("%llu (pid %d): %s"),
			   (unsigned long long)e->inode, e->pid,
			   strerror(-err));
}

static int ranges_cb(void *arg)
{
	return port_ranges_load(arg, "/proc/sys/net/ipv4");
}

/* The ephemeral range and reserved ports of another namespace, read from
 * inside it (its sysctls are its own). */
static void ranges_learn(struct source *src, const struct netns_entry *e)
{
	struct model_ranges *r;

	src->ranges = xgrow(src->ranges, &src->cap_ranges, src->nranges + 1,
			    sizeof(*src->ranges));
	r = &src->ranges[src->nranges];
	r->netns = e->inode;
	/* unreadable: nothing is flagged rather than our own ranges */
	if (nsrun(e->fd, ranges_cb, &r->r) < 0)
		memset(&r->r, 0, sizeof(r->r));
	src->nranges++;
}

/* Name up to 8 namespaces that errs (per entry of l) says failed: the
 * named ones first, the ones a user gave a name to. */
static void name_all_failed(struct buf *b, const struct netns_list *l,
			    const int *errs)
{
	size_t i, named = 0;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < l->n && named < 8; i++) {
			bool has_name = l->v[i].name[0] != '\0';

			if (!errs[i] || has_name != (pass == 0))
				continue;
			name_failed(b, &l->v[i], errs[i]);
			named++;
		}
}

/* Dump one namespace other than ours through a collector of its own. */
static int dump_other(struct source *src, const struct netns_entry *e,
		      unsigned what, struct sock_vec *out)
{
	struct collector *c;
	size_t from = out->n;
	int rc;

	if (e->fd < 0)
		return e->err;
	c = collector_new(e->fd);
	if (!c)
		return -errno;
	rc = src->record_fd >= 0 ? collector_record(c, src->record_fd) : 0;
	if (rc == 0)
		rc = source_dump_with(src, c, what, out);
	if (rc == 0)
		source_links_learn(src, c, out, from);
	if (rc == 0 && !src->listed_ranges)
		ranges_learn(src, e);
	collector_free(c);
	return rc;
}

/* --all-netns: dump every namespace we can enter; name the others. Ours
 * needs no setns (and no privilege): the source's own collector dumps it. */
int source_dump_namespaces(struct source *src, unsigned what,
			   struct sock_vec *out)
{
	uint64_t self = collector_netns(src->collector);
	bool first = !src->listed;
	struct buf b;
	size_t i, from, failed = 0;
	char line[sizeof(src->notice)];
	int rc, *errs;

	if (first) {
		netns_list_release(&src->netns);
		rc = netns_list_all(&src->netns, src->req.proc_root,
				    "/run/netns");
		if (rc < 0) {
			snprintf(src->error, sizeof(src->error),
				 _("cannot read %s: %s"), src->req.proc_root,
				 strerror(-rc));
			return rc;
		}
		src->listed = true;
	}
	from = out->n;
	rc = source_dump_with(src, src->collector, what, out);
	if (rc < 0)
		return rc;	/* our own namespace: a real failure */
	source_links_learn(src, src->collector, out, from);
	buf_init(&b);
	errs = xcalloc(src->netns.n + 1, sizeof(*errs));
	for (i = 0; i < src->netns.n; i++) {
		const struct netns_entry *e = &src->netns.v[i];

		if (e->inode == self)
			continue;
		from = out->n;
		errs[i] = dump_other(src, e, what, out);
		if (errs[i] == 0)
			continue;
		out->n = from;
		failed++;
	}
	name_all_failed(&b, &src->netns, errs);
	free(errs);
	src->error[0] = '\0';	/* a namespace's error is in the notice */
	src->listed_ranges = true;
	if (!first)
		failed = 0;	/* named by the first dump of this refresh */
	if (failed) {
		snprintf(line, sizeof(line),
			 ngettext("cannot inspect %zu network namespace: %s%s",
				  "cannot inspect %zu network namespaces: %s%s",
				  failed),
			 failed, b.p, failed > 8 ? "; ..." : "");
		source_notice_add(src, line);
		src->partial = true;
	}
	if (first && src->netns.unreadable && geteuid() != 0) {
		snprintf(line, sizeof(line),
			 ngettext("the network namespace of %zu process is not visible: run as root",
				  "the network namespaces of %zu processes are not visible: run as root",
				  src->netns.unreadable),
			 src->netns.unreadable);
		source_notice_add(src, line);
		src->partial = true;
	}
	buf_release(&b);
	return 0;
}

const char *source_netns_name_cb(uint64_t inode, void *data)
{
	const struct netns_entry *e = netns_find(data, inode);

	return e && e->name[0] ? e->name : NULL;
}

int source_ifname_cb(uint64_t netns, uint32_t ifindex, char *name,
		     void *data)
{
	const struct source *src = data;
	const char *found = NULL;
	size_t i;

	for (i = 0; i < src->nlinks && !found; i++)
		if (src->links[i].netns == netns)
			found = link_vec_name(&src->links[i].links, ifindex);
	if (!found)
		return -ENODEV;
	snprintf(name, IF_NAMESIZE, "%s", found);
	return 0;
}

const struct port_ranges *source_ranges(const struct source *src,
					uint64_t netns)
{
	size_t i;

	for (i = 0; i < src->nranges; i++)
		if (src->ranges[i].netns == netns)
			return &src->ranges[i].r;
	return NULL;	/* ours: the registry's */
}

/* The names of the named namespaces (/run/netns), looked up always: a
 * namespace entered with "ip netns exec" has its name. */
/* Read /run/netns again only when it changed, or every few seconds (a
 * name is created before its namespace is mounted on it). */
static bool names_stale(struct source *src)
{
	double now = clock_now();
	struct stat st;
	bool changed;

	if (stat("/run/netns", &st) < 0)
		memset(&st, 0, sizeof(st));
	changed = st.st_ino != src->names_dir.st_ino ||
		  st.st_mtim.tv_sec != src->names_dir.st_mtim.tv_sec ||
		  st.st_mtim.tv_nsec != src->names_dir.st_mtim.tv_nsec ||
		  now - src->names_at >= NAMES_MAX_AGE_S ||
		  !src->names_read;
	if (changed) {
		src->names_dir = st;
		src->names_at = now;
		src->names_read = true;
	}
	return changed;
}

void *source_netns_names(struct source *src)
{
	if (src->replay)
		return NULL;
	if (!src->req.all_netns && names_stale(src)) {
		netns_list_release(&src->netns);
		netns_list_named(&src->netns, "/run/netns");
	}
	return &src->netns;
}
