/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors are values: a function that can fail returns struct mdf_error *
 * (NULL = success). Only makedumpfile.c turns one into a message and an exit
 * status. See STYLE.md "Code". */
#ifndef MDF_ERROR_H
#define MDF_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum mdf_err_code {
	MDF_ERR_OS = 1,   /* a system call failed; errnum is set */
	MDF_ERR_CORRUPT,  /* input data is malformed */
	MDF_ERR_NODATA,   /* the requested data is not in the input */
	MDF_ERR_NOTSUPP,  /* valid input we do not handle */
	MDF_ERR_NOSPC,    /* output device full or -L size limit reached */
	MDF_ERR_NOMEM,    /* allocation failed */
	MDF_ERR_INVALID,  /* invalid argument or option combination */
	MDF_ERR_INTR,     /* interrupted by SIGINT/SIGTERM */
	MDF_ERR_RELEASE,  /* kernel release mismatch (exit status 2) */
};

struct mdf_error {
	enum mdf_err_code code;
	int errnum;          /* errno for MDF_ERR_OS (and NOSPC from the OS), else 0 */
	bool has_offset;     /* offset is meaningful */
	uint64_t offset;     /* file offset (or address) the error refers to */
	char *message;       /* full message, context first */
};

/* Creates an error with a printf-style message. Never returns NULL: on
 * allocation failure a static out-of-memory error is returned. */
struct mdf_error *mdf_error_create(enum mdf_err_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), returns_nonnull));

/* Creates an MDF_ERR_OS error (MDF_ERR_NOSPC when errnum is ENOSPC or EDQUOT);
 * the message gets ": <strerror>" appended. Never returns NULL. */
struct mdf_error *mdf_error_os(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), returns_nonnull));

/* Sets the offset of an error and returns it (for chaining). */
struct mdf_error *mdf_error_at(struct mdf_error *err, uint64_t offset);

/* Prepends context ("<context>: <old message>") and returns the same error.
 * NULL in, NULL out, so it can wrap any call. */
struct mdf_error *mdf_error_wrap(struct mdf_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees an error; NULL and the static out-of-memory error are no-ops. */
void mdf_error_destroy(struct mdf_error *err);

/* The static error returned when even an error cannot be allocated. */
struct mdf_error *mdf_error_nomem(void) __attribute__((returns_nonnull));

/* Message classes, the bits of --message-level (REFERENCE.md 1.4). */
enum mdf_msg_level {
	MDF_MSG_PROGRESS = 1,
	MDF_MSG_COMMON = 2,
	MDF_MSG_ERROR = 4,
	MDF_MSG_DEBUG = 8,
	MDF_MSG_REPORT = 16,
};

/* Modules report through this callback instead of printing. The text has no
 * trailing newline unless the message needs an exact layout (progress). */
struct mdf_msg {
	void (*fn)(void *arg, enum mdf_msg_level level, const char *text);
	void *arg;
	int level_mask; /* messages whose level is not in the mask are dropped early */
};

/* Formats and delivers a message; a NULL msg or a masked level does nothing. */
void mdf_msgf(const struct mdf_msg *msg, enum mdf_msg_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True if a message of this level would be delivered (to skip costly formatting). */
bool mdf_msg_enabled(const struct mdf_msg *msg, enum mdf_msg_level level);

#endif
