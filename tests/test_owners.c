/* test_owners.c - the owner scan over a fixture /proc tree */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "owners.h"

static char root[64];

static void put(const char *rel, const char *content, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static void mkd(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(mkdir(path, 0755), 0, "%s: %s", path, strerror(errno));
}

static void link_fd(const char *rel, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(symlink(target, path), 0);
}

/* A process directory with stat, status, cmdline and cgroup. */
static void proc(int pid, const char *comm, unsigned uid,
		 const char *cmdline, size_t cmdlen)
{
	char rel[64], text[512];

	snprintf(rel, sizeof(rel), "%d", pid);
	mkd(rel);
	snprintf(rel, sizeof(rel), "%d/fd", pid);
	mkd(rel);
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	snprintf(text, sizeof(text),
		 "%d (%s) S 1 %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %d 0 0\n",
		 pid, comm, pid, pid, pid * 10);
	put(rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "%d/status", pid);
	snprintf(text, sizeof(text), "Name:\t%s\nUid:\t%u\t%u\t%u\t%u\n", comm,
		 uid, uid, uid, uid);
	put(rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	put(rel, cmdline, cmdlen);
	snprintf(rel, sizeof(rel), "%d/cgroup", pid);
	put(rel, "0::/system.slice/web.service\n", 29);
}

static void setup(void)
{
	/* tmpfs counts a directory's entries in its size, as procfs counts
	 * a process's open fds: the incremental refresh relies on that */
	strcpy(root, "/dev/shm/porttop-proc.XXXXXX");
	if (mkdtemp(root))
		return;
	strcpy(root, "/tmp/porttop-proc.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

/* Skip unless directory sizes grow with entries here (tmpfs). */
static void need_counting_fs(void)
{
	struct stat a, b;
	char path[128];

	snprintf(path, sizeof(path), "%s/probe", root);
	cr_assert_eq(stat(root, &a), 0);
	cr_assert_eq(symlink("x", path), 0);
	cr_assert_eq(stat(root, &b), 0);
	unlink(path);
	if (a.st_size == b.st_size)
		cr_skip_test("directory sizes do not count entries on this "
			     "file system (no tmpfs at /dev/shm)");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(owners, .init = setup, .fini = teardown);

Test(owners, joins_fixture_tree)
{
	struct owners *o;
	const struct holder *h;
	const struct proc_info *p;
	uint32_t want[] = { 1001, 2002, 3003, 1001 };

	proc(100, "master", 0, "nginx: master\0", 14);
	proc(101, "worker", 33, "nginx: worker\0", 14);
	proc(102, "other", 0, "", 0);
	link_fd("100/fd/0", "/dev/null");
	link_fd("100/fd/6", "socket:[1001]");
	link_fd("100/fd/7", "socket:[9999]");	/* not a wanted socket */
	link_fd("101/fd/6", "socket:[1001]");
	link_fd("101/fd/12", "socket:[2002]");
	link_fd("102/fd/1", "pipe:[1001]");
	mkd("self");	/* not a pid */
	mkd("sys");

	o = owners_new(root);
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, want, 4, 2), 0);

	cr_assert_eq(owners_lookup(o, 1001, &h), 2);
	cr_expect_eq(h[0].pid, 100);
	cr_expect_eq(h[0].fd, 6);
	cr_expect_eq(h[1].pid, 101);
	p = owners_proc(o, h[1].proc);
	cr_assert_not_null(p);
	cr_expect_str_eq(p->comm, "worker");
	cr_expect_eq(p->uid, 33);
	cr_expect_eq(p->start_time, 1010);
	cr_expect_eq(p->cmdline_len, 14);
	cr_expect_str_eq(p->cgroup, "0::/system.slice/web.service\n");

	cr_assert_eq(owners_lookup(o, 2002, &h), 1);
	cr_expect_eq(h[0].fd, 12);
	cr_expect_eq(owners_lookup(o, 3003, &h), 0);
	cr_expect_eq(owners_lookup(o, 9999, &h), 0);
	cr_expect_eq(owners_stats(o)->procs, 3);
	cr_expect_eq(owners_stats(o)->fds, 6);
	owners_free(o);
}

Test(owners, a_process_that_exits_midway_is_skipped)
{
	struct owners *o;
	const struct holder *h;
	uint32_t want = 5005;

	/* fd links but no stat: it went away before its facts were read */
	mkd("200");
	mkd("200/fd");
	link_fd("200/fd/3", "socket:[5005]");
	o = owners_new(root);
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, &want, 1, 1), 0);
	cr_expect_eq(owners_lookup(o, 5005, &h), 0);
	cr_expect_eq(owners_stats(o)->vanished, 1);
	owners_free(o);
}

Test(owners, many_processes_many_threads)
{
	struct owners *o;
	const struct holder *h;
	uint32_t want[300];
	int i;

	for (i = 0; i < 300; i++) {
		char rel[64], target[32];

		proc(1000 + i, "svc", 0, "svc\0", 4);
		snprintf(rel, sizeof(rel), "%d/fd/4", 1000 + i);
		snprintf(target, sizeof(target), "socket:[%d]", 70000 + i);
		link_fd(rel, target);
		/* every process also holds one shared socket */
		snprintf(rel, sizeof(rel), "%d/fd/5", 1000 + i);
		link_fd(rel, "socket:[69999]");
		want[i] = (uint32_t)(70000 + i);
	}
	want[299] = 69999;
	o = owners_new(root);
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, want, 300, 4), 0);
	for (i = 0; i < 299; i++) {
		cr_assert_eq(owners_lookup(o, (uint32_t)(70000 + i), &h), 1);
		cr_assert_eq(h[0].pid, 1000 + i);
	}
	cr_assert_eq(owners_lookup(o, 69999, &h), 300);
	for (i = 1; i < 300; i++)
		cr_assert_lt(h[i - 1].pid, h[i].pid);
	owners_free(o);
}

