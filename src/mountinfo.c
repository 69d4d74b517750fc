/* mountinfo.c - find a mount in /proc/PID/mountinfo */
#include "config.h"
#include "mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mountinfo_find(const char *path, const char *fstype, const char *point,
		   struct mount_entry *e)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		struct mount_entry m;
		const char *dash;

		/* id parent maj:min root point options... - fstype source super */
		dash = strstr(line, " - ");
		if (!dash ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", m.point) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", m.fstype, m.super) != 2)
			continue;
		if (strcmp(m.fstype, fstype) != 0 ||
		    (point && strcmp(m.point, point) != 0))
			continue;
		*e = m;
		rc = 0;
	}
	free(line);
	fclose(f);
	return rc;
}
