/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The -g writer: kernel facts -> VMCOREINFO text (REFERENCE.md 5.2, 5.3). */
#include "vmcoreinfo_gen.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A growing text buffer; on allocation failure it stays failed. */
struct vg_buf {
	char *text;
	size_t len, cap;
	bool failed;
};

static void vg_printf(struct vg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void vg_printf(struct vg_buf *b, const char *fmt, ...)
{
	if (b->failed)
		return;
	for (int attempt = 0; attempt < 2; attempt++) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->text ? b->text + b->len : NULL, b->text ? b->cap - b->len : 0,
				  fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
		if (b->text && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *p = realloc(b->text, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->text = p;
		b->cap = cap;
	}
}

/* makedumpfile's -g groups keys by kind in this order (black-box, Debian
 * 1.7.2); the kernel's note interleaves them, and readers accept any order. */
static const enum kfact_kind vg_kind_order[] = {
	KFK_SYMBOL, KFK_SIZE, KFK_OFFSET, KFK_LENGTH, KFK_NUMBER,
};

static void vg_fact(struct vg_buf *b, const struct kfacts *kf, int i)
{
	const struct kfact_desc *d = &kfact_table[i];
	switch (d->kind) {
	case KFK_SYMBOL:
		vg_printf(b, "%s=%" PRIx64 "\n", d->key, kf->value[i]);
		break;
	case KFK_NUMBER:
		vg_printf(b, "%s=%" PRId64 "\n", d->key, (int64_t)kf->value[i]);
		break;
	default:
		vg_printf(b, "%s=%" PRIu64 "\n", d->key, kf->value[i]);
		break;
	}
}

struct mdf_error *vmcoreinfo_format(const struct kfacts *kf, char **text_ret, size_t *len_ret)
{
	struct vg_buf b = {0};
	uint64_t page_size = kf->page_size;
	if (!page_size) {
		long ps = sysconf(_SC_PAGESIZE);
		page_size = ps > 0 ? (uint64_t)ps : 4096;
	}
	if (kf->osrelease[0])
		vg_printf(&b, "OSRELEASE=%s\n", kf->osrelease);
	if (kf->build_id[0])
		vg_printf(&b, "BUILD-ID=%s\n", kf->build_id);
	vg_printf(&b, "PAGESIZE=%" PRIu64 "\n", page_size);
	for (size_t k = 0; k < sizeof(vg_kind_order) / sizeof(vg_kind_order[0]); k++)
		for (int i = 0; i < KF_COUNT; i++)
			if (kf->have[i] && kfact_table[i].kind == vg_kind_order[k])
				vg_fact(&b, kf, i);
	if (kf->have_kerneloffset)
		vg_printf(&b, "KERNELOFFSET=%" PRIx64 "\n", kf->kerneloffset);
	if (kf->have_crashtime)
		vg_printf(&b, "CRASHTIME=%" PRIu64 "\n", kf->crashtime);
	if (b.failed) {
		free(b.text);
		return mdf_error_nomem();
	}
	*text_ret = b.text;
	*len_ret = b.len;
	return NULL;
}

struct mdf_error *vmcoreinfo_write(const struct kfacts *kf, vmcoreinfo_write_fn fn, void *arg)
{
	char *text;
	size_t len;
	struct mdf_error *err = vmcoreinfo_format(kf, &text, &len);
	if (err)
		return err;
	err = fn(arg, text, len);
	free(text);
	return err;
}

struct vg_file {
	int fd;
	const char *path;
};

static struct mdf_error *vg_write_fd(void *arg, const char *buf, size_t len)
{
	const struct vg_file *f = arg;
	while (len > 0) {
		ssize_t n = write(f->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return mdf_error_os(n < 0 ? errno : ENOSPC, "writing %s", f->path);
		buf += n;
		len -= (size_t)n;
	}
	return NULL;
}

struct mdf_error *vmcoreinfo_write_file(const struct kfacts *kf, const char *path)
{
	struct vg_file f = {open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), path};
	if (f.fd < 0)
		return mdf_error_os(errno, "cannot open %s", path);
	struct mdf_error *err = vmcoreinfo_write(kf, vg_write_fd, &f);
	if (close(f.fd) != 0 && !err)
		err = mdf_error_os(errno, "closing %s", path);
	return err;
}
