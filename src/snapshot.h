/* snapshot.h - what one refresh found, resolved: the plain input of the
 * model
 *
 * Source fills a snapshot: the sockets (unique by inode), each socket's
 * holders, the processes that hold them with what Source resolved about
 * them (start time, unit or container, forwarder), the socket's own cgroup
 * label, user names, the namespaces, and the scan-wide facts of the owner
 * scan. model_build() takes it over. Plain records only, nothing above
 * Base: every part may read this header (tests/layers.sh "records"); the
 * owner scan fills struct proc_info and struct holder, the cgroup parser
 * struct context. */
#ifndef PORTTOP_SNAPSHOT_H
#define PORTTOP_SNAPSHOT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ownerstat.h"
#include "sock.h"

struct port_ranges;

/* What a cgroup path says about where a process runs. */
struct context {
	char unit[128];		/* systemd unit ("nginx.service"), or "" */
	char runtime[16];	/* "docker", "podman", "containerd", "crio",
				 * "lxc", "nspawn", or "" */
	char id[80];		/* container id or name, or "" */
};

/* One process that holds at least one wanted socket. */
struct proc_info {
	int pid;
	uint32_t uid;			/* effective uid */
	unsigned long long start_time;	/* clock ticks after boot */
	char comm[64];			/* raw bytes, NUL-ended */
	size_t comm_len;
	char *cmdline;			/* argv joined by NUL; may be empty */
	size_t cmdline_len;
	bool cmdline_cut;		/* longer than OWNERS_CMDLINE_MAX */
	char *cgroup;			/* text of /proc/PID/cgroup (every
					 * hierarchy, NUL-ended), or NULL */
};

/* One file descriptor that refers to a socket. */
struct holder {
	uint32_t inode;
	int pid;
	int tid;		/* == pid unless a task has its own fd table */
	int fd;
	uint32_t proc;		/* index of its process (owners_proc(), or
				 * snapshot.procs) */
};

/* What Source resolved about a process of the snapshot. */
struct proc_facts {
	time_t started;			/* seconds since the epoch; 0 unknown */
	struct context ctx;		/* unit or container of its cgroups */
	uint32_t cgroup_off;		/* the cgroup path that says so (else
					 * the v2 one) at proc_info.cgroup +
					 * cgroup_off, not NUL-ended, */
	uint32_t cgroup_len;		/* cgroup_len bytes; 0: none */
	char forward[64];		/* a forwarder's target "ip:port" (the
					 * real binary run by root), or "" */
	uint16_t forward_port;		/* its port, if forward[0] */
};

/* What Source found for one socket beyond its record. */
struct sock_facts {
	uint32_t holder;		/* its holders: snapshot.holders */
	uint32_t nholders;		/* [holder, holder + nholders), sorted
					 * by pid, tid and fd */
	uint32_t ctx;			/* its own cgroup's label (cgroup v2 id):
					 * snapshot.ctxs[ctx - 1]; 0 none */
	uint32_t device;		/* its bound device's name:
					 * snapshot.devices[device - 1]; 0 when
					 * unbound or unknown */
	bool activated;			/* socket activation: systemd made it
					 * for a .socket unit
					 * (context_activation()) */
	bool closed;			/* a dump after the owner scan no
					 * longer has it */
	bool holder_exited;		/* a process known to hold it exited
					 * during the scan */
	bool kernel;			/* it has no file: the kernel's own
					 * (owners_kernel()) */
};

/* A device that sockets of the snapshot are bound to. */
struct snap_device {
	uint64_t netns;
	uint32_t ifindex;
	char name[IF_NAMESIZE];
};

/* A user name of the snapshot. */
struct snap_user {
	uint32_t uid;
	char *name;			/* NULL: the uid has no name */
};

/* A network namespace the sockets come from. */
struct snap_netns {
	uint64_t netns;
	char name[64];			/* a named namespace's name, or "" */
	const struct port_ranges *ranges; /* its ephemeral and reserved ports,
					   * NULL: the registry's (ours);
					   * borrowed until model_build()
					   * returns, which copies them */
};

/* Every field is compared by snapshot_same(): a field added here is added
 * there, or a live view may keep a model built from other facts. */
struct snapshot {
	struct sock_vec socks;		/* unique by inode (inode 0: cookie) */
	struct sock_facts *facts;	/* facts[i] is of socks.v[i] */
	struct holder *holders;		/* holder.proc indexes procs */
	size_t nholders, cap_holders;
	struct proc_info *procs;	/* strings owned */
	struct proc_facts *pfacts;	/* pfacts[i] is of procs[i] */
	size_t nprocs, cap_procs;
	struct context *ctxs;		/* sockets' own cgroup labels */
	size_t nctxs, cap_ctxs;
	struct snap_device *devices;	/* names of bound devices */
	size_t ndevices, cap_devices;
	struct snap_user *users;	/* of the sockets and processes */
	size_t nusers, cap_users;
	struct snap_netns *netns;
	size_t nnetns, cap_netns;
	struct sock_vec conns;		/* established TCP connections */
	bool has_conns;			/* conns were listed */
	struct owner_facts owners;	/* what the owner scan could read,
					 * the same for every socket (unread,
					 * denied, hidepid, other_pidns);
					 * nholders, closed, holder_exited
					 * and kernel come from each
					 * socket's facts */
	struct owner_failures unread;	/* processes not fully read, why */
	bool hidepid;			/* /proc hides other users' processes */
	bool owners_incremental;	/* the owner scan was an incremental
					 * /proc refresh (see COST) */
	double owners_full_age;		/* then: seconds since its last full
					 * scan; 0 otherwise */
};

void snapshot_init(struct snapshot *s);
void snapshot_release(struct snapshot *s);

/* True if a and b hold the same facts, field by field (byte by byte where
 * a record has no pointer: a difference in padding only says false), but
 * for the namespaces' ranges, which model_build() moves out: the caller
 * compares those. */
bool snapshot_same(const struct snapshot *a, const struct snapshot *b);

/* Take over the sockets of v (v is emptied) as s's, keeping one per inode
 * (inode 0: one per cookie), with empty facts. A dump is not a snapshot: a
 * socket may come twice. Replaces the sockets s had. */
void snapshot_set_socks(struct snapshot *s, struct sock_vec *v);

/* Append a copy of p (its strings copied) with empty facts; returns its
 * index. */
uint32_t snapshot_add_proc(struct snapshot *s, const struct proc_info *p);

/* Append holder h of socket i: a socket's holders are appended one after
 * the other, in order (pid, tid, fd). h->proc must index s->procs. */
void snapshot_add_holder(struct snapshot *s, size_t i,
			 const struct holder *h);

/* Append a socket's own cgroup label; returns the value of
 * sock_facts.ctx that names it. */
uint32_t snapshot_add_context(struct snapshot *s, const struct context *c);

/* Append the name of device ifindex of namespace netns; returns the value
 * of sock_facts.device that names it. */
uint32_t snapshot_add_device(struct snapshot *s, uint64_t netns,
			     uint32_t ifindex, const char *name);

/* Note the name of uid (NULL: it has none); the string is copied. */
void snapshot_add_user(struct snapshot *s, uint32_t uid, const char *name);

/* True if uid has an entry (even one without a name); its name (or NULL)
 * into *name, borrowed from s. */
bool snapshot_user(const struct snapshot *s, uint32_t uid,
		   const char **name);

/* Append namespace netns (name may be NULL, ranges NULL); returns it. */
struct snap_netns *snapshot_add_netns(struct snapshot *s, uint64_t netns,
				      const char *name,
				      const struct port_ranges *ranges);

#endif
