/* xalloc.h - allocation that cannot fail: on exhaustion it aborts */
#ifndef PORTTOP_XALLOC_H
#define PORTTOP_XALLOC_H

#include <stddef.h>

/* Like malloc/calloc/realloc/strdup, but abort with a message on failure. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grow an array of n elements to at least want elements; returns the array. */
void *xgrow(void *p, size_t *cap, size_t want, size_t size);
char *xstrdup(const char *s);
char *xmemdup(const void *s, size_t len);

#endif
