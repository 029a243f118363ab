/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fake physical memory shared by the memory-model unit tests. The including
 * test defines MEM_SIZE and, before including this, a struct ctx whose
 * member `mem` is a MEM_SIZE-byte buffer standing for physical addresses
 * [0, MEM_SIZE), with members `kf` (struct kfacts) and `km` (struct kmem *).
 * fake_read is the struct arch_phys callback (arch/arch.h). */
#ifndef MDF_TEST_FAKE_PHYS_H
#define MDF_TEST_FAKE_PHYS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "error.h"
#include "kmem.h"

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

/* Creates c->km over the fake memory (x86_64 4-level walk, 4 KiB pages)
 * with the facts in c->kf. */
static __attribute__((unused)) struct mdf_error *fake_kmem(struct ctx *c)
{
	struct arch_phys phys = { fake_read, c };
	return kmem_create_phys(62, 4096, NULL, 0, &phys, &c->kf, NULL, &c->km);
}

/* Frees c->km, the memory and c. */
static __attribute__((unused)) void fake_free(struct ctx *c)
{
	kmem_destroy(c->km);
	free(c->mem);
	free(c);
}

#endif
