/* track.c - which listeners appeared or went away across refreshes */
#include "config.h"
#include "track.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void track_init(struct track *t, double hold)
{
	memset(t, 0, sizeof(*t));
	t->hold = hold;
	buf_init(&t->tsnap);
	buf_init(&t->tlabel);
}

void track_release(struct track *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].snap);
		free(t->v[i].label);
	}
	free(t->v);
	for (i = 0; i < TRACK_EVENTS_MAX; i++)
		free(t->ev[i].label);
	free(t->seen);
	free(t->match);
	free(t->back);
	free(t->sorted);
	free(t->sorted_tmp);
	free(t->slot);
	buf_release(&t->tsnap);
	buf_release(&t->tlabel);
	track_init(t, t->hold);
}

void track_set_text(struct track *t, const struct track_text *text)
{
	t->text = *text;
}

int track_key_cmp(struct track_key a, struct track_key b)
{
	if (a.netns != b.netns)
		return a.netns < b.netns ? -1 : 1;
	if (a.inode != b.inode)
		return a.inode < b.inode ? -1 : 1;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct track_entry *x = a, *y = b;

	return track_key_cmp(x->key, y->key);
}

static size_t key_hash(struct track_key k, size_t mask)
{
	uint64_t h = (k.netns ^ ((uint64_t)k.inode << 17) ^ k.inode) *
		     0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & mask;
}

/* Hash the keys of v: a refresh looks each of its listeners up once, and
 * the live view each line it draws. */
static void rehash(struct track *t)
{
	size_t i, want = 16;

	while (want <= 2 * t->n)
		want *= 2;
	if (want != t->nslot) {
		free(t->slot);
		t->slot = xmalloc(want * sizeof(*t->slot));
		t->nslot = want;
	}
	memset(t->slot, 0, t->nslot * sizeof(*t->slot));
	for (i = 0; i < t->n; i++) {
		size_t s = key_hash(t->v[i].key, t->nslot - 1);

		while (t->slot[s])
			s = (s + 1) & (t->nslot - 1);
		t->slot[s] = (uint64_t)t->v[i].key.inode << 32 | (i + 1);
	}
}

/* The entry of key among the first n of v (those hashed), or NULL. */
static struct track_entry *find(const struct track *t, struct track_key key)
{
	size_t s;

	if (!t->nslot)
		return NULL;
	s = key_hash(key, t->nslot - 1);
	while (t->slot[s]) {
		/* the inode in the slot spares a look at most entries */
		if (t->slot[s] >> 32 == key.inode) {
			struct track_entry *e =
				&t->v[(t->slot[s] & 0xffffffffu) - 1];

			if (e->key.netns == key.netns)
				return e;
		}
		s = (s + 1) & (t->nslot - 1);
	}
	return NULL;
}

const struct track_entry *track_find(const struct track *t,
				     struct track_key key)
{
	return find(t, key);
}

/* Replace *dst by a copy of src unless they are equal already. */
static void set_str(char **dst, const char *src)
{
	if (!src)
		src = "";
	if (*dst && strcmp(*dst, src) == 0)
		return;
	free(*dst);
	*dst = xstrdup(src);
}

static void log_event(struct track *t, enum track_kind kind, time_t wall,
		      const char *label)
{
	struct track_event *ev = &t->ev[t->evhead];

	ev->when = wall;
	ev->kind = kind;
	set_str(&ev->label, label);
	t->evhead = (t->evhead + 1) % TRACK_EVENTS_MAX;
	if (t->nev < TRACK_EVENTS_MAX)
		t->nev++;
}

static void drop_entry(struct track_entry *e)
{
	free(e->snap);
	free(e->label);
	e->snap = NULL;
	e->label = NULL;
}

/* Ask text.fn for the text of item or entry ref (see struct track_text). */
static void ask_text(struct track *t, bool cur, size_t ref)
{
	buf_reset(&t->tsnap);
	buf_reset(&t->tlabel);
	t->text.fn(t->text.data, cur, ref, &t->tsnap, &t->tlabel);
}

static bool expired(const struct track *t, const struct track_entry *e,
		    double now)
{
	return track_is_gone(e) && now - e->gone_at >= t->hold;
}

