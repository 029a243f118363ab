/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BTF back end of typeinfo.h (typeinfo_btf.h). Type handles are BTF
 * type ids (0 is void). Lookups by name use libbpf's search; the search
 * for an anonymous struct by its member names walks every type once. */
#include "typeinfo_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* libbpf 1.1 (Debian 12) declares btf__new_split but does not export it
 * from the shared library; newer ones and libbpf.a have it. */
#pragma weak btf__new_split

enum {
	TB_PEEL_DEPTH = 32,
	TB_MEMBER_DEPTH = 8,
	TB_MAX_DIMS = 8,
};

struct tb_typeinfo {
	struct typeinfo ti;
	struct btf *btf;
	char *object;
	char *source;
};

static struct tb_typeinfo *tb_of(struct typeinfo *ti)
{
	return (struct tb_typeinfo *)ti;
}

static const struct btf_type *tb_type(struct tb_typeinfo *t, uint64_t id)
{
	if (id == 0 || id >= btf__type_cnt(t->btf))
		return NULL;
	return btf__type_by_id(t->btf, (__u32)id);
}

static const char *tb_name(struct tb_typeinfo *t, const struct btf_type *bt)
{
	const char *n = btf__name_by_offset(t->btf, bt->name_off);
	return n ? n : "";
}

/* Follows typedefs, qualifiers and tags; *id_ret 0 = void. */
static struct mdf_error *tb_peel(struct tb_typeinfo *t, uint64_t id, uint64_t *id_ret,
				 const struct btf_type **bt_ret)
{
	for (int i = 0; i < TB_PEEL_DEPTH; i++) {
		if (id == 0) {
			*id_ret = 0;
			*bt_ret = NULL;
			return NULL;
		}
		const struct btf_type *bt = tb_type(t, id);
		if (!bt)
			return mdf_error_create(MDF_ERR_CORRUPT, "%s: BTF type id %llu is out of range",
						t->source, (unsigned long long)id);
		switch (btf_kind(bt)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = bt->type;
			continue;
		default:
			*id_ret = id;
			*bt_ret = bt;
			return NULL;
		}
	}
	return mdf_error_create(MDF_ERR_CORRUPT, "%s: BTF typedef chain longer than %d at id %llu",
				t->source, TB_PEEL_DEPTH, (unsigned long long)id);
}

static struct mdf_error *tb_prepare(struct typeinfo *ti, const struct ti_wants *wants)
{
	(void)ti;
	(void)wants;
	return NULL;
}

/* True if var id is listed in the per-CPU data section. */
static bool tb_is_percpu(struct tb_typeinfo *t, __u32 var)
{
	__u32 n = btf__type_cnt(t->btf);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (!bt || !btf_is_datasec(bt))
			continue;
		const struct btf_var_secinfo *vs = btf_var_secinfos(bt);
		for (__u16 i = 0; i < btf_vlen(bt); i++)
			if (vs[i].type == var)
				return strcmp(tb_name(t, bt), ".data..percpu") == 0;
	}
	return false;
}

static struct mdf_error *tb_variable(struct typeinfo *ti, const char *name, struct ti_var *ret,
				     bool *found_ret)
{
	struct tb_typeinfo *t = tb_of(ti);
	memset(ret, 0, sizeof(*ret));
	__s32 id = btf__find_by_name_kind(t->btf, name, BTF_KIND_VAR);
	*found_ret = id > 0;
	if (id <= 0)
		return NULL;
	const struct btf_type *bt = tb_type(t, (uint64_t)id);
	if (!bt)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: bad BTF variable %s", t->source, name);
	ret->type = bt->type;
	ret->percpu = tb_is_percpu(t, (__u32)id);
	return NULL;
}

