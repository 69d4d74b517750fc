/* source.c - where a model comes from: one refresh = dump, scan, join */
#include "config.h"
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "cgroupmap.h"
#include "collector.h"
#include "buf.h"
#include "diag.h"
#include "fileio.h"
#include "netns.h"
#include "nls.h"
#include "xalloc.h"

#define REPLAY_MAX (64 * 1024 * 1024)

struct source {
	const struct options *opts;
	struct collector *collector;	/* NULL when replaying */
	struct owners *owners;
	struct registry *registry;
	char *replay;			/* the --replay file */
	size_t replay_len;
	bool need_conns;
	bool oneshot;			/* make one dump as complete as can be */
	struct cgroup_map *cgroups;	/* NULL without a cgroup2 mount */
	struct netns_list netns;	/* with --all-netns: the last list */
	char warning[512];
	char notice[1024];
	char error[512];
};

#define UNION_DUMPS_MAX 5


static void load_registry(struct source *src)
{
	const char *path = src->opts->services ? src->opts->services
					       : "/etc/services";
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char user[4096];
	int rc;

	src->registry = registry_new();
	registry_load_sysctl(src->registry, src->opts->proc_root);
	rc = registry_load(src->registry, path);
	if (rc < 0)
		snprintf(src->warning, sizeof(src->warning),
			 _("cannot read services file %s: %s (service names are not shown)"),
			 path, strerror(-rc));
	/* the user's own names win; a missing file is normal */
	if (xdg && *xdg == '/')
		snprintf(user, sizeof(user), "%s/porttop/services", xdg);
	else if (home && *home == '/')
		snprintf(user, sizeof(user), "%s/.config/porttop/services", home);
	else
		return;
	rc = registry_load(src->registry, user);
	/* no file, or one in a home that is not ours (sudo): not a problem */
	if (rc < 0 && rc != -ENOENT && rc != -ENOTDIR && rc != -EACCES &&
	    !src->warning[0])
		snprintf(src->warning, sizeof(src->warning),
			 _("cannot read services file %s: %s"), user,
			 strerror(-rc));
}

struct source *source_new(const struct options *opts, char *err,
			  size_t errlen)
{
	const char *msg = NULL, *arg = "";
	struct source *src = xcalloc(1, sizeof(*src));
	size_t i;
	int rc;

	src->opts = opts;
	for (i = 0; i < opts->ncolumns; i++)
		if (columns[opts->columns[i]].needs & COL_NEEDS_CONNS)
			src->need_conns = true;
	if (opts->replay) {
		rc = read_whole_at(AT_FDCWD, opts->replay, REPLAY_MAX, &src->replay,
				   &src->replay_len, NULL);
		if (rc < 0) {
			msg = N_("cannot read %s: %s");
			arg = opts->replay;
			goto out_fail;
		}
	} else {
		src->collector = collector_new(-1);
		if (!src->collector) {
			rc = -errno;
			msg = rc == -EPROTONOSUPPORT || rc == -EAFNOSUPPORT
				      ? N_("the kernel has no sock_diag netlink support%s: %s")
				      : N_("cannot open a sock_diag netlink socket%s: %s");
			goto out_fail;
		}
	}
	src->owners = owners_new(opts->proc_root);
	if (!src->owners) {
		rc = -errno;
		msg = N_("cannot open %s: %s");
		arg = opts->proc_root;
		goto out_fail;
	}
	load_registry(src);
	src->cgroups = cgroup_map_new("/proc/self/mountinfo");
	return src;

out_fail:
	/* msg is one of the formats above, each taking two strings */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(err, errlen, _(msg), arg, strerror(-rc));
#pragma GCC diagnostic pop
	source_free(src);
	return NULL;
}

void source_free(struct source *src)
{
	if (!src)
		return;
	collector_free(src->collector);
	owners_free(src->owners);
	registry_free(src->registry);
	cgroup_map_free(src->cgroups);
	netns_list_release(&src->netns);
	free(src->replay);
	free(src);
}

const struct registry *source_registry(const struct source *src)
{
	return src->registry;
}

const char *source_warning(const struct source *src)
{
	return src->warning[0] ? src->warning : NULL;
}

const char *source_error(const struct source *src)
{
	return src->error;
}

const char *source_notice(const struct source *src)
{
	return src->notice[0] ? src->notice : NULL;
}

void source_set_oneshot(struct source *src, bool oneshot)
{
	src->oneshot = oneshot;
}

