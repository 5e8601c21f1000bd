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
 * The output directory is an overlay of a target's root file system, which
 * someone else may have filled: every path below it is resolved inside it
 * as if it were "/" (jail.c), so a symbolic link there, absolute or not,
 * never leads a write, a removal or a read out of it.  Every operation is
 * relative to one descriptor of the output directory, the one that holds
 * the lock: if the directory is moved or replaced while a run is in
 * flight, the run stays in the directory it locked, notices the swap
 * before it commits, and undoes itself there.
 *
 * The manifest and the journal are read as data, never as instructions:
 * every line is checked (kind, normalised relative path, hash) before any
 * is used, and a bad one stops the run with its file and line.  A file
 * the last run wrote is replaced or removed only while its bytes still
 * hash to what the manifest recorded: an administrator's edit is never
 * lost without --force.
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

/* A manifest or journal line longer than this is refused. */
#define LINE_MAX_LEN	(JAIL_PATH_MAX + 128)
/* Directories kept open at once (siblings share one). */
#define DIR_CACHE	32

/* One file's move through the transaction. */
struct step {
	char	*target, *tmp, *old;	/* dir/relative, for messages */
	bool	 had_old;		/* a file was there before */
	bool	 linked_old, renamed;
	bool	 remove;		/* stale: only removed */
};