static struct mdf_error *tb_named(struct typeinfo *ti, enum ti_kind kind, const char *name,
				  uint64_t *type_ret, bool *found_ret)
{
	static const int others[] = {BTF_KIND_INT, BTF_KIND_TYPEDEF, BTF_KIND_ENUM,
				     BTF_KIND_ENUM64, BTF_KIND_FLOAT};
	struct tb_typeinfo *t = tb_of(ti);
	__s32 id = -1;
	if (kind == TI_STRUCT || kind == TI_UNION) {
		id = btf__find_by_name_kind(t->btf, name,
					    kind == TI_STRUCT ? BTF_KIND_STRUCT : BTF_KIND_UNION);
	} else {
		for (size_t i = 0; id <= 0 && i < sizeof(others) / sizeof(others[0]); i++)
			id = btf__find_by_name_kind(t->btf, name, others[i]);
	}
	*found_ret = id > 0;
	*type_ret = id > 0 ? (uint64_t)id : 0;
	return NULL;
}

static struct mdf_error *tb_anonymous(struct typeinfo *ti, enum ti_kind kind,
				      const char *const *members, size_t n, uint64_t *type_ret,
				      bool *found_ret)
{
	struct tb_typeinfo *t = tb_of(ti);
	int want = kind == TI_UNION ? BTF_KIND_UNION : BTF_KIND_STRUCT;
	__u32 cnt = btf__type_cnt(t->btf), match = 0;
	unsigned int nmatch = 0;
	for (__u32 id = 1; id < cnt; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (!bt || btf_kind(bt) != want || bt->name_off || btf_vlen(bt) != n)
			continue;
		const struct btf_member *m = btf_members(bt);
		size_t i = 0;
		while (i < n && strcmp(btf__name_by_offset(t->btf, m[i].name_off) ?: "",
				       members[i]) == 0)
			i++;
		if (i == n) {
			match = id;
			nmatch++;
		}
	}
	if (nmatch > 1)
		return mdf_error_create(MDF_ERR_INVALID, "%u anonymous %ss in %s have these members",
					nmatch, kind == TI_UNION ? "union" : "struct", t->source);
	*found_ret = nmatch == 1;
	*type_ret = match;
	return NULL;
}

/* Arrays of arrays become one array of the innermost element. */
static struct mdf_error *tb_describe_array(struct tb_typeinfo *t, const struct btf_type *bt,
					   struct ti_desc *d);

static struct mdf_error *tb_describe(struct typeinfo *ti, uint64_t type, struct ti_desc *d)
{
	struct tb_typeinfo *t = tb_of(ti);
	const struct btf_type *bt;
	uint64_t id;
	memset(d, 0, sizeof(*d));
	struct mdf_error *err = tb_peel(t, type, &id, &bt);
	if (err)
		return err;
	if (!bt) {
		d->kind = TI_VOID;
		return NULL;
	}
	snprintf(d->name, sizeof(d->name), "%s", tb_name(t, bt));
	switch (btf_kind(bt)) {
	case BTF_KIND_INT:
		d->kind = TI_INT;
		d->size = bt->size;
		d->size_known = true;
		d->is_signed = btf_int_encoding(bt) & BTF_INT_SIGNED;
		d->is_char = bt->size == 1 && (!strcmp(d->name, "char") ||
					       !strcmp(d->name, "signed char") ||
					       !strcmp(d->name, "unsigned char"));
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		d->kind = TI_ENUM;
		d->size = bt->size;
		d->size_known = true;
		d->is_signed = true;
		break;
	case BTF_KIND_FLOAT:
		d->kind = TI_FLOAT;
		d->size = bt->size;
		d->size_known = true;
		break;
	case BTF_KIND_PTR:
		d->kind = TI_PTR;
		d->size = 8; /* BTF has no pointer size: LP64 kernels */
		d->size_known = true;
		d->target = bt->type;
		break;
	case BTF_KIND_ARRAY:
		return tb_describe_array(t, bt, d);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		d->kind = btf_kind(bt) == BTF_KIND_STRUCT ? TI_STRUCT : TI_UNION;
		d->size = bt->size;
		d->size_known = true;
		break;
	case BTF_KIND_FWD:
		d->kind = btf_kflag(bt) ? TI_UNION : TI_STRUCT;
		break;
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_FUNC:
		d->kind = TI_FUNC;
		break;
	default:
		d->kind = TI_OTHER;
		break;
	}
	return NULL;
}

