/* netns.c - the network namespaces of this machine */
#include "config.h"
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "procparse.h"
#include "xalloc.h"

static struct netns_entry *find_mut(struct netns_list *l, uint64_t inode)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].inode == inode)
			return &l->v[i];
	return NULL;
}

const struct netns_entry *netns_find(const struct netns_list *l,
				     uint64_t inode)
{
	return find_mut((struct netns_list *)l, inode);
}

static struct netns_entry *add(struct netns_list *l, uint64_t inode)
{
	struct netns_entry *e;

	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->inode = inode;
	e->fd = -1;
	return e;
}

/* Open dirfd/name as a namespace fd and learn its inode. */
static int open_ns(int dirfd, const char *name, int *fd, uint64_t *inode)
{
	struct stat st;

	*fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	if (fstat(*fd, &st) < 0) {
		int err = -errno;

		close(*fd);
		*fd = -1;
		return err;
	}
	*inode = st.st_ino;
	return 0;
}

static void add_named(struct netns_list *l, const char *dir, bool keep_fd)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct netns_entry *e;
		uint64_t inode;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		if (open_ns(dirfd(d), de->d_name, &fd, &inode) < 0)
			continue;
		e = find_mut(l, inode);
		if (!e)
			e = add(l, inode);
		if (e->fd < 0 && keep_fd) {
			e->fd = fd;
			e->err = 0;
		} else {
			close(fd);
		}
		snprintf(e->name, sizeof(e->name), "%.63s", de->d_name);
	}
	closedir(d);
}

int netns_list_all(struct netns_list *l, const char *proc_root,
		   const char *run_netns_dir)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	int proc_fd;

	memset(l, 0, sizeof(*l));
	proc_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		return -errno;
	if (fstatat(proc_fd, "thread-self/ns/net", &st, 0) == 0 ||
	    fstatat(proc_fd, "self/ns/net", &st, 0) == 0) {
		struct netns_entry *e = add(l, st.st_ino);

		e->pid = getpid();
		open_ns(proc_fd, "self/ns/net", &e->fd, &e->inode);
	}
	d = fdopendir(dup(proc_fd));
	while (d && (de = readdir(d)) != NULL) {
		int pid = procparse_pid(de->d_name);
		char path[64];
		struct netns_entry *e;
		int fd;

		if (pid <= 0)
			continue;
		/* stat follows the link without needing to open it: the
		 * inode is visible even where entering is not allowed */
		snprintf(path, sizeof(path), "%d/ns/net", pid);
		if (fstatat(proc_fd, path, &st, 0) < 0) {
			if (errno == EACCES || errno == EPERM)
				l->unreadable++;
			continue;	/* else gone, or a kernel thread */
		}
		e = find_mut(l, st.st_ino);
		if (e && e->fd >= 0)
			continue;
		if (!e) {
			e = add(l, st.st_ino);
			e->pid = pid;
		}
		e->err = open_ns(proc_fd, path, &fd, &e->inode);
		e->fd = fd;
		if (fd >= 0 && e->inode != (uint64_t)st.st_ino) {
			/* the pid was reused between stat and open */
			close(fd);
			e->fd = -1;
			e->inode = st.st_ino;
			e->err = -ESRCH;
		}
	}
	if (d)
		closedir(d);
	close(proc_fd);
	if (run_netns_dir)
		add_named(l, run_netns_dir, true);
	return 0;
}

void netns_list_named(struct netns_list *l, const char *run_netns_dir)
{
	memset(l, 0, sizeof(*l));
	add_named(l, run_netns_dir, false);
}

void netns_list_release(struct netns_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].fd >= 0)
			close(l->v[i].fd);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