Test(owners, missing_root_is_an_error)
{
	errno = 0;
	cr_expect_null(owners_new("/nonexistent/proc"));
	cr_expect_eq(errno, ENOENT);
}

/* /proc/stat has a line per cpu before btime: over 8 KiB on big hosts */
Test(owners, boot_time_after_a_big_proc_stat)
{
	struct owners *o;
	const struct holder *h;
	const struct proc_info *p;
	uint32_t want = 4004;
	char *stat = malloc(64 * 1024), line[128];
	size_t len = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int cpu;

	cr_assert_not_null(stat);
	len += (size_t)sprintf(stat, "cpu  1 2 3 4 5 6 7 0 0 0\n");
	for (cpu = 0; cpu < 512; cpu++) {
		snprintf(line, sizeof(line),
			 "cpu%d 123456 789 234567 8901234 5678 0 910 0 0 0\n",
			 cpu);
		memcpy(stat + len, line, strlen(line));
		len += strlen(line);
	}
	len += (size_t)sprintf(stat + len, "intr 1 2 3\nctxt 99\n"
				"btime 1700000000\nprocesses 5\n");
	cr_assert_gt(len, 16 * 1024);
	put("stat", stat, len);
	free(stat);
	proc(400, "svc", 0, "svc\0", 4);
	link_fd("400/fd/3", "socket:[4004]");

	o = owners_new(root);
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, &want, 1, 1), 0);
	cr_assert_eq(owners_lookup(o, 4004, &h), 1);
	p = owners_proc(o, h[0].proc);
	cr_assert_not_null(p);
	cr_assert_gt(hz, 0);
	/* the fixture's start time is pid * 10 ticks */
	cr_expect_eq(owners_start_time(o, p), 1700000000 + 4000 / hz);
	owners_free(o);
}

static void rm_rel(const char *rel)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", root, rel);
	cr_assert_eq(system(cmd), 0);
}

