/* test_owners_bpf.c - the BPF owner scan against the /proc scan: on real
 * sockets in edge cases (shared, passed over SCM_RIGHTS, in flight, held by
 * a thread's own fd table, in another network namespace, tables longer than
 * one call of the walk, processes exiting during the pass) both must find
 * exactly the same holders with the same facts, with the iter/task walk and
 * with its iter/task_file fallback; and the ways BPF is refused (no
 * privileges, no BTF, no BPF in the build) */
#include "config.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <netinet/in.h>

#include "collector.h"
#include "holders.h"
#include "netns.h"
#include "nsrun.h"
#include "owners.h"
#include "owners_bpf.h"
#include "owners_bpf_filter.h"
#ifdef HAVE_BPF
#include <linux/types.h>
#include "owners_bpf_rec.h"	/* PORTTOP_WALK_SOCKS */
#endif

/* A TCP listener (or bound UDP socket) on 127.0.0.1, any port. */
static int open_sock(int type, uint32_t *inode)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, type, 0);

	cr_assert_geq(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (type == SOCK_STREAM)
		cr_assert_eq(listen(fd, 4), 0);
	*inode = inode_of(fd);
	return fd;
}

static int cmp_holder(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* Both scanners hold the same holders, with the same facts, for every
 * inode; returns how many holders inode i has, in counts[i]. */
static void expect_same(const struct owners *p, const struct owners *b,
			const uint32_t *inodes, size_t n, size_t *counts)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct holder *hp, *hb;
		size_t np = owners_lookup(p, inodes[i], &hp);
		size_t nb = owners_lookup(b, inodes[i], &hb);
		struct holder *sp, *sb;

		cr_assert_eq(np, nb, "inode %u: /proc finds %zu holders, BPF %zu",
			     inodes[i], np, nb);
		counts[i] = np;
		if (!np)
			continue;
		sp = malloc(np * sizeof(*sp));
		sb = malloc(np * sizeof(*sb));
		cr_assert(sp && sb);
		memcpy(sp, hp, np * sizeof(*sp));
		memcpy(sb, hb, np * sizeof(*sb));
		qsort(sp, np, sizeof(*sp), cmp_holder);
		qsort(sb, np, sizeof(*sb), cmp_holder);
		for (j = 0; j < np; j++) {
			const struct proc_info *a = owners_proc(p, sp[j].proc);
			const struct proc_info *c = owners_proc(b, sb[j].proc);

			cr_expect_eq(sp[j].pid, sb[j].pid, "inode %u", inodes[i]);
			cr_expect_eq(sp[j].tid, sb[j].tid, "inode %u pid %d",
				     inodes[i], sp[j].pid);
			cr_expect_eq(sp[j].fd, sb[j].fd, "inode %u pid %d",
				     inodes[i], sp[j].pid);
			cr_assert(a && c);
			cr_expect_eq(a->uid, c->uid);
			cr_expect_eq(a->start_time, c->start_time);
			cr_expect_str_eq(a->comm, c->comm);
			cr_expect_eq(a->cmdline_len, c->cmdline_len);
			if (a->cmdline_len == c->cmdline_len && a->cmdline_len)
				cr_expect_eq(memcmp(a->cmdline, c->cmdline,
						    a->cmdline_len), 0);
		}
		free(sp);
		free(sb);
	}
}

/* A refresh of b with the sockets' cookies, and the same holders as a
 * fresh /proc scan by p finds: counts[i] holders of inodes[i]. */
static void refresh_both(struct owners *b, struct owners *p,
			 const uint32_t *inodes, const uint64_t *cookies,
			 size_t n, size_t *counts)
{
	owners_set_cookies(b, cookies, n);
	cr_assert_eq(owners_refresh(b, inodes, n, 0), 0);
	cr_assert_eq(owners_scan(p, inodes, n, 0), 0);
	expect_same(p, b, inodes, n, counts);
}

/* Scan inodes both ways; counts[i]: holders of inodes[i]. Then two
 * refreshes: the first learns the sockets' files, the second reads only
 * the slots that may hold them (the walk's filter, when every socket has a
 * holder that the iterator visits), and both must still agree with /proc. */
static void scan_both(const uint32_t *inodes, size_t n, size_t *counts)
{
	struct owners *b = bpf_owners_or_skip();
	struct owners *p = owners_new("/proc");
	uint64_t *cookies = calloc(n ? n : 1, sizeof(*cookies));
	size_t *again = calloc(n ? n : 1, sizeof(*again));
	size_t i, k;

	cr_assert(p && cookies && again);
	cr_assert_eq(owners_scan(p, inodes, n, 0), 0);
	cr_assert_eq(owners_scan(b, inodes, n, 0), 0);
	expect_same(p, b, inodes, n, counts);
	/* a socket's identity across the refreshes: these sockets live
	 * through the test, so their inodes serve as cookies */
	for (i = 0; i < n; i++)
		cookies[i] = inodes[i];
	for (k = 0; k < 2; k++) {
		refresh_both(b, p, inodes, cookies, n, again);
		for (i = 0; i < n; i++)
			cr_expect_eq(again[i], counts[i], "inode %u, refresh %zu",
				     inodes[i], k + 1);
	}
	free(cookies);
	free(again);
	/* a process hidden from the iterator is read from /proc: denied
	 * there only if /proc denies it too */
	cr_expect_leq(owners_stats(b)->unread.denied,
		      owners_stats(p)->unread.denied);
	cr_expect_leq(owners_stats(b)->unread.unvisited,
		      owners_stats(b)->unread.procs);
	cr_expect_gt(owners_stats(b)->fds, 0, "the iterator visited no fd");
	owners_free(p);
	owners_free(b);
}

