/* main.c - porttop: what is listening on this machine, and who owns it? */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include "buf.h"
#include "cli.h"
#include "clock.h"
#include "columns.h"
#include "fileio.h"
#include "sock.h"
#include "hint.h"
#include "model.h"
#include "nls.h"
#include "probe.h"
#include "privs.h"
#include "source.h"
#include "tui.h"
#include "view_events.h"
#include "views.h"
#include "why.h"

enum {
	EXIT_FOUND = 0,
	EXIT_NOMATCH = 1,
	EXIT_TROUBLE = 2,
	EXIT_PARTIAL = 3,	/* what is shown is true, but some is missing */
	EXIT_OWNER_UNKNOWN = 4,	/* matched, but some holders are unknown */
};

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

/* The notices of the last refresh, one line each. */
static void warn_notices(const struct source *src)
{
	const char *p = source_notice(src);

	while (p && *p) {
		size_t len = strcspn(p, "\n");

		warnx_("%.*s", (int)len, p);
		p += len;
		if (*p)
			p++;
	}
}

/* Turn port specs and user names into filter criteria. */
static int resolve(struct options *opts, const struct registry *reg)
{
	const char *why;
	size_t i;

	for (i = 0; i < opts->nport_specs; i++) {
		if (filter_add_port_spec(&opts->filter, opts->port_specs[i], reg,
					 &why) < 0) {
			warnx_(_("bad port '%s': %s (try 'porttop --help')"),
			       opts->port_specs[i], _(why));
			return -EINVAL;
		}
	}
	for (i = 0; i < opts->nusers; i++) {
		const char *u = opts->users[i];
		struct passwd *pw = getpwnam(u);
		char *end;
		unsigned long uid;

		if (pw) {
			filter_add_uid(&opts->filter, pw->pw_uid);
			continue;
		}
		errno = 0;
		uid = strtoul(u, &end, 10);
		if (*u < '0' || *u > '9' || *end || errno || uid > UINT32_MAX) {
			warnx_(_("unknown user '%s' (try 'porttop --help')"), u);
			return -EINVAL;
		}
		filter_add_uid(&opts->filter, (uint32_t)uid);
	}
	return 0;
}

/* --wait: poll the dump (cheap: no owner scan) until a listener appears. */
static int wait_for(struct source *src, const struct options *opts)
{
	double deadline = clock_now() + opts->wait_seconds;

	for (;;) {
		int rc = source_any_listener(src, &opts->filter);
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (rc < 0) {
			warnx_("%s", source_error(src));
			return EXIT_TROUBLE;
		}
		if (rc > 0)
			return EXIT_FOUND;
		if (opts->wait_seconds > 0 && clock_now() >= deadline) {
			/* "nothing listens" is not known where we could
			 * not look */
			warn_notices(src);
			return source_partial(src) ? EXIT_PARTIAL
						   : EXIT_NOMATCH;
		}
		nanosleep(&ts, NULL);
	}
}

static enum view_kind pick_view(const struct options *opts)
{
	if (opts->view != VIEW_AUTO)
		return opts->view;
	if (cli_single_port(opts))
		return VIEW_TEXT;	/* the cards */
	return tui_possible() ? VIEW_LIVE : VIEW_TEXT;
}

/* "8080/tcp or 8080/udp": the ports asked for, as a person wrote them */
static void asked_ports(struct buf *b, const struct options *opts)
{
	const struct filter *f = &opts->filter;
	size_t i, k;

	for (i = 0; i < f->nports; i++) {
		static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };

		for (k = 0; k < 2; k++) {
			unsigned want = k ? COLLECT_UDP : COLLECT_TCP;

			if ((f->ports[i].proto && f->ports[i].proto != protos[k]) ||
			    !(opts->collect & want))
				continue;
			if (b->len)
				buf_adds(b, i + 1 == f->nports && k ? _(" or ")
								    : ", ");
			buf_printf(b, "%u", f->ports[i].lo);
			if (f->ports[i].hi != f->ports[i].lo)
				buf_printf(b, "-%u", f->ports[i].hi);
			buf_adds(b, k ? "/udp" : "/tcp");
		}
	}
}

/* A person at a terminal gets an answer for an empty result; a script
 * keeps the exit status alone. */
