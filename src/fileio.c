/* fileio.c - read whole files without stdio */
#include "config.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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
