/* owners_bpf_filter.c - the walk's filter: which fd slots a pass of the
 * iter/task walk need not read.
 *
 * Reading f_op of every open file is most of what a pass costs (a cache
 * miss a file). But the struct file of a socket never changes while the
 * socket lives (sock->file is set once, when the socket gets its file),
 * and every holder of the socket holds that same struct file: dup(), fork,
 * SCM_RIGHTS and pidfd_getfd() all copy the pointer, and no way exists to
 * open a second file of a socket (an open of /proc/PID/fd/N of a socket
 * fails). So once a pass has seen the file of each wanted socket, every
 * (holder, fd) of every wanted socket is a slot holding one of those
 * pointers, and the next pass need read no other slot: a slot whose
 * pointer's bit is clear in the bitmap holds no wanted socket, whatever it
 * holds. That is exact, not a guess:
 *  - bits set by other pointers (hash collisions) cost only the read of
 *    that file, which is checked as without the filter;
 *  - a wanted socket that closed and whose file's memory was reused by
 *    another file is caught by that check (f_op is socket_file_ops, the
 *    inode is a wanted one); a socket that closed is no longer wanted
 *    anyway (it left the netlink dump);
 *  - a socket is known by its inode and its cookie together, so a new
 *    socket that got an old one's inode number is not taken for it;
 *  - a wanted socket whose file is not known (new since the last pass, or
 *    held by nobody the last pass saw: in flight, a kernel socket) is
 *    asked for it first (owners_bpf_sock.c): a socket that has none (the
 *    kernel's own, an MPTCP subflow) is in no slot, and a file learned so
 *    is the one every holder holds; a socket that it cannot tell turns
 *    the filter off for the pass, which then learns the files;
 *  - a socket with inode 0 has no file (no struct socket): nothing to
 *    look for.
 * Everything else of a pass (table records, continuation passes, the
 * processes it did not visit) is the same with the filter on or off. */
#include "config.h"
#include "owners_bpf_filter.h"

#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include "owners_bpf_rec.h"
#include "xalloc.h"

static int cmp_entry(const void *a, const void *b)
{
	const struct filter_entry *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

struct filter_entry *owners_filter_find(const struct owners_filter *f,
					uint32_t inode)
{
	struct filter_entry key = { .inode = inode };

	if (!f->n)
		return NULL;	/* no table: bsearch() of NULL is undefined */
	return bsearch(&key, f->v, f->n, sizeof(*f->v), cmp_entry);
}

/* The same sockets wanted as at the last want(), in the same order: v is
 * what it would make again, but for what this scan has not checked yet. */
static bool want_again(struct owners_filter *f, const uint32_t *inodes,
		       const uint64_t *cookies, size_t n)
{
	size_t i;

	if (!cookies || !f->last_cookies || n != f->last_n ||
	    memcmp(inodes, f->last_inodes, n * sizeof(*inodes)) != 0 ||
	    memcmp(cookies, f->last_cookies, n * sizeof(*cookies)) != 0)
		return false;
	f->nkernel = 0;
	for (i = 0; i < f->n; i++) {
		f->v[i].check = f->v[i].twice ? FILTER_CHECKED
					      : FILTER_UNCHECKED;
		if (f->v[i].twice)
			f->v[i].file = 0;
	}
	return true;
}

/* Remember the input of this want() for the next. */
static void want_keep(struct owners_filter *f, const uint32_t *inodes,
		      const uint64_t *cookies, size_t n)
{
	f->last_n = 0;
	if (!cookies)
		return;
	f->last_inodes = xgrow(f->last_inodes, &f->cap_inodes, n ? n : 1,
			       sizeof(*inodes));
	f->last_cookies = xgrow(f->last_cookies, &f->cap_cookies, n ? n : 1,
				sizeof(*cookies));
	memcpy(f->last_inodes, inodes, n * sizeof(*inodes));
	memcpy(f->last_cookies, cookies, n * sizeof(*cookies));
	f->last_n = n;
}

bool owners_filter_want(struct owners_filter *f, const uint32_t *inodes,
			const uint64_t *cookies, size_t n)
{
	struct filter_entry *old = f->v, *e;
	size_t nold = f->n, i, k = 0;
	bool known;

	if (want_again(f, inodes, cookies, n))
		return owners_filter_known(f);
	want_keep(f, inodes, cookies, n);

	f->v = NULL;
	f->n = 0;
	f->cap = 0;
	f->nkernel = 0;
	f->v = xgrow(f->v, &f->cap, n ? n : 1, sizeof(*f->v));
	for (i = 0; i < n; i++) {
		if (inodes[i] == 0)
			continue;	/* no socket file */
		f->v[f->n].inode = inodes[i];
		f->v[f->n].cookie = cookies ? cookies[i] : 0;
		f->v[f->n].check = FILTER_UNCHECKED;
		f->v[f->n].twice = false;
		f->v[f->n++].file = 0;
	}
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_entry);
	for (i = 0; i < f->n; i++) {
		struct filter_entry key = f->v[i];

		/* one inode twice: the same socket, or a file not known (and
		 * not to be asked of one of the two sockets) */
		if (k && f->v[k - 1].inode == key.inode) {
			if (f->v[k - 1].cookie != key.cookie) {
				f->v[k - 1].file = 0;
				f->v[k - 1].check = FILTER_CHECKED;
				f->v[k - 1].twice = true;
			}
			continue;
		}
		e = cookies && nold ? bsearch(&key, old, nold, sizeof(*old),
					      cmp_entry) : NULL;
		if (e && e->cookie == key.cookie)
			key.file = e->file;
		f->v[k++] = key;
	}
	f->n = k;
	known = owners_filter_known(f);
	free(old);
	return known && cookies;
}

bool owners_filter_known(const struct owners_filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].file == 0 && f->v[i].check != FILTER_KERNEL &&
		    f->v[i].check != FILTER_SUBFLOW)
			return false;
	return true;
}

void owners_filter_learn(struct owners_filter *f, uint32_t inode,
			 uint64_t file)
{
	struct filter_entry *e = owners_filter_find(f, inode);

	if (e && file)
		e->file = file;
}

void owners_filter_fill(const struct owners_filter *f, __u64 *bits,
			size_t words)
{
	size_t i;

	memset(bits, 0, words * sizeof(*bits));
	for (i = 0; i < f->n; i++) {
		uint64_t h = porttop_file_hash(f->v[i].file);
		int k;

		for (k = 0; k < 2; k++) {
			uint32_t bit = porttop_file_bit(h, k);

			if (f->v[i].file && bit / 64 < words)
				bits[bit / 64] |= 1ULL << (bit % 64);
		}
	}
}

void owners_filter_release(struct owners_filter *f)
{
	free(f->v);
	free(f->last_inodes);
	free(f->last_cookies);
	memset(f, 0, sizeof(*f));
}
