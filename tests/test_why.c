/* test_why.c - the --why verdict on hand-built sockets: address overlap,
 * listeners, SO_REUSEPORT groups, TIME_WAIT, bound-only and UDP sockets,
 * privileged, reserved and ephemeral ports, other namespaces */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/stat.h>

#include "model.h"
#include "registry.h"
#include "sockrec.h"
#include "views.h"
#include "why.h"

#define NS 4026531840ull

static struct sock_rec sock(uint8_t proto, const char *addr, uint16_t port,
			    uint8_t state)
{
	static uint32_t inode = 1000;
	struct sock_rec s = sockrec(++inode, proto, addr, port, state, 1);

	s.netns = NS;
	return s;
}

static struct sock_rec dual(struct sock_rec s)
{
	s.v6only = 0;
	return s;
}

static struct why_target target(const char *addr, uint16_t port,
				uint8_t proto)
{
	struct why_target t;

	memset(&t, 0, sizeof(t));
	t.port = port;
	t.proto = proto;
	t.uid = 1000;
	t.v6only = -1;
	if (inet_pton(AF_INET, addr, t.addr) == 1) {
		t.family = AF_INET;
	} else {
		cr_assert_eq(inet_pton(AF_INET6, addr, t.addr), 1, "%s", addr);
		t.family = AF_INET6;
		t.v6only = 0;
	}
	t.any = strcmp(addr, "::") == 0 || strcmp(addr, "0.0.0.0") == 0;
	return t;
}

static struct why_facts facts(void)
{
	struct why_facts f;

	memset(&f, 0, sizeof(f));
	f.netns = NS;
	f.unpriv_start = 1024;
	f.cap_bind = false;
	f.sees_bound = true;
	snprintf(f.kernel, sizeof(f.kernel), "6.18.0");
	return f;
}

/* Diagnose t against the n sockets in v; m and w are the caller's. */
static void diagnose(struct model *m, struct why *w, const struct sock_rec *v,
		     size_t n, const struct why_target *t,
		     const struct why_facts *f, const struct registry *reg)
{
	struct sock_vec socks = { 0 };
	struct snapshot snap;
	size_t i;

	for (i = 0; i < n; i++)
		sock_vec_push(&socks, &v[i]);
	snapshot_init(&snap);
	snapshot_set_socks(&snap, &socks);
	model_init(m);
	model_build(m, &snap, reg, NULL, NULL);
	why_init(w);
	why_diagnose(w, m, t, f);
}

static size_t count(const struct why *w, enum why_kind k,
		    enum why_effect e)
{
	size_t i, n = 0;

	for (i = 0; i < w->n; i++)
		if (w->v[i].kind == k && w->v[i].effect == e)
			n++;
	return n;
}

static void done(struct model *m, struct why *w)
{
	why_release(w);
	model_release(m);
}

