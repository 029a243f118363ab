/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fixed-byte-order integer loads from untrusted byte buffers. The dumps we
 * read have a byte order of their own (kernel data has the dumped machine's,
 * the flattened format is big-endian), independent of the host's; the
 * caller has already checked that the n bytes are inside its buffer. */
#ifndef MDF_BYTEIO_H
#define MDF_BYTEIO_H

#include <stdint.h>

/* The n-byte (n <= 8) little-endian unsigned integer at p. */
static inline uint64_t mdf_get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	for (unsigned int i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

/* The 8-byte little-endian unsigned integer at p. */
static inline uint64_t mdf_get_le64(const uint8_t *p)
{
	return mdf_get_le(p, 8);
}

/* The n-byte (n <= 8) big-endian unsigned integer at p. */
static inline uint64_t mdf_get_be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	for (unsigned int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

#endif
