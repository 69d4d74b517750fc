/* test_view_fold.c - a card's lines on a narrow terminal (view_fold.h):
 * where a value folds, under which column it goes on, the mark of a word
 * broken in two, and that hostile text (escaped) is never broken inside an
 * escape sequence or a character, at any width */
#include "config.h"

#include <criterion/criterion.h>
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "escape.h"
#include "view_fold.h"

static void utf8(void)
{
	setlocale(LC_ALL, "C.UTF-8");
}

TestSuite(view_fold, .init = utf8);

static char *field(const char *label, const char *value, size_t width)
{
	struct buf b;

	buf_init(&b);
	view_field(&b, label, value, width);
	return b.p;
}

Test(view_fold, a_field_is_whole_when_it_fits_or_no_width_is_asked)
{
	char *s = field("command", "nginx -g daemon off;", 0);

	cr_expect_str_eq(s, "  command      nginx -g daemon off;\n");
	free(s);
	/* 15 + 20 cells: exactly as wide as the terminal */
	s = field("command", "nginx -g daemon off;", 35);
	cr_expect_str_eq(s, "  command      nginx -g daemon off;\n");
	free(s);
}

Test(view_fold, a_long_value_folds_at_spaces_under_its_first_character)
{
	char *s = field("queue", "0 waiting to be accepted, backlog 16", 40);

	cr_expect_str_eq(s, "  queue        0 waiting to be accepted,\n"
			    "               backlog 16\n");
	free(s);
	/* an empty label goes on under the value column too */
	s = field("", "nginx, user www-data (33)", 35);
	cr_expect_str_eq(s, "               nginx, user www-data\n"
			    "               (33)\n");
	free(s);
}

Test(view_fold, with_less_than_20_cells_beside_the_label_the_value_goes_under)
{
	char *s = field("queue", "0 waiting to be accepted, backlog 16", 30);

	cr_expect_str_eq(s, "  queue\n"
			    "    0 waiting to be accepted,\n"
			    "    backlog 16\n");
	free(s);
	s = field("", "nginx, user www-data (33)", 20);
	cr_expect_str_eq(s, "    nginx, user\n"
			    "    www-data (33)\n");
	free(s);
}

/* view_fold(s, col, indent, width), NUL-terminated; caller frees. */
static char *fold(const char *s, size_t col, size_t indent, size_t width)
{
	struct buf b;

	buf_init(&b);
	view_fold(&b, s, col, indent, width);
	return b.p;
}

/* view_fold_text(s, width), NUL-terminated; caller frees. */
static char *fold_text(const char *s, size_t width)
{
	struct buf b;

	buf_init(&b);
	view_fold_text(&b, s, width);
	return b.p;
}

Test(view_fold, a_word_wider_than_a_line_is_broken_with_a_mark)
{
	/* after the last '/' that keeps half the line, then the mark */
	char *s = fold("/usr/lib/jvm/java-17-openjdk-amd64/bin/java -jar", 4,
		       4, 24);

	cr_expect_str_eq(s, "/usr/lib/jvm/java-\\\n"
			    "    17-openjdk-amd64/\\\n"
			    "    bin/java -jar");
	free(s);
	/* no separator: as many characters as fit, the mark in the last
	 * cell */
	s = fold("abcdefghijklmnopqrstuvwxyz", 0, 2, 10);
	cr_expect_str_eq(s, "abcdefghi\\\n  jklmnop\\\n  qrstuvw\\\n  xyz");
	free(s);
	/* "aaaaaaa\\" would fill 9 cells, the mark the 10th: "\\\" */
	s = fold("aaaaaaa\\\\bbbbbbb", 0, 0, 10);
	cr_expect_str_eq(s, "aaaaaaa\\\n\\\\bbbbbbb");
	free(s);
}

Test(view_fold, text_keeps_its_newlines_and_folds_each_line)
{
	char *s = fold_text("\nblocks: a listener of another user\n", 20);

	cr_expect_str_eq(s, "\nblocks: a listener\n  of another user\n");
	free(s);
	s = fold_text("\nblocks: a listener of another user\n", 0);
	cr_expect_str_eq(s, "\nblocks: a listener of another user\n");
	free(s);
}

/* Cells of s[0..len) on a terminal; -1 if it holds a byte sequence that is
 * not UTF-8 (a character cut in two) or a control character. */
