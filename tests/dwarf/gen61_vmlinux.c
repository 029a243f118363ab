/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A vmlinux-like object for tests/cases/x-vmlinux-generated.sh: the types,
 * enums and globals of the 6.1 layout that tests/mkvmcore_kernel.h writes
 * (its kernel_eras[] "6.1" row and kernel_note()), so that -x on a
 * generated 6.1 vmcore whose VMCOREINFO note is hidden finds the same facts
 * as the note gives (REFERENCE.md 5.1, 5.4, 6.1, 7.1).
 *
 * Build (tests/x_vmlinux_gen.py does it):
 *   gcc -g -fno-eliminate-unused-debug-types -fdata-sections -c
 *   ld -T <script from the note> -o vmlinux gen61_vmlinux.o
 * Every global sits in its own section (.data.NAME, .bss.NAME,
 * .rodata.NAME), so the linker script puts each at the link-time address
 * the generator uses (the note's SYMBOL value minus KERNELOFFSET).
 *
 * GEN61_WRONG_LRU swaps PG_lru and PG_active: a deliberately wrong fixture,
 * to show the case can fail. */
#include <stddef.h>

#define GEN61_RELEASE "6.1.0-56-amd64"

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic64_t;
typedef atomic64_t atomic_long_t;

struct list_head { struct list_head *next, *prev; };

/* 6.1 page flags (kernel_eras[] "6.1": lru 4, private 13, swapcache 10,
 * swapbacked 19, slab 9, hwpoison 23, head 16, uptodate 2, reserved 12). */
enum pageflags {
	PG_locked, PG_referenced, PG_uptodate, PG_dirty,
#ifdef GEN61_WRONG_LRU
	PG_active, PG_lru,
#else
	PG_lru, PG_active,
#endif
	PG_workingset, PG_waiters, PG_error, PG_slab, PG_owner_priv_1,
	PG_arch_1, PG_reserved, PG_private, PG_private_2, PG_writeback,
	PG_head, PG_mappedtodisk, PG_reclaim, PG_swapbacked, PG_unevictable,
	PG_mlocked, PG_uncached, PG_hwpoison, PG_young, PG_idle, PG_arch_2,
	__NR_PAGEFLAGS,
	PG_swapcache = PG_owner_priv_1,
};

/* NUMBER(HUGETLB_PAGE_DTOR)=2 (kernels up to 6.2). */
enum compound_dtor_id { NULL_COMPOUND_DTOR, COMPOUND_PAGE_DTOR, HUGETLB_PAGE_DTOR,
	TRANSHUGE_PAGE_DTOR, NR_COMPOUND_DTORS };
enum zone_stat_item { NR_FREE_PAGES, NR_ZONE_LRU_BASE, NR_VM_ZONE_STAT_ITEMS = 12 };

/* SIZE(page)=64: flags@0, lru/compound_head@8, compound_dtor@16,
 * compound_order@17, mapping@24, private@40, _mapcount@48, _refcount@52. */
struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			void *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {
			unsigned long compound_head;
			unsigned char compound_dtor;
			unsigned char compound_order;
			atomic_t compound_mapcount;
			atomic_t compound_pincount;
			unsigned int compound_nr;
		};
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type;
	};
	atomic_t _refcount;
	unsigned long memcg_data;
};

/* SIZE(free_area)=88, LENGTH(free_area.free_list)=5. */
struct free_area {
	struct list_head free_list[5];
	unsigned long nr_free;
};

/* SIZE(zone)=1536: spanned_pages@144, free_area[11]@256, vm_stat@1344. */
struct zone {
	char pad0[144];
	unsigned long spanned_pages;
	char pad1[256 - 152];
	struct free_area free_area[11];
	char pad2[1344 - 256 - 11 * 88];
	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
	char pad3[1536 - 1344 - NR_VM_ZONE_STAT_ITEMS * 8];
};

/* SIZE(pglist_data)=174208: nr_zones@171552, node_start_pfn@171560,
 * node_spanned_pages@171576, node_id@171584. */
typedef struct pglist_data {
	struct zone node_zones[5];
	char pad0[171552 - 5 * 1536];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
	char pad1[174208 - 171588];
} pg_data_t;

typedef struct { unsigned long bits[16]; } nodemask_t; /* SIZE 128 */

/* SIZE(mem_section)=32, section_mem_map@0. */
struct mem_section_usage;
struct mem_section {
	unsigned long section_mem_map;
	struct mem_section_usage *usage;
	void *page_ext;
	unsigned long pad;
};

/* uts_namespace.name@0 in 6.1. */
struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	     domainname[65];
};
struct uts_namespace {
	struct new_utsname name;
	void *user_ns;
	void *ucounts;
	unsigned int ns_inum;
};

_Static_assert(sizeof(struct page) == 64, "SIZE(page)");
_Static_assert(offsetof(struct page, compound_dtor) == 16, "compound_dtor");
_Static_assert(offsetof(struct page, compound_order) == 17, "compound_order");
_Static_assert(offsetof(struct page, mapping) == 24, "mapping");
_Static_assert(offsetof(struct page, private) == 40, "private");
_Static_assert(offsetof(struct page, _mapcount) == 48, "_mapcount");
_Static_assert(offsetof(struct page, _refcount) == 52, "_refcount");
_Static_assert(sizeof(struct free_area) == 88, "SIZE(free_area)");
_Static_assert(sizeof(struct zone) == 1536, "SIZE(zone)");
_Static_assert(offsetof(struct zone, vm_stat) == 1344, "zone.vm_stat");
_Static_assert(sizeof(struct pglist_data) == 174208, "SIZE(pglist_data)");
_Static_assert(offsetof(struct pglist_data, node_id) == 171584, "node_id");
_Static_assert(offsetof(struct pglist_data, node_spanned_pages) == 171576, "spanned");
_Static_assert(sizeof(struct mem_section) == 32, "SIZE(mem_section)");

/* ---- globals, placed by the linker script ---- */

/* The generator's init_uts_ns page (mkvmcore_kernel.h, K_UTS_OFF). */
struct uts_namespace init_uts_ns = {
	.name = { .sysname = "Linux", .nodename = "mkvmcore", .release = GEN61_RELEASE,
		  .version = "#1 SMP PREEMPT_DYNAMIC mkvmcore", .machine = "x86_64",
		  .domainname = "(none)" },
};
/* Not written by the generator: the case pokes the same bytes into the
 * dump's image. */
const char linux_banner[] =
	"Linux version " GEN61_RELEASE " (mkvmcore) #1 SMP PREEMPT_DYNAMIC mkvmcore\n";
/* A pointer to the root array, as in kernels >= 4.15 (REFERENCE.md 6.1);
 * the case pokes the root array's address into the dump. */
struct mem_section **mem_section;
unsigned int __pgtable_l5_enabled;
char init_top_pgt[4096] __attribute__((aligned(4096)));
nodemask_t node_online_map;
struct list_head vmap_area_list;
struct pglist_data *node_data[1024];
