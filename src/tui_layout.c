/* tui_layout.c - the pure parts of the live view: column layout, cutting
 * text to a width, and the key table */
#include "config.h"
#include "tui_layout.h"

#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <curses.h>

#include "columns.h"
#include "escape.h"
#include "nls.h"

/* Room the shown columns need: their wants, the flexible one at its
 * minimum, and the separators. */
static size_t need(const size_t *want, const size_t *width, size_t n,
		   size_t flex)
{
	size_t j, sum = 0, shown = 0;

	for (j = 0; j < n; j++) {
		if (!width[j])
			continue;
		shown++;
		if (j != flex)
			sum += want[j];
		else
			sum += want[j] < TUI_FLEX_MIN ? want[j] : TUI_FLEX_MIN;
	}
	return sum + (shown ? shown - 1 : 0);
}

size_t tui_layout(const size_t *want, const unsigned *drop, size_t n,
		  size_t flex, size_t cols, size_t *width)
{
	size_t fixed = 0, j, x = 0;
	bool sep = false;

	for (j = 0; j < n; j++)
		width[j] = want[j];
	/* too narrow: hide the columns that matter least, one by one */
	while (drop && need(want, width, n, flex) > cols) {
		size_t worst = n;

		for (j = 0; j < n; j++)
			if (width[j] && drop[j] &&
			    (worst == n || drop[j] >= drop[worst]))
				worst = j;
		if (worst == n)
			break;
		width[worst] = 0;
	}
	for (j = 0; j < n; j++)
		if (width[j] && j != flex)
			fixed += want[j] + 1;
	if (flex < n && width[flex]) {
		size_t left = cols > fixed ? cols - fixed : 0;
		size_t min = want[flex] < TUI_FLEX_MIN ? want[flex]
						       : TUI_FLEX_MIN;

		if (left < min)
			left = min;
		width[flex] = left < want[flex] ? left : want[flex];
	}
	/* what does not fit is cut at the right edge */
	for (j = 0; j < n; j++) {
		if (!width[j])
			continue;
		if (sep && x < cols)
			x++;
		if (x >= cols) {
			width[j] = 0;
			continue;
		}
		if (width[j] > cols - x)
			width[j] = cols - x;
		x += width[j];
		sep = true;
	}
	return x;
}

