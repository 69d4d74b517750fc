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

#include "collector.h"
#include "diag.h"
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
	char warning[512];
	char error[512];
};

static int read_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 65536, n = 0;
	char *buf;

	if (fd < 0)
		return -errno;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= REPLAY_MAX) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(buf);
			close(fd);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

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
	if (rc < 0 && rc != -ENOENT && !src->warning[0])
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
		rc = read_file(opts->replay, &src->replay, &src->replay_len);
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
	uint32_t *inodes;
	size_t i, n = 0;
	int rc, fd;

	rc = record_start(src, &fd);
	if (rc < 0)
		return rc;
	rc = dump(src, src->opts->collect, &socks);
	if (rc == 0)
		rc = record_stop(src, fd);
	else
		record_stop(src, fd);
	if (rc < 0)
		goto out;
	if (src->need_conns && src->collector &&
	    (src->opts->collect & COLLECT_TCP)) {
		rc = collector_dump(src->collector,
				    (src->opts->collect & ~COLLECT_UDP) |
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
	rc = owners_scan(src->owners, inodes, n, src->opts->threads);
	free(inodes);
	if (rc < 0) {
		snprintf(src->error, sizeof(src->error), _("cannot read %s: %s"),
			 src->opts->proc_root, strerror(-rc));
		goto out;
	}

	memset(&in, 0, sizeof(in));
	in.socks = &socks;
	in.conns = src->need_conns ? &conns : NULL;
	in.owners = src->owners;
	in.registry = src->registry;
	in.filter = f;
	in.ifname = ifname_cb;
	in.ifname_data = src->collector;
	model_build(m, &in);
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
