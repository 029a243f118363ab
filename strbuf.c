/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable text buffer (strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes and the NUL; false once an allocation failed. */
static bool strbuf_reserve(struct strbuf *sb, size_t n)
{
	if (sb->failed)
		return false;
	if (n > (size_t)-1 / 2 - sb->len) {
		sb->failed = true;
		return false;
	}
	if (sb->len + n + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + n + 1)
		cap *= 2;
	char *p = realloc(sb->p, cap);
	if (!p) {
		sb->failed = true;
		return false;
	}
	sb->p = p;
	sb->cap = cap;
	return true;
}

void strbuf_putn(struct strbuf *sb, const char *s, size_t n)
{
	if (!strbuf_reserve(sb, n))
		return;
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_putn(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_putn(sb, &c, 1);
}

void strbuf_putf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_reserve(sb, (size_t)n)) {
		sb->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *strbuf_finish(struct strbuf *sb)
{
	char *p = sb->failed ? NULL : sb->p;
	if (sb->failed)
		free(sb->p);
	else if (!p)
		p = calloc(1, 1);
	sb->p = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
	return p;
}
