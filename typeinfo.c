/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What typeinfo.h's two back ends share: lifecycles and member offsets. */
#include "typeinfo.h"

#include <stdlib.h>
#include <string.h>

void typeinfo_destroy(struct typeinfo *ti)
{
	if (!ti)
		return;
	ti->ops->destroy(ti);
	free(ti);
}

void symsrc_destroy(struct symsrc *ss)
{
	if (!ss)
		return;
	ss->ops->destroy(ss);
	free(ss);
}

struct mdf_error *typeinfo_offsetof(struct typeinfo *ti, const char *struct_name,
				    const char *path, uint64_t *off_ret, uint64_t *type_ret,
				    bool *found_ret)
{
	const char *types[1] = {struct_name};
	struct ti_wants w = {NULL, 0, types, 1};
	uint64_t id, total = 0;
	bool found = false;
	*found_ret = false;
	struct mdf_error *err = ti->ops->prepare(ti, &w);
	if (!err)
		err = ti->ops->named(ti, TI_STRUCT, struct_name, &id, &found);
	if (err || !found)
		return err;
	for (const char *p = path; *p;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		char name[TI_NAME_MAX];
		if (len == 0 || len >= sizeof(name))
			return NULL;
		memcpy(name, p, len);
		name[len] = '\0';
		uint64_t off, mt;
		bool bf;
		if ((err = ti->ops->member(ti, id, name, &off, &mt, &bf, &found)) || !found)
			return err;
		total += off;
		id = mt;
		p += len + (dot ? 1 : 0);
	}
	*off_ret = total;
	if (type_ret)
		*type_ret = id;
	*found_ret = true;
	return NULL;
}
