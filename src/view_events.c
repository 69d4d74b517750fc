/* view_events.c - the event stream: one JSON line per change between
 * refreshes (--events)
 *
 * Each line is an object with "time" (RFC 3339, UTC, microseconds),
 * "event", "owner_scan" ("full", or "incremental" when the holders come
 * from an incremental /proc refresh) with "full_scan_age_seconds" and, but
 * for the first line, the "listener" object of --json.
 * Keys and event names are part of the documented schema (porttop(1)) and
 * never translated. A listener is known by its namespace and inode across
 * refreshes; when one is gone is track's decision (a dump is not a
 * snapshot: one miss proves nothing), as in the live view. */
#include "config.h"
#include "view_events.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "track.h"
#include "views.h"
#include "xalloc.h"

/* A holder as the events tell them apart: a pid and when it started (a
 * restart under the same pid is a new holder). */
struct holder_id {
	int pid;
	unsigned long long start_time;
};

/* What the stream remembers of a listener from the last refresh that had
 * it. */
struct lstate {
	struct track_key key;
	char *json;		/* its listener object, owned */
	char *owners;		/* its owners array, owned */
	struct holder_id *ids;	/* distinct holders by pid; owned */
	size_t nids;
	bool known;		/* holders were seen (not hidden, not none) */
	bool full;		/* the accept queue is at the backlog */
	bool has_drops;
	uint32_t drops;
	bool matched;		/* scratch: the new refresh has it */
};

struct events {
	struct track track;	/* decides when a missing listener is gone */
	struct lstate *v;	/* sorted by key, owned */
	size_t n;
	bool changes_only;
	bool primed;		/* the first refresh was seen */
};

struct events *events_new(bool changes_only)
{
	struct events *ev = xcalloc(1, sizeof(*ev));

	/* hold 0: a gone listener leaves track at once; the stream says
	 * so once and forgets it */
	track_init(&ev->track, 0);
	ev->changes_only = changes_only;
	return ev;
}

static void lstate_release(struct lstate *s)
{
	free(s->json);
	free(s->owners);
	free(s->ids);
}

void events_free(struct events *ev)
{
	size_t i;

	if (!ev)
		return;
	for (i = 0; i < ev->n; i++)
		lstate_release(&ev->v[i]);
	free(ev->v);
	track_release(&ev->track);
	free(ev);
}

void events_time(struct buf *b, const struct timespec *t)
{
	struct tm tm;
	char s[32];

	if (!gmtime_r(&t->tv_sec, &tm) ||
	    !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(s, sizeof(s), "1970-01-01T00:00:00");
	buf_printf(b, "%s.%06ldZ", s, t->tv_nsec / 1000);
}

static struct track_key key_of(const struct row *r)
{
	struct track_key k = { r->sock->netns, r->sock->inode };

	return k;
}

static int cmp_state(const void *a, const void *b)
{
	const struct lstate *x = a, *y = b;

	return track_key_cmp(x->key, y->key);
}

static struct lstate *find(const struct events *ev, struct track_key key)
{
	struct lstate probe;

	probe.key = key;
	return ev->n ? bsearch(&probe, ev->v, ev->n, sizeof(*ev->v), cmp_state)
		     : NULL;
}

static bool queue_full(const struct sock_rec *s)
{
	/* the kernel lets backlog + 1 wait; at the backlog, the next
	 * connections are about to be dropped */
	return s->proto == IPPROTO_TCP && s->rqueue > 0 &&
	       s->rqueue >= s->wqueue;
}

/* Fill s with what the stream must remember of row r. */
static void lstate_fill(struct lstate *s, const struct model *m,
			const struct row *r, struct buf *tmp)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->key = key_of(r);
	buf_reset(tmp);
	view_json_listener(tmp, m, r);
	s->json = xstrdup(tmp->p);
	buf_reset(tmp);
	view_json_owners(tmp, m, r);
	s->owners = xstrdup(tmp->p);
	s->ids = xmalloc((r->nholders ? r->nholders : 1) * sizeof(*s->ids));
	for (i = 0; i < r->nholders; i++) {
		const struct proc_info *p = model_proc(m, &r->holders[i]);

		/* holders come sorted by pid */
		if (s->nids && s->ids[s->nids - 1].pid == r->holders[i].pid)
			continue;
		s->ids[s->nids].pid = r->holders[i].pid;
		s->ids[s->nids].start_time = p ? p->start_time : 0;
		s->nids++;
	}
	/* a change is told between two sets that were seen: to or from no
	 * visible holder is a matter of what the scan could see. A partial
	 * set is seen too (its holders are real; the listener's
	 * owner_status says more may exist) */
	s->known = (r->status == OWNER_OK || r->status == OWNER_PARTIAL) &&
		   r->nholders > 0;
	s->full = queue_full(r->sock);
	s->has_drops = r->sock->proto == IPPROTO_UDP && r->sock->has_drops;
	s->drops = r->sock->drops;
}

