/* view_json.c - the JSON view: one array of listener objects (one line
 * per refresh with -n: JSON lines)
 *
 * Keys are part of the documented schema (porttop(1)) and never
 * translated. Every string goes through escape_json(). */
#include "config.h"
#include "views.h"

#include <inttypes.h>
#include <string.h>
#include <netinet/in.h>

#include "escape.h"
#include "ownerstat.h"

static void add_str(struct buf *b, const char *key, const char *s, size_t len)
{
	buf_printf(b, "\"%s\":\"", key);
	escape_json(b, s, len);
	buf_addc(b, '"');
}

static void add_user(struct buf *b, const struct model *m, uint32_t uid)
{
	const char *name = model_user(m, uid);

	if (name)
		add_str(b, "user", name, strlen(name));
	else
		buf_adds(b, "\"user\":null");
}

static void add_cmdline(struct buf *b, const struct proc_info *p)
{
	size_t i = 0, len = owner_argv_len(p->cmdline, p->cmdline_len);
	bool first = true;

	buf_adds(b, "\"cmdline\":[");
	while (i < len) {
		const char *arg = p->cmdline + i;
		const char *nul = memchr(arg, '\0', len - i);
		size_t alen = nul ? (size_t)(nul - arg) : len - i;

		if (!first)
			buf_addc(b, ',');
		first = false;
		buf_addc(b, '"');
		escape_json(b, arg, alen);
		buf_addc(b, '"');
		i += alen + 1;
	}
	buf_addc(b, ']');
}

void view_json_owner(struct buf *b, const struct model *m,
		     const struct holder *h)
{
	const struct proc_info *p = model_proc(m, h);
	const char *cg;
	size_t cg_len;

	buf_printf(b, "{\"pid\":%d,\"tid\":%d,\"fd\":%d,", h->pid, h->tid,
		   h->fd);
	if (!p) {
		buf_adds(b, "\"comm\":null,\"cmdline\":[],\"uid\":null,"
			    "\"user\":null,\"start_time\":null}");
		return;
	}
	add_str(b, "comm", p->comm, p->comm_len);
	buf_addc(b, ',');
	add_cmdline(b, p);
	buf_printf(b, ",\"cmdline_truncated\":%s,\"uid\":%" PRIu32 ",",
		   p->cmdline_cut ? "true" : "false", p->uid);
	add_user(b, m, p->uid);
	buf_printf(b, ",\"start_time\":%llu,", p->start_time);
	cg = model_proc_cgroup(m, h, &cg_len);
	if (cg)
		add_str(b, "cgroup", cg, cg_len);
	else
		buf_adds(b, "\"cgroup\":null");
	buf_addc(b, '}');
}

void view_json_owners(struct buf *b, const struct model *m,
		      const struct row *r)
{
	size_t i;

	buf_addc(b, '[');
	for (i = 0; i < r->nholders; i++) {
		if (i > 0)
			buf_addc(b, ',');
		view_json_owner(b, m, &r->holders[i]);
	}
	buf_addc(b, ']');
}

