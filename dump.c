/* Input-derived facts for the writers (dump.h), and the zero-page test. */
#include "dump.h"

#include <elf.h>
#include <string.h>

#define X86_64_START_KERNEL_MAP 0xffffffff80000000ULL
#define X86_64_DEFAULT_IMAGE_SIZE 0x40000000ULL /* 1 GiB, REFERENCE.md 7.1 */

bool page_is_zero(const uint8_t *page, uint64_t page_size)
{
	/* OR whole blocks and test once per block: branch-light and
	 * vectorisable, with an early exit for the common non-zero page. */
	const uint64_t *w = (const uint64_t *)(const void *)page;
	uint64_t n = page_size / 8;
	for (uint64_t i = 0; i < n; i += 32) {
		uint64_t acc = 0;
		uint64_t end = i + 32 < n ? i + 32 : n;
		for (uint64_t j = i; j < end; j++)
			acc |= w[j];
		if (acc)
			return false;
	}
	return true;
}

/* x86_64 phys_base (REFERENCE.md 7.1): the exported number, else derived
 * from the kernel-text PT_LOAD. */
static bool x86_64_phys_base(const struct vmcore *vm, const struct kfacts *kf,
			     uint64_t *ret)
{
	if (kf_have(kf, KF_NUMBER_phys_base)) {
		*ret = kf_get(kf, KF_NUMBER_phys_base);
		return true;
	}
	for (size_t i = 0; i < vm->nr_loads; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (l->vaddr >= X86_64_START_KERNEL_MAP) {
			*ret = l->paddr - (l->vaddr - X86_64_START_KERNEL_MAP);
			return true;
		}
	}
	return false;
}

/* Reads a kernel-image variable of an x86_64 dump: addresses in the kernel
 * text mapping translate linearly with phys_base (REFERENCE.md 7.1). */
static struct mdf_error *x86_64_read_image(struct vmcore *vm, uint64_t phys_base,
					   const struct kfacts *kf, uint64_t vaddr,
					   void *buf, size_t len)
{
	uint64_t image = kf_have(kf, KF_NUMBER_KERNEL_IMAGE_SIZE)
				 ? kf_get(kf, KF_NUMBER_KERNEL_IMAGE_SIZE)
				 : X86_64_DEFAULT_IMAGE_SIZE;
	if (vaddr < X86_64_START_KERNEL_MAP || vaddr - X86_64_START_KERNEL_MAP >= image)
		return mdf_error_create(MDF_ERR_NODATA,
					"0x%llx is not a kernel image address",
					(unsigned long long)vaddr);
	struct vmcore_reader *r;
	struct mdf_error *err = vmcore_reader_create(vm, &r);
	if (err)
		return err;
	err = vmcore_read_phys(r, vaddr - X86_64_START_KERNEL_MAP + phys_base, buf, len);
	vmcore_reader_destroy(r);
	return err;
}

struct mdf_error *dump_source_setup(struct dump_source *src, struct vmcore *vm,
				    const struct kfacts *kf)
{
	src->vm = vm;
	src->kf = kf;
	src->page_size = vm->page_size;
	src->max_mapnr = vm->max_mapnr;
	src->crashtime = kf->have_crashtime ? kf->crashtime : 0;
	memset(src->utsname, 0, sizeof(src->utsname));

	if (vm->e_machine != EM_X86_64)
		return NULL;
	uint64_t phys_base = 0;
	if (!x86_64_phys_base(vm, kf, &phys_base))
		return NULL;
	src->phys_base = phys_base;

	/* The header's utsname is the crashed kernel's init_uts_ns.name. */
	if (kf_have(kf, KF_SYMBOL_init_uts_ns)) {
		uint64_t va = kf_get(kf, KF_SYMBOL_init_uts_ns) +
			      kf_get(kf, KF_OFFSET_uts_namespace_name);
		char uts[6 * 65];
		struct mdf_error *err = x86_64_read_image(vm, phys_base, kf, va, uts,
							  sizeof(uts));
		if (err) {
			mdf_msgf(src->msg, MDF_MSG_DEBUG, "cannot read init_uts_ns: %s",
				 err->message);
			mdf_error_destroy(err);
		} else {
			for (int i = 0; i < 6; i++) {
				memcpy(src->utsname[i], uts + 65 * i, 65);
				src->utsname[i][64] = '\0';
			}
		}
	}
	return NULL;
}