static void say_nothing(const struct options *opts)
{
	struct buf b;

	if (!isatty(STDERR_FILENO))
		return;
	buf_init(&b);
	asked_ports(&b, opts);
	if (b.len && !opts->filter.npids && !opts->filter.nuids &&
	    !opts->filter.ncommands && !opts->filter.exposed)
		warnx_(_("nothing listens on %s"), b.p);
	else
		warnx_(_("no listener matches the filters"));
	buf_release(&b);
}

/* Refresh m from src, and note how long it took and whether it is
 * partial; on failure say why. */
static int refresh(struct source *src, struct options *opts, struct model *m)
{
	double t0 = clock_now();

	if (source_refresh(src, &opts->filter, m) < 0) {
		warnx_("%s", source_error(src));
		return -1;
	}
	m->scan_seconds = clock_now() - t0;
	m->partial = source_partial(src);
	return 0;
}

/* The line on stderr about holders a refresh could not see. */
static void warn_unseen(const struct model *m, const struct privs *pv)
{
	struct buf b;

	buf_init(&b);
	if (hint_owners(&b, m, pv))
		warnx_("%s", b.p);
	buf_release(&b);
}

/* The line on stderr that says a refresh of -n was incremental: its
 * holders may miss one that a full scan would find (COST). The metrics
 * carry it as a gauge instead. */
static void warn_incremental(const struct model *m, enum view_kind view)
{
	if (m->owners_incremental && view != VIEW_PROM)
		warnx_(_("owners: incremental refresh, full scan %.0f s ago (see COST in porttop(1))"),
		       m->owners_full_age);
}

/* --prometheus=FILE: write aside, rename over FILE. */
static int write_prom_file(const struct model *m, const struct options *opts,
			   const struct view_request *vr)
{
	struct file_replace fr;
	int rc = file_replace_open(&fr, opts->prom_file);

	if (rc == 0) {
		view_prom(m, vr, fr.f);
		rc = file_replace_commit(&fr);
	}
	if (rc < 0) {
		warnx_(_("cannot write %s: %s"), opts->prom_file,
		       strerror(-rc));
		return -1;
	}
	return 0;
}

/* --pid of a process that exists but whose fds cannot be read: say so. */
static void explain_pids(const struct options *opts)
{
	size_t i;

	for (i = 0; i < opts->filter.npids; i++) {
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "%s/%d/fd", opts->proc_root,
			 opts->filter.pids[i]);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT && errno != ESRCH)
			warnx_(_("process %d exists, but its open files cannot be read: %s"),
			       opts->filter.pids[i], strerror(errno));
	}
}

static void print_pidns(const struct privs *pv)
{
	struct buf b;

	buf_init(&b);
	if (hint_pidns(&b, pv))
		warnx_("%s", b.p);
	buf_release(&b);
}

static int run_once(struct source *src, struct options *opts,
		    const struct view_request *vr, enum view_kind view,
		    const struct privs *pv)
{
	struct model m;
	int status = EXIT_FOUND;

	model_init(&m);
	if (refresh(src, opts, &m) < 0) {
		model_release(&m);
		return EXIT_TROUBLE;
	}
	if (view == VIEW_JSON) {
		view_json(&m, vr, stdout);
	} else if (view == VIEW_PROM && opts->prom_file) {
		if (write_prom_file(&m, opts, vr) < 0)
			status = EXIT_TROUBLE;
	} else if (view == VIEW_PROM) {
		view_prom(&m, vr, stdout);
	} else if (cli_single_port(opts) && opts->view == VIEW_AUTO) {
		view_query(&m, vr, stdout);
	} else {
		view_text(&m, vr, stdout);
	}
	warn_notices(src);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* a reader that went away is not an error to report */
		if (errno != EPIPE)
			warnx_(_("write error: %s"), strerror(errno));
		status = EXIT_TROUBLE;
	} else if (status != EXIT_TROUBLE) {
		bool asked = filter_active(&opts->filter) || opts->proto_filter;

		warn_unseen(&m, pv);
		warn_incremental(&m, view);
		if (m.nrows == 0 && asked) {
			status = EXIT_NOMATCH;
			/* not where some could not be looked at */
			if (!source_partial(src))
				say_nothing(opts);
			explain_pids(opts);
		} else if (asked && m.hidden_owners) {
			status = EXIT_OWNER_UNKNOWN;
		}
		if (source_partial(src))
			status = EXIT_PARTIAL;
	}
	model_release(&m);
	return status;
}

