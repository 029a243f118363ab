/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linked before kernel_like.c so its unit comes first in .debug_info: a
 * struct of a wanted name without any wanted member (as unrelated kernel
 * files have), an incomplete declaration, and a LOCAL symbol sharing a
 * wanted GLOBAL's name. None of these may hide the real definitions. */
struct printk_ringbuffer { int unrelated; };
struct zone;
typedef struct zone zone_alias_t;
static int high_memory = 1;

int decoy_use(struct printk_ringbuffer *p, zone_alias_t *z);
int decoy_use(struct printk_ringbuffer *p, zone_alias_t *z)
{
	return p->unrelated + high_memory + (z != 0);
}