static long line_cells(const char *s, size_t len)
{
	long w = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode((const unsigned char *)s + i, len - i,
				       &cp);
		int cw;

		if (!n || escape_is_unsafe(cp))
			return -1;
		cw = wcwidth((wchar_t)cp);
		w += cw < 0 ? 1 : cw;
		i += n;
	}
	return w;
}

/* True if every backslash of s[0..len) starts a whole escape sequence of
 * escape_text(). */
static bool whole_escapes(const char *s, size_t len)
{
	size_t i = 0, k, n;

	while (i < len) {
		if (s[i] != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		n = s[i + 1] == 'x' ? 4 : s[i + 1] == 'u' ? 6 : 2;
		if (n == 2 && !strchr("\\ntr", s[i + 1]))
			return false;
		if (i + n > len)
			return false;
		for (k = i + 2; k < i + n; k++)
			if (!strchr("0123456789abcdef", s[k]))
				return false;
		i += n;
	}
	return true;
}

Test(view_fold, hostile_text_is_never_broken_inside_an_escape_or_a_character)
{
	/* a process's own bytes: controls, a terminal's escape sequence,
	 * wide characters, bytes that are not UTF-8, a bidi override, a
	 * backslash */
	static const char raw[] =
		"/opt/x\033[2J\tname \xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99\xa8"
		"\xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99\xa8\xe6\x9c\x8d\xe5\x8a\xa1 "
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6 --opt=a\nb\\c "
		"\xe2\x80\xae" "evil\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 "
		"\\\\\\\\\\\\\\\\\\\\\\\\ end";
	struct buf esc, b, back;
	size_t width, indent;

	buf_init(&esc);
	buf_init(&b);
	buf_init(&back);
	escape_text(&esc, raw, sizeof(raw) - 1);
	for (indent = 0; indent <= 4; indent += 2) {
		for (width = indent + 8; width <= 90; width++) {
			const char *p, *nl;
			bool marked = false;

			buf_reset(&b);
			buf_reset(&back);
			view_fold(&b, esc.p, indent, indent, width);
			for (p = b.p; *p; p = nl + 1) {
				size_t len, body, trail = 0;

				nl = strchr(p, '\n');
				len = nl ? (size_t)(nl - p) : strlen(p);
				/* the first line starts at the indent too */
				cr_assert_leq(line_cells(p, len) +
						      (long)(p == b.p ? indent : 0),
					      (long)width, "width %zu: %.*s",
					      width, (int)len, p);
				cr_assert_geq(line_cells(p, len), 0,
					      "width %zu: a character cut: %.*s",
					      width, (int)len, p);
				/* an odd run of backslashes at the end: the
				 * last is the mark */
				while (trail < len && p[len - 1 - trail] == '\\')
					trail++;
				body = len - (trail % 2);
				cr_assert(whole_escapes(p, body),
					  "width %zu: an escape cut: %.*s",
					  width, (int)len, p);
				if (p != b.p) {
					cr_assert(len >= indent &&
						  !strncmp(p, "          ",
							   indent));
					if (!marked)
						buf_addc(&back, ' ');
					buf_add(&back, p + indent, body - indent);
				} else {
					buf_add(&back, p, body);
				}
				marked = trail % 2;
				if (!nl)
					break;
			}
			cr_assert_str_eq(back.p, esc.p, "width %zu", width);
		}
	}
	buf_release(&back);
	buf_release(&b);
	buf_release(&esc);
}

/* A word of 1 MiB (porttop keeps 256 KiB of a command line, which may
 * have no space) folds in time linear in its length: 40 columns make
 * 30,000 lines, and rescanning the rest of the word for each line took
 * half a minute. */
Test(view_fold, a_huge_word_folds_in_linear_time, .timeout = 10)
{
	size_t len = 1024 * 1024, lines = 0;
	char *word = malloc(len + 1);
	struct buf b;
	const char *p;

	cr_assert_not_null(word);
	memset(word, 'A', len);
	word[len] = '\0';
	buf_init(&b);
	view_fold(&b, word, 4, 4, 40);
	for (p = b.p; (p = strchr(p, '\n')); p++)
		lines++;
	/* 35 cells and the mark on each line but the last */
	cr_expect_eq(lines, (len + 34) / 35 - 1);
	buf_release(&b);
	free(word);
}
