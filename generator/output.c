/*
 * Stage 6: write the tree.  All files of a run appear together or not at
 * all: every file is first written beside its target under a temporary
 * name and synced; only then are the old files linked aside and the new
 * ones renamed into place.  Any failure puts every old file back, so the
 * output directory is exactly as it was.  A journal lets the next run undo
 * a run that was killed half way, and a lock on the directory keeps two
 * runs from interleaving.  The manifest (files, modes, SHA-256) is written
 * in the same transaction and names the files a later run must remove.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlsgen.h"

#define JOURNAL_PATH	"var/lib/tlsgen/journal"
#define NEW_SUFFIX	".tlsgen-new"
#define OLD_SUFFIX	".tlsgen-old"

/* One file's move through the transaction. */
struct step {
	char	*target, *tmp, *old;	/* absolute */
	bool	 had_old;		/* a file was there before */
	bool	 linked_old, renamed;
	bool	 remove;		/* stale: only removed */
};

struct txn {
	const char	*dir;
	struct step	*v;
	size_t		 n;
	char		**dirs;		/* created by us, to undo */
	size_t		 ndirs;
	struct diags	*d;
	long		 fault_at;	/* test hook: fail the Nth operation */
	long		 ops;
};

static char *
xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

/* "dir/a/b/name" -> "dir/a/b/.name<suffix>" */
static char *
sibling(const char *path, const char *suffix)
{
	const char *slash = strrchr(path, '/');

	return xasprintf("%.*s.%s%s", (int)(slash - path + 1), path,
	    slash + 1, suffix);
}

/* Fault injection for the tests: TLSGEN_FAULT=N fails operation N. */
static bool
fault(struct txn *t, const char *path)
{
	if (t->fault_at > 0 && ++t->ops == t->fault_at) {
		diag_plain(t->d, SEV_ERROR, "%s: injected failure", path);
		errno = EIO;
		return true;
	}
	return false;
}

static int
mkdirs(struct txn *t, const char *path)
{
	char	*copy = strdup(path), *p;
	int	 rc = 0;

	if (copy == NULL)
		abort();
	for (p = copy + strlen(t->dir) + 1; (p = strchr(p, '/')) != NULL;
	    p++) {
		*p = '\0';
		if (mkdir(copy, 0755) == 0) {
			t->dirs = realloc(t->dirs, (t->ndirs + 1) *
			    sizeof(*t->dirs));
			if (t->dirs == NULL)
				abort();
			t->dirs[t->ndirs++] = strdup(copy);
		} else if (errno != EEXIST) {
			diag_plain(t->d, SEV_ERROR, "%s: cannot create "
			    "directory: %s", copy, strerror(errno));
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(copy);
	return rc;
}

static int
write_tmp(struct txn *t, const char *tmp, const struct outfile *f)
{
	size_t	 off = 0;
	ssize_t	 w;
	int	 fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		goto fail;
	while (off < f->data.len) {
		if (fault(t, tmp))
			goto fail_fd;
		w = write(fd, f->data.data + off, f->data.len - off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, f->mode) == -1 || fsync(fd) == -1)
		goto fail_fd;
	if (close(fd) == -1)
		goto fail;
	return 0;
fail_fd:
	{
		int	 e = errno;

		close(fd);
		errno = e;
	}
fail:
	diag_plain(t->d, SEV_ERROR, "%s: cannot write: %s", tmp,
	    strerror(errno));
	return -1;
}

/* Puts every old file back and removes every new one: the undo. */
static void
rollback(struct txn *t)
{
	size_t	 i;

	for (i = t->n; i-- > 0;) {
		struct step *s = &t->v[i];

		if (s->renamed || s->remove) {
			if (s->linked_old)
				rename(s->old, s->target);
			else if (!s->had_old && s->renamed)
				unlink(s->target);
		} else if (s->linked_old)
			unlink(s->old);
		if (s->tmp != NULL)
			unlink(s->tmp);
	}
	for (i = t->ndirs; i-- > 0;)
		rmdir(t->dirs[i]);
}

static void
sync_dir_of(const char *path)
{
	char	*copy = strdup(path);
	int	 fd;

	if (copy == NULL)
		abort();
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

static void
txn_free(struct txn *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].target);
		free(t->v[i].tmp);
		free(t->v[i].old);
	}
	for (i = 0; i < t->ndirs; i++)
		free(t->dirs[i]);
	free(t->v);
	free(t->dirs);
}

