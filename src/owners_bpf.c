/* owners_bpf.c - the owner scan in the kernel
 *
 * The /proc scan costs one readlinkat per open fd on the host, in the
 * kernel's slow path (a proc inode and dentry made per fd). A BPF iterator
 * program visits the same fd tables inside the kernel and writes a record
 * per table and one per socket fd only (owners_bpf_rec.h): the iter/task
 * walk (owners_walk.bpf.c) reads each table itself, a call per task, with
 * direct loads where the kernel has bpf_rdonly_cast() (6.2+), else with
 * bpf_probe_read_kernel(); where the kernel refuses both, the
 * iter/task_file program (owners_iter.bpf.c) is called for every open file. A table the walk leaves unfinished (a call
 * writes at most ~32 KiB) is finished by continuation passes of its task.
 * The programs come as light skeletons: libbpf's loader program lets the
 * kernel do the CO-RE relocations against its own BTF, so loading costs
 * about a millisecond and needs no libbpf at run time, but the kernel must
 * be 5.17 or later.
 *
 * BPF sees every fd table the kernel lets it see, so there are no denials
 * there; but a kernel may hide a process from the iterator (PID 1 on some
 * hardened kernels), so each pass also says which processes it visited,
 * and every live process it did not visit, but for kernel threads,
 * zombies and processes that started since, is read from /proc by the
 * /proc scan, with its denials counted: a process that neither can read
 * makes the answer partial, never complete. The iterator also
 * gives each holder's name, start time and effective uid, and the other
 * facts of the processes that hold a wanted socket (cmdline, cgroup) come
 * from /proc, read again at every scan through files kept open across
 * refreshes (owners_facts.c); a holder whose /proc entry is not the
 * process the iterator saw (its start time differs: the pid was reused)
 * is counted as vanished, as in the /proc scan. A pass of the walk
 * reads only the slots that may hold a wanted socket's file once the last
 * passes have seen them all (owners_bpf_filter.c). This file loads the
 * programs and makes the scan; owners_bpf_pass.c reads a pass. */
#include "config.h"
#include "owners_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>

#include "nls.h"
#include "owners_bpf_priv.h"
#include "xalloc.h"

/* kernel-side CO-RE relocation by the loader program came in 5.17 */
#define KERNEL_MIN_MAJOR 5
#define KERNEL_MIN_MINOR 17

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool owner_scan_parse(const char *s, enum owner_scan *out)
{
	static const char *const names[] = {
		[OWNER_SCAN_AUTO] = "auto",
		[OWNER_SCAN_BPF] = "bpf",
		[OWNER_SCAN_PROC] = "proc",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum owner_scan)i;
			return true;
		}
	}
	return false;
}

bool owners_bpf_active(const struct owners *o)
{
	return o->bpf != NULL;
}

const char *owners_bpf_program(const struct owners *o)
{
	if (!o->bpf)
		return NULL;
#ifdef HAVE_BPF
	if (o->bpf->walkd)
		return "iter/task direct";
	if (o->bpf->walk)
		return "iter/task";
#endif
	return "iter/task_file";
}

void owners_set_cookies(struct owners *o, const uint64_t *cookies, size_t n)
{
	struct owners_bpf *b = o->bpf;

	if (!b)
		return;
	b->cookies = xgrow(b->cookies, &b->cap_cookies, n ? n : 1,
			   sizeof(*b->cookies));
	memcpy(b->cookies, cookies, n * sizeof(*cookies));
	b->ncookies = n;
}

uint64_t owners_bpf_skipped(const struct owners *o)
{
	return o->bpf ? o->bpf->skipped : 0;
}

#ifdef HAVE_BPF
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a, b;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return false;
	return a > major || (a == major && b >= minor);
}

/* CAP_SYS_ADMIN, or both CAP_BPF and CAP_PERFMON, in the effective set. */
static bool may_load_bpf(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
#define HAS_CAP(c) ((d[(c) / 32].effective >> ((c) % 32)) & 1U)
	return HAS_CAP(CAP_SYS_ADMIN) ||
	       (HAS_CAP(CAP_BPF) && HAS_CAP(CAP_PERFMON));
#undef HAS_CAP
}

