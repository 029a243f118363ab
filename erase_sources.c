/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Types and symbols for the sections of a filter config (erase_sources.h). */
#include "erase_sources.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kallsyms.h"
#include "kmodules.h"
#include "typeinfo_btf.h"
#include "typeinfo_dwarf.h"
#include "typeinfo_multi.h"

enum {
	ES_MAX_MODULES = 256,        /* module sections of one config */
	ES_SEARCH_DEPTH = 8,         /* directory levels under a modules root */
	ES_SEARCH_ENTRIES = 1 << 18, /* directory entries looked at per root */
};

/* One config section's module, opened once. */
struct es_module {
	char name[KMOD_NAME_MAX];
	bool skip;
	char why[KMOD_NAME_MAX + 160]; /* why it is skipped, for each section's message */
	struct typeinfo *ti;
	struct symsrc *syms;
};

struct erase_sources {
	const char *vmlinux;
	struct kmem *km;
	const struct kfacts *kf;
	const struct mdf_msg *msg;
	const char *dump_name;
	struct kmod_reader rd;
	struct typeinfo *ti;     /* vmlinux's, once opened */
	struct symsrc *syms;
	struct es_module mods[ES_MAX_MODULES];
	size_t nr_mods;
	/* [MOD1+MOD2] sections (ours): their composite sources */
	struct es_multi {
		char *name;
		bool skip;
		char why[KMOD_NAME_MAX + 160];
		struct typeinfo *ti;
		struct symsrc *syms;
	} multis[ES_MAX_MODULES];
	size_t nr_multis;
};

static struct mdf_error *es_kmem_read(void *arg, uint64_t va, void *buf, size_t len)
{
	return kmem_read(arg, va, buf, len);
}

/* ---- a symbol source over a lookup function, with a cache ---- */

struct lk_entry {
	char *name;
	uint64_t addr;
	bool found;
};

/* Kallsyms of the dump, or a module's symbol table in the dump. */
struct lk_src {
	struct symsrc ss;
	struct erase_sources *es;
	struct kmod mod;         /* module tables; vmlinux kallsyms when !is_module */
	bool is_module;
	struct lk_entry *e;
	size_t n, cap;
	char source[PATH_MAX + 64];
};

static struct mdf_error *lk_resolve(struct lk_src *s, const char *const *names, size_t n,
				    uint64_t *addrs, bool *found)
{
	if (s->is_module)
		return kmod_symbols(&s->es->rd, &s->mod, names, n, addrs, found);
	/* the dump's own tables, in whichever encoding its kernel uses
	 * (kallsyms.h), found in the same pass as the names */
	struct kallsyms_bases bases = { 0 };
	size_t nl;
	const struct vmcore_load *loads = kmem_loads(s->es->km, &nl);
	kallsyms_default_bases(&bases, s->es->kf, loads, nl);
	struct kallsyms *ks = NULL;
	struct mdf_error *err =
		kallsyms_open_lookup(s->es->km, s->es->kf, &bases, names, n, addrs, found, &ks);
	kallsyms_close(ks);
	return err;
}

static struct lk_entry *lk_find(struct lk_src *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->e[i].name, name) == 0)
			return &s->e[i];
	return NULL;
}

/* Looks up every name not looked up yet, in one pass over the tables. */
static struct mdf_error *lk_prepare(struct symsrc *ss, const char *const *names, size_t n)
{
	struct lk_src *s = (struct lk_src *)ss;
	const char **todo = calloc(n ? n : 1, sizeof(*todo));
	uint64_t *addrs = calloc(n ? n : 1, sizeof(*addrs));
	bool *found = calloc(n ? n : 1, sizeof(*found));
	size_t k = 0;
	struct mdf_error *err = todo && addrs && found ? NULL : mdf_error_nomem();
	for (size_t i = 0; !err && i < n; i++) {
		bool dup = lk_find(s, names[i]) != NULL;
		for (size_t j = 0; j < k && !dup; j++)
			dup = strcmp(todo[j], names[i]) == 0;
		if (!dup)
			todo[k++] = names[i];
	}
	if (!err && k)
		err = lk_resolve(s, todo, k, addrs, found);
	if (!err && s->n + k > s->cap) {
		size_t cap = s->cap ? s->cap : 32;
		while (cap < s->n + k)
			cap *= 2;
		struct lk_entry *e = realloc(s->e, cap * sizeof(*e));
		if (!e)
			err = mdf_error_nomem();
		else
			s->e = e, s->cap = cap;
	}
	for (size_t i = 0; !err && i < k; i++) {
		char *copy = strdup(todo[i]);
		if (!copy) {
			err = mdf_error_nomem();
			break;
		}
		s->e[s->n++] = (struct lk_entry){copy, addrs[i], found[i]};
	}
	free(todo);
	free(addrs);
	free(found);
	return err;
}

