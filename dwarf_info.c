/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel facts from a vmlinux's ELF symbol table and DWARF (-x).
 *
 * The wanted names all come from kfact_table (kernel_facts.def). They are put
 * in a small hash index first, so the DWARF is walked once: every top-level
 * DIE of every unit is looked at once, and only DIEs whose name is wanted are
 * decoded further. A 600 MB vmlinux has thousands of units that each repeat
 * the common kernel types; a look-up per fact would re-walk them all. */
#include "dwarf_info.h"

#include <ctype.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elfutils/libdw.h>

/* What kind of DWARF (or ELF) entity a fact is looked up on. */
enum dw_role {
	DW_ROLE_SYMBOL, /* ELF symbol */
	DW_ROLE_TYPE,   /* SIZE, OFFSET, LENGTH(type.member) */
	DW_ROLE_VAR,    /* LENGTH(variable) */
	DW_ROLE_ENUM,   /* NUMBER(enumerator) */
};

struct dw_entry {
	const char *name;   /* symbol, type, variable or enumerator name */
	const char *member; /* OFFSET / LENGTH member, else NULL */
	enum kfact_id id;
	enum kfact_kind kind;
	enum dw_role role;
	int next;           /* next entry with the same (role, name), or -1 */
};

/* Facts whose DWARF source is not their own name. The kernel exports the
 * array sizes of dev_printk_info's members under variable-like names
 * (REFERENCE.md 5.4: LENGTH(printk_info_subsystem)=16, _device=48). */
static const struct {
	enum kfact_id id;
	const char *type;
	const char *member;
} dw_aliases[] = {
	{KF_LENGTH_printk_info_subsystem, "dev_printk_info", "subsystem"},
	{KF_LENGTH_printk_info_device, "dev_printk_info", "device"},
};

enum {
	DW_MAX_ENTRIES = KF_COUNT + 8,
	DW_HASH_SLOTS = 1024, /* power of two, well above 2 * DW_MAX_ENTRIES */
	DW_MEMBER_DEPTH = 8,  /* nesting bound for anonymous structs and unions */
	DW_TYPE_DEPTH = 16,   /* bound on typedef / qualifier chains */
};

struct dw_index {
	struct dw_entry entries[DW_MAX_ENTRIES];
	int nr_entries;
	int slots[DW_HASH_SLOTS]; /* first entry of a (role, name) chain, or -1 */
};

struct dw_ctx {
	const char *path;
	struct dw_index index;
	struct kfacts *kf;
	const struct mdf_msg *msg;
	/* Per wanted type name: a definition has been accepted. */
	bool type_done[DW_MAX_ENTRIES];
	/* Facts set by this run (kf may hold facts from elsewhere). */
	bool found[KF_COUNT];
	/* Symbol binding of the value recorded per fact (prefer GLOBAL). */
	bool sym_global[KF_COUNT];
};

static void dw_set(struct dw_ctx *c, enum kfact_id id, uint64_t value)
{
	kf_set(c->kf, id, value);
	c->found[id] = true;
}

