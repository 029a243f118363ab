/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable text buffer for the few places that build text to hand to
 * makedumpfile.c (--help) or to a generator (the man page). An allocation
 * failure is sticky: strbuf_finish then returns NULL. */
#ifndef MDF_STRBUF_H
#define MDF_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *p;
	size_t len, cap;
	bool failed; /* an allocation failed; the text is incomplete */
};

/* Appends n bytes of s. */
void strbuf_putn(struct strbuf *sb, const char *s, size_t n);

/* Appends a NUL-terminated string. */
void strbuf_puts(struct strbuf *sb, const char *s);

/* Appends one character. */
void strbuf_putc(struct strbuf *sb, char c);

/* Appends formatted text. */
void strbuf_putf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns the NUL-terminated text (the caller frees it), or NULL after an
 * allocation failure; the buffer is empty afterwards either way. */
char *strbuf_finish(struct strbuf *sb);

#endif
