/* fileio.h - read whole files without stdio */
#ifndef PORTTOP_FILEIO_H
#define PORTTOP_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

/* Read path (relative to dirfd, or AT_FDCWD) whole, at most max bytes,
 * into a new NUL-terminated buffer *out (caller frees) of *len bytes. A
 * longer file is cut and sets *cut; with cut NULL it fails with -EFBIG.
 * Returns 0 or -errno. */
int read_whole_at(int dirfd, const char *path, size_t max, char **out,
		  size_t *len, bool *cut);

#endif