static uint32_t dw_hash(enum dw_role role, const char *s)
{
	uint32_t h = 2166136261u ^ (uint32_t)role;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void dw_index_add(struct dw_index *ix, enum dw_role role, enum kfact_id id,
			 enum kfact_kind kind, const char *name, const char *member)
{
	if (ix->nr_entries >= DW_MAX_ENTRIES)
		return;
	int e = ix->nr_entries++;
	ix->entries[e] = (struct dw_entry){name, member, id, kind, role, -1};
	uint32_t h = dw_hash(role, name);
	for (uint32_t i = 0; i < DW_HASH_SLOTS; i++) {
		int *slot = &ix->slots[(h + i) & (DW_HASH_SLOTS - 1)];
		if (*slot < 0) {
			*slot = e;
			return;
		}
		struct dw_entry *head = &ix->entries[*slot];
		if (head->role == role && strcmp(head->name, name) == 0) {
			/* Append to keep table order within a chain. */
			while (head->next >= 0)
				head = &ix->entries[head->next];
			head->next = e;
			return;
		}
	}
}

/* First entry of the (role, name) chain, or -1. */
static int dw_index_find(const struct dw_index *ix, enum dw_role role, const char *name)
{
	uint32_t h = dw_hash(role, name);
	for (uint32_t i = 0; i < DW_HASH_SLOTS; i++) {
		int slot = ix->slots[(h + i) & (DW_HASH_SLOTS - 1)];
		if (slot < 0)
			return -1;
		const struct dw_entry *head = &ix->entries[slot];
		if (head->role == role && strcmp(head->name, name) == 0)
			return slot;
	}
	return -1;
}

static void dw_index_build(struct dw_index *ix)
{
	memset(ix->slots, 0xff, sizeof(ix->slots));
	ix->nr_entries = 0;
	for (int i = 0; i < KF_COUNT; i++) {
		const struct kfact_desc *d = &kfact_table[i];
		enum dw_role role;
		bool aliased = false;
		for (size_t a = 0; a < sizeof(dw_aliases) / sizeof(dw_aliases[0]); a++) {
			if (dw_aliases[a].id == (enum kfact_id)i) {
				dw_index_add(ix, DW_ROLE_TYPE, (enum kfact_id)i, KFK_LENGTH,
					     dw_aliases[a].type, dw_aliases[a].member);
				aliased = true;
			}
		}
		if (aliased)
			continue;
		switch (d->kind) {
		case KFK_SYMBOL:
			role = DW_ROLE_SYMBOL;
			break;
		case KFK_SIZE:
		case KFK_OFFSET:
			role = DW_ROLE_TYPE;
			break;
		case KFK_LENGTH:
			role = d->member ? DW_ROLE_TYPE : DW_ROLE_VAR;
			break;
		case KFK_NUMBER:
			role = DW_ROLE_ENUM;
			break;
		default:
			continue;
		}
		dw_index_add(ix, role, (enum kfact_id)i, d->kind, d->name, d->member);
	}
}

/* ---- ELF part: symbols, release string, build id ---- */

/* Records wanted symbols. A GLOBAL definition wins over a LOCAL one; among
 * locals the first wins (static kernel variables such as prb and clear_seq
 * are LOCAL). */
static bool dw_symbol(void *arg, const char *name, uint64_t value, uint64_t size,
		      unsigned char info)
{
	(void)size;
	struct dw_ctx *c = arg;
	int type = GELF_ST_TYPE(info);
	if (type == STT_SECTION || type == STT_FILE)
		return true;
	int e = dw_index_find(&c->index, DW_ROLE_SYMBOL, name);
	if (e < 0)
		return true;
	enum kfact_id id = c->index.entries[e].id;
	bool global = GELF_ST_BIND(info) != STB_LOCAL;
	if (c->found[id] && (c->sym_global[id] || !global))
		return true;
	dw_set(c, id, value);
	c->sym_global[id] = global;
	return true;
}

static void dw_scan_symtab(struct dw_ctx *c, Elf *elf)
{
	dwarf_elf_symbols(elf, dw_symbol, c);
}

void dwarf_elf_symbols(Elf *elf,
		       bool (*fn)(void *arg, const char *name, uint64_t value, uint64_t size,
				  unsigned char info),
		       void *arg)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB || !shdr.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t n = data ? data->d_size / shdr.sh_entsize : 0;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
				continue;
			const char *name = elf_strptr(elf, shdr.sh_link, sym.st_name);
			if (name && *name && !fn(arg, name, sym.st_value, sym.st_size, sym.st_info))
				return;
		}
	}
}

bool dwarf_elf_read(Elf *elf, uint64_t addr, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_PROGBITS ||
		    !(shdr.sh_flags & SHF_ALLOC))
			continue;
		if (addr < shdr.sh_addr || addr - shdr.sh_addr >= shdr.sh_size ||
		    len > shdr.sh_size - (addr - shdr.sh_addr))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		uint64_t off = addr - shdr.sh_addr;
		if (!data || !data->d_buf || off > data->d_size || len > data->d_size - off)
			return false;
		memcpy(buf, (const char *)data->d_buf + off, len);
		return true;
	}
	return false;
}