struct dir_fd {
	char	*rel;
	int	 fd;
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
	struct dir_fd	 cache[DIR_CACHE];	/* directories inside the root */
	size_t		 ncache, next_evict;
	char		**links;	/* directory links already reported */
	size_t		 nlinks;
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

/* "a/b/name" -> "a/b/.name<suffix>", "name" -> ".name<suffix>" */
static char *
sibling(const char *path, const char *suffix)
{
	const char *slash = strrchr(path, '/');
	int	 n = slash != NULL ? (int)(slash - path + 1) : 0;

	return xasprintf("%.*s.%s%s", n, path, path + n, suffix);
}

/* ------------------------------------------------- inside the output root */

/*
 * The directory holding relpath, opened inside the root, and relpath's
 * last name in *base; -1 (errno) when it cannot be reached.  Kept open for
 * the next call: the descriptor is valid until the next call only.
 */
static int
at_dir(struct txn *t, const char *relpath, const char **base)
{
	const char *slash = strrchr(relpath, '/');
	size_t	 n, i;
	char	*dir;
	int	 fd;

	if (slash == NULL) {
		*base = relpath;
		return t->dfd;
	}
	*base = slash + 1;
	n = (size_t)(slash - relpath);
	for (i = 0; i < t->ncache; i++)
		if (strlen(t->cache[i].rel) == n &&
		    strncmp(t->cache[i].rel, relpath, n) == 0)
			return t->cache[i].fd;
	if ((dir = strndup(relpath, n)) == NULL)
		abort();
	if ((fd = jail_open(t->dfd, dir, O_RDONLY | O_DIRECTORY, 0)) == -1) {
		free(dir);
		return -1;
	}
	if (t->ncache < DIR_CACHE)
		i = t->ncache++;
	else {
		i = t->next_evict;
		t->next_evict = (t->next_evict + 1) % DIR_CACHE;
		close(t->cache[i].fd);
		free(t->cache[i].rel);
	}
	t->cache[i].rel = dir;
	t->cache[i].fd = fd;
	return fd;
}

static void
cache_drop(struct txn *t)
{
	size_t	 i;

	for (i = 0; i < t->ncache; i++) {
		close(t->cache[i].fd);
		free(t->cache[i].rel);
	}
	t->ncache = 0;
}

static int
j_lstat(struct txn *t, const char *relpath, struct stat *st)
{
	const char *base;
	int	 fd = at_dir(t, relpath, &base);

	return fd == -1 ? -1 : fstatat(fd, base, st, AT_SYMLINK_NOFOLLOW);
}

static int
j_unlink(struct txn *t, const char *relpath, int flags)
{
	const char *base;
	int	 fd = at_dir(t, relpath, &base);

	return fd == -1 ? -1 : unlinkat(fd, base, flags);
}

/* Renames and links are always between siblings. */
static int
j_rename(struct txn *t, const char *from, const char *to)
{
	const char *base, *tobase = strrchr(to, '/');
	int	 fd = at_dir(t, from, &base);

	tobase = tobase != NULL ? tobase + 1 : to;
	return fd == -1 ? -1 : renameat(fd, base, fd, tobase);
}

static int
j_link(struct txn *t, const char *from, const char *to)
{
	const char *base, *tobase = strrchr(to, '/');
	int	 fd = at_dir(t, from, &base);

	tobase = tobase != NULL ? tobase + 1 : to;
	return fd == -1 ? -1 : linkat(fd, base, fd, tobase, 0);
}

static bool
exists(struct txn *t, const char *relpath)
{
	struct stat	 st;

	return j_lstat(t, relpath, &st) == 0;
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

/*
 * Says once where a directory of the tree that is a symbolic link leads:
 * inside the root, as if it were "/".
 */
static void
note_link(struct txn *t, const char *relpath)
{
	char	 target[4096], proc[64], real[4096];
	const char *base;
	ssize_t	 n;
	size_t	 i;
	int	 pfd, fd;

	for (i = 0; i < t->nlinks; i++)
		if (strcmp(t->links[i], relpath) == 0)
			return;
	push_path(&t->links, &t->nlinks, relpath);
	if ((pfd = at_dir(t, relpath, &base)) == -1 ||
	    (n = readlinkat(pfd, base, target, sizeof(target) - 1)) < 0)
		return;
	target[n] = '\0';
	real[0] = '\0';
	if ((fd = jail_open(t->dfd, relpath, O_RDONLY | O_DIRECTORY, 0)) !=
	    -1) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if ((n = readlink(proc, real, sizeof(real) - 1)) < 0)
			n = 0;
		real[n] = '\0';
		close(fd);
	}
	if (real[0] != '\0')
		diag_plain(t->d, SEV_NOTE, "%s/%s: a symbolic link to %s, "
		    "followed inside %s: to %s", t->dir, relpath, target,
		    t->dir, real);
}

/* A file of the output directory, read inside it, never through a link. */
static int
read_at(struct txn *t, const char *relpath, struct buf *b)
{
	return jail_read(t->dfd, relpath, false, b, 64u << 20, NULL);
}

/*
 * The directories a run will create: every missing parent of every file
 * it writes, parents first.  Known before anything is created, so the
 * journal can name them.
 */
static void
plan_dirs(struct txn *t, const char *path)
{
	struct stat	 st;
	char		*copy, *p;
	size_t		 i;

	if (same_parent(&t->planned_parent, path))
		return;
	if ((copy = strdup(path)) == NULL)
		abort();
	for (p = copy + t->dlen + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		for (i = 0; i < t->nplan; i++)
			if (strcmp(t->plan[i], copy) == 0)
				break;
		if (i == t->nplan) {
			if (j_lstat(t, rel(t, copy), &st) == -1)
				push_path(&t->plan, &t->nplan, copy);
			else if (S_ISLNK(st.st_mode))
				note_link(t, rel(t, copy));
		}
		*p = '/';
	}
	free(copy);
}

static int
mkdirs(struct txn *t, const char *path)
{
	struct stat	 st;
	const char	*base;
	char		*copy, *p;
	int		 rc = 0, pfd;

	if (same_parent(&t->made_parent, path))
		return 0;
	if ((copy = strdup(path)) == NULL)
		abort();
	for (p = copy + t->dlen + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		/* 0755 whatever the umask: same tree on every machine. */
		if ((pfd = at_dir(t, rel(t, copy), &base)) != -1 &&
		    mkdirat(pfd, base, 0755) == 0 &&
		    fchmodat(pfd, base, 0755, 0) == 0)
			push_path(&t->dirs, &t->ndirs, copy);
		else if (pfd == -1 || errno != EEXIST) {
			diag_plain(t->d, SEV_ERROR, "%s: cannot create "
			    "directory: %s", copy, strerror(errno));
			rc = -1;
			break;
		} else {
			/* There already: a directory, or a link that must
			 * lead to one inside the root. */
			int	 fd = jail_open(t->dfd, rel(t, copy),
			    O_RDONLY | O_DIRECTORY, 0);

			if (fd != -1)
				close(fd);
			else {
				diag_plain(t->d, SEV_ERROR, "%s: cannot create "
				    "directory: %s%s", copy, strerror(errno),
				    fstatat(pfd, base, &st,
				    AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISLNK(st.st_mode) ? " (a symbolic link; "
				    "links below the output directory resolve "
				    "inside it, and its target is not there)" :
				    "");
				rc = -1;
				break;
			}
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

/*
 * A new file, created (never opened: a name planted there, even a hard
 * link to a file elsewhere, is unlinked, not written through).
 */
static int
write_tmp(struct txn *t, const char *tmp, const struct outfile *f)
{
	const char *base;
	size_t	 off = 0;
	ssize_t	 w;
	int	 fd = -1, pfd;

	if ((pfd = at_dir(t, rel(t, tmp), &base)) == -1)
		goto fail;
	fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd == -1 && errno == EEXIST && unlinkat(pfd, base, 0) == 0)
		fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL |
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
sync_dir_of(struct txn *t, const char *relpath)
{
	const char *base;
	int	 fd = at_dir(t, relpath, &base);

	if (fd != -1)
		fsync(fd);
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
			    j_rename(t, rel(t, s->old), rel(t, s->target)) == 0)
				/* still there if both were one file already */
				j_unlink(t, rel(t, s->old), 0);
			else if (!s->had_old && s->renamed)
				j_unlink(t, rel(t, s->target), 0);
		} else if (s->linked_old)
			j_unlink(t, rel(t, s->old), 0);
		if (s->tmp != NULL)
			j_unlink(t, rel(t, s->tmp), 0);
	}
	/* The journal goes before its directory can. */
	j_unlink(t, JOURNAL_PATH, 0);
	{
		char	*jtmp = sibling(JOURNAL_PATH, NEW_SUFFIX);

		j_unlink(t, jtmp, 0);
		free(jtmp);
	}
	for (i = t->ndirs; i-- > 0;)
		j_unlink(t, rel(t, t->dirs[i]), AT_REMOVEDIR);
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
	cache_drop(t);
	free_paths(t->dirs, t->ndirs);
	free_paths(t->plan, t->nplan);
	free_paths(t->links, t->nlinks);
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
	char		*jtmp = sibling(JOURNAL_PATH, NEW_SUFFIX);
	char		*tmp = xasprintf("%s/%s", t->dir, jtmp);
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
		if (!fault(t, path) && j_rename(t, jtmp, JOURNAL_PATH) == 0) {
			sync_dir_of(t, JOURNAL_PATH);
			rc = 0;
		} else
			diag_plain(t->d, SEV_ERROR, "%s: %s", path,
			    strerror(errno));
	}
	if (rc != 0)
		j_unlink(t, jtmp, 0);
	buf_free(&f.data);
	free(jtmp);
	free(tmp);
	free(path);
	return rc;
}

/* ------------------------------------------------- manifest and journal */

/*
 * Splits text into lines in place (NUL for each '\n') and checks what all
 * line kinds share: no NUL byte, bounded length, a last newline.  Returns
 * NULL, or why not with *line set (1-based).
 */
static const char *
split_lines(struct buf *b, size_t *nlines, long *line)
{
	size_t	 i, start = 0;
	long	 ln = 1;

	*nlines = 0;
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\0') {
			*line = ln;
			return "NUL byte";
		}
		if (b->data[i] != '\n')
			continue;
		if (i - start > LINE_MAX_LEN) {
			*line = ln;
			return "line too long";
		}
		b->data[i] = '\0';
		start = i + 1;
		ln++;
		(*nlines)++;
	}
	if (start < b->len) {
		*line = ln;
		return "no newline at the end (a truncated file?)";
	}
	return NULL;
}

