/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parser of the makedumpfile.conf language (erase_conf.h, REFERENCE.md
 * 10.1). Line-oriented: each command starts on a new line; a line is split
 * into whitespace-separated words, and a '#' outside a word's start begins
 * a comment. Every allocation is bounded by the EC_MAX_* limits. */
#include "erase_conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EC_MAX_WORDS = 16 };

/* One word of a line and where it starts (1-based column). */
struct ec_word {
	const char *s;
	size_t len;
	unsigned int col;
};

struct ec_parser {
	const char *path;
	struct erase_config *cfg;
	size_t cur;                  /* section receiving commands, + 1 (0 = none yet) */
	/* the open for loops, outermost first; each is the last command of
	 * its parent's list, which grows only after the loop is closed */
	struct ec_loop *loops[EC_MAX_DEPTH];
	size_t depth;
	size_t nr_commands;
	unsigned int line;
	struct mdf_error *err;
};

static struct mdf_error *ec_fail(struct ec_parser *p, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records the first error as "PATH:LINE:COL: message". */
static struct mdf_error *ec_fail(struct ec_parser *p, unsigned int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->err)
		p->err = mdf_error_create(MDF_ERR_INVALID, "%s:%u:%u: %s", p->path, p->line,
					  col ? col : 1, msg);
	return p->err;
}

static char *ec_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Grows an array of elem-sized items by one; false on failure. */
static bool ec_grow(void **arr, size_t *n, size_t elem)
{
	void *a = realloc(*arr, (*n + 1) * elem);
	if (!a)
		return false;
	memset((char *)a + *n * elem, 0, elem);
	*arr = a;
	(*n)++;
	return true;
}

static bool ec_is_ident(const char *s, size_t len)
{
	if (len == 0 || len > EC_MAX_NAME || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static bool ec_word_is(const struct ec_word *w, const char *kw)
{
	return w->len == strlen(kw) && memcmp(w->s, kw, w->len) == 0;
}

/* Printable form of a word for messages (truncated, non-printables as '?'). */
static const char *ec_show(const struct ec_word *w, char *buf, size_t size)
{
	size_t n = w->len < size - 4 ? w->len : size - 4;
	for (size_t i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)w->s[i]) ? w->s[i] : '?';
	strcpy(buf + n, n < w->len ? "..." : "");
	return buf;
}

/* Splits a line into words; '#' at a word's start ends the line. */
static struct mdf_error *ec_split(struct ec_parser *p, const char *line, size_t len,
				  struct ec_word *words, size_t *nr_ret)
{
	size_t n = 0, i = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
		       line[i] != '#')
			i++;
		if (n == EC_MAX_WORDS)
			return ec_fail(p, (unsigned int)start + 1, "too many words on one line");
		words[n++] = (struct ec_word){line + start, i - start, (unsigned int)start + 1};
	}
	*nr_ret = n;
	return NULL;
}

/* Parses SYMBOL[.member...] into e. */
static struct mdf_error *ec_parse_expr(struct ec_parser *p, const struct ec_word *w,
				       struct ec_expr *e)
{
	char show[64];
	e->line = p->line;
	e->col = w->col;
	e->text = ec_strndup(w->s, w->len);
	if (!e->text)
		return p->err = mdf_error_nomem();
	size_t start = 0;
	for (size_t i = 0; i <= w->len; i++) {
		if (i < w->len && w->s[i] != '.')
			continue;
		unsigned int col = w->col + (unsigned int)start;
		if (!ec_is_ident(w->s + start, i - start))
			return ec_fail(p, col, "'%s' is not a symbol or member expression "
				       "(SYMBOL[.member...])", ec_show(w, show, sizeof(show)));
		if (e->nr_parts == EC_MAX_PARTS)
			return ec_fail(p, col, "more than %d names in one expression",
				       EC_MAX_PARTS);
		if (!ec_grow((void **)&e->parts, &e->nr_parts, sizeof(char *)) ||
		    !(e->parts[e->nr_parts - 1] = ec_strndup(w->s + start, i - start)))
			return p->err = mdf_error_nomem();
		start = i + 1;
	}
	return NULL;
}

