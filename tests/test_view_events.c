/* test_view_events.c - the event stream over hand-built models: which
 * refresh gives which lines, and the time format */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "view_events.h"

#define NS 4026531840u

/* A model of up to 4 listeners, each with up to 2 holders. */
struct fake {
	struct model m;
	struct row rows[4];
	struct sock_rec socks[4];
	struct holder holders[8];
	struct proc_info procs[8];
	struct proc_facts pfacts[8];
	size_t nholders;
};

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->m.rows = f->rows;
	f->m.snap.procs = f->procs;
	f->m.snap.pfacts = f->pfacts;
}

/* Add a listener (proto, port, inode) with queue/backlog or drops. */
static struct row *add(struct fake *f, int proto, uint16_t port,
		       uint32_t inode, uint32_t rq, uint32_t wq)
{
	size_t i = f->m.nrows++;
	struct sock_rec *s = &f->socks[i];
	struct row *r = &f->rows[i];

	s->proto = (uint8_t)proto;
	s->family = AF_INET;
	s->v6only = -1;
	s->addr[0] = 127;
	s->addr[3] = 1;
	s->port = port;
	s->inode = inode;
	s->netns = NS;
	s->rqueue = rq;
	s->wqueue = wq;
	if (proto == IPPROTO_UDP) {
		s->has_drops = true;
		s->drops = wq;
		s->wqueue = 0;
	}
	r->sock = s;
	r->status = OWNER_NONE;
	r->exposure = EXPOSE_LOOPBACK;
	return r;
}

/* Give row r a holder pid that started at start. */
static void hold(struct fake *f, struct row *r, int pid,
		 unsigned long long start)
{
	struct holder *h = &f->holders[f->nholders];
	struct proc_info *p = &f->procs[f->nholders];

	p->pid = pid;
	p->start_time = start;
	snprintf(p->comm, sizeof(p->comm), "srv%d", pid);
	p->comm_len = strlen(p->comm);
	h->inode = r->sock->inode;
	h->pid = pid;
	h->tid = pid;
	h->fd = 3;
	h->proc = (uint32_t)f->nholders;
	f->m.snap.nprocs = ++f->nholders;
	if (!r->nholders)
		r->holders = h;
	r->nholders++;
	r->status = OWNER_OK;
}

/* Run one refresh through ev; the lines it printed, joined ("" if none),
 * in a static buffer. */
