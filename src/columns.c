/* columns.c - the column table */
#include "config.h"
#include "columns.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <netinet/in.h>

#include "escape.h"
#include "model.h"
#include "nls.h"
#include "ownerstat.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

const char *columns_proto(const struct row *r)
{
	bool tcp = r->sock->proto == IPPROTO_TCP;

	if (r->sock->family == AF_INET || model_v4_mapped(r->sock))
		return tcp ? "tcp4" : "udp4";
	if (r->sock->v6only == 0)
		return tcp ? "tcp46" : "udp46";
	return tcp ? "tcp6" : "udp6";
}

const char *columns_status_text(const struct row *r)
{
	switch (r->status) {
	case OWNER_OK:
		return "";
	case OWNER_PARTIAL:
		return _("(more holders may exist: some processes could not be read)");
	case OWNER_PERMISSION:
		return _("(owner unknown: permission denied)");
	case OWNER_HIDDEN:
		return _("(owner unknown: hidden by hidepid or a pid namespace)");
	case OWNER_UNREAD:
		return _("(owner unknown: some processes could not be read)");
	case OWNER_EXITED:
		return _("(owner unknown: process exited)");
	case OWNER_CLOSED:
		return _("(closed during the scan)");
	case OWNER_NONE:
		return _("(no process holds it)");
	case OWNER_KERNEL:
		return _("(held by the kernel: no process can hold it)");
	}
	return "";
}

void columns_command(struct buf *b, const struct proc_info *p)
{
	size_t i = 0, len = owner_argv_len(p->cmdline, p->cmdline_len);

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
		if (alen == 0)
			buf_adds(b, "''");	/* an empty argument */
		escape_text(b, arg, alen);
		i += alen + 1;
	}
	if (p->cmdline_cut)
		buf_adds(b, "...");
}

static void cell_proto(struct buf *b, const struct model *m,
		       const struct row *r)
{
	buf_adds(b, columns_proto(r));
}

static int cmp_proto(const struct model *m, const struct row *a,
		     const struct row *b)
{
	int c = CMP(a->sock->proto, b->sock->proto);

	return c ? c : CMP(a->sock->family, b->sock->family);
}

static void cell_address(struct buf *b, const struct model *m,
			 const struct row *r)
{
	char addr[64];

	model_address(r, addr, sizeof(addr));
	buf_adds(b, addr);
	if (r->device[0]) {
		buf_addc(b, '%');
		escape_text(b, r->device, strlen(r->device));
	}
}

static int cmp_address(const struct model *m, const struct row *a,
		       const struct row *b)
{
	int c = CMP(a->sock->family, b->sock->family);

	if (c)
		return c;
	c = memcmp(a->sock->addr, b->sock->addr, 16);
	return c ? c : CMP(a->sock->ifindex, b->sock->ifindex);
}

static void cell_port(struct buf *b, const struct model *m,
		      const struct row *r)
{
	buf_addu(b, r->sock->port);
}

static int cmp_port(const struct model *m, const struct row *a,
		    const struct row *b)
{
	return CMP(a->sock->port, b->sock->port);
}

static const char *service_name(const struct row *r)
{
	return r->service ? r->service->name : "";
}

static void cell_service(struct buf *b, const struct model *m,
			 const struct row *r)
{
	if (r->service)
		escape_text(b, r->service->name, strlen(r->service->name));
	else
		buf_addc(b, '-');
}

static int cmp_service(const struct model *m, const struct row *a,
		       const struct row *b)
{
	return strcmp(service_name(a), service_name(b));
}

static void cell_class(struct buf *b, const struct model *m,
		       const struct row *r)
{
	buf_adds(b, port_class_name(r->cls));
}

static int cmp_class(const struct model *m, const struct row *a,
		     const struct row *b)
{
	return CMP(a->cls, b->cls);
}

static void cell_exposure(struct buf *b, const struct model *m,
			  const struct row *r)
{
	buf_adds(b, exposure_name(r->exposure));
}

static int cmp_exposure(const struct model *m, const struct row *a,
			const struct row *b)
{
	return CMP(a->exposure, b->exposure);
}

static void cell_queue(struct buf *b, const struct model *m,
		       const struct row *r)
{
	if (r->sock->proto == IPPROTO_TCP)
		buf_printf(b, "%" PRIu32 "/%" PRIu32, r->sock->rqueue,
			   r->sock->wqueue);
	else
		buf_printf(b, "%" PRIu32, r->sock->rqueue);
}

