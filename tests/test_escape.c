/* test_escape.c - the escaper: every byte value, round trips, JSON */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

static char *text(const char *s, size_t len)
{
	static struct buf b;

	buf_reset(&b);
	escape_text(&b, s, len);
	return b.p;
}

static char *json(const char *s, size_t len)
{
	static struct buf b;

	buf_reset(&b);
	escape_json(&b, s, len);
	return b.p;
}

static char *prom(const char *s, size_t len)
{
	static struct buf b;

	buf_reset(&b);
	escape_prom(&b, s, len);
	return b.p;
}

#define T(lit) text(lit, sizeof(lit) - 1)
#define P(lit) prom(lit, sizeof(lit) - 1)
#define J(lit) json(lit, sizeof(lit) - 1)

Test(escape, text_examples)
{
	cr_expect_str_eq(T("nginx: worker"), "nginx: worker");
	cr_expect_str_eq(T("a\x1b]0;PWNED\x07z"), "a\\x1b]0;PWNED\\x07z");
	cr_expect_str_eq(T("line\nnext\ttab\rcr"), "line\\nnext\\ttab\\rcr");
	cr_expect_str_eq(T("back\\slash"), "back\\\\slash");
	cr_expect_str_eq(T("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
	cr_expect_str_eq(T("bad\xff\xc3"), "bad\\xff\\xc3");
	cr_expect_str_eq(T("del\x7f"), "del\\x7f");
	cr_expect_str_eq(T("c1\xc2\x9b"), "c1\\u009b");
	cr_expect_str_eq(T("rlo\xe2\x80\xae"), "rlo\\u202e");
	cr_expect_str_eq(T("nul\0x"), "nul\\x00x");
	cr_expect_str_eq(T("overlong\xc0\xaf"), "overlong\\xc0\\xaf");
	cr_expect_str_eq(T("surrogate\xed\xa0\x80"), "surrogate\\xed\\xa0\\x80");
	cr_expect_str_eq(T(""), "");
}

/* Every single byte, and every pair, escapes to printable text that holds
 * no control character and unescapes to the input. */
Test(escape, every_byte_round_trips)
{
	struct buf u;
	int i, j;

	buf_init(&u);
	for (i = 0; i < 256; i++) {
		for (j = -1; j < 256; j++) {
			char in[2] = { (char)i, (char)j };
			size_t len = j < 0 ? 1 : 2;
			const char *out = text(in, len);
			const unsigned char *p;

			for (p = (const unsigned char *)out; *p; p++)
				cr_assert(*p >= 0x20 && *p != 0x7f,
					  "byte %02x in escape of %02x %02x",
					  *p, i, j & 0xff);
			buf_reset(&u);
			cr_assert(unescape_text(&u, out, strlen(out)));
			cr_assert_eq(u.len, len);
			cr_assert_eq(memcmp(u.p, in, len), 0, "round trip of %02x %02x",
				     i, j & 0xff);
		}
	}
	buf_release(&u);
}

Test(escape, json_examples)
{
	cr_expect_str_eq(J("say \"hi\""), "say \\\"hi\\\"");
	cr_expect_str_eq(J("a\\b"), "a\\\\b");
	cr_expect_str_eq(J("\x1b[31m"), "\\u001b[31m");
	cr_expect_str_eq(J("\n\t\r"), "\\n\\t\\r");
	cr_expect_str_eq(J("\x7f"), "\\u007f");
	cr_expect_str_eq(J("bad\xff"), "bad\\ufffd");
	cr_expect_str_eq(J("\xe2\x80\xae"), "\\u202e");
	cr_expect_str_eq(J("caf\xc3\xa9"), "caf\xc3\xa9");
	cr_expect_str_eq(J("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

Test(escape, json_output_is_valid_utf8_without_controls)
{
	int i;

	for (i = 0; i < 256; i++) {
		char in[3] = { 'x', (char)i, 'y' };
		const char *out = json(in, 3);
		const unsigned char *p = (const unsigned char *)out;
		size_t len = strlen(out), off = 0;

		while (off < len) {
			uint32_t cp;
			size_t n = utf8_decode(p + off, len - off, &cp);

			cr_assert_gt(n, 0, "invalid UTF-8 in JSON escape of %02x", i);
			cr_assert(!escape_is_unsafe(cp), "unsafe U+%04x for %02x",
				  cp, i);
			if (cp == '"')
				cr_assert(off > 0 && p[off - 1] == '\\');
			off += n;
		}
	}
}

Test(escape, prom_label_values)
{
	/* the three escapes of the text format, nothing else */
	cr_expect_str_eq(P("q\"b\\s\nx"), "q\\\"b\\\\s\\nx");
	cr_expect_str_eq(P("nginx: worker"), "nginx: worker");
	cr_expect_str_eq(P("caf\xc3\xa9"), "caf\xc3\xa9");
	/* what must not reach a person raw, and what is not UTF-8 */
	cr_expect_str_eq(P("a\x1b]0;X\x07z"), "a\xef\xbf\xbd]0;X\xef\xbf\xbdz");
	cr_expect_str_eq(P("tab\tcr\r"), "tab\xef\xbf\xbd" "cr\xef\xbf\xbd");
	cr_expect_str_eq(P("bad\xff"), "bad\xef\xbf\xbd");
	cr_expect_str_eq(P("rlo\xe2\x80\xae"), "rlo\xef\xbf\xbd");
	cr_expect_str_eq(P(""), "");
}

Test(escape, prom_output_has_no_raw_quote_newline_or_control)
{
	char in[256];
	const unsigned char *p;
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	p = (const unsigned char *)prom(in, sizeof(in));
	for (i = 0; p[i]; i++) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, strlen((const char *)p + i), &cp);

		cr_assert_gt(n, 0, "valid UTF-8 at %zu", i);
		cr_assert(cp >= 0x20 && !escape_is_unsafe(cp), "no control at %zu", i);
		if (cp == '\\') {
			cr_assert(p[i + 1] == '\\' || p[i + 1] == '"' || p[i + 1] == 'n');
			n = 2;
		} else {
			cr_assert_neq(cp, '"', "no raw quote at %zu", i);
		}
		i += n - 1;
	}
}

Test(escape, empty_input_is_an_empty_string_not_null)
{
	struct buf b;

	/* a view prints b.p: a fresh buffer must hold "" after an empty
	 * value, in each of the escapers */
	buf_init(&b);
	escape_json(&b, "", 0);
	cr_assert_not_null(b.p);
	cr_expect_str_eq(b.p, "");
	buf_release(&b);
	buf_init(&b);
	escape_prom(&b, "", 0);
	cr_assert_not_null(b.p);
	cr_expect_str_eq(b.p, "");
	buf_release(&b);
	buf_init(&b);
	escape_text(&b, "", 0);
	cr_assert_not_null(b.p);
	cr_expect_str_eq(b.p, "");
	buf_release(&b);
}

Test(escape, unescape_rejects_malformed)
{
	struct buf u;

	buf_init(&u);
	cr_expect_not(unescape_text(&u, "\\", 1));
	cr_expect_not(unescape_text(&u, "\\q", 2));
	cr_expect_not(unescape_text(&u, "\\x1", 3));
	cr_expect_not(unescape_text(&u, "\\xzz", 4));
	cr_expect_not(unescape_text(&u, "\\u12", 4));
	buf_release(&u);
}

/* The buffer under every escaper: numbers written by hand as printf
 * would, and printf output longer than the room left (issue 16). */
Test(buf, numbers_as_printf_writes_them)
{
	static const long long v[] = { 0, 7, 10, 65535, -1, -80,
				       2147483647LL, -2147483647LL - 1,
				       9223372036854775807LL,
				       -9223372036854775807LL - 1 };
	char want[32];
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		buf_reset(&b);
		buf_addi(&b, v[i]);
		snprintf(want, sizeof(want), "%lld", v[i]);
		cr_expect_str_eq(b.p, want);
	}
	buf_reset(&b);
	buf_addu(&b, 18446744073709551615ULL);
	cr_expect_str_eq(b.p, "18446744073709551615");
	buf_release(&b);
}

Test(buf, printf_longer_than_the_room)
{
	char big[300];
	struct buf b;
	size_t i;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b);
	buf_adds(&b, "a");
	for (i = 0; i < 5; i++)
		buf_printf(&b, "<%s:%zu>", big, i);
	cr_assert_eq(b.len, 1 + 5 * (sizeof(big) - 1 + 4));
	cr_expect_eq(strlen(b.p), b.len);
	cr_expect_eq(b.p[1], '<');
	cr_expect_str_eq(b.p + b.len - 4, "x:4>");
	buf_release(&b);
}
