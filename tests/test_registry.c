/* test_registry.c - services parsing, lookups and port classes */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "registry.h"

static const char sample[] =
	"# Network services, Internet style\n"
	"\n"
	"tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n"
	"ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
	"domain\t\t53/tcp\n"
	"domain\t\t53/udp\n"
	"http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"
	"http-alt\t80/tcp\t\twebcache\n"
	"sieve\t\t4190/sctp\n"
	"bad\t\t99999/tcp\n"
	"worse\t\tnot-a-port\n"
	"noproto\t\t77\n"
	"kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5\n"
	"last\t\t65535/udp   # no newline at the end";

Test(registry, parses_names_aliases_and_comments)
{
	struct registry *r = registry_new();
	const struct service *s;
	size_t bad = registry_parse(r, sample, sizeof(sample) - 1);

	/* sctp is not ours (skipped, not bad); 99999, not-a-port and a
	 * missing protocol are malformed */
	cr_expect_eq(bad, 4, "bad lines: %zu", bad);
	s = registry_lookup(r, 22, IPPROTO_TCP);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->name, "ssh");
	cr_expect_str_eq(s->desc, "SSH Remote Login Protocol");
	cr_expect_null(registry_lookup(r, 22, IPPROTO_UDP));
	cr_expect_str_eq(registry_lookup(r, 53, IPPROTO_UDP)->name, "domain");
	/* the first of two entries for one port wins */
	cr_expect_str_eq(registry_lookup(r, 80, IPPROTO_TCP)->name, "http");
	cr_expect_str_eq(registry_lookup(r, 80, IPPROTO_TCP)->aliases, "www");
	cr_expect_str_eq(registry_lookup(r, 88, IPPROTO_TCP)->aliases,
			 "kerberos5 krb5 kerberos-sec");
	cr_expect_str_eq(registry_lookup(r, 65535, IPPROTO_UDP)->name, "last");
	cr_expect_str_eq(registry_lookup(r, 65535, IPPROTO_UDP)->desc,
			 "no newline at the end");
	cr_expect_null(registry_lookup(r, 4190, IPPROTO_TCP));
	registry_free(r);
}

Test(registry, finds_by_name_and_alias)
{
	struct registry *r = registry_new();

	registry_parse(r, sample, sizeof(sample) - 1);
	cr_expect_eq(registry_find_name(r, "ssh", 0)->port, 22);
	cr_expect_eq(registry_find_name(r, "www", IPPROTO_TCP)->port, 80);
	cr_expect_eq(registry_find_name(r, "krb5", 0)->port, 88);
	cr_expect_null(registry_find_name(r, "krb", 0));
	cr_expect_null(registry_find_name(r, "ssh", IPPROTO_UDP));
	cr_expect_eq(registry_find_name(r, "domain", IPPROTO_UDP)->proto,
		     IPPROTO_UDP);
	registry_free(r);
}

Test(registry, a_later_file_wins)
{
	struct registry *r = registry_new();
	static const char user[] = "my-app 80/tcp # ours\n";

	registry_parse(r, sample, sizeof(sample) - 1);
	registry_parse(r, user, sizeof(user) - 1);
	cr_expect_str_eq(registry_lookup(r, 80, IPPROTO_TCP)->name, "my-app");
	cr_expect_str_eq(registry_lookup(r, 22, IPPROTO_TCP)->name, "ssh");
	cr_expect_eq(registry_find_name(r, "my-app", 0)->port, 80);
	registry_free(r);
}

Test(registry, survives_junk_and_long_lines)
{
	struct registry *r = registry_new();
	char junk[70000];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	memcpy(junk + 1000, "\nok 4242/tcp\n", 13);
	registry_parse(r, junk, sizeof(junk));
	cr_expect_str_eq(registry_lookup(r, 4242, IPPROTO_TCP)->name, "ok");
	registry_free(r);
}

Test(registry, load_reports_a_missing_file)
{
	struct registry *r = registry_new();

	cr_expect_eq(registry_load(r, "/nonexistent/services"), -ENOENT);
	cr_expect_null(registry_lookup(r, 22, IPPROTO_TCP));
	registry_free(r);
}

Test(registry, loads_a_file)
{
	struct registry *r = registry_new();
	char path[] = "/tmp/porttop-services.XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, sample, sizeof(sample) - 1),
		     (ssize_t)sizeof(sample) - 1);
	close(fd);
	cr_expect_eq(registry_load(r, path), 0);
	unlink(path);
	cr_expect_str_eq(registry_lookup(r, 1, IPPROTO_TCP)->name, "tcpmux");
	registry_free(r);
}

Test(registry, port_classes)
{
	cr_expect_eq(registry_class(0), PORT_WELL_KNOWN);
	cr_expect_eq(registry_class(1023), PORT_WELL_KNOWN);
	cr_expect_eq(registry_class(1024), PORT_REGISTERED);
	cr_expect_eq(registry_class(49151), PORT_REGISTERED);
	cr_expect_eq(registry_class(49152), PORT_DYNAMIC);
	cr_expect_eq(registry_class(65535), PORT_DYNAMIC);
	cr_expect_str_eq(port_class_name(PORT_WELL_KNOWN), "well-known");
	cr_expect_str_eq(port_class_name(PORT_REGISTERED), "registered");
	cr_expect_str_eq(port_class_name(PORT_DYNAMIC), "dynamic");
}