/* Accepts a NUL-terminated, printable release string of 1..64 chars. */
static bool dw_set_release(struct kfacts *kf, const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] && !isspace((unsigned char)s[n])) {
		if (!isprint((unsigned char)s[n]))
			return false;
		n++;
	}
	if (n == 0 || n >= KF_RELEASE_LEN)
		return false;
	memcpy(kf->osrelease, s, n);
	kf->osrelease[n] = '\0';
	return true;
}

enum {
	/* struct new_utsname: six char[__NEW_UTS_LEN + 1 = 65] fields, release
	 * the third (include/uapi/linux/utsname.h, fixed ABI). */
	DW_UTS_FIELD = 65,
	DW_UTS_RELEASE_OFF = 2 * DW_UTS_FIELD,
	DW_BANNER_MAX = 256,
};

/* dw_read_release's fallback: the first linux_banner symbol ends the walk;
 * "Linux version X ..." gives the release. */
struct dw_banner {
	struct dw_ctx *c;
	Elf *elf;
	char *buf; /* DW_BANNER_MAX + 1 bytes */
	bool seen;
};

static bool dw_banner_symbol(void *arg, const char *name, uint64_t value, uint64_t size,
			     unsigned char info)
{
	(void)info;
	struct dw_banner *b = arg;
	if (strcmp(name, "linux_banner") != 0)
		return true;
	b->seen = true;
	size_t len = size && size < DW_BANNER_MAX ? size : DW_BANNER_MAX;
	static const char prefix[] = "Linux version ";
	if (len > sizeof(prefix) - 1 && dwarf_elf_read(b->elf, value, b->buf, len)) {
		b->buf[len] = '\0';
		if (strncmp(b->buf, prefix, sizeof(prefix) - 1) == 0)
			dw_set_release(b->c->kf, b->buf + sizeof(prefix) - 1,
				       len - (sizeof(prefix) - 1));
	}
	return false;
}

/* The release string: the initializer of init_uts_ns.name.release (or of
 * the older system_utsname), else the "Linux version X ..." banner. */
static void dw_read_release(struct dw_ctx *c, Elf *elf)
{
	struct kfacts *kf = c->kf;
	char buf[DW_BANNER_MAX + 1];
	uint64_t addr = 0;
	bool have = false;

	if (c->found[KF_SYMBOL_init_uts_ns] && c->found[KF_OFFSET_uts_namespace_name]) {
		addr = kf_get(kf, KF_SYMBOL_init_uts_ns) + kf_get(kf, KF_OFFSET_uts_namespace_name);
		have = true;
	} else if (c->found[KF_SYMBOL_system_utsname]) {
		addr = kf_get(kf, KF_SYMBOL_system_utsname);
		have = true;
	}
	if (have && dwarf_elf_read(elf, addr + DW_UTS_RELEASE_OFF, buf, DW_UTS_FIELD)) {
		buf[DW_UTS_FIELD] = '\0';
		if (dw_set_release(kf, buf, DW_UTS_FIELD))
			return;
	}

	/* linux_banner is not in the table (only this fallback needs it). */
	struct dw_banner b = { .c = c, .elf = elf, .buf = buf };
	dwarf_elf_symbols(elf, dw_banner_symbol, &b);
	if (!b.seen)
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "%s: kernel release string not found", c->path);
}

/* The GNU build-id note (NT_GNU_BUILD_ID) as lower-case hex. */
static void dw_read_build_id(struct kfacts *kf, Elf *elf)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) != 0)
				continue;
			const unsigned char *d = (const unsigned char *)data->d_buf + desc_off;
			size_t n = nh.n_descsz;
			if (n * 2 + 1 > sizeof(kf->build_id))
				n = (sizeof(kf->build_id) - 1) / 2;
			for (size_t i = 0; i < n; i++)
				snprintf(kf->build_id + 2 * i, 3, "%02x", d[i]);
			return;
		}
	}
}

/* ---- DWARF part ---- */

/* Follows typedefs and qualifiers to the underlying type. */
static bool dw_peel(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Die cur = *die;
	for (int i = 0; i < DW_TYPE_DEPTH; i++) {
		int tag = dwarf_tag(&cur);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type) {
			*out = cur;
			return true;
		}
		Dwarf_Attribute attr;
		if (!dwarf_attr_integrate(&cur, DW_AT_type, &attr) ||
		    !dwarf_formref_die(&attr, &cur))
			return false;
	}
	return false;
}