/* Sleep for seconds, or until the reader of stdout goes away: true then. */
static bool pause_for_reader(double seconds)
{
	struct pollfd pfd = { STDOUT_FILENO, 0, 0 };
	double until = clock_now() + seconds;

	for (;;) {
		double left = until - clock_now();
		int rc;

		if (left <= 0)
			return false;
		rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (rc > 0 && (pfd.revents & (POLLERR | POLLHUP)))
			return true;
		if (rc > 0) {
			/* not a pipe we can watch: just sleep */
			struct timespec ts = { (time_t)left,
				(long)((left - (double)(time_t)left) * 1e9) };

			nanosleep(&ts, NULL);
			return false;
		}
	}
}

/* --events: a JSON line per change, every -d seconds, -n times or until
 * the reader goes away (exit 0 then). A failed refresh is reported and
 * skipped: the next may work. */
static int run_events(struct source *src, struct options *opts,
		      const struct privs *pv)
{
	struct events *ev = events_new(opts->events_changes);
	int status = EXIT_FOUND;
	bool warned = false;
	long i;

	/* a closed pipe is the reader's way to stop the stream */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; opts->iterations == 0 || i < opts->iterations; i++) {
		struct timespec wall;
		struct model m;
		int rc;

		if (i > 0 && pause_for_reader(opts->delay))
			break;
		model_init(&m);
		if (refresh(src, opts, &m) < 0) {
			model_release(&m);
			status = EXIT_TROUBLE;
			continue;
		}
		if (m.partial && status == EXIT_FOUND)
			status = EXIT_PARTIAL;
		clock_gettime(CLOCK_REALTIME, &wall);
		rc = events_update(ev, &m, &wall, clock_now(), stdout);
		/* what could not be seen, once: not at every refresh */
		if (rc == 0 && !warned) {
			warn_notices(src);
			warn_unseen(&m, pv);
			warned = true;
		}
		model_release(&m);
		if (rc == -EPIPE)
			break;
		if (rc < 0) {
			warnx_(_("write error: %s"), strerror(-rc));
			status = EXIT_TROUBLE;
			break;
		}
	}
	events_free(ev);
	return status;
}

/* The server --why asks about: its port and protocol, its address. */
static int why_target(const struct options *opts, const struct registry *reg,
		      struct why_target *t)
{
	const char *why = NULL, *address = opts->why_address;
	uint8_t proto = IPPROTO_TCP;
	struct filter f;
	uint16_t port = 0;
	int rc;

	filter_init(&f);
	rc = filter_add_port_spec(&f, opts->why, reg, &why);
	if (rc == 0 && (f.ports[0].lo != f.ports[0].hi || f.ports[0].lo == 0)) {
		why = N_("--why takes one port from 1 to 65535");
		rc = -EINVAL;
	}
	if (rc == 0)
		port = f.ports[0].lo;
	filter_release(&f);
	if (rc < 0) {
		warnx_(_("bad port '%s': %s (try 'porttop --help')"), opts->why,
		       _(why));
		return rc;
	}
	/* a name for both protocols, or a bare number: TCP unless /udp or
	 * -u alone */
	if (strstr(opts->why, "/udp") ||
	    (!strstr(opts->why, "/tcp") && !(opts->collect & COLLECT_TCP)))
		proto = IPPROTO_UDP;
	/* -4 or -6 alone, without --address: that family's wildcard */
	if (!address && opts->filter.family == AF_INET)
		address = "0.0.0.0";
	rc = why_target_init(t, port, proto, address, opts->why_options,
			     (uint32_t)geteuid(), probe_ipv6());
	if (rc < 0) {
		warnx_(_("bad address '%s': not an IPv4 or IPv6 address (try 'porttop --help')"),
		       address);
		return rc;
	}
	if (!opts->why_address && opts->filter.family == AF_INET6) {
		t->family = AF_INET6;
		t->v6only = 1;	/* IPv6 only: every IPv6 address */
		t->any = true;
	}
	return 0;
}