static void count_missing(struct track *t)
{
	size_t i;

	t->nmissing = 0;
	for (i = 0; i < t->n; i++)
		if (t->v[i].misses)
			t->nmissing++;
}

bool track_expire(struct track *t, double now)
{
	size_t i, j;

	/* called at every draw: nothing is looked at while nothing is gone */
	if (!t->nmissing)
		return false;
	for (i = 0; i < t->n; i++)
		if (expired(t, &t->v[i], now))
			break;
	if (i == t->n)
		return false;
	for (j = i; i < t->n; i++) {
		if (expired(t, &t->v[i], now)) {
			drop_entry(&t->v[i]);
			continue;
		}
		t->v[j++] = t->v[i];
	}
	if (j == t->n)
		return false;
	t->n = j;
	count_missing(t);
	rehash(t);
	return true;
}

double track_next_expiry(const struct track *t)
{
	double first = 0;
	size_t i;

	if (!t->nmissing)
		return 0;
	for (i = 0; i < t->n; i++) {
		const struct track_entry *e = &t->v[i];

		if (track_is_gone(e) && (!first || e->gone_at + t->hold < first))
			first = e->gone_at + t->hold;
	}
	return first;
}

static void grow(struct track *t, size_t want)
{
	if (want <= t->cap)
		return;
	t->cap = want > 2 * t->cap ? want : 2 * t->cap;
	t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
}

/* Entry e (of the dump before) missed this one. */
static void miss(struct track *t, struct track_entry *e, double now,
		 time_t wall)
{
	if (e->misses == 0 && t->text.fn) {
		/* the text it had when it was last seen */
		ask_text(t, false, e->ref);
		set_str(&e->snap, t->tsnap.p);
		set_str(&e->label, t->tlabel.p);
	}
	e->misses++;
	if (e->misses == TRACK_MISSES_GONE) {
		e->gone_at = now;
		log_event(t, TRACK_GONE, wall, e->label);
	}
}

/* Log that item i appeared (new, or back after it was gone). */
static void appeared(struct track *t, const struct track_item *items,
		     size_t i, time_t wall)
{
	const char *label = items[i].label;

	if (t->text.fn) {
		ask_text(t, true, items[i].ref);
		label = t->tlabel.p;
	}
	log_event(t, TRACK_APPEARED, wall, label);
}

/* The byte at shift of the 96-bit key (netns, inode) of s. */
static unsigned key_byte(const struct track_sorted *s, unsigned shift)
{
	return shift < 32 ? (s->inode >> shift) & 0xff
			  : (unsigned)(s->netns >> (shift - 32)) & 0xff;
}

/* The items in the order of their keys (a stable radix sort: bytes that
 * every key shares take no pass), into t->sorted. */
static void sort_items(struct track *t, const struct track_item *items,
		       size_t n)
{
	struct track_sorted *a = t->sorted, *b = t->sorted_tmp, *swap;
	uint64_t all_ns = ~0ull, any_ns = 0;
	uint32_t all_in = ~0u, any_in = 0;
	unsigned shift;
	size_t i;

	for (i = 0; i < n; i++) {
		a[i].netns = items[i].key.netns;
		a[i].inode = items[i].key.inode;
		a[i].i = (uint32_t)i;
		all_ns &= a[i].netns;
		any_ns |= a[i].netns;
		all_in &= a[i].inode;
		any_in |= a[i].inode;
	}
	for (shift = 0; shift < 96; shift += 8) {
		size_t count[256] = { 0 }, pos = 0, c;
		uint64_t differ = shift < 32 ? (all_in ^ any_in) >> shift
					     : (all_ns ^ any_ns) >> (shift - 32);

		if (!(differ & 0xff))
			continue;
		for (i = 0; i < n; i++)
			count[key_byte(&a[i], shift)]++;
		for (c = 0; c < 256; c++) {
			size_t k = count[c];

			count[c] = pos;
			pos += k;
		}
		for (i = 0; i < n; i++)
			b[count[key_byte(&a[i], shift)]++] = a[i];
		swap = a;
		a = b;
		b = swap;
	}
	t->sorted = a;
	t->sorted_tmp = b;
}

