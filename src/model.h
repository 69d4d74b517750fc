/* model.h - the join of a snapshot and the registry that views read: a
 * pure function of them (no /proc, no netlink, no owner scan) */
#ifndef PORTTOP_MODEL_H
#define PORTTOP_MODEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"
#include "snapshot.h"

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
	const struct holder *holders;	/* sorted by pid; in m->snap */
	size_t nholders;
	enum owner_status status;
	bool activated;			/* socket activation (sock_facts) */
	const struct context *sock_ctx;	/* what the socket's own cgroup
					 * says, or NULL; in m->snap */
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

struct model {
	struct snapshot snap;		/* what it was built from, owned: rows
					 * point into its sockets and holders */
	struct row *rows;		/* filtered and sorted, owned */
	size_t nrows;
	const struct registry *registry; /* borrowed */
	uint64_t netns;			/* namespace inspected; 0 unknown */
	bool has_conns;			/* conns were counted */
	size_t hidden_owners;		/* rows whose holders are unknown or
					 * may be incomplete */
	struct row_label **labels;	/* every row_label, owned */
	size_t nlabels, cap_labels;
	struct owner_failures unread;	/* processes not fully read, why */
	bool hidepid;			/* /proc hides other users' processes */
	bool owners_incremental;	/* holders from an incremental /proc
					 * refresh: one may be missed until
					 * the next full scan (see COST) */
	double owners_full_age;		/* then: seconds since that full scan */
	struct model_ranges *ranges;	/* per namespace, owned */
	size_t nranges;
	double scan_seconds;		/* the refresh that built it took this
					 * long; set by its caller, 0 unknown */
	bool partial;			/* some namespaces or protocols could
					 * not be listed; set by its caller */
	bool built;			/* by model_build() */
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

/* Which rows model_build() keeps: true to keep row r of m. */
typedef bool (*model_keep_fn)(const struct model *m, const struct row *r,
			      const void *data);

void model_init(struct model *m);
void model_release(struct model *m);

/* Join snapshot snap (taken over: emptied) with the registry reg (may be
 * NULL; borrowed for m's life) into rows, keep those keep(m, row, data)
 * passes (keep NULL: all), and sort them in the default order. The
 * previous content of m is released. */
void model_build(struct model *m, struct snapshot *snap,
		 const struct registry *reg, model_keep_fn keep,
		 const void *data);

/* True if model_build() of snap (with m's registry and the same keep and
 * data) would make m again: m was built from a snapshot that held exactly
 * snap's facts. False for a model not built, or one that counted
 * connections (it no longer holds them). */
bool model_built_from(const struct model *m, const struct snapshot *snap);

/* The default order of rows: protocol, port, family, address, device,
 * namespace, inode. */
int model_row_cmp(const struct row *a, const struct row *b);

/* The ephemeral range and reserved ports of the namespace netns: its own
 * where the source gave them, else the registry's; NULL if unknown.
 * Borrowed from m. */
const struct port_ranges *model_ranges(const struct model *m, uint64_t netns);

/* The user name of uid, or NULL; borrowed from m. */
const char *model_user(const struct model *m, uint32_t uid);

/* The process of holder h, and what Source resolved about it, or NULL;
 * borrowed from m. */
const struct proc_info *model_proc(const struct model *m,
				   const struct holder *h);
const struct proc_facts *model_proc_facts(const struct model *m,
					  const struct holder *h);

/* The cgroup path that says where the process of h runs (else its v2
 * path), not NUL-ended, length in *len; or NULL. Borrowed from m. */
const char *model_proc_cgroup(const struct model *m, const struct holder *h,
			      size_t *len);

/* Text form of a row's address ("0.0.0.0", "::1"), into out. */
void model_address(const struct row *r, char *out, size_t size);

/* True for an IPv6 socket bound to a v4-mapped address (::ffff:a.b.c.d):
 * only IPv4 clients reach it, so it is an IPv4 listener. */
bool model_v4_mapped(const struct sock_rec *s);

/* "loopback", "address", "device" or "all"; never translated. */
const char *exposure_name(enum exposure e);

#endif
