/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VMCOREINFO text parsing (REFERENCE.md 5.2): KEY=VALUE lines into the
 * kernel-facts table. The text is untrusted: every byte is checked. */
#include "vmcoreinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	VMCI_MAX_FILE = 1u << 20, /* -i files: the kernel's note is ~4 KiB */
	VMCI_OSRELEASE_MAX = KF_RELEASE_LEN - 1,
};

/* Where a line sits, for warnings. */
struct vmci_line {
	const char *source;
	unsigned long lineno;
	size_t offset; /* byte offset of the line in the text */
};

/* Why a line was skipped; why == NULL: the line was used (or ignored by
 * design, as unknown keys are). */
struct vmci_verdict {
	const char *why;
	enum kfact_id id; /* the fact the line was for, KF_COUNT if none */
};

/* The parse of one text: where warnings go and how many were given. */
struct vmci_parse {
	const char *source;
	const struct mdf_msg *msg;
	struct kfacts *kf;
	unsigned int warned;
};

enum { VMCI_MAX_WARNINGS = 10 };

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
 * Returns true if the key was one of them; *why gets the reason when its
 * value is unusable. */
static bool parse_special(const char *key, size_t klen, const char *val, size_t vlen,
			  struct kfacts *kf, const char **why)
{
	uint64_t v;
	*why = NULL;
#define KEY_IS(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, klen) == 0)
	if (KEY_IS("OSRELEASE")) {
		if (vlen == 0 || vlen > VMCI_OSRELEASE_MAX)
			*why = "empty or too long (max 64)";
		else {
			memcpy(kf->osrelease, val, vlen);
			kf->osrelease[vlen] = '\0';
		}
	} else if (KEY_IS("BUILD-ID")) {
		if (vlen >= sizeof(kf->build_id)) {
			*why = "too long";
		} else {
			memcpy(kf->build_id, val, vlen);
			kf->build_id[vlen] = '\0';
		}
	} else if (KEY_IS("PAGESIZE")) {
		if (!parse_u64(val, vlen, 10, &v) || v < 1024 || v > (1u << 20) || (v & (v - 1)))
			*why = "bad page size (power of two, 1 KiB to 1 MiB)";
		else
			kf->page_size = v;
	} else if (KEY_IS("KERNELOFFSET")) {
		if (!parse_hex(val, vlen, &v)) {
			*why = "malformed hex";
		} else {
			kf->kerneloffset = v;
			kf->have_kerneloffset = true;
		}
	} else if (KEY_IS("CRASHTIME")) {
		if (!parse_u64(val, vlen, 10, &v)) {
			*why = "malformed decimal";
		} else {
			kf->crashtime = v;
			kf->have_crashtime = true;
		}
	} else if (klen > 7 && memcmp(key, "CONFIG_", 7) == 0) {
		/* Presence flags (CONFIG_X86_PAE=y): nothing we use reads them. */
	} else {
		return false;
	}
#undef KEY_IS
	return true;
}

/* Parses one KEY=VALUE line (already checked for printable bytes). */
static struct vmci_verdict parse_line(const char *line, size_t len, struct kfacts *kf)
{
	struct vmci_verdict r = { NULL, KF_COUNT };
	const char *eq = memchr(line, '=', len);
	if (!eq) {
		r.why = "not KEY=VALUE";
		return r;
	}
	size_t klen = (size_t)(eq - line);
	const char *val = eq + 1;
	size_t vlen = len - klen - 1;
	if (parse_special(line, klen, val, vlen, kf, &r.why))
		return r;
	r.id = kfacts_lookup_key(line, klen);
	if (r.id == KF_COUNT)
		return r; /* newer kernels add keys; skipping them is by design */
	uint64_t v;
	switch (kfact_table[r.id].kind) {
	case KFK_SYMBOL:
		if (!parse_hex(val, vlen, &v))
			r.why = "malformed hex address";
		else if (v == 0 || v == UINT64_MAX)
			r.why = "impossible address";
		break;
	case KFK_SIZE:
	case KFK_OFFSET:
	case KFK_LENGTH:
		if (!parse_u64(val, vlen, 10, &v))
			r.why = "malformed unsigned decimal";
		break;
	case KFK_NUMBER:
		if (!parse_number(val, vlen, &v))
			r.why = "malformed number";
		break;
	default:
		return r;
	}
	if (!r.why)
		kf_set(kf, r.id, v);
	return r;
}

