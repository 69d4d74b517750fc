/* collector.c - a netlink sock_diag session that dumps one network namespace */
#include "config.h"
#include "collector.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "collector_fault.h"
#include "diag.h"
#include "inoset.h"
#include "nsrun.h"
#include "xalloc.h"

/* libmnl 1.0.4 lacks MNL_SOCKET_DUMP_SIZE; the kernel fills up to 32 KiB */
#define DUMP_BUF_SIZE 32768
#define DUMP_RETRIES 5		/* tries of one dump that keeps failing */
#define UNION_DUMPS_MAX 5	/* dumps of one table until nothing is new */
#define EINTR_MAX 100		/* reads in a row cut by a signal */
#define DUMP_TIMEOUT_S 10
#define STAGE_MAX (1u << 20)	/* datagrams received, not yet decoded */
#define COLLECT_TABLES 8	/* tcp/udp x v4/v6 x listening/established */

struct collector {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint64_t netns;
	int record_fd;
	int netns_fd;		/* our copy, or -1 for the caller's namespace */
	int failed_proto;
	bool no_compat;		/* TCPDIAG_GETSOCK refused: a dump per family */
	unsigned missing;	/* COLLECT_TCP/UDP without diag support */
	int missing_err;
	struct fault fault;
	unsigned long nrecv;	/* reads so far, for the fault hook */
	/* the inodes of each table's last result (see dump_table): as a
	 * sorted set, and in the order the result came in */
	struct inoset last[COLLECT_TABLES];
	struct inoset last_seq[COLLECT_TABLES];
	bool have_last[COLLECT_TABLES];
	uint8_t *buf;		/* DUMP_BUF_SIZE bytes, aligned by malloc */
	/* datagrams of the dump under way, each a 4-byte length, 4 bytes of
	 * padding and the datagram padded to 8 (see dump_once) */
	uint8_t *stage;
	size_t stage_len, stage_cap;
};

/* recv() into buf (DUMP_BUF_SIZE bytes), or what the fault hook makes of
 * this read. */
static ssize_t fault_recv(struct collector *c, int fd, uint8_t *buf)
{
	const struct fault *f = &c->fault;
	bool hit = ++c->nrecv >= f->from && c->nrecv <= f->to && f->from;
	ssize_t n;
	size_t off;

	if (hit && f->what > 0) {
		errno = f->what;
		return -1;
	}
	n = recv(fd, buf, DUMP_BUF_SIZE, 0);
	if (!hit || n < (ssize_t)sizeof(struct nlmsghdr))
		return n;
	for (off = 0; off + sizeof(struct nlmsghdr) <= (size_t)n;) {
		struct nlmsghdr *nlh = (void *)(buf + off);

		if (f->what == FAULT_SEQ)
			nlh->nlmsg_seq--;
		else
			nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
		if (nlh->nlmsg_len < sizeof(*nlh))
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return n;
}

struct open_call {
	int bus;
	struct mnl_socket *nl;
};

static int open_cb(void *arg)
{
	struct open_call *call = arg;

	/* the socket belongs to the namespace it was created in */
	call->nl = mnl_socket_open2(call->bus, SOCK_CLOEXEC);
	return call->nl ? 0 : -errno;
}

static int open_in_netns(int netns_fd, int bus, struct mnl_socket **out)
{
	struct open_call call = { bus, NULL };
	int rc = nsrun(netns_fd, open_cb, &call);

	*out = call.nl;
	return rc;
}

/* Open, bind and connect the sock_diag socket. */
static int collector_open(struct collector *c)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval timeout = { .tv_sec = DUMP_TIMEOUT_S };
	int rc, fd;

	rc = open_in_netns(c->netns_fd, NETLINK_SOCK_DIAG, &c->nl);
	if (rc < 0)
		return rc;
	fd = mnl_socket_get_fd(c->nl);
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out_close;
	/* connected to the kernel: nobody else can unicast us fake replies */
	if (connect(fd, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		goto out_close;
	/* a reply never lost so far; if one is, fail instead of hanging */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout,
		       sizeof(timeout)) < 0)
		goto out_close;
	c->portid = mnl_socket_get_portid(c->nl);
	return 0;

out_close:
	rc = -errno;
	mnl_socket_close(c->nl);
	c->nl = NULL;
	return rc;
}

