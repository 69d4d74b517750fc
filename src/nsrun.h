/* nsrun.h - run a function inside another network namespace */
#ifndef PORTTOP_NSRUN_H
#define PORTTOP_NSRUN_H

/* Run fn(arg) on a short-lived thread that first enters the network
 * namespace netns_fd (-1, or the caller's own namespace: fn runs on the
 * calling thread, no setns and no privilege needed). The calling thread
 * never changes namespace, so there is nothing to switch back. Sockets
 * and files fn opens stay in the namespace they were opened in. Returns
 * what fn returned, or -errno when the namespace cannot be entered
 * (-EPERM without CAP_SYS_ADMIN over it) or no thread can be started. */
int nsrun(int netns_fd, int (*fn)(void *arg), void *arg);

#endif
