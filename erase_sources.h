/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where each section of a filter config gets its types and symbols
 * (erase_info.h's erase_env):
 *   with -x VMLINUX   vmlinux: its DWARF and ELF symbol table (relocated by
 *                     KERNELOFFSET); a module: the DWARF of its debug file,
 *                     found under /lib/modules/RELEASE, /usr/lib/debug/lib/
 *                     modules/RELEASE or ../lib/modules/RELEASE next to the
 *                     vmlinux's directory (Debian's -dbg layout);
 *   without           the kernel's BTF in the dump (__start_BTF..__stop_BTF,
 *                     found through the dump's kallsyms) and kallsyms for
 *                     addresses; a module: its BTF from the btf_modules list.
 * Module symbols always come from the module's symbol table in the dump.
 * A module that is not loaded, or has no type information, is skipped with
 * a message, as makedumpfile does. */
#ifndef MDF_ERASE_SOURCES_H
#define MDF_ERASE_SOURCES_H

#include "erase_info.h"
#include "kernel_facts.h"
#include "kmem.h"

struct erase_sources;
struct dwarf_visitor;

/* vmlinux may be NULL (BTF). */
struct mdf_error *erase_sources_create(const char *vmlinux, const struct mdf_msg *msg,
				       struct erase_sources **ret);

/* With -x: opens the vmlinux's DWARF now, asks for every name cfg's
 * [vmlinux] sections (and, for module sections, the module lists) need,
 * and gives the visitor to pass to the kernel facts' walk of the same
 * DWARF (kfacts_for_dump_visit), so it is walked once. */
struct mdf_error *erase_sources_dwarf_visitor(struct erase_sources *s,
					      const struct erase_config *cfg,
					      struct dwarf_visitor *ret);

/* The dump, once opened: its memory, facts and name for messages (they
 * must outlive s). */
void erase_sources_attach(struct erase_sources *s, struct kmem *km, const struct kfacts *kf,
			  const char *dump_name);

/* Frees; NULL is a no-op. */
void erase_sources_destroy(struct erase_sources *s);

/* The env for erase_list_build(). */
void erase_sources_env(struct erase_sources *s, struct erase_env *env);

/* Finds a module's debug file (see above) into path_ret; false if none.
 * Exposed for tests. */
bool erase_find_module_debug(const char *vmlinux, const char *release, const char *module,
			     char *path_ret, size_t size);

#endif
