/* view_why.c - "why can't my server bind port N?": the diagnosis as text
 * and as one JSON document
 *
 * JSON keys are part of the documented schema (porttop(1),
 * doc/why.schema.json) and never translated. */
#include "config.h"
#include "views.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "escape.h"
#include "nls.h"
#include "view_fold.h"

/* At most this many reasons of one kind in the text; JSON has them all. */
#define TEXT_PER_KIND 8

static const char *proto_word(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static void add_addr(struct buf *b, uint8_t family, const uint8_t *a)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	buf_adds(b, text);
}

/* "every address (:: and 0.0.0.0)", "0.0.0.0", "::1" */
static void add_target(struct buf *b, const struct why_target *t)
{
	if (t->any && t->family == AF_INET6 && t->v6only == 1)
		buf_adds(b, _("every IPv6 address (:: with IPV6_V6ONLY)"));
	else if (t->any && t->family == AF_INET6)
		buf_adds(b, _("every address (:: and 0.0.0.0)"));
	else if (t->any)
		buf_adds(b, _("every IPv4 address (0.0.0.0)"));
	else
		add_addr(b, t->family, t->addr);
}

static bool blocks_eacces(const struct why *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].kind == WHY_PRIVILEGED &&
		    w->v[i].effect == WHY_BLOCKS)
			return true;
	return false;
}

static const char *verdict_name(enum why_effect e)
{
	switch (e) {
	case WHY_BLOCKS:
		return "blocked";
	case WHY_MAYBE:
		return "maybe";
	case WHY_NOTE:
		break;
	}
	return "free";
}

/* With --try the kernel settled it: "free" or "blocked". */
static const char *answer_name(const struct why_report *r)
{
	if (!r->tried)
		return verdict_name(r->why->verdict);
	return r->try_err ? "blocked" : "free";
}

static void add_settled(struct buf *b, const struct why_report *r)
{
	if (r->try_err == 0)
		buf_adds(b, _("free: the kernel accepted a test bind"));
	else
		buf_printf(b, _("blocked: the kernel refused a test bind with %s"),
			   strerrorname_np(-r->try_err));
	if (r->why->verdict == WHY_MAYBE)
		buf_adds(b, _(" (the diagnosis alone said maybe)"));
}

static void add_verdict(struct buf *b, const struct why_report *r)
{
	const struct why *w = r->why;
	size_t i, blocking = 0;

	for (i = 0; i < w->n; i++)
		if (w->v[i].effect != WHY_NOTE)
			blocking++;
	buf_printf(b, "%u/%s ", r->target->port, proto_word(r->target->proto));
	buf_adds(b, _("on"));
	buf_addc(b, ' ');
	add_target(b, r->target);
	if (r->target->options & WHY_OPT_REUSEADDR)
		buf_adds(b, _(" with SO_REUSEADDR"));
	if (r->target->options == (WHY_OPT_REUSEADDR | WHY_OPT_REUSEPORT))
		buf_adds(b, _(" and SO_REUSEPORT"));
	else if (r->target->options & WHY_OPT_REUSEPORT)
		buf_adds(b, _(" with SO_REUSEPORT"));
	buf_adds(b, ": ");
	if (r->tried) {
		add_settled(b, r);
		buf_addc(b, '\n');
		return;
	}
	switch (w->verdict) {
	case WHY_NOTE:
		buf_adds(b, _("free: a new server can bind it now"));
		break;
	case WHY_MAYBE:
		buf_printf(b, ngettext("maybe: %zu reason depends on socket options the kernel does not report (--try tells)",
				       "maybe: %zu reasons depend on socket options the kernel does not report (--try tells)",
				       blocking),
			   blocking);
		break;
	case WHY_BLOCKS:
		buf_printf(b, ngettext("blocked: a new server gets %s (%zu reason)",
				       "blocked: a new server gets %s (%zu reasons)",
				       blocking),
			   blocks_eacces(w) ? "EACCES" : "EADDRINUSE", blocking);
		break;
	}
	buf_addc(b, '\n');
}

static const char *effect_text(enum why_effect e)
{
	switch (e) {
	case WHY_BLOCKS:
		return _("blocks");
	case WHY_MAYBE:
		return _("may block");
	case WHY_NOTE:
		break;
	}
	return _("note");
}

