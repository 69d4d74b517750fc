/* diag.c - pure decoding of sock_diag replies */
#include "config.h"
#include "diag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "xalloc.h"

void sock_vec_push(struct sock_vec *vec, const struct sock_rec *rec)
{
	vec->v = xgrow(vec->v, &vec->cap, vec->n + 1, sizeof(*vec->v));
	vec->v[vec->n++] = *rec;
}

void sock_vec_release(struct sock_vec *vec)
{
	free(vec->v);
	vec->v = NULL;
	vec->n = 0;
	vec->cap = 0;
}

void sock_vec_reserve(struct sock_vec *vec, size_t n)
{
	vec->v = xgrow(vec->v, &vec->cap, n, sizeof(*vec->v));
}

static void decode_attr(const struct nlattr *a, struct sock_rec *rec)
{
	/* as mnl_attr_get_payload_len() and the others say, without a call
	 * into the library for each attribute of each socket */
	uint16_t len = (uint16_t)(a->nla_len - MNL_ATTR_HDRLEN);
	const void *p = (const uint8_t *)a + MNL_ATTR_HDRLEN;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case INET_DIAG_SKV6ONLY:
		if (len >= 1 && rec->family == AF_INET6)
			rec->v6only = *(const uint8_t *)p ? 1 : 0;
		break;
	case INET_DIAG_CGROUP_ID:
		if (len >= sizeof(uint64_t))
			memcpy(&rec->cgroup_id, p, sizeof(uint64_t));
		break;
	case INET_DIAG_MARK:
		if (len >= sizeof(uint32_t)) {
			memcpy(&rec->mark, p, sizeof(uint32_t));
			rec->has_mark = true;
		}
		break;
	case INET_DIAG_SKMEMINFO:
		if (len >= (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)) {
			memcpy(&rec->drops,
			       (const uint8_t *)p +
				       SK_MEMINFO_DROPS * sizeof(uint32_t),
			       sizeof(uint32_t));
			rec->has_drops = true;
		}
		break;
	case INET_DIAG_PROTOCOL:
		if (len >= 1 && *(const uint8_t *)p)
			rec->proto = *(const uint8_t *)p;
		break;
	default:
		break;
	}
}

int diag_decode(const struct nlmsghdr *nlh, uint8_t proto, struct sock_rec *rec)
{
	const struct inet_diag_msg *m;
	const uint8_t *base = (const uint8_t *)nlh;
	size_t off, end = nlh->nlmsg_len;

	if (end < NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EBADMSG;

	memset(rec, 0, sizeof(*rec));
	rec->family = m->idiag_family;
	rec->proto = proto;
	rec->state = m->idiag_state;
	rec->v6only = m->idiag_family == AF_INET6 ? 0 : -1;
	rec->port = ntohs(m->id.idiag_sport);
	memcpy(rec->addr, m->id.idiag_src,
	       m->idiag_family == AF_INET ? 4 : 16);
	rec->ifindex = m->id.idiag_if;
	rec->cookie = (uint64_t)m->id.idiag_cookie[0] |
		      (uint64_t)m->id.idiag_cookie[1] << 32;
	rec->inode = m->idiag_inode;
	rec->uid = m->idiag_uid;
	rec->rqueue = m->idiag_rqueue;
	rec->wqueue = m->idiag_wqueue;
	memcpy(rec->daddr, m->id.idiag_dst,
	       m->idiag_family == AF_INET ? 4 : 16);
	rec->dport = ntohs(m->id.idiag_dport);
	rec->timer = m->idiag_timer;
	rec->expires_ms = m->idiag_expires;

	/* attributes: our own bounds checks, libmnl only for accessors */
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*m));
	while (off + sizeof(struct nlattr) <= end) {
		const struct nlattr *a = (const void *)(base + off);

		if (a->nla_len < sizeof(struct nlattr) ||
		    a->nla_len > end - off)
			return -EBADMSG;
		decode_attr(a, rec);
		off += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

static int walk_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0)
		return 0;	/* an ack ends the exchange */
	return e->error < 0 ? e->error : -e->error;
}

static int walk_done(const struct nlmsghdr *nlh)
{
	int32_t err;

	/* DONE carries an int: a kernel without the diag handler for the
	 * protocol answers with -ENOENT here instead of NLMSG_ERROR */
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(err))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	return err < 0 ? err : 0;
}