/* The next line of a text split_lines() checked. */
static char *
next_line(struct buf *b, char *line)
{
	line += strlen(line) + 1;
	return line < b->data + b->len ? line : NULL;
}

/*
 * A path an entry names: the checks of jail.c, and not our own books (the
 * journal names the manifest, a target like any other; never itself).
 */
static const char *
entry_path_check(const char *p, bool journal)
{
	const char	*why;

	if ((why = jail_path_check(p)) != NULL)
		return why;
	if ((!journal && strcmp(p, MANIFEST_PATH) == 0) ||
	    strcmp(p, JOURNAL_PATH) == 0 || strcmp(p, COMMITTED_PATH) == 0)
		return "names tlsgen's own bookkeeping";
	return NULL;
}

static int
mentry_cmp(const void *x, const void *y)
{
	const struct manifest_entry *a = x, *b = y;

	return strcmp(a->path, b->path);
}

void
manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
	buf_init(&m->text);
}

void
manifest_free(struct manifest *m)
{
	buf_free(&m->text);
	free(m->v);
	free(m->sorted);
	manifest_init(m);
}

/* One "file MODE SHA-256 PATH" line, checked field by field. */
static const char *
manifest_file_line(char *line, struct manifest_entry *e)
{
	char	*p = line + 5;
	int	 i;

	for (i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '7')
			return "mode is not four octal digits";
	if (p[0] != '0')
		return "mode has set-id or sticky bits";
	if (p[4] != ' ')
		return "mode is not four octal digits";
	e->mode = (mode_t)strtol(p, NULL, 8);
	p += 5;
	for (i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f')))
			return "SHA-256 is not 64 lower-case hex digits";
	if (p[64] != ' ')
		return "SHA-256 is not 64 lower-case hex digits";
	memcpy(e->sha, p, 64);
	e->sha[64] = '\0';
	e->path = p + 65;
	return entry_path_check(e->path, false);
}

const char *
manifest_parse(struct manifest *m, long *line)
{
	char		*l;
	const char	*why;
	size_t		 nlines, i;
	long		 ln;

	if ((why = split_lines(&m->text, &nlines, line)) != NULL)
		return why;
	if ((m->v = calloc(nlines + 1, sizeof(*m->v))) == NULL)
		abort();
	for (l = m->text.len > 0 ? m->text.data : NULL, ln = 1; l != NULL;
	    l = next_line(&m->text, l), ln++) {
		*line = ln;
		if (l[0] == '#')
			continue;
		if (strncmp(l, "source ", 7) == 0) {
			const unsigned char *c = (const unsigned char *)l + 7;

			if (m->source != NULL)
				return "a second source line";
			if (*c == '\0' || strlen(l + 7) > 255)
				return "source name empty or too long";
			for (; *c != '\0'; c++)
				if (*c <= ' ' || *c >= 0x7f)
					return "source name is not printable";
			m->source = l + 7;
			continue;
		}
		if (strncmp(l, "file ", 5) == 0) {
			m->v[m->n].line = ln;
			if ((why = manifest_file_line(l, &m->v[m->n])) != NULL)
				return why;
			m->n++;
			continue;
		}
		return l[0] == '\0' ? "empty line" : "unknown line (not "
		    "\"#\", \"source\" or \"file\")";
	}
	/* Sorted too, for lookups and to find a path listed twice. */
	if ((m->sorted = calloc(m->n + 1, sizeof(*m->sorted))) == NULL)
		abort();
	memcpy(m->sorted, m->v, m->n * sizeof(*m->v));
	qsort(m->sorted, m->n, sizeof(*m->sorted), mentry_cmp);
	for (i = 1; i < m->n; i++)
		if (strcmp(m->sorted[i].path, m->sorted[i - 1].path) == 0) {
			*line = m->sorted[i].line > m->sorted[i - 1].line ?
			    m->sorted[i].line : m->sorted[i - 1].line;
			return "a path listed twice";
		}
	*line = 0;
	return NULL;
}

const struct manifest_entry *
manifest_find(const struct manifest *m, const char *path)
{
	struct manifest_entry key;

	if (m->n == 0)
		return NULL;
	key.path = path;
	return bsearch(&key, m->sorted, m->n, sizeof(*m->sorted), mentry_cmp);
}

int
manifest_load(int root, const char *dir, struct manifest *m, struct diags *d)
{
	const char	*why;
	long		 line;
	int		 e;

	manifest_init(m);
	if (root == -1)
		return 0;
	if ((e = jail_read(root, MANIFEST_PATH, false, &m->text, 64u << 20,
	    NULL)) != 0) {
		if (e == ENOENT) {
			buf_free(&m->text);
			return 0;
		}
		diag_plain(d, SEV_ERROR, "%s/%s: cannot read: %s", dir,
		    MANIFEST_PATH, read_error(e));
		return -1;
	}
	if ((why = manifest_parse(m, &line)) != NULL) {
		diag_plain(d, SEV_ERROR, "%s/%s:%ld: %s; the manifest is "
		    "corrupt: nothing was changed (fix or remove that line)",
		    dir, MANIFEST_PATH, line, why);
		return -1;
	}
	return 0;
}

void
journal_init(struct journal *j)
{
	memset(j, 0, sizeof(*j));
	buf_init(&j->text);
}

void
journal_free(struct journal *j)
{
	buf_free(&j->text);
	free(j->v);
	journal_init(j);
}

const char *
journal_parse(struct journal *j, long *line)
{
	static const struct {
		const char	*word;
		enum jkind	 kind;
	} kinds[] = {
		{ "dir ", J_DIR }, { "old ", J_OLD }, { "new ", J_NEW },
	};
	char		*l;
	const char	*why;
	size_t		 nlines, k;
	long		 ln;

	if ((why = split_lines(&j->text, &nlines, line)) != NULL)
		return why;
	if ((j->v = calloc(nlines + 1, sizeof(*j->v))) == NULL)
		abort();
	for (l = j->text.len > 0 ? j->text.data : NULL, ln = 1; l != NULL;
	    l = next_line(&j->text, l), ln++) {
		*line = ln;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strncmp(l, kinds[k].word, 4) == 0)
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			return l[0] == '\0' ? "empty line" : "unknown line "
			    "(not \"dir\", \"old\" or \"new\")";
		if ((why = entry_path_check(l + 4, true)) != NULL)
			return why;
		j->v[j->n].kind = kinds[k].kind;
		j->v[j->n].path = l + 4;
		j->n++;
	}
	*line = 0;
	return NULL;
}

