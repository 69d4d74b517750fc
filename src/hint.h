/* hint.h - the lines that say why some owners are unknown, and the fix */
#ifndef PORTTOP_HINT_H
#define PORTTOP_HINT_H

#include <stdbool.h>

#include "buf.h"
#include "model.h"
#include "privs.h"

/* Into b (reset first), one line for the rows of m whose holders are
 * unknown or may be incomplete: how many, what failed (by errno) and the
 * remedy that fits pv. Returns false (b empty) when there is none. */
bool hint_owners(struct buf *b, const struct model *m,
		 const struct privs *pv);

/* Into b (reset first), a line saying that the pids shown mean nothing in
 * porttop's own pid namespace. Returns false when they do. */
bool hint_pidns(struct buf *b, const struct privs *pv);

#endif