/* The DIE's DW_AT_type, peeled. */
static bool dw_type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die t;
	if (!dwarf_attr_integrate(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &t))
		return false;
	return dw_peel(&t, out);
}

/* Byte offset of a member within its parent: DW_AT_data_member_location as
 * a constant or (older producers) a DW_OP_plus_uconst expression, plus
 * DW_AT_data_bit_offset / 8 for DWARF 4+ bit fields. */
static bool dw_member_offset(Dwarf_Die *member, uint64_t *off_ret)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	uint64_t off = 0;

	if (dwarf_attr(member, DW_AT_data_member_location, &attr)) {
		if (dwarf_formudata(&attr, &w) == 0) {
			off = w;
		} else {
			Dwarf_Op *ops;
			size_t nops;
			if (dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1 ||
			    (ops[0].atom != DW_OP_plus_uconst && ops[0].atom != DW_OP_constu))
				return false;
			off = ops[0].number;
		}
	}
	if (dwarf_attr(member, DW_AT_data_bit_offset, &attr) && dwarf_formudata(&attr, &w) == 0)
		off += w / 8;
	*off_ret = off;
	return true;
}

/* Finds a named member of a struct/union, descending into unnamed struct and
 * union members (struct page keeps most fields in anonymous unions). */
static bool dw_find_member(Dwarf_Die *agg, const char *name, int depth, Dwarf_Die *member_ret,
			   uint64_t *off_ret)
{
	Dwarf_Die child;
	if (depth > DW_MEMBER_DEPTH || dwarf_child(agg, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		const char *mname = dwarf_diename(&child);
		uint64_t off;
		if (mname && strcmp(mname, name) == 0) {
			if (!dw_member_offset(&child, &off))
				return false;
			*member_ret = child;
			*off_ret = off;
			return true;
		}
		if (mname)
			continue;
		Dwarf_Die t;
		if (!dw_type_of(&child, &t))
			continue;
		int tag = dwarf_tag(&t);
		if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
			continue;
		uint64_t inner;
		if (dw_member_offset(&child, &off) &&
		    dw_find_member(&t, name, depth + 1, member_ret, &inner)) {
			*off_ret = off + inner;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* Length of the first dimension of an array type (peeled), or false when
 * the type is not an array or its bound is unknown (an `extern T x[];`
 * declaration must not give a length: REFERENCE.md 5.3 shows what that did
 * to Debian 1.7.2's LENGTH(node_data)). */
static bool dw_array_length(Dwarf_Die *type, uint64_t *len_ret)
{
	Dwarf_Die sub;
	if (dwarf_tag(type) != DW_TAG_array_type || dwarf_child(type, &sub) != 0)
		return false;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		Dwarf_Attribute attr;
		Dwarf_Word w;
		Dwarf_Sword lower = 0, upper;
		if (dwarf_attr(&sub, DW_AT_count, &attr) && dwarf_formudata(&attr, &w) == 0) {
			*len_ret = w;
			return true;
		}
		if (dwarf_attr(&sub, DW_AT_lower_bound, &attr) &&
		    dwarf_formsdata(&attr, &lower) != 0)
			return false;
		if (!dwarf_attr(&sub, DW_AT_upper_bound, &attr) ||
		    dwarf_formsdata(&attr, &upper) != 0)
			return false;
		/* GCC encodes a zero-length array as upper bound -1. */
		*len_ret = upper < lower ? 0 : (uint64_t)(upper - lower) + 1;
		return true;
	} while (dwarf_siblingof(&sub, &sub) == 0);
	return false;
}

/* True if the definition has at least one of the members wanted for its
 * name, or none is wanted. Unrelated kernel files sometimes define a struct
 * of the same name (a `struct log` in a driver); that one must not win. */
static bool dw_type_plausible(struct dw_ctx *c, int chain, Dwarf_Die *agg)
{
	bool wants_member = false;
	for (int e = chain; e >= 0; e = c->index.entries[e].next) {
		const struct dw_entry *en = &c->index.entries[e];
		if (!en->member)
			continue;
		wants_member = true;
		Dwarf_Die m;
		uint64_t off;
		if (dw_find_member(agg, en->member, 0, &m, &off))
			return true;
	}
	return !wants_member;
}

/* A definition of a wanted type name: record its size and the wanted
 * members' offsets and array lengths. */
static void dw_handle_type(struct dw_ctx *c, int chain, Dwarf_Die *die)
{
	if (c->type_done[chain] || dwarf_hasattr(die, DW_AT_declaration))
		return;
	Dwarf_Die agg;
	if (!dw_peel(die, &agg))
		return;
	int tag = dwarf_tag(&agg);
	bool is_agg = tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
	if (is_agg && (dwarf_hasattr(&agg, DW_AT_declaration) || !dwarf_hasattr(&agg, DW_AT_byte_size)))
		return; /* typedef of an incomplete struct */
	if (is_agg && !dw_type_plausible(c, chain, &agg))
		return;

	for (int e = chain; e >= 0; e = c->index.entries[e].next) {
		const struct dw_entry *en = &c->index.entries[e];
		if (en->kind == KFK_SIZE) {
			Dwarf_Word size;
			if (dwarf_aggregate_size(die, &size) == 0)
				dw_set(c, en->id, size);
			continue;
		}
		Dwarf_Die m;
		uint64_t off;
		if (!is_agg || !dw_find_member(&agg, en->member, 0, &m, &off))
			continue;
		if (en->kind == KFK_OFFSET) {
			dw_set(c, en->id, off);
		} else if (en->kind == KFK_LENGTH) {
			Dwarf_Die t;
			uint64_t len;
			if (dw_type_of(&m, &t) && dw_array_length(&t, &len))
				dw_set(c, en->id, len);
		}
	}
	c->type_done[chain] = true;
}

/* A variable definition of a wanted name: LENGTH(name) of its array type. */
static void dw_handle_var(struct dw_ctx *c, int chain, Dwarf_Die *die)
{
	if (dwarf_hasattr(die, DW_AT_declaration))
		return;
	Dwarf_Die t;
	uint64_t len;
	if (!dw_type_of(die, &t) || !dw_array_length(&t, &len))
		return;
	for (int e = chain; e >= 0; e = c->index.entries[e].next)
		if (!c->found[c->index.entries[e].id])
			dw_set(c, c->index.entries[e].id, len);
}

static bool dw_enumerator_value(Dwarf_Die *en, int64_t *val_ret)
{
	Dwarf_Attribute attr;
	if (!dwarf_attr(en, DW_AT_const_value, &attr))
		return false;
	int form = dwarf_whatform(&attr);
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
		Dwarf_Sword s;
		if (dwarf_formsdata(&attr, &s) != 0)
			return false;
		*val_ret = s;
		return true;
	}
	Dwarf_Word u;
	if (dwarf_formudata(&attr, &u) != 0)
		return false;
	*val_ret = (int64_t)u;
	return true;
}

/* Page-type mapcount values from the enum pagetype enumerators, as the
 * kernel's vmcore_info.c defines them (REFERENCE.md 6.4): 6.12+ exports
 * PAGE_<T>_MAPCOUNT_VALUE = PGTY_<t> << 24, 6.9-6.11 ~PG_<t>; both as a
 * 32-bit int. The fact name is formed from the enumerator's, so any such
 * value in kernel_facts.def is filled when the enumerator exists. */
static void dw_handle_pagetype(struct dw_ctx *c, const char *name, int64_t val)
{
	const char *type;
	uint32_t word;
	if (strncmp(name, "PGTY_", 5) == 0) {
		type = name + 5;
		word = (uint32_t)val << 24;
	} else if (strncmp(name, "PG_", 3) == 0) {
		type = name + 3;
		word = ~(uint32_t)val;
	} else {
		return;
	}
	char fact[64];
	size_t n = (size_t)snprintf(fact, sizeof(fact), "PAGE_%s_MAPCOUNT_VALUE", type);
	if (n >= sizeof(fact))
		return;
	for (size_t i = 5; i < n && fact[i]; i++)
		fact[i] = (char)toupper((unsigned char)fact[i]);
	int e = dw_index_find(&c->index, DW_ROLE_ENUM, fact);
	if (e >= 0 && !c->found[c->index.entries[e].id])
		dw_set(c, c->index.entries[e].id, (uint64_t)(int64_t)(int32_t)word);
}

static void dw_handle_enum(struct dw_ctx *c, Dwarf_Die *die)
{
	const char *ename = dwarf_diename(die);
	bool is_pageflags = ename && strcmp(ename, "pageflags") == 0;
	bool is_pagetype = ename && strcmp(ename, "pagetype") == 0;
	Dwarf_Die child;
	if (dwarf_child(die, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_enumerator)
			continue;
		const char *name = dwarf_diename(&child);
		int64_t val;
		if (!name || !dw_enumerator_value(&child, &val))
			continue;
		if (is_pagetype) {
			dw_handle_pagetype(c, name, val);
			continue;
		}
		/* Page flag bits come only from enum pageflags: 6.9-6.11's enum
		 * pagetype reuses PG_buddy, PG_slab, ... for masks (6.4). */
		if (strncmp(name, "PG_", 3) == 0 && !is_pageflags)
			continue;
		int e = dw_index_find(&c->index, DW_ROLE_ENUM, name);
		if (e >= 0 && !c->found[c->index.entries[e].id])
			dw_set(c, c->index.entries[e].id, (uint64_t)val);
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* One top-level DIE of a unit. */
static void dw_handle_die(struct dw_ctx *c, Dwarf_Die *die)
{
	const char *name;
	int e;
	switch (dwarf_tag(die)) {
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_typedef:
	case DW_TAG_base_type:
		name = dwarf_diename(die);
		if (name && (e = dw_index_find(&c->index, DW_ROLE_TYPE, name)) >= 0)
			dw_handle_type(c, e, die);
		break;
	case DW_TAG_enumeration_type:
		dw_handle_enum(c, die);
		break;
	case DW_TAG_variable:
		name = dwarf_diename(die);
		if (name && (e = dw_index_find(&c->index, DW_ROLE_VAR, name)) >= 0)
			dw_handle_var(c, e, die);
		break;
	default:
		break;
	}
}

/* The part of the file mapping that holds .debug_info, when libelf reads
 * it straight from its read-only mmap of the file (not decompressed). */
struct dw_mapped {
	const char *start;
	size_t size;
	size_t dropped; /* bytes from start already given back */
};

static void dw_find_mapped_info(Elf *elf, struct dw_mapped *m)
{
	size_t shstrndx, raw_size;
	char *raw = elf_rawfile(elf, &raw_size);
	Elf_Scn *scn = NULL;
	memset(m, 0, sizeof(*m));
	if (!raw || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		const char *name;
		if (!gelf_getshdr(scn, &shdr) || !(name = elf_strptr(elf, shstrndx, shdr.sh_name)) ||
		    strcmp(name, ".debug_info") != 0 || (shdr.sh_flags & SHF_COMPRESSED))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (data && data->d_buf == raw + shdr.sh_offset && data->d_size <= raw_size) {
			m->start = data->d_buf;
			m->size = data->d_size;
		}
		return;
	}
}

/* Gives back the pages of .debug_info below offset: units are read in
 * order and no GCC-made reference crosses units, so the walk touches each
 * page about once and would otherwise keep the whole 170 MB section (of a
 * 600 MB vmlinux) resident. The mapping is PROT_READ and private, so a page
 * dropped by mistake is simply read again from the file. */
static void dw_drop_below(struct dw_mapped *m, uint64_t offset)
{
	const uint64_t chunk = UINT64_C(16) << 20;
	long page = sysconf(_SC_PAGESIZE);
	if (!m->start || page <= 0 || offset > m->size || offset < m->dropped + chunk)
		return;
	uintptr_t from = ((uintptr_t)m->start + m->dropped + (uintptr_t)page - 1) &
			 ~((uintptr_t)page - 1);
	uintptr_t to = ((uintptr_t)m->start + offset) & ~((uintptr_t)page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	m->dropped = offset;
}

static struct mdf_error *dw_scan_dwarf(struct dw_ctx *c, Dwarf *dbg, struct dw_mapped *mapped,
				       const struct dwarf_visitor *v)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	Dwarf_Half version;
	uint8_t unit_type;
	size_t units = 0;
	int r;

	while ((r = dwarf_get_units(dbg, cu, &cu, &version, &unit_type, &cudie, &subdie)) == 0) {
		units++;
		if (unit_type == DW_UT_compile || unit_type == DW_UT_partial)
			dw_drop_below(mapped, dwarf_dieoffset(&cudie));
		Dwarf_Die child;
		if (dwarf_child(&cudie, &child) != 0)
			continue;
		do {
			dw_handle_die(c, &child);
			if (v)
				v->die(v->arg, &child);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (r < 0)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: reading DWARF unit %zu: %s", c->path,
					units + 1, dwarf_errmsg(-1));
	if (units == 0)
		return mdf_error_create(MDF_ERR_NODATA, "%s has no debug information", c->path);
	mdf_msgf(c->msg, MDF_MSG_DEBUG, "%s: %zu DWARF units read", c->path, units);
	if (v && v->done)
		v->done(v->arg);
	return NULL;
}

/* Facts computed from others once everything is read. */
static void dw_derive(struct dw_ctx *c)
{
	if (c->found[KF_NUMBER_PG_head] && !c->found[KF_NUMBER_PG_head_mask] &&
	    kf_get(c->kf, KF_NUMBER_PG_head) < 64)
		dw_set(c, KF_NUMBER_PG_head_mask, UINT64_C(1) << kf_get(c->kf, KF_NUMBER_PG_head));
	/* Since 2.6.23 node_online_map is the macro node_states[N_ONLINE]; the
	 * kernel's note gives that element's address (REFERENCE.md 5.4). */
	if (!c->found[KF_SYMBOL_node_online_map] && c->found[KF_SYMBOL_node_states] &&
	    c->found[KF_NUMBER_N_ONLINE] && c->found[KF_SIZE_nodemask_t])
		dw_set(c, KF_SYMBOL_node_online_map,
		       kf_get(c->kf, KF_SYMBOL_node_states) +
			       kf_get(c->kf, KF_NUMBER_N_ONLINE) * kf_get(c->kf, KF_SIZE_nodemask_t));
	/* Where the kernel defines swapper_pg_dir as init_top_pgt (x86, 4.13+),
	 * the note's two values are equal (REFERENCE.md 5.4); init_top_pgt
	 * exists on that architecture only. */
	if (!c->found[KF_SYMBOL_swapper_pg_dir] && c->found[KF_SYMBOL_init_top_pgt])
		dw_set(c, KF_SYMBOL_swapper_pg_dir, kf_get(c->kf, KF_SYMBOL_init_top_pgt));
}

/* Decompresses SHF_COMPRESSED debug sections up front: libdw would do it
 * too, but would report a failure (zstd with elfutils < 0.189) only as
 * "no error" when reading the first unit. */
static struct mdf_error *dw_decompress(const char *path, Elf *elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: bad section headers: %s", path,
					elf_errmsg(-1));
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		const char *name;
		if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_COMPRESSED) ||
		    !(name = elf_strptr(elf, shstrndx, shdr.sh_name)) ||
		    strncmp(name, ".debug_", 7) != 0)
			continue;
		if (elf_compress(scn, 0, 0) < 0) {
			GElf_Chdr chdr;
			unsigned type = gelf_getchdr(scn, &chdr) ? chdr.ch_type : 0;
			return mdf_error_create(MDF_ERR_NOTSUPP,
						"%s: cannot decompress section %s (compression type %u): %s",
						path, name, type, elf_errmsg(-1));
		}
	}
	return NULL;
}

/* A vmlinux cut short (an interrupted copy) loses its section headers,
 * which sit at the end, or the tail of its sections: say so rather than
 * "no debug information". */
static struct mdf_error *dw_check_truncated(const char *path, int fd, Elf *elf,
					     const GElf_Ehdr *ehdr)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return mdf_error_os(errno, "cannot stat %s", path);
	uint64_t size = (uint64_t)st.st_size;
	uint64_t shend = ehdr->e_shoff + (uint64_t)ehdr->e_shnum * ehdr->e_shentsize;
	if (ehdr->e_shoff > size || shend > size)
		return mdf_error_create(MDF_ERR_CORRUPT,
					"%s is truncated: section headers end at %" PRIu64
					", file size %" PRIu64, path, shend, size);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS)
			continue;
		if (shdr.sh_offset > size || shdr.sh_size > size - shdr.sh_offset)
			return mdf_error_create(MDF_ERR_CORRUPT,
						"%s is truncated: section %zu ends at %" PRIu64
						", file size %" PRIu64, path, elf_ndxscn(scn),
						shdr.sh_offset + shdr.sh_size, size);
	}
	return NULL;
}