/* N[K|M], decimal or 0x-hex, 1..EC_MAX_SIZE. */
static bool ec_parse_size(const struct ec_word *w, uint64_t *ret)
{
	size_t len = w->len, i = 0;
	uint64_t v = 0, shift = 0;
	char last = len ? (char)toupper((unsigned char)w->s[len - 1]) : 0;
	if (last == 'K' || last == 'M') {
		shift = last == 'K' ? 10 : 20;
		len--;
	}
	bool hex = len > 2 && w->s[0] == '0' && (w->s[1] == 'x' || w->s[1] == 'X');
	if (hex)
		i = 2;
	if (i >= len)
		return false;
	for (; i < len; i++) {
		int c = (unsigned char)w->s[i];
		int d = isdigit(c) ? c - '0' : hex && isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
		if (d < 0)
			return false;
		v = v * (hex ? 16 : 10) + (uint64_t)d;
		if (v > EC_MAX_SIZE)
			return false;
	}
	v <<= shift;
	if (v == 0 || v > EC_MAX_SIZE)
		return false;
	*ret = v;
	return true;
}

/* The optional guard at the end of a command: if EXPR ==|!= &SYMBOL,
 * looked for from word `from` on. *n is cut to the words before it. */
static struct mdf_error *ec_parse_guard(struct ec_parser *p, const struct ec_word *w, size_t *n,
					size_t from, struct ec_guard *g)
{
	size_t i = from;
	while (i < *n && !ec_word_is(&w[i], "if"))
		i++;
	if (i >= *n)
		return NULL;
	if (*n - i != 4 || !(ec_word_is(&w[i + 2], "==") || ec_word_is(&w[i + 2], "!=")) ||
	    w[i + 3].s[0] != '&')
		return ec_fail(p, w[i].col, "expected 'if EXPR == &SYMBOL' or 'if EXPR != &SYMBOL'");
	if (!ec_is_ident(w[i + 3].s + 1, w[i + 3].len - 1))
		return ec_fail(p, w[i + 3].col + 1, "expected a symbol after '&'");
	g->has = true;
	g->neq = ec_word_is(&w[i + 2], "!=");
	g->col = w[i + 3].col;
	if (!(g->sym = ec_strndup(w[i + 3].s + 1, w[i + 3].len - 1)))
		return p->err = mdf_error_nomem();
	*n = i;
	return ec_parse_expr(p, &w[i + 1], &g->expr);
}

/* erase EXPR [size N | size EXPR | nullify] [if EXPR ==|!= &SYMBOL] */
static struct mdf_error *ec_parse_erase(struct ec_parser *p, const struct ec_word *w, size_t n,
					struct ec_erase *e)
{
	char show[64];
	e->line = p->line;
	if (ec_parse_guard(p, w, &n, 2, &e->guard))
		return p->err;
	if (n < 2)
		return ec_fail(p, w[0].col + (unsigned int)w[0].len,
			       "erase needs a symbol (erase SYMBOL[.member...])");
	if (ec_parse_expr(p, &w[1], &e->target))
		return p->err;
	e->size_kind = EC_SIZE_TYPE;
	if (n == 2)
		return NULL;
	if (ec_word_is(&w[2], "nullify")) {
		e->size_kind = EC_SIZE_NULLIFY;
		if (n > 3)
			return ec_fail(p, w[3].col, "unexpected '%s' after nullify",
				       ec_show(&w[3], show, sizeof(show)));
		return NULL;
	}
	if (!ec_word_is(&w[2], "size"))
		return ec_fail(p, w[2].col, "expected 'size' or 'nullify', got '%s'",
			       ec_show(&w[2], show, sizeof(show)));
	if (n < 4)
		return ec_fail(p, w[2].col + 4, "size needs a value (N[K|M] or SYMBOL[.member...])");
	if (n > 4)
		return ec_fail(p, w[4].col, "unexpected '%s' after the size",
			       ec_show(&w[4], show, sizeof(show)));
	if (isdigit((unsigned char)w[3].s[0])) {
		e->size_kind = EC_SIZE_NUM;
		if (!ec_parse_size(&w[3], &e->size))
			return ec_fail(p, w[3].col, "bad size '%s' (a number from 1 to %d, "
				       "optionally with K or M)", ec_show(&w[3], show, sizeof(show)),
				       EC_MAX_SIZE);
		return NULL;
	}
	e->size_kind = EC_SIZE_EXPR;
	return ec_parse_expr(p, &w[3], &e->size_expr);
}

