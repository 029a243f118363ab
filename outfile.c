/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output files (outfile.h): no output over an input, temporary file and
 * rename with -f, nothing left behind by a failed run unless kept. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outfile {
	char *path;      /* as the user named it */
	char *target;    /* what a temporary file is renamed over (path, or a symlink's target) */
	char *tmp;       /* named temporary file, NULL when writing in place */
	int fd;
	bool unnamed;    /* an O_TMPFILE inode, not yet linked anywhere */
	bool created;    /* this run created the file at path (no temporary) */
	bool replacing;  /* an old regular file is replaced at commit */
	uint64_t old_size;
	bool done;       /* committed or discarded */
};

static void guard_add(struct outfile_guard *g, const struct stat *st, const char *name)
{
	if (g->n < sizeof(g->in) / sizeof(g->in[0])) {
		g->in[g->n].dev = st->st_dev;
		g->in[g->n].ino = st->st_ino;
		g->in[g->n].name = name;
		g->n++;
	}
}

void outfile_guard_add_path(struct outfile_guard *g, const char *path, const char *name)
{
	struct stat st;
	if (path && stat(path, &st) == 0)
		guard_add(g, &st, name ? name : path);
}

void outfile_guard_add_fd(struct outfile_guard *g, int fd, const char *name)
{
	struct stat st;
	/* Only files can be written over; a pipe or a terminal on stdin is
	 * no input to protect. */
	if (fd >= 0 && fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		guard_add(g, &st, name);
}

/* The guard entry that st is, or NULL. */
static const struct outfile_input *guard_match(const struct outfile_guard *g, const struct stat *st)
{
	for (size_t i = 0; g && i < g->n; i++)
		if (g->in[i].dev == st->st_dev && g->in[i].ino == st->st_ino)
			return &g->in[i];
	return NULL;
}

static struct mdf_error *refuse_input(const char *path, const struct outfile_input *in)
{
	return mdf_error_create(MDF_ERR_INVALID,
				"Can't open the dump file (%s): it is the input file %s (the same "
				"file): refusing to write over the input, even with -f",
				path, in->name);
}

struct mdf_error *outfile_check(const char *path, const struct outfile_guard *g)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return NULL;
	const struct outfile_input *in = guard_match(g, &st);
	return in ? refuse_input(path, in) : NULL;
}

static struct outfile *outfile_alloc(const char *path)
{
	struct outfile *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->fd = -1;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return NULL;
	}
	return f;
}

/* The directory part of path ("." for a bare name), malloc'ed. */
static char *dir_of(const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return NULL;
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	return dir;
}

/* Opens an unnamed file (O_TMPFILE) in the directory of `where`: nothing
 * is visible at any path until outfile_publish or outfile_commit links
 * it, so a run killed before its header says "incomplete" leaves no file
 * at all. False when the file system cannot (then a named file is used). */
static bool open_unnamed(struct outfile *f, const char *where, unsigned int mode)
{
#ifdef O_TMPFILE
	char *dir = dir_of(where);
	if (!dir)
		return false;
	f->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)(mode & 0777));
	free(dir);
	if (f->fd < 0)
		return false;
	f->unnamed = true;
	return true;
#else
	(void)f;
	(void)where;
	(void)mode;
	return false;
#endif
}

/* Gives the unnamed file the name `to` (fails with EEXIST if taken). */
static int link_unnamed(int fd, const char *to)
{
	if (linkat(fd, "", AT_FDCWD, to, AT_EMPTY_PATH) == 0)
		return 0;
	/* Without CAP_DAC_READ_SEARCH, through /proc. */
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, to, AT_SYMLINK_FOLLOW);
}

/* Opens a temporary file next to target (same directory, so rename(2) is
 * atomic and the data never crosses file systems). */
static struct mdf_error *open_temp(struct outfile *f, unsigned int mode)
{
	if (asprintf(&f->tmp, "%s.tmpXXXXXX", f->target) < 0) {
		f->tmp = NULL;
		return mdf_error_nomem();
	}
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0) {
		int e = errno;
		free(f->tmp);
		f->tmp = NULL;
		return mdf_error_os(e, "Can't open the dump file (%s): cannot create a temporary "
				    "file beside it", f->path);
	}
	/* mkostemp creates 0600; a log file asks for more. */
	if ((mode & 0777) != 0600)
		(void)fchmod(f->fd, (mode_t)(mode & 0777));
	return NULL;
}

/* -f over an existing regular file: write a temporary file beside the file
 * the path names (through a symlink, beside its target). */
