/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fixture's dm_mod module: device-mapper's name tree (dm-ioctl.c
 * name_rb_tree) with two mappings: "cryptvol", one crypt target whose
 * private data is dm_crypt's fx_cc1 (a type dm_mod does not have), and
 * "linearvol", one linear target whose private data must not be erased;
 * linearvol also has an inactive table (new_map), cryptvol none. */
#include "dm_fx.h"

struct linear_c {
	void *dev;
	unsigned long start;
	char secret_looking[32];
};

extern struct target_type crypt_target; /* dm_crypt's */
extern struct crypt_config fx_cc1;       /* dm_crypt's */

struct target_type linear_target = {0, "linear"};
struct linear_c fx_lc = {0, 2048, "linear private data, keep it"};
struct linear_c fx_lc2 = {0, 4096, "inactive linear table, keep"};

extern struct mapped_device fx_md1, fx_md2;
struct dm_target fx_targets1[1];
struct dm_target fx_targets2[1];
struct dm_target fx_targets3[1];
struct dm_table fx_table1 = {&fx_md1, 1, 1, 1, 1, 0, fx_targets1};
struct dm_table fx_table2 = {&fx_md2, 1, 1, 1, 1, 0, fx_targets2};
struct dm_table fx_table3 = {&fx_md2, 1, 1, 1, 1, 0, fx_targets3};
struct dm_target fx_targets1[1] = {{&fx_table1, &crypt_target, 0, 1 << 20, 0,
				    (void *)&fx_cc1, 0}};
struct dm_target fx_targets2[1] = {{&fx_table2, &linear_target, 0, 1 << 20, 0, &fx_lc, 0}};
struct dm_target fx_targets3[1] = {{&fx_table3, &linear_target, 0, 1 << 20, 0, &fx_lc2, 0}};
struct mapped_device fx_md1 = {"md1 lock", &fx_table1, 0};
struct mapped_device fx_md2 = {"md2 lock", &fx_table2, 0};

char fx_name1[] = "cryptvol";
char fx_name2[] = "linearvol";
extern struct hash_cell fx_hc1, fx_hc2;
/* root hc1 (black), right child hc2 */
struct hash_cell fx_hc1 = {{0, &fx_hc2.name_node, 0}, {0, 0, 0}, 1, 0, fx_name1, 0, &fx_md1, 0};
struct hash_cell fx_hc2 = {{(unsigned long)&fx_hc1.name_node, 0, 0}, {0, 0, 0}, 1, 0, fx_name2,
			   0, &fx_md2, &fx_table3};
#ifdef FX_DM_EMPTY
struct rb_root name_rb_tree = {0}; /* erase_dm_real.sh: no mappings */
#else
struct rb_root name_rb_tree = {&fx_hc1.name_node};
#endif