Test(owners_bpf, a_shared_socket_and_a_high_fd)
{
	uint32_t in[3];
	size_t cnt[3];
	pid_t kids[3];
	int pipe_wr, fd;

	NETNS_OR_SKIP();
	open_sock(SOCK_STREAM, &in[0]);
	open_sock(SOCK_DGRAM, &in[1]);
	fork_holders(3, kids, &pipe_wr);
	fd = open_sock(SOCK_DGRAM, &in[2]);
	cr_assert_eq(dup2(fd, 901), 901);
	scan_both(in, 3, cnt);
	cr_expect_eq(cnt[0], 4);
	cr_expect_eq(cnt[1], 4);
	cr_expect_eq(cnt[2], 2, "fd %d and 901", fd);
	reap_holders(pipe_wr, kids, 3);
}

/* The uid of a holder comes from the iterator: the effective one of its
 * objective credentials, as /proc status says, and a refresh follows a
 * setresuid() without exec. */
static uint32_t uid_of_holder(const struct owners *o, uint32_t inode,
			      pid_t pid)
{
	const struct holder *h;
	size_t i, n = owners_lookup(o, inode, &h);

	for (i = 0; i < n; i++)
		if (h[i].pid == pid)
			return owners_proc(o, h[i].proc)->uid;
	return UINT32_MAX;
}

Test(owners_bpf, a_holder_with_another_effective_uid)
{
	struct owners *b, *p;
	uint32_t in;
	size_t cnt;
	int go[2], ready[2];
	pid_t kid;
	char c;

	NETNS_OR_SKIP();
	b = bpf_owners_or_skip();
	p = owners_new("/proc");
	cr_assert_not_null(p);
	open_sock(SOCK_STREAM, &in);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(ready), 0);
	kid = fork();
	cr_assert_geq(kid, 0);
	if (kid == 0) {
		close(go[1]);
		/* real 4242, effective 65534, saved 0 */
		if (setresuid(4242, 65534, 0) < 0 ||
		    write(ready[1], "x", 1) != 1 || read(go[0], &c, 1) != 1 ||
		    setresuid(4242, 4242, 0) < 0 || write(ready[1], "y", 1) != 1)
			_exit(1);
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(go[0]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	cr_assert_eq(owners_refresh(b, &in, 1, 0), 0);
	cr_assert_eq(owners_scan(p, &in, 1, 0), 0);
	expect_same(p, b, &in, 1, &cnt);
	cr_expect_eq(cnt, 2, "the test and its child");
	cr_expect_eq(uid_of_holder(b, in, kid), 65534, "the effective uid");

	/* setresuid without exec: the next refresh has the new uid */
	cr_assert_eq(write(go[1], "x", 1), 1);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	cr_assert_eq(owners_refresh(b, &in, 1, 0), 0);
	cr_assert_eq(owners_scan(p, &in, 1, 0), 0);
	expect_same(p, b, &in, 1, &cnt);
	cr_expect_eq(uid_of_holder(b, in, kid), 4242);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	waitpid(kid, NULL, 0);
	owners_free(p);
	owners_free(b);
}

Test(owners_bpf, a_thread_with_its_own_fd_table)
{
	uint32_t in[2];
	size_t cnt[2];
	struct own_fds t;
	int only_thread;

	NETNS_OR_SKIP();
	only_thread = open_sock(SOCK_STREAM, &in[0]);
	open_sock(SOCK_DGRAM, &in[1]);	/* held by both tables */
	own_fds_start(&t);
	close(only_thread);
	scan_both(in, 2, cnt);
	cr_expect_eq(cnt[0], 1, "only the thread's table holds it");
	cr_expect_eq(cnt[1], 2, "the process's table and the thread's");
	own_fds_stop(&t);
}

/* A process the iterator does not visit (a kernel may hide one; the test
 * hook PORTTOP_BPF_SKIP drops its records from every pass) is read from
 * /proc: its holders are found all the same, with the same facts. */
Test(owners_bpf, a_process_the_iterator_does_not_visit_is_read_from_proc)
{
	uint32_t in[2];
	size_t cnt[2];
	pid_t kids[2];
	char pid[16];
	int pipe_wr;

	NETNS_OR_SKIP();
	open_sock(SOCK_STREAM, &in[0]);
	open_sock(SOCK_DGRAM, &in[1]);
	fork_holders(2, kids, &pipe_wr);
	snprintf(pid, sizeof(pid), "%d", (int)kids[0]);
	cr_assert_eq(setenv("PORTTOP_BPF_SKIP", pid, 1), 0);
	scan_both(in, 2, cnt);
	cr_expect_eq(cnt[0], 3, "the parent and both children");
	cr_expect_eq(cnt[1], 3, "the parent and both children");
	unsetenv("PORTTOP_BPF_SKIP");
	reap_holders(pipe_wr, kids, 2);
}

Test(owners_bpf, sockets_passed_over_scm_rights_received_and_in_flight)
{
	uint32_t in[2];
	size_t cnt[2];
	int sv[2], fly[2], ready, socks[2];
	char c;
	pid_t kid;

	NETNS_OR_SKIP();
	socks[0] = open_sock(SOCK_STREAM, &in[0]);	/* moved */
	socks[1] = open_sock(SOCK_DGRAM, &in[1]);	/* flying */
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, fly), 0);
	kid = fork_receiver(sv, 900, socks, 2, &ready);
	send_fd(sv[0], socks[0]);
	close(socks[0]);
	/* queued in fly[]: nobody's fd table holds it any more */
	send_fd(fly[0], socks[1]);
	close(socks[1]);
	cr_assert_eq(read(ready, &c, 1), 1);
	scan_both(in, 2, cnt);
	cr_expect_eq(cnt[0], 1, "the receiver holds it");
	cr_expect_eq(cnt[1], 0, "in flight: no holder");
	close(sv[0]);
	close(ready);
	waitpid(kid, NULL, 0);
}

