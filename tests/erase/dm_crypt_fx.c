/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fixture's dm_crypt module: the crypt target type, one mapping's
 * struct crypt_config with its key, and its two cipher transforms: one
 * with the key expanded in its own context, one a simd wrapper whose key
 * is in the context of a child behind cryptd (cryptd_fx.c), as x86's
 * AES-NI "xts(aes)" is (what configs/dm-crypt.conf erases). */
#include <stddef.h>

#include "dm_fx.h"

struct crypto_aead {
	unsigned int authsize;
	unsigned int reqsize;
	struct crypto_tfm base;
};

struct crypt_config {
	void *dev;
	unsigned long start;
	char *cipher_string;
	char *key_string;
	union {
		struct crypto_skcipher **tfms;
		struct crypto_aead **tfms_aead;
	} cipher_tfm;
	unsigned int tfms_count;
	unsigned long cipher_flags;
	unsigned int key_size;
	unsigned int key_parts;
	unsigned char *authenc_key;
	unsigned char key[];
};
_Static_assert(offsetof(struct crypt_config, key) == 72, "crypt_config.key");

struct target_type crypt_target = {1, "crypt"};

static int fx_xts_init(struct crypto_skcipher *tfm)
{
	return tfm ? 0 : -1;
}

struct skcipher_alg fx_xts_alg = {.init = fx_xts_init, .base = {0, 16, 48, 0, "xts(aes)"}};
/* a transform and its 48 bytes of context right behind it */
struct fx_tfm_obj {
	struct crypto_skcipher tfm;
	unsigned char ctx[48];
};
_Static_assert(offsetof(struct fx_tfm_obj, ctx) == 40, "__crt_ctx");
struct fx_tfm_obj fx_tfm1 = {{0, {1, 0, -1, 0, &fx_xts_alg.base}},
			     "EXPANDED-KEY-SCHEDULE-0123456789abcdefghijklmnop"};

/* the simd wrapper: its 8 bytes of context point to cryptd's transform */
extern int simd_skcipher_init(struct crypto_skcipher *tfm); /* crypto_simd's */
extern char fx_cryptd_tfm[];                                /* cryptd's */
struct skcipher_alg fx_simd_alg = {.init = simd_skcipher_init,
				   .base = {0, 16, 8, 0, "xts(aes)"}};
struct fx_simd_obj {
	struct crypto_skcipher tfm;
	void *ctx[1];
};
_Static_assert(offsetof(struct fx_simd_obj, ctx) == 40, "__crt_ctx");
struct fx_simd_obj fx_tfm0 = {{0, {1, 0, -1, 0, &fx_simd_alg.base}}, {fx_cryptd_tfm}};

struct crypto_skcipher *fx_tfms1[2] = {&fx_tfm0.tfm, &fx_tfm1.tfm};
char fx_cipher_string[] = "aes-xts-plain64";

struct crypt_config fx_cc1 = {
	0, 0, fx_cipher_string, 0, {fx_tfms1}, 2, 0, 32, 1, 0,
	"RAW-DM-CRYPT-KEY-0123456789abcde",
};
/* after the key: must survive */
char fx_cc_after[16] = "not a key";
