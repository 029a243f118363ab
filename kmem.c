/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel virtual memory reads: translation through arch/ plus a small
 * cache of page-table leaves. REFERENCE.md 7. */
#include "kmem.h"

#include "byteio.h"

#include <stdlib.h>
#include <string.h>

enum { KMEM_TLB_SIZE = 8 };

/* One cached leaf: [vbase, vbase + size) maps to [pbase, pbase + size). */
struct kmem_tlb {
	uint64_t vbase;
	uint64_t size; /* 0 = empty */
	uint64_t pbase;
};

struct kmem {
	const struct kfacts *kf;
	const struct mdf_msg *msg;
	struct input_reader *reader; /* owned, NULL with kmem_create_phys */
	struct arch_phys phys;
	const struct arch_ops *ops;
	struct arch_state st;
	uint64_t page_size;
	const struct vmcore_load *loads;
	size_t nr_loads;
	struct kmem_tlb tlb[KMEM_TLB_SIZE];
	unsigned int tlb_next;
};

static struct mdf_error *reader_phys_read(void *arg, uint64_t paddr, void *buf, size_t len)
{
	return input_read_phys(arg, paddr, buf, len);
}

struct mdf_error *kmem_create_phys(uint16_t e_machine, uint64_t page_size,
				   const struct vmcore_load *loads, size_t nr_loads,
				   const struct arch_phys *phys, const struct kfacts *kf,
				   const struct mdf_msg *msg, struct kmem **ret)
{
	const struct arch_ops *ops = arch_find(e_machine);
	if (!ops)
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"address translation for ELF machine %u is not supported",
					(unsigned int)e_machine);
	if (!page_size || (page_size & (page_size - 1)))
		return mdf_error_create(MDF_ERR_INVALID, "bad page size %llu",
					(unsigned long long)page_size);
	struct kmem *km = calloc(1, sizeof(*km));
	if (!km)
		return mdf_error_nomem();
	km->kf = kf;
	km->msg = msg;
	km->phys = *phys;
	km->ops = ops;
	km->page_size = page_size;
	km->loads = loads;
	km->nr_loads = nr_loads;
	struct arch_dump dump = { page_size, loads, nr_loads, km->phys };
	struct mdf_error *err = ops->init(&km->st, kf, &dump, msg);
	if (err) {
		free(km);
		return mdf_error_wrap(err, "%s address translation", ops->name);
	}
	if (km->st.page_shift && (1ULL << km->st.page_shift) != page_size) {
		uint64_t arch_ps = 1ULL << km->st.page_shift;
		free(km);
		return mdf_error_create(MDF_ERR_CORRUPT,
					"%s: the dump's page size %llu differs from the kernel's "
					"paging geometry (%llu)",
					ops->name, (unsigned long long)page_size,
					(unsigned long long)arch_ps);
	}
	for (int i = 0; i < ARCH_RANGE_NR; i++)
		if (km->st.range[i].known)
			mdf_msgf(msg, MDF_MSG_DEBUG, "%s: %s 0x%llx-0x%llx (%s)", ops->name,
				 arch_range_name((enum arch_range_kind)i),
				 (unsigned long long)km->st.range[i].start,
				 (unsigned long long)km->st.range[i].end,
				 km->st.range[i].exact ? "from the dump" : "default");
	*ret = km;
	return NULL;
}

struct mdf_error *kmem_create(struct input *in, const struct kfacts *kf,
			      const struct mdf_msg *msg, struct kmem **ret)
{
	const struct input_facts *fa = input_facts(in);
	/* A header without a known machine and a source without VMCOREINFO
	 * (kdump_in.c takes the machine from that): the facts of -i or -x may
	 * still tell. */
	uint16_t em = fa->e_machine ? fa->e_machine : arch_machine_from_facts(kf);
	if (!em)
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"%s: the dumped machine is unknown (utsname.machine \"%s\", "
					"and no VMCOREINFO entry names one)",
					input_name(in), fa->utsname[4]);
	struct input_reader *r;
	struct mdf_error *err = input_reader_create(in, &r);
	if (err)
		return err;
	struct arch_phys phys = { reader_phys_read, r };
	uint64_t ps = kf->page_size ? kf->page_size : input_page_size(in);
	const struct vmcore_load *segs;
	size_t nr_segs;
	input_segments(in, &segs, &nr_segs);
	err = kmem_create_phys(em, ps, segs, nr_segs, &phys, kf, msg, ret);
	if (err) {
		input_reader_destroy(r);
		return err;
	}
	(*ret)->reader = r;
	return NULL;
}

