/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for elf_info.c: the input is a whole vmcore file. It is
 * opened through a memfd, then a few pages are read with both the mmap and
 * the pread paths, and the VMCOREINFO note (if any) is parsed. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_info.h"
#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_some(struct vmcore *vm)
{
	struct vmcore_reader *r;
	struct mdf_error *err = vmcore_reader_create(vm, &r);
	if (err) {
		mdf_error_destroy(err);
		return;
	}
	/* The first and last page of each resolved range, and a hole or two. */
	for (size_t i = 0; i < vm->nr_ranges && i < 8; i++) {
		uint64_t pfns[3] = {vm->ranges[i].start >> vm->page_shift, (vm->ranges[i].end - 1) >> vm->page_shift,
				    (vm->ranges[i].end >> vm->page_shift) + 1};
		for (int k = 0; k < 3; k++) {
			const uint8_t *p;
			err = vmcore_read_page(r, pfns[k], &p);
			if (!err) {
				volatile uint8_t sink = p[0] ^ p[vm->page_size - 1];
				(void)sink;
			}
			mdf_error_destroy(err);
		}
		uint8_t buf[64];
		mdf_error_destroy(vmcore_read_phys(r, vm->ranges[i].end - 32, buf, sizeof(buf)));
	}
	vmcore_reader_destroy(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_elf", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (int mm = 0; mm < 2; mm++) {
		struct vmcore *vm;
		struct mdf_error *err = vmcore_open(path, mm, 4096, &vm);
		if (err) {
			mdf_error_destroy(err);
			break;
		}
		read_some(vm);
		if (mm == 0 && vm->has_vmcoreinfo) {
			struct kfacts kf;
			kfacts_init(&kf);
			mdf_error_destroy(vmcoreinfo_parse(vm->vmcoreinfo, vm->vmcoreinfo_size, "note", &kf));
		}
		vmcore_destroy(vm);
	}
	close(fd);
	return 0;
}