/* The journal lists every target of a run in flight, one per line. */
static int
write_journal(struct txn *t)
{
	struct outfile	 f;
	char		*path = xasprintf("%s/%s", t->dir, JOURNAL_PATH);
	char		*tmp = sibling(path, NEW_SUFFIX);
	size_t		 i;
	int		 rc = -1;

	memset(&f, 0, sizeof(f));
	f.mode = 0644;
	buf_init(&f.data);
	for (i = 0; i < t->n; i++)
		buf_printf(&f.data, "%s\n", t->v[i].target +
		    strlen(t->dir) + 1);
	if (mkdirs(t, path) == 0 && write_tmp(t, tmp, &f) == 0) {
		if (rename(tmp, path) == 0) {
			sync_dir_of(path);
			rc = 0;
		} else
			diag_plain(t->d, SEV_ERROR, "%s: %s", path,
			    strerror(errno));
	}
	if (rc != 0)
		unlink(tmp);
	buf_free(&f.data);
	free(tmp);
	free(path);
	return rc;
}

/*
 * A run that was killed left a journal: every target it names gets its
 * old file back (kept as .name.tlsgen-old) or, if it had none, goes.
 * Whether the killed run had renamed a file yet is told by the old copy.
 */
static void
recover(const char *dir, struct diags *d)
{
	char	*path = xasprintf("%s/%s", dir, JOURNAL_PATH);
	struct buf b;
	char	*line, *next;

	buf_init(&b);
	if (read_file(path, &b, 64u << 20) != 0)
		goto out;
	diag_plain(d, SEV_WARNING, "%s: an earlier run did not finish; "
	    "restoring the output it had replaced", path);
	for (line = b.data; line && *line; line = next) {
		char	*target, *tmp, *old;
		struct stat st;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strstr(line, "..") != NULL)
			continue;
		target = xasprintf("%s/%s", dir, line);
		tmp = sibling(target, NEW_SUFFIX);
		old = sibling(target, OLD_SUFFIX);
		if (lstat(old, &st) == 0)
			rename(old, target);
		unlink(tmp);
		free(target);
		free(tmp);
		free(old);
	}
	unlink(path);
	sync_dir_of(path);
out:
	buf_free(&b);
	free(path);
}

/* Paths the last run's manifest lists: "file MODE SHA PATH" lines. */
static char **
manifest_paths(const char *dir, size_t *n)
{
	char	*path = xasprintf("%s/%s", dir, MANIFEST_PATH);
	char	**v = NULL, *line, *next, *p;
	struct buf b;

	*n = 0;
	buf_init(&b);
	if (read_file(path, &b, 64u << 20) == 0) {
		for (line = b.data; line && *line; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if (strncmp(line, "file ", 5) != 0)
				continue;
			if ((p = strrchr(line, ' ')) == NULL ||
			    strstr(p, "..") != NULL || p[1] == '/')
				continue;
			v = realloc(v, (*n + 1) * sizeof(*v));
			if (v == NULL)
				abort();
			v[(*n)++] = strdup(p + 1);
		}
	}
	buf_free(&b);
	free(path);
	return v;
}