/* After a failed dump the socket may still hold the rest of it, or the
 * kernel may still be producing it: start over on a new socket. */
static int collector_resync(struct collector *c)
{
	mnl_socket_close(c->nl);
	c->nl = NULL;
	return collector_open(c);
}

struct collector *collector_new(int netns_fd)
{
	struct collector *c;
	struct stat st;
	int err;

	c = xcalloc(1, sizeof(*c));
	c->record_fd = -1;
	c->netns_fd = -1;
	err = collector_fault_parse(&c->fault, getenv("PORTTOP_FAULT"));
	if (err < 0)
		goto out_free;
	if (netns_fd >= 0) {
		c->netns_fd = fcntl(netns_fd, F_DUPFD_CLOEXEC, 3);
		if (c->netns_fd < 0) {
			err = -errno;
			goto out_free;
		}
	}
	err = collector_open(c);
	if (err < 0)
		goto out_close_ns;
	c->seq = (uint32_t)time(NULL);
	if (netns_fd >= 0 && fstat(netns_fd, &st) == 0)
		c->netns = st.st_ino;
	else if (stat("/proc/self/ns/net", &st) == 0)
		c->netns = st.st_ino;
	c->buf = xmalloc(DUMP_BUF_SIZE);
	return c;

out_close_ns:
	if (c->netns_fd >= 0)
		close(c->netns_fd);
out_free:
	free(c);
	errno = -err;
	return NULL;
}

void collector_free(struct collector *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < COLLECT_TABLES; i++) {
		inoset_release(&c->last[i]);
		inoset_release(&c->last_seq[i]);
	}
	if (c->nl)
		mnl_socket_close(c->nl);
	if (c->netns_fd >= 0)
		close(c->netns_fd);
	free(c->buf);
	free(c->stage);
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
	struct diag_record_hdr h = {
		.len = sizeof(c->netns), .proto = DIAG_RECORD_NETNS,
	};
	int rc;

	c->record_fd = fd;
	if (fd < 0)
		return 0;
	rc = write_all(fd, &h, sizeof(h));
	if (rc == 0)
		rc = write_all(fd, &c->netns, sizeof(c->netns));
	return rc;
}

static int record(struct collector *c, uint8_t family, uint8_t proto,
		  const uint8_t *buf, size_t len)
{
	struct diag_record_hdr h = {
		.len = (uint32_t)len, .family = family, .proto = proto,
	};
	int rc;

	if (c->record_fd < 0)
		return 0;
	rc = write_all(c->record_fd, &h, sizeof(h));
	if (rc == 0)
		rc = write_all(c->record_fd, buf, len);
	return rc;
}

/* Whether the datagram in buf ends its dump: it holds NLMSG_DONE or an
 * error, or bytes that are no message (diag_walk() then says what). */
static bool datagram_ends(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off + sizeof(struct nlmsghdr) <= len) {
		const struct nlmsghdr *h = (const void *)(buf + off);

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off ||
		    h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
			return true;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return off < len;
}

/* The replies to TCPDIAG_GETSOCK carry its type; the messages are those of
 * SOCK_DIAG_BY_FAMILY, and are filed (and recorded) as such. */
static void as_sock_diag(uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off + sizeof(struct nlmsghdr) <= len) {
		struct nlmsghdr *h = (void *)(buf + off);

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			return;	/* diag_walk() says what is wrong */
		if (h->nlmsg_type == TCPDIAG_GETSOCK)
			h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
}

/* Where the next datagram is received: after the staged ones, and its
 * length, so that staging it copies nothing. */
static uint8_t *stage_next(struct collector *c)
{
	c->stage = xgrow(c->stage, &c->stage_cap,
			 c->stage_len + 8 + DUMP_BUF_SIZE, 1);
	return c->stage + c->stage_len + 8;
}

