/* owners_facts.c - the facts of a process that holds a wanted socket, read
 * from its /proc directory: stat (start time, name), status (uid), cmdline
 * and cgroup. The /proc scan, its incremental refresh and the BPF scan all
 * read them here, so that a holder is described the same way by each. */
#include "config.h"
#include "owners.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "owners_priv.h"
#include "procparse.h"
#include "xalloc.h"

/* Read a small file relative to dirfd: up to cap bytes. -errno on error.
 * A read that returns less than asked has returned the rest of the file,
 * so no read is spent to be told so: /proc's stat, status and cgroup make
 * their text whole at each read (one seq_file record), cmdline reads the
 * process's memory until its end, and a regular file (a test's proc
 * root) returns less only at its end. That is a read less per file of
 * every holder at every scan. */
ssize_t owners_read_at(int dirfd, const char *name, char *buf, size_t cap)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		len += (size_t)n;
		if (n == 0 || len < cap)
			break;
	}
	close(fd);
	return (ssize_t)len;
}

/* The command line of the process whose directory is pdir into p: one
 * read into buf (size bytes) when it fits, as most do, else the whole
 * file. Unreadable: none. */
static void read_cmdline(int pdir, struct proc_info *p, char *buf,
			 size_t size)
{
	ssize_t n = owners_read_at(pdir, "cmdline", buf, size);

	if (n < 0)
		return;
	if ((size_t)n < size) {
		p->cmdline = xmemdup(buf, (size_t)n);
		p->cmdline_len = (size_t)n;
		return;
	}
	read_whole_at(pdir, "cmdline", OWNERS_CMDLINE_MAX, &p->cmdline,
		      &p->cmdline_len, &p->cmdline_cut);
}


int owners_read_stat(int pdir, struct proc_stat *st)
{
	char buf[1024];
	ssize_t n = owners_read_at(pdir, "stat", buf, sizeof(buf));

	if (n < 0 && n != -ENOENT)
		return (int)n;
	if (n <= 0 || !procparse_stat(buf, (size_t)n, st))
		return -ESRCH;
	return 0;
}

int owners_read_facts(int pdir, int pid, const struct proc_stat *st,
		      unsigned long long start, uint32_t uid,
		      struct proc_info *p)
{
	char buf[4096];
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if (start && st->start_time != start)
		return -ESRCH;	/* the pid is another process's now */
	p->pid = pid;
	p->start_time = st->start_time;
	memcpy(p->comm, st->comm, sizeof(p->comm));
	p->comm_len = st->comm_len;
	p->uid = uid;
	if (uid == OWNERS_UID_UNKNOWN) {
		n = owners_read_at(pdir, "status", buf, sizeof(buf));
		if (n < 0 && n != -ENOENT)
			return (int)n;
		if (n <= 0 || !procparse_status_uid(buf, (size_t)n, &p->uid))
			return -ESRCH;
	}
	read_cmdline(pdir, p, buf, sizeof(buf));
	/* every hierarchy: context_from_cgroup_file() picks the path */
	n = owners_read_at(pdir, "cgroup", buf, sizeof(buf) - 1);
	if (n > 0)
		p->cgroup = xmemdup(buf, (size_t)n);
	return 0;
}

uint32_t owners_comm_hash(const struct proc_stat *st)
{
	uint32_t h = 2166136261U;	/* FNV-1a */
	size_t i;

	for (i = 0; i < st->comm_len; i++) {
		h ^= (unsigned char)st->comm[i];
		h *= 16777619U;
	}
	return h;
}
