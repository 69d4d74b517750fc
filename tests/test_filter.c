/* test_filter.c - port specs, filter logic, the column table, cgroup
 * labels and reserved-port lists */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "columns.h"
#include "context.h"
#include "filter.h"
#include "inoset.h"
#include "registry.h"

static struct registry *sample_registry(void)
{
	static const char text[] = "ssh 22/tcp\ndomain 53/tcp\ndomain 53/udp\n"
				   "syslog 514/udp\nhttp 80/tcp www\n"
				   "3com-tsmux 106/tcp\n";
	struct registry *r = registry_new();

	registry_parse(r, text, sizeof(text) - 1);
	return r;
}

Test(filter, port_specs)
{
	struct registry *reg = sample_registry();
	struct filter f;
	const char *why = NULL;

	filter_init(&f);
	cr_assert_eq(filter_add_port_spec(&f, "443", reg, &why), 0);
	cr_expect_eq(f.ports[0].lo, 443);
	cr_expect_eq(f.ports[0].hi, 443);
	cr_expect_eq(f.ports[0].proto, 0);
	cr_assert_eq(filter_add_port_spec(&f, "8000-8100/tcp", reg, &why), 0);
	cr_expect_eq(f.ports[1].lo, 8000);
	cr_expect_eq(f.ports[1].hi, 8100);
	cr_expect_eq(f.ports[1].proto, IPPROTO_TCP);
	cr_assert_eq(filter_add_port_spec(&f, "domain", reg, &why), 0);
	cr_expect_eq(f.nports, 4, "domain is both tcp and udp");
	cr_assert_eq(filter_add_port_spec(&f, "www", reg, &why), 0);
	cr_expect_eq(f.ports[4].lo, 80);
	cr_assert_eq(filter_add_port_spec(&f, "53/udp", reg, &why), 0);
	cr_expect_eq(f.ports[5].proto, IPPROTO_UDP);
	cr_assert_eq(filter_add_port_spec(&f, "3com-tsmux", reg, &why), 0);
	cr_expect_eq(f.ports[6].lo, 106, "a name may start with a digit");
	cr_assert_eq(filter_add_port_spec(&f, "0", reg, &why), 0);
	cr_assert_eq(filter_add_port_spec(&f, "65535", reg, &why), 0);

	cr_expect_eq(filter_add_port_spec(&f, "65536", reg, &why), -EINVAL);
	cr_expect_not_null(why);
	cr_expect_eq(filter_add_port_spec(&f, "100-10", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "80/sctp", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "/tcp", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "12ab", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "1-", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "nosuch", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "ssh/udp", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "syslog/tcp", reg, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "ssh", NULL, &why), -EINVAL);
	cr_expect_eq(filter_add_port_spec(&f, "3com-nosuch", reg, &why), -EINVAL);
	cr_expect_eq(f.nports, 9, "errors add nothing");
	filter_release(&f);
	registry_free(reg);
}

Test(filter, port_match_is_or_over_ranges)
{
	struct filter f;
	const char *why;

	filter_init(&f);
	cr_expect(filter_port_match(&f, 1, IPPROTO_TCP), "no ports: all pass");
	cr_expect_not(filter_active(&f));
	filter_add_port_spec(&f, "53/udp", NULL, &why);
	filter_add_port_spec(&f, "8000-8002", NULL, &why);
	cr_expect(filter_active(&f));
	cr_expect(filter_port_match(&f, 53, IPPROTO_UDP));
	cr_expect_not(filter_port_match(&f, 53, IPPROTO_TCP));
	cr_expect(filter_port_match(&f, 8000, IPPROTO_TCP));
	cr_expect(filter_port_match(&f, 8002, IPPROTO_UDP));
	cr_expect_not(filter_port_match(&f, 8003, IPPROTO_TCP));
	cr_expect_not(filter_port_match(&f, 7999, IPPROTO_TCP));
	filter_release(&f);
}

Test(filter, pids)
{
	struct filter f;
	const char *why;

	filter_init(&f);
	cr_expect_eq(filter_add_pid(&f, "42", &why), 0);
	cr_expect_eq(f.pids[0], 42);
	cr_expect_eq(filter_add_pid(&f, "0", &why), -EINVAL);
	cr_expect_eq(filter_add_pid(&f, "-3", &why), -EINVAL);
	cr_expect_eq(filter_add_pid(&f, "12x", &why), -EINVAL);
	cr_expect_eq(filter_add_pid(&f, "99999999999", &why), -EINVAL);
	cr_expect_eq(f.npids, 1);
	filter_release(&f);
}

Test(columns, parse_lists)
{
	enum col_id ids[COLUMNS_MAX];
	const char *bad = NULL;

	cr_assert_eq(columns_parse("port,proto,command", ids, &bad), 3);
	cr_expect_eq(ids[0], COL_PORT);
	cr_expect_eq(ids[1], COL_PROTO);
	cr_expect_eq(ids[2], COL_COMMAND);
	cr_expect_eq(columns_parse("port,nope", ids, &bad), -1);
	cr_expect_str_eq(bad, "nope");
	cr_expect_eq(columns_parse("", ids, &bad), -1);
	cr_expect_eq(columns_parse("port,", ids, &bad), -1);
}