/* Keep the datagram of len bytes received at stage_next(). */
static void stage_add(struct collector *c, size_t len)
{
	uint32_t l = (uint32_t)len;

	memcpy(c->stage + c->stage_len, &l, sizeof(l));
	c->stage_len += 8 + ((len + 7) & ~(size_t)7);
}

/* Decode the staged datagrams, and empty the stage. */
static int stage_walk(struct collector *c, struct diag_walk *w)
{
	size_t off = 0;
	int rc = 1;

	while (rc > 0 && off < c->stage_len) {
		uint32_t l;

		memcpy(&l, c->stage + off, sizeof(l));
		rc = diag_walk(w, c->stage + off + 8, l);
		off += 8 + ((l + 7) & ~(size_t)7);
	}
	c->stage_len = 0;
	return rc;
}

/* One dump of a table. The kernel makes each datagram of a dump when the
 * one before is read, and resumes by position: a socket closed before that
 * position in between moves the rest up, and one of them is skipped. So
 * the datagrams are read back to back and decoded after (up to STAGE_MAX
 * bytes at a time), which keeps the time between two reads short. */
static int dump_once(struct collector *c, uint8_t family, uint8_t proto,
		     uint32_t states, struct sock_vec *out, bool *interrupted)
{
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	struct diag_walk w;
	size_t start = out->n;
	int rc, eintr = 0;

	nlh = mnl_nlmsg_put_header(c->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++c->seq;
	if (family == AF_UNSPEC) {
		/* TCP of both families in one dump (see collector_dump) */
		struct inet_diag_req *old;

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		old = mnl_nlmsg_put_extra_header(nlh, sizeof(*old));
		old->idiag_family = AF_UNSPEC;
		old->idiag_states = states;
	} else {
		req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		req->sdiag_family = family;
		req->sdiag_protocol = proto;
		req->idiag_states = states;
		/* memory info gives drops, which only UDP sockets show; for
		 * TCP sockets it would cost 40 % of a listener dump */
		req->idiag_ext = proto == IPPROTO_UDP
					 ? 1u << (INET_DIAG_SKMEMINFO - 1)
					 : 0;
	}
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
		uint8_t *buf = stage_next(c);
		ssize_t n = fault_recv(c, mnl_socket_get_fd(c->nl), buf);

		if (n < 0 && errno == EINTR && ++eintr < EINTR_MAX)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		eintr = 0;
		/* diag_walk() takes both types; a recording has one */
		if (family == AF_UNSPEC && c->record_fd >= 0)
			as_sock_diag(buf, (size_t)n);
		if (record(c, family, proto, buf, (size_t)n) < 0) {
			rc = -EIO;
			break;
		}
		if (!datagram_ends(buf, (size_t)n) &&
		    c->stage_len + (size_t)n + 16 <= STAGE_MAX) {
			stage_add(c, (size_t)n);
			continue;
		}
		/* the staged ones first; buf stays where it is */
		rc = stage_walk(c, &w);
		if (rc > 0)
			rc = diag_walk(&w, buf, (size_t)n);
	} while (rc > 0);
	c->stage_len = 0;

	*interrupted = w.interrupted;
	if (rc < 0)
		out->n = start;	/* drop a partial dump */
	return rc;
}

/* Failures that another try may not meet: the receive buffer overflowed,
 * signals, or a reply that belongs to an earlier, abandoned dump. */
static bool transient(int rc)
{
	return rc == -ENOBUFS || rc == -EINTR || rc == -EPROTO ||
	       rc == -EBUSY;
}

/* One table, redone while it fails transiently or is interrupted. */
static int dump_retry(struct collector *c, uint8_t family, uint8_t proto,
		      uint32_t states, struct sock_vec *out)
{
	size_t start = out->n;
	int tries, rc = 0;

	for (tries = 1;; tries++) {
		bool interrupted = false;

		rc = dump_once(c, family, proto, states, out, &interrupted);
		if (rc < 0) {
			int err = collector_resync(c);

			if (err < 0)
				return err;
			if (!transient(rc) || tries >= DUMP_RETRIES)
				return rc;
			continue;
		}
		/* NLM_F_DUMP_INTR: the table changed under the dump; redo it,
		 * but keep the last one rather than fail on a busy host */
		if (!interrupted || tries >= DUMP_RETRIES)
			return 0;
		out->n = start;
	}
}

