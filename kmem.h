/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the dumped kernel's memory by virtual address: a vmcore reader,
 * the kernel facts and the architecture's translation, with a small cache
 * of recent page-table leaves so sequential reads (struct pages through
 * vmemmap) do not walk the tables again. REFERENCE.md 7.
 * Not thread-safe: one kmem per thread. */
#ifndef MDF_KMEM_H
#define MDF_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "error.h"
#include "input.h"
#include "kernel_facts.h"

struct kmem;

/* Creates a kmem over an opened dump: picks the architecture from its
 * e_machine (input_facts) and initialises it (phys_base, root, ...) with
 * the dump's memory segments (empty for a kdump-compressed input) and
 * physical reads through an input reader. in and kf must outlive the kmem. */
struct mdf_error *kmem_create(struct input *in, const struct kfacts *kf,
			      const struct mdf_msg *msg, struct kmem **ret);

/* Creates a kmem over any physical memory (tests, other input formats):
 * loads may be empty (then phys_base and the direct map come from the
 * facts or the page tables). phys is copied; its arg must outlive the kmem. */
struct mdf_error *kmem_create_phys(uint16_t e_machine, uint64_t page_size,
				   const struct vmcore_load *loads, size_t nr_loads,
				   const struct arch_phys *phys, const struct kfacts *kf,
				   const struct mdf_msg *msg, struct kmem **ret);

/* Frees; NULL is a no-op. */
void kmem_destroy(struct kmem *km);

/* The architecture chosen and what it learned (phys_base, root, ...). */
const struct arch_ops *kmem_arch(const struct kmem *km);
const struct arch_state *kmem_arch_state(const struct kmem *km);

/* The dumped kernel's page size. */
uint64_t kmem_page_size(const struct kmem *km);

/* Reads physical memory. */
struct mdf_error *kmem_read_phys(struct kmem *km, uint64_t paddr, void *buf, size_t len);

/* Translates a virtual address (cached). */
struct mdf_error *kmem_vtop(struct kmem *km, uint64_t vaddr, uint64_t *paddr_ret);

/* Translates without the cache and records every level (for --vtop). */
struct mdf_error *kmem_vtop_trace(struct kmem *km, uint64_t vaddr, struct arch_vtop_trace *trace);

/* Reads len bytes of kernel virtual memory; the range may cross pages and
 * leaves. Errors name the virtual address that failed. */
struct mdf_error *kmem_read(struct kmem *km, uint64_t vaddr, void *buf, size_t len);

/* Reads one little-endian 64-bit or 32-bit value at a virtual address. */
struct mdf_error *kmem_read_u64(struct kmem *km, uint64_t vaddr, uint64_t *ret);
struct mdf_error *kmem_read_u32(struct kmem *km, uint64_t vaddr, uint32_t *ret);

/* True if vaddr is in the kernel half of the address space. */
bool kmem_is_kernel_va(const struct kmem *km, uint64_t vaddr);

/* The PT_LOADs given at creation (borrowed; may be empty). */
const struct vmcore_load *kmem_loads(const struct kmem *km, size_t *nr_ret);

/* Drops the translation cache (after the page tables' memory changed, in
 * tests). */
void kmem_flush_cache(struct kmem *km);

#endif
