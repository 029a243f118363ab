/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A vmlinux-like fixture for the --config tests (tests/erase_fixture.py
 * builds a vmcore around it; tests/cases/erase_*.sh use it). Every global
 * is linked at the kernel virtual address where the generated dump holds
 * it (KERNELOFFSET 0, so initialised pointers are the run-time ones):
 *   .fxdata   kernel image (0xffffffff81500000)
 *   .fxheap   direct map (page_offset + 32 MiB): "slab" objects
 *   .fxvm     vmalloc space, two pages mapped to physical pages in the
 *             reverse order (an object spanning them is not contiguous)
 * The layouts are fixed (static asserts): the helper computes the bytes
 * each config must erase from them and from the symbol table, not from
 * our tool. The last part are hostile lists for the error cases. */
#include <stddef.h>

#define HEAP __attribute__((section(".fxheap")))
#define VMALLOC __attribute__((section(".fxvm")))

struct list_head {
	struct list_head *next, *prev;
};

struct fx_item {
	int id;
	char name[12];
	struct fx_item *next;
	struct list_head list;
	char *label;
	void *blob;
	long blob_len;
};
_Static_assert(sizeof(struct fx_item) == 64, "fx_item");
_Static_assert(offsetof(struct fx_item, name) == 4, "name");
_Static_assert(offsetof(struct fx_item, next) == 16, "next");
_Static_assert(offsetof(struct fx_item, list) == 24, "list");
_Static_assert(offsetof(struct fx_item, label) == 40, "label");

struct fx_big {
	char data[6000];
};

struct fx_flags {
	unsigned int a : 3;
	unsigned int b : 5;
	int plain;
};

/* The parts of the kernel's module and BTF bookkeeping that
 * kmodules.c reads, at other offsets than in 6.1 (read from the types). */
struct mod_kallsyms {
	void *symtab;
	unsigned int num_symtab;
	char *strtab;
	char *typetab;
};

struct module {
	int state;
	struct list_head list;
	char name[56];
	struct mod_kallsyms *kallsyms;
};
_Static_assert(offsetof(struct module, list) == 8, "module.list");
_Static_assert(offsetof(struct module, name) == 24, "module.name");

struct btf {
	void *data;
	unsigned int data_size;
	char name[56];
};
_Static_assert(offsetof(struct btf, data_size) == 8, "btf.data_size");

struct btf_module {
	struct list_head list;
	struct module *module;
	struct btf *btf;
};

/* ---- kernel image ---- */

const char linux_banner[] =
	"Linux version 6.1.0-56-amd64 (mkvmcore) #1 SMP PREEMPT_DYNAMIC mkvmcore\n";
char fx_banner[] = "FX banner: top secret\n";
char fx_msg_text[] = "hello, secret";
char *fx_msg = fx_msg_text;
long fx_secret_len = 100;
struct {
	char key[32];
	unsigned long birth;
} fx_anon = {"anonymous struct key 0123456789", 42};
struct fx_flags fx_flags = {1, 2, 3};

extern struct fx_item fx_h1, fx_h2, fx_h3;
extern struct list_head fx_list;
extern char fx_blob[100];
extern struct fx_big fx_vmbig;
char fx_alpha[] = "alpha";
char fx_beta[] = "beta";
char fx_gamma[] = "gamma";

struct fx_item fx_head = {0, "head-name", &fx_h1, {0, 0}, "head-label", 0, 0};
void *fx_secret = fx_blob;
struct fx_big *fx_vbig = &fx_vmbig;
struct fx_item fx_items[3] = {{1, "item-one"}, {2, "item-two"}, {3, "item-three"}};
struct fx_item *fx_ptrs[4] = {&fx_h1, 0, &fx_h3, 0};
struct list_head fx_list = {&fx_h1.list, &fx_h3.list};

/* ---- "slab" objects in the direct map ---- */

