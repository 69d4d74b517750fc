/* test_model.c - the join on hand-built snapshots, without a kernel or
 * /proc: holders shared by processes and one holder's fds shown once,
 * what the owner scan could not see, v4-mapped addresses, SO_REUSEPORT
 * groups and their connections, forwarders, units and containers */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "buf.h"
#include "columns.h"
#include "filter.h"
#include "model.h"
#include "registry.h"
#include "snapshot.h"
#include "sockrec.h"
#include "views.h"

/* A TCP listener on addr and port (dual-stack if IPv6) in namespace 1. */
static struct sock_rec sock(uint32_t inode, const char *addr, uint16_t port)
{
	struct sock_rec s = sockrec(inode, IPPROTO_TCP, addr, port,
				    10 /* TCP_LISTEN */, 0);

	s.netns = 1;
	return s;
}

/* A snapshot of the n sockets of v, without holders yet. */
static void snap_of(struct snapshot *snap, const struct sock_rec *v,
		    size_t n)
{
	struct sock_vec socks = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		sock_vec_push(&socks, &v[i]);
	snapshot_init(snap);
	snapshot_set_socks(snap, &socks);
}

/* The index of the socket of inode in snap. */
static size_t at(const struct snapshot *snap, uint32_t inode)
{
	size_t i;

	for (i = 0; i < snap->socks.n; i++)
		if (snap->socks.v[i].inode == inode)
			return i;
	cr_assert_fail("no socket of inode %u", inode);
	return 0;
}

/* A process with command line argv (NUL-separated, len bytes). */
static uint32_t add_proc(struct snapshot *snap, int pid, uint32_t uid,
			 const char *argv, size_t len)
{
	struct proc_info p;

	memset(&p, 0, sizeof(p));
	p.pid = pid;
	p.uid = uid;
	p.comm_len = (size_t)snprintf(p.comm, sizeof(p.comm), "p%d", pid);
	p.cmdline = (char *)argv;
	p.cmdline_len = len;
	return snapshot_add_proc(snap, &p);
}

/* Holder fd of process proc on the socket of inode. */
static void hold(struct snapshot *snap, uint32_t inode, uint32_t proc,
		 int fd)
{
	struct holder h = { .inode = inode, .fd = fd, .proc = proc };

	h.pid = h.tid = snap->procs[proc].pid;
	snapshot_add_holder(snap, at(snap, inode), &h);
}

static void build(struct model *m, struct snapshot *snap,
		  const struct filter *f)
{
	model_init(m);
	model_build(m, snap, NULL, filter_keep, f);
	cr_expect_eq(snap->socks.n, 0, "the model takes the snapshot over");
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

Test(model, a_dump_is_not_a_snapshot_one_socket_per_inode)
{
	struct sock_rec v[4] = { sock(7, "0.0.0.0", 80), sock(7, "0.0.0.0", 80),
				 sock(0, "0.0.0.0", 81), sock(0, "0.0.0.0", 82) };
	struct snapshot snap;

	v[3].cookie = 99;	/* inode 0: sockets without a file, by cookie */
	snap_of(&snap, v, 4);
	cr_expect_eq(snap.socks.n, 3);
	snapshot_release(&snap);
}

/* By inode, then cookie, then where it was in the dump (rqueue holds
 * that here: a stable order whatever the libc's qsort is). */
static int cmp_ref(const void *a, const void *b)
{
	const struct sock_rec *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	return (x->rqueue > y->rqueue) - (x->rqueue < y->rqueue);
}

/* The snapshot sorts a dump by radix; it must keep exactly the records,
 * in exactly the order, that a stable comparison sort and a scan for
 * duplicates keep: by inode (every byte of it), then cookie, the first of
 * a duplicate kept, inode 0 told apart by cookie. */
Test(model, a_dump_is_sorted_and_deduplicated_as_a_comparison_sort_would)
{
	struct sock_vec ref = { 0 };
	struct snapshot snap;
	struct sock_rec *v;
	size_t n = 5000, i, k = 0;
	unsigned seed = 12345;

	v = calloc(n, sizeof(*v));
	cr_assert_not_null(v);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = sock((seed >> 3) % 4 == 0 ? 0 : seed & 0x3fffffffu,
			    "127.0.0.1", (uint16_t)(1000 + i));
		v[i].cookie = (seed >> 7) % 3;
		/* a dump may bring one socket twice */
		if (i % 7 == 6)
			v[i] = v[i - 5];
		v[i].rqueue = (uint32_t)i;
	}
	for (i = 0; i < n; i++)
		sock_vec_push(&ref, &v[i]);
	qsort(ref.v, ref.n, sizeof(*ref.v), cmp_ref);
	for (i = 0; i < ref.n; i++)
		if (k == 0 || ref.v[k - 1].inode != ref.v[i].inode ||
		    (ref.v[i].inode == 0 &&
		     ref.v[k - 1].cookie != ref.v[i].cookie))
			ref.v[k++] = ref.v[i];
	ref.n = k;
	snap_of(&snap, v, n);
	cr_assert_eq(snap.socks.n, ref.n, "%zu records kept, not %zu",
		     snap.socks.n, ref.n);
	for (i = 0; i < ref.n; i++)
		cr_assert(memcmp(&snap.socks.v[i], &ref.v[i],
				 sizeof(ref.v[i])) == 0,
			  "record %zu differs", i);
	snapshot_release(&snap);
	sock_vec_release(&ref);
	free(v);
}

