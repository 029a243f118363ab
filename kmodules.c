/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loaded modules of the dumped kernel (kmodules.h). Layout facts: struct
 * module's list/name/kallsyms and struct mod_kallsyms (kernel/module/
 * internal.h, 4.5+ "modules: fix longstanding /proc/kallsyms vs module
 * insertion race" moved symtab into mod_kallsyms); struct btf_module and
 * struct btf in kernel/bpf/btf.c (5.11, "bpf: Load and verify kernel module
 * BTFs"): the module's BTF lives only in btf->data, a kvmalloc'ed copy,
 * since module->btf_data is cleared after init. Offsets come from vmlinux's
 * own type information. */
#include "kmodules.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	KMOD_SYM_SIZE = 24,     /* Elf64_Sym */
	KMOD_SYM_BATCH = 1024,  /* entries read at a time */
	KMOD_STR_WINDOW = 64 << 10,
};

static struct mdf_error *km_read(const struct kmod_reader *rd, uint64_t va, void *buf,
				 size_t len)
{
	return rd->read(rd->arg, va, buf, len);
}

static struct mdf_error *km_u64(const struct kmod_reader *rd, uint64_t va, uint64_t *ret)
{
	uint8_t b[8];
	struct mdf_error *err = km_read(rd, va, b, 8);
	*ret = 0;
	for (int i = 0; !err && i < 8; i++)
		*ret |= (uint64_t)b[i] << (8 * i); /* little-endian dumps (every architecture we translate) */
	return err;
}