Test(why, overlap_rules)
{
	struct why_target t_dual = target("::", 80, IPPROTO_TCP);
	struct why_target t_v6only = t_dual;
	struct why_target t_any4 = target("0.0.0.0", 80, IPPROTO_TCP);
	struct why_target t_lo = target("127.0.0.1", 80, IPPROTO_TCP);
	struct why_target t_mapped = target("::ffff:127.0.0.1", 80, IPPROTO_TCP);
	struct why_target t_mapped2 = target("::ffff:127.0.0.2", 80, IPPROTO_TCP);
	struct why_target t_lo6 = target("::1", 80, IPPROTO_TCP);

	t_v6only.v6only = 1;
	cr_expect(why_overlaps(&t_dual, &(const struct sock_rec){
				       .family = AF_INET, .v6only = -1 }),
		  ":: dual-stack covers 0.0.0.0");
	{
		struct sock_rec lo = sock(IPPROTO_TCP, "127.0.0.1", 80, TCP_LISTEN);
		struct sock_rec lo2 = sock(IPPROTO_TCP, "127.0.0.2", 80, TCP_LISTEN);
		struct sock_rec any4 = sock(IPPROTO_TCP, "0.0.0.0", 80, TCP_LISTEN);
		struct sock_rec any6 = sock(IPPROTO_TCP, "::", 80, TCP_LISTEN);
		struct sock_rec any6d = dual(any6);
		struct sock_rec lo6 = sock(IPPROTO_TCP, "::1", 80, TCP_LISTEN);
		struct sock_rec mapped = dual(
			sock(IPPROTO_TCP, "::ffff:127.0.0.1", 80, TCP_LISTEN));

		cr_expect(why_overlaps(&t_dual, &lo), ":: dual vs 127.0.0.1");
		cr_expect_not(why_overlaps(&t_v6only, &lo),
			      ":: v6only vs 127.0.0.1");
		cr_expect(why_overlaps(&t_v6only, &lo6), ":: vs ::1");
		cr_expect_not(why_overlaps(&t_any4, &lo6), "0.0.0.0 vs ::1");
		cr_expect(why_overlaps(&t_any4, &any6d),
			  "0.0.0.0 vs :: dual-stack");
		cr_expect_not(why_overlaps(&t_any4, &any6),
			      "0.0.0.0 vs :: v6only");
		cr_expect(why_overlaps(&t_any4, &lo), "0.0.0.0 vs 127.0.0.1");
		cr_expect(why_overlaps(&t_lo, &any4), "127.0.0.1 vs 0.0.0.0");
		cr_expect(why_overlaps(&t_lo, &any6d),
			  "127.0.0.1 vs :: dual-stack");
		cr_expect_not(why_overlaps(&t_lo, &lo2),
			      "127.0.0.1 vs 127.0.0.2");
		cr_expect(why_overlaps(&t_lo, &mapped),
			  "127.0.0.1 vs ::ffff:127.0.0.1");
		cr_expect(why_overlaps(&t_mapped, &lo),
			  "::ffff:127.0.0.1 vs 127.0.0.1");
		cr_expect_not(why_overlaps(&t_mapped2, &lo),
			      "::ffff:127.0.0.2 vs 127.0.0.1");
		cr_expect(why_overlaps(&t_lo6, &any6), "::1 vs ::");
		cr_expect_not(why_overlaps(&t_lo6, &any4), "::1 vs 0.0.0.0");
	}
}