/* A dump without a socket twice is taken as it came: every record, in its
 * order (an inode seen twice anywhere, or inode 0, sorts it as above). */
Test(model, a_dump_without_duplicates_is_kept_as_it_came)
{
	struct sock_rec v[500];
	struct snapshot snap;
	size_t i;

	for (i = 0; i < 500; i++)
		v[i] = sock((uint32_t)(500 - i) * 7u, "127.0.0.1",
			    (uint16_t)(2000 + i));
	snap_of(&snap, v, 500);
	cr_assert_eq(snap.socks.n, 500);
	cr_assert(memcmp(snap.socks.v, v, sizeof(v)) == 0);
	snapshot_release(&snap);
	/* the same socket at both ends: found, and the first one kept */
	v[499] = v[0];
	v[499].port = 1;
	snap_of(&snap, v, 500);
	cr_assert_eq(snap.socks.n, 499);
	cr_assert_eq(snap.socks.v[snap.socks.n - 1].inode, v[0].inode);
	cr_assert_eq(snap.socks.v[snap.socks.n - 1].port, v[0].port);
	snapshot_release(&snap);
}

/* The rows come sorted by protocol, port, family, address, device,
 * namespace and inode (model_row_cmp), whatever order the dump had: the
 * model sorts by radix on protocol and port, then compares runs of one
 * port. */
Test(model, rows_come_in_the_default_order)
{
	static const char *const addrs[] = { "0.0.0.0", "127.0.0.1", "::",
					     "::1", "10.0.0.2" };
	struct sock_vec socks = { 0 };
	struct snapshot snap;
	struct model m;
	size_t n = 3000, i;
	unsigned seed = 777;

	for (i = 0; i < n; i++) {
		struct sock_rec s;

		seed = seed * 1103515245u + 12345u;
		s = sockrec((uint32_t)(n - i) * 7919u % 100003u + 1,
			    seed & 0x100 ? IPPROTO_UDP : IPPROTO_TCP,
			    addrs[(seed >> 9) % 5], (uint16_t)(seed >> 12) % 40,
			    seed & 0x100 ? 7 : 10, 0);
		s.netns = 1 + (seed >> 20) % 2;
		s.ifindex = (seed >> 22) % 2;
		sock_vec_push(&socks, &s);
	}
	snapshot_init(&snap);
	snapshot_set_socks(&snap, &socks);
	model_init(&m);
	model_build(&m, &snap, NULL, NULL, NULL);
	cr_assert_eq(m.nrows, n);
	for (i = 1; i < m.nrows; i++)
		cr_assert_lt(model_row_cmp(&m.rows[i - 1], &m.rows[i]), 0,
			     "rows %zu and %zu are out of order", i - 1, i);
	model_release(&m);
}

Test(model, v4_mapped_addresses_are_ipv4_listeners)
{
	struct sock_rec v[4] = { sock(1, "::ffff:0.0.0.0", 80),
				 sock(2, "::ffff:127.0.0.1", 81),
				 sock(3, "::ffff:192.0.2.7", 82),
				 sock(4, "::", 83) };
	struct snapshot snap;
	struct filter f4, f6;
	struct model m;

	snap_of(&snap, v, 4);
	build(&m, &snap, NULL);
	cr_assert_eq(m.nrows, 4);
	cr_expect_eq(row_of(&m, 1)->exposure, EXPOSE_ALL);
	cr_expect_eq(row_of(&m, 2)->exposure, EXPOSE_LOOPBACK);
	cr_expect_eq(row_of(&m, 3)->exposure, EXPOSE_ADDRESS);
	cr_expect_eq(row_of(&m, 4)->exposure, EXPOSE_ALL);
	cr_expect_str_eq(cell(&m, row_of(&m, 1), COL_PROTO), "tcp4",
			 "::ffff:0.0.0.0 is an IPv4 listener");
	cr_expect_str_eq(cell(&m, row_of(&m, 1), COL_EXPOSURE), "all");
	cr_expect(model_v4_mapped(&v[0]));
	cr_expect_not(model_v4_mapped(&v[3]));
	model_release(&m);

	filter_init(&f4);
	filter_init(&f6);
	f4.family = AF_INET;
	f6.family = AF_INET6;
	cr_expect(filter_family_match(&f4, &v[0]));
	cr_expect_not(filter_family_match(&f6, &v[0]));
	cr_expect_not(filter_family_match(&f4, &v[3]));
	cr_expect(filter_family_match(&f6, &v[3]));
	snap_of(&snap, v, 4);
	build(&m, &snap, &f4);
	cr_expect_eq(m.nrows, 3, "-4 keeps the v4-mapped ones");
	model_release(&m);
}

