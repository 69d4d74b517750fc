/* collector.h - a netlink sock_diag session that dumps one network namespace */
#ifndef PORTTOP_COLLECTOR_H
#define PORTTOP_COLLECTOR_H

#include <stdint.h>

#include "sock.h"

struct collector;

/* Open a sock_diag socket in the network namespace netns_fd (-1: ours),
 * connected to the kernel. Returns NULL with errno set; caller frees with
 * collector_free(). Entering another namespace needs CAP_SYS_ADMIN. */
struct collector *collector_new(int netns_fd);
void collector_free(struct collector *c);

/* Save every datagram received from now on to fd (a --record file);
 * -1 stops. The magic line is written here. Returns 0 or -errno. */
int collector_record(struct collector *c, int fd);

/* Dump the sockets that "what" selects and append them to out. An
 * interrupted dump is redone. Returns 0 or -errno; -ENOENT means the kernel
 * has no diag support for the protocol that collector_failed_proto() names. */
int collector_dump(struct collector *c, unsigned what, struct sock_vec *out);

/* The protocol (IPPROTO_*) of the last failed dump. */
int collector_failed_proto(const struct collector *c);

/* Name the interface ifindex of this namespace (through rtnetlink) into
 * name, IF_NAMESIZE bytes. Returns 0 or -errno. */
int collector_ifname(struct collector *c, uint32_t ifindex, char *name);

/* The inode of the network namespace this collector dumps (0 unknown). */
uint64_t collector_netns(const struct collector *c);

#endif