static int cmp_queue(const struct model *m, const struct row *a,
		     const struct row *b)
{
	/* fullest first when reversed: compare fill of the backlog */
	uint64_t fa = (uint64_t)a->sock->rqueue * (b->sock->wqueue + 1);
	uint64_t fb = (uint64_t)b->sock->rqueue * (a->sock->wqueue + 1);

	return CMP(fa, fb);
}

static void cell_conns(struct buf *b, const struct model *m,
		       const struct row *r)
{
	if (r->sock->proto != IPPROTO_TCP || !m->has_conns)
		buf_addc(b, '-');
	else if (!r->group)
		buf_addu(b, r->conns);
	else if (r->group_lead)	/* the group's count, once */
		buf_printf(b, "%" PRIu32 "(g%" PRIu32 ")", r->conns,
			   r->group_size);
	else
		buf_printf(b, "(g%" PRIu32 ")", r->group_size);
}

static int cmp_conns(const struct model *m, const struct row *a,
		     const struct row *b)
{
	return CMP(a->conns, b->conns);
}

static void cell_drops(struct buf *b, const struct model *m,
		       const struct row *r)
{
	if (r->sock->has_drops && r->sock->proto == IPPROTO_UDP)
		buf_printf(b, "%" PRIu32, r->sock->drops);
	else
		buf_addc(b, '-');
}

static int cmp_drops(const struct model *m, const struct row *a,
		     const struct row *b)
{
	return CMP(a->sock->drops, b->sock->drops);
}

/* The socket's owner: a holder may be another user (a daemon that bound
 * as root and dropped privileges, a socket passed on) */
static void cell_user(struct buf *b, const struct model *m,
		      const struct row *r)
{
	uint32_t uid = r->sock->uid;
	const char *name = model_user(m, uid);

	if (name)
		escape_text(b, name, strlen(name));
	else
		buf_printf(b, "%" PRIu32, uid);
}

static int cmp_user(const struct model *m, const struct row *a,
		    const struct row *b)
{
	const char *x = model_user(m, a->sock->uid);
	const char *y = model_user(m, b->sock->uid);

	return strcmp(x ? x : "", y ? y : "");
}

/* The first pid and how many other processes hold it ("14007 +2"), and a
 * "?" when there may be more that could not be read: the card and JSON
 * list them all, the table leaves the width to the command */
static void cell_pid(struct buf *b, const struct model *m,
		     const struct row *r)
{
	size_t i, more = 0;

	if (!r->nholders) {
		buf_addc(b, '-');
		return;
	}
	for (i = 1; i < r->nholders; i++)
		if (r->holders[i].pid != r->holders[i - 1].pid)
			more++;
	buf_addi(b, r->holders[0].pid);
	if (more)
		buf_printf(b, " +%zu", more);
	if (r->status == OWNER_PARTIAL)
		buf_addc(b, '?');	/* and maybe others we could not read */
}

static int cmp_pid(const struct model *m, const struct row *a,
		   const struct row *b)
{
	int x = a->nholders ? a->holders[0].pid : 0;
	int y = b->nholders ? b->holders[0].pid : 0;

	return CMP(x, y);
}

/* Like the pid column: every fd of the first process ("3,7"), and how
 * many more processes hold it ("3,7 +2") */
static void cell_fd(struct buf *b, const struct model *m, const struct row *r)
{
	size_t i, more = 0;

	if (!r->nholders) {
		buf_addc(b, '-');
		return;
	}
	buf_addi(b, r->holders[0].fd);
	for (i = 1; i < r->nholders; i++) {
		if (r->holders[i].pid != r->holders[i - 1].pid)
			more++;
		else if (!more)
			buf_printf(b, ",%d", r->holders[i].fd);
	}
	if (more)
		buf_printf(b, " +%zu", more);
}

static void cell_inode(struct buf *b, const struct model *m,
		       const struct row *r)
{
	buf_addu(b, r->sock->inode);
}

static int cmp_inode(const struct model *m, const struct row *a,
		     const struct row *b)
{
	return CMP(a->sock->inode, b->sock->inode);
}

const char *columns_socket_unit(const struct row *r)
{
	const char *u = r->sock_ctx ? r->sock_ctx->unit : "";
	size_t n = strlen(u);

	return r->activated && n > 7 && strcmp(u + n - 7, ".socket") == 0
		       ? u
		       : NULL;
}