/* The explanation is folded to this width even for a pipe (whole lines
 * of several hundred characters are not read), and on a terminal to its
 * width when it is narrower. */
#define WHY_WRAP 79

static size_t why_width(const struct why_report *r)
{
	return r->width && r->width < WHY_WRAP ? r->width : WHY_WRAP;
}

/* "tcp4 127.0.0.1:8080 -> 127.0.0.1:36256 TIME_WAIT" */
static void add_socket(struct buf *b, const struct row *row)
{
	const struct sock_rec *s = row->sock;

	buf_printf(b, "%s ", columns_proto(row));
	buf_adds(b, s->family == AF_INET6 ? "[" : "");
	add_addr(b, s->family, s->addr);
	buf_printf(b, "%s:%u", s->family == AF_INET6 ? "]" : "", s->port);
	if (row->device[0]) {
		buf_addc(b, '%');
		escape_text(b, row->device, strlen(row->device));
	}
	if (s->dport) {
		buf_adds(b, s->family == AF_INET6 ? " -> [" : " -> ");
		add_addr(b, s->family, s->daddr);
		buf_printf(b, "%s:%u", s->family == AF_INET6 ? "]" : "",
			   s->dport);
	}
	buf_printf(b, " %s", why_state_name(s));
}

static const char *kind_text(enum why_kind k)
{
	switch (k) {
	case WHY_LISTENER:
		return _("a listener");
	case WHY_GROUP:
		return _("a SO_REUSEPORT group of listeners");
	case WHY_BOUND:
		return _("a socket bound but not listening");
	case WHY_CONNECTION:
		return _("a connection with the port as its local port");
	case WHY_UDP:
		return _("a UDP socket on the port");
	case WHY_PRIVILEGED:
		return _("a privileged port");
	case WHY_RESERVED:
		return _("a reserved port");
	case WHY_EPHEMERAL:
		return _("a port in the ephemeral range");
	case WHY_OTHER_NETNS:
		return _("a socket in another network namespace");
	case WHY_UNSEEN:
		return _("bound-only sockets cannot be seen");
	case WHY__COUNT:
		break;
	}
	return "?";
}

static void explain_socket(struct buf *b, const struct why_report *r,
			   const struct why_reason *x)
{
	const struct sock_rec *s = x->row->sock;
	uint32_t uid = r->target->uid;

	switch (x->kind) {
	case WHY_LISTENER:
		if (x->effect == WHY_MAYBE)
			buf_adds(b, _("a server of the same uid with SO_REUSEPORT shares the port only if this listener set SO_REUSEPORT too, which the kernel does not report: --try=reuseport tells"));
		else
			buf_printf(b, _("a listener keeps its address: SO_REUSEADDR does not share it, SO_REUSEPORT only with the same uid (it is uid %" PRIu32 ", you are uid %" PRIu32 ") and only if it set SO_REUSEPORT too, which the kernel does not report (--try=reuseport tells)"),
				   s->uid, uid);
		break;
	case WHY_GROUP:
		if (x->effect == WHY_NOTE)
			buf_printf(b, _("%zu listeners share this address with SO_REUSEPORT, as uid %" PRIu32 ": a server of that uid with SO_REUSEPORT joins the group"),
				   x->group, s->uid);
		else
			buf_printf(b, _("%zu listeners share this address with SO_REUSEPORT, as uid %" PRIu32 ": only a server with SO_REUSEPORT and the same uid can join (you are uid %" PRIu32 ")"),
				   x->group, s->uid, uid);
		break;
	case WHY_BOUND:
		buf_adds(b, _("bound without listening (it may listen or connect later): it blocks a server without SO_REUSEADDR; with it, only if this socket set SO_REUSEADDR too, which the kernel does not report (--try=reuseaddr tells)"));
		break;
	case WHY_CONNECTION:
		if (s->state == TCP_TIME_WAIT && s->timer)
			buf_printf(b, _("TIME_WAIT ends by itself in %" PRIu32 " s. "),
				   (s->expires_ms + 999) / 1000);
		else if (s->state == TCP_TIME_WAIT)
			buf_adds(b, _("TIME_WAIT ends by itself. "));
		buf_adds(b, _("It blocks a server without SO_REUSEADDR; with it, only if the connection's socket set SO_REUSEADDR too (usual when its listener did), which the kernel does not report (--try=reuseaddr tells)"));
		break;
	case WHY_UDP:
		buf_printf(b, _("UDP sockets share a port only when both set SO_REUSEADDR, or both SO_REUSEPORT with the same uid (it is uid %" PRIu32 ", you are uid %" PRIu32 "); the kernel reports neither (--try=reuseaddr or --try=reuseport tells)"),
			   s->uid, uid);
		break;
	case WHY_OTHER_NETNS:
		buf_adds(b, _("a container (or another namespace) has it in its own network namespace: it does not block a server here; publish the port, or connect there"));
		break;
	default:
		break;
	}
}