static struct mdf_error *open_replacing(struct outfile *f, const struct stat *st,
					unsigned int mode)
{
	struct stat lst;
	if (lstat(f->path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		f->target = realpath(f->path, NULL);
		if (!f->target)
			return mdf_error_os(errno, "Can't open the dump file (%s)", f->path);
	} else {
		f->target = strdup(f->path);
		if (!f->target)
			return mdf_error_nomem();
	}
	f->replacing = true;
	f->old_size = (uint64_t)st->st_size;
	if (open_unnamed(f, f->target, mode))
		return NULL;
	return open_temp(f, mode);
}

struct mdf_error *outfile_open(const char *path, bool overwrite, unsigned int mode,
			       const struct outfile_guard *g, struct outfile **ret)
{
	*ret = NULL;
	struct outfile *f = outfile_alloc(path);
	if (!f)
		return mdf_error_nomem();
	struct stat st;
	struct mdf_error *err = NULL;
	bool exists = stat(path, &st) == 0;
	const struct outfile_input *in = exists ? guard_match(g, &st) : NULL;
	if (in) {
		err = refuse_input(path, in);
	} else if (exists && overwrite && S_ISREG(st.st_mode)) {
		err = open_replacing(f, &st, mode);
	} else if (!exists && open_unnamed(f, path, mode)) {
		/* A new file: unnamed until its header says what it is. */
	} else {
		/* A new file, or with -f a device or FIFO written in place. */
		int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
		if (!overwrite)
			flags |= O_EXCL;
		f->fd = open(path, flags, (mode_t)mode);
		if (f->fd < 0)
			err = mdf_error_os(errno, "Can't open the dump file (%s)", path);
		else
			f->created = !exists;
		/* The path may have appeared (or been swapped) since the stat:
		 * check what was opened. */
		if (!err && fstat(f->fd, &st) == 0 && (in = guard_match(g, &st)) != NULL) {
			f->created = false;
			err = refuse_input(path, in);
		}
	}
	if (err) {
		f->done = true;
		outfile_destroy(f);
		return err;
	}
	*ret = f;
	return NULL;
}

int outfile_fd(const struct outfile *f)
{
	return f->fd;
}

const char *outfile_path(const struct outfile *f)
{
	return f->path;
}

bool outfile_replacing(const struct outfile *f)
{
	return f->replacing;
}

uint64_t outfile_old_size(const struct outfile *f)
{
	return f->old_size;
}

/* fsync of the directory holding path, so a link or rename survives a
 * crash. */
static void sync_dir_of(const char *path)
{
	char *dir = dir_of(path);
	if (!dir)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

struct mdf_error *outfile_publish(struct outfile *f)
{
	if (!f || !f->unnamed || f->replacing || f->done)
		return NULL;
	if (link_unnamed(f->fd, f->path) != 0)
		return mdf_error_os(errno, "Can't open the dump file (%s)", f->path);
	f->unnamed = false;
	f->created = true;
	sync_dir_of(f->path);
	return NULL;
}

/* Links an unnamed replacement under a temporary name beside the target,
 * to be renamed over it. */
static struct mdf_error *name_replacement(struct outfile *f)
{
	for (unsigned int i = 0; i < 100; i++) {
		free(f->tmp);
		if (asprintf(&f->tmp, "%s.tmp%06u", f->target,
			     (unsigned int)(((unsigned int)getpid() * 7919u + i * 104729u) % 1000000u)) < 0) {
			f->tmp = NULL;
			return mdf_error_nomem();
		}
		if (link_unnamed(f->fd, f->tmp) == 0) {
			f->unnamed = false;
			return NULL;
		}
		if (errno != EEXIST)
			break;
	}
	int e = errno;
	free(f->tmp);
	f->tmp = NULL;
	return mdf_error_os(e, "Can't name the new dump file beside %s", f->target);
}

struct mdf_error *outfile_commit(struct outfile *f)
{
	if (f->done)
		return NULL;
	if (f->unnamed && !f->replacing) {
		struct mdf_error *err = outfile_publish(f);
		f->done = true;
		return err;
	}
	if (f->unnamed) {
		struct mdf_error *err = name_replacement(f);
		if (err) {
			f->done = true;
			return err;
		}
	}
	f->done = true;
	if (!f->tmp)
		return NULL;
	if (rename(f->tmp, f->target) != 0) {
		int e = errno;
		unlink(f->tmp);
		return mdf_error_os(e, "Can't rename %s to %s", f->tmp, f->target);
	}
	sync_dir_of(f->target);
	return NULL;
}

void outfile_discard(struct outfile *f, bool keep)
{
	if (!f || f->done)
		return;
	if (keep) {
		/* The partial output is the result: it says so in its header. */
		mdf_error_destroy(outfile_commit(f));
		return;
	}
	f->done = true;
	if (f->unnamed)
		return; /* never linked: closing frees it */
	if (f->tmp)
		unlink(f->tmp);
	else if (f->created)
		unlink(f->path);
}

void outfile_destroy(struct outfile *f)
{
	if (!f)
		return;
	outfile_discard(f, false);
	if (f->fd >= 0)
		close(f->fd);
	free(f->tmp);
	free(f->target);
	free(f->path);
	free(f);
}
