/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kernel_facts.h"

#include <stdio.h>
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
	for (int i = 0; i < KF_COUNT; i++)
		if (!dst->have[i] && !dst->bad_line[i])
			dst->bad_line[i] = src->bad_line[i];
	dst->nr_bad_lines += src->nr_bad_lines;
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

void kf_why_missing(const struct kfacts *kf, enum kfact_id id, char *buf, unsigned long len)
{
	if (id < KF_COUNT && kf->bad_line[id])
		snprintf(buf, len, "whose VMCOREINFO line %u is malformed", (unsigned int)kf->bad_line[id]);
	else
		snprintf(buf, len, "which is missing from VMCOREINFO");
}

void kf_format_facts(const struct kfacts *kf, const enum kfact_id *ids, unsigned long n, char *buf,
		     unsigned long len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned long i = 0; i < n && used < len; i++) {
		enum kfact_id id = ids[i];
		const char *sep = i ? ", " : "";
		int w;
		if (!kf->have[id])
			w = snprintf(buf + used, len - used, "%s%s %s", sep, kfact_table[id].key,
				     kf->bad_line[id] ? "malformed" : "absent");
		else if (kfact_table[id].kind == KFK_SYMBOL)
			w = snprintf(buf + used, len - used, "%s%s=0x%llx", sep, kfact_table[id].key,
				     (unsigned long long)kf->value[id]);
		else if (kfact_table[id].kind == KFK_NUMBER)
			w = snprintf(buf + used, len - used, "%s%s=%lld", sep, kfact_table[id].key,
				     (long long)kf->value[id]);
		else
			w = snprintf(buf + used, len - used, "%s%s=%llu", sep, kfact_table[id].key,
				     (unsigned long long)kf->value[id]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
