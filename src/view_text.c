/* view_text.c - the plain-text table */
#include "config.h"
#include "views.h"

#include <stdio.h>

#include "columns.h"
#include "nls.h"

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
	struct buf cells[COLUMNS_MAX];
	size_t width[COLUMNS_MAX], i, j, n;
	const enum col_id *ids;

	view_columns(req, &ids, &n);
	for (j = 0; j < n; j++) {
		buf_init(&cells[j]);
		width[j] = req->no_header ? 0
					   : columns_width(_(columns[ids[j]].header));
	}
	/* each column is as wide as its widest cell, so that every line
	 * lines up (the text is never cut: scripts read it whole) */
	for (i = 0; i < m->nrows; i++) {
		fill(cells, ids, n, m, &m->rows[i]);
		for (j = 0; j < n; j++) {
			size_t w = columns_width(cells[j].p ? cells[j].p : "");

			if (j == n - 1 && !columns[ids[j]].right)
				w = 0;	/* the last column is never padded */
			if (w > width[j])
				width[j] = w;
		}
	}
	if (!req->no_header) {
		for (j = 0; j < n; j++) {
			buf_reset(&cells[j]);
			buf_adds(&cells[j], _(columns[ids[j]].header));
		}
		put_line(out, cells, ids, n, width);
	}
	for (i = 0; i < m->nrows; i++) {
		fill(cells, ids, n, m, &m->rows[i]);
		put_line(out, cells, ids, n, width);
	}
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