/* The optional `count EXPR` of an array loop (ours), from word 4 on; *n
 * is cut to the words before it. */
static struct mdf_error *ec_parse_count(struct ec_parser *p, const struct ec_word *w, size_t *n,
					struct ec_loop *l)
{
	size_t i = 4;
	while (i < *n && !ec_word_is(&w[i], "count"))
		i++;
	if (i >= *n)
		return NULL;
	if (i != 4 || *n != 6)
		return ec_fail(p, w[i].col, "count goes right after the list: 'for ID in POINTER "
			       "count EXPR'");
	l->has_count = true;
	*n = i;
	return ec_parse_expr(p, &w[i + 1], &l->count);
}

/* for ID in EXPR [via MEMBER | within STRUCT:MEMBER | rbtree STRUCT:MEMBER |
 * as STRUCT[:MEMBER] | count EXPR] [if EXPR ==|!= &SYMBOL] */
static struct mdf_error *ec_parse_for(struct ec_parser *p, const struct ec_word *w, size_t n,
				      struct ec_loop *l)
{
	char show[64];
	l->line = p->line;
	if (ec_parse_guard(p, w, &n, 4, &l->guard) ||
	    ec_parse_count(p, w, &n, l))
		return p->err;
	if (n < 2 || !ec_is_ident(w[1].s, w[1].len))
		return ec_fail(p, n < 2 ? w[0].col + 3 : w[1].col,
			       "for needs an iteration name (for ID in ...)");
	if (!(l->id = ec_strndup(w[1].s, w[1].len)))
		return p->err = mdf_error_nomem();
	if (n < 3 || !ec_word_is(&w[2], "in"))
		return ec_fail(p, n < 3 ? w[1].col + (unsigned int)w[1].len : w[2].col,
			       "expected 'in' after the iteration name");
	if (n < 4)
		return ec_fail(p, w[2].col + 2, "for ... in needs a list (ARRAY, STRUCT via "
			       "MEMBER or LIST_HEAD within STRUCT:MEMBER)");
	if (ec_parse_expr(p, &w[3], &l->list))
		return p->err;
	l->kind = EC_LOOP_ARRAY;
	if (n == 4)
		return NULL;
	if (n > 6)
		return ec_fail(p, w[6].col, "unexpected '%s'", ec_show(&w[6], show, sizeof(show)));
	l->kind_col = n > 5 ? w[5].col : w[4].col;
	if (ec_word_is(&w[4], "via")) {
		l->kind = EC_LOOP_VIA;
		if (n < 6 || !ec_is_ident(w[5].s, w[5].len))
			return ec_fail(p, n < 6 ? w[4].col + 3 : w[5].col,
				       "via needs a member name");
		return (l->via = ec_strndup(w[5].s, w[5].len)) ? NULL : (p->err = mdf_error_nomem());
	}
	bool rb = ec_word_is(&w[4], "rbtree"), as = ec_word_is(&w[4], "as");
	if (!ec_word_is(&w[4], "within") && !rb && !as)
		return ec_fail(p, w[4].col, "expected 'via', 'within', 'rbtree' or 'as', got '%s'",
			       ec_show(&w[4], show, sizeof(show)));
	l->kind = as ? EC_LOOP_AS : rb ? EC_LOOP_RBTREE : EC_LOOP_WITHIN;
	if (n < 6)
		return ec_fail(p, w[4].col + (unsigned int)w[4].len, "%s needs STRUCT%s",
			       as ? "as" : rb ? "rbtree" : "within",
			       as ? " or STRUCT:MEMBER" : ":MEMBER");
	const char *colon = memchr(w[5].s, ':', w[5].len);
	if (!colon && !as)
		return ec_fail(p, w[5].col, "%s needs STRUCT:MEMBER", rb ? "rbtree" : "within");
	size_t slen = colon ? (size_t)(colon - w[5].s) : w[5].len;
	if (!ec_is_ident(w[5].s, slen))
		return ec_fail(p, w[5].col, "'%s' is not a struct name",
			       ec_show(&w[5], show, sizeof(show)));
	if (!(l->within_struct = ec_strndup(w[5].s, slen)))
		return p->err = mdf_error_nomem();
	if (!colon)
		return NULL;
	struct ec_word m = {colon + 1, w[5].len - slen - 1, w[5].col + (unsigned int)slen + 1};
	return ec_parse_expr(p, &m, &l->within_member);
}