Test(model, a_reuseport_group_counts_its_connections_once)
{
	struct sock_rec v[4] = { sock(30, "127.0.0.1", 8090),
				 sock(10, "127.0.0.1", 8090),
				 sock(20, "127.0.0.1", 8090),
				 sock(40, "127.0.0.2", 8090) };
	struct snapshot snap;
	struct model m;
	size_t i, leads = 0;
	int k;

	snap_of(&snap, v, 4);
	for (k = 0; k < 5; k++) {
		struct sock_rec e = sock(100 + (uint32_t)k, "127.0.0.1", 8090);

		e.state = 1;	/* TCP_ESTABLISHED */
		sock_vec_push(&snap.conns, &e);
	}
	snap.has_conns = true;
	build(&m, &snap, NULL);
	cr_assert_eq(m.nrows, 4);
	cr_expect(m.has_conns);
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
	cr_expect_str_eq(cell(&m, row_of(&m, 10), COL_CONNS), "5(g3)");
	model_release(&m);
}

Test(model, the_socket_owner_and_each_holder_once_with_all_its_fds)
{
	static const char argv[] = "daemon\0";
	struct sock_rec s = sock(1, "0.0.0.0", 123);
	struct snapshot snap;
	struct model m;
	const struct row *r;
	struct buf card;
	uint32_t a, b;
	const char *p;

	s.uid = 0;	/* created by root, then privileges dropped */
	snap_of(&snap, &s, 1);
	a = add_proc(&snap, 100, 65534, argv, sizeof(argv) - 1);
	b = add_proc(&snap, 101, 65534, argv, sizeof(argv) - 1);
	hold(&snap, 1, a, 3);
	hold(&snap, 1, a, 7);
	hold(&snap, 1, b, 5);
	snapshot_add_user(&snap, 0, "root");
	snapshot_add_user(&snap, 65534, "nobody");
	build(&m, &snap, NULL);
	cr_assert_eq(m.nrows, 1);
	r = &m.rows[0];
	cr_assert_eq(r->nholders, 3);
	cr_expect_eq(r->status, OWNER_OK);
	cr_expect_str_eq(cell(&m, r, COL_USER), "root",
			 "the socket's owner, not its first holder's user");
	cr_expect_str_eq(cell(&m, r, COL_PID), "100 +1");
	cr_expect_str_eq(cell(&m, r, COL_FD), "3,7 +1",
			 "the fds of the process the pid column names");
	cr_expect_str_eq(cell(&m, r, COL_COMMAND), "daemon");

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
	cr_expect_not_null(strstr(card.p, "nobody (65534)"), "%s", card.p);
	buf_release(&card);
	model_release(&m);
}

/* What the owner scan could not see decides each socket's status; the
 * model counts the sockets whose holders are unknown or incomplete. */
Test(model, partial_visibility_is_said_per_socket)
{
	static const struct {
		struct owner_facts scan;	/* what the scan could read */
		enum owner_status held, free, closed;
	} cases[] = {
		{ { 0 }, OWNER_OK, OWNER_NONE, OWNER_CLOSED },
		{ { .unread = 2, .denied = 2 }, OWNER_PARTIAL, OWNER_PERMISSION,
		  OWNER_CLOSED },
		{ { .unread = 1 }, OWNER_PARTIAL, OWNER_UNREAD, OWNER_CLOSED },
		{ { .hidepid = true }, OWNER_PARTIAL, OWNER_HIDDEN,
		  OWNER_CLOSED },
		{ { .other_pidns = true }, OWNER_OK, OWNER_HIDDEN,
		  OWNER_CLOSED },
	};
	struct sock_rec v[3] = { sock(1, "0.0.0.0", 1), sock(2, "0.0.0.0", 2),
				 sock(3, "0.0.0.0", 3) };
	static const char argv[] = "web";
	struct snapshot snap;
	struct model m;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t hidden = owner_status_uncertain(cases[i].held) +
				owner_status_uncertain(cases[i].free);

		snap_of(&snap, v, 3);
		hold(&snap, 1, add_proc(&snap, 100, 0, argv, sizeof(argv)), 3);
		snap.facts[at(&snap, 3)].closed = true;
		snap.owners = cases[i].scan;
		snap.unread.procs = cases[i].scan.unread;
		snap.unread.denied = cases[i].scan.denied;
		snap.hidepid = cases[i].scan.hidepid;
		build(&m, &snap, NULL);
		cr_assert_eq(m.nrows, 3);
		cr_expect_eq(row_of(&m, 1)->status, cases[i].held,
			     "case %zu: held: %s", i,
			     owner_status_name(row_of(&m, 1)->status));
		cr_expect_eq(row_of(&m, 2)->status, cases[i].free,
			     "case %zu: no holder: %s", i,
			     owner_status_name(row_of(&m, 2)->status));
		cr_expect_eq(row_of(&m, 3)->status, cases[i].closed,
			     "case %zu: closed during the scan", i);
		cr_expect_eq(m.hidden_owners, hidden, "case %zu: %zu", i,
			     m.hidden_owners);
		cr_expect_eq(m.unread.procs, cases[i].scan.unread);
		cr_expect_eq(m.hidepid, cases[i].scan.hidepid);
		if (owner_status_uncertain(cases[i].free))
			cr_expect_str_eq(cell(&m, row_of(&m, 2), COL_COMMAND),
					 columns_status_text(row_of(&m, 2)));
		cr_expect_str_neq(columns_status_text(row_of(&m, 2)), "",
				  "no holder: the command column says why");
		model_release(&m);
	}
}

