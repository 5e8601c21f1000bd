/*
 * Stage 6: write the tree.  All files of a run appear together or not at
 * all: every file is first written beside its target under a temporary
 * name and synced; only then are the old files linked aside and the new
 * ones renamed into place.  Any failure puts every old file back, so the
 * output directory is exactly as it was.  A journal lets the next run undo
 * a run that was killed half way, and a lock on the directory keeps two
 * runs from interleaving.  The manifest (files, modes, SHA-256) is written
 * in the same transaction and names the files a later run must remove.
 *
 * The journal is written before anything else is touched and says, for
 * every target, whether a file was there before ("old": put the kept copy
 * back) or not ("new": remove whatever the run put there), and which
 * directories the run is about to create ("dir": removed again if empty).
 * So a run killed at any instant, even while writing its temporary files,
 * is undone exactly.  Renaming the journal to journal-done is the commit:
 * from then on the next run finishes the job (drops the old copies)
 * instead of undoing it.
 *
 * Every operation is relative to one descriptor of the output directory,
 * the one that holds the lock: if the directory is moved or replaced while
 * a run is in flight, the run stays in the directory it locked, notices
 * the swap before it commits, and undoes itself there.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlsgen.h"

#define COMMITTED_PATH	"var/lib/tlsgen/journal-done"
#define NEW_SUFFIX	".tlsgen-new"
#define OLD_SUFFIX	".tlsgen-old"

/* One file's move through the transaction. */
struct step {
	char	*target, *tmp, *old;	/* dir/relative, for messages */
	bool	 had_old;		/* a file was there before */
	bool	 linked_old, renamed;
	bool	 remove;		/* stale: only removed */
};

struct txn {
	const char	*dir;
	size_t		 dlen;		/* strlen(dir): path + dlen + 1 is relative */
	int		 dfd;		/* the locked output directory */
	struct step	*v;
	size_t		 n;
	char		**plan;		/* directories to create, parents first */
	size_t		 nplan;
	char		**dirs;		/* created by us, to undo */
	size_t		 ndirs;
	struct diags	*d;
	long		 fault_at;	/* test hook: fail the Nth operation */
	bool		 stop_mid;	/* test hook: SIGSTOP before placing */
	long		 ops;
	char		*planned_parent, *made_parent;	/* the last seen */
};

/*
 * True when path's directory is the one seen last (*last), which is then
 * updated: thousands of files share a handful of directories, and each
 * needs its parents planned, made and synced once.
 */
static bool
same_parent(char **last, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t	 n = slash != NULL ? (size_t)(slash - path) : 0;

	if (*last != NULL && strlen(*last) == n && strncmp(*last, path, n) == 0)
		return true;
	free(*last);
	if ((*last = strndup(path, n)) == NULL)
		abort();
	return false;
}

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

static void
push_path(char ***v, size_t *n, const char *s)
{
	char	*copy = strdup(s);

	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (*v == NULL || copy == NULL)
		abort();
	(*v)[(*n)++] = copy;
}