static bool same_holders(const struct lstate *a, const struct lstate *b)
{
	size_t i;

	if (a->nids != b->nids)
		return false;
	for (i = 0; i < a->nids; i++)
		if (a->ids[i].pid != b->ids[i].pid ||
		    a->ids[i].start_time != b->ids[i].start_time)
			return false;
	return true;
}

/* What every line of one refresh shares: its time, and how its owners
 * were found */
struct stamp {
	const struct timespec *wall;
	char scan[96];		/* ,"owner_scan":...,"full_scan_age_seconds":N */
};

static void stamp_init(struct stamp *st, const struct timespec *wall,
		       const struct model *m)
{
	st->wall = wall;
	/* an incremental /proc refresh may miss a holder that a full scan
	 * would find (porttop(1), COST): the consumer must know */
	if (m->owners_incremental && m->owners_full_age >= 0 &&
	    m->owners_full_age < 1e9)
		snprintf(st->scan, sizeof(st->scan),
			 ",\"owner_scan\":\"incremental\",\"full_scan_age_seconds\":%.1f",
			 m->owners_full_age);
	else if (m->owners_incremental)	/* an age that makes no sense */
		snprintf(st->scan, sizeof(st->scan),
			 ",\"owner_scan\":\"incremental\",\"full_scan_age_seconds\":null");
	else
		snprintf(st->scan, sizeof(st->scan),
			 ",\"owner_scan\":\"full\",\"full_scan_age_seconds\":0");
}

/* The common start of a line:
 * {"time":"...","event":"NAME","owner_scan":...,"full_scan_age_seconds":N */
static void line_start(struct buf *b, const struct stamp *st,
		       const char *name)
{
	buf_reset(b);
	buf_adds(b, "{\"time\":\"");
	events_time(b, st->wall);
	buf_printf(b, "\",\"event\":\"%s\"", name);
	buf_adds(b, st->scan);
}

static int line_put(struct buf *b, FILE *out)
{
	buf_adds(b, "}\n");
	errno = 0;
	if (fwrite(b->p, 1, b->len, out) != b->len || fflush(out) != 0)
		return errno ? -errno : -EIO;
	return 0;
}

/* One event about a listener: {"time","event","listener"[, extra]} */
static int put_event(struct buf *b, FILE *out, const struct stamp *st,
		     const char *name, const char *listener, const char *extra)
{
	line_start(b, st, name);
	buf_adds(b, ",\"listener\":");
	buf_adds(b, listener);
	if (extra)
		buf_adds(b, extra);
	return line_put(b, out);
}