/* A single scan on a host with at least this many open files loads the
 * walk first after all: its pass costs ~0.4 us a file less than
 * iter/task_file's, its load ~12 ms more (bench/results-latest.txt: the
 * two cross near 32,000 files). */
#define ONCE_WALK_FILES 32768

/* The files open on the host (the first field of /proc/sys/fs/file-nr),
 * or 0 if it cannot be read. */
static unsigned long open_files(const struct owners *o)
{
	char buf[128];
	ssize_t n = owners_read_at(o->proc_fd, "sys/fs/file-nr", buf,
				   sizeof(buf) - 1);
	unsigned long files = 0;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return sscanf(buf, "%lu", &files) == 1 ? files : 0;
}

/* The iterator walks the pid namespace of whoever reads it but reports
 * the kernel's own pids: only in the first namespace are they the same. */
static bool in_first_pid_ns(void)
{
	char buf[4096], *line, *end;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	line = strstr(buf, "\nNSpid:");
	if (!line)
		return true;	/* before 4.1: no pid namespaces to tell */
	line += 7;
	end = strchr(line, '\n');
	if (end)
		*end = '\0';
	/* one pid: "NSpid:\t123"; more: one per namespace level */
	line += strspn(line, " \t");
	return strpbrk(line, " \t") == NULL;
}

/* /proc's start times include the time namespace's boottime offset. */
static long long boot_offset_ns(void)
{
	char buf[256];
	const char *p;
	long long s = 0, ns = 0;
	int fd = open("/proc/self/timens_offsets", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "boottime");
	if (!p || sscanf(p + 8, "%lld %lld", &s, &ns) != 2)
		return 0;
	return s * 1000000000LL + ns;
}
#endif

static void bpf_free(struct owners_bpf *b)
{
	if (!b)
		return;
#ifdef HAVE_BPF
	/* the skeletons close their links */
	porttop_walk_direct__destroy(b->walkd);
	porttop_walk__destroy(b->walk);
	porttop_bpf__destroy(b->skel);
	porttop_sock__destroy(b->sock);
#endif
	free(b->more);
	free(b->buf);
	free(b->visited);
	free(b->cookies);
	free(b->netns_fds);
	owners_filter_release(&b->filter);
	free(b);
}

void owners_bpf_release(struct owners *o)
{
	owners_facts_release(o);
	bpf_free(o->bpf);
	o->bpf = NULL;
}

#ifdef HAVE_BPF
/* the BPF programs, each the fallback of the one before for a refreshing
 * porttop (a single scan of a host with few files tries PROG_TASK_FILE
 * first) */
enum prog { PROG_DIRECT, PROG_WALK, PROG_TASK_FILE, NPROGS };

/* Load and attach program prog into b. Returns 0 or -errno. */
static int start_prog(struct owners_bpf *b, enum prog prog)
{
	int rc;

	/* the skeletons own their links: destroy closes them */
	if (prog == PROG_DIRECT) {
		b->walkd = porttop_walk_direct__open();
		rc = b->walkd ? porttop_walk_direct__load(b->walkd) : -ENOMEM;
		if (rc == 0)
			b->link_fd =
				porttop_walk_direct__porttop_walk__attach(
					b->walkd);
	} else if (prog == PROG_WALK) {
		b->walk = porttop_walk__open();
		rc = b->walk ? porttop_walk__load(b->walk) : -ENOMEM;
		if (rc == 0)
			b->link_fd = porttop_walk__porttop_walk__attach(b->walk);
	} else {
		b->skel = porttop_bpf__open();
		rc = b->skel ? porttop_bpf__load(b->skel) : -ENOMEM;
		if (rc == 0)
			b->link_fd =
				porttop_bpf__porttop_sockets__attach(b->skel);
	}
	if (rc == 0 && b->link_fd < 0)
		rc = errno ? -errno : -EINVAL;
	if (rc == 0)
		return 0;
	porttop_walk_direct__destroy(b->walkd);
	porttop_walk__destroy(b->walk);
	porttop_bpf__destroy(b->skel);
	b->walkd = NULL;
	b->walk = NULL;
	b->skel = NULL;
	b->link_fd = -1;
	return rc < 0 ? rc : -EINVAL;
}
#endif

