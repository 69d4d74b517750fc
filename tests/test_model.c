/* test_model.c - the join on hand-built snapshots: exposure of v4-mapped
 * addresses, SO_REUSEPORT groups and their connections, forwarders, the
 * socket's owner and each holder once with all its fds */
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
#include <sys/stat.h>

#include "buf.h"
#include "columns.h"
#include "filter.h"
#include "model.h"
#include "owners.h"
#include "sock.h"
#include "views.h"

static char root[64];

static void put(const char *rel, const char *content, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static void mkd(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(mkdir(path, 0755), 0, "%s: %s", path, strerror(errno));
}

static void link_fd(int pid, int fd, uint32_t inode)
{
	char path[256], target[64];

	snprintf(path, sizeof(path), "%s/%d/fd/%d", root, pid, fd);
	snprintf(target, sizeof(target), "socket:[%u]", inode);
	cr_assert_eq(symlink(target, path), 0);
}

/* A process directory: stat, status (uid), cmdline. */
static void proc(int pid, unsigned uid, const char *cmdline, size_t cmdlen)
{
	char rel[64], text[512];

	snprintf(rel, sizeof(rel), "%d", pid);
	mkd(rel);
	snprintf(rel, sizeof(rel), "%d/fd", pid);
	mkd(rel);
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	snprintf(text, sizeof(text),
		 "%d (p%d) S 1 %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %d 0 0\n",
		 pid, pid, pid, pid, pid * 10);
	put(rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "%d/status", pid);
	snprintf(text, sizeof(text), "Name:\tp%d\nUid:\t%u\t%u\t%u\t%u\n", pid,
		 uid, uid, uid, uid);
	put(rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	put(rel, cmdline, cmdlen);
}

static void setup(void)
{
	strcpy(root, "/tmp/porttop-model.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(model, .init = setup, .fini = teardown);

static struct sock_rec sock(uint32_t inode, const char *addr, uint16_t port)
{
	struct sock_rec s;

	memset(&s, 0, sizeof(s));
	s.inode = inode;
	s.port = port;
	s.proto = IPPROTO_TCP;
	s.state = 10;	/* TCP_LISTEN */
	if (inet_pton(AF_INET, addr, s.addr) == 1) {
		s.family = AF_INET;
		s.v6only = -1;
	} else {
		cr_assert_eq(inet_pton(AF_INET6, addr, s.addr), 1, "%s", addr);
		s.family = AF_INET6;
	}
	return s;
}

/* The row of inode; an empty row (and a failure) when there is none. */
static const struct row *row_of(const struct model *m, uint32_t inode)
{
	static const struct sock_rec no_sock;
	static const struct row none = { .sock = &no_sock };
	size_t i;

	for (i = 0; i < m->nrows; i++)
		if (m->rows[i].sock->inode == inode)
			return &m->rows[i];
	cr_expect_fail("no row of inode %u", inode);
	return &none;
}

static void build(struct model *m, struct sock_vec *socks,
		  const struct sock_vec *conns, const struct owners *o,
		  const struct filter *f)
{
	struct model_input in;

	memset(&in, 0, sizeof(in));
	in.socks = socks;
	in.conns = conns;
	in.owners = o;
	in.filter = f;
	model_init(m);
	model_build(m, &in);
}

Test(model, v4_mapped_addresses_are_ipv4_listeners)
{
	struct sock_vec socks = { 0 };
	struct sock_rec any = sock(1, "::ffff:0.0.0.0", 80);
	struct sock_rec lo = sock(2, "::ffff:127.0.0.1", 81);
	struct sock_rec one = sock(3, "::ffff:192.0.2.7", 82);
	struct sock_rec v6 = sock(4, "::", 83);
	struct filter f4, f6;
	struct model m;

	socks.n = 0;
	sock_vec_push(&socks, &any);
	sock_vec_push(&socks, &lo);
	sock_vec_push(&socks, &one);
	sock_vec_push(&socks, &v6);
	build(&m, &socks, NULL, NULL, NULL);
	cr_assert_eq(m.nrows, 4);
	cr_expect_eq(row_of(&m, 1)->exposure, EXPOSE_ALL);
	cr_expect_eq(row_of(&m, 2)->exposure, EXPOSE_LOOPBACK);
	cr_expect_eq(row_of(&m, 3)->exposure, EXPOSE_ADDRESS);
	cr_expect_eq(row_of(&m, 4)->exposure, EXPOSE_ALL);
	cr_expect(model_v4_mapped(&any));
	cr_expect_not(model_v4_mapped(&v6));

	filter_init(&f4);
	filter_init(&f6);
	f4.family = AF_INET;
	f6.family = AF_INET6;
	cr_expect(filter_family_match(&f4, &any));
	cr_expect_not(filter_family_match(&f6, &any));
	cr_expect_not(filter_family_match(&f4, &v6));
	cr_expect(filter_family_match(&f6, &v6));
	model_release(&m);
}

Test(model, a_reuseport_group_counts_its_connections_once)
{
	struct sock_vec socks = { 0 }, conns = { 0 };
	struct sock_rec a = sock(30, "127.0.0.1", 8090);
	struct sock_rec b = sock(10, "127.0.0.1", 8090);
	struct sock_rec c = sock(20, "127.0.0.1", 8090);
	struct sock_rec alone = sock(40, "127.0.0.2", 8090);
	struct model m;
	size_t i, leads = 0;
	int k;

	sock_vec_push(&socks, &a);
	sock_vec_push(&socks, &b);
	sock_vec_push(&socks, &c);
	sock_vec_push(&socks, &alone);
	for (k = 0; k < 5; k++) {
		struct sock_rec e = sock(100 + (uint32_t)k, "127.0.0.1", 8090);

		e.state = 1;	/* TCP_ESTABLISHED */
		sock_vec_push(&conns, &e);
	}
	build(&m, &socks, &conns, NULL, NULL);
	cr_assert_eq(m.nrows, 4);
	for (i = 0; i < m.nrows; i++) {
		const struct row *r = &m.rows[i];

		if (r->sock->inode == 40) {
			cr_expect_eq(r->group, 0);
			cr_expect_eq(r->conns, 0);
			continue;
		}
		cr_expect_eq(r->group, 10, "the group's id is its lowest inode");
		cr_expect_eq(r->group_size, 3);
		cr_expect_eq(r->conns, 5, "inode %u: %u", r->sock->inode,
			     r->conns);
		leads += r->group_lead;
	}
	cr_expect_eq(leads, 1, "one row of the group shows the count");
	cr_expect(row_of(&m, 10)->group_lead);
	sock_vec_release(&conns);
	model_release(&m);
}

/* /proc/PID/exe of the fixture processes */
static int fake_exe(int pid, char *buf, size_t size, void *data)
{
	(void)data;
	switch (pid) {
	case 100:
	case 101:
		snprintf(buf, size, "/usr/bin/docker-proxy");
		return 0;
	case 102:
		snprintf(buf, size, "/usr/bin/python3.11");
		return 0;
	case 103:
		snprintf(buf, size, "/usr/libexec/docker/docker-proxy (deleted)");
		return 0;
	}
	return -EACCES;
}

Test(model, a_forwarder_is_the_real_binary_run_by_root)
{
	static const char argv[] = "/usr/bin/docker-proxy\0-proto\0tcp\0"
				   "-container-ip\0" "172.17.0.2\0"
				   "-container-port\0" "80\0";
	struct sock_vec socks = { 0 };
	uint32_t want[5] = { 1, 2, 3, 4, 5 };
	struct model_input in;
	struct owners *o;
	struct model m;
	int pid;

	proc(100, 0, argv, sizeof(argv));	/* the real one */
	proc(101, 65534, argv, sizeof(argv));	/* run by nobody */
	proc(102, 0, argv, sizeof(argv));	/* a script: python3 */
	proc(103, 0, argv, sizeof(argv));	/* upgraded since */
	proc(104, 0, argv, sizeof(argv));	/* exe unreadable */
	for (pid = 100; pid <= 104; pid++) {
		struct sock_rec s = sock((uint32_t)pid - 99, "0.0.0.0",
					 (uint16_t)(8000 + pid));

		link_fd(pid, 3, (uint32_t)pid - 99);
		sock_vec_push(&socks, &s);
	}
	o = owners_new(root);
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, want, 5, 1), 0);
	memset(&in, 0, sizeof(in));
	in.socks = &socks;
	in.owners = o;
	in.exe_path = fake_exe;
	model_init(&m);
	model_build(&m, &in);
	cr_assert_eq(m.nrows, 5);
	cr_expect_str_eq(row_forward(row_of(&m, 1)), "172.17.0.2:80");
	cr_expect_str_eq(row_forward(row_of(&m, 2)), "", "not run by root");
	cr_expect_str_eq(row_forward(row_of(&m, 3)), "", "a script");
	cr_expect_str_eq(row_forward(row_of(&m, 4)), "172.17.0.2:80");
	cr_expect_str_eq(row_forward(row_of(&m, 5)), "", "unknown exe");
	model_release(&m);

	/* no way to read exe: no forwarder is claimed */
	in.exe_path = NULL;
	socks.n = 0;
	for (pid = 100; pid <= 104; pid++) {
		struct sock_rec s = sock((uint32_t)pid - 99, "0.0.0.0",
					 (uint16_t)(8000 + pid));

		sock_vec_push(&socks, &s);
	}
	model_init(&m);
	model_build(&m, &in);
	cr_expect_str_eq(row_forward(row_of(&m, 1)), "");
	model_release(&m);
	owners_free(o);
}

/* the text of column col for row r */
static char *cell(const struct model *m, const struct row *r, enum col_id col)
{
	static char text[256];
	struct buf b;

	buf_init(&b);
	columns[col].cell(&b, m, r);
	snprintf(text, sizeof(text), "%s", b.p ? b.p : "");
	buf_release(&b);
	return text;
}

Test(model, the_socket_owner_and_each_holder_once_with_all_its_fds)
{
	static const char argv[] = "daemon\0";
	struct sock_vec socks = { 0 };
	struct sock_rec s = sock(1, "0.0.0.0", 123);
	uint32_t want = 1;
	struct owners *o;
	struct model m;
	const struct row *r;
	struct buf card;
	const char *p;

	proc(100, 65534, argv, sizeof(argv));
	proc(101, 65534, argv, sizeof(argv));
	link_fd(100, 3, 1);
	link_fd(100, 7, 1);
	link_fd(101, 5, 1);
	s.uid = 0;	/* created by root, then privileges dropped */
	sock_vec_push(&socks, &s);
	o = owners_new(root);
	cr_assert_not_null(o);
	cr_assert_eq(owners_scan(o, &want, 1, 1), 0);
	build(&m, &socks, NULL, o, NULL);
	cr_assert_eq(m.nrows, 1);
	r = &m.rows[0];
	cr_assert_eq(r->nholders, 3);
	cr_expect_str_eq(cell(&m, r, COL_USER), "root",
			 "the socket's owner, not its first holder's user");
	cr_expect_str_eq(cell(&m, r, COL_PID), "100 +1");
	cr_expect_str_eq(cell(&m, r, COL_FD), "3,7 +1",
			 "the fds of the process the pid column names");

	buf_init(&card);
	view_card(&card, &m, r);
	cr_assert_not_null(card.p);
	cr_expect_not_null(strstr(card.p, "root (uid 0), inode 1\n"), "%s",
			   card.p);
	cr_expect_null(strstr(card.p, "nobody (uid 0)"));
	p = strstr(card.p, "pid 100, fd 3,7\n");
	cr_expect_not_null(p, "one holder line with both fds:\n%s", card.p);
	cr_expect_null(p ? strstr(p + 1, "pid 100") : NULL,
		       "process 100 is shown once:\n%s", card.p);
	cr_expect_not_null(strstr(card.p, "pid 101, fd 5\n"));
	buf_release(&card);
	model_release(&m);
	owners_free(o);
}