static struct mdf_error *km_uint(const struct kmod_reader *rd, uint64_t va, uint32_t size,
				 uint64_t *ret)
{
	if (size == 8)
		return km_u64(rd, va, ret);
	uint8_t b[4];
	struct mdf_error *err = km_read(rd, va, b, 4);
	*ret = err ? 0 : (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
				 (uint64_t)b[3] << 24;
	return err;
}

/* Module names match with '-' and '_' as one character (the kernel turns
 * dashes of file names into underscores). */
static bool km_name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

/* Reads a NUL-terminated name of at most max - 1 bytes from an array. */
static struct mdf_error *km_name(const struct kmod_reader *rd, uint64_t va, uint32_t len,
				 char *buf, size_t max)
{
	size_t n = len < max ? len : max - 1;
	struct mdf_error *err = km_read(rd, va, buf, n);
	if (err)
		return err;
	buf[n] = '\0';
	buf[strnlen(buf, n)] = '\0';
	return NULL;
}

/* Walks a circular list from head, calling fn on each node address until
 * it returns true (stop). Bounded by KMOD_MAX_MODULES nodes. */
static struct mdf_error *km_walk(const struct kmod_reader *rd, uint64_t head, const char *what,
				 struct mdf_error *(*fn)(void *arg, uint64_t node, bool *stop),
				 void *arg)
{
	uint64_t node;
	struct mdf_error *err = km_u64(rd, head, &node);
	for (uint32_t n = 0; !err && node != head; n++) {
		bool stop = false;
		if (!node || n >= KMOD_MAX_MODULES)
			return mdf_error_create(MDF_ERR_CORRUPT, "the %s list at 0x%" PRIx64
						" is broken after %u nodes (%s)", what, head, n,
						node ? "too long or a loop" : "NULL next pointer");
		if ((err = fn(arg, node, &stop)) || stop)
			break;
		err = km_u64(rd, node, &node);
	}
	return err ? mdf_error_wrap(err, "walking the %s list", what) : NULL;
}

struct km_find {
	const struct kmod_reader *rd;
	const struct kmod_layout *l;
	const char *name;
	struct kmod *m;
	bool found;
};

static struct mdf_error *km_find_node(void *arg, uint64_t node, bool *stop)
{
	struct km_find *f = arg;
	const struct kmod_layout *l = f->l;
	uint64_t mod = node - l->list;
	char name[KMOD_NAME_MAX];
	struct mdf_error *err = km_name(f->rd, mod + l->name, l->name_len, name, sizeof(name));
	if (err || !km_name_eq(name, f->name))
		return err;
	struct kmod *m = f->m;
	memset(m, 0, sizeof(*m));
	m->addr = mod;
	memcpy(m->name, name, sizeof(m->name));
	uint64_t ks = mod;
	if (l->kallsyms_ptr && (err = km_u64(f->rd, mod + l->kallsyms, &ks)))
		return err;
	if (!ks)
		return mdf_error_create(MDF_ERR_CORRUPT, "module %s has no symbol table", name);
	if ((err = km_u64(f->rd, ks + l->symtab, &m->symtab)) ||
	    (err = km_uint(f->rd, ks + l->num_symtab, l->num_symtab_size, &m->num_symtab)) ||
	    (err = km_u64(f->rd, ks + l->strtab, &m->strtab)))
		return err;
	if (m->num_symtab > KMOD_MAX_SYMS)
		return mdf_error_create(MDF_ERR_CORRUPT, "module %s claims %" PRIu64 " symbols",
					name, m->num_symtab);
	f->found = true;
	*stop = true;
	return NULL;
}

struct mdf_error *kmod_find(const struct kmod_reader *rd, uint64_t modules_head,
			    const struct kmod_layout *l, const char *name, struct kmod *ret,
			    bool *found_ret)
{
	struct km_find f = {rd, l, name, ret, false};
	struct mdf_error *err = km_walk(rd, modules_head, "modules", km_find_node, &f);
	*found_ret = f.found;
	return err;
}

/* A window of the string table, refilled where a name is needed. */
struct km_strtab {
	const struct kmod_reader *rd;
	uint64_t base;
	uint64_t win_off;
	size_t win_len;
	char *win;
};

/* Refills the window from strtab offset off: KMOD_STR_WINDOW bytes, or,
 * where the table ends near the end of mapped memory, what is mapped from
 * off on, 4 KiB at a time (no mapping ends inside 4 KiB; 6.12's dm_crypt
 * has its string and type tables end 28 bytes before an unmapped page).
 * An error only when nothing at off can be read. */
static struct mdf_error *km_strtab_fill(struct km_strtab *s, uint64_t off)
{
	uint64_t va = s->base + off;
	s->win_off = off;
	s->win_len = KMOD_STR_WINDOW;
	struct mdf_error *err = km_read(s->rd, va, s->win, s->win_len);
	if (!err)
		return NULL;
	s->win_len = 0;
	for (size_t step = 4096 - (va & 4095); s->win_len < KMOD_MAX_SYMNAME; step = 4096) {
		mdf_error_destroy(err);
		if ((err = km_read(s->rd, va + s->win_len, s->win + s->win_len, step)))
			break;
		s->win_len += step;
	}
	if (s->win_len) {
		mdf_error_destroy(err);
		return NULL;
	}
	return err;
}

/* The bytes of the window from strtab offset off on (0 when off is not
 * in it); *whole_ret when they hold the name's NUL within
 * KMOD_MAX_SYMNAME, or KMOD_MAX_SYMNAME bytes without one. */
static size_t km_strtab_avail(const struct km_strtab *s, uint64_t off, bool *whole_ret)
{
	*whole_ret = false;
	if (off < s->win_off || off - s->win_off >= s->win_len)
		return 0;
	size_t avail = s->win_off + s->win_len - off;
	*whole_ret = avail >= KMOD_MAX_SYMNAME ||
		     memchr(s->win + (off - s->win_off), 0, avail) != NULL;
	return avail;
}

/* The name at strtab offset off (NUL-terminated within KMOD_MAX_SYMNAME). */
static struct mdf_error *km_strtab_name(struct km_strtab *s, uint64_t off, const char **ret)
{
	struct mdf_error *err;
	bool whole;
	size_t avail = km_strtab_avail(s, off, &whole);
	if (!whole) {
		/* the window holds not all of it: refill from the name on */
		if ((err = km_strtab_fill(s, off)))
			return err;
		avail = km_strtab_avail(s, off, &whole);
	}
	const char *p = s->win + (off - s->win_off);
	if (!memchr(p, 0, avail < KMOD_MAX_SYMNAME ? avail : KMOD_MAX_SYMNAME))
		return mdf_error_create(MDF_ERR_CORRUPT, "unterminated symbol name at 0x%" PRIx64
					"%s", s->base + off, avail < KMOD_MAX_SYMNAME ?
					" (it runs into unmapped memory)" : "");
	*ret = p;
	return NULL;
}

struct mdf_error *kmod_symbols(const struct kmod_reader *rd, const struct kmod *m,
			       const char *const *names, size_t n, uint64_t *addrs_ret,
			       bool *found_ret)
{
	uint8_t *syms = malloc(KMOD_SYM_BATCH * KMOD_SYM_SIZE);
	bool *object = calloc(n ? n : 1, sizeof(bool));
	struct km_strtab st = {rd, m->strtab, 0, 0, malloc(KMOD_STR_WINDOW)};
	struct mdf_error *err = syms && object && st.win ? NULL : mdf_error_nomem();
	for (size_t j = 0; j < n; j++)
		found_ret[j] = false;
	for (uint64_t i = 0; !err && i < m->num_symtab; i += KMOD_SYM_BATCH) {
		uint64_t k = m->num_symtab - i < KMOD_SYM_BATCH ? m->num_symtab - i : KMOD_SYM_BATCH;
		if ((err = km_read(rd, m->symtab + i * KMOD_SYM_SIZE, syms, k * KMOD_SYM_SIZE)))
			break;
		for (uint64_t e = 0; !err && e < k; e++) {
			const uint8_t *s = syms + e * KMOD_SYM_SIZE;
			uint32_t name_off = (uint32_t)s[0] | (uint32_t)s[1] << 8 |
					    (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
			uint16_t shndx = (uint16_t)(s[6] | s[7] << 8);
			bool is_object = (s[4] & 0xf) == 1; /* STT_OBJECT */
			if (!name_off || !shndx)
				continue;
			const char *name;
			if ((err = km_strtab_name(&st, name_off, &name)))
				break;
			for (size_t j = 0; j < n; j++) {
				if ((found_ret[j] && (object[j] || !is_object)) ||
				    strcmp(names[j], name) != 0)
					continue;
				uint64_t v = 0;
				for (int b = 0; b < 8; b++)
					v |= (uint64_t)s[8 + b] << (8 * b);
				addrs_ret[j] = v;
				found_ret[j] = true;
				object[j] = is_object;
			}
		}
	}
	free(syms);
	free(object);
	free(st.win);
	return err ? mdf_error_wrap(err, "reading the symbol table of module %s", m->name) : NULL;
}

static struct mdf_error *kbtf_copy(const struct kmod_reader *rd, uint64_t va, uint64_t size,
				   uint64_t max, const char *what, void **data_ret,
				   size_t *size_ret)
{
	if (size < 24 || size > max)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s BTF at 0x%" PRIx64 " has a size of %"
					PRIu64 " bytes (expected 24 to %" PRIu64 ")", what, va,
					size, max);
	void *data = malloc(size);
	if (!data)
		return mdf_error_nomem();
	struct mdf_error *err = km_read(rd, va, data, size);
	if (err) {
		free(data);
		return mdf_error_wrap(err, "reading %s BTF (%" PRIu64 " bytes at 0x%" PRIx64 ")",
				      what, size, va);
	}
	*data_ret = data;
	*size_ret = size;
	return NULL;
}

struct mdf_error *kbtf_vmlinux(const struct kmod_reader *rd, uint64_t start, uint64_t stop,
			       void **data_ret, size_t *size_ret)
{
	if (stop < start)
		return mdf_error_create(MDF_ERR_CORRUPT, "__stop_BTF 0x%" PRIx64 " is below "
					"__start_BTF 0x%" PRIx64, stop, start);
	return kbtf_copy(rd, start, stop - start, KBTF_MAX_VMLINUX, "the kernel's", data_ret,
			 size_ret);
}

struct kb_find {
	const struct kmod_reader *rd;
	const struct kbtf_layout *l;
	const char *name;
	void **data;
	size_t *size;
	bool found;
};

static struct mdf_error *kb_find_node(void *arg, uint64_t node, bool *stop)
{
	struct kb_find *f = arg;
	const struct kbtf_layout *l = f->l;
	uint64_t btf, data, size;
	char name[KMOD_NAME_MAX];
	struct mdf_error *err = km_u64(f->rd, node - l->bm_list + l->bm_btf, &btf);
	if (!err && !btf)
		return NULL;
	if (!err)
		err = km_name(f->rd, btf + l->name, l->name_len, name, sizeof(name));
	if (err || !km_name_eq(name, f->name))
		return err;
	if ((err = km_u64(f->rd, btf + l->data, &data)) ||
	    (err = km_uint(f->rd, btf + l->data_size, 4, &size)))
		return err;
	char what[KMOD_NAME_MAX + 16];
	snprintf(what, sizeof(what), "module %s's", name);
	if ((err = kbtf_copy(f->rd, data, size, KBTF_MAX_MODULE, what, f->data, f->size)))
		return err;
	f->found = true;
	*stop = true;
	return NULL;
}

struct mdf_error *kbtf_module(const struct kmod_reader *rd, uint64_t head,
			      const struct kbtf_layout *l, const char *name, void **data_ret,
			      size_t *size_ret, bool *found_ret)
{
	struct kb_find f = {rd, l, name, data_ret, size_ret, false};
	struct mdf_error *err = km_walk(rd, head, "btf_modules", kb_find_node, &f);
	*found_ret = f.found;
	return err;
}