static size_t table_slot(uint8_t family, uint8_t proto, uint32_t states)
{
	return (proto == IPPROTO_UDP ? 4 : 0) + (family == AF_INET6 ? 2 : 0) +
	       (states & (1u << TCP_ESTABLISHED) ? 1 : 0);
}

static bool inoset_equal(const struct inoset *a, const struct inoset *b)
{
	return a->n == b->n &&
	       (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof(*a->v)) == 0);
}

/* Whether the inodes of v from index start on are seq, in that order. */
static bool same_sequence(const struct sock_vec *v, size_t start,
			  const struct inoset *seq)
{
	size_t i;

	if (v->n - start != seq->n)
		return false;
	for (i = 0; i < seq->n; i++)
		if (v->v[start + i].inode != seq->v[i])
			return false;
	return true;
}

/* Remember the inodes of v from index start on, in their order. */
static void remember_sequence(struct inoset *seq, const struct sock_vec *v,
			      size_t start)
{
	size_t i;

	inoset_clear(seq);
	for (i = start; i < v->n; i++)
		inoset_add(seq, v->v[i].inode);
}

/* One table, dumped until a dump brings no inode the earlier ones missed:
 * under churn a dump can skip a socket that stays open. A dump skips only
 * when sockets go away during it, which changes the set; so a first dump
 * that finds exactly the sockets of this table's last result is taken as
 * it is (a quiet table costs one dump). A quiet table's dump comes in the
 * kernel's hash order, the same as last time: the same sequence is the
 * same set, told without sorting. */
static int dump_table(struct collector *c, uint8_t family, uint8_t proto,
		      uint32_t states, struct sock_vec *out)
{
	size_t start = out->n, i, slot = table_slot(family, proto, states);
	struct inoset have;
	int rc, round = 1;

	rc = dump_retry(c, family, proto, states, out);
	if (rc < 0)
		return rc;
	if (c->have_last[slot] && same_sequence(out, start, &c->last_seq[slot]))
		return 0;
	inoset_init(&have);
	for (i = start; i < out->n; i++)
		inoset_add(&have, out->v[i].inode);
	inoset_seal(&have);
	if (c->have_last[slot] && inoset_equal(&have, &c->last[slot]))
		round = UNION_DUMPS_MAX;
	for (; round < UNION_DUMPS_MAX; round++) {
		struct sock_vec more = { 0 };
		size_t added = 0;

		rc = dump_retry(c, family, proto, states, &more);
		for (i = 0; rc == 0 && i < more.n; i++) {
			if (inoset_has(&have, more.v[i].inode))
				continue;
			sock_vec_push(out, &more.v[i]);
			inoset_add(&have, more.v[i].inode);
			added++;
		}
		sock_vec_release(&more);
		if (rc < 0 || !added)
			break;
		inoset_seal(&have);
	}
	if (rc < 0) {
		out->n = start;
		inoset_release(&have);
		return rc;
	}
	inoset_release(&c->last[slot]);
	c->last[slot] = have;
	remember_sequence(&c->last_seq[slot], out, start);
	c->have_last[slot] = true;
	return 0;
}

