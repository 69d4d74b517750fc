/* test_integration.c - the real collector and owner scan against the real
 * kernel, in a network namespace each test makes for itself */
#include "config.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "collector.h"
#include "holders.h"
#include "netns.h"
#include "owners.h"

struct opened {
	int fd;
	uint32_t inode;
	uint16_t port;
	int family;
	int proto;
};

static uint16_t port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	cr_assert_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* Open and bind a socket to addr:0; listen if TCP. v6only < 0: default. */
static struct opened open_sock(int proto, const char *addr, int v6only,
			       int backlog)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	struct opened o;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		len = sizeof(*v4);
	} else {
		cr_assert_eq(inet_pton(AF_INET6, addr, &v6->sin6_addr), 1);
		v6->sin6_family = AF_INET6;
		len = sizeof(*v6);
	}
	o.family = ss.ss_family;
	o.proto = proto;
	o.fd = socket(ss.ss_family,
		      proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM, 0);
	cr_assert_geq(o.fd, 0);
	if (v6only >= 0)
		cr_assert_eq(setsockopt(o.fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
					sizeof(v6only)), 0);
	cr_assert_eq(bind(o.fd, (struct sockaddr *)&ss, len), 0, "bind %s: %s",
		     addr, strerror(errno));
	if (proto == IPPROTO_TCP)
		cr_assert_eq(listen(o.fd, backlog), 0);
	o.inode = inode_of(o.fd);
	o.port = port_of(o.fd);
	return o;
}

static int connect_to(int family, const char *addr, uint16_t port, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;

		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		inet_pton(AF_INET, addr, &v4->sin_addr);
		len = sizeof(*v4);
	} else {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &v6->sin6_addr);
		len = sizeof(*v6);
	}
	fd = socket(family, type, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&ss, len), 0, "connect: %s",
		     strerror(errno));
	return fd;
}

static const struct sock_rec *find(const struct sock_vec *v, uint32_t inode)
{
	const struct sock_rec *hit = NULL;
	size_t i;

	for (i = 0; i < v->n; i++) {
		if (v->v[i].inode != inode)
			continue;
		cr_assert_null(hit, "inode %u reported twice", inode);
		hit = &v->v[i];
	}
	return hit;
}

Test(integration, collector_reports_exactly_the_listeners)
{
	struct opened s[6];
	struct collector *c;
	struct sock_vec v = { 0 };
	int est_c, est_a, udp_c;
	size_t i;

	NETNS_OR_SKIP();
	s[0] = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 7);
	s[1] = open_sock(IPPROTO_TCP, "::1", -1, 9);
	s[2] = open_sock(IPPROTO_TCP, "::", 0, 11);	/* dual-stack */
	s[3] = open_sock(IPPROTO_UDP, "0.0.0.0", -1, 0);
	s[4] = open_sock(IPPROTO_UDP, "::1", -1, 0);
	s[5] = open_sock(IPPROTO_UDP, "::", 1, 0);
	/* an established connection to s[0] and a connected UDP socket:
	 * neither may show up */
	est_c = connect_to(AF_INET, "127.0.0.1", s[0].port, SOCK_STREAM);
	est_a = accept(s[0].fd, NULL, NULL);
	cr_assert_geq(est_a, 0);
	udp_c = connect_to(AF_INET, "127.0.0.1", s[3].port, SOCK_DGRAM);

	c = collector_new(-1);
	cr_assert_not_null(c, "collector_new: %s", strerror(errno));
	cr_assert_eq(collector_dump(c, COLLECT_ALL, &v), 0);
	cr_expect_eq(v.n, 6, "expected 6 listeners, got %zu", v.n);
	for (i = 0; i < 6; i++) {
		const struct sock_rec *r = find(&v, s[i].inode);

		cr_assert_not_null(r, "socket %zu (inode %u) missing", i,
				   s[i].inode);
		cr_expect_eq(r->port, s[i].port);
		cr_expect_eq(r->family, s[i].family);
		cr_expect_eq(r->proto, s[i].proto);
		cr_expect_eq(r->uid, getuid());
		cr_expect_neq(r->cookie, 0);
	}
	cr_expect_null(find(&v, inode_of(est_c)));
	cr_expect_null(find(&v, inode_of(est_a)));
	cr_expect_null(find(&v, inode_of(udp_c)));
	/* v6only: ::1 sets it by itself; :: was asked for both ways */
	cr_expect_eq(find(&v, s[1].inode)->v6only, 1);
	cr_expect_eq(find(&v, s[2].inode)->v6only, 0);
	cr_expect_eq(find(&v, s[5].inode)->v6only, 1);
	cr_expect_eq(find(&v, s[0].inode)->v6only, -1);
	/* listener queues are connection counts: backlog as asked */
	cr_expect_eq(find(&v, s[0].inode)->wqueue, 7);
	cr_expect_eq(find(&v, s[2].inode)->wqueue, 11);
	cr_expect_eq(find(&v, s[3].inode)->has_drops, true);
	/* drops are shown for UDP only: TCP dumps do not ask for them */
	cr_expect_eq(find(&v, s[0].inode)->has_drops, false);
	sock_vec_release(&v);
	collector_free(c);
}