Test(owners_bpf, a_socket_of_another_network_namespace)
{
	uint32_t in[1];
	size_t cnt[1];
	int p[2], q[2];
	char c;
	pid_t kid;

	NETNS_OR_SKIP();
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(pipe(q), 0);
	kid = fork();
	cr_assert_geq(kid, 0);
	if (kid == 0) {
		uint32_t ino;

		if (netns_enter_private() < 0)
			_exit(1);
		open_sock(SOCK_STREAM, &ino);
		if (write(p[1], &ino, sizeof(ino)) != sizeof(ino))
			_exit(1);
		close(q[1]);
		while (read(q[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(q[0]);
	cr_assert_eq(read(p[0], &in[0], sizeof(in[0])), sizeof(in[0]));
	scan_both(in, 1, cnt);
	cr_expect_eq(cnt[0], 1);
	close(q[1]);
	waitpid(kid, NULL, 0);
}

Test(owners_bpf, an_o_path_fd_of_a_socket_file_is_no_socket)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/porttop-bpf.XXXXXX";
	struct stat st;
	uint32_t in[2];
	size_t cnt[2];
	int s, p;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/sock", dir);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(s, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	/* the file system's inode of the path: S_IFSOCK, but not a socket */
	p = open(a.sun_path, O_PATH | O_CLOEXEC);
	cr_assert_geq(p, 0, "O_PATH: %s", strerror(errno));
	cr_assert_eq(fstat(p, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	in[0] = (uint32_t)st.st_ino;
	in[1] = inode_of(s);
	scan_both(in, 2, cnt);
	cr_expect_eq(cnt[0], 0, "an O_PATH fd is a path, not a socket");
	cr_expect_eq(cnt[1], 1);
	close(p);
	close(s);
	unlink(a.sun_path);
	rmdir(dir);
}

Test(owners_bpf, refreshes_follow_every_change)
{
	struct owners *b = bpf_owners_or_skip();
	struct owners *p = owners_new("/proc");
	const struct holder *h;
	uint32_t want[2];
	size_t cnt[2];
	pid_t kid[1];
	int pipe_wr, fb;

	NETNS_OR_SKIP();
	cr_assert_not_null(p);
	open_sock(SOCK_STREAM, &want[0]);
	cr_assert_eq(owners_refresh(b, want, 1, 0), 0);
	cr_assert_eq(owners_lookup(b, want[0], &h), 1);
	/* a new socket in the same process: no fd count to compare */
	fb = open_sock(SOCK_STREAM, &want[1]);
	cr_assert_eq(owners_refresh(b, want, 2, 0), 0);
	cr_expect(owners_stats(b)->full, "every BPF refresh is a full pass");
	cr_assert_eq(owners_lookup(b, want[1], &h), 1);
	cr_expect_eq(h[0].fd, fb);
	fork_holders(1, kid, &pipe_wr);
	cr_assert_eq(owners_refresh(b, want, 2, 0), 0);
	cr_assert_eq(owners_scan(p, want, 2, 0), 0);
	expect_same(p, b, want, 2, cnt);
	cr_expect_eq(cnt[0], 2);
	close(fb);
	cr_assert_eq(owners_refresh(b, want, 2, 0), 0);
	cr_assert_eq(owners_lookup(b, want[1], &h), 1);
	cr_expect_eq(h[0].pid, kid[0]);
	reap_holders(pipe_wr, kid, 1);
	cr_assert_eq(owners_refresh(b, want, 2, 0), 0);
	cr_expect_eq(owners_lookup(b, want[1], &h), 0);
	cr_assert_eq(owners_lookup(b, want[0], &h), 1);
	cr_expect_eq(h[0].pid, getpid());
	cr_assert_eq(owners_scan(p, want, 2, 0), 0);
	expect_same(p, b, want, 2, cnt);
	owners_free(p);
	owners_free(b);
}

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

/* A TCP listener on 127.0.0.1:port (0: any), its inode and cookie. */
static int open_listener(uint16_t port, uint32_t *inode, uint64_t *cookie)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(*cookie);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	cr_assert_geq(fd, 0);
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)), 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 4), 0);
	*inode = inode_of(fd);
	cr_assert_eq(getsockopt(fd, SOL_SOCKET, SO_COOKIE, cookie, &len), 0);
	return fd;
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* the programs a test runs its scans with: the walk with direct loads,
 * the walk, iter/task_file (the tests' hook PORTTOP_BPF_PROG forces each),
 * as owners_bpf_program() names them */
#define NPROGRAMS 3
static const char *const programs[NPROGRAMS] = {
	"iter/task direct", "iter/task", "iter/task_file"
};
static const char *const prog_env[NPROGRAMS] = {
	"task_direct", "task", "task_file"
};

/* owners_bpf.c's threshold: a single scan of a host with this many open
 * files loads the walk first */
#define ONCE_WALK_FILES 32768

/* The host's open files, as /proc/sys/fs/file-nr counts them. */
static unsigned long host_files(void)
{
	FILE *f = fopen("/proc/sys/fs/file-nr", "r");
	unsigned long n = 0;

	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%lu", &n), 1);
	fclose(f);
	return n;
}

/* Make the scans that follow take programs[i]; false (with a note) if
 * the kernel refuses it here (direct loads need Linux 6.2). */
static bool use_program(size_t i)
{
	struct owners *o = owners_new("/proc");
	const char *why = NULL;
	bool ok;

	cr_assert_not_null(o);
	cr_assert_eq(setenv("PORTTOP_BPF_PROG", prog_env[i], 1), 0);
	ok = owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why) == 0;
	if (ok)
		cr_expect_str_eq(owners_bpf_program(o), programs[i]);
	else
		/* not cr_log_warn(): Criterion 2.4 makes a skipped test that
		 * logged a warning exit 1 */
		fprintf(stderr, "note: the kernel refuses %s here: %s\n",
			programs[i], why ? why : "?");
	owners_free(o);
	return ok;
}

/* A new socket held by us alone: the first refresh asks it for its file
 * before the walk (owners_bpf_sock.c), so that one is filtered already, and
 * so is the next; both find us as /proc does. */
static void learn_then_filter(struct owners *b, struct owners *p,
			      uint32_t inode, uint64_t cookie)
{
	size_t cnt;

	refresh_both(b, p, &inode, &cookie, 1, &cnt);
	cr_expect_gt(owners_bpf_skipped(b), 0,
		     "a new socket: its file asked of it, the filter on");
	cr_expect_eq(cnt, 1);
	refresh_both(b, p, &inode, &cookie, 1, &cnt);
	cr_expect_gt(owners_bpf_skipped(b), 0, "the filter is on");
	cr_expect_eq(cnt, 1);
}

/* The walk's filter: once a refresh has seen every wanted socket's file,
 * the next ones read only the fd slots that may hold one (the skipped
 * count proves the filter on: without it, the test could pass with it
 * silently off), and between refreshes every way a socket changes hands
 * is still seen, as a fresh /proc scan sees it; a new socket is asked for
 * its file (owners_bpf_sock.c), but a known inode with another cookie is
 * not known to be the socket asked: it turns the filter off for one
 * refresh. */
static void filter_follows(size_t walk)
{
	struct owners *b, *p;
	uint32_t in[1];
	uint64_t ck[1], other;
	size_t cnt[1];
	int fd, sv[2], ready, pipe_wr;
	uint16_t port;
	pid_t kid[1], rcv;
	char c;

	NETNS_OR_SKIP();
	if (!use_program(walk))
		cr_skip_test("the kernel refuses %s here", programs[walk]);
	b = bpf_owners_or_skip();
	p = owners_new("/proc");
	cr_assert_not_null(p);
	fd = open_listener(0, &in[0], &ck[0]);
	port = port_of(fd);
	learn_then_filter(b, p, in[0], ck[0]);

	/* a holder forks */
	fork_holders(1, kid, &pipe_wr);
	refresh_both(b, p, in, ck, 1, cnt);
	cr_expect_gt(owners_bpf_skipped(b), 0);
	cr_expect_eq(cnt[0], 2, "the parent and the child");

	/* passed over SCM_RIGHTS to a process that did not hold it */
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	rcv = fork_receiver(sv, 900, &fd, 1, &ready);
	send_fd(sv[0], fd);
	cr_assert_eq(read(ready, &c, 1), 1);
	refresh_both(b, p, in, ck, 1, cnt);
	cr_expect_gt(owners_bpf_skipped(b), 0);
	cr_expect_eq(cnt[0], 3, "and the receiver");

	/* a holder closes its copy */
	close(fd);
	refresh_both(b, p, in, ck, 1, cnt);
	cr_expect_gt(owners_bpf_skipped(b), 0);
	cr_expect_eq(cnt[0], 2, "the child and the receiver");

	/* the same inode with another cookie is another socket */
	other = ck[0] + 1;
	refresh_both(b, p, in, &other, 1, cnt);
	cr_expect_eq(owners_bpf_skipped(b), 0, "another cookie: no filter");
	cr_expect_eq(cnt[0], 2);

	/* the listener closes and a new one opens on the same port */
	close(sv[0]);	/* first: the receiver holds pipe_wr too */
	close(ready);
	waitpid(rcv, NULL, 0);
	reap_holders(pipe_wr, kid, 1);
	fd = open_listener(port, &in[0], &ck[0]);
	learn_then_filter(b, p, in[0], ck[0]);
	close(fd);
	close(sv[1]);
	owners_free(p);
	owners_free(b);
}

/* each walk: with direct loads, and through bpf_probe_read_kernel() */
Test(owners_bpf, the_filter_follows_sockets_passed_forked_closed_and_new)
{
	filter_follows(0);
}

Test(owners_bpf, the_filter_follows_sockets_with_the_probe_read_walk)
{
	filter_follows(1);
}

Test(owners_bpf, no_btf_fails_bpf_and_auto_falls_back)
{
	struct owners *o = bpf_owners_or_skip();	/* BPF works here */
	const char *why = NULL;
	int rc;

	rc = owners_set_scan(o, OWNER_SCAN_BPF, "/nonexistent/vmlinux", &why);
	cr_expect_eq(rc, -ENOTSUP);
	cr_assert_not_null(why);
	cr_expect(strstr(why, "BTF") != NULL, "reason: %s", why);
	cr_expect_not(owners_bpf_active(o));
	rc = owners_set_scan(o, OWNER_SCAN_AUTO, "/nonexistent/vmlinux", &why);
	cr_expect_eq(rc, 0);
	cr_expect_null(why);
	cr_expect_not(owners_bpf_active(o), "auto fell back to /proc");
	rc = owners_set_scan(o, OWNER_SCAN_AUTO, NULL, &why);
	cr_expect_eq(rc, 0);
	cr_expect(owners_bpf_active(o), "auto uses BPF when it can");
	owners_free(o);
}

Test(owners_bpf, an_unprivileged_user_gets_the_reason_or_proc)
{
	struct owners *o = bpf_owners_or_skip();
	const char *why = NULL;
	int rc;

	/* Criterion runs each test in a process of its own */
	if (setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		cr_skip_test("cannot become nobody: %s", strerror(errno));
	rc = owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why);
	cr_expect_eq(rc, -EPERM);
	cr_assert_not_null(why);
	cr_expect(strstr(why, "CAP_BPF") != NULL, "reason: %s", why);
	rc = owners_set_scan(o, OWNER_SCAN_AUTO, NULL, &why);
	cr_expect_eq(rc, 0);
	cr_expect_not(owners_bpf_active(o));
	owners_free(o);
}

/* The filter's table of wanted sockets (no BPF): a refresh that wants the
 * same sockets in the same order keeps their files without sorting again,
 * but not what the last scan's own check found; a cookie changed, another
 * order, an inode wanted twice with two cookies are as without the
 * shortcut. */
Test(owners_bpf_filter, the_same_sockets_keep_their_files_a_change_sorts_again)
{
	uint32_t in[] = { 30, 10, 20 }, in2[] = { 10, 20, 30 }, twice[] = { 10, 10 };
	uint64_t ck[] = { 3, 1, 2 }, ck2[] = { 3, 1, 7 }, ck3[] = { 1, 7, 3 };
	uint64_t ck4[] = { 1, 5 };
	struct owners_filter f = { 0 };

	cr_expect_not(owners_filter_want(&f, in, ck, 3), "no file known yet");
	owners_filter_learn(&f, 30, 0x3000);
	owners_filter_learn(&f, 10, 0x1000);
	cr_expect_not(owners_filter_want(&f, in, ck, 3), "20's file not known");
	owners_filter_learn(&f, 20, 0x2000);
	owners_filter_find(&f, 20)->check = FILTER_CHECKED;
	cr_expect(owners_filter_want(&f, in, ck, 3), "every file known");
	cr_expect_eq(owners_filter_find(&f, 10)->file, 0x1000);
	cr_expect_eq(owners_filter_find(&f, 20)->file, 0x2000);
	cr_expect_eq(owners_filter_find(&f, 20)->check, FILTER_UNCHECKED,
		     "the last scan's check is not kept");
	/* 20 is another socket now */
	cr_expect_not(owners_filter_want(&f, in, ck2, 3));
	cr_expect_eq(owners_filter_find(&f, 20)->file, 0);
	cr_expect_eq(owners_filter_find(&f, 30)->file, 0x3000);
	owners_filter_learn(&f, 20, 0x2222);
	/* the same sockets in another order */
	cr_expect(owners_filter_want(&f, in2, ck3, 3));
	cr_expect_eq(owners_filter_find(&f, 20)->file, 0x2222);
	cr_expect(owners_filter_want(&f, in2, ck3, 3));
	cr_expect_not(owners_filter_want(&f, in2, NULL, 3), "no cookies");
	cr_expect_not(owners_filter_want(&f, in2, ck3, 3),
		      "no cookies last time: no file kept");
	/* one inode, two sockets: no file, every time */
	cr_expect_not(owners_filter_want(&f, twice, ck4, 2));
	owners_filter_learn(&f, 10, 0x1000);
	cr_expect_not(owners_filter_want(&f, twice, ck4, 2));
	cr_expect_eq(owners_filter_find(&f, 10)->file, 0);
	cr_expect_eq(owners_filter_find(&f, 10)->check, FILTER_CHECKED);
	owners_filter_release(&f);
}

Test(owners_bpf, proc_is_always_proc)
{
	struct owners *o = owners_new("/proc");
	const char *why = NULL;
	enum owner_scan how;

	cr_assert_not_null(o);
	cr_expect_eq(owners_set_scan(o, OWNER_SCAN_PROC, NULL, &why), 0);
	cr_expect_not(owners_bpf_active(o));
	cr_expect(owner_scan_parse("bpf", &how) && how == OWNER_SCAN_BPF);
	cr_expect(owner_scan_parse("proc", &how) && how == OWNER_SCAN_PROC);
	cr_expect(owner_scan_parse("auto", &how) && how == OWNER_SCAN_AUTO);
	cr_expect_not(owner_scan_parse("BPF", &how));
	cr_expect_not(owner_scan_parse("", &how));
#ifndef HAVE_BPF
	cr_expect_eq(owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why), -ENOTSUP);
	cr_expect(why && strstr(why, "without BPF"), "reason: %s", why);
	cr_expect_eq(owners_set_scan(o, OWNER_SCAN_AUTO, NULL, &why), 0);
	cr_expect_not(owners_bpf_active(o));
#endif
	owners_free(o);
}