Test(columns, table_is_complete)
{
	size_t i, j;

	for (i = 0; i < COL__COUNT; i++) {
		cr_assert_not_null(columns[i].name, "column %zu has no name", i);
		cr_expect_not_null(columns[i].header);
		cr_expect_not_null(columns[i].desc);
		cr_expect_not_null(columns[i].cell);
		cr_expect_not_null(columns[i].cmp);
		cr_expect_eq(columns_find(columns[i].name,
					  strlen(columns[i].name)), &columns[i]);
		for (j = 0; j < i; j++)
			cr_expect_str_neq(columns[i].name, columns[j].name);
	}
	cr_expect_eq(columns[columns_default[columns_ndefault - 1]].cell,
		     columns[COL_COMMAND].cell, "command comes last");
}

Test(columns, width_counts_characters)
{
	cr_expect_eq(columns_width("abc"), 3);
	cr_expect_eq(columns_width(""), 0);
	cr_expect_eq(columns_width("caf\xc3\xa9"), 4);
}

static struct context label(const char *path)
{
	struct context c;

	context_from_cgroup(path, strlen(path), &c);
	return c;
}

Test(context, systemd_units)
{
	cr_expect_str_eq(label("/system.slice/nginx.service").unit,
			 "nginx.service");
	cr_expect_str_eq(label("/user.slice/user-1000.slice/session-3.scope").unit,
			 "session-3.scope");
	cr_expect_str_eq(label("/user.slice/user-1000.slice/user@1000.service/"
			       "app.slice/foo.service").unit,
			 "foo.service");
	cr_expect_str_eq(label("/init.scope").unit, "init.scope");
	cr_expect_str_eq(label("/").unit, "");
	cr_expect_str_eq(label("/").runtime, "");
}

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

Test(context, containers)
{
	struct context c = label("/system.slice/docker-" ID ".scope");

	cr_expect_str_eq(c.runtime, "docker");
	cr_expect_str_eq(c.id, ID);
	c = label("/docker/" ID);
	cr_expect_str_eq(c.runtime, "docker");
	c = label("/machine.slice/libpod-" ID ".scope");
	cr_expect_str_eq(c.runtime, "podman");
	c = label("/machine.slice/libpod-conmon-" ID ".scope");
	cr_expect_str_eq(c.runtime, "", "conmon is not the container");
	c = label("/kubepods.slice/kubepods-burstable.slice/"
		  "kubepods-burstable-pod1234_5678.slice/cri-containerd-" ID
		  ".scope");
	cr_expect_str_eq(c.runtime, "containerd");
	cr_expect_str_eq(c.id, ID);
	c = label("/system.slice/crio-" ID ".scope");
	cr_expect_str_eq(c.runtime, "crio");
	c = label("/lxc.payload.web1/init.scope");
	cr_expect_str_eq(c.runtime, "lxc");
	cr_expect_str_eq(c.id, "web1");
	c = label("/system.slice/docker-" "0123" ".scope");
	cr_expect_str_eq(c.runtime, "", "a short id is not a container");
}

Test(registry, reserved_ports_and_ephemeral)
{
	struct registry *r = registry_new();
	static const char list[] = "8080,9000-9002\n";

	cr_assert(registry_parse_reserved(r, list, sizeof(list) - 1));
	cr_expect(registry_reserved(r, 8080));
	cr_expect(registry_reserved(r, 9001));
	cr_expect_not(registry_reserved(r, 9003));
	cr_expect_not(registry_reserved(r, 8081));
	cr_expect_not(registry_parse_reserved(r, "5-1", 3));
	cr_expect_not(registry_parse_reserved(r, "x", 1));
	cr_expect_not(registry_parse_reserved(r, "70000", 5));
	cr_expect(registry_reserved(r, 8080), "a bad list keeps the old one");
	cr_expect(registry_parse_reserved(r, "\n", 1));
	cr_expect_not(registry_reserved(r, 8080));
	cr_expect_not(registry_ephemeral(r, 40000), "unknown range: nothing");
	registry_free(r);
}

Test(inoset, add_seal_has)
{
	struct inoset s;
	uint32_t i;

	inoset_init(&s);
	cr_expect_not(inoset_has(&s, 1), "empty");
	for (i = 1000; i > 0; i--)
		inoset_add(&s, i * 7);
	inoset_add(&s, 7);	/* a duplicate */
	inoset_seal(&s);
	cr_expect_eq(s.n, 1000);
	cr_expect(inoset_has(&s, 7));
	cr_expect(inoset_has(&s, 7000));
	cr_expect_not(inoset_has(&s, 8));
	cr_expect_not(inoset_has(&s, 0));
	cr_expect_not(inoset_has(&s, 7007));
	inoset_clear(&s);
	cr_expect_not(inoset_has(&s, 7));
	inoset_release(&s);
}