Test(integration, accept_queue_counts_unaccepted_connections)
{
	struct opened l;
	struct collector *c;
	struct sock_vec v = { 0 };
	int i;

	NETNS_OR_SKIP();
	l = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 5);
	for (i = 0; i < 3; i++)
		connect_to(AF_INET, "127.0.0.1", l.port, SOCK_STREAM);
	c = collector_new(-1);
	cr_assert_not_null(c);
	cr_assert_eq(collector_dump(c, COLLECT_TCP | COLLECT_V4, &v), 0);
	cr_assert_not_null(find(&v, l.inode));
	cr_expect_eq(find(&v, l.inode)->rqueue, 3);
	cr_expect_eq(find(&v, l.inode)->wqueue, 5);
	sock_vec_release(&v);
	collector_free(c);
}

Test(integration, bound_device_is_reported_and_named)
{
	struct collector *c;
	struct sock_vec v = { 0 };
	struct link_vec links = { 0 };
	struct opened l;
	const char *name;
	int fd;

	NETNS_OR_SKIP();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2), 0);
	cr_assert_eq(listen(fd, 1), 0);	/* autobind to an ephemeral port */
	l.inode = inode_of(fd);
	c = collector_new(-1);
	cr_assert_not_null(c);
	cr_assert_eq(collector_dump(c, COLLECT_ALL, &v), 0);
	cr_assert_not_null(find(&v, l.inode));
	cr_expect_eq(find(&v, l.inode)->ifindex, if_nametoindex("lo"));
	cr_assert_eq(collector_links(c, &links), 0);
	name = link_vec_name(&links, find(&v, l.inode)->ifindex);
	cr_assert_not_null(name);
	cr_expect_str_eq(name, "lo");
	link_vec_release(&links);
	sock_vec_release(&v);
	collector_free(c);
}

