/* hint.c - the lines that say why some owners are unknown, and the fix */
#include "config.h"
#include "hint.h"

#include <errno.h>
#include <string.h>
#include <linux/capability.h>

#include "nls.h"

static void add_errors(struct buf *b, const struct owner_failures *f)
{
	size_t i;

	/* counts of reads (fd links, directories), not of processes */
	buf_adds(b, _("failed reads: "));
	for (i = 0; i < f->nerrs; i++)
		buf_printf(b, "%s%s %zu", i ? ", " : "",
			   strerror(f->errs[i].err), f->errs[i].count);
}

static bool failed_with(const struct owner_failures *f, int err)
{
	size_t i;

	for (i = 0; i < f->nerrs; i++)
		if (f->errs[i].err == err)
			return true;
	return false;
}

static void add_remedy(struct buf *b, const char *text)
{
	buf_printf(b, "; %s", text);
}

bool hint_owners(struct buf *b, const struct model *m,
		 const struct privs *pv)
{
	const struct owner_failures *f = &m->unread;

	buf_reset(b);
	if (!m->hidden_owners)
		return false;
	buf_printf(b, ngettext("the holders of %zu socket are unknown or may be incomplete",
			       "the holders of %zu sockets are unknown or may be incomplete",
			       m->hidden_owners),
		   m->hidden_owners);
	if (f->procs) {
		buf_adds(b, ": ");
		buf_printf(b, ngettext("%zu process could not be read",
				       "%zu processes could not be read",
				       f->procs),
			   f->procs);
		buf_adds(b, " (");
		add_errors(b, f);
		buf_addc(b, ')');
	}
	if (f->unvisited)
		buf_printf(b, ngettext("; the BPF owner scan did not see %zu process (PID %d) and /proc could not read it either: porttop cannot see its open files",
				       "; the BPF owner scan did not see %zu processes (PID %d and others) and /proc could not read them either: porttop cannot see their open files",
				       f->unvisited),
			   f->unvisited, f->pid);
	if (m->hidepid)
		add_remedy(b, _("/proc is mounted with hidepid: run as root, or as a member of its gid= group"));
	if (pv->pidns_child)
		add_remedy(b, _("porttop runs in a pid namespace of its own and sees only its processes: in a container, add --pid=host"));
	if (f->denied) {
		if (pv->userns)
			add_remedy(b, _("porttop runs in a user namespace, where processes of users it does not map cannot be read: run it in the initial user namespace"));
		else if (!privs_has(pv, CAP_SYS_PTRACE) && pv->euid == 0)
			add_remedy(b, _("porttop runs as root without CAP_SYS_PTRACE: grant it (in a container: --cap-add SYS_PTRACE, and --pid=host)"));
		else if (!privs_has(pv, CAP_SYS_PTRACE))
			add_remedy(b, _("run as root, or grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"));
		else if (!privs_has(pv, CAP_DAC_READ_SEARCH))
			add_remedy(b, _("grant CAP_DAC_READ_SEARCH too"));
		else
			add_remedy(b, _("porttop has CAP_SYS_PTRACE, so a security module (AppArmor, SELinux, Yama) or the kernel itself refused: see the audit log"));
	}
	if (failed_with(f, EMFILE) || failed_with(f, ENFILE))
		add_remedy(b, _("too many open files: raise the limit with ulimit -n"));
	return true;
}

bool hint_pidns(struct buf *b, const struct privs *pv)
{
	buf_reset(b);
	if (!pv->proc_foreign)
		return false;
	buf_adds(b, _("the /proc read belongs to another pid namespace: the pids shown are not valid in porttop's own"));
	return true;
}
