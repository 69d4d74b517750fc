/* track.h - which listeners appeared or went away across refreshes */
#ifndef PORTTOP_TRACK_H
#define PORTTOP_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

/* A listener's identity across dumps. */
struct track_key {
	uint64_t netns;
	uint32_t inode;
};

/* One listener of a dump, as given to track_update(). */
struct track_item {
	struct track_key key;
	unsigned tag;		/* the caller's bits, kept with the entry */
	const char *snap;	/* what to show once it is gone; copied
				 * (unused with track_set_text()) */
	const char *label;	/* its name in the event log; copied
				 * (unused with track_set_text()) */
	size_t ref;		/* the caller's own, kept with the entry */
};

/* The text of listeners, asked for only when a change needs it (rather
 * than given with every item of every dump): fn appends to snap what to
 * show of a listener once it is gone and to label its name in the event
 * log, for item ref of the dump being recorded (cur), or for the entry
 * whose ref is ref, of the dump before (!cur). */
struct track_text {
	void (*fn)(void *data, bool cur, size_t ref, struct buf *snap,
		   struct buf *label);
	void *data;
};

struct track_entry {
	struct track_key key;
	unsigned tag;
	size_t ref;		/* of the last item it was */
	char *snap;		/* owned; with track_set_text(), NULL until
				 * it misses a refresh */
	char *label;		/* owned; idem */
	bool appeared;		/* came after the first dump */
	double since;		/* when it appeared (caller's clock) */
	double gone_at;		/* when it was declared gone */
	unsigned misses;	/* consecutive refreshes without it */
};

enum track_kind {
	TRACK_APPEARED,
	TRACK_GONE,
};

struct track_event {
	time_t when;		/* wall clock */
	enum track_kind kind;
	char *label;		/* owned */
};

#define TRACK_EVENTS_MAX 256

/* An item's key and place, for matching a dump to the entries in order. */
struct track_sorted {
	uint64_t netns;
	uint32_t inode;
	uint32_t i;
};

struct track {
	struct track_entry *v;	/* sorted by key, owned */
	size_t n, cap;
	struct track_event ev[TRACK_EVENTS_MAX];	/* a ring */
	size_t nev, evhead;	/* count, and the slot of the next event */
	double hold;		/* seconds a change stays marked */
	bool primed;		/* a first dump was seen */
	bool *seen;		/* scratch, owned */
	size_t cap_seen;
	size_t *match;		/* scratch: entry of each item, owned */
	bool *back;		/* scratch: item i is back after it went */
	struct track_sorted *sorted;	/* scratch: the items by key, owned */
	struct track_sorted *sorted_tmp;
	size_t cap_match;
	uint64_t *slot;		/* a hash of the keys of v: the inode in
				 * the high half, index + 1 in the low, or
				 * 0 for none; owned */
	size_t nslot;		/* a power of two, > 2 * n; 0: none */
	size_t nmissing;	/* entries that missed a refresh (the gone
				 * ones among them) */
	struct track_text text;	/* fn NULL: the items' snap and label */
	struct buf tsnap, tlabel;	/* scratch for text.fn */
};

/* A listener absent from a refresh is gone, at the time of that refresh:
 * every refresh dumps each table until a dump brings nothing new (the
 * one-shot rule), so a miss is no longer netlink's gap. */
#define TRACK_MISSES_GONE 1

void track_init(struct track *t, double hold);
void track_release(struct track *t);

/* Take the text of listeners from text (copied) instead of the items. */
void track_set_text(struct track *t, const struct track_text *text);

/* Record the listeners of one refresh taken at now (seconds, monotonic)
 * and wall: keys absent from TRACK_MISSES_GONE refreshes in a row go (and
 * are logged first), new keys appear (not on the first refresh), and gone
 * ones older than the hold time are dropped. Pointers to entries are
 * invalid afterwards. */
void track_update(struct track *t, const struct track_item *items, size_t n,
		  double now, time_t wall);

/* Drop gone entries held longer than the hold time. True if any went. */
bool track_expire(struct track *t, double now);

/* When the first gone entry expires (caller's clock), or 0 if none is
 * gone. */
double track_next_expiry(const struct track *t);

/* The entry of key, or NULL; borrowed until the next update or expiry. */
const struct track_entry *track_find(const struct track *t,
				     struct track_key key);

/* True while entry e is marked new (appeared less than hold ago). */
bool track_is_new(const struct track *t, const struct track_entry *e,
		  double now);

/* True once entry e is gone (it stays until it expires). */
bool track_is_gone(const struct track_entry *e);

/* The number of events kept, and event i (0 is the newest); borrowed. */
size_t track_nevents(const struct track *t);
const struct track_event *track_event(const struct track *t, size_t i);

/* Order of keys, for sorting and searching (-1, 0, 1). */
int track_key_cmp(struct track_key a, struct track_key b);

#endif
