/* fileio.h - read whole files without stdio; replace files atomically */
#ifndef PORTTOP_FILEIO_H
#define PORTTOP_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Read path (relative to dirfd, or AT_FDCWD) whole, at most max bytes,
 * into a new NUL-terminated buffer *out (caller frees) of *len bytes. A
 * longer file is cut and sets *cut; with cut NULL it fails with -EFBIG.
 * Returns 0 or -errno. */
int read_whole_at(int dirfd, const char *path, size_t max, char **out,
		  size_t *len, bool *cut);

/* A file written aside and renamed over its target once complete, so that
 * a reader sees the old content or the new, never a part. */
struct file_replace {
	FILE *f;		/* write the new content here */
	char *tmp;		/* the temporary file's path, owned */
	const char *path;	/* the target, borrowed */
};

/* Create the temporary file in path's directory (mode 0666 less the
 * umask). Returns 0 or -errno. */
int file_replace_open(struct file_replace *fr, const char *path);

/* Flush, close and rename the temporary over the target. On failure the
 * temporary is removed and the target left as it was. Returns 0 or
 * -errno. Either way fr is released. */
int file_replace_commit(struct file_replace *fr);

/* Remove the temporary and release fr. */
void file_replace_abort(struct file_replace *fr);

#endif