Test(why, a_listener_blocks_and_reuseaddr_does_not_help)
{
	struct sock_rec v[] = { sock(IPPROTO_TCP, "127.0.0.1", 8080, TCP_LISTEN) };
	struct why_target t = target("::", 8080, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	diagnose(&m, &w, v, 1, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_BLOCKS);
	cr_expect_eq(count(&w, WHY_LISTENER, WHY_BLOCKS), 1);
	done(&m, &w);

	t.options = WHY_OPT_REUSEADDR;
	diagnose(&m, &w, v, 1, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_BLOCKS, "SO_REUSEADDR never shares with a listener");
	done(&m, &w);

	/* SO_REUSEPORT, same uid: only if the listener set it, unseen */
	t.options = WHY_OPT_REUSEPORT;
	v[0].uid = 1000;
	diagnose(&m, &w, v, 1, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_MAYBE);
	done(&m, &w);

	/* another address of the same family does not overlap */
	t = target("127.0.0.2", 8080, IPPROTO_TCP);
	diagnose(&m, &w, v, 1, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_NOTE);
	cr_expect_eq(w.n, 0);
	done(&m, &w);
}

Test(why, reuseport_groups)
{
	struct sock_rec v[] = {
		sock(IPPROTO_TCP, "0.0.0.0", 9000, TCP_LISTEN),
		sock(IPPROTO_TCP, "0.0.0.0", 9000, TCP_LISTEN),
	};
	struct why_target t = target("0.0.0.0", 9000, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	v[0].uid = v[1].uid = 65534;
	diagnose(&m, &w, v, 2, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_GROUP, WHY_BLOCKS), 2);
	cr_expect_eq(w.v[0].group, 2);
	done(&m, &w);

	t.options = WHY_OPT_REUSEPORT;
	diagnose(&m, &w, v, 2, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_BLOCKS, "another uid cannot join");
	done(&m, &w);

	t.uid = 65534;
	diagnose(&m, &w, v, 2, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_NOTE, "the same uid with SO_REUSEPORT joins");
	cr_expect_eq(count(&w, WHY_GROUP, WHY_NOTE), 2);
	done(&m, &w);
}

Test(why, time_wait_and_connections)
{
	struct sock_rec v[] = {
		sock(IPPROTO_TCP, "127.0.0.1", 7000, TCP_TIME_WAIT),
		sock(IPPROTO_TCP, "10.0.0.1", 7000, TCP_ESTABLISHED),
		sock(IPPROTO_TCP, "127.0.0.1", 7000, 12),	/* request */
		sock(IPPROTO_TCP, "127.0.0.1", 7001, TCP_ESTABLISHED),
	};
	struct why_target t = target("0.0.0.0", 7000, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	v[0].inode = 0;
	v[0].timer = 3;
	v[0].expires_ms = 41500;
	diagnose(&m, &w, v, 4, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_CONNECTION, WHY_BLOCKS), 2,
		     "TIME_WAIT and ESTABLISHED on 7000; not the request "
		     "socket, not port 7001");
	cr_expect_eq(w.n, 2);
	done(&m, &w);

	t.options = WHY_OPT_REUSEADDR;
	diagnose(&m, &w, v, 4, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_MAYBE,
		     "SO_REUSEADDR helps if the connection set it too");
	done(&m, &w);

	t.options = WHY_OPT_REUSEPORT;
	diagnose(&m, &w, v, 1, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_MAYBE,
		     "against TIME_WAIT, SO_REUSEPORT needs no uid");
	done(&m, &w);
}

Test(why, bound_only_sockets)
{
	struct sock_rec v[] = {
		sock(IPPROTO_TCP, "0.0.0.0", 6000, TCP_CLOSE),
		sock(IPPROTO_TCP, "::1", 6000, 13),
	};
	struct why_target t = target("::", 6000, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	diagnose(&m, &w, v, 2, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_BOUND, WHY_BLOCKS), 2);
	cr_expect_str_eq(why_state_name(&v[0]), "BOUND");
	cr_expect_str_eq(why_state_name(&v[1]), "BOUND");
	cr_expect_eq(count(&w, WHY_UNSEEN, WHY_NOTE), 0);
	done(&m, &w);

	/* a kernel before 6.7: say what cannot be seen */
	f.sees_bound = false;
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_NOTE);
	cr_expect_eq(count(&w, WHY_UNSEEN, WHY_NOTE), 1);
	done(&m, &w);
	t.proto = IPPROTO_UDP;
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(w.n, 0, "UDP has no bound-only state to miss");
	done(&m, &w);
}

/* the kernel's release string is printed escaped: whoever built the
 * kernel chose it */
Test(why, unseen_kernel_release_is_escaped)
{
	struct why_target t = target("0.0.0.0", 8080, IPPROTO_TCP);
	struct why_facts f = facts();
	struct why_report rep;
	struct model m;
	struct why w;
	struct buf out;

	f.sees_bound = false;
	snprintf(f.kernel, sizeof(f.kernel), "6.1\033[2J\nx");
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	memset(&rep, 0, sizeof(rep));
	rep.m = &m;
	rep.why = &w;
	rep.target = &t;
	rep.facts = &f;
	buf_init(&out);
	view_why_text(&out, &rep);
	cr_assert_not_null(out.p);
	cr_expect_null(strchr(out.p, '\033'), "no raw escape: %s", out.p);
	cr_expect_not_null(strstr(out.p, "this kernel (6.1\\x1b[2J\\nx)"),
			   "%s", out.p);
	buf_release(&out);
	done(&m, &w);
}

