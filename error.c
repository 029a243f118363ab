/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mdf_error nomem_error = {
	.code = MDF_ERR_NOMEM,
	.errnum = ENOMEM,
	.message = (char *)"out of memory",
};

struct mdf_error *mdf_error_nomem(void)
{
	return &nomem_error;
}

static struct mdf_error *error_vcreate(enum mdf_err_code code, int errnum, const char *fmt,
				       va_list ap) __attribute__((format(printf, 3, 0)));

static struct mdf_error *error_vcreate(enum mdf_err_code code, int errnum, const char *fmt,
				       va_list ap)
{
	struct mdf_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &nomem_error;
	err->code = code;
	err->errnum = errnum;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &nomem_error;
	}
	return err;
}

struct mdf_error *mdf_error_create(enum mdf_err_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct mdf_error *err = error_vcreate(code, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct mdf_error *mdf_error_os(int errnum, const char *fmt, ...)
{
	enum mdf_err_code code = MDF_ERR_OS;
	if (errnum == ENOSPC || errnum == EDQUOT)
		code = MDF_ERR_NOSPC;
	else if (errnum == ENOMEM)
		code = MDF_ERR_NOMEM;
	va_list ap;
	va_start(ap, fmt);
	struct mdf_error *err = error_vcreate(code, errnum, fmt, ap);
	va_end(ap);
	if (err == &nomem_error)
		return err;
	char *full;
	if (asprintf(&full, "%s: %s", err->message, strerror(errnum)) >= 0) {
		free(err->message);
		err->message = full;
	}
	return err;
}

struct mdf_error *mdf_error_at(struct mdf_error *err, uint64_t offset)
{
	if (err && err != &nomem_error) {
		err->has_offset = true;
		err->offset = offset;
	}
	return err;
}

struct mdf_error *mdf_error_wrap(struct mdf_error *err, const char *fmt, ...)
{
	if (!err || err == &nomem_error)
		return err;
	char *ctx;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&ctx, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err;
	char *full;
	if (asprintf(&full, "%s: %s", ctx, err->message) >= 0) {
		free(err->message);
		err->message = full;
	}
	free(ctx);
	return err;
}

void mdf_error_destroy(struct mdf_error *err)
{
	if (!err || err == &nomem_error)
		return;
	free(err->message);
	free(err);
}

bool mdf_msg_enabled(const struct mdf_msg *msg, enum mdf_msg_level level)
{
	return msg && msg->fn && (msg->level_mask & (int)level);
}

void mdf_msgf(const struct mdf_msg *msg, enum mdf_msg_level level, const char *fmt, ...)
{
	if (!mdf_msg_enabled(msg, level))
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	msg->fn(msg->arg, level, buf);
}
