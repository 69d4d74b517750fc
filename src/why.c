/* why.c - "why can't my server bind port N?": the verdict
 *
 * The rules follow the kernel's bind conflict checks (inet_bind_conflict,
 * udp_lib_lport_inuse): a socket on the port conflicts when the addresses
 * overlap, unless both sides set SO_REUSEADDR (never against a listener)
 * or both set SO_REUSEPORT with the same owner uid (any uid against
 * TIME_WAIT). sock_diag does not report either option of a socket, so
 * where they decide, the effect is "maybe" and --try settles it. */
#include "config.h"
#include "why.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "xalloc.h"

#define STATE_BOUND_INACTIVE 13	/* TCP_BOUND_INACTIVE, Linux 6.7 */
#define STATE_NEW_SYN_RECV 12	/* a request socket: not bound itself */

static const uint8_t zero[16];

int why_target_init(struct why_target *t, uint16_t port, uint8_t proto,
		    const char *address, unsigned options, uint32_t uid,
		    bool ipv6)
{
	char text[INET6_ADDRSTRLEN];
	size_t len;

	memset(t, 0, sizeof(*t));
	t->port = port;
	t->proto = proto;
	t->options = options;
	t->uid = uid;
	t->v6only = -1;
	if (!address) {
		t->any = true;
		t->family = ipv6 ? AF_INET6 : AF_INET;
		if (ipv6)
			t->v6only = 0;
		return 0;
	}
	/* [::1] as well as ::1 */
	len = strlen(address);
	if (address[0] == '[' && len > 2 && address[len - 1] == ']' &&
	    len - 2 < sizeof(text)) {
		memcpy(text, address + 1, len - 2);
		text[len - 2] = '\0';
	} else if (len < sizeof(text)) {
		memcpy(text, address, len + 1);
	} else {
		return -EINVAL;
	}
	if (inet_pton(AF_INET, text, t->addr) == 1) {
		t->family = AF_INET;
		t->any = memcmp(t->addr, zero, 4) == 0;
		return 0;
	}
	if (inet_pton(AF_INET6, text, t->addr) == 1) {
		t->family = AF_INET6;
		/* a server on :: usually takes IPv4 too (bindv6only=0) */
		t->v6only = 0;
		t->any = memcmp(t->addr, zero, 16) == 0;
		return 0;
	}
	return -EINVAL;
}

void why_init(struct why *w)
{
	memset(w, 0, sizeof(*w));
}

void why_release(struct why *w)
{
	free(w->v);
	why_init(w);
}

/* An address as the bind check sees it: v4-mapped IPv6 is IPv4. */
struct addr {
	uint8_t family;
	bool any;
	bool v6only;
	const uint8_t *a;	/* 4 or 16 bytes */
};

static const uint8_t mapped_prefix[12] = { [10] = 0xff, [11] = 0xff };

static struct addr norm(uint8_t family, const uint8_t *a, int8_t v6only)
{
	struct addr r = { family, false, v6only == 1, a };

	if (family == AF_INET6 && memcmp(a, mapped_prefix, 12) == 0) {
		r.family = AF_INET;
		r.a = a + 12;
		r.v6only = false;
	}
	r.any = memcmp(r.a, zero, r.family == AF_INET ? 4 : 16) == 0;
	return r;
}

static bool overlap(struct addr x, struct addr y)
{
	if (x.family == y.family)
		return x.any || y.any ||
		       memcmp(x.a, y.a, x.family == AF_INET ? 4 : 16) == 0;
	/* IPv6 against IPv4: only a dual-stack :: covers IPv4 */
	if (x.family == AF_INET6)
		return x.any && !x.v6only;
	return y.any && !y.v6only;
}

bool why_overlaps(const struct why_target *t, const struct sock_rec *s)
{
	return overlap(norm(t->family, t->addr, t->v6only),
		       norm(s->family, s->addr, s->v6only));
}

const char *why_kind_name(enum why_kind k)
{
	static const char *const names[WHY__COUNT] = {
		[WHY_LISTENER] = "listener",
		[WHY_GROUP] = "reuseport-group",
		[WHY_BOUND] = "bound",
		[WHY_CONNECTION] = "connection",
		[WHY_UDP] = "udp",
		[WHY_PRIVILEGED] = "privileged",
		[WHY_RESERVED] = "reserved",
		[WHY_EPHEMERAL] = "ephemeral",
		[WHY_OTHER_NETNS] = "other-netns",
		[WHY_UNSEEN] = "unseen-bound",
	};

	return (unsigned)k < WHY__COUNT ? names[k] : "?";
}

const char *why_effect_name(enum why_effect e)
{
	switch (e) {
	case WHY_BLOCKS:
		return "yes";
	case WHY_MAYBE:
		return "maybe";
	case WHY_NOTE:
		break;
	}
	return "no";
}

/* The kernel (6.7+) dumps a bound-only socket when asked for the pseudo
 * state TCP_BOUND_INACTIVE, but reports it in its real state, TCP_CLOSE:
 * no other TCP_CLOSE socket is ever dumped. */
bool why_bound_only(const struct sock_rec *s)
{
	return s->proto == IPPROTO_TCP &&
	       (s->state == TCP_CLOSE || s->state == STATE_BOUND_INACTIVE);
}

const char *why_state_name(const struct sock_rec *s)
{
	static const char *const tcp[] = {
		"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
		"LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND",
	};

	if (s->proto == IPPROTO_UDP)
		return s->state == TCP_ESTABLISHED ? "ESTAB" : "UNCONN";
	if (why_bound_only(s))
		return "BOUND";
	return s->state < sizeof(tcp) / sizeof(tcp[0]) ? tcp[s->state] : "?";
}