static struct mdf_error *tb_describe_array(struct tb_typeinfo *t, const struct btf_type *bt,
					   struct ti_desc *d)
{
	uint64_t len = 1;
	bool known = true;
	for (int depth = 0;; depth++) {
		if (depth >= TB_MAX_DIMS)
			return mdf_error_create(MDF_ERR_NOTSUPP, "%s: array with more than %d "
						"dimensions", t->source, TB_MAX_DIMS);
		const struct btf_array *a = btf_array(bt);
		/* T x[] and T x[0] are both 0 elements in BTF: unknown. */
		if (a->nelems == 0)
			known = false;
		else if (len > UINT64_MAX / a->nelems)
			return mdf_error_create(MDF_ERR_CORRUPT, "%s: array too long", t->source);
		else
			len *= a->nelems;
		uint64_t eid;
		const struct btf_type *et;
		struct mdf_error *err = tb_peel(t, a->type, &eid, &et);
		if (err)
			return err;
		if (!et || !btf_is_array(et)) {
			d->target = a->type;
			break;
		}
		bt = et;
	}
	struct ti_desc ed;
	struct mdf_error *err = tb_describe(&t->ti, d->target, &ed);
	if (err)
		return err;
	d->kind = TI_ARRAY;
	d->name[0] = '\0';
	d->length = known ? len : 0;
	d->length_known = known;
	d->size_known = known && ed.size_known && (len == 0 || ed.size <= UINT64_MAX / len);
	d->size = d->size_known ? ed.size * len : 0;
	return NULL;
}

static int tb_find_member(struct tb_typeinfo *t, const struct btf_type *agg, const char *name,
			  int depth, uint64_t *off_ret, uint64_t *type_ret, bool *bitfield_ret)
{
	if (depth > TB_MEMBER_DEPTH)
		return 0;
	const struct btf_member *m = btf_members(agg);
	for (__u16 i = 0; i < btf_vlen(agg); i++) {
		uint32_t bits = btf_member_bit_offset(agg, i);
		const char *mname = btf__name_by_offset(t->btf, m[i].name_off);
		if (mname && *mname) {
			if (strcmp(mname, name) != 0)
				continue;
			*off_ret = bits / 8;
			*type_ret = m[i].type;
			*bitfield_ret = btf_member_bitfield_size(agg, i) != 0 || bits % 8;
			return 1;
		}
		uint64_t id;
		const struct btf_type *mt;
		struct mdf_error *err = tb_peel(t, m[i].type, &id, &mt);
		if (err) {
			mdf_error_destroy(err);
			return -1;
		}
		if (!mt || (!btf_is_struct(mt) && !btf_is_union(mt)))
			continue;
		uint64_t inner;
		int r = tb_find_member(t, mt, name, depth + 1, &inner, type_ret, bitfield_ret);
		if (r > 0)
			*off_ret = bits / 8 + inner;
		if (r)
			return r;
	}
	return 0;
}

static struct mdf_error *tb_member(struct typeinfo *ti, uint64_t agg, const char *name,
				   uint64_t *offset_ret, uint64_t *type_ret, bool *bitfield_ret,
				   bool *found_ret)
{
	struct tb_typeinfo *t = tb_of(ti);
	const struct btf_type *bt;
	uint64_t id;
	*found_ret = false;
	struct mdf_error *err = tb_peel(t, agg, &id, &bt);
	if (err || !bt || (!btf_is_struct(bt) && !btf_is_union(bt)))
		return err;
	int r = tb_find_member(t, bt, name, 0, offset_ret, type_ret, bitfield_ret);
	if (r < 0)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: bad BTF member types in %s",
					t->source, tb_name(t, bt));
	*found_ret = r > 0;
	return NULL;
}

static struct mdf_error *tb_members(struct typeinfo *ti, uint64_t agg,
				    void (*fn)(void *arg, const char *name), void *arg)
{
	struct tb_typeinfo *t = tb_of(ti);
	const struct btf_type *bt;
	uint64_t id;
	struct mdf_error *err = tb_peel(t, agg, &id, &bt);
	if (err || !bt || (!btf_is_struct(bt) && !btf_is_union(bt)))
		return err;
	const struct btf_member *m = btf_members(bt);
	for (__u16 i = 0; i < btf_vlen(bt); i++)
		fn(arg, btf__name_by_offset(t->btf, m[i].name_off) ?: "");
	return NULL;
}

