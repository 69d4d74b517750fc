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
#include <netinet/in.h>
#include <sys/socket.h>
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

	f->unpriv_start = unpriv_start(proc_root);
	f->cap_bind = has_cap_bind();
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
