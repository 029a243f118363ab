/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Architecture names: the utsname.machine strings of Linux (uname -m, the
 * kernel's UTS_MACHINE) mapped to ELF machine numbers, so a dump format
 * that records only the name (kdump-compressed, REFERENCE.md 2.2) selects
 * the same architecture as an ELF vmcore's e_machine. */
#include "arch/arch.h"

#include <elf.h>
#include <string.h>

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

uint16_t arch_machine_from_utsname(const char *machine)
{
	static const struct {
		const char *name;
		uint16_t em;
	} names[] = {
		{ "x86_64", EM_X86_64 },  { "aarch64", EM_AARCH64 }, { "arm64", EM_AARCH64 },
		{ "i386", EM_386 },       { "i486", EM_386 },        { "i586", EM_386 },
		{ "i686", EM_386 },       { "ppc64", EM_PPC64 },     { "ppc64le", EM_PPC64 },
		{ "ppc", EM_PPC },        { "s390x", EM_S390 },      { "s390", EM_S390 },
		{ "riscv64", EM_RISCV },  { "loongarch64", EM_LOONGARCH },
		{ "sparc64", EM_SPARCV9 }, { "mips", EM_MIPS },       { "mips64", EM_MIPS },
	};
	if (!machine || !machine[0])
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(machine, names[i].name) == 0)
			return names[i].em;
	/* 32-bit ARM reports armv7l, armv6l, ... */
	if (strncmp(machine, "arm", 3) == 0)
		return EM_ARM;
	return 0;
}
