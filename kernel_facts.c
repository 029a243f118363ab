/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kernel_facts.h"

#include <string.h>

const struct kfact_desc kfact_table[KF_COUNT] = {
#define FACT_SYMBOL(n) [KF_SYMBOL_##n] = {KFK_SYMBOL, #n, NULL, "SYMBOL(" #n ")"},
#define FACT_SIZE(t) [KF_SIZE_##t] = {KFK_SIZE, #t, NULL, "SIZE(" #t ")"},
#define FACT_OFFSET(t, m) [KF_OFFSET_##t##_##m] = {KFK_OFFSET, #t, #m, "OFFSET(" #t "." #m ")"},
#define FACT_LENGTH(n) [KF_LENGTH_##n] = {KFK_LENGTH, #n, NULL, "LENGTH(" #n ")"},
#define FACT_LENGTH2(t, m) [KF_LENGTH_##t##_##m] = {KFK_LENGTH, #t, #m, "LENGTH(" #t "." #m ")"},
#define FACT_NUMBER(n) [KF_NUMBER_##n] = {KFK_NUMBER, #n, NULL, "NUMBER(" #n ")"},
#include "kernel_facts.def"
#undef FACT_SYMBOL
#undef FACT_SIZE
#undef FACT_OFFSET
#undef FACT_LENGTH
#undef FACT_LENGTH2
#undef FACT_NUMBER
};

void kfacts_init(struct kfacts *kf)
{
	memset(kf, 0, sizeof(*kf));
}

void kfacts_merge(struct kfacts *dst, const struct kfacts *src)
{
	for (int i = 0; i < KF_COUNT; i++) {
		if (!dst->have[i] && src->have[i]) {
			dst->have[i] = true;
			dst->value[i] = src->value[i];
		}
	}
	if (!dst->osrelease[0])
		memcpy(dst->osrelease, src->osrelease, sizeof(dst->osrelease));
	if (!dst->build_id[0])
		memcpy(dst->build_id, src->build_id, sizeof(dst->build_id));
	if (!dst->page_size)
		dst->page_size = src->page_size;
	if (!dst->have_kerneloffset && src->have_kerneloffset) {
		dst->kerneloffset = src->kerneloffset;
		dst->have_kerneloffset = true;
	}
	if (!dst->have_crashtime && src->have_crashtime) {
		dst->crashtime = src->crashtime;
		dst->have_crashtime = true;
	}
}

enum kfact_id kfacts_lookup_key(const char *key, unsigned long keylen)
{
	/* A linear scan over ~170 entries per key is cheap next to the note
	 * size (about 110 lines); no index is needed. */
	for (int i = 0; i < KF_COUNT; i++) {
		const char *k = kfact_table[i].key;
		if (strlen(k) == keylen && memcmp(k, key, keylen) == 0)
			return (enum kfact_id)i;
	}
	return KF_COUNT;
}