Test(owners_bpf, the_walk_loads_and_task_file_is_its_fallback)
{
	struct owners *o = bpf_owners_or_skip();
	const char *why = NULL;
	uint32_t in[2];
	size_t cnt[2], i;
	pid_t kids[2];
	int pipe_wr, fd;
	/* direct loads where the kernel has them (6.2), else the walk */
	bool direct = use_program(0);
	const char *walk = direct ? programs[0] : programs[1];

	unsetenv("PORTTOP_BPF_PROG");
	cr_assert_eq(owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why), 0);
	cr_expect_str_eq(owners_bpf_program(o), walk,
			 "the kernel refused the iter/task walk here");
	/* a single scan takes the program the kernel verifies faster where
	 * the host has few files (a_single_scan_of_many_files_loads_the_walk
	 * for the others); the walk stays its fallback */
	owners_set_once(o, true);
	if (host_files() < ONCE_WALK_FILES - 1000) {
		cr_assert_eq(owners_set_scan(o, OWNER_SCAN_AUTO, NULL, &why), 0);
		cr_expect_str_eq(owners_bpf_program(o), "iter/task_file");
	}
	cr_assert_eq(setenv("PORTTOP_BPF_PROG", "task", 1), 0);
	cr_assert_eq(owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why), 0);
	cr_expect_str_eq(owners_bpf_program(o), "iter/task");
	owners_set_once(o, false);
	cr_assert_eq(setenv("PORTTOP_BPF_PROG", "task_file", 1), 0);
	cr_assert_eq(owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why), 0);
	cr_expect_str_eq(owners_bpf_program(o), "iter/task_file");
	unsetenv("PORTTOP_BPF_PROG");
	cr_assert_eq(owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why), 0);
	cr_expect_str_eq(owners_bpf_program(o), walk);
	cr_assert_eq(owners_set_scan(o, OWNER_SCAN_PROC, NULL, &why), 0);
	cr_expect_null(owners_bpf_program(o));
	owners_free(o);

	/* each gives what /proc gives */
	NETNS_OR_SKIP();
	open_sock(SOCK_STREAM, &in[0]);
	fork_holders(2, kids, &pipe_wr);
	fd = open_sock(SOCK_DGRAM, &in[1]);
	cr_assert_eq(dup2(fd, 777), 777);
	for (i = 0; i < NPROGRAMS; i++) {
		if (!use_program(i))
			continue;
		scan_both(in, 2, cnt);
		cr_expect_eq(cnt[0], 3, "%s", programs[i]);
		cr_expect_eq(cnt[1], 2, "%s: fd %d and 777", programs[i], fd);
	}
	unsetenv("PORTTOP_BPF_PROG");
	reap_holders(pipe_wr, kids, 2);
}

