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
#include "columns.h"
#include "diag.h"
#include "fileio.h"
#include "filter.h"
#include "inoset.h"
#include "netns.h"
#include "nls.h"
#include "nsrun.h"
#include "owners.h"
#include "owners_bpf.h"
#include "owners_signal.h"
#include "probe.h"
#include "source_priv.h"
#include "xalloc.h"

#define REPLAY_MAX (64 * 1024 * 1024)

static void load_registry(struct source *src)
{
	const char *path = src->req.services ? src->req.services
					       : "/etc/services";
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char user[4096];
	int rc;

	src->registry = registry_new();
	registry_load_sysctl(src->registry, src->req.proc_root);
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

struct source *source_new(const struct source_request *req, char *err,
			  size_t errlen)
{
	const char *msg = NULL, *arg = "";
	struct source *src = xcalloc(1, sizeof(*src));
	int rc;

	src->req = *req;
	src->record_fd = -1;
	if (req->replay) {
		rc = read_whole_at(AT_FDCWD, req->replay, REPLAY_MAX, &src->replay,
				   &src->replay_len, NULL);
		if (rc < 0) {
			msg = N_("cannot read %s: %s");
			arg = req->replay;
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
	src->owners = owners_new(req->proc_root);
	if (!src->owners) {
		rc = -errno;
		msg = N_("cannot open %s: %s");
		arg = req->proc_root;
		goto out_fail;
	}
	owners_set_once(src->owners, req->once);
	if (owners_choose_scan(src->owners, req->owner_scan, req->btf,
			       req->proc_root, err, errlen) < 0) {
		source_free(src);
		return NULL;
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
	source_links_clear(src);
	free(src->links);
	free(src->ranges);
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

bool source_partial(const struct source *src)
{
	return src->partial;
}

/* Add one line to the notice of this refresh. */
void source_notice_add(struct source *src, const char *line)
{
	size_t len = strlen(src->notice);

	snprintf(src->notice + len, sizeof(src->notice) - len, "%s%s",
		 len ? "\n" : "", line);
}

void source_set_oneshot(struct source *src, bool oneshot)
{
	src->oneshot = oneshot;
}

static const char *proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static int replay(struct source *src, struct sock_vec *out)
{
	struct diag_replay_info info;
	char line[256];
	int rc = diag_replay(src->replay, src->replay_len, out, &info);

	if (rc == -EBADMSG || rc == -EPROTONOSUPPORT)
		snprintf(src->error, sizeof(src->error),
			 _("cannot replay %s: %s at byte offset %zu"),
			 src->req.replay,
			 rc == -EBADMSG ? _("malformed recording")
					: _("a socket of an unknown protocol"),
			 info.offset);
	else if (rc < 0)
		snprintf(src->error, sizeof(src->error),
			 _("cannot replay %s: %s"), src->req.replay,
			 strerror(-rc));
	if (rc == 0 && info.skipped) {
		snprintf(line, sizeof(line),
			 ngettext("%s: skipped %zu recorded socket that is not listening",
				  "%s: skipped %zu recorded sockets that are not listening",
				  info.skipped),
			 src->req.replay, info.skipped);
		source_notice_add(src, line);
	}
	return rc;
}

/* Dump what the collector c can list; remember the protocols it cannot. */
int source_dump_with(struct source *src, struct collector *c, unsigned what,
		     struct sock_vec *out)
{
	int rc = collector_dump(c, what, out), err;
	unsigned missing = collector_missing(c, &err);

	if (rc < 0) {
		snprintf(src->error, sizeof(src->error),
			 _("cannot list %s sockets: %s"),
			 proto_name(collector_failed_proto(c)), strerror(-rc));
		return rc;
	}
	if (missing && !src->missing)
		src->missing_err = err;
	src->missing |= missing;
	return 0;
}

static int dump(struct source *src, unsigned what, struct sock_vec *out)
{
	size_t from = out->n;
	int rc;

	if (src->replay)
		return replay(src, out);
	rc = source_dump_with(src, src->collector, what, out);
	if (rc == 0)
		source_links_learn(src, src->collector, out, from);
	return rc;
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
	if (src->req.all_netns && !src->replay)
		return source_dump_namespaces(src, what, out);
	return dump(src, what, out);
}

/* Sockets of snap without a holder after the scan: those a new dump no
 * longer shows were closed during the scan, and their facts say so. A
 * socket of the kernel's own has none, ever, and was there when the scan
 * asked it (its status says so): no reason for a new dump. */
static void mark_gone(struct source *src, struct snapshot *snap)
{
	struct sock_vec again = { 0 };
	struct inoset now;
	size_t i;

	if (src->replay)
		return;
	for (i = 0; i < snap->socks.n; i++)
		if (!snap->facts[i].nholders && !snap->facts[i].kernel)
			break;
	if (i == snap->socks.n || dump_any(src, src->req.collect, &again) < 0) {
		sock_vec_release(&again);
		return;
	}
	inoset_init(&now);
	inoset_of(&now, &again);
	for (; i < snap->socks.n; i++)
		if (!snap->facts[i].nholders &&
		    !inoset_has(&now, snap->socks.v[i].inode))
			snap->facts[i].closed = true;
	inoset_release(&now);
	sock_vec_release(&again);
}

/* With -N, the other namespaces the owner scan asks its sockets in
 * (owners_set_netns()): those of the last dump, but ours. */
static void owners_netns(struct source *src)
{
	uint64_t own = src->collector ? collector_netns(src->collector) : 0;
	int *fds = xmalloc((src->netns.n ? src->netns.n : 1) * sizeof(*fds));
	size_t i, n = 0;

	for (i = 0; src->req.all_netns && !src->replay && i < src->netns.n; i++)
		if (src->netns.v[i].inode != own)
			fds[n++] = src->netns.v[i].fd;
	owners_set_netns(src->owners, fds, n, nsrun);
	free(fds);
}

static int record_start(struct source *src)
{
	static const char magic[] = DIAG_RECORD_MAGIC;
	int fd, rc = 0;

	src->record_fd = -1;
	if (!src->req.record || !src->collector)
		return 0;
	fd = open(src->req.record, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	if (fd < 0)
		rc = -errno;
	else if (write(fd, magic, sizeof(magic) - 1) != sizeof(magic) - 1)
		rc = errno ? -errno : -EIO;
	else
		rc = collector_record(src->collector, fd);
	if (rc < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot write %s: %s"),
			 src->req.record, strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	src->record_fd = fd;
	return 0;
}

static int record_stop(struct source *src)
{
	int fd = src->record_fd;

	if (fd < 0)
		return 0;
	src->record_fd = -1;
	collector_record(src->collector, -1);
	if (close(fd) < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot write %s: %s"),
			 src->req.record, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Start a refresh: no notice, no namespace listed, nothing missing. */
static void refresh_begin(struct source *src)
{
	src->notice[0] = '\0';
	src->error[0] = '\0';
	src->partial = false;
	src->listed = false;
	src->listed_ranges = false;
	src->nranges = 0;
	src->missing = 0;
	src->missing_err = 0;
	source_links_clear(src);
}

/* Say which protocols the kernel could not list; an error when that is
 * every protocol asked for. */
static int refresh_missing(struct source *src, unsigned asked)
{
	static const struct {
		unsigned bit;
		const char *name, *module;
	} protos[] = {
		{ COLLECT_TCP, "TCP", "tcp_diag" },
		{ COLLECT_UDP, "UDP", "udp_diag" },
	};
	char line[256];
	size_t i;

	if (!src->missing)
		return 0;
	if ((asked & (COLLECT_TCP | COLLECT_UDP)) == src->missing) {
		snprintf(src->error, sizeof(src->error),
			 _("the kernel cannot list sockets: sock_diag support is missing (%s)"),
			 strerror(-src->missing_err));
		return src->missing_err;
	}
	for (i = 0; i < 2; i++) {
		if (!(src->missing & protos[i].bit))
			continue;
		snprintf(line, sizeof(line),
			 _("%s sockets unavailable: %s: %s (the kernel has no sock_diag support for them; load the module)"),
			 protos[i].name, protos[i].module,
			 strerror(-src->missing_err));
		source_notice_add(src, line);
	}
	src->partial = true;
	return 0;
}

int source_refresh(struct source *src, const struct filter *f,
		   struct model *m)
{
	return source_refresh_since(src, f, NULL, m);
}

int source_refresh_since(struct source *src, const struct filter *f,
			 const struct model *prev, struct model *m)
{
	struct sock_vec socks = { 0 }, conns = { 0 };
	struct snapshot snap;
	uint32_t *inodes;
	uint64_t *cookies;
	size_t i, n = 0;
	int rc;

	refresh_begin(src);
	rc = record_start(src);
	if (rc < 0)
		return rc;
	if (src->nsocks)
		sock_vec_reserve(&socks, src->nsocks + src->nsocks / 8);
	rc = dump_any(src, src->req.collect, &socks);
	src->nsocks = socks.n;
	if (rc == 0)
		rc = record_stop(src);
	else
		record_stop(src);
	if (rc == 0)
		rc = refresh_missing(src, src->req.collect);
	if (rc < 0)
		goto out;
	if (src->req.conns && src->collector &&
	    (src->req.collect & COLLECT_TCP) &&
	    !(src->missing & COLLECT_TCP)) {
		rc = dump_any(src, (src->req.collect & ~COLLECT_UDP) |
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
	cookies = xmalloc((socks.n ? socks.n : 1) * sizeof(*cookies));
	for (i = 0; i < socks.n; i++)
		if (!f || (filter_port_match(f, socks.v[i].port,
					     socks.v[i].proto) &&
			   filter_family_match(f, &socks.v[i]))) {
			cookies[n] = socks.v[i].cookie;
			inodes[n++] = socks.v[i].inode;
		}
	owners_set_cookies(src->owners, cookies, n);
	free(cookies);
	owners_netns(src);
	/* the live view refreshes from what the last scan learned */
	rc = src->oneshot
		     ? owners_scan(src->owners, inodes, n, src->req.threads)
		     : owners_refresh(src->owners, inodes, n, src->req.threads);
	free(inodes);
	if (rc < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot read %s: %s"),
			 src->req.proc_root, strerror(-rc));
		goto out;
	}

	snapshot_init(&snap);
	source_snapshot(src, &socks, src->req.conns ? &conns : NULL, true,
			&snap);
	mark_gone(src, &snap);
	if (prev && model_built_from(prev, &snap)) {
		snapshot_release(&snap);
		rc = SOURCE_SAME;
	} else {
		model_build(m, &snap, src->registry, filter_keep, f);
	}
out:
	sock_vec_release(&socks);
	sock_vec_release(&conns);
	return rc;
}

int source_any_listener(struct source *src, const struct filter *f)
{
	struct sock_vec socks = { 0 };
	size_t i;
	int rc;

	refresh_begin(src);
	rc = dump_any(src, src->req.collect, &socks);
	if (rc == 0)
		rc = refresh_missing(src, src->req.collect);
	if (rc < 0) {
		sock_vec_release(&socks);
		return rc;
	}
	rc = 0;
	for (i = 0; i < socks.n && !rc; i++)
		if (filter_port_match(f, socks.v[i].port, socks.v[i].proto) &&
		    filter_family_match(f, &socks.v[i]))
			rc = 1;
	sock_vec_release(&socks);
	return rc;
}

int source_why(struct source *src, const struct why_target *t,
	       struct model *m, struct why_facts *f)
{
	/* every TCP state but request sockets (12), and bound-only (13) */
	uint32_t states = ((1u << 12) - 2) | 1u << COLLECT_TCP_BOUND_INACTIVE;
	bool tcp = t->proto == IPPROTO_TCP;
	struct sock_vec socks = { 0 }, all = { 0 };
	struct snapshot snap;
	uint32_t *inodes;
	size_t i, n = 0;
	int rc;

	refresh_begin(src);
	if (!src->collector) {
		snprintf(src->error, sizeof(src->error), "%s",
			 _("--why asks the running kernel: it cannot read a recording"));
		return -EINVAL;
	}
	probe_facts(f, src->req.proc_root);
	f->netns = collector_netns(src->collector);
	rc = collector_dump_port(src->collector, t->port, tcp ? states : 0,
				 !tcp, &socks);
	if (rc < 0) {
		snprintf(src->error, sizeof(src->error),
			 _("cannot list %s sockets: %s"),
			 proto_name(collector_failed_proto(src->collector)),
			 strerror(-rc));
		goto out;
	}
	source_links_learn(src, src->collector, &socks, 0);
	if (src->req.all_netns) {
		rc = source_dump_namespaces(src, (tcp ? COLLECT_TCP : COLLECT_UDP) |
						  COLLECT_V4 | COLLECT_V6,
				     &all);
		if (rc < 0)
			goto out;
		for (i = 0; i < all.n; i++)
			if (all.v[i].port == t->port &&
			    all.v[i].netns != f->netns)
				sock_vec_push(&socks, &all.v[i]);
	}
	inodes = xmalloc((socks.n ? socks.n : 1) * sizeof(*inodes));
	for (i = 0; i < socks.n; i++)
		if (socks.v[i].inode)
			inodes[n++] = socks.v[i].inode;
	rc = owners_scan(src->owners, inodes, n, src->req.threads);
	free(inodes);
	if (rc < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot read %s: %s"),
			 src->req.proc_root, strerror(-rc));
		goto out;
	}
	snapshot_init(&snap);
	source_snapshot(src, &socks, NULL, false, &snap);
	model_build(m, &snap, src->registry, NULL, NULL);
out:
	sock_vec_release(&socks);
	sock_vec_release(&all);
	return rc;
}

int source_signal(const struct source *src, int pid,
		  unsigned long long start_time, int sig)
{
	return owners_signal(src->req.proc_root, pid, start_time, sig);
}
