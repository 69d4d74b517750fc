/* view_prom.c - the Prometheus view: the listeners as metrics in the text
 * exposition format, for node_exporter's textfile collector
 *
 * Metric and label names are part of the documented interface (porttop(1))
 * and never translated. Every label value goes through escape_prom(). A
 * series must be unique in its family, and sockets can share every label
 * (a SO_REUSEPORT group): such sockets make one series, whose value is
 * their sum (for the info metric, their number). */
#include "config.h"
#include "views.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "escape.h"
#include "sock.h"
#include "xalloc.h"

/* One series of a family: its label text (in the family's arena) and value. */
struct series {
	size_t off, len;
	uint64_t value;
};

/* The series of one metric family, before they are merged. */
struct family {
	struct buf arena;	/* every series' label text */
	struct series *v;
	size_t n, cap;
};

static void family_init(struct family *f)
{
	memset(f, 0, sizeof(*f));
	buf_init(&f->arena);
}

static void family_release(struct family *f)
{
	buf_release(&f->arena);
	free(f->v);
}

static void family_add(struct family *f, const struct buf *labels,
		       uint64_t value)
{
	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof(*f->v));
	f->v[f->n].off = f->arena.len;
	f->v[f->n].len = labels->len;
	f->v[f->n].value = value;
	f->n++;
	buf_add(&f->arena, labels->p, labels->len);
}

