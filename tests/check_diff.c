/*
 * diff.c: the unified diff behind `tlsgen diff`.  Three kinds of checks:
 * golden outputs, taken from GNU diff -u (diffutils 3.8) for the same
 * inputs, so the format is diff's to the byte; properties over random
 * inputs (the diff applied to the old text gives the new one, and the
 * number of changed lines is the minimum an LCS allows); and sizes of
 * 100,000 lines, which must stay fast.  Then output_diff over a real
 * directory: new, changed, stale, mode-only and unreadable paths, the
 * manifest kept out, the order by path, and the exit statuses.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tlsgen.h"
#include "testutil.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
/* A literal and its length, so texts may hold NUL bytes. */
#define S(lit)	lit, sizeof(lit) - 1

/* ---- golden outputs ---------------------------------------------------- */

/* Each expected text is what `diff -u --label a/f --label b/f` printed. */
static const struct golden {
	const char	*name;
	const char	*a;
	size_t		 alen;
	const char	*b;
	size_t		 blen;
	const char	*want;
	size_t		 wantlen;
} goldens[] = {
	{ "one line changed",
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"),
	    S("a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -2,7 +2,7 @@\n"
	      " b\n"
	      " c\n"
	      " d\n"
	      "-e\n"
	      "+E\n"
	      " f\n"
	      " g\n"
	      " h\n") },
	{ "insert at the start",
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"),
	    S("new\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,3 +1,4 @@\n"
	      "+new\n"
	      " a\n"
	      " b\n"
	      " c\n") },
	{ "append at the end",
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"),
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nnew\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -8,3 +8,4 @@\n"
	      " h\n"
	      " i\n"
	      " j\n"
	      "+new\n") },
	{ "delete in the middle",
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"),
	    S("a\nb\nc\nd\ne\ng\nh\ni\nj\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -3,7 +3,6 @@\n"
	      " c\n"
	      " d\n"
	      " e\n"
	      "-f\n"
	      " g\n"
	      " h\n"
	      " i\n") },
	{ "6 lines apart: one hunk",
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt\n"),
	    S("a\nb\nc\nX\ne\nf\ng\nh\ni\nj\nX\nl\nm\nn\no\np\nq\nr\ns\nt\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,14 +1,14 @@\n"
	      " a\n"
	      " b\n"
	      " c\n"
	      "-d\n"
	      "+X\n"
	      " e\n"
	      " f\n"
	      " g\n"
	      " h\n"
	      " i\n"
	      " j\n"
	      "-k\n"
	      "+X\n"
	      " l\n"
	      " m\n"
	      " n\n") },
	{ "7 lines apart: two hunks",
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt\n"),
	    S("a\nb\nc\nX\ne\nf\ng\nh\ni\nj\nk\nX\nm\nn\no\np\nq\nr\ns\nt\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,7 +1,7 @@\n"
	      " a\n"
	      " b\n"
	      " c\n"
	      "-d\n"
	      "+X\n"
	      " e\n"
	      " f\n"
	      " g\n"
	      "@@ -9,7 +9,7 @@\n"
	      " i\n"
	      " j\n"
	      " k\n"
	      "-l\n"
	      "+X\n"
	      " m\n"
	      " n\n"
	      " o\n") },
	{ "one-line files",
	    S("a\n"),
	    S("b\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1 +1 @@\n"
	      "-a\n"
	      "+b\n") },
	{ "newline added at the end",
	    S("a\nb\nc"),
	    S("a\nb\nc\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,3 +1,3 @@\n"
	      " a\n"
	      " b\n"
	      "-c\n"
	      "\\ No newline at end of file\n"
	      "+c\n") },
	{ "newline dropped at the end",
	    S("a\nb\nc\n"),
	    S("a\nb\nc"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,3 +1,3 @@\n"
	      " a\n"
	      " b\n"
	      "-c\n"
	      "+c\n"
	      "\\ No newline at end of file\n") },
	{ "no newline in the context",
	    S("a\nb\nc\nd\ne"),
	    S("a\nX\nc\nd\ne"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,5 +1,5 @@\n"
	      " a\n"
	      "-b\n"
	      "+X\n"
	      " c\n"
	      " d\n"
	      " e\n"
	      "\\ No newline at end of file\n") },
	{ "added block slides as diff -u",
	    S("server {\n\ta;\n}\n\nserver {\n\tb;\n}\n"),
	    S("server {\n\ta;\n}\n\nserver {\n\tc;\n}\n\nserver {\n\tb;\n}\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -3,5 +3,9 @@\n"
	      " }\n"
	      " \n"
	      " server {\n"
	      "+\tc;\n"
	      "+}\n"
	      "+\n"
	      "+server {\n"
	      " \tb;\n"
	      " }\n") },
	{ "CR and NUL are bytes",
	    S("a\r\nb\0c\nd\n"),
	    S("a\nb\0c\nd\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,3 +1,3 @@\n"
	      "-a\r\n"
	      "+a\n"
	      " b\0c\n"
	      " d\n") },
	{ "all removed",
	    S("a\nb\n"),
	    S(""),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -1,2 +0,0 @@\n"
	      "-a\n"
	      "-b\n") },
	{ "all new",
	    S(""),
	    S("a\nb\nc\n"),
	    S("--- a/f\n"
	      "+++ b/f\n"
	      "@@ -0,0 +1,3 @@\n"
	      "+a\n"
	      "+b\n"
	      "+c\n") },
};

