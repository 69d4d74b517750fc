/* fuzz_escape.c - libFuzzer target: escape_text() round trips, and
 * escape_json() and escape_prom() give valid, quote-safe UTF-8 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "fuzz.h"

static void check_text(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];

		if (c < 0x20 || c == 0x7f)
			abort();
	}
}

/* The inside of a quoted string (JSON, a Prometheus label value): valid
 * UTF-8, no control or other character escape_is_unsafe() names, no raw
 * double quote, and a backslash only before one of escapes. */
static void check_quoted(const struct buf *b, const char *escapes)
{
	const unsigned char *s = (const unsigned char *)b->p;
	size_t i = 0;

	while (i < b->len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, b->len - i, &cp);

		if (n == 0 || escape_is_unsafe(cp) || cp == '"')
			abort();
		if (cp == '\\') {
			/* an escape: skip the byte it protects */
			if (i + 1 >= b->len || b->p[i + 1] == '\0' ||
			    !strchr(escapes, b->p[i + 1]))
				abort();
			n = 2;
		}
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf esc, back;

	buf_init(&esc);
	buf_init(&back);

	escape_text(&esc, s, size);
	if (!esc.p || esc.p[esc.len] != '\0')
		abort();
	check_text(&esc);
	if (!unescape_text(&back, esc.p, esc.len))
		abort();
	if (back.len != size || (size && memcmp(back.p, data, size) != 0))
		abort();

	buf_reset(&esc);
	escape_json(&esc, s, size);
	if (!esc.p || esc.p[esc.len] != '\0')
		abort();
	check_quoted(&esc, "\"\\/bfnrtu");

	buf_reset(&esc);
	escape_prom(&esc, s, size);
	if (!esc.p || esc.p[esc.len] != '\0')
		abort();
	check_quoted(&esc, "\"\\n");

	/* unescaping arbitrary text must fail cleanly, never crash */
	buf_reset(&back);
	unescape_text(&back, s, size);

	buf_release(&esc);
	buf_release(&back);
	return 0;
}