static void
free_paths(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "dir/a/b/name" -> "a/b/name": what the *at() calls take. */
static const char *
rel(const struct txn *t, const char *path)
{
	return path + t->dlen + 1;
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

static bool
exists(const struct txn *t, const char *relpath)
{
	struct stat	 st;

	return fstatat(t->dfd, relpath, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A file of the output directory, read through its descriptor. */
static int
read_at(const struct txn *t, const char *relpath, struct buf *b)
{
	char	 chunk[65536];
	struct stat st;
	ssize_t	 n;
	int	 fd;

	if ((fd = openat(t->dfd, relpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 ||
	    (n == -1 && errno == EINTR))
		if (n > 0) {
			if (b->len + (size_t)n > (64u << 20))
				break;
			buf_add(b, chunk, (size_t)n);
		}
	close(fd);
	if (b->data == NULL)
		buf_add(b, "", 0);
	return 0;
}

/*
 * The directories a run will create: every missing parent of every file
 * it writes, parents first.  Known before anything is created, so the
 * journal can name them.
 */
static void
plan_dirs(struct txn *t, const char *path)
{
	char	*copy, *p;
	size_t	 i;

	if (same_parent(&t->planned_parent, path))
		return;
	if ((copy = strdup(path)) == NULL)
		abort();
	for (p = copy + t->dlen + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		for (i = 0; i < t->nplan; i++)
			if (strcmp(t->plan[i], copy) == 0)
				break;
		if (i == t->nplan && !exists(t, rel(t, copy)))
			push_path(&t->plan, &t->nplan, copy);
		*p = '/';
	}
	free(copy);
}

static int
mkdirs(struct txn *t, const char *path)
{
	char	*copy, *p;
	int	 rc = 0;

	if (same_parent(&t->made_parent, path))
		return 0;
	if ((copy = strdup(path)) == NULL)
		abort();
	for (p = copy + t->dlen + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		/* 0755 whatever the umask: same tree on every machine. */
		if (mkdirat(t->dfd, rel(t, copy), 0755) == 0 &&
		    fchmodat(t->dfd, rel(t, copy), 0755, 0) == 0)
			push_path(&t->dirs, &t->ndirs, copy);
		else if (errno != EEXIST) {
			diag_plain(t->d, SEV_ERROR, "%s: cannot create "
			    "directory: %s", copy, strerror(errno));
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(copy);
	if (rc != 0) {
		free(t->made_parent);
		t->made_parent = NULL;
	}
	return rc;
}

static int
write_tmp(struct txn *t, const char *tmp, const struct outfile *f)
{
	size_t	 off = 0;
	ssize_t	 w;
	int	 fd;

	fd = openat(t->dfd, rel(t, tmp), O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC | O_NOFOLLOW, 0600);
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
	/* Synced all at once (syncfs) before any file is renamed. */
	if (fchmod(fd, f->mode) == -1)
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

/* Syncs the directory holding path (relative), so a rename is durable. */
static void
sync_dir_of(const struct txn *t, const char *relpath)
{
	const char *slash = strrchr(relpath, '/');
	char	*dir;
	int	 fd;

	if (slash == NULL) {
		fsync(t->dfd);
		return;
	}
	dir = xasprintf("%.*s", (int)(slash - relpath), relpath);
	if ((fd = openat(t->dfd, dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Puts every old file back and removes every new one: the undo. */
static void
rollback(struct txn *t)
{
	size_t	 i;

	for (i = t->n; i-- > 0;) {
		struct step *s = &t->v[i];

		if (s->renamed || s->remove) {
			if (s->linked_old &&
			    renameat(t->dfd, rel(t, s->old), t->dfd,
			    rel(t, s->target)) == 0)
				/* still there if both were one file already */
				unlinkat(t->dfd, rel(t, s->old), 0);
			else if (!s->had_old && s->renamed)
				unlinkat(t->dfd, rel(t, s->target), 0);
		} else if (s->linked_old)
			unlinkat(t->dfd, rel(t, s->old), 0);
		if (s->tmp != NULL)
			unlinkat(t->dfd, rel(t, s->tmp), 0);
	}
	/* The journal goes before its directory can. */
	unlinkat(t->dfd, JOURNAL_PATH, 0);
	{
		char	*jtmp = sibling(JOURNAL_PATH, NEW_SUFFIX);

		unlinkat(t->dfd, jtmp, 0);
		free(jtmp);
	}
	for (i = t->ndirs; i-- > 0;)
		unlinkat(t->dfd, rel(t, t->dirs[i]), AT_REMOVEDIR);
	fsync(t->dfd);
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
	free_paths(t->dirs, t->ndirs);
	free_paths(t->plan, t->nplan);
	free(t->v);
	free(t->planned_parent);
	free(t->made_parent);
}

/*
 * The journal: "dir PATH" for each directory the run will create, then
 * "old PATH" (a file was there: its copy goes back) or "new PATH" (none
 * was: the run's file goes) for every target, all relative to the output
 * directory.  Written, synced and renamed into place before the first
 * temporary file, so there is nothing a killed run leaves that it does
 * not name.
 */
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
	for (i = 0; i < t->nplan; i++)
		buf_printf(&f.data, "dir %s\n", rel(t, t->plan[i]));
	for (i = 0; i < t->n; i++)
		buf_printf(&f.data, "%s %s\n", t->v[i].had_old ? "old" : "new",
		    rel(t, t->v[i].target));
	/* The journal alone is synced before it is named. */
	if (mkdirs(t, path) == 0 && write_tmp(t, tmp, &f) == 0 &&
	    syncfs(t->dfd) == 0) {
		if (!fault(t, path) && renameat(t->dfd, rel(t, tmp), t->dfd,
		    JOURNAL_PATH) == 0) {
			sync_dir_of(t, JOURNAL_PATH);
			rc = 0;
		} else
			diag_plain(t->d, SEV_ERROR, "%s: %s", path,
			    strerror(errno));
	}
	if (rc != 0)
		unlinkat(t->dfd, rel(t, tmp), 0);
	buf_free(&f.data);
	free(tmp);
	free(path);
	return rc;
}

/*
 * A run that was killed left a journal.  Before its commit ("journal"):
 * every "old" target gets its kept copy back, every "new" one goes, the
 * temporary files go, and so do the directories it made, if empty.  After
 * its commit ("journal-done"): only the kept copies and temporary files
 * go.  Either way the tree is exactly one run's, and doing it twice (if
 * this run is killed too) does no harm.
 */
static void
recover(struct txn *t)
{
	struct buf	 b;
	char		*line, *next, **dirs = NULL, *jtmp;
	size_t		 ndirs = 0;
	bool		 done = false;
	const char	*jpath = JOURNAL_PATH;

	jtmp = sibling(JOURNAL_PATH, NEW_SUFFIX);
	unlinkat(t->dfd, jtmp, 0);	/* killed while writing the journal */
	free(jtmp);
	buf_init(&b);
	if (read_at(t, JOURNAL_PATH, &b) != 0) {
		if (read_at(t, COMMITTED_PATH, &b) != 0)
			goto out;
		done = true;
		jpath = COMMITTED_PATH;
	}
	if (!done)
		diag_plain(t->d, SEV_WARNING, "%s/%s: an earlier run did not "
		    "finish; restoring the output it had replaced", t->dir,
		    JOURNAL_PATH);
	for (line = b.data; line && *line; line = next) {
		char	*target, *tmp, *old;
		bool	 is_new = false;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "dir ", 4) == 0) {
			if (strstr(line + 4, "..") == NULL && line[4] != '/')
				push_path(&dirs, &ndirs, line + 4);
			continue;
		}
		if (strncmp(line, "new ", 4) == 0)
			is_new = true, line += 4;
		else if (strncmp(line, "old ", 4) == 0)
			line += 4;
		if (*line == '\0' || *line == '/' || strstr(line, "..") != NULL)
			continue;
		target = xasprintf("./%s", line);
		tmp = sibling(target, NEW_SUFFIX);
		old = sibling(target, OLD_SUFFIX);
		if (!done) {
			if (exists(t, old) && renameat(t->dfd, old, t->dfd,
			    target) == 0)
				;	/* the old file is back */
			else if (is_new)
				unlinkat(t->dfd, target, 0);
		}
		unlinkat(t->dfd, old, 0);
		unlinkat(t->dfd, tmp, 0);
		free(target);
		free(tmp);
		free(old);
	}
	unlinkat(t->dfd, jpath, 0);
	if (!done)
		while (ndirs > 0)
			unlinkat(t->dfd, dirs[--ndirs], AT_REMOVEDIR);
	fsync(t->dfd);
	sync_dir_of(t, JOURNAL_PATH);
out:
	free_paths(dirs, ndirs);
	buf_free(&b);
}

const char *
manifest_line_path(const char *line)
{
	const char *p;

	if (strncmp(line, "file ", 5) != 0 ||
	    (p = strrchr(line, ' ')) == NULL || strstr(p, "..") != NULL ||
	    p[1] == '/' || p[1] == '\0')
		return NULL;
	return p + 1;
}

/* Paths the last run's manifest lists: "file MODE SHA PATH" lines. */
static char **
manifest_paths(const struct txn *t, size_t *n)
{
	char	**v = NULL, *line, *next;
	const char *p;
	struct buf b;

	*n = 0;
	buf_init(&b);
	if (read_at(t, MANIFEST_PATH, &b) == 0) {
		for (line = b.data; line && *line; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if ((p = manifest_line_path(line)) != NULL)
				push_path(&v, n, p);
		}
	}
	buf_free(&b);
	return v;
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

static int
path_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* paths: the set's paths, sorted (bsearch: re-runs over 100k files). */
static bool
in_set(char **paths, size_t n, const char *path)
{
	return bsearch(&path, paths, n, sizeof(*paths), path_cmp) != NULL;
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

/* Is dir (the name) still the directory we locked? */
static bool
same_dir(const struct txn *t)
{
	struct stat	 a, b;

	return fstat(t->dfd, &a) == 0 && stat(t->dir, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
output_write(const char *dir, struct outset *os, const char *source,
    struct diags *d)
{
	struct txn	 t;
	struct outfile	*mf;
	char		**stale, **sorted;
	size_t		 nstale, i;
	const char	*env;
	int		 rc = -1;
	bool		 made_dir = false;

	memset(&t, 0, sizeof(t));
	t.dir = dir;
	t.dlen = strlen(dir);
	t.d = d;
	if ((env = getenv("TLSGEN_FAULT")) != NULL)
		t.fault_at = strtol(env, NULL, 10);
	/*
	 * Test hook: TLSGEN_STOP_MID=1 stops the run (SIGSTOP) once the
	 * journal and every temporary file are durable, before anything is
	 * put in place, so a test can act at that instant without racing.
	 */
	t.stop_mid = (env = getenv("TLSGEN_STOP_MID")) != NULL &&
	    strcmp(env, "1") == 0;
	/* A missing output directory is made, and unmade on failure. */
	if (mkdir(dir, 0755) == 0 && chmod(dir, 0755) == 0)
		made_dir = true;
	if ((t.dfd = lock_dir(dir, d)) == -1) {
		if (made_dir)
			rmdir(dir);
		return -1;
	}
	recover(&t);

	mf = outset_add(os, MANIFEST_PATH, 0644);
	manifest_render(os, source, &mf->data);
	stale = manifest_paths(&t, &nstale);

	t.v = calloc(os->n + nstale + 1, sizeof(*t.v));
	if (t.v == NULL)
		abort();
	for (i = 0; i < os->n; i++) {
		struct step *s = &t.v[t.n++];

		s->target = xasprintf("%s/%s", dir, os->v[i].path);
		s->tmp = sibling(s->target, NEW_SUFFIX);
		s->old = sibling(s->target, OLD_SUFFIX);
	}
	if ((sorted = calloc(os->n + 1, sizeof(*sorted))) == NULL)
		abort();
	for (i = 0; i < os->n; i++)
		sorted[i] = os->v[i].path;
	qsort(sorted, os->n, sizeof(*sorted), path_cmp);
	for (i = 0; i < nstale; i++) {
		struct step *s;

		if (in_set(sorted, os->n, stale[i]))
			continue;
		s = &t.v[t.n++];
		s->target = xasprintf("%s/%s", dir, stale[i]);
		s->old = sibling(s->target, OLD_SUFFIX);
		s->remove = true;
	}
	free_paths(stale, nstale);
	free(sorted);

	/* 0: what is there now and what will be made, in the journal. */
	{
		char	*jp = xasprintf("%s/%s", dir, JOURNAL_PATH);

		plan_dirs(&t, jp);
		free(jp);
	}
	for (i = 0; i < t.n; i++) {
		t.v[i].had_old = exists(&t, rel(&t, t.v[i].target));
		if (!t.v[i].remove)
			plan_dirs(&t, t.v[i].target);
	}
	if (write_journal(&t) != 0)
		goto fail;
	/* 1: every new file, written under its temporary name, then synced
	 * (with the journal) in one call: one flush, not one per file. */
	for (i = 0; i < os->n; i++)
		if (mkdirs(&t, t.v[i].target) != 0 ||
		    write_tmp(&t, t.v[i].tmp, &os->v[i]) != 0)
			goto fail;
	if (syncfs(t.dfd) == -1) {
		diag_plain(d, SEV_ERROR, "%s: cannot sync: %s", dir,
		    strerror(errno));
		goto fail;
	}
	if (t.stop_mid)
		raise(SIGSTOP);
	/* 2: the old files aside, the new ones in place. */
	for (i = 0; i < t.n; i++) {
		struct step *s = &t.v[i];

		if (s->had_old) {
			unlinkat(t.dfd, rel(&t, s->old), 0);
			if (fault(&t, s->target) || linkat(t.dfd,
			    rel(&t, s->target), t.dfd, rel(&t, s->old),
			    0) == -1) {
				diag_plain(d, SEV_ERROR, "%s: cannot keep the "
				    "old file: %s", s->target,
				    strerror(errno));
				goto fail;
			}
			s->linked_old = true;
		}
		if (s->remove) {
			if (s->had_old && unlinkat(t.dfd, rel(&t, s->target),
			    0) == -1) {
				diag_plain(d, SEV_ERROR, "%s: cannot remove "
				    "stale file: %s", s->target,
				    strerror(errno));
				goto fail;
			}
			continue;
		}
		if (fault(&t, s->target) || renameat(t.dfd, rel(&t, s->tmp),
		    t.dfd, rel(&t, s->target)) == -1) {
			diag_plain(d, SEV_ERROR, "%s: cannot rename into "
			    "place: %s", s->target, strerror(errno));
			goto fail;
		}
		s->renamed = true;
	}
	{
		char	*last = NULL;

		for (i = 0; i < t.n; i++)
			if (!same_parent(&last, rel(&t, t.v[i].target)))
				sync_dir_of(&t, rel(&t, t.v[i].target));
		free(last);
	}
	/* The tree is complete, but perhaps no longer where it was asked. */
	if (!same_dir(&t)) {
		diag_plain(d, SEV_ERROR, "%s: the output directory was moved, "
		    "replaced or removed during the run; nothing written",
		    dir);
		goto fail;
	}
	/* 3: the commit; then the old copies and the journal go. */
	{
		char	*jp = xasprintf("%s/%s", dir, JOURNAL_PATH);

		if (fault(&t, jp) || renameat(t.dfd, JOURNAL_PATH, t.dfd,
		    COMMITTED_PATH) == -1) {
			diag_plain(d, SEV_ERROR, "%s: cannot commit: %s", jp,
			    strerror(errno));
			free(jp);
			goto fail;
		}
		free(jp);
		sync_dir_of(&t, JOURNAL_PATH);
	}
	for (i = 0; i < t.n; i++)
		if (t.v[i].linked_old)
			unlinkat(t.dfd, rel(&t, t.v[i].old), 0);
	unlinkat(t.dfd, COMMITTED_PATH, 0);
	rc = 0;
	goto out;
fail:
	rollback(&t);
out:
	if (rc != 0 && made_dir && same_dir(&t))
		rmdir(dir);
	close(t.dfd);
	txn_free(&t);
	return rc;
}