/*
 * A run that was killed left a journal.  Before its commit ("journal"):
 * every "old" target gets its kept copy back, every "new" one goes, the
 * temporary files go, and so do the directories it made, if empty.  After
 * its commit ("journal-done"): only the kept copies and temporary files
 * go.  Either way the tree is exactly one run's, and doing it twice (if
 * this run is killed too) does no harm.  Every line is checked before the
 * first is acted on, and each path is resolved inside the root.
 */
static int
recover(struct txn *t)
{
	struct journal	 j;
	char		*jtmp;
	const char	*jpath = JOURNAL_PATH, *why;
	size_t		 i;
	long		 line;
	bool		 done = false;
	int		 e, rc = 0;

	journal_init(&j);
	jtmp = sibling(JOURNAL_PATH, NEW_SUFFIX);
	j_unlink(t, jtmp, 0);	/* killed while writing the journal */
	free(jtmp);
	if ((e = read_at(t, JOURNAL_PATH, &j.text)) != 0) {
		buf_free(&j.text);
		if (e == ENOENT)
			e = read_at(t, COMMITTED_PATH, &j.text);
		if (e == ENOENT)
			goto out;
		done = true;
		jpath = COMMITTED_PATH;
		if (e != 0) {
			diag_plain(t->d, SEV_ERROR, "%s/%s: cannot read: %s",
			    t->dir, jpath, read_error(e));
			rc = -1;
			goto out;
		}
	}
	if ((why = journal_parse(&j, &line)) != NULL) {
		diag_plain(t->d, SEV_ERROR, "%s/%s:%ld: %s; the journal of an "
		    "earlier run is corrupt: nothing was changed (look at "
		    "the files it names, then remove it)", t->dir, jpath,
		    line, why);
		rc = -1;
		goto out;
	}
	if (!done)
		diag_plain(t->d, SEV_WARNING, "%s/%s: an earlier run did not "
		    "finish; restoring the output it had replaced", t->dir,
		    JOURNAL_PATH);
	for (i = 0; i < j.n; i++) {
		char	*tmp, *old;
		const char *target = j.v[i].path;

		if (j.v[i].kind == J_DIR)
			continue;
		tmp = sibling(target, NEW_SUFFIX);
		old = sibling(target, OLD_SUFFIX);
		if (!done) {
			if (exists(t, old) && j_rename(t, old, target) == 0)
				;	/* the old file is back */
			else if (j.v[i].kind == J_NEW)
				j_unlink(t, target, 0);
		}
		j_unlink(t, old, 0);
		j_unlink(t, tmp, 0);
		free(tmp);
		free(old);
	}
	j_unlink(t, jpath, 0);
	if (!done)
		for (i = j.n; i-- > 0;)
			if (j.v[i].kind == J_DIR)
				j_unlink(t, j.v[i].path, AT_REMOVEDIR);
	fsync(t->dfd);
	sync_dir_of(t, JOURNAL_PATH);
out:
	/* Directories it removed may be made again: no stale descriptor. */
	cache_drop(t);
	journal_free(&j);
	return rc;
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

/* ------------------------------------------------------- edited files */

enum fstate
file_state(int root, const char *relpath, const char *sha,
    const struct buf *want, int *err)
{
	struct buf	 cur;
	char		 hex[65];
	enum fstate	 st;
	int		 e;

	*err = 0;
	buf_init(&cur);
	e = jail_read(root, relpath, false, &cur, 64u << 20, NULL);
	if (e == ENOENT)
		st = FS_ABSENT;
	else if (e == READ_NOT_REGULAR)
		st = FS_NOT_FILE;
	else if (e != 0) {
		*err = e;
		st = FS_UNREADABLE;
	} else if (want != NULL && cur.len == want->len &&
	    (cur.len == 0 || memcmp(cur.data, want->data, cur.len) == 0))
		st = FS_AS_WANTED;
	else {
		sha256_hex(cur.data, cur.len, hex);
		st = strcmp(hex, sha) == 0 ? FS_AS_WRITTEN : FS_EDITED;
	}
	buf_free(&cur);
	return st;
}

const char *
file_state_text(int state)
{
	return state == FS_NOT_FILE ? "no longer the file tlsgen wrote (a "
	    "link, a directory or another kind of file stands there)" :
	    "edited since tlsgen wrote it";
}

/* ------------------------------------------------------------ the run */

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

	/* The directory the user named is followed; nothing below it is. */
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

/*
 * Before anything is written: every file the last run wrote that this
 * run replaces must still be as written (else refused, unless --force),
 * and every one it no longer writes is removed only if so (else kept and
 * reported, an error under --strict).  Kept files stay in the manifest,
 * so a later run still knows them as edited.  Returns 1 when the run must
 * stop (findings), fills stale with the paths to remove.
 */
static int
check_edits(struct txn *t, const struct manifest *m, struct outset *os,
    char **sorted, const struct output_opts *o, char ***stale,
    size_t *nstale, struct buf *carry)
{
	const struct manifest_entry *e;
	enum fstate	 st;
	size_t		 i, before = t->d->errors;
	int		 err;
	bool		 had = m->text.data != NULL, unreadable = false;

	for (i = 0; i < os->n; i++) {
		struct stat	 sb;

		if ((e = manifest_find(m, os->v[i].path)) == NULL) {
			/* Not tlsgen's: replaced as before (a stock file on
			 * the first run); said when a manifest exists. */
			if (had && strcmp(os->v[i].path, MANIFEST_PATH) != 0 &&
			    j_lstat(t, os->v[i].path, &sb) == 0)
				diag_plain(t->d, SEV_NOTE, "%s/%s: not written "
				    "by tlsgen before; replaced", t->dir,
				    os->v[i].path);
			continue;
		}
		st = file_state(t->dfd, e->path, e->sha, &os->v[i].data, &err);
		if (st == FS_UNREADABLE) {
			diag_plain(t->d, SEV_ERROR, "%s/%s: cannot read: %s",
			    t->dir, e->path, read_error(err));
			unreadable = true;
		} else if ((st == FS_EDITED || st == FS_NOT_FILE) && !o->force)
			diag_plain(t->d, SEV_ERROR, "%s/%s: %s; not replaced "
			    "(--force replaces it)", t->dir, e->path,
			    file_state_text(st));
	}
	for (i = 0; i < m->n; i++) {
		e = &m->v[i];
		if (in_set(sorted, os->n, e->path))
			continue;
		struct stat	 sb;

		st = file_state(t->dfd, e->path, e->sha, NULL, &err);
		if (st == FS_ABSENT)
			continue;
		/* --force removes files and links, never a directory. */
		if (st == FS_AS_WRITTEN || (o->force && st != FS_UNREADABLE &&
		    j_lstat(t, e->path, &sb) == 0 && !S_ISDIR(sb.st_mode))) {
			push_path(stale, nstale, e->path);
			continue;
		}
		if (st == FS_UNREADABLE) {
			diag_plain(t->d, SEV_ERROR, "%s/%s: cannot read: %s",
			    t->dir, e->path, read_error(err));
			unreadable = true;
		} else
			diag_plain(t->d, o->strict ? SEV_ERROR : SEV_WARNING,
			    "%s/%s: %s; kept%s", t->dir, e->path,
			    file_state_text(st), o->strict ? "" :
			    " (remove it, or --force removes it)");
		buf_printf(carry, "file %04o %s %s\n", (unsigned)e->mode,
		    e->sha, e->path);
	}
	return unreadable ? -1 : t->d->errors > before ? 1 : 0;
}

int
output_write(const char *dir, struct outset *os, const char *source,
    const struct output_opts *o, struct diags *d)
{
	static const struct output_opts none;
	struct txn	 t;
	struct outfile	*mf;
	struct manifest	 m;
	struct buf	 carry;
	char		**stale = NULL, **sorted = NULL;
	size_t		 nstale = 0, i;
	const char	*env;
	int		 rc = -1, r;
	bool		 made_dir = false;

	if (o == NULL)
		o = &none;
	memset(&t, 0, sizeof(t));
	manifest_init(&m);
	buf_init(&carry);
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
	if (recover(&t) != 0 || manifest_load(t.dfd, dir, &m, d) != 0)
		goto out;

	if ((sorted = calloc(os->n + 1, sizeof(*sorted))) == NULL)
		abort();
	for (i = 0; i < os->n; i++)
		sorted[i] = os->v[i].path;
	qsort(sorted, os->n, sizeof(*sorted), path_cmp);
	if ((r = check_edits(&t, &m, os, sorted, o, &stale, &nstale,
	    &carry)) != 0) {
		rc = r;
		goto out;
	}
	mf = outset_add(os, MANIFEST_PATH, 0644);
	manifest_render(os, source, &mf->data);
	if (carry.len > 0)
		buf_add(&mf->data, carry.data, carry.len);

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
		struct step *s = &t.v[t.n++];

		s->target = xasprintf("%s/%s", dir, stale[i]);
		s->old = sibling(s->target, OLD_SUFFIX);
		s->remove = true;
	}

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
			j_unlink(&t, rel(&t, s->old), 0);
			if (fault(&t, s->target) || j_link(&t,
			    rel(&t, s->target), rel(&t, s->old)) == -1) {
				diag_plain(d, SEV_ERROR, "%s: cannot keep the "
				    "old file: %s", s->target,
				    strerror(errno));
				goto fail;
			}
			s->linked_old = true;
		}
		if (s->remove) {
			if (s->had_old && j_unlink(&t, rel(&t, s->target),
			    0) == -1) {
				diag_plain(d, SEV_ERROR, "%s: cannot remove "
				    "stale file: %s", s->target,
				    strerror(errno));
				goto fail;
			}
			continue;
		}
		if (fault(&t, s->target) || j_rename(&t, rel(&t, s->tmp),
		    rel(&t, s->target)) == -1) {
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

		if (fault(&t, jp) || j_rename(&t, JOURNAL_PATH,
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
			j_unlink(&t, rel(&t, t.v[i].old), 0);
	j_unlink(&t, COMMITTED_PATH, 0);
	rc = 0;
	goto out;
fail:
	rollback(&t);
out:
	if (rc != 0 && made_dir && same_dir(&t))
		rmdir(dir);
	close(t.dfd);
	txn_free(&t);
	free_paths(stale, nstale);
	free(sorted);
	manifest_free(&m);
	buf_free(&carry);
	return rc;
}
