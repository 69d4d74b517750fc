/* view_text.c - the plain-text table */
#include "config.h"
#include "views.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/ioctl.h>

#include "columns.h"
#include "nls.h"
#include "escape.h"

size_t view_text_width(int fd)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	/* a pipe or a file gets whole lines, whatever COLUMNS says:
	 * scripts read them */
	if (!isatty(fd))
		return 0;
	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);

		if (!*end && *env != '-' && v > 0 && v <= 100000)
			return (size_t)v;
	}
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

void view_columns(const struct view_request *req, const enum col_id **ids,
		  size_t *n)
{
	if (req->ncolumns) {
		*ids = req->columns;
		*n = req->ncolumns;
	} else {
		*ids = columns_default;
		*n = columns_ndefault;
	}
}

static void put_line(FILE *out, struct buf *cells, const enum col_id *ids,
		     size_t n, const size_t *width)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *s = cells[i].p ? cells[i].p : "";
		size_t w = columns_width(s);
		size_t pad = w < width[i] ? width[i] - w : 0;

		if (i == n - 1) {
			if (columns[ids[i]].right)
				fprintf(out, "%*s", (int)pad, "");
			fputs(s, out);
			break;
		}
		if (columns[ids[i]].right)
			fprintf(out, "%*s%s ", (int)pad, "", s);
		else
			fprintf(out, "%s%*s ", s, (int)pad, "");
	}
	fputc('\n', out);
}

/* The narrowest the command gets before other columns are hidden (as in
 * the live view). */
#define TEXT_COMMAND_MIN 8

/* Append to line the start of escaped text s that takes at most room
 * cells; returns the cells it took. */
static size_t add_prefix(struct buf *line, const char *s, size_t room)
{
	size_t used = 0, len = strlen(s), i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode((const unsigned char *)s + i, len - i,
				       &cp);
		int cw = n ? wcwidth((wchar_t)cp) : 1;
		size_t w = cw < 0 ? 1 : (size_t)cw;

		if (!n)
			n = 1;
		if (used + w > room)
			break;
		buf_add(line, s + i, n);
		used += w;
		i += n;
	}
	return used;
}

/* One line cut to a terminal: the shown columns (width[j] > 0) in their
 * widths; a cell wider than its column keeps what fits in all but its
 * last cell, which is a '>'. The last column shown is not padded. */
static void put_fitted(FILE *out, struct buf *cells, const enum col_id *ids,
		       size_t n, const size_t *width, struct buf *line)
{
	size_t j, last = n;

	for (j = 0; j < n; j++)
		if (width[j])
			last = j;
	buf_reset(line);
	for (j = 0; j < n; j++) {
		const char *s = cells[j].p ? cells[j].p : "";
		size_t w = columns_width(s), took;

		if (!width[j])
			continue;
		if (line->len)
			buf_addc(line, ' ');
		if (w > width[j]) {
			took = add_prefix(line, s, width[j] - 1);
			while (took++ < width[j] - 1)
				buf_addc(line, ' ');
			buf_addc(line, '>');
			continue;
		}
		if (columns[ids[j]].right)
			buf_printf(line, "%*s", (int)(width[j] - w), "");
		buf_adds(line, s);
		if (!columns[ids[j]].right && j != last)
			buf_printf(line, "%*s", (int)(width[j] - w), "");
	}
	fprintf(out, "%s\n", line->p ? line->p : "");
}

/* Cells the shown columns take: the command at most TEXT_COMMAND_MIN,
 * one space between two. */
static size_t room_needed(const enum col_id *ids, size_t n,
			  const size_t *width)
{
	size_t j, total = 0, shown = 0;

	for (j = 0; j < n; j++) {
		size_t w = width[j];

		if (!w)
			continue;
		if (columns[ids[j]].max == 0 && w > TEXT_COMMAND_MIN)
			w = TEXT_COMMAND_MIN;
		total += w;
		shown++;
	}
	return total + (shown ? shown - 1 : 0);
}

/* Fit the table into req->width cells, in the live view's order: a
 * column takes at most its max; the command (a column without a max)
 * takes what is left, down to TEXT_COMMAND_MIN; then whole columns are
 * hidden, the highest drop rank first and, within a rank, the rightmost
 * first; what still does not fit is cut at the right edge. full[] are
 * the widths of the whole table. False when it fits as it is (or no
 * width is asked): the lines are printed whole. */