static const char *refresh(struct events *ev, struct fake *f, double now)
{
	static char out[16384];
	struct timespec wall = { 1796166452 + (time_t)now, 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(events_update(ev, &f->m, &wall, now, fp), 0);
	fclose(fp);
	snprintf(out, sizeof(out), "%s", text ? text : "");
	free(text);
	return out;
}

/* The "event" values of the lines in out, space-separated. */
static const char *names(const char *out)
{
	static char list[512];
	const char *p = out;

	list[0] = '\0';
	while ((p = strstr(p, "\"event\":\"")) != NULL) {
		const char *end;

		p += 9;
		end = strchr(p, '"');
		if (list[0])
			strcat(list, " ");
		strncat(list, p, (size_t)(end - p));
	}
	return list;
}

static size_t lines(const char *out)
{
	size_t n = 0;

	for (; *out; out++)
		n += *out == '\n';
	return n;
}

Test(events, a_scripted_sequence)
{
	struct events *ev = events_new(false);
	struct fake f;
	struct row *a, *b;
	const char *out;

	/* a web server alone */
	fake_init(&f);
	a = add(&f, IPPROTO_TCP, 80, 1001, 0, 5);
	hold(&f, a, 10, 100);
	out = refresh(ev, &f, 1);
	cr_expect_str_eq(names(out), "snapshot");
	cr_expect_eq(lines(out), 1);
	cr_expect(strstr(out, "\"listeners\":[{\"proto\":\"tcp\"") != NULL, "%s", out);

	/* nothing changed: nothing said */
	cr_expect_str_eq(refresh(ev, &f, 2), "");

	/* a DNS server starts */
	b = add(&f, IPPROTO_UDP, 53, 2002, 0, 0);
	hold(&f, b, 11, 110);
	out = refresh(ev, &f, 3);
	cr_expect_str_eq(names(out), "appeared");
	cr_expect(strstr(out, "\"port\":53") != NULL, "%s", out);

	/* the web server hands its socket to a new process */
	fake_init(&f);
	a = add(&f, IPPROTO_TCP, 80, 1001, 0, 5);
	hold(&f, a, 10, 100);
	hold(&f, a, 12, 120);
	b = add(&f, IPPROTO_UDP, 53, 2002, 0, 0);
	hold(&f, b, 11, 110);
	out = refresh(ev, &f, 4);
	cr_expect_str_eq(names(out), "holders-changed");
	cr_expect(strstr(out, "\"previous_owners\":[{\"pid\":10,") != NULL, "%s", out);
	cr_expect_eq(lines(out), 1);

	/* the old one leaves; its queue fills; DNS drops 7 datagrams */
	fake_init(&f);
	a = add(&f, IPPROTO_TCP, 80, 1001, 5, 5);
	hold(&f, a, 12, 120);
	b = add(&f, IPPROTO_UDP, 53, 2002, 0, 7);
	hold(&f, b, 11, 110);
	out = refresh(ev, &f, 5);
	cr_expect_str_eq(names(out), "holders-changed accept-queue-full udp-drops");
	cr_expect(strstr(out, "\"drops_increase\":7}") != NULL, "%s", out);

	/* still full, no new drops: said once */
	cr_expect_str_eq(refresh(ev, &f, 6), "");

	/* a pid reused by another process is another holder */
	f.procs[0].start_time = 999;
	cr_expect_str_eq(names(refresh(ev, &f, 7)), "holders-changed");

	/* the web server is missing from a partial refresh: no proof */
	fake_init(&f);
	b = add(&f, IPPROTO_UDP, 53, 2002, 0, 7);
	hold(&f, b, 11, 110);
	f.m.partial = true;
	cr_expect_str_eq(refresh(ev, &f, 8), "");

	/* and from a complete one: gone, as last seen */
	f.m.partial = false;
	out = refresh(ev, &f, 9);
	cr_expect_str_eq(names(out), "gone");
	cr_expect(strstr(out, "\"port\":80") != NULL, "%s", out);
	cr_expect(strstr(out, "\"pid\":12") != NULL, "%s", out);
	events_free(ev);
}

Test(events, changes_only_leaves_out_the_starting_set)
{
	struct events *ev = events_new(true);
	struct fake f;

	fake_init(&f);
	hold(&f, add(&f, IPPROTO_TCP, 22, 7, 0, 128), 1, 1);
	cr_expect_str_eq(refresh(ev, &f, 1), "");
	events_free(ev);
}

Test(events, hidden_holders_are_no_change)
{
	struct events *ev = events_new(true);
	struct fake f;
	struct row *r;

	fake_init(&f);
	hold(&f, add(&f, IPPROTO_TCP, 22, 7, 0, 128), 1, 1);
	refresh(ev, &f, 1);
	/* the next scan may not see the holder: not a hand-off */
	fake_init(&f);
	r = add(&f, IPPROTO_TCP, 22, 7, 0, 128);
	r->status = OWNER_PERMISSION;
	cr_expect_str_eq(refresh(ev, &f, 2), "");
	/* seen again, the same: still nothing */
	fake_init(&f);
	hold(&f, add(&f, IPPROTO_TCP, 22, 7, 0, 128), 1, 1);
	cr_expect_str_eq(refresh(ev, &f, 3), "");
	events_free(ev);
}

Test(events, a_hand_off_between_partial_sets_is_told)
{
	struct events *ev = events_new(true);
	struct fake f;
	struct row *r;
	const char *out;

	/* some process could not be read (a PID 1 even root may not read):
	 * the holders seen are real, more may exist */
	fake_init(&f);
	r = add(&f, IPPROTO_TCP, 80, 7, 0, 128);
	hold(&f, r, 10, 100);
	r->status = OWNER_PARTIAL;
	cr_expect_str_eq(refresh(ev, &f, 1), "");
	fake_init(&f);
	r = add(&f, IPPROTO_TCP, 80, 7, 0, 128);
	hold(&f, r, 10, 100);
	hold(&f, r, 12, 120);
	r->status = OWNER_PARTIAL;
	out = refresh(ev, &f, 2);
	cr_expect_str_eq(names(out), "holders-changed");
	cr_expect(strstr(out, "\"previous_owners\":[{\"pid\":10,") != NULL, "%s", out);
	cr_expect(strstr(out, "\"owner_status\":\"partial\"") != NULL, "%s", out);
	/* the same partial set again: nothing */
	cr_expect_str_eq(refresh(ev, &f, 3), "");
	/* from partial to complete with the same holders: nothing */
	r->status = OWNER_OK;
	cr_expect_str_eq(refresh(ev, &f, 4), "");
	events_free(ev);
}

Test(events, a_closed_pipe_is_epipe)
{
	struct events *ev = events_new(false);
	struct timespec wall = { 0, 0 };
	struct fake f;
	int fds[2];
	FILE *fp;

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(fds), 0);
	close(fds[0]);
	fp = fdopen(fds[1], "w");
	cr_assert_not_null(fp);
	fake_init(&f);
	cr_expect_eq(events_update(ev, &f.m, &wall, 1, fp), -EPIPE);
	fclose(fp);
	events_free(ev);
}