/* A unit or container from the first holder's cgroups, else from the
 * socket's own cgroup; the namespace's name; the bound device. */
Test(model, units_containers_namespaces_and_devices)
{
	static const char cg[] = "0::/system.slice/nginx.service\n";
	struct sock_rec v[4] = { sock(1, "0.0.0.0", 80), sock(2, "0.0.0.0", 81),
				 sock(3, "0.0.0.0", 82), sock(4, "0.0.0.0", 83) };
	struct context own = { .unit = "cups.socket" };
	struct snapshot snap;
	struct proc_info p;
	struct model m;
	struct buf b;
	uint32_t web, ctr;

	v[2].ifindex = 3;
	v[3].ifindex = 4;
	v[1].netns = 2;
	snap_of(&snap, v, 4);
	memset(&p, 0, sizeof(p));
	p.pid = 100;
	p.cgroup = (char *)cg;
	web = snapshot_add_proc(&snap, &p);
	snap.pfacts[web].cgroup_off = 3;
	snap.pfacts[web].cgroup_len = sizeof(cg) - 5;
	snprintf(snap.pfacts[web].ctx.unit, sizeof(own.unit), "nginx.service");
	hold(&snap, 1, web, 4);
	snap.facts[at(&snap, 1)].ctx = snapshot_add_context(&snap, &own);
	snap.facts[at(&snap, 2)].ctx = snapshot_add_context(&snap, &own);
	ctr = add_proc(&snap, 200, 0, "", 0);
	snprintf(snap.pfacts[ctr].ctx.runtime, sizeof(own.runtime), "podman");
	snprintf(snap.pfacts[ctr].ctx.id, sizeof(own.id),
		 "0123456789abcdef0123");
	hold(&snap, 3, ctr, 5);
	snap.facts[at(&snap, 3)].device = snapshot_add_device(&snap, 1, 3,
							      "eth0");
	snapshot_add_netns(&snap, 2, "blue", NULL);
	build(&m, &snap, NULL);
	cr_assert_eq(m.nrows, 4);
	cr_expect_str_eq(row_unit(row_of(&m, 1)), "nginx.service",
			 "the holder's unit wins over the socket's cgroup");
	cr_expect_str_eq(row_unit(row_of(&m, 2)), "cups.socket",
			 "without a holder, the socket's own cgroup");
	cr_expect_str_eq(row_netns_name(row_of(&m, 2)), "blue");
	cr_expect_str_eq(row_netns_name(row_of(&m, 1)), "");
	cr_expect_str_eq(row_unit(row_of(&m, 3)), "podman:0123456789ab");
	cr_expect_str_eq(row_ctx(row_of(&m, 3))->id, "0123456789abcdef0123");
	cr_expect_str_eq(row_of(&m, 3)->device, "eth0");
	cr_expect_eq(row_of(&m, 3)->exposure, EXPOSE_DEVICE);
	cr_expect_str_eq(row_of(&m, 4)->device, "if4",
			 "a device whose name Source could not learn");

	buf_init(&b);
	view_json_owner(&b, &m, &row_of(&m, 1)->holders[0]);
	cr_expect_not_null(strstr(b.p, "\"cgroup\":\"/system.slice/nginx.service\""),
			   "%s", b.p);
	buf_reset(&b);
	view_card(&b, &m, row_of(&m, 3));
	cr_expect_not_null(strstr(b.p, "podman 0123456789abcdef0123"), "%s",
			   b.p);
	buf_release(&b);
	model_release(&m);
}

/* Socket activation, as Source decided it (sock_facts.activated): the
 * UNIT cell names the .socket unit (or says socket activation) instead of
 * systemd's init.scope, the COMMAND cell of a socket without a visible
 * holder says it, the card has an activation line, JSON "activation". */