/* Makes sure there is a section to add to: the implicit [vmlinux]. */
static struct ec_section *ec_section(struct ec_parser *p)
{
	struct erase_config *c = p->cfg;
	if (!p->cur) {
		if (!ec_grow((void **)&c->sections, &c->nr_sections, sizeof(*c->sections)) ||
		    !(c->sections[c->nr_sections - 1].name = strdup("vmlinux"))) {
			p->err = mdf_error_nomem();
			return NULL;
		}
		p->cur = c->nr_sections;
	}
	return &c->sections[p->cur - 1];
}

/* [NAME] or [NAME+NAME...]: module names use '_' for '-', as the kernel
 * stores them. */
static struct mdf_error *ec_parse_section(struct ec_parser *p, const char *line, size_t len,
					  unsigned int col)
{
	const char *close = memchr(line, ']', len);
	if (!close)
		return ec_fail(p, col, "section header without ']'");
	size_t nlen = (size_t)(close - line) - 1;
	const char *name = line + 1;
	if (nlen == 0 || nlen > EC_MAX_NAME)
		return ec_fail(p, col + 1, "empty or overlong section name");
	for (size_t i = 0; i < nlen; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-' &&
		    name[i] != '+')
			return ec_fail(p, col + 1 + (unsigned int)i,
				       "bad character in section name (no spaces inside [ ])");
		/* [MOD1+MOD2] (ours): several modules' symbols and types */
		if (name[i] == '+' && (i == 0 || i + 1 == nlen || name[i + 1] == '+'))
			return ec_fail(p, col + 1 + (unsigned int)i, "empty module name in a "
				       "[MOD1+MOD2] section");
	}
	for (const char *q = close + 1; q < line + len; q++) {
		if (*q == '#')
			break;
		if (*q != ' ' && *q != '\t' && *q != '\r')
			return ec_fail(p, col + (unsigned int)(q - line),
				       "unexpected text after the section header");
	}
	if (p->depth)
		return ec_fail(p, col, "section header inside a for loop (missing endfor for "
			       "the loop of line %u)", p->loops[p->depth - 1]->line);
	struct erase_config *c = p->cfg;
	if (!ec_grow((void **)&c->sections, &c->nr_sections, sizeof(*c->sections)))
		return p->err = mdf_error_nomem();
	struct ec_section *s = &c->sections[c->nr_sections - 1];
	if (!(s->name = ec_strndup(name, nlen)))
		return p->err = mdf_error_nomem();
	for (char *q = s->name; *q; q++)
		if (*q == '-')
			*q = '_';
	s->line = p->line;
	p->cur = c->nr_sections;
	return NULL;
}

/* A new command in the innermost open loop, or in the section. */
static struct mdf_error *ec_add_command(struct ec_parser *p, struct ec_command **cmd_ret)
{
	struct ec_section *s = ec_section(p);
	if (!s)
		return p->err;
	if (p->nr_commands++ >= EC_MAX_COMMANDS)
		return ec_fail(p, 1, "more than %d commands", EC_MAX_COMMANDS);
	struct ec_command **arr = &s->cmds;
	size_t *n = &s->nr_cmds;
	if (p->depth) {
		arr = &p->loops[p->depth - 1]->body;
		n = &p->loops[p->depth - 1]->nr_body;
	}
	if (!ec_grow((void **)arr, n, sizeof(**arr)))
		return p->err = mdf_error_nomem();
	*cmd_ret = &(*arr)[*n - 1];
	return NULL;
}

