/* test_owners_facts.c - the BPF scan's refreshes read a holder's command
 * line and cgroup through files kept open since an earlier refresh
 * (owners_facts.c), and take its name, start time and uid from the
 * iterator: each refresh must still describe every holder as a fresh
 * /proc scan does at the same moment, through exec in place, a new name
 * without exec (PR_SET_NAME), a command line rewritten in place, setuid, a
 * move to another cgroup, and a pid reused by another process; and the
 * files kept stay within half of what the fd limit leaves, with an answer
 * as complete as without them when the fds run short. */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "holders.h"
#include "netns.h"
#include "owners.h"
#include "owners_bpf.h"

/* A TCP listener on any port of our network namespace (listen() binds
 * it), and its inode; kept across exec. */
static int listener(uint32_t *inode)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(listen(fd, 4), 0, "listen: %s", strerror(errno));
	*inode = inode_of(fd);
	return fd;
}

static const struct proc_info *only_holder(const struct owners *o,
					   uint32_t inode, int pid)
{
	const struct holder *h;

	cr_assert_eq(owners_lookup(o, inode, &h), 1, "inode %u: one holder",
		     inode);
	cr_assert_eq(h[0].pid, pid);
	return owners_proc(o, h[0].proc);
}

static bool same_str(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (!alen || memcmp(a, b, alen) == 0);
}

/* A refresh of b describes the one holder pid of inode as a fresh /proc
 * scan does (name, start time, uid, command line, cgroup); the facts
 * that b shows, returned. */
static const struct proc_info *refresh_same(struct owners *b, uint32_t inode,
					    int pid)
{
	struct owners *p = owners_new("/proc");
	const struct proc_info *x, *y;

	cr_assert_not_null(p);
	cr_assert_eq(owners_refresh(b, &inode, 1, 0), 0);
	cr_assert_eq(owners_scan(p, &inode, 1, 0), 0);
	x = only_holder(b, inode, pid);
	y = only_holder(p, inode, pid);
	cr_expect_str_eq(x->comm, y->comm);
	cr_expect_eq(x->start_time, y->start_time);
	cr_expect_eq(x->uid, y->uid);
	cr_expect(same_str(x->cmdline, x->cmdline_len, y->cmdline,
			   y->cmdline_len), "the command lines differ");
	cr_expect(x->cgroup && y->cgroup && strcmp(x->cgroup, y->cgroup) == 0,
		  "the cgroups differ: %s / %s", x->cgroup, y->cgroup);
	owners_free(p);
	return x;
}

/* A command line longer than one read: sleep 1000 0000...0 */
#define ZEROS 20000
#define LONG_CMDLINE (6 + 5 + ZEROS + 1)

static char *zeros(void)
{
	static char z[ZEROS + 1];

	memset(z, '0', ZEROS);
	return z;
}

/* The kid's side: one command byte at a time from cmd, a byte back on ack
 * once done. n: a new name; c: the command line rewritten in place (the
 * bytes between arg_start and arg_end of its stat file); u: setuid to
 * nobody; x: exec sleep with a long command line, which keeps the
 * listener (no close-on-exec). */
static void kid_serve(int cmd, int ack)
{
	char c, buf[1024], *p;
	unsigned long start = 0, end = 0;
	int fd, i;
	ssize_t n;

	while (read(cmd, &c, 1) == 1) {
		switch (c) {
		case 'n':
			prctl(PR_SET_NAME, "renamed-kid", 0, 0, 0);
			break;
		case 'c':
			fd = open("/proc/self/stat", O_RDONLY);
			n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
			if (fd >= 0)
				close(fd);
			if (n <= 0)
				_exit(3);
			buf[n] = '\0';
			/* fields 48 and 49; the name is before the last ')' */
			p = strrchr(buf, ')');
			for (i = 2; p && i < 48; i++)
				p = strchr(p + 1, ' ');
			if (!p || sscanf(p + 1, "%lu %lu", &start, &end) != 2 ||
			    end - start < 10)
				_exit(3);
			memset((char *)start, 0, end - start);
			memcpy((char *)start, "rewritten", 9);
			break;
		case 'u':
			if (setresuid(65534, 65534, 65534) < 0)
				_exit(3);
			break;
		case 'x':
			execl("/bin/sleep", "sleep", "1000", zeros(),
			      (char *)NULL);
			_exit(3);
		}
		if (write(ack, "k", 1) != 1)
			_exit(0);
	}
	_exit(0);
}

