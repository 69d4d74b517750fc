/* tui_layout.h - the pure parts of the live view: column layout, cutting
 * text to a width, and the key table */
#ifndef PORTTOP_TUI_LAYOUT_H
#define PORTTOP_TUI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The narrowest the flexible column gets before the others are cut. */
#define TUI_FLEX_MIN 8

/* Fit n columns, separated by one space, into cols cells. want[j] is the
 * width column j asks for; column flex (n for none) takes what is left,
 * up to its want. When the columns do not fit, those with a drop rank
 * (drop[j] > 0; drop may be NULL) are hidden first, the highest rank
 * (then the rightmost) first, until they fit. Hidden columns and those
 * past the right edge get width 0, the one on it what remains. Fills
 * width[] and returns the width used. */
size_t tui_layout(const size_t *want, const unsigned *drop, size_t n,
		  size_t flex, size_t cols, size_t *width);

/* Append escaped text s to b in exactly width cells: padded (on the left
 * if right), or cut with a '>' as its last cell when it does not fit. */
void tui_fit(struct buf *b, const char *s, size_t len, size_t width,
	     bool right);

/* Append escaped text s to b wrapped into lines of at most width cells,
 * each ended by '\n': broken at spaces where it can, inside a word where
 * one is wider than a line (a character wider than the line takes one of
 * its own). At most max lines; when s needs more, the last is cut with a
 * '>' as its last cell. Returns the lines added. */
size_t tui_wrap(struct buf *b, const char *s, size_t width, size_t max);

/* What a key does. */
enum tui_action {
	TUI_NONE,
	TUI_UP,
	TUI_DOWN,
	TUI_PGUP,
	TUI_PGDN,
	TUI_HOME,
	TUI_END,
	TUI_DETAILS,
	TUI_WHY,
	TUI_SEARCH,
	TUI_NEXT,
	TUI_FILTER,
	TUI_SORT,
	TUI_SORT_LEFT,
	TUI_SORT_RIGHT,
	TUI_REVERSE,
	TUI_TCP,
	TUI_UDP,
	TUI_IPV4,
	TUI_IPV6,
	TUI_EXPOSED,
	TUI_PAUSE,
	TUI_FREEZE,
	TUI_KILL,
	TUI_DELAY,
	TUI_FASTER,
	TUI_SLOWER,
	TUI_EVENTS,
	TUI_HELP,
	TUI_REDRAW,
	TUI_BACK,
	TUI_QUIT,
};

struct tui_key {
	int key;		/* a character, or a curses KEY_* code */
	bool fkey;		/* key is a KEY_* code */
	enum tui_action action;
	const char *name;	/* shown in the help; never translated */
	const char *help;	/* N_() */
};

/* Every key of the table view, in the order the help lists them. */
extern const struct tui_key tui_keys[];
extern const size_t tui_nkeys;

/* The action of a key (fkey: a KEY_* code), or TUI_NONE. */
enum tui_action tui_key_action(int key, bool fkey);

/* True for Enter, as a character or a KEY_ENTER code. */
bool tui_key_is_enter(bool fkey, int key);

#endif
