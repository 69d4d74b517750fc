/* model.h - the join of sockets, owners and the registry that views read */
#ifndef PORTTOP_MODEL_H
#define PORTTOP_MODEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "columns.h"
#include "context.h"
#include "filter.h"
#include "inoset.h"
#include "owners.h"
#include "registry.h"
#include "sock.h"

/* Who can reach a listener. */
enum exposure {
	EXPOSE_LOOPBACK,	/* a loopback address, or bound to lo */
	EXPOSE_ADDRESS,		/* one non-loopback address */
	EXPOSE_DEVICE,		/* bound to one device (SO_BINDTODEVICE) */
	EXPOSE_ALL,		/* every address of the host */
};

/* What is known of a row beyond the socket and its holders: most rows
 * have none of it, so it lives out of line. */
struct row_label {
	struct context ctx;		/* from the first holder's cgroup, else
					 * the socket's own, else the
					 * container behind a forwarder */
	char unit[128];			/* unit or container label, or "" */
	char netns_name[64];		/* name of a named namespace, or "" */
	char forward[64];		/* a forwarder's target "ip:port", or "" */
};

/* One listening socket with everything known about it. */
struct row {
	const struct sock_rec *sock;
	const struct holder *holders;	/* sorted by pid; borrowed */
	size_t nholders;
	enum owner_status status;
	const struct service *service;	/* NULL if the registry has none */
	enum port_class cls;
	enum exposure exposure;
	uint32_t conns;			/* established connections; the
					 * group's when group != 0 */
	uint32_t group;			/* TCP SO_REUSEPORT group: lowest
					 * inode of its listeners; 0 alone */
	uint32_t group_size;		/* listeners in the group */
	bool group_lead;		/* the group's first row that passed
					 * the filter (lowest inode) */
	char device[IF_NAMESIZE];	/* bound device name, or "" */
	struct row_label *label;	/* NULL if there is nothing to say;
					 * owned by the model */
};

/* The port ranges of one namespace that rows come from. */
struct model_ranges {
	uint64_t netns;
	struct port_ranges r;
};

struct user_name {
	uint32_t uid;
	char *name;	/* NULL if the uid has no name */
};

struct model {
	struct sock_vec socks;		/* deduplicated by inode, owned */
	struct row *rows;		/* filtered and sorted, owned */
	size_t nrows;
	const struct owners *owners;	/* borrowed */
	const struct registry *registry; /* borrowed */
	struct user_name *users;	/* uid -> name cache, owned */
	size_t nusers, cap_users;
	uint64_t netns;			/* namespace inspected; 0 unknown */
	bool has_conns;			/* conns were counted */
	size_t hidden_owners;		/* rows whose holders are unknown or
					 * may be incomplete */
	struct row_label **labels;	/* every row_label, owned */
	size_t nlabels, cap_labels;
	struct owner_failures unread;	/* processes not fully read, why */
	struct model_ranges *ranges;	/* per namespace, owned */
	size_t nranges;
	double scan_seconds;		/* the refresh that built it took this
					 * long; set by its caller, 0 unknown */
	bool partial;			/* some namespaces or protocols could
					 * not be listed; set by its caller */
	/* after model_detach(): the rows' holders and their processes */
	struct holder *holders;		/* owned; rows point into it */
	struct proc_info *procs;	/* owned; holder.proc indexes it */
	size_t nprocs;
	bool detached;
};

/* The parts of a row's label, empty when it has none. */
static inline const char *row_unit(const struct row *r)
{
	return r->label ? r->label->unit : "";
}

static inline const char *row_netns_name(const struct row *r)
{
	return r->label ? r->label->netns_name : "";
}

static inline const char *row_forward(const struct row *r)
{
	return r->label ? r->label->forward : "";
}

static inline const struct context *row_ctx(const struct row *r)
{
	static const struct context none;

	return r->label ? &r->label->ctx : &none;
}

/* Callback that names interface ifindex of namespace netns: fill name
 * (IF_NAMESIZE), 0 or -errno. */
typedef int (*model_ifname_fn)(uint64_t netns, uint32_t ifindex, char *name,
			       void *data);

/* What model_build() joins. */
struct model_input {
	struct sock_vec *socks;		/* taken over: emptied */
	const struct sock_vec *conns;	/* established TCP, or NULL */
	const struct owners *owners;	/* may be NULL */
	const struct registry *registry; /* may be NULL */
	const struct filter *filter;	/* may be NULL */
	model_ifname_fn ifname;		/* may be NULL */
	void *ifname_data;
	/* the path of a cgroup v2 id, for sockets without a visible holder */
	const char *(*cgroup_path)(uint64_t id, void *data);
	void *cgroup_data;
	const struct inoset *gone;	/* absent from a dump after the
					 * owner scan; may be NULL */
	/* the name of a namespace inode, or NULL */
	const char *(*netns_name)(uint64_t inode, void *data);
	void *netns_data;
	/* the target of /proc/PID/exe into buf (size bytes), 0 or -errno;
	 * NULL: no forwarder is named */
	int (*exe_path)(int pid, char *buf, size_t size, void *data);
	void *exe_data;
	/* the port ranges of namespace netns into out: 0, or -errno to use
	 * the registry's (porttop's own namespace); may be NULL */
	int (*ranges)(uint64_t netns, struct port_ranges *out, void *data);
	void *ranges_data;
};

void model_init(struct model *m);
void model_release(struct model *m);

/* Join the input into rows, keep those the filter passes, and sort them
 * by protocol, port and address. The previous content is released. */
void model_build(struct model *m, const struct model_input *in);

/* Copy the holders and processes that the rows borrow from the owner
 * scan into m, so that m stays valid after the next owners_scan(),
 * owners_refresh() or model_build() of another model. m->owners is then
 * only read by owners_start_time(), which uses what owners_new() set. */
void model_detach(struct model *m);

/* Sort the rows by column col (reversed if reverse); ties by protocol,
 * port and address. */
void model_sort(struct model *m, enum col_id col, bool reverse);

/* The ephemeral range and reserved ports of the namespace netns: its own
 * where the source gave them, else the registry's; NULL if unknown.
 * Borrowed from m. */
const struct port_ranges *model_ranges(const struct model *m, uint64_t netns);

/* The user name of uid, or NULL; borrowed from m. */
const char *model_user(const struct model *m, uint32_t uid);

/* The process of holder h, or NULL; borrowed until the next build (or,
 * once detached, until model_release()). */
const struct proc_info *model_proc(const struct model *m,
				   const struct holder *h);

/* Where process p runs (context_from_cgroup_file() over all its cgroup
 * hierarchies) into ctx. Returns the cgroup path that says so (else its v2
 * path), not NUL-ended, length in *len; or NULL. Borrowed from p. */
const char *model_proc_cgroup(const struct proc_info *p, struct context *ctx,
			      size_t *len);

/* Text form of a row's address ("0.0.0.0", "::1"), into out. */
void model_address(const struct row *r, char *out, size_t size);

/* True for an IPv6 socket bound to a v4-mapped address (::ffff:a.b.c.d):
 * only IPv4 clients reach it, so it is an IPv4 listener. */
bool model_v4_mapped(const struct sock_rec *s);

/* "loopback", "address", "device" or "all"; never translated. */
const char *exposure_name(enum exposure e);

#endif