static void explain_system(struct buf *b, const struct why_report *r,
			   const struct why_reason *x)
{
	const struct why_facts *f = r->facts;
	uint16_t lo, hi;

	switch (x->kind) {
	case WHY_PRIVILEGED:
		if (f->unpriv_start < 0)
			buf_adds(b, _("ports below 1024 usually need CAP_NET_BIND_SERVICE; net.ipv4.ip_unprivileged_port_start cannot be read here"));
		else if (x->effect == WHY_MAYBE)
			buf_printf(b, _("ports below %d (net.ipv4.ip_unprivileged_port_start of this namespace) need CAP_NET_BIND_SERVICE in the user namespace that owns this network namespace; whether porttop's counts there cannot be determined (NS_GET_USERNS failed): unknown, --try tells"),
				   f->unpriv_start);
		else if (x->effect == WHY_BLOCKS && f->cap_held)
			buf_printf(b, _("ports below %d (net.ipv4.ip_unprivileged_port_start of this namespace) need CAP_NET_BIND_SERVICE in the user namespace that owns this network namespace: porttop (uid %" PRIu32 ") has it only in its own user namespace, which does not own this network namespace (as after unshare -U without -n), so the bind gets EACCES. Run the server in a network namespace its user namespace owns (unshare -Urn), give it the capability in the owner's namespace, or lower the threshold there"),
				   f->unpriv_start, r->target->uid);
		else if (x->effect == WHY_BLOCKS && r->target->uid == 0)
			buf_printf(b, _("ports below %d (net.ipv4.ip_unprivileged_port_start of this namespace) need CAP_NET_BIND_SERVICE: porttop runs as uid 0 but without it, so the capability was dropped (a container's capability set, or the bounding set) and the bind gets EACCES. Give it back: --cap-add NET_BIND_SERVICE for a container, AmbientCapabilities=CAP_NET_BIND_SERVICE in the unit, setcap cap_net_bind_service=+ep on the server, or lower net.ipv4.ip_unprivileged_port_start in that namespace"),
				   f->unpriv_start);
		else if (x->effect == WHY_BLOCKS)
			buf_printf(b, _("ports below %d (net.ipv4.ip_unprivileged_port_start of this namespace) need CAP_NET_BIND_SERVICE, which porttop does not have (uid %" PRIu32 "): the bind gets EACCES. Run the server as root, give it the capability (AmbientCapabilities= in its unit, or setcap cap_net_bind_service=+ep), or lower the threshold"),
				   f->unpriv_start, r->target->uid);
		else
			buf_printf(b, _("ports below %d (net.ipv4.ip_unprivileged_port_start of this namespace) need CAP_NET_BIND_SERVICE: porttop has it (in the user namespace that owns this network namespace), a server without it gets EACCES"),
				   f->unpriv_start);
		break;
	case WHY_RESERVED:
		buf_adds(b, _("listed in net.ipv4.ip_local_reserved_ports: the kernel never picks it as an ephemeral port; a server can still bind it"));
		break;
	case WHY_EPHEMERAL:
		if (r->m->registry &&
		    registry_ephemeral_range(r->m->registry, &lo, &hi))
			buf_printf(b, _("inside net.ipv4.ip_local_port_range %u-%u: an outgoing connection may take it as its local port at any time and then block the server; reserve it: sysctl -w net.ipv4.ip_local_reserved_ports=%u"),
				   lo, hi, r->target->port);
		break;
	case WHY_UNSEEN: {
		/* the release string is the kernel's builder's: escaped */
		struct buf k;

		buf_init(&k);
		if (f->kernel[0])
			escape_text(&k, f->kernel, strlen(f->kernel));
		else
			buf_addc(&k, '?');
		buf_printf(b, _("this kernel (%s) does not report sockets that are bound but not listening (kernels from 6.7 do): bound-only sockets cannot be seen on kernels before 6.7, so one may hold the port unseen; --try tells"),
			   k.p);
		buf_release(&k);
		break;
	}
	default:
		break;
	}
}