static void add(struct why *w, size_t *cap, enum why_kind kind,
		enum why_effect effect, const struct row *row, unsigned relief)
{
	struct why_reason *r;

	w->v = xgrow(w->v, cap, w->n + 1, sizeof(*w->v));
	r = &w->v[w->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->effect = effect;
	r->row = row;
	r->relief = relief;
	if (effect > w->verdict)
		w->verdict = effect;
}

/* Listeners on exactly the address, device and namespace of s. */
static size_t group_size(const struct model *m, const struct sock_rec *s)
{
	size_t i, n = 0;

	for (i = 0; i < m->nrows; i++) {
		const struct sock_rec *o = m->rows[i].sock;

		if (o->proto == s->proto && o->port == s->port &&
		    o->state == s->state && o->family == s->family &&
		    o->ifindex == s->ifindex && o->netns == s->netns &&
		    memcmp(o->addr, s->addr, 16) == 0)
			n++;
	}
	return n;
}

/* What SO_REUSEPORT on both sides needs of the holder's uid. */
static bool same_uid(const struct why_target *t, const struct sock_rec *s)
{
	return t->uid == s->uid;
}

static void tcp_reason(struct why *w, size_t *cap, const struct model *m,
		       const struct why_target *t, const struct row *r)
{
	const struct sock_rec *s = r->sock;
	bool ra = t->options & WHY_OPT_REUSEADDR;
	bool rp = t->options & WHY_OPT_REUSEPORT;
	enum why_effect e = WHY_BLOCKS;
	size_t group;

	if (s->state == TCP_LISTEN) {
		/* SO_REUSEADDR never shares a port with a listener; two
		 * listeners on one address exist only with SO_REUSEPORT */
		group = group_size(m, s);
		if (rp && same_uid(t, s))
			e = group > 1 ? WHY_NOTE : WHY_MAYBE;
		add(w, cap, group > 1 ? WHY_GROUP : WHY_LISTENER, e, r,
		    WHY_OPT_REUSEPORT);
		w->v[w->n - 1].group = group;
		return;
	}
	if (ra || (rp && (s->state == TCP_TIME_WAIT || same_uid(t, s))))
		e = WHY_MAYBE;
	add(w, cap, why_bound_only(s) ? WHY_BOUND : WHY_CONNECTION, e, r,
	    WHY_OPT_REUSEADDR | WHY_OPT_REUSEPORT);
}

static void udp_reason(struct why *w, size_t *cap, const struct why_target *t,
		       const struct row *r)
{
	enum why_effect e = WHY_BLOCKS;

	if ((t->options & WHY_OPT_REUSEADDR) ||
	    ((t->options & WHY_OPT_REUSEPORT) && same_uid(t, r->sock)))
		e = WHY_MAYBE;
	add(w, cap, WHY_UDP, e, r, WHY_OPT_REUSEADDR | WHY_OPT_REUSEPORT);
}

static int cmp_reason(const void *a, const void *b)
{
	const struct why_reason *x = a, *y = b;

	if (x->effect != y->effect)
		return x->effect > y->effect ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	/* rows keep the model's order */
	return (x->row > y->row) - (x->row < y->row);
}

static void system_reasons(struct why *w, size_t *cap, const struct model *m,
			   const struct why_target *t,
			   const struct why_facts *f)
{
	enum why_effect lacking = f->cap_unknown ? WHY_MAYBE : WHY_BLOCKS;

	if (t->port > 0 && f->unpriv_start > 0 && t->port < f->unpriv_start)
		add(w, cap, WHY_PRIVILEGED, f->cap_bind ? WHY_NOTE : lacking,
		    NULL, 0);
	else if (t->port > 0 && f->unpriv_start < 0 && t->port < 1024)
		add(w, cap, WHY_PRIVILEGED, f->cap_bind ? WHY_NOTE : WHY_MAYBE,
		    NULL, 0);
	if (m->registry && registry_reserved(m->registry, t->port))
		add(w, cap, WHY_RESERVED, WHY_NOTE, NULL, 0);
	else if (m->registry && registry_ephemeral(m->registry, t->port))
		add(w, cap, WHY_EPHEMERAL, WHY_NOTE, NULL, 0);
	if (t->proto == IPPROTO_TCP && !f->sees_bound)
		add(w, cap, WHY_UNSEEN, WHY_NOTE, NULL, 0);
}

void why_diagnose(struct why *w, const struct model *m,
		  const struct why_target *t, const struct why_facts *f)
{
	size_t i, cap = 0;

	why_release(w);
	for (i = 0; i < m->nrows; i++) {
		const struct row *r = &m->rows[i];
		const struct sock_rec *s = r->sock;

		if (s->port != t->port || s->proto != t->proto ||
		    s->state == STATE_NEW_SYN_RECV)
			continue;
		if (f->netns && s->netns && s->netns != f->netns) {
			/* listening or bound in a namespace of its own */
			if (s->state == TCP_LISTEN || s->proto == IPPROTO_UDP)
				add(w, &cap, WHY_OTHER_NETNS, WHY_NOTE, r, 0);
			continue;
		}
		if (!why_overlaps(t, s))
			continue;
		if (s->proto == IPPROTO_UDP)
			udp_reason(w, &cap, t, r);
		else
			tcp_reason(w, &cap, m, t, r);
	}
	system_reasons(w, &cap, m, t, f);
	if (w->n > 1)
		qsort(w->v, w->n, sizeof(*w->v), cmp_reason);
}