/* The porttop_listener_info series of port in view_prom()'s output of m
 * holds want. */
static void expect_prom_label(const struct model *m, unsigned port,
			      const char *want)
{
	struct view_request req = { .collect = COLLECT_ALL };
	char *out = NULL, *line, key[32];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	cr_assert_eq(view_prom(m, &req, f), 0);
	cr_assert_eq(fclose(f), 0);
	snprintf(key, sizeof(key), ",port=\"%u\",", port);
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "porttop_listener_info{", 22) == 0 &&
		    strstr(line, key))
			break;
	cr_assert_not_null(line, "no series of port %u", port);
	cr_expect_not_null(strstr(line, want), "%s", line);
	free(out);
}

Test(model, socket_activation_is_said)
{
	struct sock_rec v[3] = { sock(1, "0.0.0.0", 631), sock(2, "0.0.0.0", 22),
				 sock(3, "0.0.0.0", 80) };
	struct context cups = { .unit = "cups.socket" };
	struct context init = { .unit = "init.scope" };
	struct context web = { .unit = "web.service" };
	static const char argv[] = "/sbin/init\0";
	struct snapshot snap;
	struct model m;
	struct buf b;
	uint32_t pid1, cupsd;

	snap_of(&snap, v, 3);
	pid1 = add_proc(&snap, 1, 0, argv, sizeof(argv) - 1);
	snap.pfacts[pid1].ctx = init;
	cupsd = add_proc(&snap, 300, 0, "", 0);
	snprintf(snap.pfacts[cupsd].ctx.unit, sizeof(web.unit), "cups.service");
	/* 631: made for cups.socket, held by PID 1 and the started cupsd */
	hold(&snap, 1, pid1, 40);
	hold(&snap, 1, cupsd, 3);
	snap.facts[at(&snap, 1)].ctx = snapshot_add_context(&snap, &cups);
	snap.facts[at(&snap, 1)].activated = true;
	/* 22: made by PID 1 in init.scope; PID 1 could not be read */
	snap.facts[at(&snap, 2)].ctx = snapshot_add_context(&snap, &init);
	snap.facts[at(&snap, 2)].activated = true;
	snap.owners.unread = 1;
	snap.owners.denied = 1;
	/* 80: a service's own listener that PID 1 keeps (its fd store) */
	hold(&snap, 3, pid1, 41);
	snap.facts[at(&snap, 3)].ctx = snapshot_add_context(&snap, &web);
	build(&m, &snap, NULL);
	cr_assert_eq(m.nrows, 3);

	cr_expect(row_of(&m, 1)->activated);
	cr_expect_str_eq(cell(&m, row_of(&m, 1), COL_UNIT), "cups.socket");
	cr_expect_str_eq(columns_socket_unit(row_of(&m, 1)), "cups.socket");
	cr_expect_str_eq(cell(&m, row_of(&m, 2), COL_UNIT), "socket activation");
	cr_expect_null(columns_socket_unit(row_of(&m, 2)));
	cr_expect_eq(row_of(&m, 2)->status, OWNER_PERMISSION);
	cr_expect_str_eq(cell(&m, row_of(&m, 2), COL_COMMAND),
			 "(socket activation by systemd) (owner unknown: permission denied)");
	cr_expect_not(row_of(&m, 3)->activated);
	cr_expect_str_eq(cell(&m, row_of(&m, 3), COL_UNIT), "init.scope");

	buf_init(&b);
	view_json_listener(&b, &m, row_of(&m, 1));
	cr_expect_not_null(strstr(b.p, "\"activation\":\"systemd\","), "%s", b.p);
	buf_reset(&b);
	view_json_listener(&b, &m, row_of(&m, 3));
	cr_expect_not_null(strstr(b.p, "\"activation\":null,"), "%s", b.p);
	buf_reset(&b);
	view_card(&b, &m, row_of(&m, 1));
	cr_expect_not_null(strstr(b.p, "  activation   socket activation: systemd made it for cups.socket and starts its service on demand\n"),
			   "%s", b.p);
	buf_reset(&b);
	view_card(&b, &m, row_of(&m, 2));
	cr_expect_not_null(strstr(b.p, "  activation   socket activation: systemd made it for a .socket unit"),
			   "%s", b.p);
	buf_reset(&b);
	view_card(&b, &m, row_of(&m, 3));
	cr_expect_null(strstr(b.p, "activation"), "%s", b.p);
	buf_release(&b);
	expect_prom_label(&m, 631, "activation=\"systemd\"");
	expect_prom_label(&m, 22, "activation=\"systemd\"");
	expect_prom_label(&m, 80, "activation=\"\"");
	model_release(&m);
}

/* A forwarder such as docker-proxy names the container behind it: the
 * listener on its target port in another namespace, held in a container,
 * even when the filter hides that listener. */