/* Check every requirement, then load. Returns -errno; *why says what is
 * missing. */
static int bpf_start(struct owners *o, const char *btf, const char **why)
{
#ifdef HAVE_BPF
	/* PORTTOP_BPF_PROG's values */
	static const char *const names[NPROGS] = {
		[PROG_DIRECT] = "task_direct",
		[PROG_WALK] = "task",
		[PROG_TASK_FILE] = "task_file",
	};
	enum prog order[NPROGS] = { PROG_DIRECT, PROG_WALK, PROG_TASK_FILE };
	struct owners_bpf *b;
	const char *env;
	int rc = -EINVAL;
	size_t i, n = NPROGS;

	if (!kernel_at_least(KERNEL_MIN_MAJOR, KERNEL_MIN_MINOR)) {
		*why = N_("the kernel is older than 5.17");
		return -ENOTSUP;
	}
	if (!may_load_bpf()) {
		*why = N_("it needs root, or CAP_BPF and CAP_PERFMON");
		return -EPERM;
	}
	if (access(btf, R_OK) < 0) {
		*why = N_("the kernel has no BTF (CONFIG_DEBUG_INFO_BTF)");
		return -ENOTSUP;
	}
	if (!in_first_pid_ns()) {
		*why = N_("porttop runs in a pid namespace of its own");
		return -ENOTSUP;
	}
	b = xcalloc(1, sizeof(*b));
	b->link_fd = -1;
	b->sock_links[0] = b->sock_links[1] = -1;
	/* a single scan: the program the kernel verifies fastest first,
	 * unless the host has so many files that the walk's pass pays for
	 * its load */
	if (o->once && open_files(o) < ONCE_WALK_FILES) {
		order[0] = PROG_TASK_FILE;
		order[2] = PROG_DIRECT;
	}
	/* the tests' hook for one program (HACKING.md) */
	env = getenv("PORTTOP_BPF_PROG");
	for (i = 0; env && i < NPROGS; i++)
		if (strcmp(env, names[i]) == 0) {
			order[0] = (enum prog)i;
			n = 1;
		}
	for (i = 0; i < n; i++) {
		rc = start_prog(b, order[i]);
		if (rc == 0)
			break;
	}
	if (rc < 0) {
		*why = N_("the kernel refused every BPF program, the iter/task walk and the iter/task_file fallback");
		goto out_free;
	}
	b->buf = xmalloc(OWNERS_BPF_READ_BUF);
	b->boot_offset = boot_offset_ns();
	b->hz = sysconf(_SC_CLK_TCK);
	if (b->hz <= 0)
		b->hz = 100;
	/* the tests' hook for a process the iterator does not visit
	 * (HACKING.md) */
	env = getenv("PORTTOP_BPF_SKIP");
	b->skip_pid = env ? procparse_pid(env) : 0;
	o->bpf = b;
	return 0;

out_free:
	bpf_free(b);
	return rc;
#else
	(void)o;
	(void)btf;
	*why = N_("porttop was built without BPF (configure --enable-bpf)");
	return -ENOTSUP;
#endif
}

int owners_set_scan(struct owners *o, enum owner_scan how, const char *btf,
		    const char **why)
{
	const char *reason = NULL;
	int rc;

	owners_bpf_release(o);
	*why = NULL;
	if (how == OWNER_SCAN_PROC)
		return 0;
	rc = bpf_start(o, btf ? btf : OWNERS_BTF_PATH, &reason);
	if (rc < 0 && how == OWNER_SCAN_AUTO)
		return 0;
	*why = reason;
	return rc;
}