START_TEST(test_golden)
{
	const struct golden *g = &goldens[_i];
	struct buf	 out;
	bool		 differs;

	buf_init(&out);
	differs = diff_unified(g->a, g->alen, g->b, g->blen, "a/f", "b/f",
	    &out);
	ck_assert_msg(differs, "%s: no difference found", g->name);
	ck_assert_msg(out.len == g->wantlen &&
	    memcmp(out.data, g->want, out.len) == 0,
	    "%s: got\n%.*s\nwant\n%.*s", g->name, (int)out.len, out.data,
	    (int)g->wantlen, g->want);
	buf_free(&out);
}
END_TEST

START_TEST(test_identical)
{
	struct buf	 out;

	buf_init(&out);
	ck_assert(!diff_unified("a\nb\n", 4, "a\nb\n", 4, "a/f", "b/f", &out));
	ck_assert(!diff_unified("", 0, "", 0, "a/f", "b/f", &out));
	ck_assert(!diff_unified("x", 1, "x", 1, "a/f", "b/f", &out));
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
}
END_TEST

/* ---- random inputs --------------------------------------------------- */

/* xorshift64*: reproducible inputs without global state. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned
rndn(uint64_t *s, unsigned n)
{
	return (unsigned)(rnd(s) >> 33) % n;
}

/*
 * A text of up to max lines over an alphabet of k words, and a copy with
 * a few edits (or, one time in four, an unrelated text); either may lose
 * its last newline.
 */
static void
random_pair(uint64_t *s, unsigned max, struct buf *a, struct buf *b)
{
	unsigned	 k = 2 + rndn(s, 12), na = rndn(s, max + 1), i;
	unsigned	*v = calloc(2 * max + 64, sizeof(*v)), nb, e, at;

	ck_assert_ptr_nonnull(v);
	buf_add(a, "", 0);
	buf_add(b, "", 0);
	for (i = 0; i < na; i++) {
		v[i] = rndn(s, k);
		buf_printf(a, "w%u\n", v[i]);
	}
	nb = na;
	if (rndn(s, 4) == 0)
		for (nb = rndn(s, max + 1), i = 0; i < nb; i++)
			v[i] = rndn(s, k);
	else
		for (e = rndn(s, 8); e > 0; e--) {
			at = rndn(s, nb + 1);
			switch (rndn(s, 3)) {
			case 0:
				if (at < nb) {
					memmove(v + at, v + at + 1,
					    (nb - at - 1) * sizeof(*v));
					nb--;
				}
				break;
			case 1:
				if (nb < 2 * max + 60) {
					memmove(v + at + 1, v + at,
					    (nb - at) * sizeof(*v));
					v[at] = rndn(s, k + 2);
					nb++;
				}
				break;
			default:
				if (at < nb)
					v[at] = rndn(s, k + 2);
				break;
			}
		}
	for (i = 0; i < nb; i++)
		buf_printf(b, "w%u\n", v[i]);
	if (a->len > 0 && rndn(s, 5) == 0)
		a->data[--a->len] = '\0';
	if (b->len > 0 && rndn(s, 5) == 0)
		b->data[--b->len] = '\0';
	free(v);
}

/* Lines of a text, as (pointer, length) without the newline. */
struct tline {
	const char	*p;
	size_t		 len;
	bool		 nonl;
};

static size_t
tlines(const char *s, size_t len, struct tline **out)
{
	size_t	 n = 0, i, start = 0;

	*out = calloc(len + 1, sizeof(**out));
	ck_assert_ptr_nonnull(*out);
	for (i = 0; i < len; i++)
		if (s[i] == '\n') {
			(*out)[n++] = (struct tline){ s + start, i - start,
			    false };
			start = i + 1;
		}
	if (start < len)
		(*out)[n++] = (struct tline){ s + start, len - start, true };
	return n;
}

