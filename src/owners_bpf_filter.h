/* owners_bpf_filter.h - the walk's filter: the struct file of each wanted
 * socket, learned by one pass and used by the next (owners_bpf_filter.c);
 * for owners_bpf.c only */
#ifndef PORTTOP_OWNERS_BPF_FILTER_H
#define PORTTOP_OWNERS_BPF_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

/* A wanted socket: its inode and cookie, and its file as last seen. */
struct filter_entry {
	uint32_t inode;
	uint64_t cookie;
	uint64_t file;		/* struct file *, or 0: not known */
};

struct owners_filter {
	struct filter_entry *v;	/* by inode */
	size_t n, cap;
};

/* The wanted sockets of the next pass (cookies[i]: of inodes[i]; NULL: not
 * known, so no file is either), keeping the file learned of each that was
 * wanted, with the same cookie, before; the others are dropped. True if
 * the file of every wanted socket is known: the pass may be filtered. */
bool owners_filter_want(struct owners_filter *f, const uint32_t *inodes,
			const uint64_t *cookies, size_t n);

/* A pass saw the socket inode in the struct file at file. */
void owners_filter_learn(struct owners_filter *f, uint32_t inode,
			 uint64_t file);

/* The bits of the wanted sockets' files into bits (words words). */
void owners_filter_fill(const struct owners_filter *f, __u64 *bits,
			size_t words);

void owners_filter_release(struct owners_filter *f);

#endif
