/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for vmcoreinfo.c: the input is VMCOREINFO text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of the exact size, so ASan sees any read past the end. */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct kfacts kf;
	kfacts_init(&kf);
	mdf_error_destroy(vmcoreinfo_parse(text, size, "fuzz", &kf));
	free(text);
	return 0;
}
