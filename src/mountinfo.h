/* mountinfo.h - find a mount in /proc/PID/mountinfo */
#ifndef PORTTOP_MOUNTINFO_H
#define PORTTOP_MOUNTINFO_H

/* One mount as mountinfo describes it. */
struct mount_entry {
	char point[4096];	/* where it is mounted */
	char fstype[64];
	char super[1024];	/* the file system's own options */
};

/* Find the last (topmost) mount of type fstype, at point unless point is
 * NULL, in the mountinfo file at path. Returns 0 and fills *e, -ENOENT
 * when there is none, or -errno when the file cannot be read. */
int mountinfo_find(const char *path, const char *fstype, const char *point,
		   struct mount_entry *e);

#endif