/* --why: what stops a new server from binding the port. */
static int run_why(struct source *src, const struct options *opts,
		   const struct privs *pv)
{
	struct why_target t;
	struct why_facts f;
	struct why_report r;
	struct why w;
	struct model m;
	int status;

	if (why_target(opts, source_registry(src), &t) < 0)
		return EXIT_TROUBLE;
	model_init(&m);
	why_init(&w);
	memset(&f, 0, sizeof(f));
	if (source_why(src, &t, &m, &f) < 0) {
		warnx_("%s", source_error(src));
		model_release(&m);
		return EXIT_TROUBLE;
	}
	why_diagnose(&w, &m, &t, &f);
	memset(&r, 0, sizeof(r));
	r.m = &m;
	r.why = &w;
	r.target = &t;
	r.facts = &f;
	/* on a terminal the text fits its width; piped, as always */
	r.width = view_text_width(STDOUT_FILENO);
	if (opts->why_try) {
		r.tried = true;
		r.try_err = probe_bind(&t);
	}
	if (opts->view == VIEW_JSON)
		view_why_json(&r, stdout);
	else
		view_why(&r, stdout);
	if (source_notice(src))
		warnx_("%s", source_notice(src));
	if (r.tried)
		status = r.try_err == 0 ? EXIT_FOUND
			 : r.try_err == -EADDRINUSE || r.try_err == -EACCES
				 ? EXIT_NOMATCH
				 : EXIT_TROUBLE;
	else
		status = w.verdict == WHY_NOTE ? EXIT_FOUND : EXIT_NOMATCH;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			warnx_(_("write error: %s"), strerror(errno));
		status = EXIT_TROUBLE;
	} else {
		/* the fix that fits how porttop runs, as for the table: not
		 * "run as root" to root */
		warn_unseen(&m, pv);
	}
	why_release(&w);
	model_release(&m);
	return status;
}

/* The live view's hint of unknown owners: data is the privs. */
static bool live_hint(struct buf *b, const struct model *m, const void *data)
{
	return hint_owners(b, m, data);
}

/* The live view, asked with what of the options it needs. */
static int run_live(struct source *src, const struct options *opts,
		    const struct view_request *vr, const struct privs *pv,
		    const char **msg)
{
	struct tui_request req = {
		.filter = &opts->filter,
		.delay = opts->delay,
		.iterations = opts->iterations,
		.color = opts->color == COLOR_ALWAYS ? TUI_COLOR_ALWAYS
			 : opts->color == COLOR_NEVER ? TUI_COLOR_NEVER
						      : TUI_COLOR_AUTO,
		.hint = live_hint,
		.hint_data = pv,
	};

	view_columns(vr, &req.columns, &req.ncolumns);
	return tui_run(src, &req, msg);
}

/* One owner scan and no refresh: --why, a card, a table, JSON or metrics
 * without -n (the source loads the BPF program that is fastest to load) */
static bool scans_once(const struct options *opts)
{
	enum view_kind v = pick_view(opts);

	return opts->why ||
	       (v != VIEW_LIVE && v != VIEW_EVENTS && opts->iterations <= 1);
}

/* What the source scans and how the views print, from the options. */
static void make_requests(const struct options *opts,
			  struct source_request *sr, struct view_request *vr)
{
	size_t i;

	memset(sr, 0, sizeof(*sr));
	sr->collect = opts->collect;
	sr->all_netns = opts->all_netns;
	for (i = 0; i < opts->ncolumns; i++)
		if (columns[opts->columns[i]].needs & COL_NEEDS_CONNS)
			sr->conns = true;
	sr->proc_root = opts->proc_root;
	sr->services = opts->services;
	sr->record = opts->record;
	sr->replay = opts->replay;
	sr->threads = opts->threads;
	sr->owner_scan = opts->owner_scan;
	sr->btf = opts->btf;
	sr->once = scans_once(opts);

	memset(vr, 0, sizeof(*vr));
	vr->columns = opts->columns;
	vr->ncolumns = opts->ncolumns;
	vr->no_header = opts->no_header;
	/* with -n, one document per refresh and each on one line */
	vr->json_lines = opts->iterations > 0;
	vr->collect = opts->collect;
	/* a table on a terminal fits its width; piped, lines stay whole */
	vr->width = view_text_width(STDOUT_FILENO);
}