static struct mdf_error *dw_open(const char *path, int *fd_ret, Elf **elf_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mdf_error_os(errno, "cannot open %s", path);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return mdf_error_create(MDF_ERR_CORRUPT, "%s is not an ELF file", path);
	}
	GElf_Ehdr ehdr;
	size_t shnum;
	if (!gelf_getehdr(elf, &ehdr) || elf_getshdrnum(elf, &shnum) != 0) {
		struct mdf_error *err = mdf_error_create(MDF_ERR_CORRUPT, "%s: bad ELF header: %s",
							 path, elf_errmsg(-1));
		elf_end(elf);
		close(fd);
		return err;
	}
	struct mdf_error *err = dw_check_truncated(path, fd, elf, &ehdr);
	if (err) {
		elf_end(elf);
		close(fd);
		return err;
	}
	*fd_ret = fd;
	*elf_ret = elf;
	return NULL;
}

struct mdf_error *dwarf_open(const char *path, int *fd_ret, Elf **elf_ret, Dwarf **dbg_ret)
{
	elf_version(EV_CURRENT);
	int fd = -1;
	Elf *elf = NULL;
	struct mdf_error *err = dw_open(path, &fd, &elf);
	if (!err)
		err = dw_decompress(path, elf);
	Dwarf *dbg = err ? NULL : dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!err && !dbg) {
		int de = dwarf_errno();
		if (de == 0 || strstr(dwarf_errmsg(de), "no DWARF"))
			err = mdf_error_create(MDF_ERR_NODATA, "%s has no debug information", path);
		else
			err = mdf_error_create(MDF_ERR_CORRUPT, "%s: cannot read DWARF: %s", path,
					       dwarf_errmsg(de));
	}
	if (err) {
		if (elf)
			elf_end(elf);
		if (fd >= 0)
			close(fd);
		return err;
	}
	*fd_ret = fd;
	*elf_ret = elf;
	*dbg_ret = dbg;
	return NULL;
}