Test(integration, owners_lists_every_holder_of_a_shared_socket)
{
	struct opened shared, solo;
	struct owners *o;
	const struct holder *h;
	uint32_t inodes[2];
	pid_t kids[2];
	int pipe_wr, i;
	size_t n;

	NETNS_OR_SKIP();
	shared = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 4);
	fork_holders(2, kids, &pipe_wr);
	/* opened after the forks: only we hold it, at a high fd */
	solo = open_sock(IPPROTO_UDP, "127.0.0.1", -1, 0);
	cr_assert_eq(dup2(solo.fd, 777), 777);
	close(solo.fd);

	inodes[0] = shared.inode;
	inodes[1] = solo.inode;
	o = owners_new("/proc");
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, inodes, 2, 0), 0);

	n = owners_lookup(o, shared.inode, &h);
	cr_assert_eq(n, 3, "shared socket: %zu holders, expected 3", n);
	for (i = 0; i < 3; i++) {
		pid_t want = i == 0 ? getpid() : kids[i - 1];
		size_t j;
		bool seen = false;

		for (j = 0; j < n; j++)
			if (h[j].pid == want && h[j].fd == shared.fd)
				seen = true;
		cr_expect(seen, "holder %d with fd %d not found", (int)want,
			  shared.fd);
	}
	cr_expect_lt(h[0].pid, h[1].pid);
	cr_expect_eq(owners_proc(o, h[0].proc)->uid, geteuid());

	n = owners_lookup(o, solo.inode, &h);
	cr_assert_eq(n, 1);
	cr_expect_eq(h[0].pid, getpid());
	cr_expect_eq(h[0].fd, 777);
	cr_expect_gt(owners_proc(o, h[0].proc)->cmdline_len, 0);
	cr_expect_leq(owners_stats(o)->unread.denied,
		      owners_stats(o)->unread.procs);

	reap_holders(pipe_wr, kids, 2);
	owners_free(o);
}

Test(integration, owners_reports_nothing_for_a_closed_socket)
{
	struct opened l;
	struct owners *o;
	const struct holder *h;
	struct owner_facts f;

	NETNS_OR_SKIP();
	l = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 1);
	close(l.fd);
	o = owners_new("/proc");
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, &l.inode, 1, 1), 0);
	cr_expect_eq(owners_lookup(o, l.inode, &h), 0);
	cr_expect_null(h);
	owners_facts(o, l.inode, &f);
	cr_expect_eq(f.nholders, 0);
	/* never "ok", and "none" only when every process was read */
	cr_expect_eq(owner_status_decide(&f),
		     f.unread ? (f.denied ? OWNER_PERMISSION : OWNER_UNREAD)
			      : OWNER_NONE);
	owners_free(o);
}

Test(integration, a_thread_with_its_own_fd_table_is_found)
{
	struct opened l;
	struct owners *o;
	const struct holder *h;
	struct own_fds t;
	size_t n;

	NETNS_OR_SKIP();
	l = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 1);
	own_fds_start(&t);
	close(l.fd);	/* now only the thread's table holds it */

	o = owners_new("/proc");
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, &l.inode, 1, 0), 0);
	n = owners_lookup(o, l.inode, &h);
	cr_assert_eq(n, 1, "%zu holders", n);
	cr_expect_eq(h[0].pid, getpid());
	cr_expect_eq(h[0].tid, t.tid);
	cr_expect_eq(h[0].fd, l.fd);
	owners_free(o);
	own_fds_stop(&t);
}

Test(integration, a_socket_passed_over_scm_rights_belongs_to_the_receiver)
{
	struct opened l;
	struct owners *o;
	const struct holder *h;
	int sv[2], ready;
	pid_t kid;
	char c;
	size_t n;

	NETNS_OR_SKIP();
	l = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 1);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* the child starts without it */
	kid = fork_receiver(sv, 900, &l.fd, 1, &ready);
	send_fd(sv[0], l.fd);
	close(l.fd);	/* passed on: we no longer hold it */
	cr_assert_eq(read(ready, &c, 1), 1);
	o = owners_new("/proc");
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, &l.inode, 1, 0), 0);
	n = owners_lookup(o, l.inode, &h);
	cr_assert_eq(n, 1, "%zu holders", n);
	cr_expect_eq(h[0].pid, kid);
	cr_expect_eq(h[0].fd, 900);
	owners_free(o);
	close(sv[0]);
	close(ready);
	waitpid(kid, NULL, 0);
}