/* Width of the character at s, and its length in *n. */
static size_t char_width(const char *s, size_t len, size_t *n)
{
	uint32_t cp;
	int w;

	if ((unsigned char)*s < 0x80) {	/* escaped text: printable */
		*n = 1;
		return 1;
	}
	*n = utf8_decode((const unsigned char *)s, len, &cp);
	if (*n == 0) {
		*n = 1;
		return 1;
	}
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

static void pad(struct buf *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addc(b, ' ');
}

void tui_fit(struct buf *b, const char *s, size_t len, size_t width,
	     bool right)
{
	size_t i = 0, w = 0, total = 0, n;

	if (width == 0)
		return;
	while (i < len) {
		total += char_width(s + i, len - i, &n);
		i += n;
	}
	if (total <= width) {
		if (right)
			pad(b, width - total);
		buf_add(b, s, len);
		if (!right)
			pad(b, width - total);
		return;
	}
	/* cut: keep what fits in width - 1 cells, then the mark */
	i = 0;
	while (i < len) {
		size_t cw = char_width(s + i, len - i, &n);

		if (w + cw > width - 1)
			break;
		buf_add(b, s + i, n);
		w += cw;
		i += n;
	}
	pad(b, width - 1 - w);
	buf_addc(b, '>');
}

/* The bytes of s (up to len) that fit in width cells, broken after the
 * last space that fits when the whole does not; *next: where the next
 * line starts (spaces at the break skipped). */
static size_t wrap_line(const char *s, size_t len, size_t width,
			size_t *next)
{
	size_t i = 0, w = 0, n = 1, brk = 0;

	while (i < len) {
		size_t cw = char_width(s + i, len - i, &n);

		if (w + cw > width)
			break;
		if (s[i] == ' ')
			brk = i;
		w += cw;
		i += n;
	}
	if (i < len && s[i] != ' ' && brk > 0)
		i = brk;
	if (i == 0 && len > 0)	/* one character wider than the line */
		i = n;
	*next = i;
	while (*next < len && s[*next] == ' ')
		(*next)++;
	return i;
}

size_t tui_wrap(struct buf *b, const char *s, size_t width, size_t max)
{
	size_t len = strlen(s), lines = 0, cut, next;

	if (width == 0)
		return 0;
	while (len > 0 && lines < max) {
		cut = wrap_line(s, len, width, &next);
		if (lines + 1 == max && next < len)
			tui_fit(b, s, len, width, false);
		else
			buf_add(b, s, cut);
		buf_addc(b, '\n');
		lines++;
		s += next;
		len -= next;
	}
	return lines;
}

#define CTRL(c) ((c) & 0x1f)

const struct tui_key tui_keys[] = {
	{ KEY_UP, true, TUI_UP, "Up", N_("select the previous listener") },
	{ KEY_DOWN, true, TUI_DOWN, "Down", N_("select the next listener") },
	{ KEY_PPAGE, true, TUI_PGUP, "PgUp", N_("one page up") },
	{ KEY_NPAGE, true, TUI_PGDN, "PgDn", N_("one page down") },
	{ KEY_HOME, true, TUI_HOME, "Home", N_("the first listener") },
	{ KEY_END, true, TUI_END, "End", N_("the last listener") },
	{ '\n', false, TUI_DETAILS, "Enter",
	  N_("details of the selected listener and its processes") },
	{ '\r', false, TUI_DETAILS, NULL, NULL },
	{ KEY_ENTER, true, TUI_DETAILS, NULL, NULL },
	{ 'w', false, TUI_WHY, "w",
	  N_("why a new server cannot bind the selected port (as --why)") },
	{ '/', false, TUI_SEARCH, "/", N_("search as you type") },
	{ 'n', false, TUI_NEXT, "n", N_("the next match of the search") },
	{ '\\', false, TUI_FILTER, "\\ f",
	  N_("show only listeners whose text holds a string") },
	{ 'f', false, TUI_FILTER, NULL, NULL },
	{ 's', false, TUI_SORT, "s", N_("choose the sort column") },
	{ '<', false, TUI_SORT_LEFT, "< >",
	  N_("sort by the column to the left or right") },
	{ '>', false, TUI_SORT_RIGHT, NULL, NULL },
	{ 'r', false, TUI_REVERSE, "r", N_("reverse the sort order") },
	{ 't', false, TUI_TCP, "t", N_("show or hide TCP listeners") },
	{ 'u', false, TUI_UDP, "u", N_("show or hide UDP sockets") },
	{ '4', false, TUI_IPV4, "4", N_("show or hide IPv4") },
	{ '6', false, TUI_IPV6, "6", N_("show or hide IPv6") },
	{ 'x', false, TUI_EXPOSED,
	  "x", N_("show only listeners reachable beyond loopback") },
	{ 'p', false, TUI_PAUSE, "p Space", N_("pause or resume refreshing") },
	{ ' ', false, TUI_PAUSE, NULL, NULL },
	{ 'o', false, TUI_FREEZE, "o", N_("freeze or release the row order") },
	{ 'k', false, TUI_KILL, "k",
	  N_("send SIGTERM to the selected process, after asking") },
	{ 'd', false, TUI_DELAY, "d", N_("set the refresh interval") },
	{ '+', false, TUI_SLOWER, "+ -",
	  N_("lengthen or shorten the refresh interval") },
	{ '-', false, TUI_FASTER, NULL, NULL },
	{ 'e', false, TUI_EVENTS, "e",
	  N_("the log of listeners that appeared or went away") },
	{ '?', false, TUI_HELP, "? h", N_("this help") },
	{ 'h', false, TUI_HELP, NULL, NULL },
	{ KEY_F(1), true, TUI_HELP, NULL, NULL },
	{ CTRL('l'), false, TUI_REDRAW, "Ctrl-L", N_("redraw the screen") },
	{ 27, false, TUI_BACK, "Esc", N_("back to the table; cancel") },
	{ 'q', false, TUI_QUIT, "q", N_("quit") },
};
const size_t tui_nkeys = sizeof(tui_keys) / sizeof(tui_keys[0]);

enum tui_action tui_key_action(int key, bool fkey)
{
	size_t i;

	for (i = 0; i < tui_nkeys; i++)
		if (tui_keys[i].key == key && tui_keys[i].fkey == fkey)
			return tui_keys[i].action;
	return TUI_NONE;
}

bool tui_key_is_enter(bool fkey, int key)
{
	return fkey ? key == KEY_ENTER : key == '\n' || key == '\r';
}
