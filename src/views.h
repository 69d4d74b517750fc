/* views.h - the non-interactive views of a model */
#ifndef PORTTOP_VIEWS_H
#define PORTTOP_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "columns.h"
#include "model.h"
#include "why.h"

/* How to print a model: main.c fills it from the command line. */
struct view_request {
	const enum col_id *columns;	/* in order; ncolumns 0: the default */
	size_t ncolumns;
	bool no_header;		/* the text table without its header line */
	bool json_lines;	/* each JSON document on one line (-n) */
	unsigned collect;	/* COLLECT_* (sock.h) that were dumped: a
				 * protocol that was not has no count */
	size_t width;		/* the text table and the cards fit in so
				 * many cells (a terminal); 0: whole lines */
};

/* The width the text table must fit in when written to fd: 0 unless fd is
 * a terminal; then COLUMNS when it is a number, else the terminal's. */
size_t view_text_width(int fd);

/* Print the model as a plain-text table. Returns 0; write errors are left
 * in out's error flag for the caller. */
int view_text(const struct model *m, const struct view_request *req,
	      FILE *out);

/* Print the model as one JSON array of listener objects; with
 * req->json_lines, on one line (JSON lines). */
int view_json(const struct model *m, const struct view_request *req,
	      FILE *out);

/* Append the JSON object of row r (an element of view_json()'s array), and
 * the array of its owners alone. */
void view_json_listener(struct buf *b, const struct model *m,
			const struct row *r);
void view_json_owners(struct buf *b, const struct model *m,
		      const struct row *r);

/* Print the model in the Prometheus text exposition format (the metrics
 * are documented in porttop(1)). */
int view_prom(const struct model *m, const struct view_request *req,
	      FILE *out);

/* The columns req asks for (or the default ones). */
void view_columns(const struct view_request *req, const enum col_id **ids,
		  size_t *n);

/* Print every column's name and meaning (--list-columns). */
void view_list_columns(FILE *out);

/* Print a card for every row: everything known of the listener and each
 * holder (the answer to "who owns port N?"). */
int view_query(const struct model *m, const struct view_request *req,
	       FILE *out);

/* Append the card of row r (what view_query() prints for it) to out:
 * whole lines, or with view_card_fit(), every line fitted to width cells
 * (long values folded, view_fold.h; 0: whole lines). */
void view_card(struct buf *out, const struct model *m, const struct row *r);
void view_card_fit(struct buf *out, const struct model *m,
		   const struct row *r, size_t width);

/* Append the card's lines for the holders of row r, as view_card_fit()
 * prints them for width: each process once with its fds, name, user,
 * command, start, unit and container; or why none is known; and, when
 * some processes could not be read, that more may exist. */
void view_card_holders(struct buf *out, const struct model *m,
		       const struct row *r, size_t width);

/* Append holder h as a JSON object, as in --json's "owners". */
void view_json_owner(struct buf *b, const struct model *m,
		     const struct holder *h);

/* What --why found, for its views (view_why.c). */
struct why_report {
	const struct model *m;		/* every socket on the port */
	const struct why *why;
	const struct why_target *target;
	const struct why_facts *facts;
	bool tried;			/* --try made a test bind */
	int try_err;			/* its answer: 0 or -errno */
	size_t width;			/* the text fits in so many cells (a
					 * terminal); 0: as for a pipe */
};

/* Append the diagnosis as text: a verdict line, then every reason with
 * its socket, holders and explanation, then the --try answer. */
void view_why_text(struct buf *out, const struct why_report *r);

/* Print the diagnosis as text (view_why_text()) or as one JSON document
 * (the schema is in porttop(1)). Returns 0; write errors are left in
 * out's error flag. */
int view_why(const struct why_report *r, FILE *out);
int view_why_json(const struct why_report *r, FILE *out);

#endif