static bool
tline_eq(const struct tline *x, const struct tline *y)
{
	return x->len == y->len && x->nonl == y->nonl &&
	    memcmp(x->p, y->p, x->len) == 0;
}

/* The length of a longest common subsequence of lines, by table. */
static size_t
lcs(const struct tline *a, size_t na, const struct tline *b, size_t nb)
{
	size_t	*t = calloc((na + 1) * (nb + 1), sizeof(*t)), i, j, r, w;

	ck_assert_ptr_nonnull(t);
	w = nb + 1;
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;)
			t[i * w + j] = tline_eq(&a[i], &b[j]) ?
			    t[(i + 1) * w + j + 1] + 1 :
			    t[(i + 1) * w + j] > t[i * w + j + 1] ?
			    t[(i + 1) * w + j] : t[i * w + j + 1];
	r = t[0];
	free(t);
	return r;
}

/*
 * Applies a unified diff to a as patch(1) would, checking every hunk
 * header against its body and every context line against a; returns the
 * result in res and the number of '-' and '+' lines in changed.
 */
static void
apply(const char *a, size_t alen, const char *diff, size_t dlen,
    struct buf *res, size_t *changed)
{
	struct tline	*al, *dl;
	size_t		 na = tlines(a, alen, &al);
	size_t		 nd = tlines(diff, dlen, &dl);
	size_t		 ai = 0, k = 2;

	*changed = 0;
	buf_add(res, "", 0);
	ck_assert_uint_ge(nd, 2);
	ck_assert(strncmp(dl[0].p, "--- ", 4) == 0);
	ck_assert(strncmp(dl[1].p, "+++ ", 4) == 0);
	while (k < nd) {
		long	 as, ac = 1, bs, bc = 1, seen_a = 0, seen_b = 0;
		char	 hdr[128];

		ck_assert_uint_lt(dl[k].len, sizeof(hdr));
		memcpy(hdr, dl[k].p, dl[k].len);
		hdr[dl[k].len] = '\0';
		ck_assert_msg(sscanf(hdr, "@@ -%ld", &as) == 1, "bad hunk "
		    "header %s", hdr);
		if (strchr(hdr, ',') != NULL && strchr(hdr, ',') <
		    strchr(hdr, '+'))
			sscanf(strchr(hdr, ',') + 1, "%ld", &ac);
		ck_assert(sscanf(strchr(hdr, '+'), "+%ld", &bs) == 1);
		if (strchr(strchr(hdr, '+'), ',') != NULL)
			sscanf(strchr(strchr(hdr, '+'), ',') + 1, "%ld", &bc);
		/* Lines count from 1; an empty range names the one before. */
		if (ac > 0)
			as--;
		ck_assert_int_ge(as, (long)ai);
		for (; ai < (size_t)as; ai++)
			buf_printf(res, "%.*s\n", (int)al[ai].len, al[ai].p);
		for (k++; k < nd && dl[k].len > 0 && dl[k].p[0] != '@'; k++) {
			const struct tline *l = &dl[k];
			bool	 nonl = k + 1 < nd && dl[k + 1].len > 0 &&
			    dl[k + 1].p[0] == '\\';

			ck_assert_uint_ge(l->len, 1);
			if (l->p[0] == '\\')
				continue;
			if (l->p[0] == ' ' || l->p[0] == '-') {
				struct tline x = { l->p + 1, l->len - 1, nonl };

				ck_assert_uint_lt(ai, na);
				ck_assert_msg(tline_eq(&x, &al[ai]), "context "
				    "or removed line %zu does not match",
				    ai + 1);
				ai++;
				seen_a++;
			}
			if (l->p[0] == ' ' || l->p[0] == '+') {
				buf_add(res, l->p + 1, l->len - 1);
				if (!nonl)
					buf_addc(res, '\n');
				seen_b++;
			}
			if (l->p[0] != ' ')
				(*changed)++;
		}
		ck_assert_int_eq(seen_a, ac);
		ck_assert_int_eq(seen_b, bc);
	}
	for (; ai < na; ai++) {
		buf_add(res, al[ai].p, al[ai].len);
		if (!al[ai].nonl)
			buf_addc(res, '\n');
	}
	free(al);
	free(dl);
}

/*
 * Over random pairs: the diff turns a into b, and when every line of
 * either text has a match in the other (so nothing is set aside before
 * the search) the number of changed lines is the least possible.
 */
