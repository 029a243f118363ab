/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gen_man PAGE: prints PAGE with its generated parts rewritten from the
 * option table (cli_man.h). `make man` runs it on man/makedumpfile.8; the
 * case man_page runs it to check that the checked-in page is current.
 * A build tool: not installed. */
#include <stdio.h>
#include <stdlib.h>

#include "cli_man.h"

static char *read_all(FILE *f)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len - 1, f);
		if (len < cap - 1)
			break;
		char *p = realloc(buf, cap * 2);
		if (!p) {
			free(buf);
			return NULL;
		}
		buf = p;
		cap *= 2;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_man PAGE > NEW_PAGE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	char *page = read_all(f);
	fclose(f);
	char *out = NULL;
	struct mdf_error *err = page ? cli_man_update(page, &out) : mdf_error_nomem();
	free(page);
	if (err) {
		fprintf(stderr, "gen_man: %s: %s\n", argv[1], err->message);
		mdf_error_destroy(err);
		return 1;
	}
	fputs(out, stdout);
	free(out);
	return ferror(stdout) ? 1 : 0;
}
