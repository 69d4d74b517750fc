/* view_fold.c - the lines of a card (porttop PORT, --why) fitted to a
 * terminal: long values folded onto indented lines, never cut
 *
 * A card is read, not parsed: a value too long for the terminal goes on
 * under itself, whole, instead of being cut, and the terminal's own
 * wrapping never sends it back to the left edge. */
#include "config.h"
#include "view_fold.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "escape.h"

/* Beside its label a value gets at least so many cells; with less room it
 * goes under the label, indented by FIELD_UNDER. */
#define FIELD_MIN_ROOM 20
#define FIELD_UNDER 4

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* The unit at s (len > 0) that a fold never breaks: an escape sequence
 * of escape_text(), or one character (a byte that is not UTF-8 is one).
 * Returns its length in bytes; *w: its cells. */
static size_t unit(const char *s, size_t len, size_t *w)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t n, k;
	int cw;

	if (s[0] == '\\' && len >= 2) {
		n = s[1] == 'x'			   ? 4
		    : s[1] == 'u'		   ? 6
		    : memchr("\\ntr\"", s[1], 5) ? 2
						   : 1;
		if (n > len)
			n = 1;
		for (k = 2; n > 2 && k < n; k++)
			if (!is_hex(s[k]))
				n = 1;
		*w = n;
		return n;
	}
	*w = 1;
	if (u[0] < 0x80)
		return 1;
	n = utf8_decode(u, len, &cp);
	if (!n)
		return 1;
	cw = wcwidth((wchar_t)cp);
	if (cw >= 0)
		*w = (size_t)cw;
	return n;
}

static size_t cells(const char *s, size_t len)
{
	size_t i = 0, total = 0, w;

	while (i < len) {
		i += unit(s + i, len - i, &w);
		total += w;
	}
	return total;
}

/* The cells of the word at s (up to a space or len), counted until they
 * pass limit; *end: where the counting stopped (the word's end when the
 * result is at most limit). Bounded, so that folding a huge word is not
 * quadratic. */
static size_t word_cells(const char *s, size_t len, size_t limit,
			 size_t *end)
{
	size_t i = 0, total = 0, w;

	while (i < len && s[i] != ' ' && total <= limit) {
		i += unit(s + i, len - i, &w);
		total += w;
	}
	*end = i;
	return total;
}

static void spaces(struct buf *b, size_t n)
{
	while (n--)
		buf_addc(b, ' ');
}

/* True if a word may be broken after the character c without hiding much:
 * a path's or a list's separator. */
static bool breaks_after(char c)
{
	return c && strchr("/,;:=-._", c);
}

/* Where to break the word at s (up to a space or len), too wide for the
 * room cells left on a line that holds nothing else: after the units that
 * fit in room - 1 cells (the last is the mark's), at least one; after the
 * last separator among them if that keeps at least half the line; never
 * just after an escaped backslash (with the mark it would read "\\\"). */
static size_t hard_break(const char *s, size_t len, size_t room)
{
	size_t i = 0, used = 0, prev = 0, sep = 0, w, n;

	while (i < len && s[i] != ' ') {
		n = unit(s + i, len - i, &w);
		if (i > 0 && used + w + 1 > room)
			break;
		prev = i;
		used += w;
		i += n;
		if (n == 1 && breaks_after(s[prev]) && 2 * used >= room)
			sep = i;
	}
	if (i == len || s[i] == ' ')
		return i;	/* one character wider than the line */
	if (sep)
		return sep;
	if (prev > 0 && i - prev == 2 && s[prev] == '\\' && s[prev + 1] == '\\')
		i = prev;
	return i;
}

static void new_line(struct buf *out, size_t indent)
{
	buf_addc(out, '\n');
	spaces(out, indent);
}

static void fold(struct buf *out, const char *s, size_t len, size_t col,
		 size_t indent, size_t width)
{
	size_t i = 0, start = col;

	while (i < len) {
		size_t sp = i, room = 0, ww, end, cut;

		while (sp < len && s[sp] == ' ')
			sp++;
		if (sp == len)
			break;	/* spaces at the end: nothing to see */
		if (col + (sp - i) <= width)
			room = width - col - (sp - i);
		ww = word_cells(s + sp, len - sp, room, &end);
		if (col + (sp - i) <= width && ww <= room) {
			buf_add(out, s + i, sp + end - i);
			col += sp - i + ww;
			i = sp + end;
			continue;
		}
		if (col > start && sp > i) {
			/* at a space: the break takes its place (only the
			 * first, when there are more) */
			new_line(out, indent);
			col = start = indent;
			i++;
			continue;
		}
		/* a word wider than a whole line */
		buf_add(out, s + i, sp - i);
		col += sp - i;
		cut = sp + hard_break(s + sp, len - sp,
				      width > col ? width - col : 0);
		buf_add(out, s + sp, cut - sp);
		if (cut < len && s[cut] != ' ')
			buf_addc(out, VIEW_FOLD_MARK);
		else if (cut < len)
			cut++;	/* the break takes the space's place */
		i = cut;
		if (i < len) {
			new_line(out, indent);
			col = start = indent;
		}
	}
}

void view_fold(struct buf *out, const char *s, size_t col, size_t indent,
	       size_t width)
{
	fold(out, s, strlen(s), col, indent, width);
}

void view_fold_text(struct buf *out, const char *s, size_t width)
{
	while (*s) {
		size_t len = strcspn(s, "\n");

		if (width && cells(s, len) > width)
			fold(out, s, len, 0, 2, width);
		else
			buf_add(out, s, len);
		s += len;
		if (*s == '\n') {
			buf_addc(out, '\n');
			s++;
		}
	}
}

void view_field(struct buf *out, const char *label, const char *value,
		size_t width)
{
	struct buf pre;
	size_t col, under;

	buf_init(&pre);
	buf_printf(&pre, "  %-12s ", label);
	col = cells(pre.p, pre.len);
	if (!width || col + cells(value, strlen(value)) <= width) {
		buf_add(out, pre.p, pre.len);
		buf_adds(out, value);
	} else if (col + FIELD_MIN_ROOM <= width) {
		buf_add(out, pre.p, pre.len);
		view_fold(out, value, col, col, width);
	} else {
		/* under the label (an empty one continues the field above) */
		if (*label) {
			buf_adds(out, "  ");
			view_fold(out, label, 2, 2, width);
			buf_addc(out, '\n');
		}
		under = FIELD_UNDER * 3 > width ? width / 3 : FIELD_UNDER;
		spaces(out, under);
		view_fold(out, value, under, under, width);
	}
	buf_release(&pre);
	buf_addc(out, '\n');
}