Test(model, a_forwarder_names_the_container_behind_it)
{
	struct sock_rec v[3] = { sock(1, "0.0.0.0", 8080),
				 sock(2, "0.0.0.0", 8081),
				 sock(3, "172.17.0.2", 80) };
	struct snapshot snap;
	struct filter f;
	struct model m;
	uint32_t fwd, fwd2, web;

	v[2].netns = 2;
	snap_of(&snap, v, 3);
	fwd = add_proc(&snap, 100, 0, "", 0);
	snprintf(snap.pfacts[fwd].forward, 64, "172.17.0.2:80");
	snap.pfacts[fwd].forward_port = 80;
	fwd2 = add_proc(&snap, 101, 0, "", 0);
	snprintf(snap.pfacts[fwd2].forward, 64, "172.17.0.3:81");
	snap.pfacts[fwd2].forward_port = 81;
	web = add_proc(&snap, 200, 0, "", 0);
	snprintf(snap.pfacts[web].ctx.runtime, 16, "docker");
	snprintf(snap.pfacts[web].ctx.id, 80, "feedfacecafe0000");
	hold(&snap, 1, fwd, 4);
	hold(&snap, 2, fwd2, 4);
	hold(&snap, 3, web, 5);
	filter_init(&f);
	cr_assert_eq(filter_add_pid(&f, "100", NULL), 0);
	cr_assert_eq(filter_add_pid(&f, "101", NULL), 0);
	build(&m, &snap, &f);
	cr_assert_eq(m.nrows, 2, "the filter hides the container's listener");
	cr_expect_str_eq(row_forward(row_of(&m, 1)), "172.17.0.2:80");
	cr_expect_str_eq(row_unit(row_of(&m, 1)), "docker:feedfacecafe");
	cr_expect_str_eq(row_ctx(row_of(&m, 1))->runtime, "docker");
	cr_expect_str_eq(row_forward(row_of(&m, 2)), "172.17.0.3:81");
	cr_expect_str_eq(row_unit(row_of(&m, 2)), "-> 172.17.0.3:81",
			 "no listener on its target: where it forwards");
	model_release(&m);
	filter_release(&f);
}

/* The live view shows a model while the next refresh runs: it owns all
 * it shows, whatever the snapshot was built from. */
Test(model, the_model_owns_its_snapshot)
{
	struct sock_rec s = sock(1, "0.0.0.0", 80);
	struct port_ranges *pr = calloc(1, sizeof(*pr));
	struct snapshot snap;
	struct proc_info p;
	struct model m;
	const struct proc_info *q;
	const struct port_ranges *got;

	cr_assert_not_null(pr);
	pr->eph_lo = 40000;
	pr->eph_hi = 50000;
	s.netns = 5;
	snap_of(&snap, &s, 1);
	memset(&p, 0, sizeof(p));
	p.pid = 100;
	p.cmdline = strdup("nginx: master");
	p.cmdline_len = 14;
	p.cgroup = strdup("0::/\n");
	cr_assert(p.cmdline && p.cgroup);
	hold(&snap, 1, snapshot_add_proc(&snap, &p), 6);
	memset(p.cmdline, 'x', 13);
	free(p.cmdline);
	free(p.cgroup);
	snapshot_add_netns(&snap, 5, NULL, pr);
	build(&m, &snap, NULL);
	memset(pr, 0, sizeof(*pr));
	free(pr);
	q = model_proc(&m, &m.rows[0].holders[0]);
	cr_assert_not_null(q);
	cr_expect_eq(memcmp(q->cmdline, "nginx: master", 14), 0);
	cr_expect_str_eq(q->cgroup, "0::/\n");
	got = model_ranges(&m, 5);
	cr_assert_not_null(got);
	cr_expect_eq(got->eph_lo, 40000);
	cr_expect_eq(got->eph_hi, 50000);
	cr_expect_null(model_ranges(&m, 6), "no registry, no ranges");
	model_release(&m);
}

/* An IPv4 address is written as inet_ntop() writes it (the fast path
 * that formats every row's address at every refresh), every byte width */
Test(model, ipv4_address_as_inet_ntop_writes_it)
{
	static const uint8_t v[][4] = { { 0, 0, 0, 0 }, { 127, 0, 0, 1 },
					{ 255, 255, 255, 255 },
					{ 10, 99, 100, 9 }, { 1, 20, 199, 250 } };
	char got[INET6_ADDRSTRLEN], want[INET6_ADDRSTRLEN];
	struct sock_rec s;
	struct row r;
	size_t i;

	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	s.family = AF_INET;
	r.sock = &s;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memcpy(s.addr, v[i], 4);
		memset(got, 'x', sizeof(got));
		model_address(&r, got, sizeof(got));
		cr_assert_not_null(inet_ntop(AF_INET, v[i], want, sizeof(want)));
		cr_expect_str_eq(got, want);
	}
}

