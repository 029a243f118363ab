/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Architecture names: the utsname.machine strings of Linux (uname -m, the
 * kernel's UTS_MACHINE) mapped to ELF machine numbers, so a dump format
 * that records only the name (kdump-compressed, REFERENCE.md 2.2) selects
 * the same architecture as an ELF vmcore's e_machine. */
#include "arch/arch.h"

#include <elf.h>
#include <stdbool.h>
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

/* True when the line LINE (N bytes) starts with KEY. */
static bool line_starts(const char *line, size_t n, const char *key)
{
	size_t k = strlen(key);
	return n >= k && memcmp(line, key, k) == 0;
}

uint16_t arch_machine_from_vmcoreinfo(const char *text, size_t len)
{
	/* Only entries that one architecture's arch_crash_save_vmcoreinfo()
	 * writes: x86_64 its top page table (init_level4_pgt, renamed
	 * init_top_pgt in 4.13), arm64 its kimage_voffset (since 4.12).
	 * swapper_pg_dir (written by the generic code for every MMU kernel)
	 * and VA_BITS (arm64 and riscv) name no single one. */
	static const struct {
		const char *key;
		uint16_t em;
	} keys[] = {
		{ "SYMBOL(init_top_pgt)=", EM_X86_64 },
		{ "SYMBOL(init_level4_pgt)=", EM_X86_64 },
		{ "NUMBER(kimage_voffset)=", EM_AARCH64 },
	};
	uint16_t found = 0;
	size_t pos = 0;
	/* Each iteration consumes at least one byte: bounded by LEN. */
	while (text && pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (!line_starts(line, n, keys[i].key))
				continue;
			if (found && found != keys[i].em)
				return 0; /* entries of two architectures: no answer */
			found = keys[i].em;
		}
		pos += n + 1;
	}
	return found;
}

uint16_t arch_machine_from_facts(const struct kfacts *kf)
{
	/* The entries of arch_machine_from_vmcoreinfo(), as facts. */
	bool x86 = kf_have(kf, KF_SYMBOL_init_top_pgt) || kf_have(kf, KF_SYMBOL_init_level4_pgt);
	bool arm64 = kf_have(kf, KF_NUMBER_kimage_voffset);
	return x86 == arm64 ? 0 : x86 ? EM_X86_64 : EM_AARCH64;
}