int owners_choose_scan(struct owners *o, enum owner_scan how, const char *btf,
		       const char *proc_root, char *err, size_t errlen)
{
	const char *why;
	int rc;

	/* the iterator names tasks by their pids in the initial pid
	 * namespace: in another one they name nothing in our /proc (a build
	 * without BPF says that first, below) */
#ifdef HAVE_BPF
	if (how == OWNER_SCAN_BPF && o->other_pidns) {
		snprintf(err, errlen, "%s",
			 _("cannot use --owner-scan=bpf: porttop runs in a pid namespace other than the initial one, where the BPF iterator's pids mean nothing; use --owner-scan=proc, or run porttop in the host's pid namespace (--pid=host)"));
		return -EINVAL;
	}
	if (how == OWNER_SCAN_BPF && strcmp(proc_root, "/proc") != 0) {
		snprintf(err, errlen, "%s",
			 _("cannot use --owner-scan=bpf with a proc root other than /proc: use --owner-scan=proc"));
		return -EINVAL;
	}
#endif
	if (how == OWNER_SCAN_AUTO &&
	    (strcmp(proc_root, "/proc") != 0 || o->other_pidns))
		how = OWNER_SCAN_PROC;
	rc = owners_set_scan(o, how, btf, &why);
	if (rc == -ENOTSUP || rc == -EPERM)
		snprintf(err, errlen, _("cannot use --owner-scan=bpf: %s"),
			 _(why));
	else if (rc < 0)
		snprintf(err, errlen, _("cannot use --owner-scan=bpf: %s: %s"),
			 _(why), strerror(-rc));
	return rc;
}

#ifdef HAVE_BPF
static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_int(const void *a, const void *b)
{
	const int *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* Clock ticks after boot now, as /proc's start times count them. */
static unsigned long long ticks_now(long hz)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		return 0;
	return (unsigned long long)ts.tv_sec * (unsigned long long)hz +
	       (unsigned long long)ts.tv_nsec /
		       (1000000000ULL / (unsigned long long)hz);
}

/* The live processes that the last pass, begun at start (clock ticks after
 * boot), did not visit, into *out: not kernel threads nor zombies (no fd
 * table), nor processes that started since, nor those gone. Returns how
 * many, or -errno if /proc cannot be listed. */
static ssize_t unvisited_pids(struct owners *o, struct owners_bpf *b,
			      unsigned long long start, int **out)
{
	size_t npids = 0, i, n = 0;
	int *pids = NULL, rc;

	rc = owners_list_pids(o->proc_fd, &pids, &npids);
	if (rc < 0)
		return rc;
	if (b->nvisited > 1)
		qsort(b->visited, b->nvisited, sizeof(*b->visited), cmp_int);
	for (i = 0; i < npids; i++) {
		struct proc_stat ps;
		char name[32], buf[1024];
		ssize_t len;

		if (bsearch(&pids[i], b->visited, b->nvisited,
			    sizeof(*b->visited), cmp_int))
			continue;
		snprintf(name, sizeof(name), "%d/stat", pids[i]);
		len = owners_read_at(o->proc_fd, name, buf, sizeof(buf));
		if (len == -ENOENT || len == -ESRCH)
			continue;
		/* a stat that cannot be read: the /proc scan says why */
		if (len > 0 && procparse_stat(buf, (size_t)len, &ps) &&
		    ((ps.flags & PROCPARSE_PF_KTHREAD) || ps.state == 'Z' ||
		     ps.state == 'X' || ps.start_time > start))
			continue;
		pids[n++] = pids[i];
	}
	*out = pids;
	return (ssize_t)n;
}

