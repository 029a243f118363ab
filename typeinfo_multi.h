/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A typeinfo and a symsrc over several others, for a [MOD1+MOD2] config
 * section (ours, erase_conf.h): names are looked up in each part in turn,
 * the first that has one wins. A type handle carries its part's index in
 * its top byte, so every later question goes to the part the type came
 * from (a module's BTF type ids overlap another's). The parts stay owned
 * by the caller and must outlive the composite. */
#ifndef MDF_TYPEINFO_MULTI_H
#define MDF_TYPEINFO_MULTI_H

#include <stddef.h>

#include "typeinfo.h"

enum { TI_MULTI_MAX = 8 }; /* parts of one composite */

/* name names it in messages ("dm_mod+dm_crypt"). */
struct mdf_error *typeinfo_multi_new(struct typeinfo *const *parts, size_t n, const char *name,
				     struct typeinfo **ret);

struct mdf_error *symsrc_multi_new(struct symsrc *const *parts, size_t n, struct symsrc **ret);

#endif
