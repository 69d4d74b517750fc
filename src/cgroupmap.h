/* cgroupmap.h - cgroup v2 ids (as sock_diag gives them) to paths */
#ifndef PORTTOP_CGROUPMAP_H
#define PORTTOP_CGROUPMAP_H

#include <stdint.h>

struct cgroup_map;

/* Find the cgroup2 mount in mountinfo ("/proc/self/mountinfo"; it need not
 * be at /sys/fs/cgroup). Returns NULL with errno set (ENOENT: no cgroup2
 * mount). Caller frees with cgroup_map_free(). */
struct cgroup_map *cgroup_map_new(const char *mountinfo);
void cgroup_map_free(struct cgroup_map *m);

/* The path of cgroup id ("/system.slice/x.service"), or NULL. The id of a
 * cgroup v2 directory is its inode number. The tree is walked on first use
 * and again when an id is not found (at most once a second). Borrowed
 * until the next call. */
const char *cgroup_map_path(struct cgroup_map *m, uint64_t id);

#endif