static struct mdf_error *lk_lookup(struct symsrc *ss, const char *name, uint64_t *addr_ret,
				   bool *found_ret)
{
	struct lk_src *s = (struct lk_src *)ss;
	struct lk_entry *e = lk_find(s, name);
	if (!e) {
		const char *one[1] = {name};
		struct mdf_error *err = lk_prepare(ss, one, 1);
		if (err)
			return err;
		e = lk_find(s, name);
	}
	*found_ret = e && e->found;
	*addr_ret = *found_ret ? e->addr : 0;
	return NULL;
}

static void lk_destroy(struct symsrc *ss)
{
	struct lk_src *s = (struct lk_src *)ss;
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
}

static const struct symsrc_ops lk_ops = {
	.destroy = lk_destroy,
	.prepare = lk_prepare,
	.lookup = lk_lookup,
};

static struct mdf_error *lk_new(struct erase_sources *es, const struct kmod *mod,
				struct symsrc **ret)
{
	struct lk_src *s = calloc(1, sizeof(*s));
	if (!s)
		return mdf_error_nomem();
	s->ss.ops = &lk_ops;
	s->es = es;
	if (mod) {
		s->mod = *mod;
		s->is_module = true;
		snprintf(s->source, sizeof(s->source), "the symbol table of module %s", mod->name);
	} else {
		snprintf(s->source, sizeof(s->source), "the kallsyms of %s", es->dump_name);
	}
	s->ss.source = s->source;
	*ret = &s->ss;
	return NULL;
}

/* ---- vmlinux ---- */

static struct mdf_error *es_symbol(struct erase_sources *s, const char *name, uint64_t *addr)
{
	bool found;
	struct mdf_error *err = s->syms->ops->lookup(s->syms, name, addr, &found);
	if (!err && !found)
		err = mdf_error_create(MDF_ERR_NODATA, "no symbol %s in %s", name, s->syms->source);
	return err;
}

/* The kernel's BTF, located through the dump's kallsyms. */
static struct mdf_error *es_open_btf(struct erase_sources *s)
{
	struct mdf_error *err = lk_new(s, NULL, &s->syms);
	const char *names[2] = {"__start_BTF", "__stop_BTF"};
	uint64_t addr[2];
	if (!err)
		err = s->syms->ops->prepare(s->syms, names, 2);
	for (int i = 0; !err && i < 2; i++)
		err = es_symbol(s, names[i], &addr[i]);
	if (err)
		return mdf_error_wrap(err, "--config without -x needs the kernel's BTF, found "
				      "through its kallsyms");
	void *data = NULL;
	size_t size = 0;
	if ((err = kbtf_vmlinux(&s->rd, addr[0], addr[1], &data, &size)))
		return mdf_error_wrap(err, "%s", s->dump_name);
	char source[PATH_MAX + 64];
	snprintf(source, sizeof(source), "the kernel's BTF in %s (%zu bytes at 0x%" PRIx64 ")",
		 s->dump_name, size, addr[0]);
	err = typeinfo_btf_new(data, size, NULL, "vmlinux", source, &s->ti);
	free(data);
	if (!err)
		mdf_msgf(s->msg, MDF_MSG_DEBUG, "erase: vmlinux types from %s", source);
	return err;
}

