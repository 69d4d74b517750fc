/* main.c - porttop: what is listening on this machine, and who owns it? */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include "cli.h"
#include "collector.h"
#include "diag.h"
#include "model.h"
#include "nls.h"
#include "owners.h"
#include "registry.h"
#include "views.h"
#include "xalloc.h"

enum {
	EXIT_FOUND = 0,
	EXIT_NOMATCH = 1,
	EXIT_TROUBLE = 2,
};

#define REPLAY_MAX (64 * 1024 * 1024)

static void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("porttop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* Read a whole --replay file. */
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

static int replay(const struct options *opts, struct sock_vec *socks)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = read_file(opts->replay, &buf, &len);

	if (rc < 0) {
		warnx_(_("cannot read %s: %s"), opts->replay, strerror(-rc));
		return rc;
	}
	rc = diag_replay(buf, len, socks);
	free(buf);
	if (rc < 0)
		warnx_(_("cannot replay %s: %s"), opts->replay, strerror(-rc));
	return rc;
}

static void explain_dump_error(struct collector *c, int rc)
{
	const char *proto = proto_name(collector_failed_proto(c));

	if (rc == -ENOENT)
		warnx_(_("the kernel cannot list %s sockets: sock_diag support for %s is missing (module %s_diag)"),
		       proto, proto, proto);
	else
		warnx_(_("cannot list %s sockets: %s"), proto, strerror(-rc));
}

static int collect(const struct options *opts, struct collector **cp,
		   struct sock_vec *socks)
{
	struct collector *c;
	int rc, fd = -1;

	*cp = NULL;
	if (opts->replay)
		return replay(opts, socks);
	c = collector_new(-1);
	if (!c) {
		rc = -errno;
		if (rc == -EPROTONOSUPPORT || rc == -EAFNOSUPPORT)
			warnx_(_("the kernel has no sock_diag netlink support: %s"),
			       strerror(-rc));
		else
			warnx_(_("cannot open a sock_diag netlink socket: %s"),
			       strerror(-rc));
		return rc;
	}
	if (opts->record) {
		fd = open(opts->record, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0 || collector_record(c, fd) < 0) {
			rc = -errno;
			warnx_(_("cannot write %s: %s"), opts->record,
			       strerror(-rc));
			goto out_fail;
		}
	}
	rc = collector_dump(c, opts->collect, socks);
	if (rc < 0) {
		explain_dump_error(c, rc);
		goto out_fail;
	}
	if (fd >= 0) {
		collector_record(c, -1);
		if (close(fd) < 0) {
			rc = -errno;
			fd = -1;
			warnx_(_("cannot write %s: %s"), opts->record,
			       strerror(-rc));
			goto out_fail;
		}
	}
	*cp = c;
	return 0;

out_fail:
	if (fd >= 0)
		close(fd);
	collector_free(c);
	return rc;
}

static int ifname_cb(uint32_t ifindex, char *name, void *data)
{
	return data ? collector_ifname(data, ifindex, name) : -ENODEV;
}

static struct registry *load_registry(const struct options *opts)
{
	struct registry *reg = registry_new();
	const char *path = opts->services ? opts->services : "/etc/services";
	int rc = registry_load(reg, path);

	if (rc < 0)
		warnx_(_("cannot read services file %s: %s (service names are not shown)"),
		       path, strerror(-rc));
	return reg;
}

static void hint_hidden(const struct model *m)
{
	size_t i, hidden = 0;

	for (i = 0; i < m->nrows; i++)
		if (m->rows[i].status == OWNER_PERMISSION ||
		    m->rows[i].status == OWNER_HIDDEN)
			hidden++;
	if (hidden)
		warnx_(ngettext("the owner of %zu socket is not visible: run as root, or grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
				"the owners of %zu sockets are not visible: run as root, or grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
				hidden),
		       hidden);
}

int main(int argc, char **argv)
{
	struct options opts;
	const char *why, *what;
	struct collector *c = NULL;
	struct owners *own = NULL;
	struct registry *reg;
	struct sock_vec socks = { 0 };
	struct model m;
	uint32_t *inodes;
	size_t i;
	int rc, status = EXIT_FOUND;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	if (getuid() != geteuid() || getgid() != getegid()) {
		warnx_(_("refusing to run set-uid or set-gid: grant capabilities instead"));
		return EXIT_TROUBLE;
	}

	switch (cli_parse(argc, argv, &opts, &why, &what)) {
	case CLI_HELP:
		cli_usage(stdout);
		return fflush(stdout) == 0 ? EXIT_FOUND : EXIT_TROUBLE;
	case CLI_VERSION:
		printf("porttop %s\n", PACKAGE_VERSION);
		return fflush(stdout) == 0 ? EXIT_FOUND : EXIT_TROUBLE;
	case CLI_ERROR:
		if (what)
			warnx_(_("%s: '%s' (try 'porttop --help')"), _(why), what);
		else
			warnx_(_("%s (try 'porttop --help')"), _(why));
		return EXIT_TROUBLE;
	case CLI_RUN:
		break;
	}

	reg = load_registry(&opts);
	rc = collect(&opts, &c, &socks);
	if (rc < 0) {
		registry_free(reg);
		sock_vec_release(&socks);
		return EXIT_TROUBLE;
	}

	own = owners_new(opts.proc_root);
	if (!own) {
		warnx_(_("cannot open %s: %s"), opts.proc_root, strerror(errno));
		status = EXIT_TROUBLE;
		goto out;
	}
	inodes = xmalloc((socks.n ? socks.n : 1) * sizeof(*inodes));
	for (i = 0; i < socks.n; i++)
		inodes[i] = socks.v[i].inode;
	rc = owners_scan(own, inodes, socks.n, opts.threads);
	free(inodes);
	if (rc < 0) {
		warnx_(_("cannot read %s: %s"), opts.proc_root, strerror(-rc));
		status = EXIT_TROUBLE;
		goto out;
	}

	model_init(&m);
	model_build(&m, &socks, own, reg, ifname_cb, c);
	if (opts.view == VIEW_JSON)
		view_json(&m, &opts, stdout);
	else
		view_text(&m, &opts, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			warnx_(_("write error: %s"), strerror(errno));
		status = EXIT_TROUBLE;
	} else {
		hint_hidden(&m);
		if (m.nrows == 0 && opts.filtered)
			status = EXIT_NOMATCH;
	}
	model_release(&m);

out:
	owners_free(own);
	collector_free(c);
	registry_free(reg);
	sock_vec_release(&socks);
	return status;
}
