/* owners_signal.c - signal a holder, and only the process that was seen */
#include "config.h"
#include "owners_signal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/pidfd.h>

#include "owners_priv.h"
#include "procparse.h"

static bool start_time_is(const char *proc_root, int pid,
			  unsigned long long start_time, int *err)
{
	char path[PATH_MAX], buf[1024];
	struct proc_stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, pid);
	n = owners_read_at(AT_FDCWD, path, buf, sizeof(buf) - 1);
	if (n <= 0 || !procparse_stat(buf, (size_t)n, &st)) {
		*err = -ENOENT;
		return false;
	}
	*err = -ESTALE;
	return st.start_time == start_time;
}

int owners_signal(const char *proc_root, int pid,
		  unsigned long long start_time, int sig)
{
	int pfd, err;

	if (pid <= 0)
		return -ENOENT;
	pfd = pidfd_open(pid, 0);
	if (pfd < 0 && errno != ENOSYS)
		return errno == ESRCH ? -ENOENT : -errno;
	if (!start_time_is(proc_root, pid, start_time, &err)) {
		if (pfd >= 0)
			close(pfd);
		return err;
	}
	if (pfd < 0)	/* a kernel before 5.3: the old way, with its race */
		return kill(pid, sig) < 0 ? -errno : 0;
	err = pidfd_send_signal(pfd, sig, NULL, 0) < 0 ? -errno : 0;
	close(pfd);
	if (err == -ESRCH)
		err = -ENOENT;
	return err;
}