static void tb_destroy(struct typeinfo *ti)
{
	struct tb_typeinfo *t = tb_of(ti);
	btf__free(t->btf);
	free(t->object);
	free(t->source);
}

/* Split BTF without btf__new_split: libbpf reads it from a file, here an
 * anonymous memory file named through /proc/self/fd. */
static struct btf *tb_split_from_memfd(const void *data, size_t size, struct btf *base)
{
	int fd = memfd_create("mdf-btf", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	const char *p = data;
	size_t left = size;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			errno = e;
			return NULL;
		}
		p += n;
		left -= (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct btf *btf = btf__parse_raw_split(path, base);
	int e = errno;
	close(fd);
	errno = e;
	return btf;
}

static const struct typeinfo_ops tb_ops = {
	.name = "BTF",
	.destroy = tb_destroy,
	.prepare = tb_prepare,
	.variable = tb_variable,
	.named = tb_named,
	.anonymous = tb_anonymous,
	.describe = tb_describe,
	.member = tb_member,
	.members = tb_members,
};

/* The header of raw BTF (include/uapi/linux/btf.h, struct btf_header:
 * magic 0xeB9F, version, flags, hdr_len, type_off, type_len, str_off,
 * str_len; the offsets count from the end of the header), checked before
 * libbpf so that a blob cut short (by __stop_BTF, or a module's data_size)
 * is named as such instead of libbpf's bare EINVAL. Either byte order. */
static struct mdf_error *tb_check_header(const uint8_t *p, size_t size, const char *source)
{
	if (size < 24)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s is cut short: %zu bytes, less than a "
					"BTF header", source, size);
	bool swap = p[0] == 0xeb && p[1] == 0x9f;
	if (!swap && !(p[0] == 0x9f && p[1] == 0xeb))
		return mdf_error_create(MDF_ERR_CORRUPT, "%s is not valid BTF: it starts with 0x%02x "
					"0x%02x, not the BTF magic 0xeb9f", source, p[0], p[1]);
	uint64_t v[5];
	for (int i = 0; i < 5; i++) {
		const uint8_t *q = p + 4 + 4 * i;
		v[i] = swap ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3]
			    : (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
	}
	uint64_t types_end = v[1] + v[2], strs_end = v[3] + v[4];
	uint64_t declared = v[0] + (types_end > strs_end ? types_end : strs_end);
	if (v[0] < 24 || v[0] > size)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s is not valid BTF: its header length is %"
					PRIu64 " bytes (the blob holds %zu)", source, v[0], size);
	if (declared > size)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s is cut short or its header is "
					"corrupt: the header declares %" PRIu64 " bytes", source,
					declared);
	return NULL;
}

struct mdf_error *typeinfo_btf_new(const void *data, size_t size, struct typeinfo *base,
				   const char *object, const char *source,
				   struct typeinfo **ret)
{
	struct mdf_error *herr = tb_check_header(data, size, source);
	if (herr)
		return herr;
	if (base && base->ops != &tb_ops)
		return mdf_error_create(MDF_ERR_INVALID, "split BTF needs a BTF base");
	if (size > UINT32_MAX)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: BTF too large", source);
	struct tb_typeinfo *t = calloc(1, sizeof(*t));
	if (!t || !(t->object = strdup(object)) || !(t->source = strdup(source))) {
		if (t)
			free(t->object);
		free(t);
		return mdf_error_nomem();
	}
	t->ti.ops = &tb_ops;
	t->ti.object = t->object;
	t->ti.source = t->source;
	/* libbpf prints its complaints to stderr; ours is the one error line
	 * that names the dump. */
	libbpf_set_print(NULL);
	errno = 0;
	if (!base)
		t->btf = btf__new(data, (__u32)size);
	else if (btf__new_split)
		t->btf = btf__new_split(data, (__u32)size, tb_of(base)->btf);
	else
		t->btf = tb_split_from_memfd(data, size, tb_of(base)->btf);
	if (!t->btf) {
		int e = errno ? errno : EINVAL;
		free(t->object);
		free(t->source);
		free(t);
		return mdf_error_create(MDF_ERR_CORRUPT, "%s is not valid BTF (libbpf: %s)", source,
					strerror(e));
	}
	*ret = &t->ti;
	return NULL;
}
