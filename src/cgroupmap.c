/* cgroupmap.c - cgroup v2 ids (as sock_diag gives them) to paths */
#include "config.h"
#include "cgroupmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "clock.h"
#include "mountinfo.h"
#include "xalloc.h"

#define MAX_DEPTH 32
#define MAX_GROUPS 200000

struct cg_entry {
	uint64_t id;
	char *path;
};

struct cgroup_map {
	char *mount;		/* the cgroup2 mount point */
	struct cg_entry *v;
	size_t n, cap;
	double walked;		/* clock_now() of the last walk; 0 never */
};

struct cgroup_map *cgroup_map_new(const char *mountinfo)
{
	struct mount_entry e;
	struct cgroup_map *m;
	int rc = mountinfo_find(mountinfo, "cgroup2", NULL, &e);

	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->mount = xstrdup(e.point);
	return m;
}

static void clear(struct cgroup_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	m->n = 0;
}

void cgroup_map_free(struct cgroup_map *m)
{
	if (!m)
		return;
	clear(m);
	free(m->v);
	free(m->mount);
	free(m);
}

static void add(struct cgroup_map *m, uint64_t id, const char *path)
{
	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
	m->v[m->n].id = id;
	m->v[m->n].path = xstrdup(path);
	m->n++;
}

/* Walk the directories under dfd (whose path is rel) depth-first. */
static void walk(struct cgroup_map *m, int dfd, char *rel, size_t len,
		 int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > MAX_DEPTH)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL && m->n < MAX_GROUPS) {
		size_t nlen = strlen(de->d_name);
		int sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (len + 1 + nlen >= 4096)
			continue;
		sub = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			continue;
		rel[len] = '/';
		memcpy(rel + len + 1, de->d_name, nlen + 1);
		add(m, de->d_ino, rel);
		walk(m, sub, rel, len + 1 + nlen, depth + 1);
		rel[len] = '\0';
	}
	closedir(d);
}

static void rebuild(struct cgroup_map *m)
{
	char rel[4096] = "";
	struct stat st;
	int dfd;

	clear(m);
	m->walked = clock_now();
	dfd = open(m->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	if (fstat(dfd, &st) == 0)
		add(m, st.st_ino, "/");
	walk(m, dfd, rel, 0, 0);
}

static const char *lookup(const struct cgroup_map *m, uint64_t id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].id == id)
			return m->v[i].path;
	return NULL;
}

const char *cgroup_map_path(struct cgroup_map *m, uint64_t id)
{
	const char *p = m->walked ? lookup(m, id) : NULL;

	/* monotonic: setting the wall clock back must not stop the walks */
	if (p || (m->walked > 0 && clock_now() - m->walked < 1))
		return p;
	rebuild(m);
	return lookup(m, id);
}
