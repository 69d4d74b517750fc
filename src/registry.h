/* registry.h - the port registry: service names from services files, and
 * the range class of every port */
#ifndef PORTTOP_REGISTRY_H
#define PORTTOP_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct registry;

/* One services-file entry. */
struct service {
	const char *name;	/* official name */
	const char *aliases;	/* space-separated aliases, or "" */
	const char *desc;	/* the line's comment, or "" */
	uint16_t port;
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t layer;		/* load order: a later file wins */
	uint32_t line;		/* order inside its file */
};

enum port_class {
	PORT_WELL_KNOWN,	/* 0-1023 */
	PORT_REGISTERED,	/* 1024-49151 */
	PORT_DYNAMIC,		/* 49152-65535 */
};

/* The ephemeral range and the reserved ports of one network namespace
 * (both are per namespace: net.ipv4.ip_local_port_range and
 * ip_local_reserved_ports). Plain data. */
struct port_ranges {
	uint16_t eph_lo, eph_hi;	/* eph_hi 0: unknown */
	uint8_t reserved[65536 / 8];	/* bitmap of reserved ports */
};

/* Read pr from the two sysctl files under dir (".../sys/net/ipv4"), as
 * the namespace of the calling thread sees them. Returns 0 or -errno; pr
 * is emptied first, so what cannot be read flags nothing. */
int port_ranges_load(struct port_ranges *pr, const char *dir);

/* True if port lies in pr's ephemeral range (pr may be NULL: false). */
bool port_ranges_ephemeral(const struct port_ranges *pr, uint16_t port);

/* True if port is reserved in pr (pr may be NULL: false). */
bool port_ranges_reserved(const struct port_ranges *pr, uint16_t port);

/* An empty registry; caller frees with registry_free(). */
struct registry *registry_new(void);
void registry_free(struct registry *r);

/* Add the entries of a services file. Entries of a later load win over
 * those of an earlier one for the same port and protocol. Returns 0 or
 * -errno (the file cannot be read). */
int registry_load(struct registry *r, const char *path);

/* Add the entries in services-file text buf (need not end in a newline).
 * Malformed lines are skipped and counted. Returns how many were skipped. */
size_t registry_parse(struct registry *r, const char *buf, size_t len);

/* Read this host's ephemeral port range and reserved ports from
 * proc_root/sys/net/ipv4/ (ip_local_port_range, ip_local_reserved_ports).
 * Returns 0 or -errno; without them nothing is flagged. */
int registry_load_sysctl(struct registry *r, const char *proc_root);

/* The ranges registry_load_sysctl() read (porttop's own namespace);
 * borrowed from r. */
const struct port_ranges *registry_ranges(const struct registry *r);

/* True if port lies in the host's ephemeral range, where outgoing
 * connections take their local ports. */
bool registry_ephemeral(const struct registry *r, uint16_t port);

/* The host's ephemeral range; false if unknown. */
bool registry_ephemeral_range(const struct registry *r, uint16_t *lo,
			      uint16_t *hi);

/* True if port is in ip_local_reserved_ports. */
bool registry_reserved(const struct registry *r, uint16_t port);

/* Parse ip_local_reserved_ports text ("8080,9000-9010") into r. Returns
 * false if it is malformed (then nothing is kept). */
bool registry_parse_reserved(struct registry *r, const char *buf, size_t len);

/* The service for (port, proto), or NULL. Borrowed from r. */
const struct service *registry_lookup(const struct registry *r, uint16_t port,
				      uint8_t proto);

/* The service named name (or an alias) for proto (0: any), or NULL. */
const struct service *registry_find_name(const struct registry *r,
					 const char *name, uint8_t proto);

/* The IANA range class of port. */
enum port_class registry_class(uint16_t port);

/* "well-known", "registered" or "dynamic"; never translated. */
const char *port_class_name(enum port_class c);

#endif
