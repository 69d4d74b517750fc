/* test_owners_signal.c - a signal reaches the process that was seen, and
 * no other: real child processes, the real /proc and fixture trees */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "owners_signal.h"
#include "procparse.h"

/* A child that waits for a signal. */
static pid_t child_start(void)
{
	pid_t pid = fork();

	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static unsigned long long start_time_of(pid_t pid)
{
	char path[64], buf[1024];
	struct proc_stat st;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	cr_assert(f, "cannot open %s", path);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	cr_assert(procparse_stat(buf, n, &st), "cannot parse %s", path);
	return st.start_time;
}

/* True if pid is still running (not a zombie that we could reap). */
static bool running(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

static int killed_by(pid_t pid)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

Test(owners_signal, reaches_the_process_seen)
{
	pid_t pid = child_start();

	cr_assert_eq(owners_signal("/proc", pid, start_time_of(pid), SIGTERM),
		     0);
	cr_expect_eq(killed_by(pid), SIGTERM);
}

Test(owners_signal, not_another_process_with_the_pid)
{
	pid_t pid = child_start();
	unsigned long long start = start_time_of(pid);

	cr_expect_eq(owners_signal("/proc", pid, start + 1, SIGTERM), -ESTALE);
	usleep(50 * 1000);
	cr_expect(running(pid), "a process that was not seen got the signal");
	kill(pid, SIGKILL);
	killed_by(pid);
}

Test(owners_signal, gone)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	cr_expect_eq(owners_signal("/proc", pid, 1, SIGTERM), -ENOENT);
	cr_expect_eq(owners_signal("/proc", 0, 1, SIGTERM), -ENOENT);
	cr_expect_eq(owners_signal("/proc", -1, 1, SIGTERM), -ENOENT);
}

/* The start time is read under the proc root given (a fixture tree). */
Test(owners_signal, fixture_proc_root)
{
	char root[] = "/tmp/porttop-signal-XXXXXX", dir[128], path[160];
	pid_t pid = child_start();
	FILE *f;

	cr_assert(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/%d", root, (int)pid);
	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/stat", dir);

	/* no stat file: the process cannot be told, so it is gone for us */
	cr_expect_eq(owners_signal(root, pid, 4242, SIGTERM), -ENOENT);
	cr_expect(running(pid));

	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "%d (a b) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
		   "4242 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0\n", (int)pid);
	fclose(f);
	cr_expect_eq(owners_signal(root, pid, 4243, SIGTERM), -ESTALE);
	cr_expect(running(pid));
	cr_expect_eq(owners_signal(root, pid, 4242, SIGTERM), 0);
	cr_expect_eq(killed_by(pid), SIGTERM);

	unlink(path);
	rmdir(dir);

	/* a stat line that does not parse: no signal (it would end us) */
	snprintf(dir, sizeof(dir), "%s/%d", root, (int)getpid());
	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/stat", dir);
	f = fopen(path, "w");
	cr_assert(f);
	fputs("garbage", f);
	fclose(f);
	cr_expect_eq(owners_signal(root, getpid(), 4242, SIGTERM), -ENOENT);

	unlink(path);
	rmdir(dir);
	rmdir(root);
}