static bool fit(const struct view_request *req, const enum col_id *ids,
		size_t n, const size_t *full, size_t *width)
{
	size_t j, total = 0, x = 0, flex = n;
	unsigned rank;

	if (!req->width || !n)
		return false;
	for (j = 0; j < n; j++)
		total += full[j] + (j ? 1 : 0);
	if (total <= req->width)
		return false;
	for (j = 0; j < n; j++) {
		size_t max = columns[ids[j]].max;

		width[j] = max && full[j] > max ? max : full[j];
		if (!width[j])
			width[j] = 1;	/* an empty column is still one */
		if (!max && flex == n)
			flex = j;
	}
	for (rank = 255; rank > 0; rank--)
		for (j = n; j-- > 0;)
			if (columns[ids[j]].drop == rank && width[j] &&
			    room_needed(ids, n, width) > req->width)
				width[j] = 0;
	if (flex < n) {
		size_t others = room_needed(ids, n, width) -
				(width[flex] < TEXT_COMMAND_MIN
					 ? width[flex] : TEXT_COMMAND_MIN);

		if (req->width > others && req->width - others < width[flex])
			width[flex] = req->width - others;
		if (width[flex] < TEXT_COMMAND_MIN && full[flex] >= TEXT_COMMAND_MIN)
			width[flex] = TEXT_COMMAND_MIN;
	}
	for (j = 0; j < n; j++) {
		if (!width[j])
			continue;
		if (x)
			x++;
		if (x >= req->width) {
			width[j] = 0;
			continue;
		}
		if (width[j] > req->width - x)
			width[j] = req->width - x;
		x += width[j];
	}
	return true;
}

static void fill(struct buf *cells, const enum col_id *ids, size_t n,
		 const struct model *m, const struct row *r)
{
	size_t j;

	for (j = 0; j < n; j++) {
		buf_reset(&cells[j]);
		columns[ids[j]].cell(&cells[j], m, r);
	}
}

int view_text(const struct model *m, const struct view_request *req,
	      FILE *out)
{
	struct buf cells[COLUMNS_MAX], line;
	size_t width[COLUMNS_MAX], full[COLUMNS_MAX], i, j, n;
	const enum col_id *ids;
	bool cut;

	view_columns(req, &ids, &n);
	for (j = 0; j < n; j++) {
		buf_init(&cells[j]);
		full[j] = req->no_header ? 0
					  : columns_width(_(columns[ids[j]].header));
	}
	/* each column is as wide as its widest cell, so that every line
	 * lines up (the text is never cut for a pipe: scripts read it
	 * whole) */
	for (i = 0; i < m->nrows; i++) {
		fill(cells, ids, n, m, &m->rows[i]);
		for (j = 0; j < n; j++) {
			size_t w = columns_width(cells[j].p ? cells[j].p : "");

			if (w > full[j])
				full[j] = w;
		}
	}
	cut = fit(req, ids, n, full, width);
	if (!cut) {
		memcpy(width, full, n * sizeof(*width));
		if (n && !columns[ids[n - 1]].right)
			width[n - 1] = 0;	/* the last column is never padded */
	}
	buf_init(&line);
	if (!req->no_header) {
		for (j = 0; j < n; j++) {
			buf_reset(&cells[j]);
			buf_adds(&cells[j], _(columns[ids[j]].header));
		}
		if (cut)
			put_fitted(out, cells, ids, n, width, &line);
		else
			put_line(out, cells, ids, n, width);
	}
	for (i = 0; i < m->nrows; i++) {
		fill(cells, ids, n, m, &m->rows[i]);
		if (cut)
			put_fitted(out, cells, ids, n, width, &line);
		else
			put_line(out, cells, ids, n, width);
	}
	buf_release(&line);
	for (j = 0; j < n; j++)
		buf_release(&cells[j]);
	return 0;
}

void view_list_columns(FILE *out)
{
	size_t i;

	for (i = 0; i < COL__COUNT; i++)
		fprintf(out, "%-10s %s\n", columns[i].name, _(columns[i].desc));
}