struct mdf_error *dwarf_read_facts(const char *vmlinux, struct kfacts *kf,
				   const struct mdf_msg *msg)
{
	return dwarf_read_facts_visit(vmlinux, kf, msg, NULL);
}

struct mdf_error *dwarf_read_facts_visit(const char *vmlinux, struct kfacts *kf,
					 const struct mdf_msg *msg,
					 const struct dwarf_visitor *visitor)
{
	struct dw_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return mdf_error_nomem();
	c->path = vmlinux;
	c->kf = kf;
	c->msg = msg;
	dw_index_build(&c->index);

	int fd = -1;
	Elf *elf = NULL;
	Dwarf *dbg = NULL;
	/* libdw decompresses GNU .zdebug sections itself. */
	struct mdf_error *err = dwarf_open(vmlinux, &fd, &elf, &dbg);
	if (err)
		goto out;
	dw_scan_symtab(c, elf);
	struct dw_mapped mapped;
	dw_find_mapped_info(elf, &mapped);
	err = dw_scan_dwarf(c, dbg, &mapped, visitor);
	if (err)
		goto out;
	dw_derive(c);
	dw_read_release(c, elf);
	dw_read_build_id(kf, elf);
out:
	if (dbg)
		dwarf_end(dbg);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	free(c);
	return err;
}