struct fx_item fx_h1 HEAP = {11, "h1-name", &fx_h2, {&fx_h2.list, &fx_list}, fx_alpha, 0, 0};
struct fx_item fx_h2 HEAP = {12, "h2-name", &fx_h3, {&fx_h3.list, &fx_h1.list}, fx_beta, 0, 0};
struct fx_item fx_h3 HEAP = {13, "h3-name", 0, {&fx_list, &fx_h2.list}, fx_gamma, 0, 0};
char fx_blob[100] HEAP = "a secret blob of one hundred bytes ..........................................";

/* ---- vmalloc ---- */

struct fx_big fx_vmbig VMALLOC = {"vmalloc'ed data spanning two pages"};

/* ---- modules: mod_fx (tests/erase/mod_fx.c), then dm_mod, dm_crypt,
 * crypto_simd and cryptd (tests/erase/dm_mod_fx.c, dm_crypt_fx.c,
 * crypto_simd_fx.c, cryptd_fx.c) ---- */

enum { FX_DM = 4 };
extern struct module fx_module, fx_dm_modules[FX_DM];
extern struct btf_module fx_btf_module, fx_dm_btf_modules[FX_DM];
struct list_head modules = {&fx_module.list, &fx_dm_modules[FX_DM - 1].list};
struct list_head btf_modules = {&fx_btf_module.list, &fx_dm_btf_modules[FX_DM - 1].list};
/* filled by the helper: Elf64_Sym entries, names, the module's BTF */
char fx_mod_symtab[3 * 24] HEAP;
char fx_mod_strtab[64] HEAP;
char fx_mod_btf_data[16384] HEAP;
struct mod_kallsyms fx_mod_kallsyms HEAP = {fx_mod_symtab, 3, fx_mod_strtab, 0};
struct module fx_module HEAP = {0, {&fx_dm_modules[0].list, &modules}, "mod_fx",
				&fx_mod_kallsyms};
struct btf fx_mod_btf HEAP = {fx_mod_btf_data, 0, "mod_fx"};
struct btf_module fx_btf_module HEAP = {{&fx_dm_btf_modules[0].list, &btf_modules}, &fx_module,
					&fx_mod_btf};
/* the helper fills the tables and num_symtab */
char fx_dm_symtab[FX_DM][32 * 24] HEAP;
char fx_dm_strtab[FX_DM][512] HEAP;
char fx_dm_btf_data[FX_DM][16384] HEAP;
struct mod_kallsyms fx_dm_kallsyms[FX_DM] HEAP = {{fx_dm_symtab[0], 0, fx_dm_strtab[0], 0},
						  {fx_dm_symtab[1], 0, fx_dm_strtab[1], 0},
						  {fx_dm_symtab[2], 0, fx_dm_strtab[2], 0},
						  {fx_dm_symtab[3], 0, fx_dm_strtab[3], 0}};
struct module fx_dm_modules[FX_DM] HEAP = {
	{0, {&fx_dm_modules[1].list, &fx_module.list}, "dm_mod", &fx_dm_kallsyms[0]},
	{0, {&fx_dm_modules[2].list, &fx_dm_modules[0].list}, "dm_crypt", &fx_dm_kallsyms[1]},
	{0, {&fx_dm_modules[3].list, &fx_dm_modules[1].list}, "crypto_simd", &fx_dm_kallsyms[2]},
	{0, {&modules, &fx_dm_modules[2].list}, "cryptd", &fx_dm_kallsyms[3]},
};
struct btf fx_dm_btf[FX_DM] HEAP = {{fx_dm_btf_data[0], 0, "dm_mod"},
				    {fx_dm_btf_data[1], 0, "dm_crypt"},
				    {fx_dm_btf_data[2], 0, "crypto_simd"},
				    {fx_dm_btf_data[3], 0, "cryptd"}};