/* Raise RLIMIT_NOFILE's soft limit to at least want; false if the hard
 * limit is lower and cannot be raised. */
static bool nofile_at_least(rlim_t want)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max < want)
		rl.rlim_max = want;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/* Children holding n more open files between them (each as many as its
 * RLIMIT_NOFILE allows), ready when it returns; *go_wr: close it to let
 * them go. Their pids into kids (at most 8). Returns how many. */
static size_t hold_files(unsigned long n, pid_t *kids, int *go_wr)
{
	struct rlimit rl;
	unsigned long each;
	size_t k = 0;
	int go[2], ready[2];
	char c;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	nofile_at_least(rl.rlim_max);
	each = (unsigned long)rl.rlim_max - 100;
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(ready), 0);
	for (; n && k < 8; k++) {
		unsigned long m = n < each ? n : each, i;

		n -= m;
		kids[k] = fork();
		cr_assert_geq(kids[k], 0);
		if (kids[k] == 0) {
			close(go[1]);
			for (i = 0; i < m; i++)
				if (open("/dev/null", O_RDONLY) < 0)
					_exit(1);
			if (write(ready[1], "x", 1) != 1)
				_exit(1);
			while (read(go[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	cr_assert_eq(n, 0, "RLIMIT_NOFILE too low to open the files");
	close(go[0]);
	close(ready[1]);
	for (size_t i = 0; i < k; i++)
		cr_assert_eq(read(ready[0], &c, 1), 1, "child %zu", i);
	close(ready[0]);
	*go_wr = go[1];
	return k;
}

/* A single scan loads iter/task_file first, as the kernel verifies it
 * ~12 ms faster, but not on a host with so many open files that the walk's
 * cheaper pass pays for its load: this test's children open enough. */
Test(owners_bpf, a_single_scan_of_many_files_loads_the_walk)
{
	struct owners *o = bpf_owners_or_skip();
	const char *why = NULL;
	unsigned long have = host_files();
	bool direct = use_program(0);
	pid_t kids[8];
	size_t k, i;
	int go_wr = -1;

	unsetenv("PORTTOP_BPF_PROG");
	k = have < ONCE_WALK_FILES ?
		    hold_files(ONCE_WALK_FILES - have + 2000, kids, &go_wr) :
		    0;
	cr_assert_geq(host_files(), ONCE_WALK_FILES);
	owners_set_once(o, true);
	cr_assert_eq(owners_set_scan(o, OWNER_SCAN_AUTO, NULL, &why), 0);
	cr_expect_str_eq(owners_bpf_program(o),
			 direct ? programs[0] : programs[1]);
	if (go_wr >= 0)
		close(go_wr);
	for (i = 0; i < k; i++)
		waitpid(kids[i], NULL, 0);
	if (host_files() < ONCE_WALK_FILES - 1000) {
		cr_assert_eq(owners_set_scan(o, OWNER_SCAN_AUTO, NULL, &why), 0);
		cr_expect_str_eq(owners_bpf_program(o), "iter/task_file",
				 "the files closed: iter/task_file again");
	}
	owners_free(o);
}

#ifdef HAVE_BPF
/* More sockets in one table than a call of the walk writes, in the
 * process's table and in a thread's own copy of it, one at the last slot
 * of a table of 16384 (fd 16383; the kernel sizes a table for fds below
 * 16384 so): continuation passes finish both tables, each from where the
 * last call stopped. */
Test(owners_bpf, tables_longer_than_one_call_of_the_walk)
{
	enum { N = PORTTOP_WALK_SOCKS + 1000 };
	uint32_t *in = calloc(N + 1, sizeof(*in));
	size_t *cnt = calloc(N + 1, sizeof(*cnt));
	size_t i, j, n = N;
	struct owners *b;
	struct own_fds t;
	int fd;

	NETNS_OR_SKIP();
	cr_assert(in && cnt);
	if (!nofile_at_least(N + 100))
		cr_skip_test("RLIMIT_NOFILE cannot be raised to %d", N + 100);
	for (i = 0; i < N; i++) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		cr_assert_geq(fd, 0, "socket %zu: %s", i, strerror(errno));
		in[i] = inode_of(fd);
	}
	if (nofile_at_least(16384)) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		cr_assert_eq(dup2(fd, 16383), 16383);
		close(fd);
		in[n++] = inode_of(16383);
	}
	own_fds_start(&t);
	for (j = 0; j < NPROGRAMS; j++) {
		if (!use_program(j))
			continue;
		scan_both(in, n, cnt);
		for (i = 0; i < n; i++)
			cr_assert_eq(cnt[i], 2, "%s: socket %zu of %zu: %zu holders",
				     programs[j], i, n, cnt[i]);
		b = bpf_owners_or_skip();
		cr_assert_eq(owners_scan(b, in, n, 0), 0);
		cr_expect_geq(owners_stats(b)->fds, 2 * n,
			      "%s visited every fd of both tables", programs[j]);
		owners_free(b);
	}
	unsetenv("PORTTOP_BPF_PROG");
	own_fds_stop(&t);
	free(in);
	free(cnt);
}
#endif

/* A sparse table with fds above 65535 (a call of the walk covers 65536
 * slots): found past the gap, and at the gap's far end. */
Test(owners_bpf, fds_above_64k_in_a_sparse_table)
{
	static const int at[] = { 3000, 65535, 65536, 70000, 131071 };
	uint32_t in[5];
	size_t cnt[5], i, j;
	int fd;

	NETNS_OR_SKIP();
	if (!nofile_at_least(131072))
		cr_skip_test("RLIMIT_NOFILE cannot be raised to 131072 here (CAP_SYS_RESOURCE, fs.nr_open)");
	for (i = 0; i < 5; i++) {
		fd = open_sock(SOCK_DGRAM, &in[i]);
		cr_assert_eq(dup2(fd, at[i]), at[i]);
		close(fd);
	}
	for (j = 0; j < NPROGRAMS; j++) {
		if (!use_program(j))
			continue;
		scan_both(in, 5, cnt);
		for (i = 0; i < 5; i++)
			cr_expect_eq(cnt[i], 1, "%s: fd %d", programs[j], at[i]);
	}
	unsetenv("PORTTOP_BPF_PROG");
}

/* Processes that exit, and tables that go, while the passes walk them: the
 * socket held throughout is found every time with its one holder, and no
 * pass fails. */
Test(owners_bpf, processes_exiting_during_the_passes)
{
	struct owners *b;
	const struct holder *h;
	uint32_t in;
	pid_t churn;
	size_t i, j;

	NETNS_OR_SKIP();
	b = bpf_owners_or_skip();
	owners_free(b);
	churn = fork();
	cr_assert_geq(churn, 0);
	if (churn == 0) {
		/* children with tables of a few hundred sockets, each exiting
		 * as soon as it has them, until killed */
		for (;;) {
			pid_t k = fork();

			if (k == 0) {
				for (i = 0; i < 300; i++)
					if (socket(AF_INET, SOCK_DGRAM, 0) < 0)
						break;
				_exit(0);
			}
			if (k > 0)
				waitpid(k, NULL, 0);
		}
	}
	open_sock(SOCK_STREAM, &in);	/* after the fork: ours alone */
	for (j = 0; j < NPROGRAMS; j++) {
		if (!use_program(j))
			continue;
		b = bpf_owners_or_skip();
		for (i = 0; i < 40; i++) {
			int rc = owners_refresh(b, &in, 1, 0);

			cr_assert_eq(rc, 0, "%s: pass %zu: %s", programs[j], i,
				     strerror(-rc));
			cr_assert_eq(owners_lookup(b, in, &h), 1,
				     "%s: pass %zu", programs[j], i);
			cr_expect_eq(h[0].pid, getpid());
		}
		owners_free(b);
	}
	unsetenv("PORTTOP_BPF_PROG");
	kill(churn, SIGKILL);
	waitpid(churn, NULL, 0);
}

/* The walk's filter, which a socket whose file is not known would turn off
 * (owners_bpf_filter.c), and the sockets' own check of their file
 * (owners_bpf_sock.c): in a network namespace of the test's own, a scanner
 * with the walk (or skip), and a /proc scanner into *p. */
static struct owners *walk_in_netns_or_skip(struct owners **p)
{
	struct owners *b;

	NETNS_OR_SKIP();
	b = bpf_owners_or_skip();
	/* either walk (direct loads or not) has the filter */
	if (strcmp(owners_bpf_program(b), "iter/task_file") == 0) {
		owners_free(b);
		cr_skip_test("the kernel refuses the iter/task walk: no filter");
	}
	*p = owners_new("/proc");
	cr_assert_not_null(*p);
	return b;
}

/* The inode and cookie that a dump of the network namespace netns (-1:
 * ours) shows of the socket of protocol what (COLLECT_TCP or COLLECT_UDP)
 * on port port; false if none. */
static bool dumped_sock(int netns, unsigned what, uint16_t port,
			uint32_t *inode, uint64_t *cookie)
{
	struct collector *c = collector_new(netns);
	struct sock_vec v = { 0 };
	bool found = false;
	size_t i;

	cr_assert_not_null(c);
	cr_assert_eq(collector_dump(c, what | COLLECT_V4 | COLLECT_V6, &v), 0);
	for (i = 0; i < v.n && !found; i++) {
		if (v.v[i].port != port)
			continue;
		*inode = v.v[i].inode;
		*cookie = v.v[i].cookie;
		found = true;
	}
	sock_vec_release(&v);
	collector_free(c);
	return found;
}

/* A UDP socket in flight (passed over SCM_RIGHTS, its sender's fd closed)
 * is held by no fd table, so no pass sees its file: the sockets' own check
 * gives it, the filter stays on, and the process that receives it is found
 * by the next refresh, as a fresh /proc scan finds it. */
Test(owners_bpf, a_socket_in_flight_keeps_the_filter_on_until_received)
{
	struct owners *b, *p;
	uint32_t in[2];
	uint64_t ck[2];
	socklen_t len = sizeof(ck[1]);
	size_t cnt[2], k;
	int lfd, ufd, fly[2], ready;
	pid_t rcv;
	char c;

	b = walk_in_netns_or_skip(&p);
	lfd = open_listener(0, &in[0], &ck[0]);
	ufd = open_sock(SOCK_DGRAM, &in[1]);
	cr_assert_eq(getsockopt(ufd, SOL_SOCKET, SO_COOKIE, &ck[1], &len), 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fly), 0);
	send_fd(fly[0], ufd);
	close(ufd);
	for (k = 0; k < 3; k++) {
		refresh_both(b, p, in, ck, 2, cnt);
		cr_expect_eq(cnt[0], 1, "refresh %zu: the listener is ours", k);
		cr_expect_eq(cnt[1], 0, "refresh %zu: in flight", k);
		cr_expect_not(owners_kernel(b, in[1]),
			      "in flight is not the kernel's");
		cr_expect_gt(owners_bpf_skipped(b), 0,
			     "refresh %zu: the filter is on", k);
	}
	/* a child receives it (and closes its copy of the listener) */
	rcv = fork_receiver(fly, 900, &lfd, 1, &ready);
	cr_assert_eq(read(ready, &c, 1), 1);
	refresh_both(b, p, in, ck, 2, cnt);
	cr_expect_gt(owners_bpf_skipped(b), 0, "the filter stayed on");
	cr_expect_eq(cnt[1], 1, "its receiver holds it");
	cr_expect_eq(cnt[0], 1);
	close(fly[0]);
	close(ready);
	waitpid(rcv, NULL, 0);
	close(fly[1]);
	close(lfd);
	owners_free(p);
	owners_free(b);
}

/* A VXLAN device's UDP socket has no struct file: the kernel's own. The
 * BPF scan says so (owners_kernel()), the /proc scan cannot; with it
 * present the refreshes are filtered and find what /proc finds; the same
 * inode with another cookie is not known to be it; and it is checked at
 * every scan, not remembered. */
Test(owners_bpf, a_kernel_socket_is_the_kernels_and_keeps_the_filter_on)
{
	struct owners *b, *p;
	uint32_t in[2];
	uint64_t ck[2], other[2];
	size_t cnt[2], k;
	int lfd;

	b = walk_in_netns_or_skip(&p);
	if (system("ip link add vx0 type vxlan id 42 dstport 4789 dev lo "
		   ">/dev/null 2>&1 && ip link set vx0 up") != 0)
		cr_skip_test("no VXLAN device here (ip, or the vxlan module)");
	cr_assert(dumped_sock(-1, COLLECT_UDP, 4789, &in[1], &ck[1]),
		  "VXLAN's socket on udp port 4789");
	cr_assert_neq(in[1], 0);
	lfd = open_listener(0, &in[0], &ck[0]);
	for (k = 0; k < 3; k++) {
		refresh_both(b, p, in, ck, 2, cnt);
		cr_expect_eq(cnt[0], 1, "refresh %zu", k);
		cr_expect_eq(cnt[1], 0, "refresh %zu: no holder", k);
		cr_expect(owners_kernel(b, in[1]), "refresh %zu: the kernel's",
			  k);
		cr_expect_not(owners_kernel(b, in[0]), "ours is not");
		cr_expect_not(owners_kernel(p, in[1]),
			      "/proc cannot tell the kernel's sockets");
		cr_expect_gt(owners_bpf_skipped(b), 0,
			     "refresh %zu: the filter is on", k);
	}
	/* another socket that got its inode number: not known to be it */
	other[0] = ck[0];
	other[1] = ck[1] + 1;
	refresh_both(b, p, in, other, 2, cnt);
	cr_expect_not(owners_kernel(b, in[1]), "another cookie");
	cr_expect_eq(owners_bpf_skipped(b), 0, "its file not known: no filter");
	refresh_both(b, p, in, ck, 2, cnt);
	cr_expect(owners_kernel(b, in[1]), "checked again");
	cr_expect_gt(owners_bpf_skipped(b), 0);
	/* the device goes, and its socket with it */
	cr_assert_eq(system("ip link del vx0"), 0);
	cr_expect_not(dumped_sock(-1, COLLECT_UDP, 4789, &in[1], &other[1]));
	refresh_both(b, p, in, ck, 2, cnt);
	cr_expect_not(owners_kernel(b, in[1]), "gone: not found");
	cr_expect_eq(cnt[0], 1);
	close(lfd);
	owners_free(p);
	owners_free(b);
}

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* An MPTCP listener: the TCP listener that a dump shows is its subflow.
 * Where the subflow shares the MPTCP socket's struct socket (Linux 6.18),
 * the process that holds the MPTCP socket is found as its holder; where it
 * has a struct socket (and inode) of its own without a file: no holder,
 * and no claim that it is the kernel's. Either way what /proc finds, with
 * the filter on. */
Test(owners_bpf, an_mptcp_listener)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct owners *b, *p;
	uint32_t in;
	uint64_t ck;
	size_t cnt, k;
	int fd;

	b = walk_in_netns_or_skip(&p);
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	if (fd < 0)
		cr_skip_test("no MPTCP here: %s", strerror(errno));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 4), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	cr_assert(dumped_sock(-1, COLLECT_TCP, ntohs(a.sin_port), &in, &ck));
	for (k = 0; k < 2; k++) {
		refresh_both(b, p, &in, &ck, 1, &cnt);
		cr_expect_not(owners_kernel(b, in), "held through MPTCP");
		cr_expect_gt(owners_bpf_skipped(b), 0, "the filter is on");
	}
	if (in == inode_of(fd))
		cr_expect_eq(cnt, 1, "the subflow is the MPTCP socket's: ours");
	else
		cr_expect_eq(cnt, 0, "a subflow of its own: no fd holds it");
	close(fd);
	owners_free(p);
	owners_free(b);
}

