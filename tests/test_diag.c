/* test_diag.c - netlink decoding on recorded replies and broken ones
 *
 * tests/data/listeners.rec was recorded with --record in a namespace that
 * held: tcp 127.0.0.1:7001 (backlog 7), tcp [::1]:7002, tcp [::]:7003
 * dual-stack (backlog 11), udp 0.0.0.0:7004, udp [::1]:7005 and tcp
 * 127.0.0.1:7006 bound to lo. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "diag.h"

static char *load(const char *name, size_t *len)
{
	const char *dir = getenv("srcdir");
	char path[512];
	char *buf = malloc(1 << 20);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/tests/data/%s", dir ? dir : ".", name);
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	n = read(fd, buf, 1 << 20);
	cr_assert_gt(n, 0);
	close(fd);
	*len = (size_t)n;
	return buf;
}

static const struct sock_rec *by_port(const struct sock_vec *v, uint16_t port)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->v[i].port == port)
			return &v->v[i];
	return NULL;
}

Test(diag, replays_a_recorded_dump)
{
	struct diag_replay_info info;
	struct sock_vec v = { 0 };
	const struct sock_rec *r;
	size_t len;
	char *buf = load("listeners.rec", &len);
	uint8_t lo4[4] = { 127, 0, 0, 1 };
	uint8_t lo6[16] = { [15] = 1 };
	uint8_t any6[16] = { 0 };

	cr_assert_eq(diag_replay(buf, len, &v, &info), 0);
	cr_expect_eq(v.n, 6);

	r = by_port(&v, 7001);
	cr_assert_not_null(r);
	cr_expect_eq(r->proto, IPPROTO_TCP);
	cr_expect_eq(r->family, AF_INET);
	cr_expect_eq(r->state, TCP_LISTEN);
	cr_expect_eq(memcmp(r->addr, lo4, 4), 0);
	cr_expect_eq(r->wqueue, 7);
	cr_expect_eq(r->rqueue, 0);
	cr_expect_eq(r->v6only, -1);
	cr_expect_eq(r->ifindex, 0);
	cr_expect_neq(r->inode, 0);

	r = by_port(&v, 7002);
	cr_assert_not_null(r);
	cr_expect_eq(r->family, AF_INET6);
	cr_expect_eq(memcmp(r->addr, lo6, 16), 0);
	cr_expect_eq(r->v6only, 1);

	r = by_port(&v, 7003);
	cr_assert_not_null(r);
	cr_expect_eq(memcmp(r->addr, any6, 16), 0);
	cr_expect_eq(r->v6only, 0);
	cr_expect_eq(r->wqueue, 11);

	r = by_port(&v, 7004);
	cr_assert_not_null(r);
	cr_expect_eq(r->proto, IPPROTO_UDP);
	cr_expect_eq(r->state, TCP_CLOSE);
	cr_expect(r->has_drops);
	cr_expect_eq(r->drops, 0);

	r = by_port(&v, 7005);
	cr_assert_not_null(r);
	cr_expect_eq(r->proto, IPPROTO_UDP);
	cr_expect_eq(r->family, AF_INET6);

	r = by_port(&v, 7006);
	cr_assert_not_null(r);
	cr_expect_eq(r->ifindex, 1);
	sock_vec_release(&v);
	free(buf);
}

Test(diag, replay_rejects_damage)
{
	struct diag_replay_info info;
	struct sock_vec v = { 0 };
	size_t len;
	char *buf = load("listeners.rec", &len);

	cr_expect_eq(diag_replay("nonsense", 8, &v, &info), -EBADMSG);
	/* cut anywhere inside: never a crash, always an error */
	for (size_t cut = 1; cut < len; cut += 7) {
		v.n = 0;
		cr_expect_lt(diag_replay(buf, cut, &v, &info), 0, "cut at %zu", cut);
	}
	sock_vec_release(&v);
	free(buf);
}

/* Build one datagram by hand. */
struct dgram {
	union {
		struct nlmsghdr align;
		uint8_t b[4096];
	} u;
	size_t len;
};

static struct nlmsghdr *add_msg(struct dgram *d, uint16_t type, uint16_t flags,
				uint32_t seq, size_t payload)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(d->u.b + d->len);

	memset(nlh, 0, NLMSG_SPACE(payload));
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	d->len += NLMSG_SPACE(payload);
	return nlh;
}

static struct inet_diag_msg *add_sock(struct dgram *d, uint32_t seq,
				      uint16_t port, uint32_t inode)
{
	struct nlmsghdr *nlh = add_msg(d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, seq,
				       sizeof(struct inet_diag_msg));
	struct inet_diag_msg *m = NLMSG_DATA(nlh);

	m->idiag_family = AF_INET;
	m->idiag_state = TCP_LISTEN;
	m->id.idiag_sport = htons(port);
	m->idiag_inode = inode;
	m->idiag_wqueue = 128;
	return m;
}

