/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one table of kernel facts (symbols, sizes, offsets, lengths, numbers),
 * filled from VMCOREINFO (vmcoreinfo.c), a -i file, or DWARF (dwarf_info.c). */
#ifndef MDF_KERNEL_FACTS_H
#define MDF_KERNEL_FACTS_H

#include <stdbool.h>
#include <stdint.h>

enum kfact_id {
#define FACT_SYMBOL(n) KF_SYMBOL_##n,
#define FACT_SIZE(t) KF_SIZE_##t,
#define FACT_OFFSET(t, m) KF_OFFSET_##t##_##m,
#define FACT_LENGTH(n) KF_LENGTH_##n,
#define FACT_LENGTH2(t, m) KF_LENGTH_##t##_##m,
#define FACT_NUMBER(n) KF_NUMBER_##n,
#include "kernel_facts.def"
#undef FACT_SYMBOL
#undef FACT_SIZE
#undef FACT_OFFSET
#undef FACT_LENGTH
#undef FACT_LENGTH2
#undef FACT_NUMBER
	KF_COUNT
};

enum kfact_kind {
	KFK_SYMBOL,  /* hex address */
	KFK_SIZE,    /* decimal byte size of a type */
	KFK_OFFSET,  /* decimal byte offset of a member */
	KFK_LENGTH,  /* decimal array length */
	KFK_NUMBER,  /* signed decimal (or hex) constant */
};

struct kfact_desc {
	enum kfact_kind kind;
	const char *name;   /* symbol / type / array name */
	const char *member; /* member for OFFSET and LENGTH2, else NULL */
	const char *key;    /* VMCOREINFO key, e.g. "OFFSET(page.flags)" */
};

/* Description of each fact, indexed by enum kfact_id. */
extern const struct kfact_desc kfact_table[KF_COUNT];

#define KF_RELEASE_LEN 65

struct kfacts {
	uint64_t value[KF_COUNT]; /* NUMBERs are stored as int64 bit patterns */
	bool have[KF_COUNT];
	char osrelease[KF_RELEASE_LEN]; /* "" when absent */
	char build_id[128];
	uint64_t page_size;     /* PAGESIZE, 0 when absent */
	uint64_t kerneloffset;  /* KERNELOFFSET (KASLR text offset) */
	bool have_kerneloffset;
	uint64_t crashtime;     /* CRASHTIME, seconds */
	bool have_crashtime;
	/* Lines the VMCOREINFO parser skipped as malformed: how many, and for
	 * each fact the number of its first bad line (0 = none), so that a
	 * mode that needs the fact can say why it is missing. */
	unsigned int nr_bad_lines;
	uint32_t bad_line[KF_COUNT];
};

/* Clears every fact (nothing known). */
void kfacts_init(struct kfacts *kf);

/* True if the fact is known. */
static inline bool kf_have(const struct kfacts *kf, enum kfact_id id)
{
	return kf->have[id];
}

/* The fact's value (0 when unknown; test kf_have first where 0 is valid). */
static inline uint64_t kf_get(const struct kfacts *kf, enum kfact_id id)
{
	return kf->value[id];
}

/* A NUMBER fact as a signed value. */
static inline int64_t kf_get_signed(const struct kfacts *kf, enum kfact_id id)
{
	return (int64_t)kf->value[id];
}

/* Offset of init_uts_ns.name in struct uts_namespace: the exported value,
 * else 4, since kernels that do not export it (before 5.11) start the
 * struct with a 4-byte struct kref. */
static inline uint64_t kf_uts_name_offset(const struct kfacts *kf)
{
	return kf->have[KF_OFFSET_uts_namespace_name] ? kf->value[KF_OFFSET_uts_namespace_name]
						       : 4;
}

/* Records a fact. */
static inline void kf_set(struct kfacts *kf, enum kfact_id id, uint64_t value)
{
	kf->value[id] = value;
	kf->have[id] = true;
}

/* Writes why fact id is unknown into buf: "which is missing from
 * VMCOREINFO", or "whose VMCOREINFO line N is malformed" when the parser
 * skipped its line. */
void kf_why_missing(const struct kfacts *kf, enum kfact_id id, char *buf, unsigned long len);

/* Writes "KEY=value, KEY=value, KEY absent" for the n facts of ids into buf
 * (NUMBERs signed, SYMBOLs in hex), for errors that name the facts a
 * failed decision used (any of them may be the damaged one). */
void kf_format_facts(const struct kfacts *kf, const enum kfact_id *ids, unsigned long n, char *buf,
		     unsigned long len);

/* Fills in every fact of src that dst lacks (dst's values win). */
void kfacts_merge(struct kfacts *dst, const struct kfacts *src);

/* Looks a fact up by its VMCOREINFO key; returns KF_COUNT if unknown. */
enum kfact_id kfacts_lookup_key(const char *key, unsigned long keylen);

#endif