/* A model of many varied rows for the column tests: both protocols, each
 * family, devices, two namespaces, hostile names, shared holders, unread
 * processes; built from seed (the same seed, the same model). */
static void varied_model(struct model *m, struct registry *reg,
			 unsigned seed)
{
	static const char *const addrs[] = {
		"0.0.0.0", "127.0.0.1", "10.0.0.2", "::", "::1", "fe80::1",
		"::ffff:10.1.2.3", "2001:db8::a:b",
	};
	static const uint16_t ports[] = { 5, 22, 80, 443, 1024, 8080,
					  40000, 65535 };
#define ARGV(s) { s, sizeof(s) - 1 }
	static const struct {
		const char *s;
		size_t len;
	} cmds[] = {
		ARGV("nginx\0-g\0daemon off;\0"), ARGV("sh\0-c\0a\\b\x1b[2J\0"),
		ARGV("na\xc3\xafve\0\xe4\xb8\xad\xe6\x96\x87\0"), ARGV(""),
		ARGV("x\xff\xfey\0"),
	};
#undef ARGV
	static const char svc[] = "http 80/tcp\nsome\\thing 8080/tcp\n"
				  "d\xc3\xa9j\xc3\xa0 443/udp\n";
	static const uint32_t uids[] = { 0, 1000, 4242, 7 };
	struct sock_rec v[300];
	struct snapshot snap;
	uint32_t procs[8];
	size_t i, j;

	for (i = 0; i < 300; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = sockrec((uint32_t)(1000 + (seed >> 8) % 100000 * 300 + i),
			       (seed >> 4) & 1 ? IPPROTO_UDP : IPPROTO_TCP,
			       addrs[(seed >> 12) % 8], ports[(seed >> 16) % 8],
			       10, (int8_t)((seed >> 20) & 1));
		v[i].netns = (seed >> 21) & 1 ? 2 : 1;
		v[i].ifindex = (seed >> 22) % 5 == 0 ? 3 : 0;
		v[i].uid = uids[(seed >> 24) % 4];
		v[i].rqueue = (seed >> 9) % 4;
		v[i].wqueue = (seed >> 13) % 3;
		v[i].drops = (seed >> 17) % 3;
		v[i].has_drops = true;
	}
	snap_of(&snap, v, 300);
	for (j = 0; j < 8; j++)
		procs[j] = add_proc(&snap, 100 + (int)j, 0, cmds[j % 5].s,
				    cmds[j % 5].len);
	snprintf(snap.procs[procs[1]].comm, sizeof(snap.procs[0].comm),
		 "ev\x1bil\\");
	snprintf(snap.pfacts[procs[2]].ctx.unit, sizeof(snap.pfacts[0].ctx.unit),
		 "we\\b\x07.service");
	for (i = 0; i < 300; i++) {
		unsigned n = (v[i].inode >> 3) % 4, k;

		for (k = 0; k < n; k++)
			hold(&snap, v[i].inode, procs[(v[i].inode + k * 3) % 8],
			     3 + (int)k);
	}
	snapshot_add_user(&snap, 0, "root");
	snapshot_add_user(&snap, 1000, "\xc3\xa9l\xc3\xa8ve");
	snapshot_add_user(&snap, 7, "b\\ad\x1b");
	snapshot_add_netns(&snap, 2, "blue\x07", NULL);
	snap.owners.unread = 1;
	snap.unread.procs = 1;
	registry_parse(reg, svc, sizeof(svc) - 1);
	model_init(m);
	model_build(m, &snap, reg, NULL, NULL);
	cr_assert_eq(m->nrows, 300);
}

/* columns_cell_width() is the width of the cell's text, for every column
 * and row (the live view measures without writing cells). */
Test(columns, cell_width_is_the_width_of_the_cell)
{
	struct registry *reg = registry_new();
	struct model m;
	struct buf b, scratch;
	size_t i;
	int col;

	varied_model(&m, reg, 7);
	buf_init(&b);
	buf_init(&scratch);
	for (i = 0; i < m.nrows; i++) {
		for (col = 0; col < COL__COUNT; col++) {
			const struct row *r = &m.rows[i];

			buf_reset(&b);
			columns[col].cell(&b, &m, r);
			cr_expect_eq(columns_cell_width(&scratch, &m, r,
							(enum col_id)col),
				     columns_width(b.p ? b.p : ""),
				     "row %zu, column %s: \"%s\"", i,
				     columns[col].name, b.p);
		}
	}
	buf_release(&scratch);
	buf_release(&b);
	model_release(&m);
	registry_free(reg);
}

struct ref_ctx {
	const struct model *m;
	enum col_id col;
	bool reverse;
};

/* The order columns_order() must give: the column's comparison, then the
 * default order. */
static int ref_cmp(const void *a, const void *b, void *data)
{
	const struct ref_ctx *ctx = data;
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;
	int c = columns[ctx->col].cmp(ctx->m, x, y);

	if (ctx->reverse)
		c = -c;
	return c ? c : model_row_cmp(x, y);
}