static const char *proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static int dump(struct source *src, unsigned what, struct sock_vec *out)
{
	int rc;

	if (src->replay) {
		rc = diag_replay(src->replay, src->replay_len, out);
		if (rc < 0)
			snprintf(src->error, sizeof(src->error),
				 _("cannot replay %s: %s"), src->opts->replay,
				 strerror(-rc));
		return rc;
	}
	rc = collector_dump(src->collector, what, out);
	if (rc == -ENOENT) {
		const char *p = proto_name(collector_failed_proto(src->collector));

		snprintf(src->error, sizeof(src->error),
			 _("the kernel cannot list %s sockets: sock_diag support for %s is missing (module %s_diag)"),
			 p, p, p);
	} else if (rc < 0) {
		snprintf(src->error, sizeof(src->error),
			 _("cannot list %s sockets: %s"),
			 proto_name(collector_failed_proto(src->collector)),
			 strerror(-rc));
	}
	return rc;
}

/* --all-netns: dump every namespace we can enter; name the others. */
static int dump_namespaces(struct source *src, unsigned what,
			   struct sock_vec *out)
{
	struct buf b;
	size_t i, failed = 0;
	int rc, first_err = 0;

	netns_list_release(&src->netns);
	rc = netns_list_all(&src->netns, src->opts->proc_root, "/run/netns");
	if (rc < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot read %s: %s"),
			 src->opts->proc_root, strerror(-rc));
		return rc;
	}
	buf_init(&b);
	for (i = 0; i < src->netns.n; i++) {
		const struct netns_entry *e = &src->netns.v[i];
		struct collector *c = e->fd >= 0 ? collector_new(e->fd) : NULL;
		int err = e->fd >= 0 ? -errno : e->err;

		if (c) {
			err = collector_dump(c, what, out);
			collector_free(c);
		}
		if (c && err == 0)
			continue;
		if (!first_err)
			first_err = err;
		if (failed++ < 8)
			buf_printf(&b, "%s%llu", failed > 1 ? ", " : "",
				   (unsigned long long)e->inode);
	}
	if (failed)
		snprintf(src->notice, sizeof(src->notice),
			 ngettext("cannot inspect %zu network namespace (%s): %s",
				  "cannot inspect %zu network namespaces (%s): %s",
				  failed),
			 failed, b.p, strerror(-first_err));
	else if (src->netns.unreadable && geteuid() != 0)
		snprintf(src->notice, sizeof(src->notice),
			 ngettext("the network namespace of %zu process is not visible: run as root",
				  "the network namespaces of %zu processes are not visible: run as root",
				  src->netns.unreadable),
			 src->netns.unreadable);
	buf_release(&b);
	return 0;
}

/* Make s the set of v's inodes. */
static void inoset_of(struct inoset *s, const struct sock_vec *v)
{
	size_t i;

	inoset_clear(s);
	for (i = 0; i < v->n; i++)
		inoset_add(s, v->v[i].inode);
	inoset_seal(s);
}

static int dump_any(struct source *src, unsigned what, struct sock_vec *out)
{
	if (src->opts->all_netns && !src->replay)
		return dump_namespaces(src, what, out);
	return dump(src, what, out);
}

/* A dump is not a snapshot: under churn a stable socket can be skipped.
 * Dump again and keep the union until a dump brings nothing new. */
static int dump_union(struct source *src, unsigned what, struct sock_vec *out)
{
	int rc = dump_any(src, what, out), round;

	struct inoset have;

	inoset_init(&have);
	for (round = 1; rc == 0 && round < UNION_DUMPS_MAX && !src->replay;
	     round++) {
		struct sock_vec more = { 0 };
		size_t i, added = 0;

		rc = dump_any(src, what, &more);
		if (rc < 0)
			break;
		inoset_of(&have, out);
		for (i = 0; i < more.n; i++) {
			if (inoset_has(&have, more.v[i].inode))
				continue;
			sock_vec_push(out, &more.v[i]);
			added++;
		}
		sock_vec_release(&more);
		if (!added)
			break;
	}
	inoset_release(&have);
	return rc;
}

/* Sockets without a holder whose holder may have exited during the scan:
 * those a new dump no longer shows go into gone. */
static void find_gone(struct source *src, const struct sock_vec *socks,
		      struct inoset *gone)
{
	struct sock_vec again = { 0 };
	struct inoset now;
	const struct holder *h;
	size_t i;

	if (!owners_stats(src->owners)->vanished || src->replay)
		return;
	for (i = 0; i < socks->n; i++)
		if (!owners_lookup(src->owners, socks->v[i].inode, &h))
			break;
	if (i == socks->n || dump_any(src, src->opts->collect, &again) < 0) {
		sock_vec_release(&again);
		return;
	}
	inoset_init(&now);
	inoset_of(&now, &again);
	for (i = 0; i < socks->n; i++) {
		uint32_t ino = socks->v[i].inode;

		if (!owners_lookup(src->owners, ino, &h) &&
		    !inoset_has(&now, ino))
			inoset_add(gone, ino);
	}
	inoset_seal(gone);
	inoset_release(&now);
	sock_vec_release(&again);
}

