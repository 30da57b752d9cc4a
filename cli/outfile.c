// SPDX-License-Identifier: GPL-2.0
/*
 * outfile.c - a file named on the command line that a run writes (--trace).
 *
 * The rules, from the user's side:
 *   - it is opened while the arguments are checked, so a path that cannot
 *     be written is a usage error (exit 2) before anything runs, not a
 *     failure after minutes of simulation;
 *   - PATH itself is never replaced: a device or a FIFO is written to as it
 *     is, a symbolic link is followed, and a regular file keeps its inode
 *     (its owner, mode and other hard links);
 *   - a regular file is never left half-written: the output goes to an
 *     unlinked temporary file while the run lasts and is copied over PATH
 *     only once it is complete.  A failed or interrupted run leaves PATH as
 *     it was (and removes it if this command created it); the temporary file
 *     has no name, so nothing is left behind whatever happens, SIGKILL
 *     included.
 */
#define _GNU_SOURCE		/* O_TMPFILE, fallocate */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

#define COPY_CHUNK	(64 * 1024)

/* The directory part of path, for the temporary file. */
static void dir_of(char *dir, size_t len, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/*
 * An unlinked file to collect the output in: in PATH's directory, which
 * must hold the result anyway, else (no O_TMPFILE there, or no right to
 * create files in it) wherever tmpfile(3) puts it.
 */
static FILE *open_temporary(const char *path)
{
	char dir[PATH_MAX];
	FILE *f;
	int fd;

	dir_of(dir, sizeof(dir), path);
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return tmpfile();
	f = fdopen(fd, "w+");
	if (!f)
		close(fd);
	return f;
}

/* Remove the file out_open created, if it is still the one it made. */
static void remove_created(struct out_file *o)
{
	struct stat now;

	if (!o->created_path)
		return;
	if (!stat(o->created_path, &now) && now.st_dev == o->dev &&
	    now.st_ino == o->ino)
		unlink(o->created_path);
	free(o->created_path);
	o->created_path = NULL;
}

/* PATH, opened for writing without truncating it; created if need be. */
static int open_target(struct out_file *o, const char *opt)
{
	const int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC;
	struct stat st;
	bool link;
	int fd;

	fd = open(o->path, flags);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	/* A dangling symbolic link is followed too: its target is created. */
	link = !lstat(o->path, &st) && S_ISLNK(st.st_mode);
	fd = open(o->path, flags | O_CREAT | (link ? 0 : O_EXCL), 0666);
	if (fd >= 0) {
		/* the file to remove later: a link's target, not the link */
		o->created_path = realpath(o->path, NULL);
		if (!o->created_path) {
			int err = errno;

			close(fd);
			if (!link)
				unlink(o->path);
			die_usage("%s: cannot write '%s': %s", opt, o->path,
				  strerror(err));
		}
	}
	return fd;
}

void out_open(struct out_file *o, const char *opt, const char *path)
{
	struct stat st;
	int fd;

	memset(o, 0, sizeof(*o));
	o->opt = opt;
	o->path = path;
	o->fd = -1;
	if (!*path)
		die_usage("%s: empty file name", opt);
	fd = open_target(o, opt);
	if (fd < 0)
		die_usage("%s: cannot write '%s': %s", opt, path, strerror(errno));
	if (fstat(fd, &st)) {
		int err = errno;

		close(fd);
		remove_created(o);
		die_usage("%s: cannot write '%s': %s", opt, path, strerror(err));
	}
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	if (S_ISREG(st.st_mode)) {
		o->f = open_temporary(path);
		o->fd = fd;
	} else {
		o->f = fdopen(fd, "w");		/* written as the run goes */
	}
	if (!o->f) {
		int err = errno;

		close(fd);
		remove_created(o);
		die_usage("%s: cannot write '%s': no temporary file: %s", opt,
			  path, strerror(err));
	}
}

/* Write all of buf at offset off of fd. */
static int pwrite_all(int fd, const char *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/*
 * The complete output, from the temporary file over PATH.  The space is
 * reserved first (beyond the old end, without moving it), so a full disk
 * fails here with PATH untouched instead of half-way through the copy;
 * filesystems that cannot reserve go on without it.
 */
static int copy_over(struct out_file *o)
{
	int src = fileno(o->f);
	char *buf = NULL;
	struct stat st;
	off_t off;
	ssize_t n;

	if (fstat(src, &st))
		return -1;
	if (st.st_size && fallocate(o->fd, FALLOC_FL_KEEP_SIZE, 0, st.st_size) &&
	    errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
		return -1;
	buf = malloc(COPY_CHUNK);
	if (!buf)
		return -1;
	for (off = 0; off < st.st_size; off += n) {
		n = pread(src, buf, COPY_CHUNK, off);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0 || pwrite_all(o->fd, buf, (size_t)n, off)) {
			if (n == 0)
				errno = EIO;	/* the temporary file shrank */
			free(buf);
			return -1;
		}
	}
	free(buf);
	return ftruncate(o->fd, st.st_size);
}

bool out_commit(struct out_file *o)
{
	int bad, err;

	errno = 0;
	bad = fflush(o->f) || ferror(o->f);
	if (!bad && o->fd >= 0)
		bad = copy_over(o);
	err = errno ? errno : EIO;
	if (o->fd >= 0 && close(o->fd) && !bad) {
		bad = 1;
		err = errno;
	}
	o->fd = -1;
	if (fclose(o->f) && !bad) {
		bad = 1;
		err = errno;
	}
	o->f = NULL;
	if (bad) {
		fprintf(stderr, "shootdown: %s: cannot write '%s': %s\n", o->opt,
			o->path, strerror(err));
		remove_created(o);
		return false;
	}
	free(o->created_path);
	o->created_path = NULL;
	return true;
}

void out_discard(struct out_file *o)
{
	if (o->f)
		fclose(o->f);		/* an unlinked temporary: gone */
	o->f = NULL;
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	remove_created(o);
}