/* Sorting by precomputed keys gives the order of the columns'
 * comparisons, both ways, for every column. */
Test(columns, order_is_the_order_of_the_comparison)
{
	struct registry *reg = registry_new();
	const struct row *ref[300];
	uint32_t order[300];
	struct model m;
	size_t i;
	int col, rev;

	varied_model(&m, reg, 11);
	for (col = 0; col < COL__COUNT; col++) {
		for (rev = 0; rev < 2; rev++) {
			struct ref_ctx ctx = { &m, (enum col_id)col, rev };

			for (i = 0; i < m.nrows; i++)
				ref[i] = &m.rows[i];
			qsort_r(ref, m.nrows, sizeof(ref[0]), ref_cmp, &ctx);
			columns_order(&m, (enum col_id)col, rev, order);
			for (i = 0; i < m.nrows; i++)
				if (&m.rows[order[i]] != ref[i])
					break;
			cr_expect_eq(i, m.nrows,
				     "column %s%s: line %zu differs",
				     columns[col].name,
				     rev ? " reversed" : "", i);
		}
	}
	columns_order(&m, COL__COUNT, false, order);
	for (i = 0; i < m.nrows; i++)
		cr_expect_eq(order[i], i, "no column: the rows' own order");
	model_release(&m);
	registry_free(reg);
}

/* Two listeners of one process in namespace 5 with its own ranges, a user
 * name and what the owner scan could not read: the facts of model_built_from()
 * below, the same every time unless change says which one differs. */
static void facts_of(struct snapshot *snap, struct port_ranges *pr, int change)
{
	static const char argv[] = "nginx\0-g\0daemon off;";
	struct sock_rec v[2] = { sock(1, "0.0.0.0", 80), sock(2, "::", 443) };
	struct proc_info p;
	uint32_t proc;

	v[0].netns = v[1].netns = 5;
	v[1].rqueue = change == 1 ? 3 : 0;
	snap_of(snap, v, 2);
	memset(&p, 0, sizeof(p));
	p.pid = 100;
	p.comm_len = (size_t)snprintf(p.comm, sizeof(p.comm), "nginx");
	p.cmdline = malloc(sizeof(argv));
	cr_assert_not_null(p.cmdline);
	p.cmdline_len = sizeof(argv);
	memcpy(p.cmdline, argv, sizeof(argv));
	if (change == 2)
		p.cmdline[1] = 'G';	/* rewritten in place, same length */
	p.cgroup = strdup(change == 3 ? "0::/system.slice/b.service\n"
				      : "0::/system.slice/a.service\n");
	cr_assert_not_null(p.cgroup);
	proc = snapshot_add_proc(snap, &p);
	free(p.cmdline);
	free(p.cgroup);
	hold(snap, 1, proc, 6);
	hold(snap, 2, proc, change == 4 ? 8 : 7);
	memset(pr, 0, sizeof(*pr));
	pr->eph_lo = 40000;
	pr->eph_hi = change == 5 ? 50001 : 50000;
	snapshot_add_netns(snap, 5, NULL, pr);
	snapshot_add_user(snap, 0, change == 6 ? "admin" : "root");
	snap->owners.unread = snap->unread.procs = 1;
	snap->unread.nerrs = 1;
	snap->unread.errs[0].err = 13;
	snap->unread.errs[0].count = change == 7 ? 2 : 1;
	snap->hidepid = change == 8;
	snap->facts[at(snap, 2)].kernel = change == 9;
	snap->owners.other_pidns = change == 10;
}

/* The live view keeps its model when a refresh finds what it was built
 * from: any one fact that differs must make a new one. */
Test(model, a_model_is_kept_only_for_exactly_its_facts)
{
	struct port_ranges *pr = calloc(1, sizeof(*pr));
	struct port_ranges *pr2 = calloc(1, sizeof(*pr2));
	struct snapshot snap, again;
	struct model m, unbuilt;
	int change;

	cr_assert(pr && pr2);
	facts_of(&snap, pr, 0);
	build(&m, &snap, NULL);
	model_init(&unbuilt);
	for (change = 0; change <= 10; change++) {
		facts_of(&again, pr2, change);
		cr_expect_eq(model_built_from(&m, &again), change == 0,
			     "change %d", change);
		cr_expect_eq(again.socks.n, 2, "the snapshot is only read");
		cr_expect_not(model_built_from(&unbuilt, &again),
			      "a model not built is never kept");
		snapshot_release(&again);
	}
	/* connections are counted and dropped: such a model is made again */
	facts_of(&again, pr2, 0);
	again.has_conns = true;
	cr_expect_not(model_built_from(&m, &again));
	snapshot_release(&again);
	model_release(&m);
	free(pr);
	free(pr2);
}
