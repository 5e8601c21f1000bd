/*
 * check_jail: paths below a root resolved as if it were "/" (jail.c), and
 * the checks every manifest and journal line passes before it is used
 * (output.c).  Each resolution case runs both ways, openat2(2) and the
 * walk by hand, and both must land on the same file or fail alike.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "testutil.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- jail_path_check ------------------------------------------------- */

static const struct {
	const char	*path;
	const char	*why;	/* NULL: valid */
} paths[] = {
	{ "etc/nginx/nginx.conf", NULL },
	{ "a", NULL },
	{ "etc/nginx/tlsgen/www example.conf", NULL },
	{ "etc/.hidden/x", NULL },
	{ "etc/..x/y", NULL },
	{ "", "empty path" },
	{ "/etc/passwd", "absolute path" },
	{ "../x", "\"..\" in path" },
	{ "etc/../x", "\"..\" in path" },
	{ "etc/..", "\"..\" in path" },
	{ "./x", "\".\" in path" },
	{ "etc/./x", "\".\" in path" },
	{ "etc//x", "empty path component" },
	{ "etc/x/", "empty path component" },
	{ "etc/x\ny", "control character in path" },
	{ "etc/\x7f", "control character in path" },
	{ "etc/\tx", "control character in path" },
};

START_TEST(test_path_check)
{
	const char	*why = jail_path_check(paths[_i].path);

	if (paths[_i].why == NULL)
		ck_assert_msg(why == NULL, "\"%s\": %s", paths[_i].path, why);
	else {
		ck_assert_msg(why != NULL, "\"%s\" accepted", paths[_i].path);
		ck_assert_str_eq(why, paths[_i].why);
	}
}
END_TEST

START_TEST(test_path_check_lengths)
{
	char	 p[JAIL_PATH_MAX + 2];

	memset(p, 'a', NAME_MAX);
	p[NAME_MAX] = '\0';
	ck_assert_ptr_null(jail_path_check(p));
	p[NAME_MAX] = 'a';
	p[NAME_MAX + 1] = '\0';
	ck_assert_str_eq(jail_path_check(p), "path component too long");
	memset(p, 'a', sizeof(p) - 1);
	p[sizeof(p) - 1] = '\0';
	for (size_t i = 100; i < sizeof(p) - 1; i += 101)
		p[i] = '/';
	ck_assert_str_eq(jail_path_check(p), "path too long");
}
END_TEST

/* ---- resolution inside a root ---------------------------------------- */

/*
 * The tree, below a temporary directory T:
 *   T/root/etc/nginx -> /outside       (absolute: T/root/outside)
 *   T/root/etc/rel -> ../../../outside (relative, climbing: T/root/outside)
 *   T/root/outside/f                   "inside"
 *   T/outside/f                        "escaped": must never be reached
 *   T/root/loop -> loop, T/root/file/  a file used as a directory
 *   T/root/lnk -> /outside/f           a link as the last name
 */
struct tree {
	char	 dir[64];
	int	 root;
	ino_t	 inside;	/* T/root/outside/f */
};