static void add_done(struct dgram *d, uint32_t seq, int32_t err)
{
	struct nlmsghdr *nlh = add_msg(d, NLMSG_DONE, NLM_F_MULTI, seq,
				       sizeof(err));

	memcpy(NLMSG_DATA(nlh), &err, sizeof(err));
}

static struct diag_walk walker(struct sock_vec *v, uint32_t seq)
{
	struct diag_walk w;

	memset(&w, 0, sizeof(w));
	w.seq = seq;
	w.check_seq = true;
	w.proto = IPPROTO_TCP;
	w.out = v;
	return w;
}

Test(diag, walk_decodes_until_done)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 42);

	add_sock(&d, 42, 80, 1000);
	add_sock(&d, 42, 443, 1001);
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), 1);
	cr_expect_eq(v.n, 2);
	d.len = 0;
	add_done(&d, 42, 0);
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), 0);
	cr_expect_eq(v.v[1].port, 443);
	cr_expect_eq(v.v[1].inode, 1001);
	cr_expect_eq(v.v[1].wqueue, 128);
	cr_expect_not(w.interrupted);
	sock_vec_release(&v);
}

Test(diag, done_with_enoent_is_a_missing_module)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 7);

	add_done(&d, 7, -ENOENT);
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), -ENOENT);
	cr_expect_eq(v.n, 0);
}

Test(diag, error_message_is_returned)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 7);
	struct nlmsghdr *nlh = add_msg(&d, NLMSG_ERROR, 0, 7,
				       sizeof(struct nlmsgerr));
	struct nlmsgerr *e = NLMSG_DATA(nlh);

	e->error = -EPERM;
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), -EPERM);
}

Test(diag, interrupted_dump_is_flagged)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 9);
	struct inet_diag_msg *m = add_sock(&d, 9, 22, 5);

	((struct nlmsghdr *)m - 1)->nlmsg_flags |= NLM_F_DUMP_INTR;
	add_done(&d, 9, 0);
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), 0);
	cr_expect(w.interrupted);
	sock_vec_release(&v);
}

Test(diag, wrong_sequence_is_refused)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 10);

	add_sock(&d, 11, 22, 5);
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), -EPROTO);
	cr_expect_eq(v.n, 0);
}

Test(diag, oversized_length_is_rejected_before_libmnl)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 3);
	struct inet_diag_msg *m = add_sock(&d, 3, 22, 5);

	/* libmnl 1.0.4 casts this to int and would read past the buffer */
	((struct nlmsghdr *)m - 1)->nlmsg_len = 0x80000010u;
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), -EBADMSG);
	((struct nlmsghdr *)m - 1)->nlmsg_len = (uint32_t)d.len + 4;
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), -EBADMSG);
	((struct nlmsghdr *)m - 1)->nlmsg_len = 8;	/* shorter than a header */
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), -EBADMSG);
	cr_expect_eq(diag_walk(&w, d.u.b, 10), -EBADMSG);	/* truncated */
	cr_expect_eq(diag_walk(&w, d.u.b, 0), -EBADMSG);
	cr_expect_eq(v.n, 0);
}

Test(diag, short_payload_and_broken_attributes_are_skipped)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 4);
	struct nlmsghdr *nlh;
	struct nlattr *a;

	/* a payload too short for inet_diag_msg */
	add_msg(&d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 4, 8);
	/* an attribute that claims more than its message holds */
	nlh = add_msg(&d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 4,
		      NLMSG_ALIGN(sizeof(struct inet_diag_msg)) + 8);
	((struct inet_diag_msg *)NLMSG_DATA(nlh))->idiag_family = AF_INET;
	a = (struct nlattr *)((uint8_t *)NLMSG_DATA(nlh) +
			      NLMSG_ALIGN(sizeof(struct inet_diag_msg)));
	a->nla_len = 200;
	a->nla_type = INET_DIAG_SKV6ONLY;
	/* a good one after both */
	add_sock(&d, 4, 25, 77);
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), 1);
	cr_expect_eq(w.malformed, 2);
	cr_assert_eq(v.n, 1);
	cr_expect_eq(v.v[0].port, 25);
	sock_vec_release(&v);
}

Test(diag, unknown_family_is_malformed)
{
	struct dgram d = { .len = 0 };
	struct sock_vec v = { 0 };
	struct diag_walk w = walker(&v, 5);
	struct inet_diag_msg *m = add_sock(&d, 5, 22, 5);

	m->idiag_family = AF_UNIX;
	cr_expect_eq(diag_walk(&w, d.u.b, d.len), 1);
	cr_expect_eq(w.malformed, 1);
	cr_expect_eq(v.n, 0);
	sock_vec_release(&v);	/* records are decoded in its storage */
}

/* A --record file built by hand: the magic line, then records. */
struct recording {
	uint8_t b[16384];
	size_t len;
};

static void rec_bytes(struct recording *r, const void *p, size_t len)
{
	cr_assert_leq(r->len + len, sizeof(r->b));
	memcpy(r->b + r->len, p, len);
	r->len += len;
}