Test(events, rfc3339_with_microseconds)
{
	struct timespec t = { 1796166452, 123456789 };
	struct buf b;

	buf_init(&b);
	events_time(&b, &t);
	cr_expect_str_eq(b.p, "2026-12-01T23:07:32.123456Z");
	buf_reset(&b);
	t.tv_nsec = 999;
	events_time(&b, &t);
	cr_expect_str_eq(b.p, "2026-12-01T23:07:32.000000Z");
	buf_release(&b);
}

/* count of needle in hay */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A fresh model of the web server on port 80 held by pid (started at
 * pid * 10); the owner scan marks as given. */
static void web(struct fake *f, int pid, bool incremental, double age)
{
	fake_init(f);
	hold(f, add(f, IPPROTO_TCP, 80, 1001, 0, 5), pid, pid * 10ull);
	f->m.owners_incremental = incremental;
	f->m.owners_full_age = age;
}

Test(events, every_line_says_how_its_owners_were_found)
{
	struct events *ev = events_new(false);
	struct fake f;
	const char *out;

	web(&f, 10, false, 0);
	out = refresh(ev, &f, 1);
	cr_expect(strstr(out, "\"event\":\"snapshot\",\"owner_scan\":\"full\",\"full_scan_age_seconds\":0,") != NULL,
		  "%s", out);

	/* an incremental refresh: the holder changes and a DNS server
	 * appears; each line says so, with the age of the full scan */
	web(&f, 12, true, 12.34);
	hold(&f, add(&f, IPPROTO_UDP, 53, 2002, 0, 0), 11, 110);
	out = refresh(ev, &f, 2);
	cr_expect_str_eq(names(out), "holders-changed appeared");
	cr_expect_eq(count(out, ",\"owner_scan\":\"incremental\",\"full_scan_age_seconds\":12.3,"),
		     2, "%s", out);
	cr_expect_eq(count(out, "owner_scan"), 2, "%s", out);

	/* a full scan again: gone is told from a full scan */
	web(&f, 12, false, 0);
	out = refresh(ev, &f, 3);
	cr_expect_str_eq(names(out), "gone");
	cr_expect(strstr(out, "\"owner_scan\":\"full\",\"full_scan_age_seconds\":0,") != NULL,
		  "%s", out);
	cr_expect(strstr(out, "incremental") == NULL, "%s", out);

	/* an age that makes no sense is not printed as a number */
	web(&f, 10, true, -1);
	out = refresh(ev, &f, 4);
	cr_expect(strstr(out, "\"owner_scan\":\"incremental\",\"full_scan_age_seconds\":null,") != NULL,
		  "%s", out);
	events_free(ev);
}
