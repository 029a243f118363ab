/* Fake physical memory shared by the memory-model unit tests. The including
 * test defines MEM_SIZE and, before including this, a struct ctx whose
 * member `mem` is a MEM_SIZE-byte buffer standing for physical addresses
 * [0, MEM_SIZE). fake_read is the struct arch_phys callback (arch/arch.h). */
#ifndef MDF_TEST_FAKE_PHYS_H
#define MDF_TEST_FAKE_PHYS_H

#include <stdint.h>
#include <string.h>

#include "error.h"

static struct mdf_error *fake_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct ctx *c = arg;
	if (pa >= MEM_SIZE || len > MEM_SIZE - pa)
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx", (unsigned long long)pa);
	memcpy(buf, c->mem + pa, len);
	return NULL;
}

static __attribute__((unused)) void put64(struct ctx *c, uint64_t pa, uint64_t v)
{
	memcpy(c->mem + pa, &v, 8);
}

static __attribute__((unused)) void put32(struct ctx *c, uint64_t pa, uint32_t v)
{
	memcpy(c->mem + pa, &v, 4);
}

#endif