int collector_dump(struct collector *c, unsigned what, struct sock_vec *out)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const unsigned proto_bits[] = { COLLECT_TCP, COLLECT_UDP };
	size_t i, j;

	c->missing = 0;
	c->missing_err = 0;
	for (i = 0; i < 2; i++) {
		/* TCP of both families: one dump through the older request,
		 * which may name no family; the kernel then walks its table
		 * of listeners (or connections) once, not once a family */
		bool both = protos[i] == IPPROTO_TCP && !c->no_compat &&
			    (what & COLLECT_V4) && (what & COLLECT_V6);

		if (!(what & proto_bits[i]))
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
			if (c->fault.noproto & proto_bits[i])
				rc = -ENOENT;
			else if (both && c->fault.nocompat)
				rc = -EOPNOTSUPP;
			else if (both)
				rc = dump_table(c, AF_UNSPEC, protos[i], states,
						out);
			else
				rc = dump_table(c, families[j], protos[i],
						states, out);
			if (both && (rc == -EOPNOTSUPP || rc == -EINVAL)) {
				/* a kernel without it: a dump per family */
				c->no_compat = true;
				both = false;
				rc = dump_table(c, families[j], protos[i],
						states, out);
			}
			if (both && rc == 0)
				break;	/* both families are in */
			if (rc == -ENOENT) {
				/* no diag module for it: the others still
				 * count; the caller says what is missing */
				if (!c->missing)
					c->missing_err = rc;
				c->missing |= proto_bits[i];
				break;
			}
			if (rc < 0) {
				c->failed_proto = protos[i];
				return rc;
			}
		}
	}
	return 0;
}

int collector_failed_proto(const struct collector *c)
{
	return c->failed_proto;
}

unsigned collector_missing(const struct collector *c, int *err)
{
	if (err)
		*err = c->missing_err;
	return c->missing;
}

uint64_t collector_netns(const struct collector *c)
{
	return c->netns;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_name *l = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_vec *out = data;
	const struct ifinfomsg *ifm;
	struct link_name l;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*ifm))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	memset(&l, 0, sizeof(l));
	l.ifindex = (uint32_t)ifm->ifi_index;
	if (mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, &l) < 0 ||
	    !l.name[0])
		return MNL_CB_OK;
	out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = l;
	return MNL_CB_OK;
}

int collector_links(struct collector *c, struct link_vec *out)
{
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	uint32_t seq = ++c->seq, portid;
	int rc;

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
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out_close;
	}
	do {
		ssize_t n = mnl_socket_recvfrom(nl, c->buf, DUMP_BUF_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		/* mnl_cb_run checks every length against the datagram */
		rc = mnl_cb_run(c->buf, (size_t)n, seq, portid, link_cb, out);
		if (rc < 0)
			rc = -errno;
	} while (rc > 0);
out_close:
	mnl_socket_close(nl);
	return rc < 0 ? rc : 0;
}

void link_vec_release(struct link_vec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

const char *link_vec_name(const struct link_vec *v, uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->v[i].ifindex == ifindex)
			return v->v[i].name;
	return NULL;
}

/* The sockets of port in one table, dumped until a dump brings no socket
 * the earlier ones missed; told apart by cookie, since TIME_WAIT has no
 * inode. */
static int dump_port_table(struct collector *c, uint8_t family, uint8_t proto,
			   uint32_t states, uint16_t port, struct sock_vec *out)
{
	size_t start = out->n;
	int rc = 0, round;

	for (round = 0; round < UNION_DUMPS_MAX; round++) {
		struct sock_vec more = { 0 };
		size_t i, j, added = 0;

		rc = dump_retry(c, family, proto, states, &more);
		for (i = 0; rc == 0 && i < more.n; i++) {
			if (more.v[i].port != port)
				continue;
			for (j = start; j < out->n; j++)
				if (out->v[j].cookie == more.v[i].cookie)
					break;
			if (j < out->n)
				continue;
			sock_vec_push(out, &more.v[i]);
			added++;
		}
		sock_vec_release(&more);
		if (rc < 0) {
			out->n = start;
			c->failed_proto = proto;
			return rc;
		}
		if (!added && round > 0)
			break;
	}
	return 0;
}

int collector_dump_port(struct collector *c, uint16_t port,
			uint32_t tcp_states, bool udp, struct sock_vec *out)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	size_t i;
	int rc = 0;

	for (i = 0; i < 2 && rc == 0; i++) {
		if (tcp_states)
			rc = dump_port_table(c, families[i], IPPROTO_TCP,
					     tcp_states, port, out);
		if (rc == 0 && udp)
			rc = dump_port_table(c, families[i], IPPROTO_UDP,
					     1u << TCP_CLOSE |
						     1u << TCP_ESTABLISHED,
					     port, out);
	}
	return rc;
}
