/* view_text.c - the plain-text table */
#include "config.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "escape.h"
#include "nls.h"
#include "xalloc.h"

enum { COL_PROTO, COL_ADDR, COL_PORT, COL_SERVICE, COL_CLASS, COL_USER,
       COL_PID, COL_COMMAND, NCOLS };

static const struct {
	const char *header;
	size_t max;		/* widest a column gets; wider cells overflow */
	bool right;
} cols[NCOLS] = {
	[COL_PROTO] = { N_("PROTO"), 5, false },
	[COL_ADDR] = { N_("ADDRESS"), 40, false },
	[COL_PORT] = { N_("PORT"), 5, true },
	[COL_SERVICE] = { N_("SERVICE"), 16, false },
	[COL_CLASS] = { N_("CLASS"), 10, false },
	[COL_USER] = { N_("USER"), 12, false },
	[COL_PID] = { N_("PID"), 20, false },
	[COL_COMMAND] = { N_("COMMAND"), 0, false },
};

const char *view_proto(const struct row *r)
{
	bool tcp = r->sock->proto == IPPROTO_TCP;

	if (r->sock->family == AF_INET)
		return tcp ? "tcp4" : "udp4";
	if (r->sock->v6only == 0)
		return tcp ? "tcp46" : "udp46";
	return tcp ? "tcp6" : "udp6";
}

const char *view_status_text(enum owner_status st)
{
	switch (st) {
	case OWNER_OK:
		return "";
	case OWNER_PERMISSION:
		return _("(owner unknown: permission denied)");
	case OWNER_HIDDEN:
		return _("(owner unknown: hidden by hidepid)");
	case OWNER_EXITED:
		return _("(owner unknown: process exited)");
	case OWNER_NONE:
		return _("(no process holds it)");
	}
	return "";
}

void view_command(struct buf *b, const struct proc_info *p)
{
	size_t i = 0, len = p->cmdline_len;

	while (len > 0 && p->cmdline[len - 1] == '\0')
		len--;
	if (len == 0) {
		buf_addc(b, '[');
		escape_text(b, p->comm, p->comm_len);
		buf_addc(b, ']');
		return;
	}
	while (i < len) {
		const char *arg = p->cmdline + i;
		const char *nul = memchr(arg, '\0', len - i);
		size_t alen = nul ? (size_t)(nul - arg) : len - i;

		if (i > 0)
			buf_addc(b, ' ');
		escape_text(b, arg, alen);
		i += alen + 1;
	}
	if (p->cmdline_cut)
		buf_adds(b, "...");
}

/* Display width of escaped text: escaped output is printable UTF-8, so
 * count code points (wide characters are rare in these columns). */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void cell_user(struct buf *b, const struct model *m, uint32_t uid)
{
	const char *name = model_user(m, uid);

	if (name)
		escape_text(b, name, strlen(name));
	else
		buf_printf(b, "%u", uid);
}

static void fill_cells(const struct model *m, const struct row *r,
		       struct buf *cells)
{
	char addr[INET6_ADDRSTRLEN];
	const struct proc_info *first = NULL;
	size_t i;

	for (i = 0; i < NCOLS; i++)
		buf_reset(&cells[i]);
	buf_adds(&cells[COL_PROTO], view_proto(r));
	model_address(r, addr, sizeof(addr));
	buf_adds(&cells[COL_ADDR], addr);
	if (r->device[0]) {
		buf_addc(&cells[COL_ADDR], '%');
		escape_text(&cells[COL_ADDR], r->device, strlen(r->device));
	}
	buf_printf(&cells[COL_PORT], "%u", r->sock->port);
	if (r->service)
		escape_text(&cells[COL_SERVICE], r->service->name,
			    strlen(r->service->name));
	else
		buf_addc(&cells[COL_SERVICE], '-');
	buf_adds(&cells[COL_CLASS], port_class_name(r->cls));
	if (r->nholders > 0)
		first = model_proc(m, &r->holders[0]);
	cell_user(&cells[COL_USER], m, first ? first->uid : r->sock->uid);
	for (i = 0; i < r->nholders; i++) {
		if (i > 0 && r->holders[i].pid == r->holders[i - 1].pid)
			continue;
		if (cells[COL_PID].len)
			buf_addc(&cells[COL_PID], ',');
		buf_printf(&cells[COL_PID], "%d", r->holders[i].pid);
	}
	if (!cells[COL_PID].len)
		buf_addc(&cells[COL_PID], '-');
	if (first)
		view_command(&cells[COL_COMMAND], first);
	else
		buf_adds(&cells[COL_COMMAND], view_status_text(r->status));
}

static void put_line(FILE *out, struct buf *cells, const size_t *width)
{
	size_t i;

	for (i = 0; i < NCOLS; i++) {
		const char *s = cells[i].p ? cells[i].p : "";
		size_t w = text_width(s);
		size_t pad = w < width[i] ? width[i] - w : 0;

		if (i == NCOLS - 1) {
			fputs(s, out);
			break;
		}
		if (cols[i].right)
			fprintf(out, "%*s%s ", (int)pad, "", s);
		else
			fprintf(out, "%s%*s ", s, (int)pad, "");
	}
	fputc('\n', out);
}

int view_text(const struct model *m, const struct options *opts, FILE *out)
{
	struct buf cells[NCOLS];
	size_t width[NCOLS], i, j;

	for (j = 0; j < NCOLS; j++) {
		buf_init(&cells[j]);
		width[j] = opts->no_header ? 0 : text_width(_(cols[j].header));
	}
	/* widths fit the content, up to each column's cap: one long cell
	 * overflows its own line instead of padding every other line */
	for (i = 0; i < m->nrows; i++) {
		fill_cells(m, &m->rows[i], cells);
		for (j = 0; j < NCOLS; j++) {
			size_t w = text_width(cells[j].p ? cells[j].p : "");

			if (w > cols[j].max)
				w = cols[j].max;
			if (w > width[j])
				width[j] = w;
		}
	}
	if (!opts->no_header) {
		for (j = 0; j < NCOLS; j++) {
			buf_reset(&cells[j]);
			buf_adds(&cells[j], _(cols[j].header));
		}
		put_line(out, cells, width);
	}
	for (i = 0; i < m->nrows; i++) {
		fill_cells(m, &m->rows[i], cells);
		put_line(out, cells, width);
	}
	for (j = 0; j < NCOLS; j++)
		buf_release(&cells[j]);
	return 0;
}
