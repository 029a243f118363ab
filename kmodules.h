/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dumped kernel's loaded modules, read from its memory: the `modules`
 * list (struct module: name, symbol table) and the `btf_modules` list of
 * kernel/bpf/btf.c (each module's BTF), and the kernel's own BTF between
 * __start_BTF and __stop_BTF. Member offsets come from the caller (from
 * vmlinux's type information), so this module knows no kernel version;
 * memory comes through a reader callback, so it can be fuzzed. Every walk
 * and every size read from the dump is bounded. */
#ifndef MDF_KMODULES_H
#define MDF_KMODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum {
	KMOD_NAME_MAX = 64,             /* MODULE_NAME_LEN is 56 on 64-bit */
	KMOD_MAX_MODULES = 1 << 16,     /* list nodes walked */
	KMOD_MAX_SYMS = 1 << 20,        /* entries of one module's symtab */
	KMOD_MAX_SYMNAME = 512,         /* KSYM_NAME_LEN */
	KBTF_MAX_VMLINUX = 64 << 20,    /* bytes of vmlinux BTF (6.1: 4.3 MB) */
	KBTF_MAX_MODULE = 16 << 20,     /* bytes of one module's BTF */
};

/* Reads len bytes of kernel virtual memory. */
struct kmod_reader {
	struct mdf_error *(*read)(void *arg, uint64_t va, void *buf, size_t len);
	void *arg;
};

/* Offsets in struct module (and struct mod_kallsyms, 4.5+). */
struct kmod_layout {
	uint64_t list;          /* module.list (a list_head; next at +0) */
	uint64_t name;          /* module.name */
	uint32_t name_len;      /* its array length */
	bool kallsyms_ptr;      /* module.kallsyms points to a mod_kallsyms */
	uint64_t kallsyms;      /* offset of that pointer */
	uint64_t symtab, num_symtab, strtab; /* in mod_kallsyms, or in module */
	uint32_t num_symtab_size; /* 4 or 8 */
};

struct kmod {
	uint64_t addr;          /* the struct module */
	char name[KMOD_NAME_MAX];
	uint64_t symtab, strtab;
	uint64_t num_symtab;
};

/* Finds the loaded module `name` ('-' and '_' are the same) on the list
 * whose head is at modules_head. */
struct mdf_error *kmod_find(const struct kmod_reader *rd, uint64_t modules_head,
			    const struct kmod_layout *l, const char *name, struct kmod *ret,
			    bool *found_ret);

/* Looks up n names in a module's symbol table (Elf64_Sym entries with
 * absolute addresses, as the kernel keeps them after loading); a data
 * object wins over another symbol of the same name. */
struct mdf_error *kmod_symbols(const struct kmod_reader *rd, const struct kmod *m,
			       const char *const *names, size_t n, uint64_t *addrs_ret,
			       bool *found_ret);

/* Offsets in struct btf_module and struct btf (kernel/bpf/btf.c, 5.11+). */
struct kbtf_layout {
	uint64_t bm_list;       /* btf_module.list */
	uint64_t bm_btf;        /* btf_module.btf (a pointer) */
	uint64_t data;          /* btf.data (a pointer to the raw BTF) */
	uint64_t data_size;     /* btf.data_size (u32) */
	uint64_t name;          /* btf.name */
	uint32_t name_len;
};

/* Copies the kernel's BTF [start, stop) (malloc'ed; the caller frees). */
struct mdf_error *kbtf_vmlinux(const struct kmod_reader *rd, uint64_t start, uint64_t stop,
			       void **data_ret, size_t *size_ret);

/* Finds the BTF of module `name` on the btf_modules list and copies it. */
struct mdf_error *kbtf_module(const struct kmod_reader *rd, uint64_t head,
			      const struct kbtf_layout *l, const char *name, void **data_ret,
			      size_t *size_ret, bool *found_ret);

#endif