int diag_walk(struct diag_walk *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t off = 0;

	if (len == 0)
		return -EBADMSG;
	while (off < len) {
		const struct nlmsghdr *nlh = (const void *)(p + off);
		struct sock_rec *rec;
		size_t left = len - off;

		if (left < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > left) {
			w->bad_off = off;
			return -EBADMSG;
		}
		if (w->check_seq && nlh->nlmsg_seq != w->seq)
			return -EPROTO;
		if (w->check_seq && w->portid && nlh->nlmsg_pid &&
		    nlh->nlmsg_pid != w->portid)
			return -EPROTO;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			w->interrupted = true;

		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:
			return walk_error(nlh);
		case NLMSG_DONE:
			return walk_done(nlh);
		case NLMSG_OVERRUN:
			return -ENOBUFS;
		case SOCK_DIAG_BY_FAMILY:
		case TCPDIAG_GETSOCK:	/* the reply to that request */
			/* decoded in place: no copy of each record */
			sock_vec_reserve(w->out, w->out->n + 1);
			rec = &w->out->v[w->out->n];
			if (diag_decode(nlh, w->proto, rec) < 0) {
				if (!w->malformed++)
					w->bad_off = off;
				break;
			}
			rec->netns = w->netns;
			w->out->n++;
			break;
		default:
			break;
		}
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return 1;
}

/* A socket a listener dump may hold: TCP in LISTEN, unconnected UDP. */
static bool listening(const struct sock_rec *r)
{
	return r->proto == IPPROTO_TCP ? r->state == TCP_LISTEN
				       : r->state == TCP_CLOSE;
}

/* Check the sockets one datagram added from index from on: keep the
 * listeners, count the others. */
static int replay_check(struct sock_vec *out, size_t from,
			struct diag_replay_info *info)
{
	size_t i, j = from;

	for (i = from; i < out->n; i++) {
		const struct sock_rec *r = &out->v[i];

		if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		if (!listening(r)) {
			info->skipped++;
			continue;
		}
		out->v[j++] = *r;
	}
	out->n = j;
	return 0;
}

static bool replay_magic(const uint8_t *p, size_t len)
{
	size_t magic = sizeof(DIAG_RECORD_MAGIC) - 1;

	return len >= magic && (memcmp(p, DIAG_RECORD_MAGIC, magic) == 0 ||
				memcmp(p, DIAG_RECORD_MAGIC_1, magic) == 0);
}

int diag_replay(const void *buf, size_t len, struct sock_vec *out,
		struct diag_replay_info *info)
{
	const uint8_t *p = buf;
	size_t off = sizeof(DIAG_RECORD_MAGIC) - 1;
	struct diag_walk w;
	bool in_dump = false;
	void *scratch = NULL;
	size_t scratch_cap = 0;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	if (!replay_magic(p, len))
		return -EBADMSG;
	memset(&w, 0, sizeof(w));
	w.out = out;
	while (off < len) {
		struct diag_record_hdr h;
		size_t at = off, from = out->n;

		info->offset = off;
		rc = -EBADMSG;
		if (len - off < sizeof(h))
			break;
		memcpy(&h, p + off, sizeof(h));
		off += sizeof(h);
		/* an empty datagram is damage too (and would memcpy to NULL) */
		if (h.len == 0 || h.len > len - off)
			break;
		if (h.family == 0 && h.proto == DIAG_RECORD_NETNS) {
			if (h.len != sizeof(w.netns))
				break;
			memcpy(&w.netns, p + off, sizeof(w.netns));
			off += h.len;
			rc = 0;
			continue;
		}
		info->offset = off;
		if (h.proto != IPPROTO_TCP && h.proto != IPPROTO_UDP) {
			rc = -EPROTONOSUPPORT;
			break;
		}
		/* the file packs datagrams unaligned; netlink wants alignment */
		scratch = xgrow(scratch, &scratch_cap, h.len, 1);
		memcpy(scratch, p + off, h.len);
		w.proto = h.proto;
		w.malformed = 0;
		rc = diag_walk(&w, scratch, h.len);
		if (rc == -EBADMSG || w.malformed) {
			info->offset = off + w.bad_off;
			rc = -EBADMSG;
			break;
		}
		if (rc < 0) {
			info->offset = at;
			break;
		}
		in_dump = rc == 1;
		rc = replay_check(out, from, info);
		if (rc < 0)
			break;
		off += h.len;
	}
	free(scratch);
	if (rc == 0 && in_dump) {
		info->offset = len;
		rc = -EBADMSG;
	}
	return rc;
}