static struct mdf_error *es_vmlinux(struct erase_sources *s)
{
	if (s->ti && s->syms)
		return NULL;
	if (!s->vmlinux)
		return es_open_btf(s);
	uint64_t reloc = s->kf->have_kerneloffset ? s->kf->kerneloffset : 0;
	struct mdf_error *err = s->ti ? NULL : typeinfo_dwarf_open(s->vmlinux, "vmlinux", &s->ti);
	if (!err && !s->syms)
		err = symsrc_elf_open(s->vmlinux, reloc, &s->syms);
	return err;
}

/* ---- modules ---- */

/* Member offsets of struct module from vmlinux's types. */
static struct mdf_error *es_kmod_layout(struct erase_sources *s, struct kmod_layout *l)
{
	struct typeinfo *ti = s->ti;
	bool f1, f2, f3, f4;
	uint64_t ntype, nstype;
	struct ti_desc d;
	memset(l, 0, sizeof(*l));
	struct mdf_error *err = typeinfo_offsetof(ti, "module", "list", &l->list, NULL, &f1);
	if (!err)
		err = typeinfo_offsetof(ti, "module", "name", &l->name, &ntype, &f2);
	if (!err && f1 && f2)
		err = ti->ops->describe(ti, ntype, &d);
	if (err)
		return err;
	if (!f1 || !f2 || d.kind != TI_ARRAY || !d.length_known)
		return mdf_error_create(MDF_ERR_NODATA, "struct module (list, name) is not in %s",
					ti->source);
	l->name_len = (uint32_t)(d.length < KMOD_NAME_MAX ? d.length : KMOD_NAME_MAX);
	const char *ks = "mod_kallsyms";
	if ((err = typeinfo_offsetof(ti, "module", "kallsyms", &l->kallsyms, NULL,
				     &l->kallsyms_ptr)))
		return err;
	if (!l->kallsyms_ptr)
		ks = "module"; /* before 4.5 the tables were in struct module */
	if ((err = typeinfo_offsetof(ti, ks, "symtab", &l->symtab, NULL, &f1)) ||
	    (err = typeinfo_offsetof(ti, ks, "num_symtab", &l->num_symtab, &nstype, &f2)) ||
	    (err = typeinfo_offsetof(ti, ks, "strtab", &l->strtab, NULL, &f3)))
		return err;
	f4 = f2 && !(err = ti->ops->describe(ti, nstype, &d)) && d.size_known &&
	     (d.size == 4 || d.size == 8);
	if (err)
		return err;
	if (!f1 || !f2 || !f3 || !f4)
		return mdf_error_create(MDF_ERR_NODATA, "struct %s (symtab, num_symtab, strtab) is "
					"not in %s", ks, ti->source);
	l->num_symtab_size = (uint32_t)d.size;
	return NULL;
}

/* Member offsets of struct btf_module and struct btf. */
static struct mdf_error *es_kbtf_layout(struct erase_sources *s, struct kbtf_layout *l)
{
	struct typeinfo *ti = s->ti;
	bool f[5];
	uint64_t ntype;
	struct ti_desc d;
	memset(l, 0, sizeof(*l));
	struct mdf_error *err = typeinfo_offsetof(ti, "btf_module", "list", &l->bm_list, NULL,
						  &f[0]);
	if (!err)
		err = typeinfo_offsetof(ti, "btf_module", "btf", &l->bm_btf, NULL, &f[1]);
	if (!err)
		err = typeinfo_offsetof(ti, "btf", "data", &l->data, NULL, &f[2]);
	if (!err)
		err = typeinfo_offsetof(ti, "btf", "data_size", &l->data_size, NULL, &f[3]);
	if (!err)
		err = typeinfo_offsetof(ti, "btf", "name", &l->name, &ntype, &f[4]);
	if (!err && f[4])
		err = ti->ops->describe(ti, ntype, &d);
	if (err)
		return err;
	for (int i = 0; i < 5; i++)
		if (!f[i])
			return mdf_error_create(MDF_ERR_NODATA, "struct btf_module or struct btf is "
						"not in %s (kernel without module BTF)", ti->source);
	l->name_len = (uint32_t)(d.length_known && d.length < KMOD_NAME_MAX ? d.length
									       : KMOD_NAME_MAX);
	return NULL;
}