static void
sh(const char *fmt, const char *dir)
{
	char	 cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, dir, dir, dir, dir, dir, dir, dir,
	    dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
tree_make(struct tree *t)
{
	char		 p[256];
	struct stat	 st;

	snprintf(t->dir, sizeof(t->dir), "/tmp/tlsgen-check-jail-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	sh("cd '%s' && mkdir -p root/etc root/outside outside && "
	    "echo inside >root/outside/f && echo escaped >outside/f && "
	    "ln -s /outside root/etc/nginx && "
	    "ln -s ../../../outside root/etc/rel && "
	    "ln -s loop root/loop && echo x >root/file && "
	    "ln -s /outside/f root/lnk && ln -s /etc/passwd root/passwd",
	    t->dir);
	snprintf(p, sizeof(p), "%s/root", t->dir);
	t->root = open(p, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ne(t->root, -1);
	snprintf(p, sizeof(p), "%s/root/outside/f", t->dir);
	ck_assert_int_eq(stat(p, &st), 0);
	t->inside = st.st_ino;
}

static void
tree_remove(struct tree *t)
{
	close(t->root);
	sh("rm -rf '%s'", t->dir);
}

static const struct {
	const char	*path;
	int		 flags;
	int		 err;	/* 0: opens root/outside/f */
} opens[] = {
	{ "outside/f", O_RDONLY, 0 },
	{ "/outside/f", O_RDONLY, 0 },
	{ "etc/nginx/f", O_RDONLY, 0 },
	{ "etc/rel/f", O_RDONLY, 0 },
	{ "../../../outside/f", O_RDONLY, 0 },
	{ "etc/../../outside/f", O_RDONLY, 0 },
	{ "etc/nginx/../outside/f", O_RDONLY, 0 },
	{ "lnk", O_RDONLY, 0 },
	{ "lnk", O_RDONLY | O_NOFOLLOW, ELOOP },
	{ "etc/nginx/f", O_RDONLY | O_NOFOLLOW, 0 },
	{ "loop/f", O_RDONLY, ELOOP },
	{ "file/f", O_RDONLY, ENOTDIR },
	{ "passwd", O_RDONLY, ENOENT },
	{ "etc/missing/f", O_RDONLY, ENOENT },
};

static void
check_open(const struct tree *t, int _i, int fd, int err, const char *how)
{
	struct stat	 st;

	if (opens[_i].err == 0) {
		ck_assert_msg(fd != -1, "%s \"%s\": %s", how, opens[_i].path,
		    strerror(err));
		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert_msg(st.st_ino == t->inside, "%s \"%s\": left the "
		    "root", how, opens[_i].path);
		close(fd);
	} else {
		ck_assert_msg(fd == -1, "%s \"%s\" opened", how,
		    opens[_i].path);
		ck_assert_msg(err == opens[_i].err, "%s \"%s\": %s, not %s",
		    how, opens[_i].path, strerror(err),
		    strerror(opens[_i].err));
	}
}

START_TEST(test_open_in_root)
{
	struct tree	 t;
	int		 fd, err;

	tree_make(&t);
	unsetenv("TLSGEN_JAIL");
	fd = jail_open(t.root, opens[_i].path, opens[_i].flags, 0);
	err = errno;
	check_open(&t, _i, fd, err, "openat2");
	fd = jail_walk(t.root, opens[_i].path, opens[_i].flags, 0);
	err = errno;
	check_open(&t, _i, fd, err, "walk");
	setenv("TLSGEN_JAIL", "walk", 1);
	fd = jail_open(t.root, opens[_i].path, opens[_i].flags, 0);
	err = errno;
	unsetenv("TLSGEN_JAIL");
	check_open(&t, _i, fd, err, "TLSGEN_JAIL=walk");
	tree_remove(&t);
}
END_TEST

/* A file created through a link lands inside the root, both ways. */
START_TEST(test_create_in_root)
{
	struct tree	 t;
	char		 p[256];
	int		 fd, i;

	tree_make(&t);
	for (i = 0; i < 2; i++) {
		const char *name = i == 0 ? "etc/nginx/new0" : "etc/rel/new1";

		fd = i == 0 ? jail_open(t.root, name, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW, 0600) : jail_walk(t.root, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
		ck_assert_int_ne(fd, -1);
		close(fd);
		snprintf(p, sizeof(p), "%s/root/outside/new%d", t.dir, i);
		ck_assert_int_eq(access(p, F_OK), 0);
		snprintf(p, sizeof(p), "%s/outside/new%d", t.dir, i);
		ck_assert_int_eq(access(p, F_OK), -1);
	}
	tree_remove(&t);
}
END_TEST

/* jail_read: --root reads follow links inside the root only. */
START_TEST(test_read_in_root)
{
	struct tree	 t;
	struct buf	 b;
	struct stat	 st;

	tree_make(&t);
	buf_init(&b);
	ck_assert_int_eq(jail_read(t.root, "/lnk", true, &b, 0, &st), 0);
	ck_assert_str_eq(b.data, "inside\n");
	ck_assert_uint_eq(st.st_ino, t.inside);
	buf_free(&b);
	ck_assert_int_eq(jail_read(t.root, "lnk", false, &b, 0, NULL),
	    READ_NOT_REGULAR);
	buf_free(&b);
	ck_assert_int_eq(jail_read(t.root, "/passwd", true, &b, 0, NULL),
	    ENOENT);
	buf_free(&b);
	ck_assert_int_eq(jail_lstat(t.root, "etc/nginx/f", &st), 0);
	ck_assert_uint_eq(st.st_ino, t.inside);
	tree_remove(&t);
}
END_TEST

/* ---- manifest and journal lines -------------------------------------- */

#define SHA	"9edc8503ab68017241272c7e91f77111f6207bfd60a1371cfbe6f27f2b884ce8"

static const struct {
	const char	*text;
	long		 line;	/* 0: valid */
	const char	*why;
} manifests[] = {
	{ "# tlsgen manifest\nsource a.xml\nfile 0644 " SHA " etc/a\n"
	    "file 0600 " SHA " etc/b c\n", 0, NULL },
	{ "", 0, NULL },
	{ "source a.xml\nfile 0644 " SHA " etc/a", 2,
	    "no newline at the end (a truncated file?)" },
	{ "source a.xml\n\nfile 0644 " SHA " etc/a\n", 2, "empty line" },
	{ "source a.xml\nsource b.xml\n", 2, "a second source line" },
	{ "source \x1b]0;x\x07\n", 1, "source name is not printable" },
	{ "source \n", 1, "source name empty or too long" },
	{ "file 0644 " SHA " ../x\n", 1, "\"..\" in path" },
	{ "file 0644 " SHA " a/../../x\n", 1, "\"..\" in path" },
	{ "file 0644 " SHA " /etc/passwd\n", 1, "absolute path" },
	{ "file 0644 " SHA " etc/passwd/\n", 1, "empty path component" },
	{ "file 0644 " SHA " \n", 1, "empty path" },
	{ "file 0644 " SHA " var/lib/tlsgen/manifest\n", 1,
	    "names tlsgen's own bookkeeping" },
	{ "file 0644 " SHA " a\rb\n", 1, "control character in path" },
	{ "file 0644 " SHA "\n", 1,
	    "SHA-256 is not 64 lower-case hex digits" },
	{ "file 0644 9EDC8503ab68017241272c7e91f77111f6207bfd60a1371cfbe6f27f2b"
	    "884ce8 a\n", 1, "SHA-256 is not 64 lower-case hex digits" },
	{ "file 0644 " SHA "0 a\n", 1,
	    "SHA-256 is not 64 lower-case hex digits" },
	{ "file 0648 " SHA " a\n", 1, "mode is not four octal digits" },
	{ "file 06440 " SHA " a\n", 1, "mode is not four octal digits" },
	{ "file 1644 " SHA " a\n", 1, "mode has set-id or sticky bits" },
	{ "rm " SHA " a\n", 1,
	    "unknown line (not \"#\", \"source\" or \"file\")" },
	{ "file 0644 " SHA " a\nfile 0644 " SHA " b\nfile 0600 " SHA " a\n",
	    3, "a path listed twice" },
};

START_TEST(test_manifest_parse)
{
	struct manifest	 m;
	const char	*why;
	long		 line = -1;

	manifest_init(&m);
	buf_adds(&m.text, manifests[_i].text);
	why = manifest_parse(&m, &line);
	if (manifests[_i].why == NULL)
		ck_assert_msg(why == NULL, "line %ld: %s", line, why);
	else {
		ck_assert_msg(why != NULL, "accepted: %s", manifests[_i].text);
		ck_assert_str_eq(why, manifests[_i].why);
		ck_assert_int_eq(line, manifests[_i].line);
	}
	manifest_free(&m);
}
END_TEST

START_TEST(test_manifest_fields)
{
	struct manifest	 m;
	const struct manifest_entry *e;
	long		 line;

	manifest_init(&m);
	buf_adds(&m.text, manifests[0].text);
	ck_assert_ptr_null(manifest_parse(&m, &line));
	ck_assert_str_eq(m.source, "a.xml");
	ck_assert_uint_eq(m.n, 2);
	e = manifest_find(&m, "etc/b c");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->mode, 0600);
	ck_assert_str_eq(e->sha, SHA);
	ck_assert_int_eq(e->line, 4);
	ck_assert_ptr_null(manifest_find(&m, "etc/c"));
	manifest_free(&m);
}
END_TEST

/* NUL bytes cannot hide a second path inside a line. */
START_TEST(test_manifest_nul)
{
	struct manifest	 m;
	long		 line;
	static const char text[] = "source a\nfile 0644 " SHA " a\0/x\n";

	manifest_init(&m);
	buf_add(&m.text, text, sizeof(text) - 1);
	ck_assert_str_eq(manifest_parse(&m, &line), "NUL byte");
	ck_assert_int_eq(line, 2);
	manifest_free(&m);
}
END_TEST

static const struct {
	const char	*text;
	long		 line;
	const char	*why;
} journals[] = {
	{ "dir var/lib/tlsgen\nold var/lib/tlsgen/manifest\nnew etc/x\n", 0,
	    NULL },
	{ "old ../x\n", 1, "\"..\" in path" },
	{ "new /etc/passwd\n", 1, "absolute path" },
	{ "dir etc\nold lnk//keep.txt\n", 2, "empty path component" },
	{ "del etc/x\n", 1, "unknown line (not \"dir\", \"old\" or \"new\")" },
	{ "old etc/x\n\n", 2, "empty line" },
	{ "new etc/x", 1, "no newline at the end (a truncated file?)" },
	{ "new var/lib/tlsgen/journal\n", 1, "names tlsgen's own bookkeeping" },
};

START_TEST(test_journal_parse)
{
	struct journal	 j;
	const char	*why;
	long		 line = -1;

	journal_init(&j);
	buf_adds(&j.text, journals[_i].text);
	why = journal_parse(&j, &line);
	if (journals[_i].why == NULL) {
		ck_assert_msg(why == NULL, "line %ld: %s", line, why);
		ck_assert_uint_eq(j.n, 3);
		ck_assert_int_eq(j.v[0].kind, J_DIR);
		ck_assert_int_eq(j.v[1].kind, J_OLD);
		ck_assert_int_eq(j.v[2].kind, J_NEW);
		ck_assert_str_eq(j.v[2].path, "etc/x");
	} else {
		ck_assert_msg(why != NULL, "accepted: %s", journals[_i].text);
		ck_assert_str_eq(why, journals[_i].why);
		ck_assert_int_eq(line, journals[_i].line);
	}
	journal_free(&j);
}
END_TEST

static Suite *
jail_suite(void)
{
	Suite	*s = suite_create("jail");
	TCase	*tc;

	tc = tcase_create("paths");
	tcase_add_loop_test(tc, test_path_check, 0, (int)N(paths));
	tcase_add_test(tc, test_path_check_lengths);
	suite_add_tcase(s, tc);

	tc = tcase_create("resolve");
	tcase_add_loop_test(tc, test_open_in_root, 0, (int)N(opens));
	tcase_add_test(tc, test_create_in_root);
	tcase_add_test(tc, test_read_in_root);
	suite_add_tcase(s, tc);

	tc = tcase_create("entries");
	tcase_add_loop_test(tc, test_manifest_parse, 0, (int)N(manifests));
	tcase_add_test(tc, test_manifest_fields);
	tcase_add_test(tc, test_manifest_nul);
	tcase_add_loop_test(tc, test_journal_parse, 0, (int)N(journals));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(jail_suite());
}
