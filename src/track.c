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
	track_init(t, t->hold);
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

static struct track_entry *find(const struct track *t, size_t n,
				struct track_key key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = track_key_cmp(t->v[mid].key, key);

		if (c == 0)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct track_entry *track_find(const struct track *t,
				     struct track_key key)
{
	return find(t, t->n, key);
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

static bool expired(const struct track *t, const struct track_entry *e,
		    double now)
{
	return track_is_gone(e) && now - e->gone_at >= t->hold;
}

bool track_expire(struct track *t, double now)
{
	size_t i, j;

	/* called at every draw: nothing is copied while nothing expires */
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
	return true;
}

static void grow(struct track *t, size_t want)
{
	if (want <= t->cap)
		return;
	t->cap = want > 2 * t->cap ? want : 2 * t->cap;
	t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
}

void track_update(struct track *t, const struct track_item *items, size_t n,
		  double now, time_t wall)
{
	size_t old = t->n, i, j;

	if (old > t->cap_seen) {
		t->cap_seen = old;
		t->seen = xrealloc(t->seen, old * sizeof(*t->seen));
	}
	if (old)
		memset(t->seen, 0, old * sizeof(*t->seen));
	for (i = 0; i < n; i++) {
		struct track_entry *e = find(t, old, items[i].key);

		if (e)
			t->seen[e - t->v] = true;
	}
	/* what went is logged before what came: a restart reads in order */
	for (i = 0; i < old; i++) {
		struct track_entry *e = &t->v[i];

		if (t->seen[i] || e->misses >= TRACK_MISSES_GONE)
			continue;
		e->misses++;
		if (e->misses == TRACK_MISSES_GONE) {
			e->gone_at = now;
			log_event(t, TRACK_GONE, wall, e->label);
		}
	}
	for (i = 0; i < n; i++) {
		struct track_entry *e = find(t, old, items[i].key);

		if (!e) {
			grow(t, t->n + 1);
			e = &t->v[t->n++];
			memset(e, 0, sizeof(*e));
			e->key = items[i].key;
			e->appeared = t->primed;
			e->since = now;
			if (t->primed)
				log_event(t, TRACK_APPEARED, wall,
					  items[i].label);
		} else if (e->misses >= TRACK_MISSES_GONE) {
			/* back after it was declared gone */
			e->appeared = true;
			e->since = now;
			log_event(t, TRACK_APPEARED, wall, items[i].label);
		}
		e->misses = 0;
		e->tag = items[i].tag;
		set_str(&e->snap, items[i].snap);
		set_str(&e->label, items[i].label);
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
	}
	t->primed = true;
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