/* The loaded module `name`; *found_ret false if it is not loaded. */
static struct mdf_error *es_find_module(struct erase_sources *s, const char *name,
					struct kmod *m, bool *found_ret)
{
	struct kmod_layout l;
	uint64_t head;
	struct mdf_error *err = es_kmod_layout(s, &l);
	if (!err)
		err = es_symbol(s, "modules", &head);
	if (!err)
		err = kmod_find(&s->rd, head, &l, name, m, found_ret);
	return err;
}

/* A module's types from its BTF in the dump. */
static struct mdf_error *es_module_btf(struct erase_sources *s, struct es_module *em)
{
	struct kbtf_layout l;
	uint64_t head;
	void *data = NULL;
	size_t size = 0;
	bool found = false;
	struct mdf_error *err = es_kbtf_layout(s, &l);
	if (!err)
		err = es_symbol(s, "btf_modules", &head);
	if (!err)
		err = kbtf_module(&s->rd, head, &l, em->name, &data, &size, &found);
	if (err)
		return err;
	if (!found) {
		snprintf(em->why, sizeof(em->why), "module %s has no BTF in the dump", em->name);
		em->skip = true;
		return NULL;
	}
	char source[PATH_MAX + 64];
	snprintf(source, sizeof(source), "the BTF of module %s in %s", em->name, s->dump_name);
	err = typeinfo_btf_new(data, size, s->ti, em->name, source, &em->ti);
	free(data);
	return err;
}

/* A module's types from its debug file. */
static struct mdf_error *es_module_dwarf(struct erase_sources *s, struct es_module *em)
{
	char path[PATH_MAX];
	if (!erase_find_module_debug(s->vmlinux, s->kf->osrelease, em->name, path,
				     sizeof(path))) {
		snprintf(em->why, sizeof(em->why), "no debug information for module %s under the "
			 "modules directories of %s", em->name,
			 s->kf->osrelease[0] ? s->kf->osrelease : "(unknown release)");
		em->skip = true;
		return NULL;
	}
	struct mdf_error *err = typeinfo_dwarf_open_module(path, em->name, &em->ti);
	if (err && err->code == MDF_ERR_NODATA) {
		snprintf(em->why, sizeof(em->why), "%s", err->message);
		mdf_error_destroy(err);
		em->skip = true;
		return NULL;
	}
	return err;
}

static struct mdf_error *es_module(struct erase_sources *s, const char *name,
				   struct es_module **ret)
{
	for (size_t i = 0; i < s->nr_mods; i++) {
		if (strcmp(s->mods[i].name, name) == 0) {
			*ret = &s->mods[i];
			return NULL;
		}
	}
	if (s->nr_mods == ES_MAX_MODULES)
		return mdf_error_create(MDF_ERR_INVALID, "more than %d module sections",
					ES_MAX_MODULES);
	struct es_module *em = &s->mods[s->nr_mods++];
	snprintf(em->name, sizeof(em->name), "%s", name);
	*ret = em;
	struct kmod m;
	bool found = false;
	struct mdf_error *err = es_find_module(s, name, &m, &found);
	if (err)
		return mdf_error_wrap(err, "finding module %s in the dump", name);
	if (!found) {
		snprintf(em->why, sizeof(em->why), "module %s is not loaded in the dump", name);
		em->skip = true;
		return NULL;
	}
	err = s->vmlinux ? es_module_dwarf(s, em) : es_module_btf(s, em);
	if (!err && !em->skip)
		err = lk_new(s, &m, &em->syms);
	return err;
}

/* A [MOD1+MOD2...] section (ours): the modules' symbols and types, looked
 * up in that order; skipped when one of them is (*why_ret says why). */
