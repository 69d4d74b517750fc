/* test_ownerstat.c - the owner status decision, and the parsers of what
 * porttop may see of itself */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "ownerstat.h"
#include "privs.h"

static enum owner_status decide(size_t nholders, size_t unread,
				size_t denied, bool hidepid, bool closed)
{
	struct owner_facts f = {
		.nholders = nholders,
		.unread = unread,
		.denied = denied,
		.hidepid = hidepid,
		.closed = closed,
	};

	return owner_status_decide(&f);
}

Test(ownerstat, none_only_when_every_process_was_read)
{
	cr_expect_eq(decide(0, 0, 0, false, false), OWNER_NONE);
	cr_expect_eq(decide(0, 1, 1, false, false), OWNER_PERMISSION);
	cr_expect_eq(decide(0, 3, 0, false, false), OWNER_UNREAD);
	cr_expect_eq(decide(0, 0, 0, true, false), OWNER_HIDDEN);
	cr_expect_eq(decide(0, 2, 2, true, false), OWNER_HIDDEN);
}

Test(ownerstat, holders_with_unread_processes_are_partial)
{
	cr_expect_eq(decide(2, 0, 0, false, false), OWNER_OK);
	cr_expect_eq(decide(2, 1, 1, false, false), OWNER_PARTIAL);
	cr_expect_eq(decide(1, 1, 0, false, false), OWNER_PARTIAL);
	cr_expect_eq(decide(1, 0, 0, true, false), OWNER_PARTIAL);
	/* holders seen: a later dump's absence changes nothing */
	cr_expect_eq(decide(1, 0, 0, false, true), OWNER_OK);
}

Test(ownerstat, closed_and_exited)
{
	struct owner_facts f = { .holder_exited = true, .closed = true };

	cr_expect_eq(decide(0, 0, 0, false, true), OWNER_CLOSED);
	/* closed is what happened, whatever could not be read */
	cr_expect_eq(decide(0, 5, 5, true, true), OWNER_CLOSED);
	cr_expect_eq(owner_status_decide(&f), OWNER_EXITED);
}

Test(ownerstat, another_pid_namespace_hides)
{
	struct owner_facts f = { .other_pidns = true };

	cr_expect_eq(owner_status_decide(&f), OWNER_HIDDEN);
	f.nholders = 1;
	cr_expect_eq(owner_status_decide(&f), OWNER_OK);
}

/* A socket without a file: no fd can hold it, so what could not be read
 * does not matter; a socket that closed during the scan is "closed". */
Test(ownerstat, the_kernels_own_socket_is_certain)
{
	struct owner_facts f = { .kernel = true };

	cr_expect_eq(owner_status_decide(&f), OWNER_KERNEL);
	f.unread = 3;
	f.denied = 3;
	f.hidepid = true;
	f.other_pidns = true;
	cr_expect_eq(owner_status_decide(&f), OWNER_KERNEL);
	f.closed = true;
	cr_expect_eq(owner_status_decide(&f), OWNER_CLOSED);
}

Test(ownerstat, uncertain_and_names)
{
	static const struct {
		enum owner_status st;
		const char *name;
		bool uncertain, complete;
	} t[] = {
		{ OWNER_OK, "ok", false, true },
		{ OWNER_PARTIAL, "partial", true, false },
		{ OWNER_PERMISSION, "permission", true, false },
		{ OWNER_HIDDEN, "hidden", true, false },
		{ OWNER_UNREAD, "unread", true, false },
		{ OWNER_EXITED, "exited", false, false },
		{ OWNER_CLOSED, "closed", false, false },
		{ OWNER_NONE, "none", false, true },
		{ OWNER_KERNEL, "kernel", false, true },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_expect_str_eq(owner_status_name(t[i].st), t[i].name);
		cr_expect_eq(owner_status_uncertain(t[i].st), t[i].uncertain,
			     "%s", t[i].name);
		cr_expect_eq(owner_status_complete(t[i].st), t[i].complete,
			     "%s", t[i].name);
	}
}

Test(ownerstat, failures_counted_by_errno)
{
	struct owner_failures a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	owner_failures_add(&a, EACCES, 1);
	owner_failures_add(&a, EACCES, 2);
	owner_failures_add(&a, EPERM, 1);
	owner_failures_add(&b, EMFILE, 4);
	owner_failures_add(&b, EACCES, 1);
	b.procs = 2;
	owner_failures_merge(&a, &b);
	cr_assert_eq(a.nerrs, 3);
	cr_expect_eq(a.errs[0].err, EACCES);
	cr_expect_eq(a.errs[0].count, 4);
	cr_expect_eq(a.errs[1].err, EPERM);
	cr_expect_eq(a.errs[2].err, EMFILE);
	cr_expect_eq(a.errs[2].count, 4);
	cr_expect_eq(a.procs, 2);
}

Test(privs, capeff)
{
	static const char st[] = "Name:\tporttop\nPid:\t4242\n"
				 "CapInh:\t0000000000000000\n"
				 "CapEff:\t00000000a80425fb\nCapBnd:\t1\n";
	uint64_t c;
	int pid;

	cr_assert(privs_parse_capeff(st, sizeof(st) - 1, &c));
	cr_expect_eq(c, 0xa80425fbULL);
	/* Docker's default set: no CAP_SYS_PTRACE (19) */
	cr_expect_eq(c >> 19 & 1, 0);
	cr_assert(privs_parse_pid(st, sizeof(st) - 1, &pid));
	cr_expect_eq(pid, 4242);
	cr_expect_not(privs_parse_capeff("CapEff:\tzz\n", 11, &c));
	cr_expect_not(privs_parse_capeff("CapEffX:\t1\n", 11, &c));
	cr_expect_not(privs_parse_capeff("", 0, &c));
}

Test(privs, uid_map)
{
	static const char init[] = "         0          0 4294967295\n";
	static const char userns[] = "         0       1000          1\n";
	static const char two[] = "0 0 1000\n1000 1000 4294966295\n";

	cr_expect(privs_parse_uid_map_full(init, sizeof(init) - 1));
	cr_expect_not(privs_parse_uid_map_full(userns, sizeof(userns) - 1));
	cr_expect_not(privs_parse_uid_map_full(two, sizeof(two) - 1));
	cr_expect_not(privs_parse_uid_map_full("", 0));
}

Test(ownerstat, argv_keeps_empty_elements)
{
	/* argv {"a", "", "b", ""}: every element with its NUL */
	cr_expect_eq(owner_argv_len("a\0\0b\0\0", 6), 6);
	cr_expect_eq(owner_argv_len("a\0", 2), 2);
	/* not NUL-ended (cut, or a rewritten title) */
	cr_expect_eq(owner_argv_len("abc", 3), 3);
	/* a rewritten title padded with NULs: one element */
	cr_expect_eq(owner_argv_len("nginx: master\0\0\0\0\0\0\0\0", 21),
		     14);
	cr_expect_eq(owner_argv_len("", 0), 0);
	cr_expect_eq(owner_argv_len("\0\0\0\0\0\0", 6), 0);
}
