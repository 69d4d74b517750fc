/* model.h - the join of sockets, owners and the registry that views read */
#ifndef PORTTOP_MODEL_H
#define PORTTOP_MODEL_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "owners.h"
#include "registry.h"
#include "sock.h"

/* One listening socket with everything known about it. */
struct row {
	const struct sock_rec *sock;
	const struct holder *holders;	/* sorted by pid; borrowed */
	size_t nholders;
	enum owner_status status;
	const struct service *service;	/* NULL if the registry has none */
	enum port_class cls;
	char device[IF_NAMESIZE];	/* bound device name, or "" */
};

struct user_name {
	uint32_t uid;
	char *name;	/* NULL if the uid has no name */
};

struct model {
	struct sock_vec socks;		/* deduplicated by inode, owned */
	struct row *rows;		/* sorted for display, owned */
	size_t nrows;
	const struct owners *owners;	/* borrowed */
	const struct registry *registry; /* borrowed */
	struct user_name *users;	/* uid -> name cache, owned */
	size_t nusers, cap_users;
	uint64_t netns;			/* namespace inspected; 0 unknown */
};

/* Callback that names an interface: fill name (IF_NAMESIZE), 0 or -errno. */
typedef int (*model_ifname_fn)(uint32_t ifindex, char *name, void *data);

void model_init(struct model *m);
void model_release(struct model *m);

/* Join socks (taken over: the vector is emptied) with the holders that
 * owners found and the names of registry; sort by protocol, port and
 * address. ifname, if not NULL, names bound devices. */
void model_build(struct model *m, struct sock_vec *socks,
		 const struct owners *owners, const struct registry *registry,
		 model_ifname_fn ifname, void *ifname_data);

/* The user name of uid, or NULL; borrowed from m. */
const char *model_user(const struct model *m, uint32_t uid);

/* The process of holder h; borrowed until the next build. */
const struct proc_info *model_proc(const struct model *m,
				   const struct holder *h);

/* Text form of a row's address ("0.0.0.0", "::1"), into out. */
void model_address(const struct row *r, char *out, size_t size);

#endif
