/* nsrun.c - run a function inside another network namespace */
#include "config.h"
#include "nsrun.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

struct nsrun_call {
	int netns_fd;
	int (*fn)(void *arg);
	void *arg;
	int rc;
};

static void *nsrun_main(void *p)
{
	struct nsrun_call *call = p;

	/* setns(CLONE_NEWNET) moves this thread only; it ends right after */
	if (setns(call->netns_fd, CLONE_NEWNET) < 0)
		call->rc = -errno;
	else
		call->rc = call->fn(call->arg);
	return NULL;
}

static int same_netns(int netns_fd)
{
	struct stat a, b;

	if (fstat(netns_fd, &a) < 0 || stat("/proc/thread-self/ns/net", &b) < 0)
		return 0;
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int nsrun(int netns_fd, int (*fn)(void *arg), void *arg)
{
	struct nsrun_call call = { netns_fd, fn, arg, 0 };
	sigset_t all, old;
	pthread_t th;
	int err;

	if (netns_fd < 0 || same_netns(netns_fd))
		return fn(arg);
	/* the thread must not take signals meant for the caller */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&th, NULL, nsrun_main, &call);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_join(th, NULL);
	return call.rc;
}