static void cell_unit(struct buf *b, const struct model *m,
		      const struct row *r)
{
	const char *u = row_unit(r);

	/* init.scope is systemd's own, where it made the socket (or where
	 * it holds it from): the .socket unit says more, else that it is
	 * socket activation */
	if (r->activated && (!u[0] || strcmp(u, "init.scope") == 0)) {
		u = columns_socket_unit(r);
		if (!u)
			u = _("socket activation");
	}
	if (u[0])
		escape_text(b, u, strlen(u));
	else
		buf_addc(b, '-');
}

static int cmp_unit(const struct model *m, const struct row *a,
		    const struct row *b)
{
	return strcmp(row_unit(a), row_unit(b));
}

static void cell_netns(struct buf *b, const struct model *m,
		       const struct row *r)
{
	if (row_netns_name(r)[0])
		escape_text(b, row_netns_name(r),
			    strlen(row_netns_name(r)));
	else
		buf_printf(b, "%" PRIu64, r->sock->netns);
}

static int cmp_netns(const struct model *m, const struct row *a,
		     const struct row *b)
{
	return CMP(a->sock->netns, b->sock->netns);
}

static void cell_command(struct buf *b, const struct model *m,
			 const struct row *r)
{
	const struct proc_info *p =
		r->nholders ? model_proc(m, &r->holders[0]) : NULL;

	if (p) {
		columns_command(b, p);
		return;
	}
	if (r->activated) {
		buf_adds(b, _("(socket activation by systemd)"));
		buf_addc(b, ' ');
	}
	buf_adds(b, columns_status_text(r));
}

static int cmp_command(const struct model *m, const struct row *a,
		       const struct row *b)
{
	const struct proc_info *x =
		a->nholders ? model_proc(m, &a->holders[0]) : NULL;
	const struct proc_info *y =
		b->nholders ? model_proc(m, &b->holders[0]) : NULL;

	return strcmp(x ? x->comm : "", y ? y->comm : "");
}

const struct column columns[COL__COUNT] = {
	[COL_PROTO] = { "proto", N_("PROTO"),
			N_("protocol and family: tcp4, tcp6, tcp46 (dual-stack), udp4..."),
			5, false, 0, cell_proto, cmp_proto, 2 },
	[COL_ADDRESS] = { "address", N_("ADDRESS"),
			  N_("local address; %DEV when bound to a device"),
			  40, false, 0, cell_address, cmp_address, 1 },
	[COL_PORT] = { "port", N_("PORT"), N_("local port number"),
		       5, true, 0, cell_port, cmp_port, 0 },
	[COL_SERVICE] = { "service", N_("SERVICE"),
			  N_("service name of the port from the services files"),
			  16, false, 0, cell_service, cmp_service, 8 },
	[COL_CLASS] = { "class", N_("CLASS"),
			N_("port range: well-known, registered or dynamic"),
			10, false, 0, cell_class, cmp_class, 9 },
	[COL_EXPOSURE] = { "exposure", N_("EXPOSURE"),
			   N_("who can reach it: loopback, all, address or device"),
			   8, false, 0, cell_exposure, cmp_exposure, 3 },
	[COL_QUEUE] = { "queue", N_("QUEUE"),
			N_("TCP: accept queue/backlog (connections); UDP: bytes waiting"),
			11, true, 0, cell_queue, cmp_queue, 6 },
	[COL_CONNS] = { "conns", N_("CONNS"),
			N_("established TCP connections on this listener's port; (gN): of its SO_REUSEPORT group of N"),
			6, true, COL_NEEDS_CONNS, cell_conns, cmp_conns, 6 },
	[COL_DROPS] = { "drops", N_("DROPS"),
			N_("UDP datagrams dropped on receive"),
			8, true, 0, cell_drops, cmp_drops, 6 },
	[COL_USER] = { "user", N_("USER"),
		       N_("owner of the socket (holders may be other users: see the card)"),
		       12, false, 0, cell_user, cmp_user, 5 },
	[COL_PID] = { "pid", N_("PID"),
		      N_("the first process that holds the socket, and how many more"),
		      13, false, 0, cell_pid, cmp_pid, 0 },
	[COL_FD] = { "fd", N_("FD"),
		     N_("file descriptors of the first process, and how many more processes"),
		     12, false, 0, cell_fd, cmp_pid, 7 },
	[COL_INODE] = { "inode", N_("INODE"), N_("socket inode number"),
			10, true, 0, cell_inode, cmp_inode, 7 },
	[COL_UNIT] = { "unit", N_("UNIT"),
		       N_("systemd unit or container of the first holder"),
		       24, false, 0, cell_unit, cmp_unit, 4 },
	[COL_NETNS] = { "netns", N_("NETNS"),
			N_("network namespace: its name, or its inode"),
			20, true, 0, cell_netns, cmp_netns, 4 },
	[COL_COMMAND] = { "command", N_("COMMAND"),
			  N_("full command line of the first holder, or why none is shown"),
			  0, false, 0, cell_command, cmp_command, 0 },
};

