/* view_fold.h - the lines of a card (porttop PORT, --why) fitted to a
 * terminal: long values folded onto indented lines, never cut */
#ifndef PORTTOP_VIEW_FOLD_H
#define PORTTOP_VIEW_FOLD_H

#include <stddef.h>

#include "buf.h"

/* The mark that ends a line broken inside a word (no space was there):
 * what follows on the next line continues the word. */
#define VIEW_FOLD_MARK '\\'

/* Append text s (one line, escaped as escape_text() does) to out, whose
 * current line already holds col cells, folded so that no line is wider
 * than width cells: broken at a space (which the break replaces), or,
 * for a word wider than a whole line, between two characters with
 * VIEW_FOLD_MARK in the line's last cell; never inside a multibyte
 * character or an escape sequence (\\, \n, \xNN, \uNNNN). Continuation
 * lines start with indent spaces. Appends no final newline. */
void view_fold(struct buf *out, const char *s, size_t col, size_t indent,
	       size_t width);

/* Append text s line by line, each whole when width is 0 or it fits, else
 * folded (view_fold()) with continuation lines indented by 2; the newlines
 * of s are kept as they are. */
void view_fold_text(struct buf *out, const char *s, size_t width);

/* Append a field of a card, "  LABEL        VALUE\n": whole when width is
 * 0 or it fits in width cells; else the value is folded beside its label,
 * its continuation lines starting under its first character, or, where
 * that leaves too little room, under the label, indented by 4. An empty
 * label continues the field above. */
void view_field(struct buf *out, const char *label, const char *value,
		size_t width);

#endif
