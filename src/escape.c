/* escape.c - the one place that makes hostile bytes safe to print */
#include "config.h"
#include "escape.h"

#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

bool escape_is_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static const char hex[] = "0123456789abcdef";

static void add_hex_byte(struct buf *b, const char *prefix, unsigned char c)
{
	char t[8];
	size_t n = strlen(prefix);

	memcpy(t, prefix, n);
	t[n] = hex[c >> 4];
	t[n + 1] = hex[c & 15];
	buf_add(b, t, n + 2);
}

static void add_u16(struct buf *b, uint32_t cp)
{
	char t[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
		      hex[(cp >> 4) & 15], hex[cp & 15] };

	buf_add(b, t, sizeof(t));
}

/* What an escaper writes for what it does not copy. All three escape a
 * backslash and a newline; they differ in the rest. */
struct escaping {
	bool quote;		/* '"' becomes "\"" (inside double quotes) */
	bool tab_cr;		/* '\t' and '\r' become "\t" and "\r" */
	bool hex;		/* a bad byte, and unsafe ASCII, as "\xNN" */
	const char *bad;	/* else a bad byte as this (U+FFFD) */
	bool u16;		/* other unsafe characters as "\uNNNN"; else
				 * as bad */
};

static const struct escaping escaping_text = {
	.tab_cr = true, .hex = true, .u16 = true,
};
static const struct escaping escaping_json = {
	.quote = true, .tab_cr = true, .bad = "\\ufffd", .u16 = true,
};
static const struct escaping escaping_prom = {
	.quote = true, .bad = "\xef\xbf\xbd",
};

static void escape_with(struct buf *b, const char *s, size_t len,
			const struct escaping *e)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t start = i;
		uint32_t cp;
		size_t n;

		/* copy runs of safe bytes at once */
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' &&
		       !(p[i] == '"' && e->quote))
			i++;
		if (i > start)
			buf_add(b, p + start, i - start);
		if (i >= len)
			break;
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			if (e->hex)
				add_hex_byte(b, "\\x", p[i]);
			else
				buf_adds(b, e->bad);
			i++;
			continue;
		}
		if (cp == '"' && e->quote)
			buf_add(b, "\\\"", 2);
		else if (cp == '\\')
			buf_add(b, "\\\\", 2);
		else if (cp == '\n')
			buf_add(b, "\\n", 2);
		else if (cp == '\t' && e->tab_cr)
			buf_add(b, "\\t", 2);
		else if (cp == '\r' && e->tab_cr)
			buf_add(b, "\\r", 2);
		else if (!escape_is_unsafe(cp))
			buf_add(b, p + i, n);
		else if (cp < 0x80 && e->hex)
			add_hex_byte(b, "\\x", (unsigned char)cp);
		else if (e->u16)
			add_u16(b, cp);
		else
			buf_adds(b, e->bad);
		i += n;
	}
	if (!b->p)
		buf_add(b, "", 0);
}

void escape_text(struct buf *b, const char *s, size_t len)
{
	escape_with(b, s, len, &escaping_text);
}

void escape_json(struct buf *b, const char *s, size_t len)
{
	escape_with(b, s, len, &escaping_json);
}

void escape_prom(struct buf *b, const char *s, size_t len)
{
	escape_with(b, s, len, &escaping_prom);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void add_utf8(struct buf *b, uint32_t cp)
{
	char t[4];
	size_t n;

	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		t[0] = (char)(0xe0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	buf_add(b, t, n);
}

bool unescape_text(struct buf *b, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int h[4];

		if (s[i] != '\\') {
			buf_addc(b, s[i++]);
			continue;
		}
		if (i + 1 >= len)
			return false;
		switch (s[i + 1]) {
		case '\\':
			buf_addc(b, '\\');
			i += 2;
			break;
		case 'n':
			buf_addc(b, '\n');
			i += 2;
			break;
		case 't':
			buf_addc(b, '\t');
			i += 2;
			break;
		case 'r':
			buf_addc(b, '\r');
			i += 2;
			break;
		case 'x':
			if (i + 4 > len)
				return false;
			h[0] = hexval(s[i + 2]);
			h[1] = hexval(s[i + 3]);
			if (h[0] < 0 || h[1] < 0)
				return false;
			buf_addc(b, (char)(h[0] << 4 | h[1]));
			i += 4;
			break;
		case 'u':
			if (i + 6 > len)
				return false;
			h[0] = hexval(s[i + 2]);
			h[1] = hexval(s[i + 3]);
			h[2] = hexval(s[i + 4]);
			h[3] = hexval(s[i + 5]);
			if (h[0] < 0 || h[1] < 0 || h[2] < 0 || h[3] < 0)
				return false;
			add_utf8(b, (uint32_t)(h[0] << 12 | h[1] << 8 |
					       h[2] << 4 | h[3]));
			i += 6;
			break;
		default:
			return false;
		}
	}
	return true;
}