/* The holders, or why there is none. */
static void add_holders(struct buf *out, const struct why_report *r,
			const struct row *row)
{
	const struct sock_rec *s = row->sock;

	if (s->proto == IPPROTO_TCP && s->state == TCP_TIME_WAIT) {
		view_field(out, _("holder"),
			   _("(no process: the kernel keeps it until TIME_WAIT ends)"),
			   r->width);
		return;
	}
	view_card_holders(out, r->m, row, r->width);
}

/* True if x is one more listener of the SO_REUSEPORT group of prev. */
static bool same_group(const struct why_reason *prev,
		       const struct why_reason *x)
{
	const struct sock_rec *a, *b;

	if (!prev || prev->kind != WHY_GROUP || x->kind != WHY_GROUP)
		return false;
	a = prev->row->sock;
	b = x->row->sock;
	return a->family == b->family && a->ifindex == b->ifindex &&
	       a->netns == b->netns && memcmp(a->addr, b->addr, 16) == 0;
}

static void add_reason(struct buf *out, struct buf *b,
		       const struct why_report *r, const struct why_reason *x,
		       const struct why_reason *prev)
{
	if (same_group(prev, x)) {
		buf_reset(b);
		add_socket(b, x->row);
		view_field(out, _("socket"), b->p, r->width);
		add_holders(out, r, x->row);
		return;
	}
	buf_reset(b);
	buf_printf(b, "\n%s: %s\n", effect_text(x->effect),
		   kind_text(x->kind));
	view_fold_text(out, b->p, r->width);
	buf_reset(b);
	if (x->row)
		explain_socket(b, r, x);
	else
		explain_system(b, r, x);
	if (b->len)
		view_field(out, _("why"), b->p, why_width(r));
	if (!x->row)
		return;
	buf_reset(b);
	add_socket(b, x->row);
	view_field(out, _("socket"), b->p, r->width);
	if (x->kind == WHY_OTHER_NETNS) {
		buf_reset(b);
		if (row_netns_name(x->row)[0])
			escape_text(b, row_netns_name(x->row),
				    strlen(row_netns_name(x->row)));
		else
			buf_printf(b, "%" PRIu64, x->row->sock->netns);
		view_field(out, _("netns"), b->p, r->width);
	}
	add_holders(out, r, x->row);
}

static void add_try(struct buf *out, const struct why_report *r)
{
	const struct why_target *t = r->target;

	buf_adds(out, "\n");
	buf_printf(out, _("test bind (--try): %s "), proto_word(t->proto));
	add_addr(out, t->family, t->addr);
	buf_printf(out, _(" port %u"), t->port);
	if (t->family == AF_INET6)
		buf_adds(out, t->v6only == 1 ? ", IPV6_V6ONLY" : "");
	if (t->options & WHY_OPT_REUSEADDR)
		buf_adds(out, ", SO_REUSEADDR");
	if (t->options & WHY_OPT_REUSEPORT)
		buf_adds(out, ", SO_REUSEPORT");
	buf_adds(out, ": ");
	if (r->try_err == 0)
		buf_adds(out, _("the kernel accepted it (the socket was closed at once)"));
	else
		buf_printf(out, _("the kernel refused it: %s (%s)"),
			   strerror(-r->try_err), strerrorname_np(-r->try_err));
	buf_addc(out, '\n');
	if ((r->try_err == 0 && r->why->verdict == WHY_BLOCKS) ||
	    (r->try_err != 0 && r->why->verdict == WHY_NOTE))
		buf_adds(out, _("the kernel's answer differs from the diagnosis: the kernel is right (a socket porttop cannot see, or a rule it does not know)\n"));
}

