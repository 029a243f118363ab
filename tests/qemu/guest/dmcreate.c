/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmcreate: create a device-mapper device with one target, without dmsetup
 * or libdevmapper (for the initramfs of tests/qemu/dm-crypt-erase.sh; built
 * statically on the host).
 *
 *   usage: dmcreate [-n] NAME SECTORS TARGET PARAMS
 *
 * DM_DEV_CREATE, DM_TABLE_LOAD of "0 SECTORS TARGET PARAMS", then
 * DM_DEV_SUSPEND without DM_SUSPEND_FLAG (a resume), which makes the loaded
 * table live. With -n the table stays loaded but inactive (hash_cell.new_map).
 * Every request carries DM_SECURE_DATA_FLAG as cryptsetup's do, so the
 * kernel wipes its copy of the parameters (the key) when it frees it
 * (drivers/md/dm-ioctl.c, free_params). Prints the device's major:minor.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* room for the header, one target spec and a 64-byte key in hex with the
 * rest of the crypt parameters */
#define BUFSZ 16384

static void init_hdr(struct dm_ioctl *io, const char *name, size_t size)
{
	memset(io, 0, size);
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = 0;
	io->version[2] = 0;
	io->data_size = (uint32_t)size;
	io->data_start = sizeof(*io);
	io->flags = DM_SECURE_DATA_FLAG;
	snprintf(io->name, sizeof(io->name), "%s", name);
}

static int dm_call(int fd, unsigned long req, struct dm_ioctl *io, const char *what)
{
	if (ioctl(fd, req, io) < 0) {
		fprintf(stderr, "dmcreate: %s: %s\n", what, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static _Alignas(8) char buf[BUFSZ];
	struct dm_ioctl *io = (struct dm_ioctl *)buf;
	struct dm_target_spec *spec;
	int resume = 1, fd, argi = 1;
	size_t plen, total;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		resume = 0;
		argi++;
	}
	if (argc - argi != 4) {
		fprintf(stderr, "usage: dmcreate [-n] NAME SECTORS TARGET PARAMS\n");
		return 2;
	}
	fd = open("/dev/mapper/control", O_RDWR);
	if (fd < 0) {
		perror("dmcreate: /dev/mapper/control");
		return 1;
	}
	init_hdr(io, argv[argi], sizeof(*io));
	if (dm_call(fd, DM_DEV_CREATE, io, "DM_DEV_CREATE"))
		return 1;

	plen = strlen(argv[argi + 3]) + 1;
	total = sizeof(*io) + sizeof(*spec) + ((plen + 7) & ~(size_t)7);
	if (total > BUFSZ) {
		fprintf(stderr, "dmcreate: parameters too long\n");
		return 1;
	}
	init_hdr(io, argv[argi], total);
	io->target_count = 1;
	spec = (struct dm_target_spec *)(buf + sizeof(*io));
	spec->sector_start = 0;
	spec->length = strtoull(argv[argi + 1], NULL, 0);
	spec->status = 0;
	spec->next = (uint32_t)(total - sizeof(*io));
	snprintf(spec->target_type, sizeof(spec->target_type), "%s", argv[argi + 2]);
	memcpy(buf + sizeof(*io) + sizeof(*spec), argv[argi + 3], plen);
	if (dm_call(fd, DM_TABLE_LOAD, io, "DM_TABLE_LOAD"))
		return 1;
	/* our copy of the key goes too (the hex text in argv stays: it is the
	 * process's, freed when it exits) */
	memset(buf, 0, sizeof(buf));

	if (resume) {
		init_hdr(io, argv[argi], sizeof(*io));
		if (dm_call(fd, DM_DEV_SUSPEND, io, "DM_DEV_SUSPEND (resume)"))
			return 1;
	} else {
		init_hdr(io, argv[argi], sizeof(*io));
		if (dm_call(fd, DM_DEV_STATUS, io, "DM_DEV_STATUS"))
			return 1;
	}
	printf("%u:%u\n", major(io->dev), minor(io->dev));
	close(fd);
	return 0;
}