/* One line of commands (comments and hints already handled). */
static struct mdf_error *ec_parse_words(struct ec_parser *p, const struct ec_word *w, size_t n)
{
	char show[64];
	struct ec_command *cmd;
	if (ec_word_is(&w[0], "erase")) {
		if (ec_add_command(p, &cmd))
			return p->err;
		return ec_parse_erase(p, w, n, &cmd->erase);
	}
	if (ec_word_is(&w[0], "for")) {
		if (p->depth == EC_MAX_DEPTH)
			return ec_fail(p, w[0].col, "for loops nested more than %d deep (the loop "
				       "of line %u has no endfor yet)", EC_MAX_DEPTH,
				       p->loops[p->depth - 1]->line);
		if (ec_add_command(p, &cmd))
			return p->err;
		cmd->is_loop = true;
		p->loops[p->depth++] = &cmd->loop;
		return ec_parse_for(p, w, n, &cmd->loop);
	}
	if (ec_word_is(&w[0], "endfor")) {
		if (!p->depth)
			return ec_fail(p, w[0].col, "endfor without for");
		if (n > 1)
			return ec_fail(p, w[1].col, "unexpected '%s' after endfor",
				       ec_show(&w[1], show, sizeof(show)));
		p->depth--;
		return NULL;
	}
	return ec_fail(p, w[0].col, "unknown command '%s' (expected erase, for or endfor)",
		       ec_show(&w[0], show, sizeof(show)));
}

/* The names of a `{ a b c }` member list (commas allowed between names). */
static struct mdf_error *ec_hint_members(struct ec_parser *p, const char **sp, const char *end,
					 unsigned int col0, const char *line,
					 struct ec_hint *h)
{
	const char *s = *sp + 1; /* past '{' */
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
			s++;
		if (s >= end)
			return ec_fail(p, col0 + (unsigned int)(s - line), "missing '}'");
		if (*s == '}')
			break;
		const char *b = s;
		while (s < end && (isalnum((unsigned char)*s) || *s == '_'))
			s++;
		if (!ec_is_ident(b, (size_t)(s - b)))
			return ec_fail(p, col0 + (unsigned int)(b - line), "expected a member name");
		if (h->nr_members == EC_MAX_HINT_MEMBERS)
			return ec_fail(p, col0 + (unsigned int)(b - line), "too many members");
		if (!ec_grow((void **)&h->members, &h->nr_members, sizeof(char *)) ||
		    !(h->members[h->nr_members - 1] = ec_strndup(b, (size_t)(s - b))))
			return p->err = mdf_error_nomem();
	}
	if (h->nr_members == 0)
		return ec_fail(p, col0 + (unsigned int)(s - line), "empty member list");
	*sp = s + 1;
	return NULL;
}

