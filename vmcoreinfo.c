/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VMCOREINFO text parsing (REFERENCE.md 5.2): KEY=VALUE lines into the
 * kernel-facts table. The text is untrusted: every byte is checked. */
#include "vmcoreinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	VMCI_MAX_FILE = 1u << 20, /* -i files: the kernel's note is ~4 KiB */
	VMCI_OSRELEASE_MAX = KF_RELEASE_LEN - 1,
};

/* Where a line sits, for error messages. */
struct vmci_line {
	const char *source;
	unsigned long lineno;
	size_t offset; /* byte offset of the line in the text */
};

static struct mdf_error *bad_value(const struct vmci_line *ln, const char *key, size_t keylen, const char *val,
				   size_t vlen, const char *why)
{
	return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT, "%s: line %lu: %.*s: %s value '%.*s'", ln->source,
					     ln->lineno, (int)keylen, key, why, (int)(vlen > 80 ? 80 : vlen), val),
			    ln->offset);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses all of s[0..len) as an unsigned number in base 10 or 16; false on
 * an empty string, a non-digit or overflow past 64 bits. */
static bool parse_u64(const char *s, size_t len, unsigned int base, uint64_t *ret)
{
	uint64_t v = 0;
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d = hex_digit(s[i]);
		if (d < 0 || (unsigned int)d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*ret = v;
	return true;
}

/* Hex with an optional 0x prefix (SYMBOL, KERNELOFFSET). */
static bool parse_hex(const char *s, size_t len, uint64_t *ret)
{
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	return parse_u64(s, len, 16, ret);
}

/* NUMBER(): signed decimal, or 0x-prefixed hex taken as an unsigned 64-bit
 * pattern (addresses such as VMALLOC_START exceed INT64_MAX, REFERENCE.md 5.2). */
static bool parse_number(const char *s, size_t len, uint64_t *ret)
{
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_u64(s + 2, len - 2, 16, ret);
	bool neg = len > 0 && s[0] == '-';
	uint64_t v;
	if (!parse_u64(s + neg, len - neg, 10, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*ret = (uint64_t)0 - v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*ret = v;
	}
	return true;
}

/* Handles the keys that are not in the facts table (REFERENCE.md 5.2).
 * Returns true in *handled if the key was one of them. */
static struct mdf_error *parse_special(const struct vmci_line *ln, const char *key, size_t klen, const char *val,
				       size_t vlen, struct kfacts *kf, bool *handled)
{
	uint64_t v;
	*handled = true;
#define KEY_IS(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, klen) == 0)
	if (KEY_IS("OSRELEASE")) {
		if (vlen == 0 || vlen > VMCI_OSRELEASE_MAX)
			return bad_value(ln, key, klen, val, vlen, "empty or too long (max 64)");
		memcpy(kf->osrelease, val, vlen);
		kf->osrelease[vlen] = '\0';
	} else if (KEY_IS("BUILD-ID")) {
		if (vlen >= sizeof(kf->build_id))
			return bad_value(ln, key, klen, val, vlen, "too long");
		memcpy(kf->build_id, val, vlen);
		kf->build_id[vlen] = '\0';
	} else if (KEY_IS("PAGESIZE")) {
		if (!parse_u64(val, vlen, 10, &v) || v < 1024 || v > (1u << 20) || (v & (v - 1)))
			return bad_value(ln, key, klen, val, vlen, "bad page size (power of two, 1 KiB to 1 MiB)");
		kf->page_size = v;
	} else if (KEY_IS("KERNELOFFSET")) {
		if (!parse_hex(val, vlen, &v))
			return bad_value(ln, key, klen, val, vlen, "malformed hex");
		kf->kerneloffset = v;
		kf->have_kerneloffset = true;
	} else if (KEY_IS("CRASHTIME")) {
		if (!parse_u64(val, vlen, 10, &v))
			return bad_value(ln, key, klen, val, vlen, "malformed decimal");
		kf->crashtime = v;
		kf->have_crashtime = true;
	} else if (klen > 7 && memcmp(key, "CONFIG_", 7) == 0) {
		/* Presence flags (CONFIG_X86_PAE=y): nothing we use reads them. */
	} else {
		*handled = false;
	}
#undef KEY_IS
	return NULL;
}

/* Parses one KEY=VALUE line (already checked for printable bytes). */
static struct mdf_error *parse_line(const struct vmci_line *ln, const char *line, size_t len, struct kfacts *kf)
{
	const char *eq = memchr(line, '=', len);
	if (!eq)
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT, "%s: line %lu: not KEY=VALUE: '%.*s'", ln->source,
						     ln->lineno, (int)(len > 80 ? 80 : len), line),
				    ln->offset);
	size_t klen = (size_t)(eq - line);
	const char *val = eq + 1;
	size_t vlen = len - klen - 1;
	bool handled;
	struct mdf_error *err = parse_special(ln, line, klen, val, vlen, kf, &handled);
	if (err || handled)
		return err;
	enum kfact_id id = kfacts_lookup_key(line, klen);
	if (id == KF_COUNT)
		return NULL; /* newer kernels add keys; skipping them is by design */
	uint64_t v;
	switch (kfact_table[id].kind) {
	case KFK_SYMBOL:
		if (!parse_hex(val, vlen, &v))
			return bad_value(ln, line, klen, val, vlen, "malformed hex address");
		if (v == 0 || v == UINT64_MAX)
			return bad_value(ln, line, klen, val, vlen, "impossible address");
		break;
	case KFK_SIZE:
	case KFK_OFFSET:
	case KFK_LENGTH:
		if (!parse_u64(val, vlen, 10, &v))
			return bad_value(ln, line, klen, val, vlen, "malformed unsigned decimal");
		break;
	case KFK_NUMBER:
		if (!parse_number(val, vlen, &v))
			return bad_value(ln, line, klen, val, vlen, "malformed number");
		break;
	default:
		return NULL;
	}
	kf_set(kf, id, v);
	return NULL;
}

