/* views.h - the non-interactive views of a model */
#ifndef PORTTOP_VIEWS_H
#define PORTTOP_VIEWS_H

#include <stdio.h>

#include "buf.h"
#include "cli.h"
#include "columns.h"
#include "model.h"

/* Print the model as a plain-text table. Returns 0; write errors are left
 * in out's error flag for the caller. */
int view_text(const struct model *m, const struct options *opts, FILE *out);

/* Print the model as one JSON array of listener objects. */
int view_json(const struct model *m, const struct options *opts, FILE *out);

/* The columns the options ask for (or the default ones). */
void view_columns(const struct options *opts, const enum col_id **ids,
		  size_t *n);

/* Print every column's name and meaning (--list-columns). */
void view_list_columns(FILE *out);

/* Print a card for every row: everything known of the listener and each
 * holder (the answer to "who owns port N?"). */
int view_query(const struct model *m, const struct options *opts, FILE *out);

/* Append the card of row r (what view_query() prints for it) to out. */
void view_card(struct buf *out, const struct model *m, const struct row *r);

#endif
