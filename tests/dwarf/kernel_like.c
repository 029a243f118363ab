/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A vmlinux-like program for the DWARF back end's unit tests
 * (tests/unit/test_dwarf_info.c). It declares kernel-like types and globals
 * whose layout the tests compare against what dwarf_read_facts() reads.
 *
 * Built two ways:
 *   gcc -g -nostdlib -static -no-pie ...          the fixture "vmlinux"
 *   gcc -DKL_EXPECT ...                            a host program printing the
 *                                                  expected facts (offsetof,
 *                                                  sizeof) in VMCOREINFO form
 * KL_OLD selects an older-kernel flavour: page._count, struct log, a
 * two-dimensional mem_section array and a 6.10-style enum pagetype. */
#include <stddef.h>

typedef unsigned long ulong_t;
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic64_t;
typedef atomic64_t atomic_long_t;

struct list_head { struct list_head *next, *prev; };

enum pageflags {
	PG_locked, PG_referenced, PG_uptodate, PG_dirty, PG_lru, PG_active,
	PG_workingset, PG_waiters, PG_error, PG_slab, PG_owner_priv_1,
	PG_arch_1, PG_reserved, PG_private, PG_private_2, PG_writeback,
	PG_head, PG_mappedtodisk, PG_reclaim, PG_swapbacked, PG_unevictable,
	PG_mlocked, PG_uncached, PG_hwpoison,
	PG_swapcache = PG_owner_priv_1,
};

#ifdef KL_OLD
/* 6.10-style page types: masks, the kernel exports ~PG_x (REFERENCE 6.4). */
enum pagetype {
	PG_buddy = 0x40000000, PG_offline = 0x20000000, PG_table = 0x10000000,
	PG_guard = 0x08000000, PG_hugetlb = 0x04000000, PG_slab_type = 0x02000000,
	PAGE_TYPE_BASE = (int)0x80000000,
};
#else
/* 6.12-style page types: the kernel exports PGTY_x << 24. */
enum pagetype {
	PGTY_buddy = 0xf0, PGTY_offline = 0xf1, PGTY_table = 0xf2, PGTY_guard = 0xf3,
	PGTY_hugetlb = 0xf4, PGTY_slab = 0xf5, PGTY_zsmalloc = 0xf6,
	PGTY_unaccepted = 0xf7, PGTY_mapcount_underflow = 0xff,
};
#endif

enum compound_dtor_id { NULL_COMPOUND_DTOR, COMPOUND_PAGE_DTOR, HUGETLB_PAGE_DTOR,
	NR_COMPOUND_DTORS };
enum zone_stat_item { NR_FREE_PAGES, NR_ZONE_LRU_BASE, NR_VM_ZONE_STAT_ITEMS };
enum node_states { N_POSSIBLE, N_ONLINE, N_NORMAL_MEMORY, NR_NODE_STATES };

/* Members in anonymous unions and structs, as in the kernel's struct page. */
struct page {
	unsigned long flags;
	union {
		struct {
			union {
				struct list_head lru;
				struct { void *__filler; unsigned int mlock_count; };
			};
			void *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {
			unsigned long compound_head;
			unsigned char compound_dtor;
			unsigned char compound_order;
			unsigned int pincount_bits : 12;
			unsigned int nr_bits : 20;
		};
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type;
	};
#ifdef KL_OLD
	atomic_t _count;
#else
	atomic_t _refcount;
#endif
	unsigned long memcg_data;
};

struct free_area {
	struct list_head free_list[5];
	unsigned long nr_free;
};

struct zone {
	unsigned long _watermark[4];
	long lowmem_reserve[5];
	int node;
	struct pglist_data *zone_pgdat;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	struct free_area free_area[11];
	unsigned long flags;
	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
};

typedef struct pglist_data {
	struct zone node_zones[4];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
} pg_data_t;

typedef struct { unsigned long bits[16]; } nodemask_t;

struct mem_section {
	unsigned long section_mem_map;
	unsigned long *usage;
	unsigned long pad[2];
};

struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	     domainname[65];
};
struct kref { int refcount; };
struct uts_namespace {
	struct kref kref;
	struct new_utsname name;
	void *user_ns;
};

