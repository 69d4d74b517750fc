/* ownerstat.c - why a socket has the holders it has */
#include "config.h"
#include "ownerstat.h"

enum owner_status owner_status_decide(const struct owner_facts *f)
{
	if (f->nholders > 0)
		return f->unread > 0 || f->hidepid ? OWNER_PARTIAL : OWNER_OK;
	if (f->holder_exited)
		return OWNER_EXITED;
	if (f->closed)
		return OWNER_CLOSED;
	/* certain, whatever could not be read: no fd can hold it */
	if (f->kernel)
		return OWNER_KERNEL;
	if (f->hidepid)
		return OWNER_HIDDEN;
	if (f->denied > 0)
		return OWNER_PERMISSION;
	if (f->unread > 0)
		return OWNER_UNREAD;
	if (f->other_pidns)
		return OWNER_HIDDEN;
	return OWNER_NONE;
}

bool owner_status_uncertain(enum owner_status st)
{
	return st == OWNER_PARTIAL || st == OWNER_PERMISSION ||
	       st == OWNER_HIDDEN || st == OWNER_UNREAD;
}

bool owner_status_complete(enum owner_status st)
{
	return st == OWNER_OK || st == OWNER_NONE || st == OWNER_KERNEL;
}

const char *owner_status_name(enum owner_status st)
{
	static const char *const names[] = {
		[OWNER_OK] = "ok",
		[OWNER_PARTIAL] = "partial",
		[OWNER_PERMISSION] = "permission",
		[OWNER_HIDDEN] = "hidden",
		[OWNER_UNREAD] = "unread",
		[OWNER_EXITED] = "exited",
		[OWNER_CLOSED] = "closed",
		[OWNER_NONE] = "none",
		[OWNER_KERNEL] = "kernel",
	};

	return (size_t)st < sizeof(names) / sizeof(names[0]) ? names[st]
							      : "none";
}

void owner_failures_add(struct owner_failures *f, int err, size_t count)
{
	size_t i;

	for (i = 0; i < f->nerrs; i++) {
		if (f->errs[i].err == err) {
			f->errs[i].count += count;
			return;
		}
	}
	if (f->nerrs < OWNER_ERRS_MAX) {
		f->errs[f->nerrs].err = err;
		f->errs[f->nerrs++].count = count;
	}
}

void owner_failures_merge(struct owner_failures *dst,
			  const struct owner_failures *src)
{
	size_t i;

	dst->procs += src->procs;
	dst->denied += src->denied;
	dst->dirs += src->dirs;
	dst->links += src->links;
	dst->unvisited += src->unvisited;
	if (!dst->pid)
		dst->pid = src->pid;
	for (i = 0; i < src->nerrs; i++)
		owner_failures_add(dst, src->errs[i].err, src->errs[i].count);
}

size_t owner_argv_len(const char *cmdline, size_t len)
{
	size_t t = 0;

	while (t < len && cmdline[len - 1 - t] == '\0')
		t++;
	if (t > 4)
		return len - t + 1 > 1 ? len - t + 1 : 0;
	return len;
}