START_TEST(test_random_properties)
{
	uint64_t	 s = 0x9e3779b97f4a7c15ULL ^ (uint64_t)_i;
	int		 round;

	for (round = 0; round < 200; round++) {
		struct buf	 a, b, out, res;
		struct tline	*al, *bl;
		size_t		 na, nb, changed, i, j;
		bool		 all_match = true;

		buf_init(&a);
		buf_init(&b);
		buf_init(&out);
		buf_init(&res);
		random_pair(&s, 40, &a, &b);
		if (diff_unified(a.data, a.len, b.data, b.len, "a/f", "b/f",
		    &out)) {
			apply(a.data, a.len, out.data, out.len, &res, &changed);
			ck_assert_msg(res.len == b.len &&
			    memcmp(res.data, b.data, b.len) == 0,
			    "round %d: the diff does not turn a into b:\n%s",
			    round, out.data);
			na = tlines(a.data, a.len, &al);
			nb = tlines(b.data, b.len, &bl);
			for (i = 0; i < na && all_match; i++) {
				for (j = 0; j < nb; j++)
					if (tline_eq(&al[i], &bl[j]))
						break;
				all_match = j < nb;
			}
			for (j = 0; j < nb && all_match; j++) {
				for (i = 0; i < na; i++)
					if (tline_eq(&al[i], &bl[j]))
						break;
				all_match = i < na;
			}
			if (all_match)
				ck_assert_uint_eq(changed,
				    na + nb - 2 * lcs(al, na, bl, nb));
			free(al);
			free(bl);
		} else
			ck_assert(a.len == b.len &&
			    memcmp(a.data, b.data, a.len) == 0);
		buf_free(&a);
		buf_free(&b);
		buf_free(&out);
		buf_free(&res);
	}
}
END_TEST

/*
 * The same random pairs against GNU diff itself, byte for byte, when it
 * is installed (diffutils is Essential on Debian, but say so if not).
 */
