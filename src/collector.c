/* collector.c - a netlink sock_diag session that dumps one network namespace */
#include "config.h"
#include "collector.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <net/if.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "diag.h"
#include "xalloc.h"

/* libmnl 1.0.4 lacks MNL_SOCKET_DUMP_SIZE; the kernel fills up to 32 KiB */
#define DUMP_BUF_SIZE 32768
#define DUMP_RETRIES 5
#define DUMP_TIMEOUT_S 10

struct collector {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint64_t netns;
	int record_fd;
	int netns_fd;		/* our copy, or -1 for the caller's namespace */
	int failed_proto;
	uint8_t *buf;		/* DUMP_BUF_SIZE bytes, aligned by malloc */
};

static int open_in_netns(int netns_fd, int bus, struct mnl_socket **out)
{
	int self = -1, err = 0;
	struct mnl_socket *nl;

	if (netns_fd >= 0) {
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return -errno;
		if (setns(netns_fd, CLONE_NEWNET) < 0) {
			err = -errno;
			close(self);
			return err;
		}
	}
	/* the socket belongs to the namespace it was created in */
	nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl)
		err = -errno;
	if (self >= 0) {
		if (setns(self, CLONE_NEWNET) < 0)
			abort();	/* cannot go on in the wrong namespace */
		close(self);
	}
	*out = nl;
	return err;
}

struct collector *collector_new(int netns_fd)
{
	struct collector *c;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval timeout = { .tv_sec = DUMP_TIMEOUT_S };
	struct stat st;
	int err;

	c = xcalloc(1, sizeof(*c));
	c->record_fd = -1;
	c->netns_fd = -1;
	err = open_in_netns(netns_fd, NETLINK_SOCK_DIAG, &c->nl);
	if (err < 0)
		goto out_free;
	if (netns_fd >= 0) {
		c->netns_fd = fcntl(netns_fd, F_DUPFD_CLOEXEC, 3);
		if (c->netns_fd < 0) {
			err = -errno;
			goto out_close;
		}
	}
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out_close;
	}
	/* connected to the kernel: nobody else can unicast us fake replies */
	if (connect(mnl_socket_get_fd(c->nl), (struct sockaddr *)&kernel,
		    sizeof(kernel)) < 0) {
		err = -errno;
		goto out_close;
	}
	/* a reply never lost so far; if one is, fail instead of hanging */
	if (setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVTIMEO,
		       &timeout, sizeof(timeout)) < 0) {
		err = -errno;
		goto out_close;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	if (netns_fd >= 0 && fstat(netns_fd, &st) == 0)
		c->netns = st.st_ino;
	else if (stat("/proc/self/ns/net", &st) == 0)
		c->netns = st.st_ino;
	c->buf = xmalloc(DUMP_BUF_SIZE);
	return c;

out_close:
	mnl_socket_close(c->nl);
out_free:
	free(c);
	errno = -err;
	return NULL;
}

void collector_free(struct collector *c)
{
	if (!c)
		return;
	mnl_socket_close(c->nl);
	if (c->netns_fd >= 0)
		close(c->netns_fd);
	free(c->buf);
	free(c);
}

static int write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len > 0) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

int collector_record(struct collector *c, int fd)
{
	c->record_fd = fd;
	if (fd < 0)
		return 0;
	return write_all(fd, DIAG_RECORD_MAGIC, sizeof(DIAG_RECORD_MAGIC) - 1);
}

static int record(struct collector *c, uint8_t family, uint8_t proto,
		  size_t len)
{
	struct diag_record_hdr h = {
		.len = (uint32_t)len, .family = family, .proto = proto,
	};
	int rc;

	if (c->record_fd < 0)
		return 0;
	rc = write_all(c->record_fd, &h, sizeof(h));
	if (rc == 0)
		rc = write_all(c->record_fd, c->buf, len);
	return rc;
}