void kmem_destroy(struct kmem *km)
{
	if (!km)
		return;
	input_reader_destroy(km->reader);
	free(km);
}

const struct arch_ops *kmem_arch(const struct kmem *km)
{
	return km->ops;
}

const struct arch_state *kmem_arch_state(const struct kmem *km)
{
	return &km->st;
}

uint64_t kmem_page_size(const struct kmem *km)
{
	return km->page_size;
}

bool kmem_is_kernel_va(const struct kmem *km, uint64_t vaddr)
{
	return km->ops->is_kernel_va(&km->st, vaddr);
}

const struct vmcore_load *kmem_loads(const struct kmem *km, size_t *nr_ret)
{
	*nr_ret = km->nr_loads;
	return km->loads;
}

void kmem_flush_cache(struct kmem *km)
{
	memset(km->tlb, 0, sizeof(km->tlb));
}

struct mdf_error *kmem_read_phys(struct kmem *km, uint64_t paddr, void *buf, size_t len)
{
	return km->phys.read(km->phys.arg, paddr, buf, len);
}

/* Translates vaddr; returns in *avail how many bytes from vaddr on are
 * physically contiguous in the same leaf. */
static struct mdf_error *translate(struct kmem *km, uint64_t vaddr, uint64_t *paddr_ret,
				   uint64_t *avail_ret)
{
	for (unsigned int i = 0; i < KMEM_TLB_SIZE; i++) {
		const struct kmem_tlb *t = &km->tlb[i];
		if (t->size && vaddr - t->vbase < t->size) {
			*paddr_ret = t->pbase + (vaddr - t->vbase);
			*avail_ret = t->size - (vaddr - t->vbase);
			return NULL;
		}
	}
	uint64_t pa, size;
	struct mdf_error *err = km->ops->vtop(&km->st, &km->phys, vaddr, &pa, &size, NULL);
	if (err)
		return err;
	struct kmem_tlb *t = &km->tlb[km->tlb_next++ % KMEM_TLB_SIZE];
	t->vbase = vaddr & ~(size - 1);
	t->pbase = pa & ~(size - 1);
	t->size = size;
	*paddr_ret = pa;
	*avail_ret = size - (vaddr & (size - 1));
	return NULL;
}

struct mdf_error *kmem_vtop(struct kmem *km, uint64_t vaddr, uint64_t *paddr_ret)
{
	uint64_t avail;
	return translate(km, vaddr, paddr_ret, &avail);
}

struct mdf_error *kmem_vtop_trace(struct kmem *km, uint64_t vaddr, struct arch_vtop_trace *trace)
{
	uint64_t pa, size;
	return km->ops->vtop(&km->st, &km->phys, vaddr, &pa, &size, trace);
}

struct mdf_error *kmem_read(struct kmem *km, uint64_t vaddr, void *buf, size_t len)
{
	uint8_t *out = buf;
	/* Each step covers at least the rest of a page, so the loop runs at
	 * most len / page_size + 2 times. */
	while (len) {
		uint64_t pa, avail;
		struct mdf_error *err = translate(km, vaddr, &pa, &avail);
		if (err)
			return err;
		size_t n = avail < len ? (size_t)avail : len;
		err = km->phys.read(km->phys.arg, pa, out, n);
		if (err)
			return mdf_error_at(mdf_error_wrap(err, "reading kernel address 0x%llx",
							   (unsigned long long)vaddr),
					    vaddr);
		out += n;
		vaddr += n;
		len -= n;
	}
	return NULL;
}

struct mdf_error *kmem_read_u64(struct kmem *km, uint64_t vaddr, uint64_t *ret)
{
	uint8_t b[8];
	struct mdf_error *err = kmem_read(km, vaddr, b, sizeof(b));
	if (err)
		return err;
	*ret = mdf_get_le64(b);
	return NULL;
}

struct mdf_error *kmem_read_u32(struct kmem *km, uint64_t vaddr, uint32_t *ret)
{
	uint8_t b[4];
	struct mdf_error *err = kmem_read(km, vaddr, b, sizeof(b));
	if (err)
		return err;
	*ret = (uint32_t)mdf_get_le(b, 4);
	return NULL;
}