void view_why_text(struct buf *out, const struct why_report *r)
{
	const struct why *w = r->why;
	size_t i, shown[WHY__COUNT] = { 0 }, hidden[WHY__COUNT] = { 0 };
	const struct why_reason *prev = NULL;
	struct buf scratch, text;

	buf_init(&scratch);
	buf_init(&text);
	add_verdict(&text, r);
	view_fold_text(out, text.p, r->width);
	for (i = 0; i < w->n; i++) {
		const struct why_reason *x = &w->v[i];

		if (shown[x->kind] == TEXT_PER_KIND) {
			hidden[x->kind]++;
			continue;
		}
		shown[x->kind]++;
		add_reason(out, &scratch, r, x, prev);
		prev = x;
	}
	buf_reset(&text);
	for (i = 0; i < WHY__COUNT; i++)
		if (hidden[i])
			buf_printf(&text, _("\n... and %zu more: %s (--json lists them all)\n"),
				   hidden[i], kind_text((enum why_kind)i));
	if (r->tried)
		add_try(&text, r);
	if (text.len)
		view_fold_text(out, text.p, r->width);
	buf_release(&text);
	buf_release(&scratch);
}

int view_why(const struct why_report *r, FILE *out)
{
	struct buf b;

	buf_init(&b);
	view_why_text(&b, r);
	fwrite(b.p, 1, b.len, out);
	buf_release(&b);
	return 0;
}

static void json_str(struct buf *b, const char *key, const char *s)
{
	buf_printf(b, "\"%s\":", key);
	if (!s) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	escape_json(b, s, strlen(s));
	buf_addc(b, '"');
}

static void json_addr(struct buf *b, const char *key, uint8_t family,
		      const uint8_t *a)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	json_str(b, key, text);
}

static void json_socket(struct buf *b, const struct model *m,
			const struct row *row)
{
	const struct sock_rec *s = row->sock;
	const char *user = model_user(m, s->uid);

	buf_printf(b, "{\"proto\":\"%s\",\"family\":\"%s\",",
		   proto_word(s->proto), s->family == AF_INET ? "ipv4" : "ipv6");
	json_addr(b, "address", s->family, s->addr);
	buf_printf(b, ",\"port\":%u,\"v6only\":%s,", s->port,
		   s->v6only == 1 ? "true" : "false");
	json_str(b, "device", row->device[0] ? row->device : NULL);
	buf_printf(b, ",\"state\":\"%s\",", why_state_name(s));
	if (s->dport) {
		buf_adds(b, "\"remote\":{");
		json_addr(b, "address", s->family, s->daddr);
		buf_printf(b, ",\"port\":%u},", s->dport);
	} else {
		buf_adds(b, "\"remote\":null,");
	}
	if (s->timer)
		buf_printf(b, "\"timer_ms\":%" PRIu32 ",", s->expires_ms);
	else
		buf_adds(b, "\"timer_ms\":null,");
	buf_printf(b, "\"inode\":%" PRIu32 ",\"uid\":%" PRIu32 ",", s->inode,
		   s->uid);
	json_str(b, "user", user);
	buf_printf(b, ",\"netns\":%" PRIu64 ",", s->netns);
	json_str(b, "netns_name",
		 row_netns_name(row)[0] ? row_netns_name(row) : NULL);
	buf_addc(b, '}');
}

static void json_reason(struct buf *b, struct buf *scratch,
			const struct why_report *r, const struct why_reason *x)
{
	const struct row *row = x->row;
	const struct context *ctx = row ? row_ctx(row) : NULL;
	size_t i;

	buf_printf(b, "{\"kind\":\"%s\",\"blocks\":\"%s\",",
		   why_kind_name(x->kind), why_effect_name(x->effect));
	buf_reset(scratch);
	if (row)
		explain_socket(scratch, r, x);
	else
		explain_system(scratch, r, x);
	json_str(b, "detail", scratch->p ? scratch->p : "");
	buf_printf(b, ",\"relief\":[%s%s%s],",
		   x->relief & WHY_OPT_REUSEADDR ? "\"reuseaddr\"" : "",
		   x->relief == (WHY_OPT_REUSEADDR | WHY_OPT_REUSEPORT) ? "," : "",
		   x->relief & WHY_OPT_REUSEPORT ? "\"reuseport\"" : "");
	if (x->kind == WHY_GROUP)
		buf_printf(b, "\"group\":%zu,", x->group);
	else
		buf_adds(b, "\"group\":null,");
	buf_adds(b, "\"socket\":");
	if (row)
		json_socket(b, r->m, row);
	else
		buf_adds(b, "null");
	buf_addc(b, ',');
	json_str(b, "unit", ctx && ctx->unit[0] ? ctx->unit : NULL);
	if (ctx && ctx->runtime[0]) {
		buf_printf(b, ",\"container\":{\"runtime\":\"%s\",",
			   ctx->runtime);
		json_str(b, "id", ctx->id);
		buf_adds(b, "},");
	} else {
		buf_adds(b, ",\"container\":null,");
	}
	if (!row)
		buf_adds(b, "\"owner_status\":null,\"holders\":[]}");
	else if (row->sock->state == TCP_TIME_WAIT &&
		 row->sock->proto == IPPROTO_TCP)
		buf_adds(b, "\"owner_status\":\"kernel\",\"holders\":[]}");
	else {
		buf_printf(b, "\"owner_status\":\"%s\",\"holders\":[",
			   owner_status_name(row->status));
		for (i = 0; i < row->nholders; i++) {
			if (i)
				buf_addc(b, ',');
			view_json_owner(b, r->m, &row->holders[i]);
		}
		buf_adds(b, "]}");
	}
}

