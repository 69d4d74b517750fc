/* fileio.c - read whole files without stdio; replace files atomically */
#include "config.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

int read_whole_at(int dirfd, const char *path, size_t max, char **out,
		  size_t *len, bool *cut)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t cap = 4096, n = 0;
	char *buf;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (cut)
		*cut = false;
	if (fd < 0)
		return -errno;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= max) {
				char probe;

				/* exactly max bytes is not too long */
				r = read(fd, &probe, 1);
				if (r <= 0)
					break;
				if (!cut) {
					rc = -EFBIG;
					break;
				}
				*cut = true;
				break;
			}
			cap = cap * 4 > max ? max : cap * 4;
			buf = xrealloc(buf, cap + 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int file_replace_open(struct file_replace *fr, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t size = strlen(path) + 48;
	int fd, tries;

	memset(fr, 0, sizeof(*fr));
	fr->path = path;
	fr->tmp = xmalloc(size);
	/* hidden, and not "*.prom": a collector reading the directory skips
	 * it. The pid makes it ours; a leftover of a dead run with the same
	 * pid is replaced. */
	snprintf(fr->tmp, size, "%.*s.%s.%ld.tmp", (int)dirlen, path,
		 path + dirlen, (long)getpid());
	for (tries = 0;; tries++) {
		fd = open(fr->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
					   O_NOCTTY, 0666);
		if (fd >= 0 || errno != EEXIST || tries > 0)
			break;
		unlink(fr->tmp);
	}
	if (fd < 0) {
		int rc = -errno;

		free(fr->tmp);
		fr->tmp = NULL;
		return rc;
	}
	fr->f = fdopen(fd, "w");
	if (!fr->f) {
		int rc = -errno;

		close(fd);
		file_replace_abort(fr);
		return rc;
	}
	return 0;
}

int file_replace_commit(struct file_replace *fr)
{
	int rc = 0;

	errno = 0;
	if (fflush(fr->f) != 0 || ferror(fr->f))
		rc = errno ? -errno : -EIO;
	if (fclose(fr->f) != 0 && rc == 0)
		rc = -errno;
	fr->f = NULL;
	if (rc == 0 && rename(fr->tmp, fr->path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(fr->tmp);
	free(fr->tmp);
	fr->tmp = NULL;
	return rc;
}

void file_replace_abort(struct file_replace *fr)
{
	if (fr->f)
		fclose(fr->f);
	if (fr->tmp)
		unlink(fr->tmp);
	free(fr->tmp);
	fr->f = NULL;
	fr->tmp = NULL;
}