static int cmp_series(const void *a, const void *b, void *data)
{
	const struct series *x = a, *y = b;
	const char *base = data;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(base + x->off, base + y->off, n);

	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static void put_header(FILE *out, const char *name, const char *type,
		       const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Print the family's series, sorted, those with equal labels summed. */
static void family_print(struct family *f, FILE *out, const char *name,
			 const char *type, const char *help)
{
	size_t i;

	put_header(out, name, type, help);
	if (f->n > 1)
		qsort_r(f->v, f->n, sizeof(*f->v), cmp_series, f->arena.p);
	for (i = 0; i < f->n; i++) {
		uint64_t sum = f->v[i].value;

		while (i + 1 < f->n &&
		       cmp_series(&f->v[i], &f->v[i + 1], f->arena.p) == 0)
			sum += f->v[++i].value;
		fprintf(out, "%s{", name);
		fwrite(f->arena.p + f->v[i].off, 1, f->v[i].len, out);
		fprintf(out, "} %" PRIu64 "\n", sum);
	}
}

static void label(struct buf *b, const char *key, const char *val)
{
	if (b->len)
		buf_addc(b, ',');
	buf_printf(b, "%s=\"", key);
	escape_prom(b, val, strlen(val));
	buf_addc(b, '"');
}

/* The labels that tell one socket from another. */
static void identity(struct buf *b, const struct row *r)
{
	const struct sock_rec *s = r->sock;
	char addr[64];

	model_address(r, addr, sizeof(addr));
	label(b, "proto", s->proto == IPPROTO_TCP ? "tcp" : "udp");
	label(b, "family", s->family == AF_INET ? "ipv4" : "ipv6");
	label(b, "address", addr);
	buf_printf(b, ",port=\"%u\"", s->port);
	label(b, "device", r->device);
	if (row_netns_name(r)[0])
		label(b, "netns", row_netns_name(r));
	else
		buf_printf(b, ",netns=\"%" PRIu64 "\"", s->netns);
}

/* The labels of porttop_listener_info beyond the identity. */
static void describe(struct buf *b, const struct model *m,
		     const struct row *r)
{
	const struct proc_info *p =
		r->nholders ? model_proc(m, &r->holders[0]) : NULL;
	const struct context *ctx = row_ctx(r);
	/* the socket's owner, as the USER column: it does not change with
	 * what the scan could see */
	uint32_t uid = r->sock->uid;
	const char *user = model_user(m, uid);
	char num[16], container[sizeof(ctx->runtime) + 16];

	label(b, "service", r->service ? r->service->name : "");
	label(b, "exposure", exposure_name(r->exposure));
	if (!user) {
		snprintf(num, sizeof(num), "%" PRIu32, uid);
		user = num;
	}
	label(b, "user", user);
	buf_adds(b, ",command=\"");
	if (p)
		escape_prom(b, p->comm, p->comm_len);
	buf_addc(b, '"');
	label(b, "owner_status", owner_status_name(r->status));
	label(b, "unit", ctx->unit);
	/* as JSON "activation": systemd made it for a .socket unit */
	label(b, "activation", r->activated ? "systemd" : "");
	container[0] = '\0';
	if (ctx->runtime[0])
		snprintf(container, sizeof(container), "%s:%.12s",
			 ctx->runtime, ctx->id);
	label(b, "container", container);
}

int view_prom(const struct model *m, const struct view_request *req,
	      FILE *out)
{
	struct family info, queue, backlog, drops;
	size_t tcp = 0, udp = 0, i;
	struct buf b;

	family_init(&info);
	family_init(&queue);
	family_init(&backlog);
	family_init(&drops);
	buf_init(&b);
	for (i = 0; i < m->nrows; i++) {
		const struct row *r = &m->rows[i];
		const struct sock_rec *s = r->sock;
		size_t id_len;

		buf_reset(&b);
		identity(&b, r);
		id_len = b.len;
		if (s->proto == IPPROTO_TCP) {
			tcp++;
			family_add(&queue, &b, s->rqueue);
			family_add(&backlog, &b, s->wqueue);
		} else {
			udp++;
			if (s->has_drops)
				family_add(&drops, &b, s->drops);
		}
		describe(&b, m, r);
		family_add(&info, &b, 1);
		b.len = id_len;
	}
	family_print(&info, out, "porttop_listener_info", "gauge",
		     "A listening socket (the value counts sockets that share every label, as in a SO_REUSEPORT group).");
	family_print(&queue, out, "porttop_listener_accept_queue", "gauge",
		     "Connections of a TCP listener waiting to be accepted.");
	family_print(&backlog, out, "porttop_listener_backlog", "gauge",
		     "The most connections that may wait in a TCP listener's accept queue.");
	family_print(&drops, out, "porttop_udp_drops_total", "counter",
		     "Datagrams a UDP socket dropped on receive.");
	put_header(out, "porttop_listeners", "gauge",
		   "Listening sockets, by protocol.");
	/* a protocol that was not dumped has no count rather than 0 */
	if (req->collect & COLLECT_TCP)
		fprintf(out, "porttop_listeners{proto=\"tcp\"} %zu\n", tcp);
	if (req->collect & COLLECT_UDP)
		fprintf(out, "porttop_listeners{proto=\"udp\"} %zu\n", udp);
	put_header(out, "porttop_hidden_owner_sockets", "gauge",
		   "Sockets whose holders this user may not see (run as root, or grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH).");
	fprintf(out, "porttop_hidden_owner_sockets %zu\n", m->hidden_owners);
	put_header(out, "porttop_unread_processes", "gauge",
		   "Processes not read for want of file descriptors (raise RLIMIT_NOFILE).");
	fprintf(out, "porttop_unread_processes %zu\n", m->unread.procs);
	put_header(out, "porttop_scan_partial", "gauge",
		   "1 if some namespaces or protocols could not be listed (porttop says which on stderr), else 0.");
	fprintf(out, "porttop_scan_partial %d\n", m->partial ? 1 : 0);
	put_header(out, "porttop_owner_scan_full_age_seconds", "gauge",
		   "Seconds since the last full owner scan when this refresh was an incremental /proc refresh, which may miss a holder until the next full scan; 0 when it was a full scan.");
	fprintf(out, "porttop_owner_scan_full_age_seconds %.3f\n",
		m->owners_incremental ? m->owners_full_age : 0.0);
	put_header(out, "porttop_scan_duration_seconds", "gauge",
		   "How long the scan of sockets and their holders took.");
	fprintf(out, "porttop_scan_duration_seconds %.6f\n", m->scan_seconds);
	buf_release(&b);
	family_release(&info);
	family_release(&queue);
	family_release(&backlog);
	family_release(&drops);
	return 0;
}