START_TEST(test_random_vs_gnu_diff)
{
	uint64_t	 s = 0x2545f4914f6cdd1dULL + (uint64_t)_i;
	char		 dir[] = "/tmp/tlsgen-check-diff-XXXXXX";
	char		 pa[64], pb[64], cmd[256];
	int		 round;

	if (access("/usr/bin/diff", X_OK) != 0) {
		fprintf(stderr, "SKIPPED test_random_vs_gnu_diff (no "
		    "/usr/bin/diff)\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pa, sizeof(pa), "%s/a", dir);
	snprintf(pb, sizeof(pb), "%s/b", dir);
	snprintf(cmd, sizeof(cmd), "/usr/bin/diff -a -u --label a/f --label "
	    "b/f %s %s", pa, pb);
	for (round = 0; round < 100; round++) {
		struct buf	 a, b, out, want;
		FILE		*fp;
		char		 chunk[4096];
		size_t		 n;

		buf_init(&a);
		buf_init(&b);
		buf_init(&out);
		buf_init(&want);
		random_pair(&s, _i == 0 ? 30 : 300, &a, &b);
		fp = fopen(pa, "w");
		ck_assert_ptr_nonnull(fp);
		fwrite(a.data, 1, a.len, fp);
		fclose(fp);
		fp = fopen(pb, "w");
		ck_assert_ptr_nonnull(fp);
		fwrite(b.data, 1, b.len, fp);
		fclose(fp);
		ck_assert_ptr_nonnull(fp = popen(cmd, "r"));
		buf_add(&want, "", 0);
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&want, chunk, n);
		pclose(fp);
		buf_add(&out, "", 0);
		diff_unified(a.data, a.len, b.data, b.len, "a/f", "b/f", &out);
		ck_assert_msg(out.len == want.len &&
		    memcmp(out.data, want.data, out.len) == 0,
		    "round %d differs from diff -u:\n--- a\n%s--- b\n%s"
		    "--- ours\n%s--- diff -u\n%s", round, a.data, b.data,
		    out.data, want.data);
		buf_free(&a);
		buf_free(&b);
		buf_free(&out);
		buf_free(&want);
	}
	unlink(pa);
	unlink(pb);
	rmdir(dir);
}
END_TEST

/* ---- size ------------------------------------------------------------ */

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * 100,000 config-like lines.  Kind 0: about 1,000 lines changed and 100
 * dropped, scattered; kind 1: nothing in common; kind 2: the same lines
 * in reverse order (20,000 lines, the search's hardest shape).
 */
START_TEST(test_large)
{
	uint64_t	 s = 42;
	struct buf	 a, b, out, res;
	const char	**line;
	size_t		 n = _i == 2 ? 20000 : 100000, i, changed;
	double		 t0, secs;

	buf_init(&a);
	buf_init(&b);
	buf_init(&out);
	buf_init(&res);
	ck_assert_ptr_nonnull(line = calloc(n + 1, sizeof(*line)));
	for (i = 0; i < n; i++)
		buf_printf(&a, "\tssl_option_%zu value%u;\n", i,
		    rndn(&s, 1000));
	line[0] = a.data;
	for (i = 1; i <= n; i++)
		line[i] = strchr(line[i - 1], '\n') + 1;
	for (i = 0; i < n; i++) {
		size_t	 k = _i == 2 ? n - 1 - i : i;

		if (_i == 1)
			buf_printf(&b, "other %zu\n", i);
		else if (_i == 0 && rndn(&s, 100) == 0)
			buf_printf(&b, "\tchanged_%zu;\n", i);
		else if (_i == 2 || i % 997 != 0)
			buf_add(&b, line[k], (size_t)(line[k + 1] - line[k]));
	}
	t0 = now();
	ck_assert(diff_unified(a.data, a.len, b.data, b.len, "a/f", "b/f",
	    &out));
	secs = now() - t0;
	fprintf(stderr, "diff of %zu lines (kind %d): %.3f s, %zu bytes\n",
	    n, _i, secs, out.len);
	/* Far below what a user would notice, even under sanitizers. */
	ck_assert_msg(secs < 10.0, "took %.1f s", secs);
	apply(a.data, a.len, out.data, out.len, &res, &changed);
	ck_assert(res.len == b.len && memcmp(res.data, b.data, b.len) == 0);
	free(line);
	buf_free(&a);
	buf_free(&b);
	buf_free(&out);
	buf_free(&res);
}
END_TEST

/* ---- output_diff over a directory ------------------------------------ */

struct root {
	char	 dir[64];
};

static void
root_make(struct root *r)
{
	snprintf(r->dir, sizeof(r->dir), "/tmp/tlsgen-check-root-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r->dir));
}

static void
root_remove(struct root *r)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* dir/rel with its parents; the mode is set, whatever the umask. */
static void
put(const struct root *r, const char *rel, const char *text, mode_t mode)
{
	char	 path[512], *p;
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", r->dir, rel);
	for (p = path + strlen(r->dir) + 1; (p = strchr(p, '/')) != NULL;
	    p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

/* output_diff into a string; returns its status. */
static int
run_diff(const char *dir, struct outset *os, const char *source,
    char **text, struct diags *d)
{
	size_t	 len;
	FILE	*fp = open_memstream(text, &len);
	int	 rc;

	ck_assert_ptr_nonnull(fp);
	rc = output_diff(dir, os, source, NULL, fp, d);
	fclose(fp);
	return rc;
}

/* A manifest line for path as a run that wrote text would record it. */
static const char *
mline(const char *path, const char *text)
{
	static char	 lines[8][512];
	static int	 next;
	char		 hex[65];
	char		*l = lines[next++ % 8];

	sha256_hex(text, strlen(text), hex);
	snprintf(l, 512, "file 0644 %s %s\n", hex, path);
	return l;
}

static void
add(struct outset *os, const char *path, const char *text)
{
	buf_adds(&outset_add(os, path, 0644)->data, text);
}

/* An empty root: every file is new, in path order; no manifest shown. */
START_TEST(test_output_new)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text;

	root_make(&r);
	diags_init(&d, "t.xml");
	add(&os, "etc/b.conf", "x\n");
	add(&os, "etc/a.conf", "y\n");
	add(&os, MANIFEST_PATH, "source t.xml\n");
	outset_add(&os, "etc/empty.conf", 0644);
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text,
	    "--- /dev/null\n"
	    "+++ b/etc/a.conf\n"
	    "@@ -0,0 +1 @@\n"
	    "+y\n"
	    "--- /dev/null\n"
	    "+++ b/etc/b.conf\n"
	    "@@ -0,0 +1 @@\n"
	    "+x\n"
	    "--- /dev/null\n"
	    "+++ b/etc/empty.conf\n");
	ck_assert_errors(&d, 0);
	free(text);
	outset_free(&os);
	diags_free(&d);
	root_remove(&r);
}
END_TEST

/* The same tree: no output, status 0, even when the manifest differs. */
START_TEST(test_output_same)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text;

	root_make(&r);
	diags_init(&d, "t.xml");
	put(&r, "etc/a.conf", "y\n", 0644);
	{
		char	 m[1024];

		/* Written as "old", now as this run would write it. */
		snprintf(m, sizeof(m), "# an older manifest\nsource t.xml\n"
		    "%s", mline("etc/a.conf", "old\n"));
		put(&r, MANIFEST_PATH, m, 0644);
	}
	add(&os, "etc/a.conf", "y\n");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 0);
	ck_assert_str_eq(text, "");
	ck_assert_uint_eq(d.n, 0);
	free(text);
	outset_free(&os);
	diags_free(&d);
	root_remove(&r);
}
END_TEST

/*
 * A mode-only change, a changed file, a stale one (the last run's
 * manifest lists it), one listed but already gone, and one that tlsgen
 * never wrote.
 */
START_TEST(test_output_changes)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text;

	root_make(&r);
	diags_init(&d, "t.xml");
	put(&r, "etc/a.conf", "y\n", 0600);
	put(&r, "etc/b.conf", "1\n2\nold\n", 0644);
	put(&r, "etc/gone.conf", "bye\n", 0644);
	put(&r, "etc/mine.conf", "not tlsgen's\n", 0644);
	{
		char	 m[2048];

		snprintf(m, sizeof(m), "source t.xml\n%s%s%s",
		    mline("etc/gone.conf", "bye\n"),
		    mline("etc/a.conf", "y\n"),
		    mline("etc/missing.conf", "x\n"));
		put(&r, MANIFEST_PATH, m, 0644);
	}
	add(&os, "etc/b.conf", "1\n2\nnew\n");
	add(&os, "etc/a.conf", "y\n");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text,
	    "diff --git a/etc/a.conf b/etc/a.conf\n"
	    "old mode 100600\n"
	    "new mode 100644\n"
	    "--- a/etc/b.conf\n"
	    "+++ b/etc/b.conf\n"
	    "@@ -1,3 +1,3 @@\n"
	    " 1\n"
	    " 2\n"
	    "-old\n"
	    "+new\n"
	    "--- a/etc/gone.conf\n"
	    "+++ /dev/null\n"
	    "@@ -1 +0,0 @@\n"
	    "-bye\n");
	ck_assert_errors(&d, 0);
	free(text);
	outset_free(&os);
	diags_free(&d);
	root_remove(&r);
}
END_TEST