/* The base of a hint's TYPE: struct/union NAME or { members }, or words. */
static struct mdf_error *ec_hint_base(struct ec_parser *p, const char **sp, const char *end,
				      unsigned int col0, const char *line, struct ec_hint *h)
{
	const char *s = *sp;
	bool su = false;
	for (int k = 0; k < 2 && !su; k++) {
		const char *kw = k ? "union" : "struct";
		size_t kl = strlen(kw);
		if ((size_t)(end - s) > kl && memcmp(s, kw, kl) == 0 &&
		    (s[kl] == ' ' || s[kl] == '\t' || s[kl] == '{')) {
			su = true;
			h->base = k ? EC_HINT_UNION : EC_HINT_STRUCT;
			s += kl;
		}
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (su && s < end && *s == '{') {
		h->base = h->base == EC_HINT_UNION ? EC_HINT_ANON_UNION : EC_HINT_ANON_STRUCT;
		*sp = s;
		return ec_hint_members(p, sp, end, col0, line, h);
	}
	const char *b = s;
	/* A name of one or more words ("unsigned long"); only one after struct. */
	while (s < end && *s != '*' && *s != '[') {
		const char *wb = s;
		while (s < end && (isalnum((unsigned char)*s) || *s == '_'))
			s++;
		if (!ec_is_ident(wb, (size_t)(s - wb)))
			return ec_fail(p, col0 + (unsigned int)(wb - line), "expected a type name");
		const char *we = s;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (su || s >= end || *s == '*' || *s == '[') {
			s = we;
			break;
		}
	}
	if (s == b || (!su && ((s - b == 6 && !memcmp(b, "struct", 6)) ||
			       (s - b == 5 && !memcmp(b, "union", 5)))))
		return ec_fail(p, col0 + (unsigned int)(s - line), "expected a type");
	if (!su)
		h->base = EC_HINT_NAMED;
	if (!(h->name = ec_strndup(b, (size_t)(s - b))))
		return p->err = mdf_error_nomem();
	*sp = s;
	return NULL;
}

/* #@type SYMBOL TYPE (line points at '#', len up to the line's end). */
static struct mdf_error *ec_parse_hint(struct ec_parser *p, const char *line, size_t len,
				       unsigned int col0)
{
	const char *end = line + len, *s = line + 6; /* past "#@type" */
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	struct ec_section *sec = ec_section(p);
	if (!sec)
		return p->err;
	if (!ec_grow((void **)&sec->hints, &sec->nr_hints, sizeof(*sec->hints)))
		return p->err = mdf_error_nomem();
	struct ec_hint *h = &sec->hints[sec->nr_hints - 1];
	h->line = p->line;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	const char *b = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	h->col = col0 + (unsigned int)(b - line);
	const char *dot = memchr(b, '.', (size_t)(s - b));
	size_t slen = dot ? (size_t)(dot - b) : (size_t)(s - b);
	if (!ec_is_ident(b, slen) || (dot && !ec_is_ident(dot + 1, (size_t)(s - dot - 1))))
		return ec_fail(p, h->col, "#@type needs a symbol (or STRUCT.MEMBER), then a type");
	if (!(h->symbol = ec_strndup(b, slen)) ||
	    (dot && !(h->member = ec_strndup(dot + 1, (size_t)(s - dot - 1)))))
		return p->err = mdf_error_nomem();
	for (size_t i = 0; i + 1 < sec->nr_hints; i++) {
		const struct ec_hint *o = &sec->hints[i];
		if (strcmp(o->symbol, h->symbol) == 0 && !o->member == !h->member &&
		    (!h->member || strcmp(o->member, h->member) == 0))
			return ec_fail(p, h->col, "a second #@type for %s%s%s (first on line %u)",
				       h->symbol, h->member ? "." : "", h->member ? h->member : "",
				       o->line);
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (!(h->text = ec_strndup(s, (size_t)(end - s))))
		return p->err = mdf_error_nomem();
	if (ec_hint_base(p, &s, end, col0, line, h))
		return p->err;
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s >= end || *s != '*')
			break;
		if (++h->pointers > 8)
			return ec_fail(p, col0 + (unsigned int)(s - line), "too many '*'");
		s++;
	}
	if (s < end && *s == '[') {
		const char *nb = ++s;
		uint64_t v = 0;
		while (s < end && isdigit((unsigned char)*s)) {
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > EC_MAX_SIZE)
				return ec_fail(p, col0 + (unsigned int)(nb - line), "array too long");
			s++;
		}
		if (s >= end || *s != ']')
			return ec_fail(p, col0 + (unsigned int)(s - line), "expected ']'");
		h->array = true;
		h->array_len_known = s > nb;
		h->array_len = v;
		s++;
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < end)
		return ec_fail(p, col0 + (unsigned int)(s - line), "unexpected text in #@type");
	return NULL;
}

/* One physical line (without its newline). */
static struct mdf_error *ec_parse_line(struct ec_parser *p, const char *line, size_t len)
{
	size_t i = 0;
	for (size_t k = 0; k < len; k++)
		if (line[k] == '\0')
			return ec_fail(p, (unsigned int)k + 1, "NUL byte in the config");
	if (len > EC_MAX_LINE)
		return ec_fail(p, EC_MAX_LINE, "line longer than %d bytes", EC_MAX_LINE);
	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i >= len)
		return NULL;
	if (len - i >= 7 && memcmp(line + i, "#@type", 6) == 0 &&
	    (line[i + 6] == ' ' || line[i + 6] == '\t'))
		return ec_parse_hint(p, line + i, len - i, (unsigned int)i + 1);
	if (line[i] == '#')
		return NULL;
	if (line[i] == '[')
		return ec_parse_section(p, line + i, len - i, (unsigned int)i + 1);
	struct ec_word w[EC_MAX_WORDS];
	size_t n = 0;
	if (ec_split(p, line, len, w, &n))
		return p->err;
	return n ? ec_parse_words(p, w, n) : NULL;
}

