/* columns.h - the column table: names, headers, widths, cells, sorting */
#ifndef PORTTOP_COLUMNS_H
#define PORTTOP_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct model;
struct proc_info;
struct row;

enum col_id {
	COL_PROTO,
	COL_ADDRESS,
	COL_PORT,
	COL_SERVICE,
	COL_CLASS,
	COL_EXPOSURE,
	COL_QUEUE,
	COL_CONNS,
	COL_DROPS,
	COL_USER,
	COL_PID,
	COL_FD,
	COL_INODE,
	COL_UNIT,
	COL_NETNS,
	COL_COMMAND,
	COL__COUNT
};

/* Collectors a column needs beyond the listener dump and owner scan. */
#define COL_NEEDS_CONNS 0x1u

struct column {
	const char *name;	/* for -o; never translated */
	const char *header;	/* N_() */
	const char *desc;	/* N_(), for --list-columns */
	size_t max;		/* widest it gets in the live view; 0: no
				 * limit (the first such takes what is left) */
	bool right;		/* right-aligned (numbers) */
	unsigned needs;		/* COL_NEEDS_* */
	/* Append the cell's text, already escaped, to b. */
	void (*cell)(struct buf *b, const struct model *m, const struct row *r);
	/* Order two rows by this column. */
	int (*cmp)(const struct model *m, const struct row *a,
		   const struct row *b);
	/* On a terminal too narrow for every column, the highest rank is
	 * hidden first; 0: never hidden (the port, who holds it). */
	unsigned drop;
};

extern const struct column columns[COL__COUNT];

/* The default columns of the table, and their number. */
extern const enum col_id columns_default[];
extern const size_t columns_ndefault;

#define COLUMNS_MAX 32

/* Parse a comma-separated list of column names into ids (at most
 * COLUMNS_MAX). Returns the count, or -1 with *bad set to the offending
 * name's start in list. */
int columns_parse(const char *list, enum col_id *ids, const char **bad);

/* The column named name (length len), or NULL. */
const struct column *columns_find(const char *name, size_t len);

/* Display width of escaped (printable, valid UTF-8) text in a terminal. */
size_t columns_width(const char *s);

/* The text of the cells, for every view and the live view. */

/* The short protocol label of a row: tcp4, tcp6, tcp46 (dual-stack)...;
 * static. */
const char *columns_proto(const struct row *r);

/* Translated text for why row r has no owner ("" when it has one). */
const char *columns_status_text(const struct row *r);

/* The .socket unit that socket-activated row r was made for, or NULL
 * (not activated, or its own cgroup was systemd's init.scope or is
 * unknown); borrowed from the model. */
const char *columns_socket_unit(const struct row *r);

/* Append the escaped command line of p (args joined by spaces; "[comm]"
 * for a process without one). */
void columns_command(struct buf *b, const struct proc_info *p);

/* Fill order (m->nrows entries) with the indices of m's rows sorted by
 * column col (reversed if reverse; col out of range: as they are); ties
 * keep the rows' order, which model_build() leaves the default one
 * (model_row_cmp()). Each row's key is taken once, not per comparison. */
void columns_order(const struct model *m, enum col_id col, bool reverse,
		   uint32_t *order);

/* The width (as columns_width()) of the cell of row r in column col,
 * without writing the cell where it can; scratch is used where it
 * cannot. */
size_t columns_cell_width(struct buf *scratch, const struct model *m,
			  const struct row *r, enum col_id col);

/* Append the text a person sees in row r (every default column, and the
 * unit when it has one), for searching. */
void columns_row_text(struct buf *b, const struct model *m,
		      const struct row *r);

#endif
