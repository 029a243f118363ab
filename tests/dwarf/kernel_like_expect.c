/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prints, in VMCOREINFO form, the facts dwarf_read_facts() must read from
 * the kernel_like.c fixture, computed by the C compiler (sizeof, offsetof)
 * rather than written down by hand. Build with the same -DKL_OLD as the
 * fixture. SYMBOL values are checked against nm(1) by the unit test. */
#define KL_EXPECT 1
#include "kernel_like.c"

#include <stdio.h>

#define SZ(name, ctype) printf("SIZE(%s)=%zu\n", #name, sizeof(ctype))
#define OFF(name, ctype, m) printf("OFFSET(%s.%s)=%zu\n", #name, #m, offsetof(ctype, m))
#define LEN2(name, ctype, m) \
	printf("LENGTH(%s.%s)=%zu\n", #name, #m, \
	       sizeof(((ctype *)0)->m) / sizeof(((ctype *)0)->m[0]))
#define NUM(n) printf("NUMBER(%s)=%lld\n", #n, (long long)(n))

int main(void)
{
	printf("OSRELEASE=6.1.0-kl-test\n");
	SZ(page, struct page);
	OFF(page, struct page, flags);
#ifdef KL_OLD
	OFF(page, struct page, _count);
	SZ(log, struct log);
	OFF(log, struct log, ts_nsec);
	OFF(log, struct log, len);
	OFF(log, struct log, text_len);
	printf("LENGTH(mem_section)=64\n");
	/* 6.10 style: the kernel exports ~PG_x as a 32-bit int. */
	printf("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%d\n", (int)~(unsigned)PG_buddy);
	printf("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%d\n", (int)~(unsigned)PG_offline);
	printf("NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=%d\n", (int)~(unsigned)PG_hugetlb);
#else
	OFF(page, struct page, _refcount);
	SZ(printk_log, struct printk_log);
	OFF(printk_log, struct printk_log, ts_nsec);
	OFF(printk_log, struct printk_log, len);
	OFF(printk_log, struct printk_log, text_len);
	OFF(printk_log, struct printk_log, caller_id);
	/* 6.12 style: PGTY_x << 24 as a 32-bit int. */
	printf("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%d\n", (int)((unsigned)PGTY_buddy << 24));
	printf("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%d\n", (int)((unsigned)PGTY_offline << 24));
	printf("NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=%d\n", (int)((unsigned)PGTY_hugetlb << 24));
	printf("NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=%d\n", (int)((unsigned)PGTY_slab << 24));
	printf("NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)=%d\n",
	       (int)((unsigned)PGTY_unaccepted << 24));
#endif
	OFF(page, struct page, mapping);
	OFF(page, struct page, lru);
	OFF(page, struct page, _mapcount);
	OFF(page, struct page, private);
	OFF(page, struct page, compound_dtor);
	OFF(page, struct page, compound_order);
	OFF(page, struct page, compound_head);
	SZ(pglist_data, struct pglist_data);
	OFF(pglist_data, struct pglist_data, node_zones);
	OFF(pglist_data, struct pglist_data, nr_zones);
	OFF(pglist_data, struct pglist_data, node_start_pfn);
	OFF(pglist_data, struct pglist_data, node_spanned_pages);
	OFF(pglist_data, struct pglist_data, node_id);
	SZ(zone, struct zone);
	OFF(zone, struct zone, free_area);
	OFF(zone, struct zone, vm_stat);
	OFF(zone, struct zone, spanned_pages);
	LEN2(zone, struct zone, free_area);
	SZ(free_area, struct free_area);
	OFF(free_area, struct free_area, free_list);
	LEN2(free_area, struct free_area, free_list);
	SZ(list_head, struct list_head);
	OFF(list_head, struct list_head, next);
	OFF(list_head, struct list_head, prev);
	SZ(nodemask_t, nodemask_t);
	SZ(mem_section, struct mem_section);
	OFF(mem_section, struct mem_section, section_mem_map);
	OFF(uts_namespace, struct uts_namespace, name);
	SZ(atomic_long_t, atomic_long_t);
	OFF(atomic_long_t, atomic_long_t, counter);
	SZ(printk_ringbuffer, struct printk_ringbuffer);
	OFF(printk_ringbuffer, struct printk_ringbuffer, desc_ring);
	OFF(printk_ringbuffer, struct printk_ringbuffer, text_data_ring);
	OFF(printk_ringbuffer, struct printk_ringbuffer, fail);
	SZ(prb_desc_ring, struct prb_desc_ring);
	OFF(prb_desc_ring, struct prb_desc_ring, count_bits);
	OFF(prb_desc_ring, struct prb_desc_ring, descs);
	OFF(prb_desc_ring, struct prb_desc_ring, infos);
	OFF(prb_desc_ring, struct prb_desc_ring, head_id);
	OFF(prb_desc_ring, struct prb_desc_ring, tail_id);
	SZ(prb_desc, struct prb_desc);
	OFF(prb_desc, struct prb_desc, state_var);
	OFF(prb_desc, struct prb_desc, text_blk_lpos);
	SZ(prb_data_blk_lpos, struct prb_data_blk_lpos);
	OFF(prb_data_blk_lpos, struct prb_data_blk_lpos, begin);
	OFF(prb_data_blk_lpos, struct prb_data_blk_lpos, next);
	SZ(prb_data_ring, struct prb_data_ring);
	OFF(prb_data_ring, struct prb_data_ring, size_bits);
	OFF(prb_data_ring, struct prb_data_ring, data);
	OFF(prb_data_ring, struct prb_data_ring, head_lpos);
	OFF(prb_data_ring, struct prb_data_ring, tail_lpos);
	SZ(printk_info, struct printk_info);
	OFF(printk_info, struct printk_info, seq);
	OFF(printk_info, struct printk_info, ts_nsec);
	OFF(printk_info, struct printk_info, text_len);
	OFF(printk_info, struct printk_info, caller_id);
	OFF(printk_info, struct printk_info, dev_info);
	SZ(dev_printk_info, struct dev_printk_info);
	OFF(dev_printk_info, struct dev_printk_info, subsystem);
	OFF(dev_printk_info, struct dev_printk_info, device);
	printf("LENGTH(printk_info_subsystem)=%zu\n", sizeof(((struct dev_printk_info *)0)->subsystem));
	printf("LENGTH(printk_info_device)=%zu\n", sizeof(((struct dev_printk_info *)0)->device));
	SZ(latched_seq, struct latched_seq);
	OFF(latched_seq, struct latched_seq, val);
	printf("LENGTH(node_data)=64\n");
	NUM(PG_lru);
	NUM(PG_private);
	NUM(PG_swapcache);
	NUM(PG_swapbacked);
	NUM(PG_slab);
	NUM(PG_hwpoison);
	NUM(PG_head);
	printf("NUMBER(PG_head_mask)=%lld\n", 1LL << PG_head);
	NUM(NR_FREE_PAGES);
	NUM(N_ONLINE);
	NUM(HUGETLB_PAGE_DTOR);
	return 0;
}
