/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Architecture layer: virtual-to-physical translation of the dumped kernel,
 * chosen at run time from the dump's e_machine (so an x86_64 host can
 * process an arm64 dump). The walkers read physical memory only through a
 * callback, which keeps them testable on in-memory fixtures.
 * REFERENCE.md 7 (translation), 7.1 (x86_64), 7.2 (arm64). */
#ifndef MDF_ARCH_H
#define MDF_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "error.h"
#include "kernel_facts.h"

/* Physical memory as the walkers see it. read() fills len bytes at paddr or
 * returns an error (MDF_ERR_NODATA for an address in no PT_LOAD). */
struct arch_phys {
	struct mdf_error *(*read)(void *arg, uint64_t paddr, void *buf, size_t len);
	void *arg;
};

enum { ARCH_MAX_LEVELS = 5 };

/* One level of a page-table walk, for --vtop (REFERENCE.md 1.7). */
struct arch_vtop_step {
	const char *name;      /* "PGD", "P4D", "PUD", "PMD", "PTE" */
	uint64_t entry_paddr;  /* physical address of the entry */
	uint64_t entry;        /* raw entry value */
};

/* The whole walk of one address. */
struct arch_vtop_trace {
	unsigned int nr_steps;
	struct arch_vtop_step step[ARCH_MAX_LEVELS];
	uint64_t paddr;        /* result (valid when the walk succeeded) */
	uint64_t leaf_size;    /* bytes mapped by the leaf: 4 KiB, 2 MiB, 1 GiB */
};

/* What an architecture learned about the dumped kernel at init time. */
struct arch_state {
	uint64_t phys_base;        /* x86_64: physical minus virtual load delta */
	uint64_t root;             /* physical address of the top page table */
	unsigned int levels;       /* paging levels (4 or 5 on x86_64) */
	uint64_t entry_mask;       /* address bits of a table entry, sme_mask removed */
	uint64_t page_offset;      /* direct-map base */
	bool have_page_offset;     /* page_offset learned from the dump, not a default */
	const char *page_offset_source; /* "pt_load", "page tables", "default" */
	uint64_t kernel_va_start;  /* lowest kernel virtual address (KVBASE) */
};

struct arch_ops {
	const char *name;
	uint16_t e_machine;

	/* Learns phys_base, the page-table root, the paging depth and the
	 * direct-map base from the facts, the PT_LOADs (may be empty) and, if
	 * needed, by walking the page tables through phys. */
	struct mdf_error *(*init)(struct arch_state *st, const struct kfacts *kf,
				  const struct vmcore_load *loads, size_t nr_loads,
				  const struct arch_phys *phys, const struct mdf_msg *msg);

	/* Translates vaddr by a bounded page-table walk. Returns the physical
	 * address and the size of the leaf that maps it (for caching); trace,
	 * when not NULL, receives every level visited. A missing level is an
	 * MDF_ERR_NODATA error with the address as offset. */
	struct mdf_error *(*vtop)(const struct arch_state *st, const struct arch_phys *phys,
				  uint64_t vaddr, uint64_t *paddr_ret, uint64_t *leaf_size_ret,
				  struct arch_vtop_trace *trace);

	/* True if vaddr lies in the kernel half of the address space (used to
	 * validate pointers read from the dump). */
	bool (*is_kernel_va)(const struct arch_state *st, uint64_t vaddr);
};

/* The ELF e_machine of a kernel's utsname.machine ("x86_64", "aarch64",
 * ...), as a kdump-compressed header records it (REFERENCE.md 2.2); 0 when
 * the name is empty or unknown. arch/machine.c. */
uint16_t arch_machine_from_utsname(const char *machine);

/* The ops for an ELF e_machine value, or NULL when unsupported. */
const struct arch_ops *arch_find(uint16_t e_machine);

/* The x86_64 ops (arch/x86_64.c). */
extern const struct arch_ops arch_x86_64_ops;

#endif
