/* test_procparse.c - /proc record parsers on real and hostile text */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "procparse.h"

#define LIT(s) s, sizeof(s) - 1

Test(procparse, stat_plain)
{
	struct proc_stat st;
	static const char line[] =
		"1234 (nginx) S 1 1234 1234 0 -1 4194560 500 0 0 0 10 20 0 0 "
		"20 0 1 0 98765 1000000 300 18446744073709551615 1 1 0 0 0 0 "
		"0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
	static const char kthread[] =
		"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 "
		"23 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 "
		"0 1 0 0\n";

	cr_assert(procparse_stat(LIT(line), &st));
	cr_expect_str_eq(st.comm, "nginx");
	cr_expect_eq(st.state, 'S');
	cr_expect_eq(st.ppid, 1);
	cr_expect_eq(st.flags, 4194560);
	cr_expect_not(st.flags & PROCPARSE_PF_KTHREAD);
	cr_expect_eq(st.start_time, 98765);
	/* a kernel thread: PF_KTHREAD in the flags, field 9 */
	cr_assert(procparse_stat(LIT(kthread), &st));
	cr_expect(st.flags & PROCPARSE_PF_KTHREAD);
	cr_expect_eq(st.start_time, 23);
}

Test(procparse, stat_hostile_names)
{
	struct proc_stat st;
	static const char paren[] =
		"77 (a) R 1 (b) S 5 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
		"4242 0 0\n";
	static const char empty[] =
		"78 () S 9 78 78 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0\n";
	static const char esc[] =
		"79 (\x1b]0;x\x07 \n) S 2 79 79 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
		"66 0 0\n";

	cr_assert(procparse_stat(LIT(paren), &st));
	cr_expect_str_eq(st.comm, "a) R 1 (b");
	cr_expect_eq(st.ppid, 5);
	cr_expect_eq(st.start_time, 4242);
	cr_assert(procparse_stat(LIT(empty), &st));
	cr_expect_eq(st.comm_len, 0);
	cr_expect_eq(st.start_time, 55);
	cr_assert(procparse_stat(LIT(esc), &st));
	cr_expect_eq(st.comm_len, 8);
	cr_expect_eq(st.start_time, 66);
}

Test(procparse, stat_rejects_truncated)
{
	struct proc_stat st;

	cr_expect_not(procparse_stat(LIT("12 (x"), &st));
	cr_expect_not(procparse_stat(LIT("12 (x) S"), &st));
	cr_expect_not(procparse_stat(LIT("12 (x) S 1 2 3"), &st));
	cr_expect_not(procparse_stat(LIT(""), &st));
}

Test(procparse, socket_links)
{
	uint32_t ino = 0;

	cr_expect(procparse_socket_link(LIT("socket:[12345]"), &ino));
	cr_expect_eq(ino, 12345);
	cr_expect(procparse_socket_link(LIT("socket:[4294967295]"), &ino));
	cr_expect_eq(ino, 4294967295u);
	cr_expect_not(procparse_socket_link(LIT("socket:[4294967296]"), &ino));
	cr_expect_not(procparse_socket_link(LIT("socket:[]"), &ino));
	cr_expect_not(procparse_socket_link(LIT("socket:[12a]"), &ino));
	cr_expect_not(procparse_socket_link(LIT("socket:[12"), &ino));
	cr_expect_not(procparse_socket_link(LIT("pipe:[12]"), &ino));
	cr_expect_not(procparse_socket_link(LIT("/dev/null"), &ino));
	cr_expect_not(procparse_socket_link(LIT("anon_inode:[eventfd]"), &ino));
}

Test(procparse, status_uid)
{
	uint32_t uid = 0;
	static const char status[] = "Name:\tx\nUmask:\t0022\nState:\tS\n"
				     "Uid:\t1000\t33\t33\t33\nGid:\t0\t0\t0\t0\n";

	cr_assert(procparse_status_uid(LIT(status), &uid));
	cr_expect_eq(uid, 33);
	cr_expect_not(procparse_status_uid(LIT("Name:\tx\n"), &uid));
	cr_expect_not(procparse_status_uid(LIT("Uid:\t\n"), &uid));
}

Test(procparse, cgroup_v2_line)
{
	size_t len = 0;
	const char *p;
	static const char hybrid[] = "12:pids:/x\n1:name=systemd:/y\n"
				     "0::/system.slice/nginx.service\n";

	p = procparse_cgroup_v2(LIT(hybrid), &len);
	cr_assert_not_null(p);
	cr_expect_eq(len, strlen("/system.slice/nginx.service"));
	cr_expect_eq(strncmp(p, "/system.slice/nginx.service", len), 0);
	cr_expect_null(procparse_cgroup_v2(LIT("3:cpu:/a\n"), &len));
}

Test(procparse, pids)
{
	cr_expect_eq(procparse_pid("1"), 1);
	cr_expect_eq(procparse_pid("4194304"), 4194304);
	cr_expect_eq(procparse_pid("self"), -1);
	cr_expect_eq(procparse_pid(""), -1);
	cr_expect_eq(procparse_pid("12x"), -1);
	cr_expect_eq(procparse_pid("99999999999"), -1);
}