static void json_facts(struct buf *b, const struct why_report *r)
{
	const struct why_facts *f = r->facts;

	buf_adds(b, "\"facts\":{\"unprivileged_port_start\":");
	if (f->unpriv_start >= 0)
		buf_printf(b, "%d", f->unpriv_start);
	else
		buf_adds(b, "null");
	buf_printf(b, ",\"cap_net_bind_service\":%s,\"uid\":%" PRIu32 ",",
		   f->cap_unknown ? "null" : f->cap_bind ? "true" : "false",
		   r->target->uid);
	json_str(b, "kernel", f->kernel[0] ? f->kernel : NULL);
	buf_printf(b, ",\"sees_bound_sockets\":%s},",
		   f->sees_bound ? "true" : "false");
}

static void json_try(struct buf *b, const struct why_report *r)
{
	const struct why_target *t = r->target;

	if (!r->tried) {
		buf_adds(b, "\"try\":null");
		return;
	}
	buf_printf(b, "\"try\":{\"options\":[%s%s%s],\"accepted\":%s,",
		   t->options & WHY_OPT_REUSEADDR ? "\"reuseaddr\"" : "",
		   t->options == (WHY_OPT_REUSEADDR | WHY_OPT_REUSEPORT) ? "," : "",
		   t->options & WHY_OPT_REUSEPORT ? "\"reuseport\"" : "",
		   r->try_err ? "false" : "true");
	json_str(b, "errno", r->try_err ? strerrorname_np(-r->try_err) : NULL);
	buf_addc(b, ',');
	json_str(b, "message", r->try_err ? strerror(-r->try_err) : NULL);
	buf_addc(b, '}');
}

int view_why_json(const struct why_report *r, FILE *out)
{
	const struct why_target *t = r->target;
	const struct why *w = r->why;
	struct buf b, scratch;
	size_t i;

	buf_init(&b);
	buf_init(&scratch);
	buf_printf(&b, "{\"port\":%u,\"proto\":\"%s\",", t->port,
		   proto_word(t->proto));
	json_addr(&b, "address", t->family, t->addr);
	buf_printf(&b, ",\"any_address\":%s,\"v6only\":%s,"
		       "\"netns\":%" PRIu64 ",\"verdict\":\"%s\",",
		   t->any ? "true" : "false", t->v6only == 1 ? "true" : "false",
		   r->facts->netns, verdict_name(w->verdict));
	buf_printf(&b, "\"answer\":\"%s\",", answer_name(r));
	json_str(&b, "error",
		 w->verdict != WHY_BLOCKS ? NULL
		 : blocks_eacces(w)	  ? "EACCES"
					  : "EADDRINUSE");
	buf_addc(&b, ',');
	json_facts(&b, r);
	buf_adds(&b, "\"reasons\":[");
	for (i = 0; i < w->n; i++) {
		buf_adds(&b, i ? ",\n" : "\n");
		json_reason(&b, &scratch, r, &w->v[i]);
	}
	buf_adds(&b, w->n ? "\n]," : "],");
	json_try(&b, r);
	buf_adds(&b, "}\n");
	fwrite(b.p, 1, b.len, out);
	buf_release(&scratch);
	buf_release(&b);
	return 0;
}