struct mdf_error *erase_conf_parse(const char *path, const char *text, size_t len,
				   struct erase_config **ret)
{
	if (len > EC_MAX_FILE)
		return mdf_error_create(MDF_ERR_INVALID, "%s: larger than %d bytes", path,
					EC_MAX_FILE);
	struct erase_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg || !(cfg->path = strdup(path))) {
		free(cfg);
		return mdf_error_nomem();
	}
	struct ec_parser p = {.path = path, .cfg = cfg};
	size_t pos = 0;
	while (pos < len && !p.err) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		p.line++;
		ec_parse_line(&p, text + pos, l);
		pos += l + 1;
	}
	if (!p.err && p.depth) {
		p.line = p.loops[p.depth - 1]->line;
		ec_fail(&p, 1, "for without endfor");
	}
	if (p.err) {
		erase_conf_destroy(cfg);
		return p.err;
	}
	*ret = cfg;
	return NULL;
}

struct mdf_error *erase_conf_load(const char *path, struct erase_config **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mdf_error_os(errno, "cannot open the filter config %s", path);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return mdf_error_os(e, "cannot stat %s", path);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > EC_MAX_FILE) {
		close(fd);
		return mdf_error_create(MDF_ERR_INVALID, "%s: not a regular file of at most %d "
					"bytes", path, EC_MAX_FILE);
	}
	size_t size = (size_t)st.st_size, got = 0;
	char *buf = malloc(size + 1);
	if (!buf) {
		close(fd);
		return mdf_error_nomem();
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			free(buf);
			close(fd);
			return mdf_error_os(e, "reading %s", path);
		}
		got += (size_t)n;
	}
	close(fd);
	struct mdf_error *err = erase_conf_parse(path, buf, size, ret);
	free(buf);
	return err;
}

static void ec_expr_free(struct ec_expr *e)
{
	for (size_t i = 0; i < e->nr_parts; i++)
		free(e->parts[i]);
	free(e->parts);
	free(e->text);
}

static void ec_guard_free(struct ec_guard *g)
{
	ec_expr_free(&g->expr);
	free(g->sym);
}

static void ec_erase_free(struct ec_erase *e)
{
	ec_expr_free(&e->target);
	ec_expr_free(&e->size_expr);
	ec_guard_free(&e->guard);
}

/* Frees commands (loops nest at most EC_MAX_DEPTH deep). */
static void ec_commands_free(struct ec_command *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ec_command *c = &cmds[i];
		if (!c->is_loop) {
			ec_erase_free(&c->erase);
			continue;
		}
		free(c->loop.id);
		free(c->loop.via);
		free(c->loop.within_struct);
		ec_expr_free(&c->loop.list);
		ec_expr_free(&c->loop.within_member);
		ec_expr_free(&c->loop.count);
		ec_guard_free(&c->loop.guard);
		ec_commands_free(c->loop.body, c->loop.nr_body);
	}
	free(cmds);
}

void erase_conf_destroy(struct erase_config *cfg)
{
	if (!cfg)
		return;
	for (size_t s = 0; s < cfg->nr_sections; s++) {
		struct ec_section *sec = &cfg->sections[s];
		ec_commands_free(sec->cmds, sec->nr_cmds);
		for (size_t i = 0; i < sec->nr_hints; i++) {
			struct ec_hint *h = &sec->hints[i];
			free(h->symbol);
			free(h->member);
			free(h->name);
			free(h->text);
			for (size_t j = 0; j < h->nr_members; j++)
				free(h->members[j]);
			free(h->members);
		}
		free(sec->hints);
		free(sec->name);
	}
	free(cfg->sections);
	free(cfg->path);
	free(cfg);
}

const struct ec_hint *erase_conf_hint(const struct ec_section *sec, const char *symbol)
{
	for (size_t i = 0; i < sec->nr_hints; i++)
		if (!sec->hints[i].member && strcmp(sec->hints[i].symbol, symbol) == 0)
			return &sec->hints[i];
	return NULL;
}

const struct ec_hint *erase_conf_member_hint(const struct ec_section *sec, const char *agg,
					     const char *member)
{
	for (size_t i = 0; i < sec->nr_hints; i++) {
		const struct ec_hint *h = &sec->hints[i];
		if (h->member && strcmp(h->symbol, agg) == 0 && strcmp(h->member, member) == 0)
			return h;
	}
	return NULL;
}