Test(why, udp)
{
	struct sock_rec v[] = {
		sock(IPPROTO_UDP, "0.0.0.0", 5353, TCP_CLOSE),
		sock(IPPROTO_UDP, "127.0.0.1", 5353, TCP_ESTABLISHED),
		sock(IPPROTO_TCP, "0.0.0.0", 5353, TCP_LISTEN),
	};
	struct why_target t = target("0.0.0.0", 5353, IPPROTO_UDP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	diagnose(&m, &w, v, 3, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_UDP, WHY_BLOCKS), 2,
		     "bound and connected UDP sockets; not the TCP listener");
	cr_expect_eq(w.n, 2);
	cr_expect_str_eq(why_state_name(&v[0]), "UNCONN");
	cr_expect_str_eq(why_state_name(&v[1]), "ESTAB");
	done(&m, &w);

	t.options = WHY_OPT_REUSEADDR;
	diagnose(&m, &w, v, 3, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_MAYBE);
	done(&m, &w);

	t = target("0.0.0.0", 5353, IPPROTO_TCP);
	diagnose(&m, &w, v, 2, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_NOTE, "UDP does not block TCP");
	done(&m, &w);
}

Test(why, privileged_ports)
{
	struct why_target t = target("::", 80, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_PRIVILEGED, WHY_BLOCKS), 1);
	done(&m, &w);
	f.cap_bind = true;
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_PRIVILEGED, WHY_NOTE), 1,
		     "with the capability it is only a note");
	cr_expect_eq(w.verdict, WHY_NOTE);
	done(&m, &w);
	f.cap_bind = false;
	f.unpriv_start = 80;
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(w.n, 0, "the threshold of this namespace counts");
	done(&m, &w);
	f.unpriv_start = -1;
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_PRIVILEGED, WHY_MAYBE), 1,
		     "an unknown threshold is not a verdict");
	done(&m, &w);
	f.unpriv_start = 1024;
	f.cap_held = true;
	f.cap_unknown = true;
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_PRIVILEGED, WHY_MAYBE), 1,
		     "a capability whose scope is unknown is not a verdict");
	cr_expect_eq(w.verdict, WHY_MAYBE);
	done(&m, &w);
	f.cap_unknown = false;
	diagnose(&m, &w, NULL, 0, &t, &f, NULL);
	cr_expect_eq(count(&w, WHY_PRIVILEGED, WHY_BLOCKS), 1,
		     "held in porttop's user namespace only: it does not count");
	done(&m, &w);
}