static int dump_once(struct collector *c, uint8_t family, uint8_t proto,
		     uint32_t states, struct sock_vec *out, bool *interrupted)
{
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	struct diag_walk w;
	size_t start = out->n;
	int rc;

	nlh = mnl_nlmsg_put_header(c->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++c->seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = proto;
	req->idiag_states = states;
	req->idiag_ext = 1u << (INET_DIAG_SKMEMINFO - 1);
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	memset(&w, 0, sizeof(w));
	w.seq = c->seq;
	w.portid = c->portid;
	w.check_seq = true;
	w.proto = proto;
	w.netns = c->netns;
	w.out = out;
	rc = 1;	/* "more to come": an EINTR before any datagram retries */
	do {
		ssize_t n = recv(mnl_socket_get_fd(c->nl), c->buf,
				 DUMP_BUF_SIZE, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (record(c, family, proto, (size_t)n) < 0) {
			rc = -EIO;
			break;
		}
		rc = diag_walk(&w, c->buf, (size_t)n);
	} while (rc > 0);

	*interrupted = w.interrupted;
	if (rc < 0)
		out->n = start;	/* drop a partial dump */
	return rc;
}

static int dump_retry(struct collector *c, uint8_t family, uint8_t proto,
		      uint32_t states, struct sock_vec *out)
{
	size_t start = out->n;
	int tries, rc = 0;

	for (tries = 1;; tries++) {
		bool interrupted = false;

		rc = dump_once(c, family, proto, states, out, &interrupted);
		if (rc < 0)
			break;
		/* NLM_F_DUMP_INTR: the table changed under the dump; redo it,
		 * but keep the last one rather than fail on a busy host */
		if (!interrupted || tries == DUMP_RETRIES)
			return 0;
		out->n = start;
	}
	c->failed_proto = proto;
	return rc;
}

int collector_dump(struct collector *c, unsigned what, struct sock_vec *out)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	size_t i, j;

	for (i = 0; i < 2; i++) {
		if (!(what & (i == 0 ? COLLECT_TCP : COLLECT_UDP)))
			continue;
		for (j = 0; j < 2; j++) {
			uint32_t states;
			int rc;

			if (!(what & (j == 0 ? COLLECT_V4 : COLLECT_V6)))
				continue;
			if (protos[i] == IPPROTO_UDP)
				states = 1u << TCP_CLOSE;
			else if (what & COLLECT_ESTABLISHED)
				states = 1u << TCP_ESTABLISHED;
			else
				states = 1u << TCP_LISTEN;
			rc = dump_retry(c, families[j], protos[i], states, out);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int collector_failed_proto(const struct collector *c)
{
	return c->failed_proto;
}

uint64_t collector_netns(const struct collector *c)
{
	return c->netns;
}

static int link_name_cb(const struct nlattr *a, void *data)
{
	char *name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
		snprintf(name, IF_NAMESIZE, "%s", mnl_attr_get_str(a));
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_name_cb, data);
	return MNL_CB_OK;
}

int collector_ifname(struct collector *c, uint32_t ifindex, char *name)
{
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	uint32_t seq = ++c->seq, portid;
	ssize_t n;
	int rc;

	name[0] = '\0';
	rc = open_in_netns(c->netns_fd, NETLINK_ROUTE, &nl);
	if (rc < 0)
		return rc;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto out_close;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(c->buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out_close;
	}
	n = mnl_socket_recvfrom(nl, c->buf, DUMP_BUF_SIZE);
	if (n < 0) {
		rc = -errno;
		goto out_close;
	}
	/* a single small reply from the kernel: check its length first */
	if ((size_t)n < sizeof(struct nlmsghdr) ||
	    ((const struct nlmsghdr *)(const void *)c->buf)->nlmsg_len > (size_t)n) {
		rc = -EBADMSG;
		goto out_close;
	}
	if (mnl_cb_run(c->buf, (size_t)n, seq, portid, link_cb, name) < 0)
		rc = -errno;
	else
		rc = name[0] ? 0 : -ENODEV;
out_close:
	mnl_socket_close(nl);
	return rc;
}