void view_json_listener(struct buf *b, const struct model *m,
			const struct row *r)
{
	const struct context *ctx = row_ctx(r);
	const struct sock_rec *s = r->sock;
	bool tcp = s->proto == IPPROTO_TCP;
	char addr[INET6_ADDRSTRLEN];

	model_address(r, addr, sizeof(addr));
	buf_printf(b, "{\"proto\":\"%s\",\"family\":\"%s\",\"address\":\"%s\","
		      "\"port\":%u,\"v6only\":%s,",
		   tcp ? "tcp" : "udp", s->family == AF_INET ? "ipv4" : "ipv6",
		   addr, s->port, s->v6only == 1 ? "true" : "false");
	buf_printf(b, "\"v4_mapped\":%s,",
		   model_v4_mapped(s) ? "true" : "false");
	if (r->device[0])
		add_str(b, "device", r->device, strlen(r->device));
	else
		buf_adds(b, "\"device\":null");
	buf_printf(b, ",\"inode\":%" PRIu32 ",\"cookie\":%" PRIu64
		      ",\"uid\":%" PRIu32 ",",
		   s->inode, s->cookie, s->uid);
	add_user(b, m, s->uid);
	buf_printf(b, ",\"netns\":%" PRIu64 ",", s->netns);
	if (row_netns_name(r)[0])
		add_str(b, "netns_name", row_netns_name(r),
			strlen(row_netns_name(r)));
	else
		buf_adds(b, "\"netns_name\":null");
	buf_printf(b, ",\"cgroup_id\":%" PRIu64 ",", s->cgroup_id);
	if (r->service)
		add_str(b, "service", r->service->name,
			strlen(r->service->name));
	else
		buf_adds(b, "\"service\":null");
	buf_printf(b, ",\"class\":\"%s\",\"exposure\":\"%s\","
		      "\"ephemeral\":%s,\"reserved\":%s,",
		   port_class_name(r->cls), exposure_name(r->exposure),
		   port_ranges_ephemeral(model_ranges(m, s->netns), s->port)
			   ? "true" : "false",
		   port_ranges_reserved(model_ranges(m, s->netns), s->port)
			   ? "true" : "false");
	if (ctx->unit[0])
		add_str(b, "unit", ctx->unit, strlen(ctx->unit));
	else
		buf_adds(b, "\"unit\":null");
	if (ctx->runtime[0]) {
		buf_printf(b, ",\"container\":{\"runtime\":\"%s\",",
			   ctx->runtime);
		add_str(b, "id", ctx->id, strlen(ctx->id));
		buf_adds(b, "},");
	} else {
		buf_adds(b, ",\"container\":null,");
	}
	if (row_forward(r)[0]) {
		buf_adds(b, "\"forward\":");
		buf_addc(b, '"');
		escape_json(b, row_forward(r), strlen(row_forward(r)));
		buf_adds(b, "\",");
	} else {
		buf_adds(b, "\"forward\":null,");
	}
	buf_adds(b, r->activated ? "\"activation\":\"systemd\","
				 : "\"activation\":null,");
	if (m->has_conns && tcp)
		buf_printf(b, "\"conns\":%" PRIu32 ",\"conns_scope\":\"%s\",",
			   r->conns, r->group ? "group" : "socket");
	else
		buf_adds(b, "\"conns\":null,\"conns_scope\":null,");
	if (r->group)
		buf_printf(b, "\"reuseport_group\":{\"id\":%" PRIu32
			      ",\"size\":%" PRIu32 "},",
			   r->group, r->group_size);
	else
		buf_adds(b, "\"reuseport_group\":null,");
	if (tcp)
		buf_printf(b, "\"accept_queue\":%" PRIu32 ",\"backlog\":%" PRIu32
			      ",\"recv_queue_bytes\":null,\"drops\":null,",
			   s->rqueue, s->wqueue);
	else if (s->has_drops)
		buf_printf(b, "\"accept_queue\":null,\"backlog\":null,"
			      "\"recv_queue_bytes\":%" PRIu32 ",\"drops\":%" PRIu32 ",",
			   s->rqueue, s->drops);
	else
		buf_printf(b, "\"accept_queue\":null,\"backlog\":null,"
			      "\"recv_queue_bytes\":%" PRIu32 ",\"drops\":null,",
			   s->rqueue);
	buf_printf(b, "\"owner_status\":\"%s\",\"owners_complete\":%s,"
		      "\"owners\":",
		   owner_status_name(r->status),
		   owner_status_complete(r->status) ? "true" : "false");
	view_json_owners(b, m, r);
	buf_addc(b, '}');
}

int view_json(const struct model *m, const struct view_request *req,
	      FILE *out)
{
	bool lines = req->json_lines;
	struct buf b;
	size_t i;

	buf_init(&b);
	fputc('[', out);
	for (i = 0; i < m->nrows; i++) {
		buf_reset(&b);
		view_json_listener(&b, m, &m->rows[i]);
		if (i)
			fputc(',', out);
		if (!lines)
			fputc('\n', out);
		fwrite(b.p, 1, b.len, out);
	}
	fputs(m->nrows && !lines ? "\n]\n" : "]\n", out);
	buf_release(&b);
	return 0;
}
