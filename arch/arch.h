/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Architecture layer: everything that differs between the architectures of
 * the dumped kernel, chosen at run time from the dump (ELF e_machine, or a
 * kdump header's utsname.machine), so an x86_64 host can process an arm64
 * dump. An architecture owns:
 *   - address translation (page-table geometry and walk) and the kernel
 *     virtual ranges it knows (direct map, vmalloc, vmemmap, modules, image);
 *   - the defaults for facts a VMCOREINFO note or a vmlinux may lack;
 *   - the probe that finds the KASLR offset and the physical load address
 *     from the dump when the note is hidden (-x/-i without a note).
 * Outside arch/, no file names an architecture: adding one is one file here
 * plus its row in arch.c's table. The walkers read physical memory only
 * through a callback, which keeps them testable on in-memory fixtures.
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
 * returns an error (MDF_ERR_NODATA for an address in no memory segment). */
struct arch_phys {
	struct mdf_error *(*read)(void *arg, uint64_t paddr, void *buf, size_t len);
	void *arg;
};

/* The dump as the probes see it: physical memory, and the memory segments
 * with their virtual addresses (kexec's PT_LOADs; empty for an input that
 * has none, such as a kdump-compressed file). */
struct arch_dump {
	uint64_t page_size;              /* the input's page size (may be the host's guess) */
	const struct vmcore_load *loads; /* may be NULL when nr_loads is 0 */
	size_t nr_loads;
	struct arch_phys phys;
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
	uint64_t leaf_size;    /* bytes mapped by the leaf: 4 KiB, 2 MiB, 1 GiB, ... */
};

/* Kernel virtual ranges an architecture can name. */
enum arch_range_kind {
	ARCH_RANGE_DIRECT_MAP, /* the linear map of physical memory */
	ARCH_RANGE_VMALLOC,
	ARCH_RANGE_VMEMMAP,    /* struct page arrays */
	ARCH_RANGE_MODULES,
	ARCH_RANGE_IMAGE,      /* the kernel image mapping */
	ARCH_RANGE_NR
};

/* [start, end) of one range; exact = learned from the dump (note, page
 * tables, PT_LOADs), else a documented default for the layout. */
struct arch_range {
	uint64_t start;
	uint64_t end;
	bool known;
	bool exact;
};

/* Per-architecture words of the state (geometry the walk needs). */
enum { ARCH_PRIV_WORDS = 8 };

/* What an architecture learned about the dumped kernel at init time. */
struct arch_state {
	uint64_t phys_base;        /* the kdump sub-header's phys_base: x86_64
				    * physical minus virtual load delta; arm64
				    * PHYS_OFFSET (start of RAM) */
	uint64_t root;             /* physical address of the top page table */
	unsigned int levels;       /* paging levels of the walk */
	unsigned int page_shift;   /* the dumped kernel's page size */
	uint64_t entry_mask;       /* address bits of a table entry, sme_mask removed */
	uint64_t page_offset;      /* direct-map base */
	bool have_page_offset;     /* page_offset learned from the dump, not a default */
	const char *page_offset_source; /* "pt_load", "page tables", "vmcoreinfo", "default" */
	uint64_t kernel_va_start;  /* lowest kernel virtual address (KVBASE) */
	/* Sparsemem geometry for the memory model when the facts lack it:
	 * the architecture's defaults for this kernel (0 = no default). */
	uint64_t section_size_bits;
	uint64_t max_physmem_bits;
	struct arch_range range[ARCH_RANGE_NR];
	uint64_t priv[ARCH_PRIV_WORDS]; /* the architecture's own geometry */
};

/* ---- what the dump-side probes get and give (kfacts_dump.c) ---- */

enum { ARCH_BANNER_MAX = 512, ARCH_MAX_SYMS = 8, ARCH_MAX_LEARNED = 12 };

/* A -x vmlinux's extras: the bytes and link-time address of linux_banner,
 * and the link-time addresses of the symbols the architecture asks for in
 * arch_ops.vmlinux_syms (0 = absent). None of these is a VMCOREINFO key. */
struct arch_vmlinux {
	uint64_t banner_addr;      /* link-time address of linux_banner, 0 unknown */
	size_t banner_len;         /* bytes of banner[] to match (with its NUL) */
	char banner[ARCH_BANNER_MAX];
	uint64_t sym[ARCH_MAX_SYMS];
};

/* Everything a probe may look at. base: the -i/-x facts at link-time
 * addresses; note: the dump's own note or NULL; vml: the vmlinux or NULL
 * (with -i). */
struct arch_probe {
	const struct arch_dump *dump;
	const struct kfacts *base;
	const struct kfacts *note;
	const struct arch_vmlinux *vml;
	const struct mdf_msg *msg;
};

/* Where a derived KERNELOFFSET came from. */
enum arch_kaslr_source {
	ARCH_KASLR_PT_LOAD, /* the kernel-image PT_LOAD, verified */
	ARCH_KASLR_BANNER,  /* linux_banner found in physical memory */
};

/* Facts a probe learned, for the caller to fill where still absent. */
struct arch_learned {
	unsigned int nr;
	struct {
		enum kfact_id id;
		uint64_t value;
		const char *why;
	} fact[ARCH_MAX_LEARNED];
};

/* The probe's result: KERNELOFFSET and run-time facts (phys_base, ...). */
struct arch_kaslr {
	uint64_t kerneloffset;
	enum arch_kaslr_source src;
	uint64_t page_size;  /* the kernel's page size when the probe learned it, else 0 */
	struct arch_learned learned;
};

/* Appends a learned fact (ignored when the list is full). */
void arch_learn(struct arch_learned *l, enum kfact_id id, uint64_t value, const char *why);

/* The value learned for id, if any. */
bool arch_learned_get(const struct arch_learned *l, enum kfact_id id, uint64_t *ret);

/* A part of the kernel image [_stext, _end) that the kernel frees after boot
 * and reuses, named by kallsyms symbols: [start, end); with end NULL, start
 * is a variable holding the first freed address and the part runs to the
 * image's end. Without a required pair the whole image stays protected. */
struct arch_image_gap {
	const char *start;
	const char *end;
	bool required;
};

struct arch_ops {
	const char *name;        /* "x86_64", "arm64": messages */
	const char *uts_machine; /* utsname.machine of its kernels: "x86_64", "aarch64" */
	uint16_t e_machine;      /* ELF e_machine of its vmcores */
	bool big_endian;         /* byte order of the kernel's data */

	/* Symbols of a -x vmlinux that find_kaslr/defaults need (NULL-ended,
	 * at most ARCH_MAX_SYMS); their link-time addresses land in
	 * arch_vmlinux.sym[] in this order. */
	const char *const *vmlinux_syms;

	/* Learns phys_base, the page-table root, the paging geometry, the
	 * direct-map base and the kernel ranges from the facts, the segments
	 * (may be empty) and, if needed, by walking the page tables. */
	struct mdf_error *(*init)(struct arch_state *st, const struct kfacts *kf,
				  const struct arch_dump *dump, const struct mdf_msg *msg);

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

	/* KERNELOFFSET and the run-time facts that go with it, from the dump,
	 * when the note does not give them: the KASLR probe. NULL when the
	 * architecture has none. */
	struct mdf_error *(*find_kaslr)(const struct arch_probe *p, struct arch_kaslr *ret);

	/* Defaults and derivations for facts neither -x/-i nor the note gave
	 * (kf is the combined table so far, at run-time addresses). */
	void (*defaults)(const struct arch_probe *p, const struct kfacts *kf,
			 struct arch_learned *ret);

	/* The key of the first fact translation needs that kf lacks, or NULL. */
	const char *(*missing_fact)(const struct kfacts *kf);

	/* Whether -e (unused vmemmap exclusion, REFERENCE.md 6.8) applies. */
	bool vmemmap_exclusion;

	/* The parts of the image the kernel frees (start == NULL ends the
	 * list, at most 6); NULL: none known, the whole image is kept. */
	const struct arch_image_gap *image_gaps;
};

/* The ELF e_machine of a kernel's utsname.machine ("x86_64", "aarch64",
 * ...), as a kdump-compressed header records it (REFERENCE.md 2.2); 0 when
 * the name is empty or unknown. arch/machine.c. */
uint16_t arch_machine_from_utsname(const char *machine);

/* The ELF e_machine that a VMCOREINFO text (LEN bytes, not necessarily
 * NUL-terminated) implies by the entries only one architecture's kernel
 * writes, for a dump whose header does not name its machine (QEMU 11's
 * kdump headers say "Unknown"); 0 when it implies none. arch/machine.c. */
uint16_t arch_machine_from_vmcoreinfo(const char *text, size_t len);

/* The same from parsed kernel facts (VMCOREINFO, -i, -x): 0 when they
 * imply no single machine. arch/machine.c. */
uint16_t arch_machine_from_facts(const struct kfacts *kf);

/* The ops for an ELF e_machine value, or NULL when unsupported. */
const struct arch_ops *arch_find(uint16_t e_machine);

/* The name of a range kind ("direct map", "vmalloc", ...). */
const char *arch_range_name(enum arch_range_kind kind);

/* ---- helpers shared by the architectures' probes (arch.c) ---- */

/* Checks that link + delta is where the image lies: the vmlinux's banner at
 * its physical address pa = banner_link + delta, else (for -i) the release
 * in init_uts_ns. 1 = match, 0 = nothing to compare, -1 = mismatch
 * (found_ret, if not NULL, gets what memory holds there). */
int arch_check_image(const struct arch_probe *p, uint64_t delta, char *found_ret,
		     size_t found_len);

/* Searches physical memory for the vmlinux's banner: first at addresses
 * congruent to banner_link modulo align, over the first aligned_limit bytes
 * of each segment, then at every page over the first page_limit bytes.
 * Segments bound the search; with no segments nothing is found. */
bool arch_find_banner(const struct arch_probe *p, uint64_t align, uint64_t aligned_limit,
		      uint64_t page_limit, uint64_t *pa_ret);

/* Reads a little- or big-endian integer of width 4 or 8 bytes at paddr. */
struct mdf_error *arch_read_phys_int(const struct arch_phys *phys, uint64_t paddr,
				     unsigned int width, bool big_endian, uint64_t *ret);

#endif
