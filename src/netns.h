/* netns.h - the network namespaces of this machine */
#ifndef PORTTOP_NETNS_H
#define PORTTOP_NETNS_H

#include <stddef.h>
#include <stdint.h>

/* One network namespace, and a way into it. */
struct netns_entry {
	uint64_t inode;		/* its identity */
	char name[64];		/* /run/netns name, or "" */
	int pid;		/* a process inside it, or 0 */
	int fd;			/* open namespace fd, or -1 if it could not
				 * be opened (then err says why) */
	int err;		/* -errno of the failed open, or 0 */
};

struct netns_list {
	struct netns_entry *v;
	size_t n, cap;
	size_t unreadable;	/* processes whose namespace we may not see */
};

/* Find every network namespace: those of all processes under proc_root
 * (deduplicated by inode) and the named ones in run_netns_dir
 * ("/run/netns"). The caller's own namespace comes first. Returns 0 or
 * -errno when proc_root cannot be read. Release with netns_list_release(),
 * which closes the fds. */
int netns_list_all(struct netns_list *l, const char *proc_root,
		   const char *run_netns_dir);
void netns_list_release(struct netns_list *l);

/* Only the named namespaces of run_netns_dir, with their names; no fd is
 * kept open (fd is -1). Cheap enough for every refresh. */
void netns_list_named(struct netns_list *l, const char *run_netns_dir);

/* The entry for inode, or NULL. */
const struct netns_entry *netns_find(const struct netns_list *l,
				     uint64_t inode);

#endif
