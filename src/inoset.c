/* inoset.c - a set of socket inodes */
#include "config.h"
#include "inoset.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void inoset_init(struct inoset *s)
{
	memset(s, 0, sizeof(*s));
}

void inoset_release(struct inoset *s)
{
	free(s->v);
	inoset_init(s);
}

void inoset_clear(struct inoset *s)
{
	s->n = 0;
}

void inoset_add(struct inoset *s, uint32_t inode)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = inode;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

void inoset_seal(struct inoset *s)
{
	size_t i, n = 0;

	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u32);
	for (i = 0; i < s->n; i++)
		if (n == 0 || s->v[n - 1] != s->v[i])
			s->v[n++] = s->v[i];
	s->n = n;
}

bool inoset_has(const struct inoset *s, uint32_t inode)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid] < inode)
			lo = mid + 1;
		else if (s->v[mid] > inode)
			hi = mid;
		else
			return true;
	}
	return false;
}

struct radix_item *inoset_radix(struct radix_item *w, struct radix_item *tmp,
				size_t n)
{
	uint64_t all = ~0ull, any = 0;
	unsigned shift;
	size_t i;

	for (i = 0; i < n; i++) {
		all &= w[i].key;
		any |= w[i].key;
	}
	/* a byte at a time from the lowest, each pass stable */
	for (shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, pos = 0, b;
		struct radix_item *swap;

		if ((((all ^ any) >> shift) & 0xff) == 0)
			continue;	/* the same byte in every key */
		for (i = 0; i < n; i++)
			count[(w[i].key >> shift) & 0xff]++;
		for (b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (i = 0; i < n; i++)
			tmp[count[(w[i].key >> shift) & 0xff]++] = w[i];
		swap = w;
		w = tmp;
		tmp = swap;
	}
	return w;
}

void inoset_order(const uint32_t *keys, size_t n, uint32_t *order)
{
	struct radix_item *a, *b, *res;
	size_t i;

	a = xmalloc((n ? n : 1) * sizeof(*a));
	b = xmalloc((n ? n : 1) * sizeof(*b));
	for (i = 0; i < n; i++) {
		a[i].key = keys[i];
		a[i].idx = (uint32_t)i;
	}
	res = inoset_radix(a, b, n);
	for (i = 0; i < n; i++)
		order[i] = res[i].idx;
	free(a);
	free(b);
}

void *inoset_sorted(const void *base, size_t n, size_t size,
		    const uint32_t *keys,
		    int (*cmp)(const void *, const void *))
{
	uint32_t *order = xmalloc((n ? n : 1) * sizeof(*order));
	char *out = xmalloc((n ? n : 1) * size);
	size_t i, j;

	inoset_order(keys, n, order);
	for (i = 0; i < n; i++)
		memcpy(out + i * size, (const char *)base + order[i] * size,
		       size);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && keys[order[j]] == keys[order[i]]; j++)
			;
		if (j - i > 1)
			qsort(out + i * size, j - i, size, cmp);
	}
	free(order);
	return out;
}

bool inoset_distinct(const uint32_t *v, size_t n)
{
	size_t size = 16, mask, i;
	uint32_t *seen;
	bool distinct = true;

	while (size < 2 * n + 1)
		size *= 2;
	mask = size - 1;
	seen = xcalloc(size, sizeof(*seen));
	for (i = 0; i < n && distinct; i++) {
		size_t j;

		if (v[i] == 0) {
			distinct = false;
			break;
		}
		for (j = inoset_hash(v[i]) & mask;; j = (j + 1) & mask) {
			if (seen[j] == 0) {
				seen[j] = v[i];
				break;
			}
			if (seen[j] == v[i]) {
				distinct = false;
				break;
			}
		}
	}
	free(seen);
	return distinct;
}