/* A root made from another description: said, and its files shown gone. */
START_TEST(test_output_other_source)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text, want[256];

	root_make(&r);
	diags_init(&d, "t.xml");
	put(&r, "etc/other.conf", "o\n", 0644);
	{
		char	 m[1024];

		snprintf(m, sizeof(m), "source other.xml\n%s",
		    mline("etc/other.conf", "o\n"));
		put(&r, MANIFEST_PATH, m, 0644);
	}
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text, "--- a/etc/other.conf\n+++ /dev/null\n"
	    "@@ -1 +0,0 @@\n-o\n");
	snprintf(want, sizeof(want), "tlsgen: warning: %s was last generated "
	    "from other.xml, not t.xml: the files only that run wrote are "
	    "shown as removed", r.dir);
	ck_assert_warning(&d, want);
	free(text);
	outset_free(&os);
	diags_free(&d);
	root_remove(&r);
}
END_TEST

/*
 * A symbolic link where tlsgen writes a file it did not write before:
 * generate renames over it, never writes through it, so it is shown as an
 * empty file replaced, with a warning.  A link where the last run wrote a
 * file that is now stale: generate keeps it, and says so.
 */
START_TEST(test_output_symlink)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text, path[256], want[512];

	root_make(&r);
	diags_init(&d, "t.xml");
	put(&r, "elsewhere", "not to be read\n", 0644);
	{
		char	 m[1024];

		snprintf(m, sizeof(m), "source t.xml\n%s",
		    mline("etc/s.conf", "s\n"));
		put(&r, MANIFEST_PATH, m, 0644);
	}
	snprintf(path, sizeof(path), "%s/etc", r.dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/a.conf", r.dir);
	ck_assert_int_eq(symlink("../elsewhere", path), 0);
	snprintf(path, sizeof(path), "%s/etc/s.conf", r.dir);
	ck_assert_int_eq(symlink("../elsewhere", path), 0);
	add(&os, "etc/a.conf", "y\n");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text,
	    "--- a/etc/a.conf\n"
	    "+++ b/etc/a.conf\n"
	    "@@ -0,0 +1 @@\n"
	    "+y\n");
	snprintf(want, sizeof(want), "tlsgen: warning: %s/etc/a.conf: a "
	    "symbolic link; generate would replace it", r.dir);
	ck_assert_warning(&d, want);
	snprintf(want, sizeof(want), "tlsgen: warning: %s/etc/s.conf: no "
	    "longer the file tlsgen wrote (a link, a directory or another "
	    "kind of file stands there); generate would keep it", r.dir);
	ck_assert_warning(&d, want);
	ck_assert_errors(&d, 0);
	free(text);
	outset_free(&os);
	diags_free(&d);
	root_remove(&r);
}
END_TEST