static int cmp_holder_pid(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The facts of the process the iterator saw as s: its name, start time
 * and uid came with the iterator's record, its command line and cgroup are
 * read from /proc at every scan (an exec or setuid changes them, not the
 * start time), through files kept open since an earlier scan where it can
 * (owners_facts.c). False if they cannot be had; then *err is why the
 * process, still there, could not be read (EMFILE, ENFILE: porttop's own
 * fds ran out; else EACCES), 0 if it is gone. */
static bool holder_facts(struct owners *o, const struct seen *s,
			 struct proc_info *p, int *err)
{
	int rc = owners_facts_held(o, s->pid, s->start, s->comm, s->uid, p);

	*err = 0;
	/* -ESTALE: the pid is another process's now; else hidepid may
	 * hide, a gone process is gone: ask the kernel */
	if (rc < 0 && rc != -ESTALE &&
	    (kill(s->pid, 0) == 0 || errno == EPERM))
		*err = rc == -EMFILE || rc == -ENFILE ? -rc : EACCES;
	return rc == 0;
}
#endif

int owners_bpf_full_scan(struct owners *o, const uint32_t *inodes, size_t n)
{
#ifdef HAVE_BPF
	size_t nseen = 0, i, j, kept = 0, unread;
	struct seen *seen = NULL;
	unsigned long long start;
	struct worker *w;
	struct owners_bpf *b = o->bpf;
	int *missing = NULL;
	ssize_t nmissing;
	bool filter, cookies = b->ncookies == n;
	int rc;

	owners_begin(o, inodes, n);
	o->have_cache = false;
	filter = owners_filter_want(&b->filter, inodes,
				    cookies ? b->cookies : NULL, n);
	b->ncookies = 0;	/* for this scan only */
	b->skipped = 0;
	if (n == 0) {
		owners_facts_release(o);	/* no holders to keep */
		return 0;
	}

	/* the sockets whose file is not known, asked first: the walk's
	 * filter may then stay on */
	if (!filter && (b->walk || b->walkd))
		filter = owners_bpf_sock_check(b, true) && cookies;
	w = xcalloc(1, sizeof(*w));
	w->o = o;
	start = ticks_now(o->bpf->hz);
	rc = owners_bpf_iterate(b, w, &seen, &nseen, filter);
	if (rc == 0)	/* the rest: which are the kernel's */
		owners_bpf_sock_check(b, false);
	nmissing = rc < 0 ? 0 : unvisited_pids(o, o->bpf, start, &missing);
	if (rc < 0 || nmissing < 0) {
		rc = rc < 0 ? rc : (int)nmissing;
		free(w->holders);
		goto out;
	}
	if (nseen > 1)
		qsort(seen, nseen, sizeof(*seen), cmp_seen);
	if (w->nholders > 1)
		qsort(w->holders, w->nholders, sizeof(*w->holders),
		      cmp_holder_pid);
	/* read the facts of each holding process, in pid order; keep only
	 * those holders whose process could be read */
	owners_facts_begin(o);
	for (i = 0; i < w->nholders; i = j) {
		int pid = w->holders[i].pid;
		struct seen key = { .pid = pid }, *s;
		struct proc_info p;
		int err = 0;
		size_t k;

		for (j = i; j < w->nholders && w->holders[j].pid == pid; j++)
			;
		s = bsearch(&key, seen, nseen, sizeof(*seen), cmp_seen);
		if (!s || !holder_facts(o, s, &p, &err)) {
			if (err) {
				/* a holder we cannot describe: not read, and
				 * refused only where it was */
				owner_failures_add(&w->stats.unread, err, 1);
				w->stats.unread.procs++;
				w->stats.unread.denied += err == EACCES;
			} else {
				w->stats.vanished++;
			}
			continue;
		}
		w->procs = xgrow(w->procs, &w->cap_procs, w->nprocs + 1,
				 sizeof(*w->procs));
		w->procs[w->nprocs] = p;
		for (k = i; k < j; k++) {
			w->holders[kept] = w->holders[k];
			w->holders[kept++].proc = (uint32_t)w->nprocs;
		}
		w->nprocs++;
	}
	owners_facts_end(o);
	w->nholders = kept;
	/* the processes the iterator did not visit are read from /proc;
	 * merge() files the holders by inode; it frees w's arrays */
	unread = w->stats.unread.procs;
	owners_scan_pids(o, missing, (size_t)nmissing, 1, w);
	o->stats.unread.unvisited = o->stats.unread.procs - unread;
	o->have_cache = false;	/* owners_refresh(): a full scan each time */
	o->stats.full = true;
	o->last_full = clock_now();
	owners_remember_orphans(o, inodes, n);
out:
	free(w);
	free(seen);
	free(missing);
	return rc;
#else
	(void)o;
	(void)inodes;
	(void)n;
	return -ENOTSUP;
#endif
}
