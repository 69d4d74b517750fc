/* procparse.c - pure parsers for /proc records */
#include "config.h"
#include "procparse.h"

#include <limits.h>
#include <string.h>

static const char *skip_field(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	while (p < end && *p != ' ')
		p++;
	return p;
}

static bool parse_ull(const char **pp, const char *end, unsigned long long *v)
{
	const char *p = *pp;
	unsigned long long n = 0;
	bool any = false;

	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '-')
		p++;	/* some fields may be negative; we only need magnitudes */
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');

		if (n > (ULLONG_MAX - d) / 10)
			return false;
		n = n * 10 + d;
		p++;
		any = true;
	}
	*pp = p;
	*v = n;
	return any;
}

bool procparse_stat(const char *buf, size_t len, struct proc_stat *st)
{
	const char *end = buf + len, *open, *close, *p;
	unsigned long long v;
	size_t n;
	int field;

	open = memchr(buf, '(', len);
	if (!open)
		return false;
	close = NULL;
	for (p = end; p > open + 1; p--) {
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	}
	if (!close)
		return false;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, n);
	st->comm[n] = '\0';
	st->comm_len = n;

	/* after ") ": field 3 is the state, 4 ppid, 9 flags, 22 starttime */
	p = close + 1;
	while (p < end && *p == ' ')
		p++;
	if (p >= end)
		return false;
	st->state = *p++;
	if (!parse_ull(&p, end, &v))
		return false;
	st->ppid = v > INT_MAX ? -1 : (int)v;
	for (field = 5; field < 9; field++)
		p = skip_field(p, end);
	if (!parse_ull(&p, end, &v))
		return false;
	st->flags = v;
	for (field = 10; field < 22; field++)
		p = skip_field(p, end);
	if (!parse_ull(&p, end, &st->start_time))
		return false;
	return true;
}

bool procparse_socket_link(const char *buf, size_t len, uint32_t *inode)
{
	static const char prefix[] = "socket:[";
	size_t plen = sizeof(prefix) - 1, i;
	uint64_t n = 0;

	if (len < plen + 2 || memcmp(buf, prefix, plen) != 0 ||
	    buf[len - 1] != ']')
		return false;
	for (i = plen; i < len - 1; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(buf[i] - '0');
		if (n > UINT32_MAX)
			return false;
	}
	if (i == plen)
		return false;
	*inode = (uint32_t)n;
	return true;
}

bool procparse_status_uid(const char *buf, size_t len, uint32_t *uid)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (eol - p > 4 && memcmp(p, "Uid:", 4) == 0) {
			unsigned long long real, eff;
			const char *q = p + 4;

			while (q < eol && *q == '\t')
				q++;
			if (!parse_ull(&q, eol, &real))
				return false;
			while (q < eol && (*q == '\t' || *q == ' '))
				q++;
			if (!parse_ull(&q, eol, &eff) || eff > UINT32_MAX)
				return false;
			*uid = (uint32_t)eff;
			return true;
		}
		p = eol + 1;
	}
	return false;
}

const char *procparse_cgroup_v2(const char *buf, size_t len, size_t *plen)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (eol - p >= 3 && memcmp(p, "0::", 3) == 0) {
			*plen = (size_t)(eol - p - 3);
			return p + 3;
		}
		p = eol + 1;
	}
	return NULL;
}

int procparse_pid(const char *name)
{
	long n = 0;

	if (!*name)
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9')
			return -1;
		n = n * 10 + (*name - '0');
		if (n > INT_MAX)
			return -1;
	}
	return (int)n;
}
