/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fixture's cryptd module (crypto/cryptd.c): the cryptd
 * transform a simd wrapper points to, whose context points to the child
 * transform that holds the expanded key (on x86, "__xts-aes-aesni"). */
#include <stddef.h>

#include "dm_fx.h"

/* The child is declared a struct crypto_sync_skcipher * here, as some
 * older kernels do (5.10, 6.1 and 6.12: a struct crypto_skcipher *), so
 * the fixture checks that configs/dm-crypt.conf's #@type reads it as a
 * struct crypto_skcipher * (the sync one starts with one). */
struct crypto_sync_skcipher {
	struct crypto_skcipher base;
};

struct cryptd_skcipher_ctx {
	int refcnt;
	struct crypto_sync_skcipher *child;
};

/* the child: its 64 bytes of context hold the key schedule */
struct skcipher_alg fx_child_alg = {.base = {0, 16, 64, 0, "__xts(aes)"}};
struct fx_child_obj {
	struct crypto_skcipher tfm;
	unsigned char ctx[64];
};
_Static_assert(offsetof(struct fx_child_obj, ctx) == 40, "__crt_ctx");
struct fx_child_obj fx_child_tfm = {{0, {1, 0, -1, 0, &fx_child_alg.base}},
				    "AESNI-CHILD-KEY-SCHEDULE-0123456789abcdefghijklmnopqrstuvwxyzAB"};
/* after the child's context: must survive */
char fx_child_after[16] = "not a schedule";

struct skcipher_alg fx_cryptd_alg = {.base = {0, 16, 16, 0, "cryptd(__xts(aes))"}};
struct fx_cryptd_obj {
	struct cryptd_skcipher tfm;
	struct cryptd_skcipher_ctx ctx;
};
_Static_assert(offsetof(struct fx_cryptd_obj, ctx) == 40, "__crt_ctx");
struct fx_cryptd_obj fx_cryptd_tfm = {{{0, {1, 0, -1, 0, &fx_cryptd_alg.base}}},
				      {1, (struct crypto_sync_skcipher *)&fx_child_tfm.tfm}};