/* An owner scan of the fixture tree that refreshes incrementally: however
 * cheap a full scan is, only the first refresh is one. */
static struct owners *incremental_owners(void)
{
	struct owners *o = owners_new(root);

	cr_assert_not_null(o);
	owners_set_full_period(o, 3600);
	owners_set_full_share(o, 0);
	return o;
}

static size_t holders_of(struct owners *o, uint32_t inode,
			 const struct holder **h)
{
	return owners_lookup(o, inode, h);
}

Test(owners, incremental_refresh_follows_every_change)
{
	struct owners *o;
	const struct holder *h;
	uint32_t want[] = { 1001, 2002, 4004 };
	char text[256];

	need_counting_fs();
	proc(100, "master", 0, "srv\0", 4);
	proc(101, "worker", 0, "srv\0", 4);
	proc(102, "idle", 0, "idle\0", 5);
	link_fd("100/fd/6", "socket:[1001]");
	link_fd("101/fd/6", "socket:[1001]");
	link_fd("101/fd/12", "socket:[2002]");
	link_fd("102/fd/1", "/dev/null");

	o = incremental_owners();
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect(owners_stats(o)->full, "the first refresh scans everything");
	cr_expect_eq(holders_of(o, 1001, &h), 2);

	/* nothing changed: nothing is read again, the answer is the same */
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_not(owners_stats(o)->full);
	cr_expect_eq(owners_stats(o)->rescanned, 0);
	cr_expect_eq(holders_of(o, 1001, &h), 2);
	cr_expect_eq(holders_of(o, 2002, &h), 1);
	cr_expect_str_eq(owners_proc(o, h[0].proc)->comm, "worker");

	/* a new listener in an existing process */
	link_fd("102/fd/9", "socket:[4004]");
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_eq(owners_stats(o)->rescanned, 1);
	cr_assert_eq(holders_of(o, 4004, &h), 1);
	cr_expect_eq(h[0].pid, 102);
	cr_expect_eq(h[0].fd, 9);
	cr_expect_str_eq(owners_proc(o, h[0].proc)->comm, "idle");

	/* a fork that shares a listener */
	proc(103, "worker", 0, "srv\0", 4);
	link_fd("103/fd/6", "socket:[1001]");
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_eq(owners_stats(o)->rescanned, 1);
	cr_expect_eq(holders_of(o, 1001, &h), 3);

	/* an fd closed */
	rm_rel("101/fd/12");
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_eq(holders_of(o, 2002, &h), 0);
	cr_expect_eq(holders_of(o, 1001, &h), 3);

	/* an exit */
	rm_rel("103");
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_eq(owners_stats(o)->rescanned, 0);
	cr_expect_eq(holders_of(o, 1001, &h), 2);

	/* a pid reused by another process with as many fds */
	snprintf(text, sizeof(text),
		 "100 (newcomer) S 1 100 100 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
		 "777777 0 0\n");
	put("100/stat", text, strlen(text));
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_eq(owners_stats(o)->rescanned, 1);
	cr_assert_eq(holders_of(o, 1001, &h), 2);
	cr_expect_eq(h[0].pid, 100);
	cr_expect_str_eq(owners_proc(o, h[0].proc)->comm, "newcomer");
	cr_expect_eq(owners_proc(o, h[0].proc)->start_time, 777777);
	owners_free(o);
}