static int put_snapshot(struct buf *b, FILE *out, const struct stamp *st,
			const struct model *m, struct buf *tmp)
{
	size_t i;

	line_start(b, st, "snapshot");
	buf_adds(b, ",\"listeners\":[");
	for (i = 0; i < m->nrows; i++) {
		if (i)
			buf_addc(b, ',');
		buf_reset(tmp);
		view_json_listener(tmp, m, &m->rows[i]);
		buf_add(b, tmp->p, tmp->len);
	}
	buf_addc(b, ']');
	return line_put(b, out);
}

/* The events of row r against what the last refresh had (old, or NULL). */
static int row_events(struct buf *b, FILE *out, const struct stamp *st,
		      const struct lstate *old, const struct lstate *cur,
		      bool primed, struct buf *tmp)
{
	int rc = 0;

	if (!old && primed)
		rc = put_event(b, out, st, "appeared", cur->json, NULL);
	if (!rc && old && old->known && cur->known && !same_holders(old, cur)) {
		buf_reset(tmp);
		buf_adds(tmp, ",\"previous_owners\":");
		buf_adds(tmp, old->owners);
		rc = put_event(b, out, st, "holders-changed", cur->json,
			       tmp->p);
	}
	if (!rc && cur->full && !(old && old->full))
		rc = put_event(b, out, st, "accept-queue-full", cur->json,
			       NULL);
	if (!rc && old && old->has_drops && cur->has_drops &&
	    cur->drops > old->drops) {
		buf_reset(tmp);
		buf_printf(tmp, ",\"drops_increase\":%lu",
			   (unsigned long)(cur->drops - old->drops));
		rc = put_event(b, out, st, "udp-drops", cur->json, tmp->p);
	}
	return rc;
}

int events_update(struct events *ev, const struct model *m,
		  const struct timespec *wall, double now, FILE *out)
{
	struct track_item *items = xcalloc(m->nrows ? m->nrows : 1,
					   sizeof(*items));
	struct lstate **prev = xcalloc(m->nrows ? m->nrows : 1,
				       sizeof(*prev));
	struct lstate *nv = xcalloc(m->nrows + ev->n + 1, sizeof(*nv));
	struct buf b, tmp;
	struct stamp st;
	size_t i, nn = 0;
	int rc = 0;

	stamp_init(&st, wall, m);
	buf_init(&b);
	buf_init(&tmp);
	for (i = 0; i < m->nrows; i++) {
		items[i].key = key_of(&m->rows[i]);
		prev[i] = find(ev, items[i].key);
		if (prev[i])
			prev[i]->matched = true;
	}
	track_update(&ev->track, items, m->nrows, now, wall->tv_sec);

	/* first what went away: the rest of the lines read in table order */
	for (i = 0; i < ev->n; i++) {
		struct lstate *s = &ev->v[i];
		const struct track_entry *te;

		if (s->matched)
			continue;
		/* a partial refresh (a namespace not entered) proves no
		 * absence */
		te = track_find(&ev->track, s->key);
		if (m->partial || (te && !track_is_gone(te))) {
			nv[nn++] = *s;
			memset(s, 0, sizeof(*s));
			continue;
		}
		if (!rc)
			rc = put_event(&b, out, &st, "gone", s->json, NULL);
		lstate_release(s);
	}
	if (!ev->primed && !ev->changes_only && !rc)
		rc = put_snapshot(&b, out, &st, m, &tmp);
	for (i = 0; i < m->nrows; i++) {
		struct lstate *cur = &nv[nn++];

		lstate_fill(cur, m, &m->rows[i], &tmp);
		if (!rc)
			rc = row_events(&b, out, &st, prev[i], cur,
					ev->primed, &tmp);
	}
	for (i = 0; i < ev->n; i++)
		if (ev->v[i].matched)
			lstate_release(&ev->v[i]);
	free(ev->v);
	ev->v = nv;
	ev->n = nn;
	if (nn > 1)
		qsort(ev->v, nn, sizeof(*ev->v), cmp_state);
	ev->primed = true;
	buf_release(&b);
	buf_release(&tmp);
	free(prev);
	free(items);
	return rc;
}