static const char *cgroup_cb(uint64_t id, void *data)
{
	return cgroup_map_path(data, id);
}

static const char *netns_name_cb(uint64_t inode, void *data)
{
	const struct netns_entry *e = netns_find(data, inode);

	return e && e->name[0] ? e->name : NULL;
}

static int record_start(struct source *src, int *fd)
{
	*fd = -1;
	if (!src->opts->record || !src->collector)
		return 0;
	*fd = open(src->opts->record, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644);
	if (*fd < 0 || collector_record(src->collector, *fd) < 0) {
		int rc = -errno;

		snprintf(src->error, sizeof(src->error), _("cannot write %s: %s"),
			 src->opts->record, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return rc;
	}
	return 0;
}

static int record_stop(struct source *src, int fd)
{
	if (fd < 0)
		return 0;
	collector_record(src->collector, -1);
	if (close(fd) < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot write %s: %s"),
			 src->opts->record, strerror(errno));
		return -EIO;
	}
	return 0;
}

static int ifname_cb(uint32_t ifindex, char *name, void *data)
{
	return data ? collector_ifname(data, ifindex, name) : -ENODEV;
}

int source_refresh(struct source *src, const struct filter *f,
		   struct model *m)
{
	struct sock_vec socks = { 0 }, conns = { 0 };
	struct model_input in;
	struct inoset gone;
	uint32_t *inodes;
	size_t i, n = 0;
	int rc, fd;

	src->notice[0] = '\0';
	rc = record_start(src, &fd);
	if (rc < 0)
		return rc;
	if (src->oneshot)
		rc = dump_union(src, src->opts->collect, &socks);
	else
		rc = dump_any(src, src->opts->collect, &socks);
	if (rc == 0)
		rc = record_stop(src, fd);
	else
		record_stop(src, fd);
	if (rc < 0)
		goto out;
	if (src->need_conns && src->collector &&
	    (src->opts->collect & COLLECT_TCP)) {
		rc = dump_any(src, (src->opts->collect & ~COLLECT_UDP) |
					   COLLECT_ESTABLISHED,
			      &conns);
		if (rc < 0) {
			snprintf(src->error, sizeof(src->error),
				 _("cannot list tcp connections: %s"),
				 strerror(-rc));
			goto out;
		}
	}

	/* scan only for the sockets that can pass the port filter: a port
	 * question costs no more than the dump and the fd walk */
	inodes = xmalloc((socks.n ? socks.n : 1) * sizeof(*inodes));
	for (i = 0; i < socks.n; i++)
		if (!f || filter_port_match(f, socks.v[i].port, socks.v[i].proto))
			inodes[n++] = socks.v[i].inode;
	/* the live view refreshes from what the last scan learned */
	rc = src->oneshot
		     ? owners_scan(src->owners, inodes, n, src->opts->threads)
		     : owners_refresh(src->owners, inodes, n, src->opts->threads);
	free(inodes);
	if (rc < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot read %s: %s"),
			 src->opts->proc_root, strerror(-rc));
		goto out;
	}

	inoset_init(&gone);
	if (src->oneshot)
		find_gone(src, &socks, &gone);
	memset(&in, 0, sizeof(in));
	in.gone = &gone;
	if (src->cgroups) {
		in.cgroup_path = cgroup_cb;
		in.cgroup_data = src->cgroups;
	}
	if (src->opts->all_netns) {
		in.netns_name = netns_name_cb;
		in.netns_data = &src->netns;
	}
	in.socks = &socks;
	in.conns = src->need_conns ? &conns : NULL;
	in.owners = src->owners;
	in.registry = src->registry;
	in.filter = f;
	in.ifname = ifname_cb;
	in.ifname_data = src->collector;
	model_build(m, &in);
	inoset_release(&gone);
out:
	sock_vec_release(&socks);
	sock_vec_release(&conns);
	return rc;
}

int source_any_listener(struct source *src, const struct filter *f)
{
	struct sock_vec socks = { 0 };
	size_t i;
	int rc = dump(src, src->opts->collect, &socks);

	if (rc < 0)
		return rc;
	rc = 0;
	for (i = 0; i < socks.n && !rc; i++)
		if (filter_port_match(f, socks.v[i].port, socks.v[i].proto))
			rc = 1;
	sock_vec_release(&socks);
	return rc;
}
