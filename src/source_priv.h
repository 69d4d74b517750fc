/* source_priv.h - the state of a source, shared by source.c and
 * source_netns.c; nothing outside Source includes it */
#ifndef PORTTOP_SOURCE_PRIV_H
#define PORTTOP_SOURCE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cgroupmap.h"
#include "collector.h"
#include "inoset.h"
#include "model.h"
#include "netns.h"
#include "source.h"

/* The interfaces of one namespace, dumped when a socket there is bound
 * to a device. */
struct ns_links {
	uint64_t netns;
	struct link_vec links;
};

struct source {
	struct source_request req;	/* what every refresh scans */
	struct collector *collector;	/* NULL when replaying */
	struct owners *owners;
	struct registry *registry;
	char *replay;			/* the --replay file */
	size_t replay_len;
	bool oneshot;			/* scan every process afresh */
	struct cgroup_map *cgroups;	/* NULL without a cgroup2 mount */
	struct netns_list netns;	/* the last list: every namespace with
					 * --all-netns, else the named ones */
	struct ns_links *links;		/* device names, per namespace */
	size_t nlinks, cap_links;
	struct model_ranges *ranges;	/* port ranges of the other
					 * namespaces (-N), this refresh */
	size_t nranges, cap_ranges;
	int record_fd;			/* during a --record refresh, or -1 */
	unsigned missing;		/* COLLECT_TCP/UDP the kernel lacks */
	int missing_err;
	bool partial;			/* the last refresh lacks something */
	bool listed;			/* netns listed during this refresh */
	bool listed_ranges;		/* and their ranges read */
	struct stat names_dir;		/* /run/netns when last read */
	double names_at;		/* clock_now() of that read */
	bool names_read;
	size_t nsocks;			/* sockets the last refresh dumped:
					 * room made for them in the next */
	char warning[512];
	char notice[1024];
	char error[512];
};

/* source.c */

/* Add one line to the notice of this refresh. */
void source_notice_add(struct source *src, const char *line);

/* Dump what the collector c can list; remember the protocols it cannot.
 * Returns 0 or -errno (then src->error says what failed). */
int source_dump_with(struct source *src, struct collector *c, unsigned what,
		     struct sock_vec *out);

/* source_netns.c: namespaces, their devices and port ranges */

/* --all-netns: dump every namespace that can be entered, ours through the
 * source's own collector, and name the others in the notice. Returns 0, or
 * -errno when our own namespace or the list fails. */
int source_dump_namespaces(struct source *src, unsigned what,
			   struct sock_vec *out);

/* Learn, once per refresh, the interfaces of c's namespace if one of the
 * sockets of socks from index from on is bound to a device. */
void source_links_learn(struct source *src, struct collector *c,
			const struct sock_vec *socks, size_t from);
void source_links_clear(struct source *src);

/* source_snap.c */

/* Fill snap (empty) for model_build(): the sockets of socks (taken over),
 * the established connections conns (taken over; NULL: not listed), their
 * holders in the last owner scan with what the system says of them
 * (forwarders only if forwarders: it reads /proc/PID/exe). */
void source_snapshot(struct source *src, struct sock_vec *socks,
		     struct sock_vec *conns, bool forwarders,
		     struct snapshot *snap);

/* What the namespaces of a refresh say; data is the source. */
int source_ifname_cb(uint64_t netns, uint32_t ifindex, char *name,
		     void *data);
/* The port ranges of namespace netns this refresh read (-N), or NULL:
 * ours, the registry's. Borrowed until the next refresh. */
const struct port_ranges *source_ranges(const struct source *src,
					uint64_t netns);
const char *source_netns_name_cb(uint64_t inode, void *data);

/* The namespace list source_netns_name_cb() reads: with --all-netns the
 * one of this refresh, else the named namespaces read again now; NULL when
 * replaying. */
void *source_netns_names(struct source *src);

#endif