static void
free_paths(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
manifest_render(const struct outset *os, const char *source, struct buf *b)
{
	char	 hex[65];
	size_t	 i;

	buf_printf(b, "# tlsgen %s manifest: every file the last run wrote\n",
	    TLSGEN_VERSION);
	buf_printf(b, "source %s\n", source);
	for (i = 0; i < os->n; i++) {
		if (strcmp(os->v[i].path, MANIFEST_PATH) == 0)
			continue;
		sha256_hex(os->v[i].data.data, os->v[i].data.len, hex);
		buf_printf(b, "file %04o %s %s\n", (unsigned)os->v[i].mode,
		    hex, os->v[i].path);
	}
}

static bool
in_set(const struct outset *os, const char *path)
{
	size_t	 i;

	for (i = 0; i < os->n; i++)
		if (strcmp(os->v[i].path, path) == 0)
			return true;
	return false;
}

static int
lock_dir(const char *dir, struct diags *d)
{
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		diag_plain(d, SEV_ERROR, "%s: cannot open output directory: "
		    "%s", dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX) == -1) {
		diag_plain(d, SEV_ERROR, "%s: cannot lock: %s", dir,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
output_write(const char *dir, struct outset *os, const char *source,
    struct diags *d)
{
	struct txn	 t;
	struct outfile	*mf;
	char		**stale;
	size_t		 nstale, i;
	const char	*env;
	int		 lockfd, rc = -1;
	struct stat	 st;
	bool		 made_dir = false;

	memset(&t, 0, sizeof(t));
	t.dir = dir;
	t.d = d;
	if ((env = getenv("TLSGEN_FAULT")) != NULL)
		t.fault_at = strtol(env, NULL, 10);
	/* A missing output directory is made, and unmade on failure. */
	if (mkdir(dir, 0755) == 0)
		made_dir = true;
	if ((lockfd = lock_dir(dir, d)) == -1) {
		if (made_dir)
			rmdir(dir);
		return -1;
	}
	recover(dir, d);

	mf = outset_add(os, MANIFEST_PATH, 0644);
	manifest_render(os, source, &mf->data);
	stale = manifest_paths(dir, &nstale);

	t.v = calloc(os->n + nstale + 1, sizeof(*t.v));
	if (t.v == NULL)
		abort();
	for (i = 0; i < os->n; i++) {
		struct step *s = &t.v[t.n++];

		s->target = xasprintf("%s/%s", dir, os->v[i].path);
		s->tmp = sibling(s->target, NEW_SUFFIX);
		s->old = sibling(s->target, OLD_SUFFIX);
	}
	for (i = 0; i < nstale; i++) {
		struct step *s;

		if (in_set(os, stale[i]))
			continue;
		s = &t.v[t.n++];
		s->target = xasprintf("%s/%s", dir, stale[i]);
		s->old = sibling(s->target, OLD_SUFFIX);
		s->remove = true;
	}
	free_paths(stale, nstale);

	/* 1: every new file, written and synced under its temporary name. */
	for (i = 0; i < os->n; i++)
		if (mkdirs(&t, t.v[i].target) != 0 ||
		    write_tmp(&t, t.v[i].tmp, &os->v[i]) != 0)
			goto fail;
	if (write_journal(&t) != 0)
		goto fail;
	/* 2: the old files aside, the new ones in place. */
	for (i = 0; i < t.n; i++) {
		struct step *s = &t.v[i];

		s->had_old = lstat(s->target, &st) == 0;
		if (s->had_old) {
			unlink(s->old);
			if (fault(&t, s->target) ||
			    link(s->target, s->old) == -1) {
				diag_plain(d, SEV_ERROR, "%s: cannot keep the "
				    "old file: %s", s->target,
				    strerror(errno));
				goto fail;
			}
			s->linked_old = true;
		}
		if (s->remove) {
			if (s->had_old && unlink(s->target) == -1) {
				diag_plain(d, SEV_ERROR, "%s: cannot remove "
				    "stale file: %s", s->target,
				    strerror(errno));
				goto fail;
			}
			continue;
		}
		if (fault(&t, s->target) || rename(s->tmp, s->target) == -1) {
			diag_plain(d, SEV_ERROR, "%s: cannot rename into "
			    "place: %s", s->target, strerror(errno));
			goto fail;
		}
		s->renamed = true;
	}
	for (i = 0; i < t.n; i++)
		sync_dir_of(t.v[i].target);
	/* 3: committed; the old copies and the journal go. */
	{
		char	*jp = xasprintf("%s/%s", dir, JOURNAL_PATH);

		unlink(jp);
		free(jp);
	}
	for (i = 0; i < t.n; i++)
		if (t.v[i].linked_old)
			unlink(t.v[i].old);
	rc = 0;
	goto out;
fail:
	rollback(&t);
	{
		char	*jp = xasprintf("%s/%s", dir, JOURNAL_PATH);

		unlink(jp);
		free(jp);
	}
out:
	txn_free(&t);
	close(lockfd);
	if (rc != 0 && made_dir)
		rmdir(dir);
	return rc;
}