const enum col_id columns_default[] = {
	COL_PROTO, COL_ADDRESS, COL_PORT, COL_SERVICE, COL_CLASS, COL_USER,
	COL_PID, COL_COMMAND,
};
const size_t columns_ndefault =
	sizeof(columns_default) / sizeof(columns_default[0]);

const struct column *columns_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < COL__COUNT; i++)
		if (strlen(columns[i].name) == len &&
		    strncmp(columns[i].name, name, len) == 0)
			return &columns[i];
	return NULL;
}

int columns_parse(const char *list, enum col_id *ids, const char **bad)
{
	const char *p = list;
	int n = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const struct column *c = columns_find(p, len);

		if (!c || n >= COLUMNS_MAX) {
			*bad = p;
			return -1;
		}
		ids[n++] = (enum col_id)(c - columns);
		if (!comma)
			break;
		p = comma + 1;
	}
	return n;
}

size_t columns_width(const char *s)
{
	size_t w = 0, len = strlen(s), i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;
		int cw;

		if ((unsigned char)s[i] < 0x80) {	/* the common case */
			w++;
			i++;
			continue;
		}
		n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0) {
			i++;
			w++;
			continue;
		}
		cw = wcwidth((wchar_t)cp);
		w += cw < 0 ? 1 : (size_t)cw;
		i += n;
	}
	return w;
}

void columns_row_text(struct buf *b, const struct model *m,
		      const struct row *r)
{
	size_t i;

	for (i = 0; i < columns_ndefault; i++) {
		if (i)
			buf_addc(b, ' ');
		columns[columns_default[i]].cell(b, m, r);
	}
	if (row_unit(r)[0] || r->activated) {
		buf_addc(b, ' ');
		columns[COL_UNIT].cell(b, m, r);
	}
}

/* Decimal digits of v. */
static size_t ndigits(unsigned long long v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static size_t idigits(long long v)
{
	return v < 0 ? 1 + ndigits(-(unsigned long long)v)
		     : ndigits((unsigned long long)v);
}

/* The width of escape_text() of s: its length when it is printable ASCII
 * (a backslash is doubled), else measured on the escaped copy. */
static size_t escaped_width(struct buf *scratch, const char *s, size_t len)
{
	size_t i, w = len;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f)
			break;
		if (c == '\\')
			w++;
	}
	if (i == len)
		return w;
	buf_reset(scratch);
	escape_text(scratch, s, len);
	return columns_width(scratch->p);
}

static size_t pid_width(const struct row *r)
{
	size_t i, more = 0, w;

	if (!r->nholders)
		return 1;
	for (i = 1; i < r->nholders; i++)
		if (r->holders[i].pid != r->holders[i - 1].pid)
			more++;
	w = idigits(r->holders[0].pid);
	if (more)
		w += 2 + ndigits(more);
	if (r->status == OWNER_PARTIAL)
		w++;
	return w;
}

size_t columns_cell_width(struct buf *scratch, const struct model *m,
			  const struct row *r, enum col_id col)
{
	char addr[64];
	const char *s;
	size_t w;

	switch (col) {
	case COL_PROTO:
		return strlen(columns_proto(r));
	case COL_ADDRESS:
		model_address(r, addr, sizeof(addr));
		w = columns_width(addr);
		if (r->device[0])
			w += 1 + escaped_width(scratch, r->device,
					       strlen(r->device));
		return w;
	case COL_PORT:
		return ndigits(r->sock->port);
	case COL_SERVICE:
		if (!r->service)
			return 1;
		return escaped_width(scratch, r->service->name,
				     strlen(r->service->name));
	case COL_CLASS:
		return columns_width(port_class_name(r->cls));
	case COL_EXPOSURE:
		return columns_width(exposure_name(r->exposure));
	case COL_USER:
		s = model_user(m, r->sock->uid);
		return s ? escaped_width(scratch, s, strlen(s))
			 : ndigits(r->sock->uid);
	case COL_PID:
		return pid_width(r);
	case COL_INODE:
		return ndigits(r->sock->inode);
	default:
		break;
	}
	if (col >= COL__COUNT)
		return 0;
	buf_reset(scratch);
	columns[col].cell(scratch, m, r);
	return scratch->p ? columns_width(scratch->p) : 0;
}