/* Until pid's name is sleep and its command line is there (2 s). */
static void exec_wait(int pid)
{
	char path[64], buf[64];
	int i, fd;
	ssize_t n = 0, m = 0;

	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		m = fd < 0 ? -1 : read(fd, buf + 16, sizeof(buf) - 16);
		if (fd >= 0)
			close(fd);
		if (n == 6 && memcmp(buf, "sleep\n", 6) == 0 && m >= 12 &&
		    memcmp(buf + 16, "sleep\0" "1000\0" "0", 12) == 0)
			return;
		usleep(10000);
	}
	cr_assert_fail("pid %d did not exec sleep", pid);
}

struct kid {
	pid_t pid;
	int cmd, ack;
};

/* Fork a kid that holds fd (ours is closed) and serves commands. */
static void kid_start(struct kid *k, int fd)
{
	int cp[2], ap[2];

	cr_assert_eq(pipe(cp), 0);
	cr_assert_eq(pipe2(ap, O_CLOEXEC), 0);
	k->pid = fork();
	cr_assert_geq(k->pid, 0);
	if (k->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		close(cp[1]);
		close(ap[0]);
		kid_serve(cp[0], ap[1]);
	}
	close(fd);
	close(cp[0]);
	close(ap[1]);
	k->cmd = cp[1];
	k->ack = ap[0];
}

/* Send c; true once the kid answered (an exec answers by closing). */
static bool kid_do(const struct kid *k, char c)
{
	char a;

	cr_assert_eq(write(k->cmd, &c, 1), 1);
	return read(k->ack, &a, 1) == 1;
}

static void kid_stop(struct kid *k)
{
	kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
	close(k->cmd);
	close(k->ack);
}

/* The cgroup2 mount point into buf, or false. */
static bool cgroup2_mount(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char dev[256], dir[512], type[64];
	bool found = false;

	if (!f)
		return false;
	while (!found &&
	       fscanf(f, "%255s %511s %63s %*[^\n]", dev, dir, type) == 3)
		if (strcmp(type, "cgroup2") == 0 &&
		    (size_t)snprintf(buf, size, "%s", dir) < size)
			found = true;
	fclose(f);
	return found;
}

/* Move pid to the new cgroup name under the cgroup2 mount: the path made,
 * into path, or false (then the caller moves on without it). */
static bool cgroup_move(int pid, const char *name, char *path, size_t size)
{
	char mnt[512], procs[1100];
	FILE *f;
	bool ok;

	if (!cgroup2_mount(mnt, sizeof(mnt)))
		return false;
	snprintf(path, size, "%s/%s", mnt, name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return false;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	f = fopen(procs, "we");
	if (!f)
		return false;
	ok = fprintf(f, "%d\n", pid) > 0;
	ok = fclose(f) == 0 && ok;
	return ok;
}

/* Back to the root cgroup, and the cgroup made removed. */
static void cgroup_undo(int pid, const char *path)
{
	char mnt[512], procs[600];
	FILE *f;

	if (cgroup2_mount(mnt, sizeof(mnt))) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", mnt);
		f = fopen(procs, "we");
		if (f) {
			fprintf(f, "%d\n", pid);
			fclose(f);
		}
	}
	rmdir(path);
}

