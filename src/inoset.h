/* inoset.h - a set of socket inodes: build, seal, ask */
#ifndef PORTTOP_INOSET_H
#define PORTTOP_INOSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inoset {
	uint32_t *v;	/* sorted and unique once sealed */
	size_t n, cap;
};

void inoset_init(struct inoset *s);
void inoset_release(struct inoset *s);
/* Empty it, keeping the storage. */
void inoset_clear(struct inoset *s);
void inoset_add(struct inoset *s, uint32_t inode);
/* Sort and drop duplicates; inoset_has() needs it after adds. */
void inoset_seal(struct inoset *s);
bool inoset_has(const struct inoset *s, uint32_t inode);
/* A hash of an inode for open addressing: inodes are dense, buckets must
 * not be (a multiply-xorshift mix). */
static inline uint32_t inoset_hash(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/* True if the n inodes at v are all distinct and none is 0. */
bool inoset_distinct(const uint32_t *v, size_t n);
/* A key and the index of what it keys, for inoset_radix(). */
struct radix_item {
	uint64_t key;
	uint32_t idx;
};

/* Stable LSD radix sort of the n items at w by key: bytes that every key
 * shares take no pass. tmp holds n items. Returns w or tmp, whichever
 * holds the result. */
struct radix_item *inoset_radix(struct radix_item *w, struct radix_item *tmp,
				size_t n);
/* The indexes 0..n-1 into order, sorted by keys[index] (inodes, or any
 * 32-bit key), equal keys in index order: a radix sort, linear in n. */
void inoset_order(const uint32_t *keys, size_t n, uint32_t *order);
/* A copy of the n records of size bytes at base, sorted by keys[i] (the
 * key of record i), and the records of one key by cmp, which orders by
 * that key first: the order a stable sort with cmp gives, but linear in n
 * but for runs of one key. Caller frees it. */
void *inoset_sorted(const void *base, size_t n, size_t size,
		    const uint32_t *keys,
		    int (*cmp)(const void *, const void *));

#endif