/* -N: a VXLAN socket of another network namespace is asked for its file
 * there, in the namespaces the scan is given (owners_set_netns(), for this
 * scan only): the kernel's, with the refresh filtered; not given, it stays
 * unknown and the filter off. */
Test(owners_bpf, a_kernel_socket_of_another_network_namespace)
{
	struct owners *b, *p;
	uint32_t in[2];
	uint64_t ck[2];
	size_t cnt[2];
	int lfd, nsfd, sv[2];
	char path[64], c = 0;
	pid_t kid;

	b = walk_in_netns_or_skip(&p);
	/* a child makes the namespace and the device, says whether it
	 * could, and keeps them until sv[0] is closed */
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	kid = fork();
	cr_assert_geq(kid, 0);
	if (kid == 0) {
		close(sv[0]);
		c = netns_enter_private() == 0 &&
		    system("ip link add vx0 type vxlan id 42 dstport 4789 "
			   "dev lo >/dev/null 2>&1 && ip link set vx0 up") == 0;
		if (write(sv[1], &c, 1) != 1)
			_exit(1);
		while (read(sv[1], &c, 1) > 0)
			;
		_exit(0);
	}
	close(sv[1]);
	cr_assert_eq(read(sv[0], &c, 1), 1);
	if (!c)
		cr_skip_test("no VXLAN device in another namespace here");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)kid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(nsfd, 0);
	cr_assert(dumped_sock(nsfd, COLLECT_UDP, 4789, &in[1], &ck[1]));
	lfd = open_listener(0, &in[0], &ck[0]);
	refresh_both(b, p, in, ck, 2, cnt);
	cr_expect_not(owners_kernel(b, in[1]), "its namespace not given");
	cr_expect_eq(owners_bpf_skipped(b), 0, "its file not known: no filter");
	owners_set_netns(b, &nsfd, 1, nsrun);
	refresh_both(b, p, in, ck, 2, cnt);
	cr_expect(owners_kernel(b, in[1]), "asked in its namespace");
	cr_expect_gt(owners_bpf_skipped(b), 0, "the filter is on");
	cr_expect_eq(cnt[0], 1);
	cr_expect_eq(cnt[1], 0);
	refresh_both(b, p, in, ck, 2, cnt);
	cr_expect_not(owners_kernel(b, in[1]), "for one scan only");
	close(sv[0]);
	waitpid(kid, NULL, 0);
	close(nsfd);
	close(lfd);
	owners_free(p);
	owners_free(b);
}
