/* probe.c - what the system says about binding a port here */
#include "config.h"
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "fileio.h"

static int unpriv_start(const char *proc_root)
{
	char path[4096], *text = NULL, *end;
	size_t len;
	long v;

	snprintf(path, sizeof(path),
		 "%s/sys/net/ipv4/ip_unprivileged_port_start", proc_root);
	if (read_whole_at(AT_FDCWD, path, 64, &text, &len, NULL) < 0)
		return -1;
	v = strtol(text, &end, 10);
	if (end == text || v < 0 || v > 65536)
		v = -1;
	free(text);
	return (int)v;
}

static bool has_cap_bind(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return geteuid() == 0;
	return data[CAP_NET_BIND_SERVICE / 32].effective &
	       (1u << (CAP_NET_BIND_SERVICE % 32));
}

/* User namespaces nest at most 32 deep. */
#define USERNS_DEPTH 33

static bool same_ns(int fd, const struct stat *st)
{
	struct stat o;

	return fstat(fd, &o) == 0 && o.st_ino == st->st_ino &&
	       o.st_dev == st->st_dev;
}

/* Whether a capability porttop holds (held: in its own user namespace)
 * counts for the network namespace it is in: the kernel checks it with
 * ns_capable(net->user_ns, ...), which passes when the namespace's owner
 * is porttop's user namespace and porttop holds it there, or a descendant
 * of it (then also when porttop's euid created the owner's ancestor just
 * below porttop's). Returns 1 or 0, or -1 when it cannot be told. */
static int cap_counts(bool held)
{
	struct stat mine;
	int net, ns, parent, depth, rc = -1;
	uid_t owner;

	/* porttop's own namespaces: the real /proc, not --proc-root */
	if (stat("/proc/self/ns/user", &mine) < 0)
		return -1;
	net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (net < 0)
		return -1;
	ns = ioctl(net, NS_GET_USERNS);
	close(net);
	if (ns < 0)
		/* EPERM: the owner is outside porttop's user namespace (an
		 * ancestor, as after unshare -U without -n): no capability of
		 * porttop's counts there */
		return errno == EPERM ? 0 : -1;
	if (same_ns(ns, &mine)) {
		close(ns);
		return held;
	}
	for (depth = 0; depth < USERNS_DEPTH; depth++) {
		parent = ioctl(ns, NS_GET_PARENT);
		if (parent < 0)
			break;
		if (same_ns(parent, &mine)) {
			/* ns is a child of ours: its creator has every
			 * capability in it */
			rc = held;
			if (!held && ioctl(ns, NS_GET_OWNER_UID, &owner) == 0)
				rc = owner == geteuid();
			close(parent);
			break;
		}
		close(ns);
		ns = parent;
	}
	close(ns);
	return rc;
}

/* TCP_BOUND_INACTIVE came with Linux 6.7. */
static bool kernel_sees_bound(const char *release)
{
	unsigned major = 0, minor = 0;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 7);
}

void probe_facts(struct why_facts *f, const char *proc_root)
{
	struct utsname u;
	int counts;

	f->unpriv_start = unpriv_start(proc_root);
	f->cap_held = has_cap_bind();
	counts = cap_counts(f->cap_held);
	f->cap_unknown = counts < 0;
	f->cap_bind = counts > 0;
	f->kernel[0] = '\0';
	if (uname(&u) == 0)
		snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);
	f->sees_bound = kernel_sees_bound(f->kernel);
}

bool probe_ipv6(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int probe_bind(const struct why_target *t)
{
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };
	int type = t->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd, one = 1, rc = 0;

	fd = socket(t->family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if ((t->options & WHY_OPT_REUSEADDR) &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto out_errno;
	if ((t->options & WHY_OPT_REUSEPORT) &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto out_errno;
	if (t->family == AF_INET6) {
		int v6only = t->v6only == 1;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
			       sizeof(v6only)) < 0)
			goto out_errno;
		memcpy(&v6.sin6_addr, t->addr, 16);
		v6.sin6_port = htons(t->port);
		if (bind(fd, (struct sockaddr *)&v6, sizeof(v6)) < 0)
			goto out_errno;
	} else {
		memcpy(&v4.sin_addr, t->addr, 4);
		v4.sin_port = htons(t->port);
		if (bind(fd, (struct sockaddr *)&v4, sizeof(v4)) < 0)
			goto out_errno;
	}
	goto out_close;
out_errno:
	rc = -errno;
out_close:
	close(fd);
	return rc;
}