Test(why, other_namespaces_are_notes)
{
	struct sock_rec v[] = {
		sock(IPPROTO_TCP, "0.0.0.0", 8080, TCP_LISTEN),
		sock(IPPROTO_TCP, "10.0.0.1", 8080, TCP_ESTABLISHED),
	};
	struct why_target t = target("::", 8080, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	v[0].netns = v[1].netns = NS + 1;
	diagnose(&m, &w, v, 2, &t, &f, NULL);
	cr_expect_eq(w.verdict, WHY_NOTE);
	cr_expect_eq(count(&w, WHY_OTHER_NETNS, WHY_NOTE), 1,
		     "a listener there is a note; its connections are not");
	done(&m, &w);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sys/net/ipv4/%s", dir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void drop(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) < 0)
		rmdir(path);
}

/* A registry loaded from a fixture proc/sys/net/ipv4 with the given
 * ip_local_port_range and ip_local_reserved_ports. */
static struct registry *ranges(const char *range, const char *reserved)
{
	char dir[] = "/tmp/porttop-why.XXXXXX", path[256];
	struct registry *r = registry_new();

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sys", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/net", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	put(dir, "ip_local_port_range", range);
	put(dir, "ip_local_reserved_ports", reserved);
	cr_assert_eq(registry_load_sysctl(r, dir), 0);
	drop(dir, "sys/net/ipv4/ip_local_port_range");
	drop(dir, "sys/net/ipv4/ip_local_reserved_ports");
	drop(dir, "sys/net/ipv4");
	drop(dir, "sys/net");
	drop(dir, "sys");
	rmdir(dir);
	return r;
}

Test(why, reserved_and_ephemeral_are_notes)
{
	struct registry *reg = ranges("32768\t60999\n", "40000\n");
	struct why_target t = target("::", 40000, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;

	diagnose(&m, &w, NULL, 0, &t, &f, reg);
	cr_expect_eq(w.verdict, WHY_NOTE);
	cr_expect_eq(count(&w, WHY_RESERVED, WHY_NOTE), 1);
	cr_expect_eq(count(&w, WHY_EPHEMERAL, WHY_NOTE), 0,
		     "a reserved port is not handed out");
	done(&m, &w);
	t.port = 40001;
	diagnose(&m, &w, NULL, 0, &t, &f, reg);
	cr_expect_eq(count(&w, WHY_EPHEMERAL, WHY_NOTE), 1);
	done(&m, &w);
	t.port = 8080;
	diagnose(&m, &w, NULL, 0, &t, &f, reg);
	cr_expect_eq(w.n, 0);
	done(&m, &w);
	registry_free(reg);
}

Test(why, strongest_first)
{
	struct sock_rec v[] = {
		sock(IPPROTO_TCP, "0.0.0.0", 100, TCP_LISTEN),
		sock(IPPROTO_TCP, "0.0.0.0", 100, TCP_LISTEN),
		sock(IPPROTO_TCP, "127.0.0.1", 100, TCP_TIME_WAIT),
	};
	struct why_target t = target("0.0.0.0", 100, IPPROTO_TCP);
	struct why_facts f = facts();
	struct model m;
	struct why w;
	size_t i;

	f.sees_bound = false;
	t.options = WHY_OPT_REUSEADDR;
	diagnose(&m, &w, v, 3, &t, &f, NULL);
	cr_assert_eq(w.n, 5);
	for (i = 1; i < w.n; i++)
		cr_expect_geq(w.v[i - 1].effect, w.v[i].effect);
	cr_expect_eq(w.v[0].kind, WHY_GROUP);
	cr_expect_eq(w.v[w.n - 1].kind, WHY_UNSEEN);
	cr_expect_str_eq(why_kind_name(WHY_GROUP), "reuseport-group");
	cr_expect_str_eq(why_effect_name(WHY_MAYBE), "maybe");
	done(&m, &w);
}

Test(why, target_init)
{
	struct why_target t;

	cr_assert_eq(why_target_init(&t, 80, IPPROTO_TCP, NULL, 0, 7, true), 0);
	cr_expect(t.any);
	cr_expect_eq(t.family, AF_INET6);
	cr_expect_eq(t.v6only, 0, "every address is :: dual-stack");
	cr_expect_eq(t.uid, 7);
	cr_assert_eq(why_target_init(&t, 80, IPPROTO_TCP, NULL, 0, 7, false),
		     0);
	cr_expect_eq(t.family, AF_INET, "without IPv6, 0.0.0.0");
	cr_assert_eq(why_target_init(&t, 80, IPPROTO_UDP, "[::1]",
				     WHY_OPT_REUSEPORT, 0, true), 0);
	cr_expect_eq(t.family, AF_INET6);
	cr_expect_not(t.any);
	cr_expect_eq(t.addr[15], 1);
	cr_expect_eq(t.options, WHY_OPT_REUSEPORT);
	cr_assert_eq(why_target_init(&t, 80, IPPROTO_TCP, "0.0.0.0", 0, 0, true), 0);
	cr_expect(t.any);
	cr_expect_eq(t.family, AF_INET);
	cr_expect_eq(why_target_init(&t, 80, IPPROTO_TCP, "nope", 0, 0, true),
		     -EINVAL);
	cr_expect_eq(why_target_init(&t, 80, IPPROTO_TCP, "[::1", 0, 0, true),
		     -EINVAL);
	cr_expect_eq(why_target_init(&t, 80, IPPROTO_TCP, "1.2.3.4.5", 0, 0,
				     true), -EINVAL);
}