Test(integration, reuseport_listeners_and_a_socket_shared_by_four)
{
	struct collector *c;
	struct sock_vec v = { 0 };
	struct owners *o;
	const struct holder *h;
	struct sockaddr_in a = { .sin_family = AF_INET };
	uint32_t inodes[4];
	socklen_t len = sizeof(a);
	pid_t kids[3];
	int fds[3], one = 1, i, pipe_wr;
	size_t found = 0;
	struct opened shared;

	NETNS_OR_SKIP();
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 3; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		cr_assert_eq(setsockopt(fds[i], SOL_SOCKET, SO_REUSEPORT, &one,
					sizeof(one)), 0);
		cr_assert_eq(bind(fds[i], (struct sockaddr *)&a, sizeof(a)), 0);
		if (i == 0)
			cr_assert_eq(getsockname(fds[0], (struct sockaddr *)&a,
						 &len), 0);
		cr_assert_eq(listen(fds[i], 8), 0);
		inodes[i] = inode_of(fds[i]);
	}
	shared = open_sock(IPPROTO_UDP, "127.0.0.1", -1, 0);
	inodes[3] = shared.inode;
	fork_holders(3, kids, &pipe_wr);

	c = collector_new(-1);
	cr_assert_not_null(c);
	cr_assert_eq(collector_dump(c, COLLECT_ALL, &v), 0);
	for (i = 0; i < 3; i++) {
		const struct sock_rec *r = find(&v, inodes[i]);

		cr_assert_not_null(r, "reuseport listener %d missing", i);
		cr_expect_eq(r->port, ntohs(a.sin_port));
		found++;
	}
	cr_expect_eq(found, 3);
	o = owners_new("/proc");
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, inodes, 4, 0), 0);
	cr_expect_eq(owners_lookup(o, inodes[3], &h), 4,
		     "the shared socket has 4 holders");
	for (i = 0; i < 3; i++)
		cr_expect_eq(owners_lookup(o, inodes[i], &h), 4);
	owners_free(o);
	sock_vec_release(&v);
	collector_free(c);
	reap_holders(pipe_wr, kids, 3);
}

Test(integration, incremental_refresh_against_the_kernel)
{
	struct opened a, b;
	struct owners *o;
	const struct holder *h;
	uint32_t want[2];
	pid_t kid[1];
	int pipe_wr;

	NETNS_OR_SKIP();
	a = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 1);
	o = owners_new("/proc");
	cr_assert_not_null(o);
	owners_set_full_period(o, 3600);
	want[0] = a.inode;
	cr_assert_eq(owners_refresh(o, want, 1, 0), 0);
	cr_expect(owners_stats(o)->full);
	cr_assert_eq(owners_lookup(o, a.inode, &h), 1);

	/* a new listener in this (existing) process */
	b = open_sock(IPPROTO_TCP, "127.0.0.1", -1, 1);
	want[1] = b.inode;
	cr_assert_eq(owners_refresh(o, want, 2, 0), 0);
	cr_expect_not(owners_stats(o)->full);
	cr_expect_lt(owners_stats(o)->rescanned, owners_stats(o)->procs,
		     "only what changed is read again");
	cr_assert_eq(owners_lookup(o, b.inode, &h), 1);
	cr_expect_eq(h[0].pid, getpid());
	cr_expect_eq(h[0].fd, b.fd);

	/* a fork that shares both */
	fork_holders(1, kid, &pipe_wr);
	cr_assert_eq(owners_refresh(o, want, 2, 0), 0);
	cr_expect_eq(owners_lookup(o, a.inode, &h), 2);
	cr_expect_eq(owners_lookup(o, b.inode, &h), 2);

	/* an fd closed here: the child still holds it */
	close(b.fd);
	cr_assert_eq(owners_refresh(o, want, 2, 0), 0);
	cr_assert_eq(owners_lookup(o, b.inode, &h), 1);
	cr_expect_eq(h[0].pid, kid[0]);

	/* the child exits */
	reap_holders(pipe_wr, kid, 1);
	cr_assert_eq(owners_refresh(o, want, 2, 0), 0);
	cr_expect_eq(owners_lookup(o, b.inode, &h), 0);
	cr_assert_eq(owners_lookup(o, a.inode, &h), 1);
	cr_expect_eq(h[0].pid, getpid());
	owners_free(o);
}
