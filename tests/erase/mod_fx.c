/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module of the --config fixture (vmlinux_fx.c): its data sits in
 * module space; its debug file is this object, as a .ko is. */
struct fx_mod_secret {
	char key[16];
	int len;
};

struct fx_mod_secret fx_mod_data = {"module key 0123", 16};
char fx_mod_name[16] = "module-secret";