static struct mdf_error *es_open_multi(struct erase_sources *s, const char *name,
				       struct erase_section_src *ret, const char **why_ret)
{
	struct es_multi *m = NULL;
	for (size_t i = 0; !m && i < s->nr_multis; i++)
		if (strcmp(s->multis[i].name, name) == 0)
			m = &s->multis[i];
	if (!m) {
		if (s->nr_multis == ES_MAX_MODULES)
			return mdf_error_create(MDF_ERR_INVALID, "more than %d module sections",
						ES_MAX_MODULES);
		m = &s->multis[s->nr_multis++];
		if (!(m->name = strdup(name)))
			return mdf_error_nomem();
		struct typeinfo *tis[TI_MULTI_MAX];
		struct symsrc *syms[TI_MULTI_MAX];
		size_t n = 0;
		struct mdf_error *err = NULL;
		for (const char *p = name; *p && !err && !m->skip;) {
			size_t len = strcspn(p, "+");
			char part[KMOD_NAME_MAX];
			struct es_module *em;
			if (n == TI_MULTI_MAX || len >= sizeof(part))
				return mdf_error_create(MDF_ERR_INVALID, "section [%s]: more than %d "
							"modules, or a name too long", name,
							TI_MULTI_MAX);
			memcpy(part, p, len);
			part[len] = '\0';
			p += len + (p[len] == '+');
			if ((err = es_module(s, part, &em)))
				break;
			if (em->skip) {
				snprintf(m->why, sizeof(m->why), "%s", em->why);
				m->skip = true;
				break;
			}
			tis[n] = em->ti;
			syms[n++] = em->syms;
		}
		if (!err && !m->skip)
			err = typeinfo_multi_new(tis, n, name, &m->ti);
		if (!err && !m->skip)
			err = symsrc_multi_new(syms, n, &m->syms);
		if (err)
			return err;
	}
	*why_ret = m->skip ? m->why : NULL;
	ret->ti = m->ti;
	ret->syms = m->syms;
	return NULL;
}

static struct mdf_error *es_open_section(void *arg, const char *name,
					 struct erase_section_src *ret, bool *skip_ret)
{
	struct erase_sources *s = arg;
	memset(ret, 0, sizeof(*ret));
	*skip_ret = false;
	struct mdf_error *err = es_vmlinux(s);
	if (err)
		return err;
	if (strcmp(name, "vmlinux") == 0) {
		ret->ti = s->ti;
		ret->syms = s->syms;
		ret->ti_addrs = s->vmlinux != NULL;
		ret->reloc = s->vmlinux && s->kf->have_kerneloffset ? s->kf->kerneloffset : 0;
		return NULL;
	}
	/* A module's DWARF addresses are section-relative: its symbols place it. */
	ret->ti_addrs = false;
	const char *why = NULL;
	if (strchr(name, '+')) {
		if ((err = es_open_multi(s, name, ret, &why)))
			return err;
	} else {
		struct es_module *em;
		if ((err = es_module(s, name, &em)))
			return err;
		why = em->skip ? em->why : NULL;
		ret->ti = em->ti;
		ret->syms = em->syms;
	}
	*skip_ret = why != NULL;
	if (why)
		mdf_msgf(s->msg, MDF_MSG_ERROR, "Skipping the [%s] section: %s", name, why);
	return NULL;
}

struct mdf_error *erase_sources_create(const char *vmlinux, const struct mdf_msg *msg,
				       struct erase_sources **ret)
{
	struct erase_sources *s = calloc(1, sizeof(*s));
	if (!s)
		return mdf_error_nomem();
	s->vmlinux = vmlinux;
	s->msg = msg;
	s->rd.read = es_kmem_read;
	*ret = s;
	return NULL;
}

void erase_sources_attach(struct erase_sources *s, struct kmem *km, const struct kfacts *kf,
			  const char *dump_name)
{
	s->dump_name = dump_name;
	s->km = km;
	s->kf = kf;
	s->rd.arg = km;
}

/* What finding a module needs from vmlinux's types (es_kmod_layout). */
static const char *const es_module_types[] = {"module", "mod_kallsyms", "list_head"};
static const char *const es_module_vars[] = {"modules"};