struct mdf_error *vmcoreinfo_parse(const char *text, size_t len, const char *source_name, struct kfacts *kf)
{
	struct vmci_line ln = {source_name, 0, 0};
	/* Note descriptors are padded with NULs; the text ends at the first. */
	size_t end = strnlen(text, len);
	size_t pos = 0;
	for (size_t i = end; i < len; i++) {
		if (text[i] == '\0')
			continue;
		unsigned long lineno = 1;
		for (size_t k = 0; k < end; k++)
			lineno += text[k] == '\n';
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT, "%s: line %lu: non-text byte 0x00 at offset %zu",
						     source_name, lineno, end),
				    end);
	}
	/* One iteration per line; pos strictly increases: bounded by len. */
	while (pos < end) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', end - pos);
		size_t llen = nl ? (size_t)(nl - line) : end - pos;
		ln.lineno++;
		ln.offset = pos;
		pos += llen + (nl ? 1 : 0);
		for (size_t i = 0; i < llen; i++) {
			unsigned char c = (unsigned char)line[i];
			if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\r')
				return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
								     "%s: line %lu: non-text byte 0x%02x at offset %zu",
								     source_name, ln.lineno, c, ln.offset + i),
						    ln.offset + i);
		}
		/* Tolerate hand-edited -i files: CRLF and trailing blanks. */
		while (llen > 0 && (line[llen - 1] == '\r' || line[llen - 1] == ' ' || line[llen - 1] == '\t'))
			llen--;
		if (llen == 0)
			continue;
		struct mdf_error *err = parse_line(&ln, line, llen, kf);
		if (err)
			return err;
	}
	return NULL;
}

struct mdf_error *vmcoreinfo_read_file(const char *path, struct kfacts *kf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mdf_error_os(errno, "%s: cannot open", path);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return mdf_error_os(e, "%s: cannot stat", path);
	}
	if (st.st_size > VMCI_MAX_FILE) {
		close(fd);
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: too large for a VMCOREINFO file (%lld bytes, max %u)", path,
					(long long)st.st_size, (unsigned int)VMCI_MAX_FILE);
	}
	/* Read up to the limit + 1 so a file that grows (or a pipe) is caught. */
	char *buf = malloc(VMCI_MAX_FILE + 1);
	if (!buf) {
		close(fd);
		return mdf_error_nomem();
	}
	size_t n = 0;
	while (n <= VMCI_MAX_FILE) {
		ssize_t r = read(fd, buf + n, VMCI_MAX_FILE + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return mdf_error_os(e, "%s: read error at offset %zu", path, n);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	struct mdf_error *err = NULL;
	if (n > VMCI_MAX_FILE)
		err = mdf_error_create(MDF_ERR_CORRUPT, "%s: too large for a VMCOREINFO file (max %u bytes)", path,
				       (unsigned int)VMCI_MAX_FILE);
	else
		err = vmcoreinfo_parse(buf, n, path, kf);
	free(buf);
	return err;
}
