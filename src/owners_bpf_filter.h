/* owners_bpf_filter.h - the walk's filter: the struct file of each wanted
 * socket, learned by one pass and used by the next (owners_bpf_filter.c);
 * for owners_bpf.c only */
#ifndef PORTTOP_OWNERS_BPF_FILTER_H
#define PORTTOP_OWNERS_BPF_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

/* What this scan's check of the sockets themselves (owners_bpf_sock.c)
 * found of a wanted socket whose file was not known; never kept from one
 * scan to the next. */
enum filter_check {
	FILTER_UNCHECKED,	/* not looked at */
	FILTER_CHECKED,		/* looked at: not found, or no file yet */
	FILTER_KERNEL,		/* no file, ever: the kernel's own socket */
	FILTER_SUBFLOW,		/* no file, ever: an MPTCP socket's subflow */
};

/* A wanted socket: its inode and cookie, and its file as last seen. */
struct filter_entry {
	uint32_t inode;
	uint64_t cookie;
	uint64_t file;		/* struct file *, or 0: not known */
	enum filter_check check;	/* of this scan */
	bool twice;		/* wanted twice with two cookies: no file */
};

struct owners_filter {
	struct filter_entry *v;	/* by inode */
	size_t n, cap;
	size_t nkernel;		/* entries of this scan with FILTER_KERNEL */
	/* the last want()'s inodes and cookies, as given: a refresh that
	 * wants the same sockets in the same order (nothing opened or
	 * closed) keeps v without sorting it again */
	uint32_t *last_inodes;
	uint64_t *last_cookies;
	size_t last_n, cap_inodes, cap_cookies;
};

/* The wanted sockets of the next pass (cookies[i]: of inodes[i]; NULL: not
 * known, so no file is either), keeping the file learned of each that was
 * wanted, with the same cookie, before; the others are dropped. True if
 * the file of every wanted socket is known: the pass may be filtered. */
bool owners_filter_want(struct owners_filter *f, const uint32_t *inodes,
			const uint64_t *cookies, size_t n);

/* True if no slot of any fd table can hold a wanted socket whose file is
 * not known: each has a file known, or none at all (FILTER_KERNEL,
 * FILTER_SUBFLOW). */
bool owners_filter_known(const struct owners_filter *f);

/* The wanted socket inode, or NULL. Borrowed, until the next want. */
struct filter_entry *owners_filter_find(const struct owners_filter *f,
					uint32_t inode);

/* A pass saw the socket inode in the struct file at file. */
void owners_filter_learn(struct owners_filter *f, uint32_t inode,
			 uint64_t file);

/* The bits of the wanted sockets' files into bits (words words). */
void owners_filter_fill(const struct owners_filter *f, __u64 *bits,
			size_t words);

void owners_filter_release(struct owners_filter *f);

#endif
