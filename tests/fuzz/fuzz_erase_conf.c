/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for erase_conf.c: the input is a filter config. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "erase_conf.h"
#include "erase_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of the exact size, so ASan sees any read past the end. */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct erase_config *cfg = NULL;
	struct mdf_error *err = erase_conf_parse("fuzz", text, size, &cfg);
	mdf_error_destroy(err);
	if (cfg) {
		for (size_t i = 0; i < cfg->nr_sections; i++) {
			struct ti_wants w;
			if (!erase_config_wants(cfg, cfg->sections[i].name, &w))
				erase_wants_free(&w);
			(void)erase_conf_hint(&cfg->sections[i], "x");
		}
	}
	erase_conf_destroy(cfg);
	free(text);
	return 0;
}
