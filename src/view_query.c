/* view_query.c - "who owns port N?": a card for every listener */
#include "config.h"
#include "views.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "columns.h"
#include "escape.h"
#include "nls.h"
#include "view_fold.h"

/* One holding process (or thread with a file table of its own) once, with
 * its n fds on the socket: h[0..n) share pid and tid. */
static void put_holder(struct buf *out, struct buf *b, const struct model *m,
		       const struct holder *h, size_t n, size_t width)
{
	const struct proc_info *p = model_proc(m, h);
	const struct proc_facts *pf = model_proc_facts(m, h);
	const struct context *ctx;
	const char *user;
	struct buf fds;
	size_t i;

	buf_init(&fds);
	for (i = 0; i < n; i++)
		buf_printf(&fds, i ? ",%d" : "%d", h[i].fd);
	buf_reset(b);
	buf_printf(b, _("pid %d, fd %s"), h->pid, fds.p);
	buf_release(&fds);
	if (h->tid != h->pid)
		buf_printf(b, _(", thread %d"), h->tid);
	view_field(out, _("holder"), b->p, width);
	if (!p || !pf)
		return;
	buf_reset(b);
	escape_text(b, p->comm, p->comm_len);
	user = model_user(m, p->uid);
	buf_printf(b, _(", user %s (%" PRIu32 ")"), user ? user : "?", p->uid);
	view_field(out, "", b->p, width);
	buf_reset(b);
	columns_command(b, p);
	view_field(out, _("command"), b->p, width);
	if (pf->started) {
		char when[64];
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
			 localtime_r(&pf->started, &tm));
		view_field(out, _("started"), when, width);
	}
	ctx = &pf->ctx;
	if (ctx->unit[0]) {
		buf_reset(b);
		escape_text(b, ctx->unit, strlen(ctx->unit));
		view_field(out, _("unit"), b->p, width);
	}
	if (ctx->runtime[0]) {
		buf_reset(b);
		buf_printf(b, "%s ", ctx->runtime);
		escape_text(b, ctx->id, strlen(ctx->id));
		view_field(out, _("container"), b->p, width);
	}
}

static const char *exposure_text(enum exposure e)
{
	switch (e) {
	case EXPOSE_LOOPBACK:
		return _("loopback only");
	case EXPOSE_ADDRESS:
		return _("one address");
	case EXPOSE_DEVICE:
		return _("one device");
	case EXPOSE_ALL:
		return _("all interfaces");
	}
	return "";
}

void view_card_fit(struct buf *out, const struct model *m,
		   const struct row *r, size_t width)
{
	const struct sock_rec *s = r->sock;
	struct buf scratch, *b = &scratch;
	const struct port_ranges *pr;
	const char *user;

	buf_init(&scratch);

	buf_reset(b);
	buf_printf(b, "%s ", columns_proto(r));
	columns[COL_ADDRESS].cell(b, m, r);
	buf_printf(b, " %s %u\n", _("port"), s->port);
	view_fold_text(out, b->p, width);

	buf_reset(b);
	if (r->service) {
		escape_text(b, r->service->name, strlen(r->service->name));
		if (r->service->desc[0]) {
			buf_adds(b, " - ");
			escape_text(b, r->service->desc, strlen(r->service->desc));
		}
	} else {
		buf_addc(b, '-');
	}
	view_field(out, _("service"), b->p, width);
	buf_reset(b);
	buf_adds(b, port_class_name(r->cls));
	pr = model_ranges(m, s->netns);
	if (port_ranges_ephemeral(pr, s->port))
		buf_printf(b, _("; inside this host's ephemeral range %u-%u"),
			   pr->eph_lo, pr->eph_hi);
	if (port_ranges_reserved(pr, s->port))
		buf_adds(b, _("; reserved (ip_local_reserved_ports)"));
	view_field(out, _("class"), b->p, width);
	view_field(out, _("exposure"), exposure_text(r->exposure), width);
	if (r->group) {
		buf_reset(b);
		buf_printf(b, _("SO_REUSEPORT group of %" PRIu32
				" listeners on this address and port"),
			   r->group_size);
		view_field(out, _("group"), b->p, width);
	}
	if (row_forward(r)[0]) {
		buf_reset(b);
		escape_text(b, row_forward(r), strlen(row_forward(r)));
		if (row_ctx(r)->runtime[0]) {
			buf_printf(b, " (%s ", row_ctx(r)->runtime);
			escape_text(b, row_ctx(r)->id, strlen(row_ctx(r)->id));
			buf_addc(b, ')');
		}
		view_field(out, _("forwards to"), b->p, width);
	}
	buf_reset(b);
	if (s->proto == IPPROTO_TCP)
		buf_printf(b, _("%" PRIu32 " waiting to be accepted, backlog %" PRIu32),
			   s->rqueue, s->wqueue);
	else
		buf_printf(b, _("%" PRIu32 " bytes waiting, %" PRIu32 " dropped"),
			   s->rqueue, s->drops);
	view_field(out, _("queue"), b->p, width);
	if (m->has_conns && s->proto == IPPROTO_TCP) {
		buf_reset(b);
		buf_printf(b, "%" PRIu32, r->conns);
		if (r->group)
			buf_printf(b,
				   _(", of the whole SO_REUSEPORT group of %" PRIu32
				     " listeners (the kernel does not say which one accepted each)"),
				   r->group_size);
		view_field(out, _("connections"), b->p, width);
	}
	buf_reset(b);
	/* the socket's own owner, never a holder's name with its uid */
	user = model_user(m, s->uid);
	if (user)
		escape_text(b, user, strlen(user));
	else
		buf_addc(b, '?');
	buf_printf(b, _(" (uid %" PRIu32 "), inode %" PRIu32), s->uid,
		   s->inode);
	view_field(out, _("socket"), b->p, width);
	if (r->activated) {
		const char *unit = columns_socket_unit(r);
		struct buf u;

		buf_init(&u);
		if (unit)
			escape_text(&u, unit, strlen(unit));
		buf_reset(b);
		if (unit)
			buf_printf(b, _("socket activation: systemd made it for %s and starts its service on demand"),
				   u.p);
		else
			buf_adds(b, _("socket activation: systemd made it for a .socket unit and starts its service on demand"));
		buf_release(&u);
		view_field(out, _("activation"), b->p, width);
	}
	buf_release(&scratch);
	view_card_holders(out, m, r, width);
}

void view_card(struct buf *out, const struct model *m, const struct row *r)
{
	view_card_fit(out, m, r, 0);
}

int view_query(const struct model *m, const struct view_request *req,
	       FILE *out)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < m->nrows; i++) {
		if (i)
			fputc('\n', out);
		buf_reset(&b);
		view_card_fit(&b, m, &m->rows[i], req->width);
		fputs(b.p ? b.p : "", out);
	}
	buf_release(&b);
	return 0;
}

void view_card_holders(struct buf *out, const struct model *m,
		       const struct row *r, size_t width)
{
	struct buf scratch;
	size_t i, n;

	buf_init(&scratch);
	if (!r->nholders)
		view_field(out, _("holder"), columns_status_text(r), width);
	for (i = 0; i < r->nholders; i += n) {
		const struct holder *h = &r->holders[i];

		for (n = 1; i + n < r->nholders && h[n].pid == h->pid &&
			    h[n].tid == h->tid;
		     n++)
			;
		put_holder(out, &scratch, m, h, n, width);
	}
	/* the holders shown may not be all */
	if (r->nholders && r->status == OWNER_PARTIAL)
		view_field(out, _("holder"), columns_status_text(r), width);
	buf_release(&scratch);
}