Test(owners_facts, a_kept_holder_follows_name_cmdline_cgroup_uid_and_exec)
{
	struct owners *b = bpf_owners_or_skip();
	const struct proc_info *x;
	char cg[600], name[64];
	uint32_t inode;
	struct kid k;
	bool moved;

	NETNS_OR_SKIP();
	kid_start(&k, listener(&inode));
	/* the first refresh opens the kid's files, the next reads them */
	refresh_same(b, inode, k.pid);
	cr_expect_eq(owners_stats(b)->facts_kept, 0);
	refresh_same(b, inode, k.pid);
	cr_expect_eq(owners_stats(b)->facts_kept, 1,
		     "the second refresh reads the files kept");

	cr_assert(kid_do(&k, 'n'));
	x = refresh_same(b, inode, k.pid);
	cr_expect_str_eq(x->comm, "renamed-kid");

	cr_assert(kid_do(&k, 'c'));
	x = refresh_same(b, inode, k.pid);
	cr_expect(x->cmdline_len >= 9 &&
			  memcmp(x->cmdline, "rewritten", 9) == 0,
		  "the command line rewritten in place is seen");
	cr_expect_eq(owners_stats(b)->facts_kept, 1);

	snprintf(name, sizeof(name), "porttop-facts-%d", (int)getpid());
	moved = cgroup_move(k.pid, name, cg, sizeof(cg));
	if (moved) {
		x = refresh_same(b, inode, k.pid);
		cr_expect(x->cgroup && strstr(x->cgroup, name),
			  "the move to %s is seen: %s", name, x->cgroup);
		cr_expect_eq(owners_stats(b)->facts_kept, 1);
	} else {
		cr_log_info("no cgroup2 to move the kid to: not tested");
	}

	cr_assert(kid_do(&k, 'u'));
	x = refresh_same(b, inode, k.pid);
	cr_expect_eq(x->uid, 65534);

	/* exec: same pid and start time, new name and command line (the
	 * ack pipe closes before the exec is through) */
	kid_do(&k, 'x');
	exec_wait(k.pid);
	x = refresh_same(b, inode, k.pid);
	cr_expect_str_eq(x->comm, "sleep");
	cr_expect(x->cmdline_len == LONG_CMDLINE && !x->cmdline_cut &&
			  memcmp(x->cmdline, "sleep\0" "1000\0" "0", 12) == 0,
		  "the long command line after exec is seen (%zu bytes)",
		  x->cmdline_len);
	cr_expect_eq(owners_stats(b)->facts_kept, 1,
		     "the files kept across exec serve");
	if (moved)
		cgroup_undo(k.pid, cg);
	kid_stop(&k);
	owners_free(b);
}

/* Fork a child on pid want (clone3 with set_tid), named reused-pid: it
 * holds our fds until killed. Returns its pid once it is named, or
 * -errno. */
static pid_t fork_on_pid(pid_t want)
{
	struct clone_args a;
	int ready[2];
	long pid;
	char c;

	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	memset(&a, 0, sizeof(a));
	a.exit_signal = SIGCHLD;
	a.set_tid = (uint64_t)(uintptr_t)&want;
	a.set_tid_size = 1;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0) {
		int err = -errno;

		close(ready[0]);
		close(ready[1]);
		return err;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		prctl(PR_SET_NAME, "reused-pid", 0, 0, 0);
		if (write(ready[1], "k", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return (pid_t)pid;
}

Test(owners_facts, a_pid_reused_by_another_process)
{
	struct owners *b = bpf_owners_or_skip();
	const struct holder *h;
	const struct proc_info *x;
	uint32_t in[2];
	struct kid k;
	pid_t again;
	int fd;

	NETNS_OR_SKIP();
	kid_start(&k, listener(&in[0]));
	cr_assert(kid_do(&k, 'n'));
	refresh_same(b, in[0], k.pid);
	refresh_same(b, in[0], k.pid);
	cr_assert_eq(owners_stats(b)->facts_kept, 1);
	kid_stop(&k);
	/* the same pid, another process (clone3 set_tid needs
	 * CAP_SYS_ADMIN, and the pid must still be free) */
	fd = listener(&in[1]);
	again = fork_on_pid(k.pid);
	if (again < 0) {
		owners_free(b);
		cr_skip_test("cannot start a process on pid %d again: %s",
			     (int)k.pid, strerror(-again));
	}
	close(fd);
	cr_assert_eq(again, k.pid);
	cr_assert_eq(owners_refresh(b, in, 2, 0), 0);
	cr_expect_eq(owners_lookup(b, in[0], &h), 0, "the old holder is gone");
	cr_expect_eq(owners_stats(b)->facts_kept, 0,
		     "the gone process's files serve not the new one");
	x = refresh_same(b, in[1], again);
	cr_expect_str_eq(x->comm, "reused-pid");
	cr_expect_eq(owners_stats(b)->facts_kept, 1,
		     "the new process's files are kept from the last refresh");
	kill(again, SIGKILL);
	waitpid(again, NULL, 0);
	owners_free(b);
}

/* Our open fds: all of them (cmdline false), or those on /proc/PID/cmdline
 * files only (the cache keeps one with each cgroup file). */
static size_t count_fds(bool cmdline)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[300], link[300];
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		n += !cmdline || (strncmp(link, "/proc/", 6) == 0 &&
				  strstr(link, "/cmdline"));
	}
	closedir(d);
	return cmdline ? n : n - 1;	/* not the directory's own */
}

static size_t kept_files(void)
{
	return count_fds(true);
}

/* The holders the cache may keep at the soft limit lim: half of what the
 * limit leaves beside our other fds, two a holder. */