/* Match the items to the entries of the dump before (both in key order,
 * so that neither is looked at out of order): t->match, t->seen, and the
 * state of each entry seen again (t->back: it had gone). */
static void match_items(struct track *t, const struct track_item *items,
			size_t n, size_t old, double now)
{
	size_t k, j = 0;

	sort_items(t, items, n);
	for (k = 0; k < n; k++) {
		const struct track_sorted *s = &t->sorted[k];
		struct track_key key = { s->netns, s->inode };
		size_t i = s->i;
		struct track_entry *e;

		while (j < old && track_key_cmp(t->v[j].key, key) < 0)
			j++;
		t->back[i] = false;
		if (j == old || track_key_cmp(t->v[j].key, key) != 0) {
			t->match[i] = SIZE_MAX;
			continue;
		}
		t->match[i] = j;
		t->seen[j] = true;
		e = &t->v[j];
		if (e->misses >= TRACK_MISSES_GONE) {
			e->appeared = true;
			e->since = now;
			t->back[i] = true;
		}
		e->misses = 0;
		e->tag = items[i].tag;
		e->ref = items[i].ref;
		if (t->text.fn) {
			if (e->snap)
				drop_entry(e);
		} else {
			set_str(&e->snap, items[i].snap);
			set_str(&e->label, items[i].label);
		}
	}
}

void track_update(struct track *t, const struct track_item *items, size_t n,
		  double now, time_t wall)
{
	size_t old = t->n, i, j;

	if (old > t->cap_seen) {
		t->cap_seen = old;
		t->seen = xrealloc(t->seen, old * sizeof(*t->seen));
	}
	if (n > t->cap_match) {
		t->cap_match = n;
		t->match = xrealloc(t->match, n * sizeof(*t->match));
		t->back = xrealloc(t->back, n * sizeof(*t->back));
		t->sorted = xrealloc(t->sorted, n * sizeof(*t->sorted));
		t->sorted_tmp = xrealloc(t->sorted_tmp,
					 n * sizeof(*t->sorted_tmp));
	}
	if (old)
		memset(t->seen, 0, old * sizeof(*t->seen));
	match_items(t, items, n, old, now);
	/* what went is logged before what came: a restart reads in order */
	for (i = 0; i < old; i++) {
		struct track_entry *e = &t->v[i];

		if (t->seen[i] || e->misses >= TRACK_MISSES_GONE)
			continue;
		miss(t, e, now, wall);
	}
	/* in the dump's order: what came, new or back */
	for (i = 0; i < n; i++) {
		struct track_entry *e;

		if (t->back[i])
			appeared(t, items, i, wall);
		if (t->match[i] != SIZE_MAX)
			continue;
		grow(t, t->n + 1);
		e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->key = items[i].key;
		e->appeared = t->primed;
		e->since = now;
		if (t->primed)
			appeared(t, items, i, wall);
		e->tag = items[i].tag;
		e->ref = items[i].ref;
		if (!t->text.fn) {
			set_str(&e->snap, items[i].snap);
			set_str(&e->label, items[i].label);
		}
	}
	if (t->n > old) {
		qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
		/* a key given twice in one dump is one listener */
		for (i = 1, j = 1; i < t->n; i++) {
			if (track_key_cmp(t->v[i].key, t->v[j - 1].key) == 0) {
				drop_entry(&t->v[i]);
				continue;
			}
			t->v[j++] = t->v[i];
		}
		t->n = j;
		rehash(t);
	}
	t->primed = true;
	count_missing(t);
	track_expire(t, now);
}

bool track_is_new(const struct track *t, const struct track_entry *e,
		  double now)
{
	return e->appeared && e->misses == 0 && now - e->since < t->hold;
}

bool track_is_gone(const struct track_entry *e)
{
	return e->misses >= TRACK_MISSES_GONE;
}

size_t track_nevents(const struct track *t)
{
	return t->nev;
}

const struct track_event *track_event(const struct track *t, size_t i)
{
	if (i >= t->nev)
		return NULL;
	return &t->ev[(t->evhead + TRACK_EVENTS_MAX - 1 - i) %
		      TRACK_EVENTS_MAX];
}
