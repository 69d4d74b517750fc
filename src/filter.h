/* filter.h - which listeners to show: ports, protocols, families, owners */
#ifndef PORTTOP_FILTER_H
#define PORTTOP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct registry;
struct row;
struct sock_rec;

struct port_range {
	uint16_t lo, hi;	/* inclusive */
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP, or 0 for both */
};

/* Kinds of criteria combine with AND; values of one kind with OR. */
struct filter {
	struct port_range *ports;	/* owned */
	size_t nports;
	int *pids;			/* owned */
	size_t npids;
	uint32_t *uids;			/* owned */
	size_t nuids;
	const char **commands;		/* borrowed strings, owned array */
	size_t ncommands;
	bool exposed;			/* only listeners beyond loopback */
	uint8_t family;			/* AF_INET: IPv4 listeners
					 * (v4-mapped ones too); AF_INET6:
					 * the other IPv6 ones; 0: both */
	const char *text;		/* live-view filter text, or NULL */
};

void filter_init(struct filter *f);
void filter_release(struct filter *f);

/* True if any criterion is set (then an empty result exits 1). */
bool filter_active(const struct filter *f);

/* Parse a port spec: PORT, LO-HI, or a service name, each optionally
 * followed by /tcp or /udp. Service names are looked up in reg (may be
 * NULL). Appends to f->ports. Returns 0, or -EINVAL with a static N_()
 * reason in *why. */
int filter_add_port_spec(struct filter *f, const char *spec,
			 const struct registry *reg, const char **why);

/* Parse a pid and append it. Returns 0 or -EINVAL with *why. */
int filter_add_pid(struct filter *f, const char *s, const char **why);

/* Append a uid (from a user name or number resolved by the caller). */
void filter_add_uid(struct filter *f, uint32_t uid);

/* Append a command-name pattern (a substring of comm or the command line);
 * the string is borrowed. */
void filter_add_command(struct filter *f, const char *s);

/* True if port/proto passes the port criteria. */
bool filter_port_match(const struct filter *f, uint16_t port, uint8_t proto);

/* True if socket s is of the family f asks for (-4, -6): an IPv6 socket
 * bound to a v4-mapped address is an IPv4 listener. */
bool filter_family_match(const struct filter *f, const struct sock_rec *s);

/* True if row r of m passes every criterion. */
bool filter_match(const struct filter *f, const struct model *m,
		  const struct row *r);

/* filter_match() in the shape of model_build()'s keep: f is the filter
 * (NULL: every row passes). */
bool filter_keep(const struct model *m, const struct row *r, const void *f);

#endif