/* What cannot be compared is an error (status 2), the rest still shown. */
START_TEST(test_output_errors)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text, path[256];

	root_make(&r);
	diags_init(&d, "t.xml");
	put(&r, "etc/a.conf/inside", "a directory stands here\n", 0644);
	add(&os, "etc/a.conf", "y\n");
	add(&os, "etc/b.conf", "z\n");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 2);
	ck_assert_str_eq(text, "--- /dev/null\n+++ b/etc/b.conf\n"
	    "@@ -0,0 +1 @@\n+z\n");
	snprintf(path, sizeof(path), "tlsgen: %s/etc/a.conf: not a regular "
	    "file", r.dir);
	ck_assert_error(&d, path);
	free(text);
	diags_free(&d);

	/* No root, but its parent: generate would make it, all is new. */
	diags_init(&d, "t.xml");
	snprintf(path, sizeof(path), "%s/new", r.dir);
	ck_assert_int_eq(run_diff(path, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text, "--- /dev/null\n+++ b/etc/a.conf\n"
	    "@@ -0,0 +1 @@\n+y\n--- /dev/null\n+++ b/etc/b.conf\n"
	    "@@ -0,0 +1 @@\n+z\n");
	ck_assert_errors(&d, 0);
	free(text);
	diags_free(&d);

	/* Not even a parent: generate would fail, and so does diff. */
	diags_init(&d, "t.xml");
	snprintf(path, sizeof(path), "%s/no/such", r.dir);
	ck_assert_int_eq(run_diff(path, &os, "t.xml", &text, &d), 2);
	ck_assert_str_eq(text, "");
	ck_assert_errors(&d, 1);
	free(text);
	outset_free(&os);
	diags_free(&d);
	root_remove(&r);
}
END_TEST

/*
 * Files the last run wrote and someone edited since: a stale one is kept
 * by generate (a warning, not shown as removed), one generate would
 * replace is shown with a warning that generate refuses; --force shows
 * both as generate --force would do them.
 */
START_TEST(test_output_edited)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct output_opts force = { .force = true };
	struct diags	 d;
	char		*text, m[2048], want[512];
	size_t		 len;
	FILE		*fp;

	root_make(&r);
	put(&r, "etc/kept.conf", "edited by hand\n", 0644);
	put(&r, "etc/a.conf", "mine now\n", 0644);
	snprintf(m, sizeof(m), "source t.xml\n%s%s",
	    mline("etc/kept.conf", "written\n"),
	    mline("etc/a.conf", "a\n"));
	put(&r, MANIFEST_PATH, m, 0644);
	add(&os, "etc/a.conf", "a2\n");

	diags_init(&d, "t.xml");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text, "--- a/etc/a.conf\n+++ b/etc/a.conf\n"
	    "@@ -1 +1 @@\n-mine now\n+a2\n");
	snprintf(want, sizeof(want), "tlsgen: warning: %s/etc/kept.conf: "
	    "edited since tlsgen wrote it; generate would keep it", r.dir);
	ck_assert_warning(&d, want);
	snprintf(want, sizeof(want), "tlsgen: warning: %s/etc/a.conf: "
	    "edited since tlsgen wrote it; generate would refuse to replace "
	    "it (--force replaces it)", r.dir);
	ck_assert_warning(&d, want);
	ck_assert_errors(&d, 0);
	free(text);
	diags_free(&d);

	diags_init(&d, "t.xml");
	fp = open_memstream(&text, &len);
	ck_assert_int_eq(output_diff(r.dir, &os, "t.xml", &force, fp, &d), 1);
	fclose(fp);
	ck_assert_str_eq(text, "--- a/etc/a.conf\n+++ b/etc/a.conf\n"
	    "@@ -1 +1 @@\n-mine now\n+a2\n"
	    "--- a/etc/kept.conf\n+++ /dev/null\n"
	    "@@ -1 +0,0 @@\n-edited by hand\n");
	ck_assert_uint_eq(d.warnings, 0);
	free(text);
	diags_free(&d);
	outset_free(&os);
	root_remove(&r);
}
END_TEST