int main(int argc, char **argv)
{
	struct source_request sreq;
	struct view_request vreq;
	struct options opts;
	const char *why, *what, *msg = NULL;
	char errbuf[1024];
	struct source *src;
	struct privs pv;
	enum view_kind view;
	int status = EXIT_FOUND;

	setlocale(LC_ALL, "");
	/* numbers on the command line and in the output use a dot
	 * whatever the language: --delay 0.5 */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	if (getuid() != geteuid() || getgid() != getegid()) {
		warnx_(_("refusing to run set-uid or set-gid: grant capabilities instead"));
		return EXIT_TROUBLE;
	}

	switch (cli_parse(argc, argv, &opts, &why, &what)) {
	case CLI_HELP:
		cli_usage(stdout);
		cli_release(&opts);
		return fflush(stdout) == 0 ? EXIT_FOUND : EXIT_TROUBLE;
	case CLI_VERSION:
		printf("porttop %s\n", PACKAGE_VERSION);
		cli_release(&opts);
		return fflush(stdout) == 0 ? EXIT_FOUND : EXIT_TROUBLE;
	case CLI_LIST_COLUMNS:
		view_list_columns(stdout);
		cli_release(&opts);
		return fflush(stdout) == 0 ? EXIT_FOUND : EXIT_TROUBLE;
	case CLI_ERROR:
		if (what)
			warnx_(_("%s: '%s' (try 'porttop --help')"), _(why), what);
		else
			warnx_(_("%s (try 'porttop --help')"), _(why));
		cli_release(&opts);
		return EXIT_TROUBLE;
	case CLI_RUN:
		break;
	}

	make_requests(&opts, &sreq, &vreq);
	/* room for the holders' files a refresh keeps open (owners_facts.c
	 * caps them at 16,384 holders) */
	privs_raise_nofile(65536);
	src = source_new(&sreq, errbuf, sizeof(errbuf));
	if (!src) {
		warnx_("%s", errbuf);
		cli_release(&opts);
		return EXIT_TROUBLE;
	}
	if (source_warning(src))
		warnx_("%s", source_warning(src));
	privs_read(opts.proc_root, &pv);
	print_pidns(&pv);
	if (resolve(&opts, source_registry(src)) < 0) {
		status = EXIT_TROUBLE;
		goto out;
	}

	if (opts.why) {
		status = run_why(src, &opts, &pv);
		goto out;
	}
	if (opts.wait) {
		status = wait_for(src, &opts);
		goto out;
	}
	view = pick_view(&opts);
	if (view == VIEW_LIVE) {
		status = run_live(src, &opts, &vreq, &pv, &msg);
		if (status >= 0)
			goto out;
		/* no usable terminal: the text dump, with a note */
		warnx_(_("%s; printing the table instead"), _(msg));
		view = VIEW_TEXT;
	}
	if (view == VIEW_EVENTS) {
		status = run_events(src, &opts, &pv);
		goto out;
	}
	if (opts.iterations > 0) {
		/* like top -b -n: refresh incrementally, print every time */
		long i;
		int rc;

		for (i = 0; i < opts.iterations; i++) {
			struct timespec ts = {
				(time_t)opts.delay,
				(long)((opts.delay - (double)(time_t)opts.delay) * 1e9),
			};

			if (i > 0) {
				nanosleep(&ts, NULL);
				if (view != VIEW_JSON &&
				    !(view == VIEW_PROM && opts.prom_file))
					putchar('\n');
			}
			/* a terminal resized meanwhile: the table fits again */
			vreq.width = view_text_width(STDOUT_FILENO);
			rc = run_once(src, &opts, &vreq, view, &pv);
			/* a failed refresh is reported; the next may work */
			if (status != EXIT_TROUBLE)
				status = rc;
			if (ferror(stdout))
				break;	/* the reader went away */
		}
		goto out;
	}
	source_set_oneshot(src, true);
	status = run_once(src, &opts, &vreq, view, &pv);
out:
	source_free(src);
	cli_release(&opts);
	return status;
}