Test(owners, refresh_finds_a_socket_that_took_a_closed_fd_place)
{
	struct owners *o;
	const struct holder *h;
	uint32_t want[] = { 1001, 5005, 6006 };

	need_counting_fs();
	proc(100, "srv", 0, "srv\0", 4);
	link_fd("100/fd/3", "socket:[1001]");
	link_fd("100/fd/4", "/usr/lib/module.pyc");
	o = incremental_owners();
	cr_assert_eq(owners_refresh(o, want, 1, 1), 0);

	/* a file closed and a socket opened between two refreshes: the
	 * number of open fds is the same, the socket is new. The refresh
	 * must be as true as a fresh scan: a full scan at once finds it */
	rm_rel("100/fd/4");
	link_fd("100/fd/4", "socket:[5005]");
	cr_assert_eq(owners_refresh(o, want, 2, 1), 0);
	cr_expect(owners_stats(o)->full, "an unexplained socket: a full scan");
	cr_assert_eq(holders_of(o, 5005, &h), 1,
		     "a new socket in a process whose fd count did not change");
	cr_expect_eq(h[0].pid, 100);

	/* a socket nobody holds: one full scan, then a known orphan */
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect(owners_stats(o)->full);
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_not(owners_stats(o)->full, "known orphans: no full scan");
	cr_assert_eq(owners_refresh(o, want, 3, 1), 0);
	cr_expect_not(owners_stats(o)->full);
	owners_free(o);
}

Test(owners, refresh_rescans_everything_after_the_period)
{
	struct owners *o;
	const struct holder *h;
	uint32_t want = 1001;

	proc(100, "a", 0, "a\0", 2);
	link_fd("100/fd/3", "socket:[1001]");
	o = owners_new(root);
	cr_assert_not_null(o);
	owners_set_full_period(o, 0);
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_expect(owners_stats(o)->full);
	cr_expect_eq(holders_of(o, 1001, &h), 1);
	owners_free(o);
}

/* A full scan that costs more than the share of the interval is spaced:
 * one once its CPU time / share has passed since the last, so that full
 * scans take at most that share of one CPU (issue 16). */
Test(owners, full_scans_are_spaced_by_their_cost)
{
	struct owners *o;
	uint32_t want = 1001;

	proc(100, "a", 0, "a\0", 2);
	link_fd("100/fd/3", "socket:[1001]");
	o = incremental_owners();
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_assert(owners_stats(o)->full);

	/* full scans may take 0.2 % of a CPU: one every 500 times the last
	 * one's CPU time. Right after it, the next refresh is incremental */
	owners_set_full_share(o, 0.002);
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_expect_not(owners_stats(o)->full, "too soon for a full scan");

	/* a second later (well over 500 times a scan of one process), right
	 * after another refresh: the spacing, not the interval, calls for a
	 * full scan */
	sleep(1);
	owners_set_full_share(o, 0);
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_expect_not(owners_stats(o)->full);
	owners_set_full_share(o, 0.002);
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_expect(owners_stats(o)->full, "a full scan once it is due");
	owners_free(o);
}

Test(owners, a_cheap_full_scan_is_done_at_every_refresh)
{
	struct owners *o;
	const struct holder *h;
	uint32_t want = 1001;

	need_counting_fs();
	proc(100, "giver", 0, "giver\0", 6);
	proc(101, "taker", 0, "taker\0", 6);
	link_fd("100/fd/3", "socket:[1001]");
	link_fd("101/fd/5", "/dev/null");
	o = incremental_owners();
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);

	/* 101 took the socket 100 still holds, onto the fd of a file: its
	 * fd count is the same. An incremental refresh does not see it (the
	 * limit the man page names under COST) */
	rm_rel("101/fd/5");
	link_fd("101/fd/5", "socket:[1001]");
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_expect_not(owners_stats(o)->full);
	cr_expect_eq(holders_of(o, 1001, &h), 1);

	/* a full scan that costs little against the time between refreshes
	 * is done at every refresh: no gap */
	owners_set_full_share(o, 1e9);
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_expect(owners_stats(o)->full, "a cheap full scan: at every refresh");
	cr_assert_eq(holders_of(o, 1001, &h), 2);
	cr_expect_eq(h[1].pid, 101);
	cr_expect_eq(h[1].fd, 5);
	cr_assert_eq(owners_refresh(o, &want, 1, 1), 0);
	cr_expect(owners_stats(o)->full);
	owners_free(o);
}