struct prb_data_blk_lpos { unsigned long begin, next; };
struct prb_desc { atomic_long_t state_var; struct prb_data_blk_lpos text_blk_lpos; };
struct dev_printk_info { char subsystem[16]; char device[48]; };
struct printk_info {
	unsigned long long seq, ts_nsec;
	unsigned short text_len;
	unsigned char facility;
	unsigned char flags : 5;
	unsigned char level : 3;
	unsigned int caller_id;
	struct dev_printk_info dev_info;
};
struct prb_desc_ring {
	unsigned int count_bits;
	struct prb_desc *descs;
	struct printk_info *infos;
	atomic_long_t head_id, tail_id, last_finalized_id;
};
struct prb_data_ring {
	unsigned int size_bits;
	char *data;
	atomic_long_t head_lpos, tail_lpos;
};
struct printk_ringbuffer {
	struct prb_desc_ring desc_ring;
	struct prb_data_ring text_data_ring;
	atomic_long_t fail;
};
typedef struct { unsigned int sequence; } seqcount_latch_t;
struct latched_seq { seqcount_latch_t latch; unsigned long long val[2]; };

#ifdef KL_OLD
struct log { unsigned long long ts_nsec; unsigned short len, text_len, dict_len; };
#else
struct printk_log {
	unsigned long long ts_nsec;
	unsigned short len, text_len, dict_len;
	unsigned char facility;
	unsigned char flags : 5;
	unsigned char level : 3;
	unsigned int caller_id;
};
#endif

#ifndef KL_EXPECT
/* ---- the fixture's globals ---- */
#define UTS_RELEASE "6.1.0-kl-test"
struct uts_namespace init_uts_ns = {
	.kref = {2},
	.name = { .sysname = "Linux", .nodename = "(none)", .release = UTS_RELEASE,
		  .version = "#1 SMP", .machine = "x86_64", .domainname = "(none)" },
};
const char linux_banner[] = "Linux version " UTS_RELEASE " (gcc) #1 SMP\n";
#ifdef KL_OLD
struct mem_section mem_section[64][128];
#else
struct mem_section **mem_section;
#endif
extern struct pglist_data *node_data[];
struct pglist_data *node_data[64];
nodemask_t node_states[NR_NODE_STATES];
struct page *mem_map;
unsigned long max_pfn;
void *high_memory;
static struct printk_ringbuffer printk_rb_static;
static struct printk_ringbuffer *prb = &printk_rb_static;
static struct latched_seq clear_seq;
char swapper_pg_dir[4096] __attribute__((aligned(4096)));
char init_top_pgt[4096] __attribute__((aligned(4096)));
static char log_buf_space[1 << 12];
static char *log_buf = log_buf_space;
static unsigned int log_buf_len = sizeof(log_buf_space);
#ifdef KL_OLD
static struct log log_first;
#else
static struct printk_log log_first;
#endif

/* Keeps everything referenced so the linker drops nothing. */
void *kl_keep[] = { &init_uts_ns, (void *)linux_banner, &mem_section, node_data,
	node_states, &mem_map, &max_pfn, &high_memory, &prb, &clear_seq,
	swapper_pg_dir, init_top_pgt, &log_buf, &log_buf_len, &log_first };

void _start(void);
void _start(void)
{
	enum pageflags pf = PG_locked;
	enum pagetype pt = 0;
	enum compound_dtor_id cd = NULL_COMPOUND_DTOR;
	enum zone_stat_item zs = NR_FREE_PAGES;
	enum node_states ns = N_POSSIBLE;
	pg_data_t *pgdat = 0;
	struct page *page = 0;
	(void)pf; (void)pt; (void)cd; (void)zs; (void)ns; (void)pgdat; (void)page;
	for (;;)
		;
}
#endif
