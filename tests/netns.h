/* netns.h - test helpers: a private network namespace with loopback up */
#ifndef PORTTOP_TEST_NETNS_H
#define PORTTOP_TEST_NETNS_H

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Move this process into a new network namespace and bring lo up.
 * Returns 0, or -errno when the kernel refuses (then the caller skips). */
static inline int netns_enter_private(void)
{
	struct ifreq ifr;
	int fd, rc = 0;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (rc == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Skip the current Criterion test when no namespace can be made. */
#define NETNS_OR_SKIP()                                                      \
	do {                                                                 \
		int rc_ = netns_enter_private();                             \
		if (rc_ < 0)                                                 \
			cr_skip_test("cannot create a network namespace: %s", \
				     strerror(-rc_));                        \
	} while (0)

#endif
