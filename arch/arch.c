/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of architectures, and helpers their probes share (arch.h). */
#include "arch/arch.h"

#include <stdio.h>
#include <string.h>

#include "byteio.h"

/* The one table that lists the architectures: a new one is a file in arch/
 * plus its line here. */
extern const struct arch_ops arch_x86_64_ops;
extern const struct arch_ops arch_arm64_ops;

static const struct arch_ops *const arch_all[] = {
	&arch_x86_64_ops,
	&arch_arm64_ops,
};

enum { ARCH_NR = sizeof(arch_all) / sizeof(arch_all[0]) };

const struct arch_ops *arch_find(uint16_t e_machine)
{
	for (size_t i = 0; i < ARCH_NR; i++)
		if (arch_all[i]->e_machine == e_machine)
			return arch_all[i];
	return NULL;
}

const char *arch_range_name(enum arch_range_kind kind)
{
	static const char *const names[ARCH_RANGE_NR] = {
		[ARCH_RANGE_DIRECT_MAP] = "direct map", [ARCH_RANGE_VMALLOC] = "vmalloc",
		[ARCH_RANGE_VMEMMAP] = "vmemmap",       [ARCH_RANGE_MODULES] = "modules",
		[ARCH_RANGE_IMAGE] = "kernel image",
	};
	return (unsigned int)kind < ARCH_RANGE_NR ? names[kind] : "?";
}

void arch_learn(struct arch_learned *l, enum kfact_id id, uint64_t value, const char *why)
{
	for (unsigned int i = 0; i < l->nr; i++)
		if (l->fact[i].id == id) {
			l->fact[i].value = value;
			l->fact[i].why = why;
			return;
		}
	if (l->nr >= ARCH_MAX_LEARNED)
		return;
	l->fact[l->nr].id = id;
	l->fact[l->nr].value = value;
	l->fact[l->nr].why = why;
	l->nr++;
}

bool arch_learned_get(const struct arch_learned *l, enum kfact_id id, uint64_t *ret)
{
	for (unsigned int i = 0; i < l->nr; i++)
		if (l->fact[i].id == id) {
			*ret = l->fact[i].value;
			return true;
		}
	return false;
}

struct mdf_error *arch_read_phys_int(const struct arch_phys *phys, uint64_t paddr,
				     unsigned int width, bool big_endian, uint64_t *ret)
{
	uint8_t b[8];
	if (width != 4 && width != 8)
		return mdf_error_create(MDF_ERR_INVALID, "bad integer width %u", width);
	struct mdf_error *err = phys->read(phys->arg, paddr, b, width);
	if (err)
		return err;
	uint64_t v = 0;
	for (unsigned int i = 0; i < width; i++)
		v |= (uint64_t)b[big_endian ? width - 1 - i : i] << (8 * i);
	*ret = v;
	return NULL;
}

enum {
	/* struct new_utsname: six char[65]; release is the third field
	 * (include/uapi/linux/utsname.h, a fixed ABI). */
	ARCH_UTS_FIELD = 65,
	ARCH_UTS_RELEASE_OFF = 2 * ARCH_UTS_FIELD,
};

int arch_check_image(const struct arch_probe *p, uint64_t delta, char *found_ret,
		     size_t found_len)
{
	const struct arch_phys *phys = &p->dump->phys;
	const struct arch_vmlinux *vml = p->vml;
	const struct kfacts *base = p->base;
	char buf[ARCH_BANNER_MAX + 1];
	if (found_ret && found_len)
		found_ret[0] = '\0';
	if (vml && vml->banner_len) {
		struct mdf_error *err = phys->read(phys->arg, vml->banner_addr + delta, buf,
						   vml->banner_len);
		if (err) {
			mdf_error_destroy(err);
			return -1;
		}
		if (memcmp(buf, vml->banner, vml->banner_len) == 0)
			return 1;
		if (found_ret && found_len) {
			buf[vml->banner_len] = '\0';
			snprintf(found_ret, found_len, "%.*s", (int)strcspn(buf, "\n"), buf);
		}
		return -1;
	}
	if (base->osrelease[0] && kf_have(base, KF_SYMBOL_init_uts_ns)) {
		uint64_t link = kf_get(base, KF_SYMBOL_init_uts_ns) + kf_uts_name_offset(base) +
				ARCH_UTS_RELEASE_OFF;
		struct mdf_error *err = phys->read(phys->arg, link + delta, buf, ARCH_UTS_FIELD);
		if (err) {
			mdf_error_destroy(err);
			return -1;
		}
		buf[ARCH_UTS_FIELD] = '\0';
		if (strcmp(buf, base->osrelease) == 0)
			return 1;
		if (found_ret && found_len)
			snprintf(found_ret, found_len, "%.*s", ARCH_UTS_FIELD, buf);
		return -1;
	}
	return 0;
}

/* Scans one segment at addresses = residue modulo step, below limit. */
static bool scan_load(const struct arch_probe *p, const struct vmcore_load *l, uint64_t step,
		      uint64_t residue, uint64_t limit, uint64_t *pa_ret)
{
	const struct arch_vmlinux *vml = p->vml;
	const struct arch_phys *phys = &p->dump->phys;
	uint64_t end = l->paddr + l->memsz;
	if (end < l->paddr || end > limit)
		end = limit;
	if (l->paddr >= end || end - l->paddr < vml->banner_len)
		return false;
	uint64_t pa = (l->paddr & ~(step - 1)) + residue;
	if (pa < l->paddr)
		pa += step;
	char buf[ARCH_BANNER_MAX];
	/* Bounded by limit / step reads per segment. */
	for (; pa <= end - vml->banner_len; pa += step) {
		struct mdf_error *err = phys->read(phys->arg, pa, buf, vml->banner_len);
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		if (memcmp(buf, vml->banner, vml->banner_len) == 0) {
			*pa_ret = pa;
			return true;
		}
	}
	return false;
}

bool arch_find_banner(const struct arch_probe *p, uint64_t align, uint64_t aligned_limit,
		      uint64_t page_limit, uint64_t *pa_ret)
{
	const struct arch_dump *d = p->dump;
	const struct arch_vmlinux *vml = p->vml;
	if (!vml || !vml->banner_len || !align || (align & (align - 1)))
		return false;
	uint64_t page = 4096;
	for (size_t i = 0; i < d->nr_loads; i++)
		if (scan_load(p, &d->loads[i], align, vml->banner_addr & (align - 1),
			      aligned_limit, pa_ret))
			return true;
	for (size_t i = 0; i < d->nr_loads; i++)
		if (scan_load(p, &d->loads[i], page, vml->banner_addr & (page - 1), page_limit,
			      pa_ret))
			return true;
	return false;
}
