/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BTF back end of typeinfo.h, on libbpf's BTF API. The data is the
 * kernel's raw BTF (or a module's, split on top of vmlinux's) as copied
 * out of the dump (kmodules.h); libbpf checks it as it parses. BTF of 6.1
 * kernels describes per-CPU variables only, so other variables get their
 * type from #@type hints (erase_info.c). */
#ifndef MDF_TYPEINFO_BTF_H
#define MDF_TYPEINFO_BTF_H

#include <stddef.h>

#include "typeinfo.h"

/* Parses raw BTF (data is copied). base: vmlinux's BTF typeinfo for a
 * module's split BTF, else NULL. object and source name it in messages. */
struct mdf_error *typeinfo_btf_new(const void *data, size_t size, struct typeinfo *base,
				   const char *object, const char *source,
				   struct typeinfo **ret);

#endif
