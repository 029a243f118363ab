/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fixture's crypto_simd module (crypto/simd.c): a "simd" wrapper
 * transform's context is only a pointer to a cryptd transform, and
 * simd_skcipher_init is how configs/dm-crypt.conf tells such a wrapper
 * (its skcipher_alg's init) from an algorithm that keeps its key itself. */
#include "dm_fx.h"

struct simd_skcipher_ctx {
	struct cryptd_skcipher *cryptd_tfm;
};

struct simd_skcipher_alg {
	const char *ialg_name;
	struct skcipher_alg alg;
};

int simd_skcipher_init(struct crypto_skcipher *tfm);
int simd_skcipher_init(struct crypto_skcipher *tfm)
{
	return tfm ? 0 : -1;
}

/* what the types need to be in this module's DWARF and BTF */
struct simd_skcipher_ctx fx_simd_ctx_type;
struct simd_skcipher_alg fx_simd_alg_type;