/* Reports a skipped line (the first VMCI_MAX_WARNINGS of a text) and
 * records it against its fact, so that a dump level that needs the fact
 * can say why it is missing. */
static void skip_line(struct vmci_parse *p, const struct vmci_line *ln, const char *line, size_t len,
		      struct vmci_verdict v, size_t bad_at)
{
	struct kfacts *kf = p->kf;
	kf->nr_bad_lines++;
	if (v.id != KF_COUNT && !kf->bad_line[v.id])
		kf->bad_line[v.id] = ln->lineno > UINT32_MAX ? UINT32_MAX : (uint32_t)ln->lineno;
	if (p->warned++ >= VMCI_MAX_WARNINGS)
		return;
	/* Show the line up to a bad byte, never the byte itself. */
	size_t show = bad_at < len ? bad_at : len;
	mdf_msgf(p->msg, MDF_MSG_COMMON, "WARNING: %s: line %lu: %s: '%.*s%s': line skipped", p->source,
		 ln->lineno, v.why, (int)(show > 80 ? 80 : show), line, show > 80 || show < len ? "..." : "");
}

/* The first byte of line[0..len) that cannot be VMCOREINFO text, or len. */
static size_t first_bad_byte(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\r')
			return i;
	}
	return len;
}

struct mdf_error *vmcoreinfo_parse_msg(const char *text, size_t len, const char *source_name,
				       const struct mdf_msg *msg, struct kfacts *kf)
{
	struct vmci_parse p = { source_name, msg, kf, 0 };
	struct vmci_line ln = { source_name, 0, 0 };
	/* Note descriptors are padded with NULs: the text ends at the last
	 * byte that is not one. A NUL before it is a bad byte of its line. */
	size_t end = len;
	while (end > 0 && text[end - 1] == '\0')
		end--;
	size_t pos = 0;
	/* One iteration per line; pos strictly increases: bounded by len. */
	while (pos < end) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', end - pos);
		size_t llen = nl ? (size_t)(nl - line) : end - pos;
		ln.lineno++;
		ln.offset = pos;
		pos += llen + (nl ? 1 : 0);
		size_t bad = first_bad_byte(line, llen);
		if (bad < llen) {
			/* Keep the fact's name when the damage is in the value. */
			const char *eq = memchr(line, '=', bad);
			struct vmci_verdict v = { "non-text byte in the line", KF_COUNT };
			if (eq)
				v.id = kfacts_lookup_key(line, (size_t)(eq - line));
			char why[64];
			snprintf(why, sizeof(why), "non-text byte 0x%02x at offset %zu",
				 (unsigned char)line[bad], ln.offset + bad);
			v.why = why;
			skip_line(&p, &ln, line, llen, v, bad);
			continue;
		}
		/* Tolerate hand-edited -i files: CRLF and trailing blanks. */
		while (llen > 0 && (line[llen - 1] == '\r' || line[llen - 1] == ' ' || line[llen - 1] == '\t'))
			llen--;
		if (llen == 0)
			continue;
		struct vmci_verdict v = parse_line(line, llen, kf);
		if (v.why)
			skip_line(&p, &ln, line, llen, v, llen);
	}
	if (p.warned > VMCI_MAX_WARNINGS)
		mdf_msgf(msg, MDF_MSG_COMMON, "WARNING: %s: %u more malformed lines skipped", source_name,
			 p.warned - VMCI_MAX_WARNINGS);
	return NULL;
}

struct mdf_error *vmcoreinfo_parse(const char *text, size_t len, const char *source_name, struct kfacts *kf)
{
	return vmcoreinfo_parse_msg(text, len, source_name, NULL, kf);
}

struct mdf_error *vmcoreinfo_read_file_msg(const char *path, const struct mdf_msg *msg,
					   struct kfacts *kf)
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
		err = vmcoreinfo_parse_msg(buf, n, path, msg, kf);
	free(buf);
	return err;
}

struct mdf_error *vmcoreinfo_read_file(const char *path, struct kfacts *kf)
{
	return vmcoreinfo_read_file_msg(path, NULL, kf);
}
