/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-mapper and crypto types for the fixture's dm_mod and dm_crypt
 * modules (dm_mod_fx.c, dm_crypt_fx.c): the members configs/dm-crypt.conf
 * names, with the names of Linux 6.1 (drivers/md/dm-ioctl.c struct
 * hash_cell, dm-core.h struct mapped_device and struct dm_table,
 * include/linux/device-mapper.h struct dm_target, include/linux/crypto.h
 * struct crypto_tfm and struct crypto_alg, include/crypto/skcipher.h
 * struct crypto_skcipher and struct skcipher_alg),
 * other members left out or at other offsets: the config must not depend
 * on offsets, only on names. struct crypt_config is dm_crypt's own and is
 * not here: dm_mod's types do not have it, as in the kernel. */
#ifndef DM_FX_H
#define DM_FX_H

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));
struct rb_root {
	struct rb_node *rb_node;
};

struct crypto_alg {
	unsigned int cra_flags;
	unsigned int cra_blocksize;
	unsigned int cra_ctxsize;
	unsigned int cra_alignmask;
	char cra_name[64];
};

struct crypto_tfm {
	unsigned int refcnt;
	unsigned int crt_flags;
	int node;
	void (*exit)(struct crypto_tfm *tfm);
	struct crypto_alg *__crt_alg;
	void *__crt_ctx[] __attribute__((aligned(8)));
};

struct crypto_skcipher {
	unsigned int reqsize;
	struct crypto_tfm base;
};

/* include/crypto/cryptd.h: a cryptd transform */
struct cryptd_skcipher {
	struct crypto_skcipher base;
};

/* include/crypto/skcipher.h: the algorithm around a struct crypto_alg */
struct skcipher_alg {
	int (*setkey)(struct crypto_skcipher *tfm, const unsigned char *key, unsigned int keylen);
	int (*init)(struct crypto_skcipher *tfm);
	void (*exit)(struct crypto_skcipher *tfm);
	unsigned int min_keysize, max_keysize, ivsize;
	struct crypto_alg base;
};

struct target_type {
	unsigned long features;
	const char *name;
};

struct dm_table;
struct dm_target {
	struct dm_table *table;
	struct target_type *type;
	unsigned long begin, len;
	unsigned int max_io_len;
	void *private;
	char *error;
};

struct mapped_device {
	char suspend_lock[48];
	void *map; /* void __rcu *: a struct dm_table */
	unsigned long flags;
};

struct dm_table {
	struct mapped_device *md;
	int type;
	unsigned int depth;
	unsigned int num_targets;
	unsigned int num_allocated;
	unsigned long *highs;
	struct dm_target *targets;
};

struct hash_cell {
	struct rb_node name_node;
	struct rb_node uuid_node;
	_Bool name_set, uuid_set;
	char *name;
	char *uuid;
	struct mapped_device *md;
	struct dm_table *new_map;
};

#endif