static struct recording *rec_new(const char *magic)
{
	struct recording *r = calloc(1, sizeof(*r));

	rec_bytes(r, magic, strlen(magic));
	return r;
}

static void rec_netns(struct recording *r, uint64_t inode)
{
	struct diag_record_hdr h = { .len = 8, .family = 0,
				     .proto = DIAG_RECORD_NETNS };

	rec_bytes(r, &h, sizeof(h));
	rec_bytes(r, &inode, sizeof(inode));
}

/* Add datagram d as a record of proto; returns the offset of its bytes. */
static size_t rec_dgram(struct recording *r, uint8_t proto,
			const struct dgram *d)
{
	struct diag_record_hdr h = { .len = (uint32_t)d->len,
				     .family = AF_INET, .proto = proto };
	size_t at;

	rec_bytes(r, &h, sizeof(h));
	at = r->len;
	rec_bytes(r, d->u.b, d->len);
	return at;
}

Test(diag, replay_format_2_gives_each_namespace_its_sockets)
{
	struct recording *r = rec_new(DIAG_RECORD_MAGIC);
	struct diag_replay_info info;
	struct sock_vec v = { 0 };
	struct dgram d = { .len = 0 };

	rec_netns(r, 4026531840u);
	add_sock(&d, 1, 80, 1000);
	add_done(&d, 1, 0);
	rec_dgram(r, IPPROTO_TCP, &d);
	rec_netns(r, 4026532999u);
	d.len = 0;
	add_sock(&d, 2, 8080, 2000);
	add_done(&d, 2, 0);
	rec_dgram(r, IPPROTO_TCP, &d);
	cr_assert_eq(diag_replay(r->b, r->len, &v, &info), 0);
	cr_assert_eq(v.n, 2);
	cr_expect_eq(v.v[0].netns, 4026531840u);
	cr_expect_eq(v.v[1].netns, 4026532999u);
	cr_expect_eq(v.v[1].port, 8080);
	sock_vec_release(&v);
	free(r);
}

Test(diag, replay_names_the_offset_of_a_malformed_message)
{
	struct recording *r = rec_new(DIAG_RECORD_MAGIC_1);
	struct diag_replay_info info;
	struct sock_vec v = { 0 };
	struct dgram d = { .len = 0 };
	size_t at, bad;

	add_sock(&d, 1, 80, 1000);
	bad = d.len;
	/* a SOCK_DIAG_BY_FAMILY message too short for its inet_diag_msg */
	add_msg(&d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 1, 8);
	add_done(&d, 1, 0);
	at = rec_dgram(r, IPPROTO_TCP, &d);
	cr_assert_eq(diag_replay(r->b, r->len, &v, &info), -EBADMSG,
		     "a malformed message is an error, not a silent skip");
	cr_expect_eq(info.offset, at + bad, "offset %zu, want %zu",
		     info.offset, at + bad);
	sock_vec_release(&v);
	free(r);
}

Test(diag, replay_refuses_an_unknown_protocol)
{
	struct recording *r = rec_new(DIAG_RECORD_MAGIC);
	struct diag_replay_info info;
	struct sock_vec v = { 0 };
	struct dgram d = { .len = 0 };
	size_t at;

	add_sock(&d, 1, 80, 1000);
	add_done(&d, 1, 0);
	at = rec_dgram(r, IPPROTO_SCTP, &d);
	cr_assert_eq(diag_replay(r->b, r->len, &v, &info), -EPROTONOSUPPORT,
		     "an SCTP dump is not shown as udp4");
	cr_expect_eq(info.offset, at);
	cr_expect_eq(v.n, 0);
	sock_vec_release(&v);
	free(r);
}

Test(diag, replay_skips_and_counts_sockets_that_do_not_listen)
{
	struct recording *r = rec_new(DIAG_RECORD_MAGIC);
	struct diag_replay_info info;
	struct sock_vec v = { 0 };
	struct dgram d = { .len = 0 };

	add_sock(&d, 1, 80, 1000);
	add_sock(&d, 1, 81, 1001)->idiag_state = TCP_ESTABLISHED;
	add_sock(&d, 1, 82, 1002)->idiag_state = TCP_SYN_RECV;
	add_done(&d, 1, 0);
	rec_dgram(r, IPPROTO_TCP, &d);
	d.len = 0;
	add_sock(&d, 2, 53, 1003)->idiag_state = TCP_CLOSE;
	add_sock(&d, 2, 54, 1004)->idiag_state = TCP_ESTABLISHED;
	add_done(&d, 2, 0);
	rec_dgram(r, IPPROTO_UDP, &d);
	cr_assert_eq(diag_replay(r->b, r->len, &v, &info), 0);
	cr_assert_eq(v.n, 2, "only the listener and the unconnected UDP socket");
	cr_expect_eq(v.v[0].port, 80);
	cr_expect_eq(v.v[1].port, 53);
	cr_expect_eq(info.skipped, 3);
	sock_vec_release(&v);
	free(r);
}