struct btf_module fx_dm_btf_modules[FX_DM] HEAP = {
	{{&fx_dm_btf_modules[1].list, &fx_btf_module.list}, &fx_dm_modules[0], &fx_dm_btf[0]},
	{{&fx_dm_btf_modules[2].list, &fx_dm_btf_modules[0].list}, &fx_dm_modules[1],
	 &fx_dm_btf[1]},
	{{&fx_dm_btf_modules[3].list, &fx_dm_btf_modules[1].list}, &fx_dm_modules[2],
	 &fx_dm_btf[2]},
	{{&btf_modules, &fx_dm_btf_modules[2].list}, &fx_dm_modules[3], &fx_dm_btf[3]},
};

/* ---- an rb-tree of typed payloads (our additions: rbtree, if, and a
 * member hint), like the kernel's keys ---- */

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));
struct rb_root {
	struct rb_node *rb_node;
};
struct fx_type {
	char name[8];
};
struct fx_payload {             /* as struct user_key_payload */
	unsigned long rcu[2];
	unsigned short datalen;
	char data[] __attribute__((aligned(8)));
};
_Static_assert(offsetof(struct fx_payload, data) == 24, "fx_payload.data");
struct fx_key {
	int serial;
	struct rb_node node;
	struct fx_type *type;
	void *payload;
};
_Static_assert(offsetof(struct fx_key, node) == 8, "fx_key.node");

struct fx_type fx_type_user = {"user"};
struct fx_type fx_type_other = {"other"};
extern struct fx_key fx_k1, fx_k2, fx_k3, fx_k4, fx_b1, fx_b2;
struct fx_payload fx_p1 HEAP = {{0, 0}, 5, "key-1"};
struct fx_payload fx_p2 HEAP = {{0, 0}, 7, "other-2"};
struct fx_payload fx_p3 HEAP = {{0, 0}, 9, "the-key-3"};
struct fx_payload fx_p4 HEAP = {{0, 0}, 3, "k-4"};
/* in order k1 k2 k3 k4: k2 the root, k1 its left, k4 its right, k3 k4's left */
struct rb_root fx_keys = {&fx_k2.node};
struct fx_key fx_k1 HEAP = {101, {0, 0, 0}, &fx_type_user, &fx_p1};
struct fx_key fx_k2 HEAP = {102, {0, &fx_k4.node, &fx_k1.node}, &fx_type_other, &fx_p2};
struct fx_key fx_k3 HEAP = {103, {0, 0, 0}, &fx_type_user, &fx_p3};
struct fx_key fx_k4 HEAP = {104, {0, 0, &fx_k3.node}, &fx_type_user, &fx_p4};
/* an rb-tree whose left child points back at the root */
struct rb_root fx_badtree = {&fx_b1.node};
struct fx_key fx_b1 HEAP = {201, {0, 0, &fx_b2.node}, &fx_type_user, 0};
struct fx_key fx_b2 HEAP = {202, {0, &fx_b1.node, 0}, &fx_type_user, 0};

/* ---- hostile lists ---- */

extern struct fx_item fx_c1, fx_c2, fx_vc1, fx_vc2, fx_vc3;
/* within: c1 -> c2 -> c1 ..., never back at the head */
struct list_head fx_cycle = {&fx_c1.list, &fx_c2.list};
struct fx_item fx_c1 HEAP = {21, "c1", 0, {&fx_c2.list, &fx_cycle}, 0, 0, 0};
struct fx_item fx_c2 HEAP = {22, "c2", 0, {&fx_c1.list, &fx_c1.list}, 0, 0, 0};
/* via: vc1 -> vc2 -> vc3 -> vc2 ..., never back at the first node */
struct fx_item fx_vc1 HEAP = {31, "vc1", &fx_vc2};
struct fx_item fx_vc2 HEAP = {32, "vc2", &fx_vc3};
struct fx_item fx_vc3 HEAP = {33, "vc3", &fx_vc2};
struct fx_item *fx_vcycle = &fx_vc1;
/* within: the first node is in a physical hole (direct map, past RAM) */
struct list_head fx_hole = {(struct list_head *)0xffff8dabbf000000UL, &fx_hole};