struct mdf_error *erase_sources_dwarf_visitor(struct erase_sources *s,
					      const struct erase_config *cfg,
					      struct dwarf_visitor *ret)
{
	if (!s->vmlinux)
		return mdf_error_create(MDF_ERR_INVALID, "no vmlinux to walk");
	struct mdf_error *err = s->ti ? NULL : typeinfo_dwarf_open(s->vmlinux, "vmlinux", &s->ti);
	struct ti_wants w = {0};
	if (!err)
		err = erase_config_wants(cfg, "vmlinux", &w);
	if (!err)
		err = s->ti->ops->prepare(s->ti, &w);
	erase_wants_free(&w);
	bool modules = false;
	for (size_t i = 0; i < cfg->nr_sections; i++)
		modules |= strcmp(cfg->sections[i].name, "vmlinux") != 0;
	if (!err && modules) {
		struct ti_wants mw = {es_module_vars, 1, es_module_types, 3};
		err = s->ti->ops->prepare(s->ti, &mw);
	}
	if (!err)
		err = typeinfo_dwarf_visitor(s->ti, ret);
	return err;
}

void erase_sources_destroy(struct erase_sources *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nr_multis; i++) {
		typeinfo_destroy(s->multis[i].ti);
		symsrc_destroy(s->multis[i].syms);
		free(s->multis[i].name);
	}
	for (size_t i = 0; i < s->nr_mods; i++) {
		typeinfo_destroy(s->mods[i].ti);
		symsrc_destroy(s->mods[i].syms);
	}
	typeinfo_destroy(s->ti);
	symsrc_destroy(s->syms);
	free(s);
}

void erase_sources_env(struct erase_sources *s, struct erase_env *env)
{
	env->km = s->km;
	env->msg = s->msg;
	env->open_section = es_open_section;
	env->arg = s;
}

/* ---- module debug files ---- */

/* "name.ko" (optionally .debug, .xz, .zst, .gz after it) for module mod,
 * '-' and '_' alike. */
static bool es_module_file(const char *file, const char *mod)
{
	size_t i = 0;
	for (; mod[i] && file[i]; i++) {
		char a = file[i] == '-' ? '_' : file[i], b = mod[i] == '-' ? '_' : mod[i];
		if (a != b)
			return false;
	}
	if (mod[i])
		return false;
	const char *rest = file + i;
	return !strcmp(rest, ".ko") || !strcmp(rest, ".ko.debug") || !strcmp(rest, ".ko.xz") ||
	       !strcmp(rest, ".ko.zst") || !strcmp(rest, ".ko.gz");
}

/* Depth-first search of dir for the module's file (bounded). */
static bool es_search(const char *dir, const char *mod, int depth, size_t *budget,
		      char *path_ret, size_t size)
{
	DIR *d = depth > ES_SEARCH_DEPTH ? NULL : opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d)) && *budget) {
		(*budget)--;
		if (e->d_name[0] == '.')
			continue;
		char p[PATH_MAX];
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= sizeof(p))
			continue;
		struct stat st;
		if (stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			found = es_search(p, mod, depth + 1, budget, path_ret, size);
		else if (S_ISREG(st.st_mode) && es_module_file(e->d_name, mod) &&
			 strlen(p) < size) {
			strcpy(path_ret, p);
			found = true;
		}
	}
	closedir(d);
	return found;
}

bool erase_find_module_debug(const char *vmlinux, const char *release, const char *module,
			     char *path_ret, size_t size)
{
	char roots[3][PATH_MAX];
	int n = 0;
	if (!release || !release[0])
		return false;
	if (vmlinux) {
		/* Debian: /usr/lib/debug/boot/vmlinux-R beside
		 * /usr/lib/debug/lib/modules/R */
		const char *slash = strrchr(vmlinux, '/');
		int dl = slash ? (int)(slash - vmlinux) : 1;
		if ((size_t)snprintf(roots[n], PATH_MAX, "%.*s/../lib/modules/%s", dl,
				     slash ? vmlinux : ".", release) < PATH_MAX)
			n++;
	}
	snprintf(roots[n++], PATH_MAX, "/usr/lib/debug/lib/modules/%s", release);
	snprintf(roots[n++], PATH_MAX, "/lib/modules/%s", release);
	for (int i = 0; i < n; i++) {
		size_t budget = ES_SEARCH_ENTRIES;
		if (es_search(roots[i], module, 0, &budget, path_ret, size))
			return true;
	}
	return false;
}
