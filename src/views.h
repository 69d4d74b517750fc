/* views.h - the non-interactive views of a model */
#ifndef PORTTOP_VIEWS_H
#define PORTTOP_VIEWS_H

#include <stdio.h>

#include "buf.h"
#include "cli.h"
#include "model.h"

/* Print the model as a plain-text table. Returns 0; write errors are left
 * in out's error flag for the caller. */
int view_text(const struct model *m, const struct options *opts, FILE *out);

/* Print the model as one JSON array of listener objects. */
int view_json(const struct model *m, const struct options *opts, FILE *out);

/* Append the escaped command line of p (args joined by spaces; "[comm]"
 * for a process without one). */
void view_command(struct buf *b, const struct proc_info *p);

/* The short protocol label of a row: tcp4, tcp6, tcp46 (dual-stack)... */
const char *view_proto(const struct row *r);

/* Translated text for why a row has no owner. */
const char *view_status_text(enum owner_status st);

#endif