static size_t budget(size_t lim)
{
	size_t others = count_fds(false) - 2 * kept_files();

	return lim > others ? (lim - others) / 4 : 0;
}

/* A child that holds fd (ours is closed) until killed. */
static pid_t hold_one(int fd)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		for (;;)
			pause();
	}
	close(fd);
	return pid;
}

static void hold_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A refresh of b finds every kid, as a fresh /proc scan does, with
 * nothing unread that /proc reads. */
static void refresh_all(struct owners *b, const pid_t *k,
			const uint32_t *in, size_t n)
{
	struct owners *p;
	size_t i;

	/* the reference scan after the refresh: it needs fds too */
	cr_assert_eq(owners_refresh(b, in, n, 0), 0);
	p = owners_new("/proc");
	cr_assert_not_null(p);
	cr_assert_eq(owners_scan(p, in, n, 0), 0);
	for (i = 0; i < n; i++) {
		const struct proc_info *x = only_holder(b, in[i], k[i]);
		const struct proc_info *y = only_holder(p, in[i], k[i]);

		cr_expect_str_eq(x->comm, y->comm);
		cr_expect(same_str(x->cmdline, x->cmdline_len, y->cmdline,
				   y->cmdline_len));
		cr_expect(x->cgroup && y->cgroup &&
			  strcmp(x->cgroup, y->cgroup) == 0);
	}
	/* (vanished counts the host's other processes too, read from /proc
	 * when the iterator did not visit them: not tested here) */
	cr_expect_leq(owners_stats(b)->unread.procs,
		      owners_stats(p)->unread.procs);
	owners_free(p);
}

#define NKIDS 40

/* A refresh of b as refresh_all(), then want files kept. */
static void refresh_kept(struct owners *b, const pid_t *k, const uint32_t *in,
			 size_t want, const char *what)
{
	size_t n;

	refresh_all(b, k, in, NKIDS);
	n = kept_files();
	cr_expect_eq(n, want, "%s: %zu files kept, %zu wanted", what, n, want);
}

/* Open /dev/null into fill[] until *n are open or the fds run out, or
 * close them down to n. */
static void fill_fds(int *fill, int *n, int want)
{
	while (*n > want)
		close(fill[--*n]);
	while (*n < want) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			break;
		fill[(*n)++] = fd;
	}
}

Test(owners_facts, the_files_kept_stay_within_the_fd_limit)
{
	struct owners *b = bpf_owners_or_skip();
	struct rlimit old, low;
	pid_t k[NKIDS];
	uint32_t in[NKIDS];
	int fill[128], nfill = 0, i;
	size_t want, fewer;

	NETNS_OR_SKIP();
	for (i = 0; i < NKIDS; i++)
		k[i] = hold_one(listener(&in[i]));
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 128;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	refresh_all(b, k, in, NKIDS);
	want = budget(128);
	cr_assert(want > 8 && want < NKIDS, "a budget of %zu holders", want);
	cr_expect_eq(kept_files(), want, "%zu files kept", kept_files());
	refresh_kept(b, k, in, want, "the second refresh");
	cr_expect_eq(owners_stats(b)->facts_kept, want, "%zu read kept",
		     owners_stats(b)->facts_kept);

	/* more fds of ours (as -N's network namespaces): fewer kept */
	fill_fds(fill, &nfill, 48);
	refresh_kept(b, k, in, budget(128), "48 fds more");
	fill_fds(fill, &nfill, 0);
	want = budget(128);
	refresh_kept(b, k, in, want, "back to the budget");

	/* nearly every fd taken: the files kept give way, and every
	 * holder is still described (read by opening its files). A holder
	 * of a lower pid goes, one of a higher pid comes: one more to open */
	hold_stop(k[0]);
	k[0] = hold_one(listener(&in[0]));
	fill_fds(fill, &nfill, 128);
	/* room for the iterator's fd and a process's directory, stat,
	 * cmdline and cgroup, and the files kept */
	for (i = 0; i < 4 && nfill > 0; i++)
		close(fill[--nfill]);
	fewer = budget(128);
	cr_assert_lt(fewer, want);
	refresh_kept(b, k, in, fewer, "the fds nearly all taken");
	fill_fds(fill, &nfill, 0);
	refresh_kept(b, k, in, want, "the fds back");
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	for (i = 0; i < NKIDS; i++)
		hold_stop(k[i]);
	owners_free(b);
}