/* A corrupt manifest is an error naming its line, never a list to act on. */
static const struct {
	const char	*line;
	const char	*why;
} corrupt[] = {
	{ "file 0644 %s ../x\n", "\"..\" in path" },
	{ "file 0644 %s /etc/passwd\n", "absolute path" },
	{ "file 0644 %s etc//x\n", "empty path component" },
	{ "file 0644 %s etc/./x\n", "\".\" in path" },
	{ "file 0644 %s etc/\x1b[2Jx\n", "control character in path" },
	{ "file 644 %s etc/x\n", "mode is not four octal digits" },
	{ "file 4755 %s etc/x\n", "mode has set-id or sticky bits" },
	{ "file 0644 00%.0s etc/x\n",
	    "SHA-256 is not 64 lower-case hex digits" },
	{ "remove %s etc/x\n",
	    "unknown line (not \"#\", \"source\" or \"file\")" },
	{ "file 0644 %s var/lib/tlsgen/journal\n",
	    "names tlsgen's own bookkeeping" },
};

START_TEST(test_output_corrupt)
{
	struct root	 r;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text, m[1024], want[1024], hex[65];

	root_make(&r);
	put(&r, "etc/x", "x\n", 0644);
	sha256_hex("x\n", 2, hex);
	snprintf(want, sizeof(want), "source t.xml\n%s", corrupt[_i].line);
	snprintf(m, sizeof(m), want, hex);
	put(&r, MANIFEST_PATH, m, 0644);
	add(&os, "etc/y", "y\n");
	diags_init(&d, "t.xml");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 2);
	ck_assert_str_eq(text, "");
	snprintf(want, sizeof(want), "tlsgen: %s/%s:2: %s; the manifest is "
	    "corrupt: nothing was changed (fix or remove that line)", r.dir,
	    MANIFEST_PATH, corrupt[_i].why);
	ck_assert_error(&d, want);
	free(text);
	diags_free(&d);
	outset_free(&os);
	root_remove(&r);
}
END_TEST

/*
 * A directory of the root that is a link out of it: followed inside the
 * root, as if the root were "/", so the file outside is never read.
 */
START_TEST(test_output_jail)
{
	struct root	 r, out;
	struct outset	 os = { 0 };
	struct diags	 d;
	char		*text, path[256], target[256], cmd[1024];

	root_make(&r);
	root_make(&out);
	put(&out, "a.conf", "outside\n", 0644);
	snprintf(path, sizeof(path), "%s/etc", r.dir);
	ck_assert_int_eq(symlink(out.dir, path), 0);
	add(&os, "etc/a.conf", "y\n");
	diags_init(&d, "t.xml");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text, "--- /dev/null\n+++ b/etc/a.conf\n"
	    "@@ -0,0 +1 @@\n+y\n");
	ck_assert_errors(&d, 0);
	free(text);
	diags_free(&d);

	/* The same link's target made inside the root: read there. */
	snprintf(target, sizeof(target), "%s%s", r.dir, out.dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && echo inside >'%s/a.conf'",
	    target, target);
	ck_assert_int_eq(system(cmd), 0);
	diags_init(&d, "t.xml");
	ck_assert_int_eq(run_diff(r.dir, &os, "t.xml", &text, &d), 1);
	ck_assert_str_eq(text, "--- a/etc/a.conf\n+++ b/etc/a.conf\n"
	    "@@ -1 +1 @@\n-inside\n+y\n");
	free(text);
	diags_free(&d);
	outset_free(&os);
	root_remove(&r);
	root_remove(&out);
}
END_TEST

static Suite *
diff_suite(void)
{
	Suite	*s = suite_create("diff");
	TCase	*tc;

	tc = tcase_create("golden");
	tcase_add_loop_test(tc, test_golden, 0, (int)N(goldens));
	tcase_add_test(tc, test_identical);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_random_properties, 0, 5);
	tcase_add_loop_test(tc, test_random_vs_gnu_diff, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("large");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_large, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_test(tc, test_output_new);
	tcase_add_test(tc, test_output_same);
	tcase_add_test(tc, test_output_changes);
	tcase_add_test(tc, test_output_other_source);
	tcase_add_test(tc, test_output_symlink);
	tcase_add_test(tc, test_output_errors);
	tcase_add_test(tc, test_output_edited);
	tcase_add_loop_test(tc, test_output_corrupt, 0, (int)N(corrupt));
	tcase_add_test(tc, test_output_jail);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(diff_suite());
}
