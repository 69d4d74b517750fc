/* escape.h - the one place that makes hostile bytes safe to print */
#ifndef PORTTOP_ESCAPE_H
#define PORTTOP_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Append s for a terminal or a text line: valid printable UTF-8 stays as it
 * is; a backslash becomes "\\"; \n, \t, \r stay visible as such; other
 * control bytes and bytes that are not valid UTF-8 become "\xNN"; C1
 * controls, bidi controls and line separators become "\uNNNN". The result
 * never holds a control character and always unescapes to s. */
void escape_text(struct buf *b, const char *s, size_t len);

/* Append s as the inside of a JSON string: always valid UTF-8, no raw
 * control byte; invalid bytes become U+FFFD. */
void escape_json(struct buf *b, const char *s, size_t len);

/* Append s as a label value of the Prometheus text format: a backslash, a
 * double quote and a newline are escaped as the format asks ("\\", "\"",
 * "\n"); every other character escape_is_unsafe() names, and every byte
 * that is not valid UTF-8, becomes U+FFFD. */
void escape_prom(struct buf *b, const char *s, size_t len);

/* Undo escape_text(): append the original bytes of s. Returns false on a
 * malformed escape. */
bool unescape_text(struct buf *b, const char *s, size_t len);

/* Decode one UTF-8 character at s (len > 0). Returns its length (1-4) and
 * sets *cp, or returns 0 if the bytes are not valid UTF-8. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* True for code points that must not reach a terminal raw. */
bool escape_is_unsafe(uint32_t cp);

#endif
