/* buf.h - a growable byte buffer for building output lines */
#ifndef PORTTOP_BUF_H
#define PORTTOP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;	/* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Empty it, keeping the storage. */
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *s, size_t len);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
/* A decimal number, as printf's %llu and %lld would write it (without
 * printf's cost: tables format numbers for every row). */
void buf_addu(struct buf *b, unsigned long long v);
void buf_addi(struct buf *b, long long v);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
