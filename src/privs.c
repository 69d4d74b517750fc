/* privs.c - what porttop itself may see */
#include "config.h"
#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "fileio.h"

/* The value of "Key:" in status text, and its length; NULL if absent. */
static const char *status_field(const char *buf, size_t len, const char *key,
				size_t *vlen)
{
	const char *p = buf, *end = buf + len;
	size_t klen = strlen(key);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) > klen && memcmp(p, key, klen) == 0 &&
		    p[klen] == ':') {
			p += klen + 1;
			while (p < eol && (*p == '\t' || *p == ' '))
				p++;
			*vlen = (size_t)(eol - p);
			return p;
		}
		p = eol + 1;
	}
	return NULL;
}

bool privs_parse_capeff(const char *buf, size_t len, uint64_t *caps)
{
	size_t vlen, i;
	const char *v = status_field(buf, len, "CapEff", &vlen);
	uint64_t c = 0;

	if (!v || vlen == 0 || vlen > 16)
		return false;
	for (i = 0; i < vlen; i++) {
		char ch = v[i];
		unsigned d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else
			return false;
		c = c << 4 | d;
	}
	*caps = c;
	return true;
}

bool privs_parse_pid(const char *buf, size_t len, int *pid)
{
	size_t vlen, i;
	const char *v = status_field(buf, len, "Pid", &vlen);
	long n = 0;

	if (!v || vlen == 0 || vlen > 9)
		return false;
	for (i = 0; i < vlen; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		n = n * 10 + (v[i] - '0');
	}
	*pid = (int)n;
	return true;
}

bool privs_parse_uid_map_full(const char *buf, size_t len)
{
	char line[128];
	unsigned long inside, outside, count;
	const char *nl = memchr(buf, '\n', len);
	size_t l = nl ? (size_t)(nl - buf) : len;

	if (l == 0 || l >= sizeof(line))
		return false;
	memcpy(line, buf, l);
	line[l] = '\0';
	if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return false;
	/* one line, and nothing after it */
	if (nl && (size_t)(nl - buf) + 1 < len)
		return false;
	return inside == 0 && outside == 0 && count == 4294967295UL;
}

static unsigned long ns_inode(int dirfd, const char *path)
{
	struct stat st;

	return fstatat(dirfd, path, &st, 0) == 0 ? (unsigned long)st.st_ino : 0;
}

void privs_read(const char *proc_root, struct privs *pv)
{
	struct statfs sfs;
	char *buf = NULL;
	size_t n;
	int dfd, pid, rc;
	unsigned long ino;

	memset(pv, 0, sizeof(*pv));
	pv->euid = (uint32_t)geteuid();
	dfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	if (fstatfs(dfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		goto out_close;	/* a fixture tree: nothing to say */
	rc = read_whole_at(dfd, "self/status", 65536, &buf, &n, NULL);
	if (rc == 0) {
		pv->caps_known = privs_parse_capeff(buf, n, &pv->cap_eff);
		pv->proc_foreign = privs_parse_pid(buf, n, &pid) &&
				   pid != (int)getpid();
	} else if (rc == -ENOENT) {
		/* no self: we are not in its pid namespace at all; another
		 * failure (EMFILE) says nothing of it */
		pv->proc_foreign = true;
	}
	free(buf);
	buf = NULL;
	if (read_whole_at(dfd, "self/uid_map", 65536, &buf, &n, NULL) == 0)
		pv->userns = !privs_parse_uid_map_full(buf, n);
	free(buf);
	ino = ns_inode(dfd, "self/ns/pid");
	pv->pidns_child = ino && ino != PRIVS_INIT_PID_NS;
	ino = ns_inode(dfd, "self/ns/user");
	if (ino && ino != PRIVS_INIT_USER_NS)
		pv->userns = true;
out_close:
	close(dfd);
}

bool privs_has(const struct privs *pv, int cap)
{
	if (!pv->caps_known)
		return pv->euid == 0;
	return cap >= 0 && cap < 64 && (pv->cap_eff >> cap & 1);
}

void privs_raise_nofile(unsigned long want)
{
	struct rlimit rl;
	rlim_t to = (rlim_t)want;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_max != RLIM_INFINITY && to > rl.rlim_max)
		to = rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < to) {
		rl.rlim_cur = to;
		(void)setrlimit(RLIMIT_NOFILE, &rl);	/* a hint only */
	}
}
