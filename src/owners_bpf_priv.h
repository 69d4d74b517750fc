/* owners_bpf_priv.h - what owners_bpf.c (loading the BPF owner programs,
 * the scan and its holders' facts) and owners_bpf_pass.c (one pass of the
 * iterator, read) share. Not for the rest of porttop. */
#ifndef PORTTOP_OWNERS_BPF_PRIV_H
#define PORTTOP_OWNERS_BPF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "owners_bpf_filter.h"
#include "owners_priv.h"

#ifdef HAVE_BPF
#include <linux/types.h>
/* generated code and libbpf's header for it: not held to our warnings */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpointer-arith"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wjump-misses-init"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "owners_bpf_rec.h"
#include "owners_iter.skel.h"
#include "owners_walk.skel.h"
#include "owners_walk_direct.skel.h"
#include "owners_sock_rec.h"
#include "owners_sock.skel.h"
#pragma GCC diagnostic pop
#endif

/* bytes of the iterator's output read at a time */
#define OWNERS_BPF_READ_BUF (64 * 1024)

/* A table whose walk a continuation pass must finish. */
struct more {
	int tid;		/* the task whose table it is */
	uint32_t fd;		/* where to resume */
	uint64_t start;		/* its process's start, ns after boot */
};

struct owners_bpf {
#ifdef HAVE_BPF
	/* the program loaded, one of: */
	struct porttop_walk_direct *walkd; /* the walk's direct loads */
	struct porttop_walk *walk;	/* the iter/task walk */
	struct porttop_bpf *skel;	/* the iter/task_file fallback */
#endif
	int link_fd;		/* the iterator's link (its skeleton's); -1 */
	struct more *more;	/* the last pass's unfinished tables */
	size_t nmore, cap_more;
	long long boot_offset;	/* this time namespace's boottime offset, ns */
	long hz;		/* clock ticks a second, as in /proc stat */
	char *buf;		/* READ_BUF bytes for the iterator's output */
	int *visited;		/* the processes the last pass visited */
	size_t nvisited, cap_visited;
	int skip_pid;		/* test hook: a process the passes drop */
	struct owners_filter filter;	/* the wanted sockets' files */
	uint64_t *cookies;	/* of the next scan's inodes, or NULL */
	size_t ncookies, cap_cookies;
	uint64_t skipped;	/* slots the last pass's filter skipped */
#ifdef HAVE_BPF
	struct porttop_sock *sock;	/* the sockets' own check, or NULL:
					 * not loaded yet (owners_bpf_sock.c) */
#endif
	int sock_links[2];	/* its iter/tcp and iter/udp links */
	int *netns_fds;		/* other namespaces the next scan's sockets
				 * may be of (borrowed fds) */
	size_t nnetns, cap_netns;
	int (*nsrun)(int netns_fd, int (*fn)(void *arg), void *arg);
	bool sock_failed;	/* it would not load: not tried again */
};

/* One process that holds a wanted socket, as the iterator saw it. */
struct seen {
	int pid;
	unsigned long long start;	/* clock ticks after boot */
	uint32_t uid;			/* effective */
	char comm[16];			/* its name, as in its stat file */
};

/* Ask the wanted sockets whose file the filter does not know for it, or
 * whether they have none (owners_bpf_sock.c): before the walk (before) only
 * if they are few, after it all. True if the filter knows enough for the
 * walk to be filtered (owners_filter_known()). */
bool owners_bpf_sock_check(struct owners_bpf *b, bool before);

#ifdef HAVE_BPF
/* One pass of the iterator, and the continuation passes of the tables it
 * left unfinished: the wanted socket fds into w, the processes that hold
 * them into *seen (in the order met), those it visited into b->visited;
 * the walk filtered if filter. Returns 0 or -errno. */
int owners_bpf_iterate(struct owners_bpf *b, struct worker *w,
		       struct seen **seen, size_t *nseen, bool filter);
#endif

#endif
