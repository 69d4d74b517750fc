/* columns_order.c - the order of a column: keys taken once per row,
 * sorted in linear time where the first word decides */
#include "config.h"
#include "columns.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "inoset.h"
#include "model.h"
#include "xalloc.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* What a row is sorted by: words compared in turn, then a string, then
 * the row's place (so that ties keep the rows' order). */
struct sort_key {
	uint64_t k[3];
	const char *s;		/* or NULL */
	uint32_t idx;
};

/* The first 8 bytes of s as a number that orders as strcmp() does. */
static uint64_t str_prefix(const char *s)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++) {
		v <<= 8;
		if (*s)
			v |= (unsigned char)*s++;
	}
	return v;
}

static uint64_t be_bytes(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* A signed int in an order-preserving unsigned word. */
static uint64_t signed_key(int v)
{
	return (uint64_t)((int64_t)v) ^ (1ull << 63);
}

static void str_key(struct sort_key *k, const char *s)
{
	k->s = s;
	k->k[0] = str_prefix(s);
}

static const char *command_key(const struct model *m, const struct row *r)
{
	const struct proc_info *p =
		r->nholders ? model_proc(m, &r->holders[0]) : NULL;

	return p ? p->comm : "";
}

/* The key of row r for column col: the same order as columns[col].cmp. */
static void make_key(struct sort_key *k, const struct model *m,
		     const struct row *r, enum col_id col)
{
	const struct sock_rec *s = r->sock;
	const uint8_t *a = (const uint8_t *)s->addr;
	const char *name;

	memset(k, 0, sizeof(*k));
	switch (col) {
	case COL_PROTO:
		k->k[0] = (uint64_t)s->proto << 32 | s->family;
		break;
	case COL_ADDRESS:
		k->k[0] = (uint64_t)s->family << 32 | be_bytes(a, 4);
		k->k[1] = be_bytes(a + 4, 8);
		k->k[2] = be_bytes(a + 12, 4) << 32 | s->ifindex;
		break;
	case COL_PORT:
		k->k[0] = s->port;
		break;
	case COL_SERVICE:
		str_key(k, r->service ? r->service->name : "");
		break;
	case COL_CLASS:
		k->k[0] = (uint64_t)r->cls;
		break;
	case COL_EXPOSURE:
		k->k[0] = (uint64_t)r->exposure;
		break;
	case COL_QUEUE:		/* compared as a fraction: see cmp_queue() */
		k->k[0] = s->rqueue;
		k->k[1] = (uint32_t)(s->wqueue + 1);
		break;
	case COL_CONNS:
		k->k[0] = r->conns;
		break;
	case COL_DROPS:
		k->k[0] = s->drops;
		break;
	case COL_USER:
		name = model_user(m, s->uid);
		str_key(k, name ? name : "");
		break;
	case COL_PID:
	case COL_FD:
		k->k[0] = signed_key(r->nholders ? r->holders[0].pid : 0);
		break;
	case COL_INODE:
		k->k[0] = s->inode;
		break;
	case COL_UNIT:
		str_key(k, row_unit(r));
		break;
	case COL_NETNS:
		k->k[0] = s->netns;
		break;
	case COL_COMMAND:
		str_key(k, command_key(m, r));
		break;
	case COL__COUNT:
		break;
	}
}

struct sort_ctx {
	bool queue;		/* k[0]/k[1] is a fraction */
	bool reverse;
};

static int key_cmp(const struct sort_key *x, const struct sort_key *y,
		   bool queue)
{
	size_t i;

	if (queue) {
		uint64_t fa = x->k[0] * y->k[1], fb = y->k[0] * x->k[1];

		return CMP(fa, fb);
	}
	for (i = 0; i < 3; i++)
		if (x->k[i] != y->k[i])
			return x->k[i] < y->k[i] ? -1 : 1;
	if (x->s && y->s)
		return strcmp(x->s, y->s);
	return 0;
}

static int cmp_keys(const void *a, const void *b, void *data)
{
	const struct sort_ctx *ctx = data;
	const struct sort_key *x = a, *y = b;
	int c = key_cmp(x, y, ctx->queue);

	if (c)
		return ctx->reverse ? -c : c;
	return CMP(x->idx, y->idx);
}

/* Columns whose key is its first word alone. */
static bool one_word(enum col_id col)
{
	switch (col) {
	case COL_ADDRESS:
	case COL_SERVICE:
	case COL_QUEUE:
	case COL_USER:
	case COL_UNIT:
	case COL_COMMAND:
		return false;
	default:
		return true;
	}
}

struct run_ctx {
	const struct sort_key *keys;	/* by row */
	struct sort_ctx sort;
};

static int cmp_run(const void *a, const void *b, void *data)
{
	const struct run_ctx *ctx = data;
	const struct radix_item *x = a, *y = b;

	return cmp_keys(&ctx->keys[x->idx], &ctx->keys[y->idx],
			(void *)&ctx->sort);
}

void columns_order(const struct model *m, enum col_id col, bool reverse,
		   uint32_t *order)
{
	struct run_ctx ctx = { NULL, { col == COL_QUEUE, reverse } };
	struct sort_key *keys = NULL, one;
	struct radix_item *w, *tmp, *res;
	size_t i, n = m->nrows;

	if (n < 2 || col >= COL__COUNT) {
		for (i = 0; i < n; i++)
			order[i] = (uint32_t)i;
		return;
	}
	if (ctx.sort.queue) {
		keys = xmalloc(n * sizeof(*keys));
		for (i = 0; i < n; i++) {
			make_key(&keys[i], m, &m->rows[i], col);
			keys[i].idx = (uint32_t)i;
		}
		qsort_r(keys, n, sizeof(*keys), cmp_keys, &ctx.sort);
		for (i = 0; i < n; i++)
			order[i] = keys[i].idx;
		free(keys);
		return;
	}
	/* the first word in linear time (ties stay in row order), then the
	 * runs it leaves tied by the rest of the key */
	w = xmalloc(n * sizeof(*w));
	tmp = xmalloc(n * sizeof(*tmp));
	if (!one_word(col))
		keys = xmalloc(n * sizeof(*keys));
	for (i = 0; i < n; i++) {
		struct sort_key *k = keys ? &keys[i] : &one;

		make_key(k, m, &m->rows[i], col);
		k->idx = (uint32_t)i;
		w[i].key = reverse ? ~k->k[0] : k->k[0];
		w[i].idx = (uint32_t)i;
	}
	res = inoset_radix(w, tmp, n);
	ctx.keys = keys;
	for (i = 0; keys && i < n;) {
		size_t j = i + 1;

		while (j < n && res[j].key == res[i].key)
			j++;
		if (j - i > 1)
			qsort_r(res + i, j - i, sizeof(*res), cmp_run, &ctx);
		i = j;
	}
	for (i = 0; i < n; i++)
		order[i] = res[i].idx;
	free(keys);
	free(tmp);
	free(w);
}
