/* tui_note.c - the note of the live view's status line */
#include "config.h"
#include "tui_priv.h"

#include <stdarg.h>
#include <stdio.h>

#include "clock.h"
#include "escape.h"

void tui_note(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_until = clock_now() + 3.0;
}

void tui_escape_into(struct tui *t, char *out, size_t size, const char *s,
		     size_t len)
{
	buf_reset(&t->scratch);
	escape_text(&t->scratch, s, len);
	snprintf(out, size, "%s", t->scratch.p ? t->scratch.p : "");
}
