/*
 * tlsgen diff: what generate would change in an output root, shown as the
 * unified diff an administrator already reads (diff -u), before anything
 * is written.  New files are shown against /dev/null, changed files line
 * by line, and the files an earlier run wrote (the root's manifest lists
 * them) that this run would remove against /dev/null as well.  The
 * manifest itself is bookkeeping and is neither shown nor counted.
 *
 * The line diff is Myers' O(ND) algorithm in linear space ("An O(ND)
 * Difference Algorithm and Its Variations", 1986, section 4b), refined as
 * GNU diff refines it (analyze.c, diffseq.h, io.c), so that its output is
 * the output of diff -u byte for byte (tests/check_diff.c compares the
 * two over random inputs): lines become integers (equivalence classes),
 * the identical head and tail are trimmed, lines that cannot match are set
 * aside before the search, a cost bound stops pathological searches, and
 * change groups slide to where diff puts them.  100,000-line files take
 * well under a second.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlsgen.h"

/* Lines of context around each change, as diff -u. */
#define DIFF_CONTEXT	3


/* Files larger than this in the root are refused rather than diffed. */
#define DIFF_FILE_MAX	(256u << 20)

/*
 * Beyond this many edit steps in one split (or about the square root of
 * the lines, if more), the search settles for a good split rather than
 * the best: GNU diff's too_expensive.  Any realistic change to a config
 * stays far below it; shuffled large files do not.
 */
#define DIFF_COST_MIN	4096

/* One line: its bytes without the newline; nonl: the file ends unterminated. */
struct line {
	const char	*p;
	size_t		 len;
	bool		 nonl;
};

struct text {
	struct line	*v;
	long		 n;
	long		*cls;		/* equivalence class of each line */
	char		*changed;	/* one sentinel either side */
};

/* The search state over the filtered sequences. */
struct myers {
	const long	*x, *y;		/* class of each filtered line */
	char		*xch, *ych;	/* changed flags, filtered */
	long		*fd, *bd;	/* furthest reach per diagonal */
	long		 too_expensive;
};

struct split {
	long	 xmid, ymid;
	bool	 lo_minimal, hi_minimal;
};

static void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size);

	if (p == NULL)
		abort();	/* out of memory: nothing sensible remains */
	return p;
}

/* Splits at '\n'; a last line without one is marked, as diff marks it. */
static void
text_split(struct text *t, const char *s, size_t len)
{
	size_t	 i, start = 0, n = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	if (len > 0 && s[len - 1] != '\n')
		n++;
	t->v = xcalloc(n, sizeof(*t->v));
	t->cls = xcalloc(n, sizeof(*t->cls));
	t->changed = xcalloc(n + 2, 1);
	t->n = 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\n') {
			t->v[t->n++] = (struct line){ s + start, i - start,
			    false };
			start = i + 1;
		}
	if (start < len)
		t->v[t->n++] = (struct line){ s + start, len - start, true };
}

static void
text_free(struct text *t)
{
	free(t->v);
	free(t->cls);
	free(t->changed);
}

/* FNV-1a over the bytes and the missing-newline mark. */
static uint64_t
line_hash(const struct line *l)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t	 i;

	for (i = 0; i < l->len; i++) {
		h ^= (unsigned char)l->p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= l->nonl ? 1 : 2;
	h *= 0x100000001b3ULL;
	return h;
}

static bool
line_eq(const struct line *a, const struct line *b)
{
	return a->len == b->len && a->nonl == b->nonl &&
	    (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/*
 * Equal lines get equal class numbers, so the search compares integers:
 * an open-addressing table over both files, at most half full.
 */
static long
classify(struct text *a, struct text *b)
{
	struct slot {
		uint64_t		 h;
		const struct line	*l;
		long			 cls;
	}		*tab;
	struct text	*t[2] = { a, b };
	size_t		 size = 16, mask, k;
	long		 i, ncls = 0;
	int		 f;

	while (size < 2 * (size_t)(a->n + b->n))
		size *= 2;
	mask = size - 1;
	tab = xcalloc(size, sizeof(*tab));
	for (f = 0; f < 2; f++)
		for (i = 0; i < t[f]->n; i++) {
			const struct line *l = &t[f]->v[i];
			uint64_t h = line_hash(l);

			for (k = (size_t)h & mask; tab[k].l != NULL;
			    k = (k + 1) & mask)
				if (tab[k].h == h && line_eq(tab[k].l, l))
					break;
			if (tab[k].l == NULL) {
				tab[k].h = h;
				tab[k].l = l;
				tab[k].cls = ncls++;
			}
			t[f]->cls[i] = tab[k].cls;
		}
	free(tab);
	return ncls;
}

/*
 * Finds the midpoint of the shortest edit script of x[xoff, xlim) and
 * y[yoff, ylim): the forward and the backward search advance one edit
 * step at a time on every diagonal until they overlap.  When that costs
 * too much and a minimal answer is not required, the diagonal that got
 * furthest is taken instead.
 */
static void
myers_split(struct myers *m, long xoff, long xlim, long yoff, long ylim,
    bool minimal, struct split *part)
{
	long	*fd = m->fd, *bd = m->bd;
	long	 dmin = xoff - ylim, dmax = xlim - yoff;
	long	 fmid = xoff - yoff, bmid = xlim - ylim;
	long	 fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	long	 c, d, x, y;
	bool	 odd = ((fmid - bmid) & 1) != 0;

	fd[fmid] = xoff;
	bd[bmid] = xlim;
	for (c = 1;; c++) {
		/* One more step forward on each diagonal in reach. */
		if (fmin > dmin)
			fd[--fmin - 1] = -1;
		else
			fmin++;
		if (fmax < dmax)
			fd[++fmax + 1] = -1;
		else
			fmax--;
		for (d = fmax; d >= fmin; d -= 2) {
			long	 tlo = fd[d - 1], thi = fd[d + 1];
			long	 x0 = tlo < thi ? thi : tlo + 1;

			for (x = x0, y = x0 - d; x < xlim && y < ylim &&
			    m->x[x] == m->y[y]; x++, y++)
				continue;
			fd[d] = x;
			if (odd && bmin <= d && d <= bmax && bd[d] <= x) {
				*part = (struct split){ x, y, true, true };
				goto out;
			}
		}
		/* And one more step backward. */
		if (bmin > dmin)
			bd[--bmin - 1] = LONG_MAX;
		else
			bmin++;
		if (bmax < dmax)
			bd[++bmax + 1] = LONG_MAX;
		else
			bmax--;
		for (d = bmax; d >= bmin; d -= 2) {
			long	 tlo = bd[d - 1], thi = bd[d + 1];
			long	 x0 = tlo < thi ? tlo : thi - 1;

			for (x = x0, y = x0 - d; xoff < x && yoff < y &&
			    m->x[x - 1] == m->y[y - 1]; x--, y--)
				continue;
			bd[d] = x;
			if (!odd && fmin <= d && d <= fmax && x <= fd[d]) {
				*part = (struct split){ x, y, true, true };
				goto out;
			}
		}
		if (minimal || c < m->too_expensive)
			continue;
		/* Too costly: split where one search made the most progress. */
		{
			long	 fxybest = -1, fxbest = 0;
			long	 bxybest = LONG_MAX, bxbest = 0;

			for (d = fmax; d >= fmin; d -= 2) {
				x = fd[d] < xlim ? fd[d] : xlim;
				y = x - d;
				if (ylim < y) {
					x = ylim + d;
					y = ylim;
				}
				if (fxybest < x + y) {
					fxybest = x + y;
					fxbest = x;
				}
			}
			for (d = bmax; d >= bmin; d -= 2) {
				x = bd[d] > xoff ? bd[d] : xoff;
				y = x - d;
				if (y < yoff) {
					x = yoff + d;
					y = yoff;
				}
				if (x + y < bxybest) {
					bxybest = x + y;
					bxbest = x;
				}
			}
			if ((xlim + ylim) - bxybest < fxybest - (xoff + yoff))
				*part = (struct split){ fxbest,
				    fxybest - fxbest, true, false };
			else
				*part = (struct split){ bxbest,
				    bxybest - bxbest, false, true };
			goto out;
		}
	}
out:
	return;
}

/*
 * Marks the lines of x[xoff, xlim) and y[yoff, ylim) that are not in the
 * common subsequence: divide at the midpoint and conquer.  The upper half
 * is a loop, not a call: the stack holds lower halves only, about log D
 * of them.
 */
static void
myers_compare(struct myers *m, long xoff, long xlim, long yoff, long ylim,
    bool minimal)
{
	struct split	 part;

	for (;;) {
		while (xoff < xlim && yoff < ylim && m->x[xoff] == m->y[yoff])
			xoff++, yoff++;
		while (xoff < xlim && yoff < ylim &&
		    m->x[xlim - 1] == m->y[ylim - 1])
			xlim--, ylim--;
		if (xoff == xlim) {
			while (yoff < ylim)
				m->ych[yoff++] = 1;
			break;
		}
		if (yoff == ylim) {
			while (xoff < xlim)
				m->xch[xoff++] = 1;
			break;
		}
		myers_split(m, xoff, xlim, yoff, ylim, minimal, &part);
		myers_compare(m, xoff, part.xmid, yoff, part.ymid,
		    part.lo_minimal);
		xoff = part.xmid;
		yoff = part.ymid;
		minimal = part.hi_minimal;
	}
}

/*
 * Lines that can never match are set aside before the search (GNU
 * analyze.c, discard_confusing_lines): a line whose class does not occur
 * in the other file is changed whatever the script, and a line matching
 * very many others (a "}" or an empty line) is set aside too when it sits
 * inside a run of such lines, where it would only lure the search into
 * long, useless snakes.  Marks: 1 no match, 2 many matches, 0 keep.
 */
static void
discard_marks(const struct text *t, long lo, long hi, const long *other_count,
    char *disc)
{
	long	 n = hi - lo, i, j, many = 5, tem;

	for (tem = n / 64; (tem >>= 2) > 0;)
		many *= 2;
	for (i = 0; i < n; i++) {
		long	 nmatch = other_count[t->cls[lo + i]];

		disc[i] = nmatch == 0 ? 1 : nmatch > many ? 2 : 0;
	}
	for (i = 0; i < n; i++) {
		long	 length, provisional = 0, consec, minimum = 1;

		/* A provisional mark stands only inside a run of discards. */
		if (disc[i] == 2) {
			disc[i] = 0;
			continue;
		}
		if (disc[i] == 0)
			continue;
		for (j = i; j < n && disc[j] != 0; j++)
			if (disc[j] == 2)
				provisional++;
		while (j > i && disc[j - 1] == 2)
			disc[--j] = 0, provisional--;
		length = j - i;
		/* Too many provisionals: keep them all. */
		if (provisional * 4 > length) {
			while (j > i)
				if (disc[--j] == 2)
					disc[j] = 0;
			continue;
		}
		/* A subrun of about sqrt(length / 4) provisionals is kept. */
		for (tem = length >> 2; (tem >>= 2) > 0;)
			minimum <<= 1;
		minimum++;
		for (j = 0, consec = 0; j < length; j++)
			if (disc[i + j] != 2)
				consec = 0;
			else if (minimum == ++consec)
				j -= consec;
			else if (minimum < consec)
				disc[i + j] = 0;
		/* So are provisionals near the ends of the run. */
		for (j = 0, consec = 0; j < length; j++) {
			if (j >= 8 && disc[i + j] == 1)
				break;
			if (disc[i + j] == 2)
				consec = 0, disc[i + j] = 0;
			else if (disc[i + j] == 0)
				consec = 0;
			else
				consec++;
			if (consec == 3)
				break;
		}
		i += length - 1;
		for (j = 0, consec = 0; j < length; j++) {
			if (j >= 8 && disc[i - j] == 1)
				break;
			if (disc[i - j] == 2)
				consec = 0, disc[i - j] = 0;
			else if (disc[i - j] == 0)
				consec = 0;
			else
				consec++;
			if (consec == 3)
				break;
		}
	}
}

/*
 * Marks the changed lines of a[lo, ahi) against b[lo, bhi): set aside
 * what cannot match, then search the rest.
 */
static void
diff_changes(struct text *a, struct text *b, long ncls, long lo, long ahi,
    long bhi)
{
	struct text	*t[2] = { a, b };
	long		 hi[2] = { ahi, bhi }, nk[2] = { 0, 0 };
	long		*count[2], *real[2], *keep[2], i, diags;
	char		*disc[2], *ch[2];
	struct myers	 m;
	int		 f;

	for (f = 0; f < 2; f++) {
		count[f] = xcalloc((size_t)ncls, sizeof(long));
		for (i = lo; i < hi[f]; i++)
			count[f][t[f]->cls[i]]++;
	}
	for (f = 0; f < 2; f++) {
		long	 n = hi[f] - lo;

		disc[f] = xcalloc((size_t)n, 1);
		real[f] = xcalloc((size_t)n, sizeof(long));
		keep[f] = xcalloc((size_t)n, sizeof(long));
		ch[f] = xcalloc((size_t)n, 1);
		discard_marks(t[f], lo, hi[f], count[1 - f], disc[f]);
		for (i = 0; i < n; i++)
			if (disc[f][i] != 0)
				t[f]->changed[lo + i + 1] = 1;
			else {
				real[f][nk[f]] = lo + i;
				keep[f][nk[f]++] = t[f]->cls[lo + i];
			}
	}

	memset(&m, 0, sizeof(m));
	m.x = keep[0];
	m.y = keep[1];
	m.xch = ch[0];
	m.ych = ch[1];
	/* Diagonals run from -ny-1 to nx+1. */
	diags = nk[0] + nk[1] + 3;
	m.fd = xcalloc((size_t)diags * 2, sizeof(long));
	m.bd = m.fd + diags;
	m.fd += nk[1] + 1;
	m.bd += nk[1] + 1;
	for (m.too_expensive = 1, i = diags; i != 0; i >>= 2)
		m.too_expensive <<= 1;
	if (m.too_expensive < DIFF_COST_MIN)
		m.too_expensive = DIFF_COST_MIN;
	myers_compare(&m, 0, nk[0], 0, nk[1], false);
	free(m.fd - (nk[1] + 1));

	for (f = 0; f < 2; f++) {
		for (i = 0; i < nk[f]; i++)
			if (ch[f][i])
				t[f]->changed[real[f][i] + 1] = 1;
		free(count[f]);
		free(disc[f]);
		free(real[f]);
		free(keep[f]);
		free(ch[f]);
	}
}

/*
 * Where several placements of a change group are equally short, slide it
 * as GNU diff does (analyze.c, shift_boundaries): down as far as it goes,
 * merging with the groups it meets, then back up to line up with a change
 * in the other file, so the output matches diff -u line for line.  Only
 * lines of the body [lo, hi) move; the sentinels either side of changed[]
 * end every scan.
 */
static void
shift_boundaries(struct text *t[2], long lo, const long hi[2])
{
	int	 f;

	for (f = 0; f < 2; f++) {
		char	*changed = t[f]->changed + 1;
		char	*other = t[1 - f]->changed + 1;
		const long *eq = t[f]->cls;
		long	 i = lo, j = lo, i_end = hi[f];
		long	 runlength, start, corresponding;

		for (;;) {
			while (i < i_end && !changed[i]) {
				while (other[j++])
					continue;
				i++;
			}
			if (i == i_end)
				break;
			start = i;
			while (changed[++i])
				continue;
			while (other[j])
				j++;
			do {
				runlength = i - start;
				while (start > lo &&
				    eq[start - 1] == eq[i - 1]) {
					changed[--start] = 1;
					changed[--i] = 0;
					while (changed[start - 1])
						start--;
					while (other[--j])
						continue;
				}
				corresponding = other[j - 1] ? i : i_end;
				while (i != i_end && eq[start] == eq[i]) {
					changed[start++] = 0;
					changed[i++] = 1;
					while (changed[i])
						i++;
					while (other[++j])
						corresponding = i;
				}
			} while (runlength != i - start);
			while (corresponding < i) {
				changed[--start] = 1;
				changed[--i] = 0;
				while (other[--j])
					continue;
			}
		}
	}
}

/* One change: del lines of a from a0, ins lines of b from b0. */
struct change {
	long	 a0, del, b0, ins;
};

static struct change *
changes_list(const struct text *a, const struct text *b, size_t *n)
{
	const char	*ca = a->changed + 1, *cb = b->changed + 1;
	struct change	*v = NULL;
	size_t		 cap = 0;
	long		 i = 0, j = 0;

	*n = 0;
	while (i < a->n || j < b->n) {
		struct change c;

		if (!(i < a->n && ca[i]) && !(j < b->n && cb[j])) {
			i++, j++;
			continue;
		}
		c.a0 = i;
		c.b0 = j;
		while (i < a->n && ca[i])
			i++;
		while (j < b->n && cb[j])
			j++;
		c.del = i - c.a0;
		c.ins = j - c.b0;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(v, cap * sizeof(*v))) == NULL)
				abort();
		}
		v[(*n)++] = c;
	}
	return v;
}

/* diff -u's range: "l" for one line, "l,n" else, "l,0" after line l. */
static void
print_range(struct buf *out, long start, long count)
{
	if (count == 0)
		buf_printf(out, "%ld,0", start);
	else if (count == 1)
		buf_printf(out, "%ld", start + 1);
	else
		buf_printf(out, "%ld,%ld", start + 1, count);
}

static void
print_line(struct buf *out, char mark, const struct line *l)
{
	buf_addc(out, mark);
	buf_add(out, l->p, l->len);
	buf_addc(out, '\n');
	if (l->nonl)
		buf_adds(out, "\\ No newline at end of file\n");
}

/*
 * Changes closer than twice the context share a hunk, as in diff -u
 * (GNU find_hunk): their contexts would touch or overlap.
 */
static void
print_hunks(const struct text *a, const struct text *b,
    const struct change *v, size_t n, struct buf *out)
{
	size_t	 first = 0, last, k;

	while (first < n) {
		long	 astart, aend, bstart, bend, i;

		for (last = first; last + 1 < n && v[last + 1].a0 -
		    (v[last].a0 + v[last].del) <= 2 * DIFF_CONTEXT; last++)
			continue;
		astart = v[first].a0 - DIFF_CONTEXT;
		if (astart < 0)
			astart = 0;
		bstart = astart + (v[first].b0 - v[first].a0);
		aend = v[last].a0 + v[last].del + DIFF_CONTEXT;
		if (aend > a->n)
			aend = a->n;
		bend = aend + (v[last].b0 + v[last].ins) -
		    (v[last].a0 + v[last].del);
		buf_adds(out, "@@ -");
		print_range(out, astart, aend - astart);
		buf_adds(out, " +");
		print_range(out, bstart, bend - bstart);
		buf_adds(out, " @@\n");
		i = astart;
		for (k = first; k <= last; k++) {
			long	 j;

			for (; i < v[k].a0; i++)
				print_line(out, ' ', &a->v[i]);
			for (j = 0; j < v[k].del; j++)
				print_line(out, '-', &a->v[i++]);
			for (j = 0; j < v[k].ins; j++)
				print_line(out, '+', &b->v[v[k].b0 + j]);
		}
		for (; i < aend; i++)
			print_line(out, ' ', &a->v[i]);
		first = last + 1;
	}
}

/*
 * The body that is searched, as GNU diff trims it (io.c,
 * find_identical_ends): the identical prefix and suffix are left out but
 * for DIFF_CONTEXT lines next to the body, so that a change group can
 * slide that far and no farther.  The suffix is trimmed only when both
 * files end alike (both with a newline or both without).
 */
static void
diff_body(const struct text *a, const struct text *b, long *lo, long *ahi,
    long *bhi)
{
	long	 k = 0, s = 0, min = a->n < b->n ? a->n : b->n;
	bool	 anl = a->n > 0 && a->v[a->n - 1].nonl;
	bool	 bnl = b->n > 0 && b->v[b->n - 1].nonl;

	while (k < min && a->cls[k] == b->cls[k])
		k++;
	*lo = k > DIFF_CONTEXT ? k - DIFF_CONTEXT : 0;
	*ahi = a->n;
	*bhi = b->n;
	while (anl == bnl && s < min - *lo &&
	    a->cls[a->n - 1 - s] == b->cls[b->n - 1 - s])
		s++;
	if (s > DIFF_CONTEXT) {
		*ahi = a->n - s + DIFF_CONTEXT;
		*bhi = b->n - s + DIFF_CONTEXT;
	}
}

bool
diff_unified(const char *as, size_t alen, const char *bs, size_t blen,
    const char *label_a, const char *label_b, struct buf *out)
{
	struct text	 a, b, *t[2] = { &a, &b };
	struct change	*v;
	size_t		 n;
	long		 ncls, lo, hi[2];
	bool		 differ;

	differ = alen != blen || (alen > 0 && memcmp(as, bs, alen) != 0);
	if (!differ)
		goto out;
	text_split(&a, as, alen);
	text_split(&b, bs, blen);
	ncls = classify(&a, &b);
	diff_body(&a, &b, &lo, &hi[0], &hi[1]);
	diff_changes(&a, &b, ncls, lo, hi[0], hi[1]);
	shift_boundaries(t, lo, hi);
	v = changes_list(&a, &b, &n);
	buf_printf(out, "--- %s\n+++ %s\n", label_a, label_b);
	print_hunks(&a, &b, v, n, out);
	free(v);
	text_free(&a);
	text_free(&b);
out:
	return differ;
}

/* ------------------------------------------------------------------------ */

/* One path of the comparison: what generate would write (f), or stale. */
struct entry {
	const char		*path;
	const struct outfile	*f;	/* NULL: an earlier run's, now stale */
	const struct manifest_entry *m;	/* what the last run recorded */
};

static int
entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int	 r = strcmp(a->path, b->path);

	/* A path both written and stale is the written one (sorted first). */
	if (r == 0)
		r = (a->f == NULL) - (b->f == NULL);
	return r;
}

static void
add_entry(struct entry **v, size_t *n, size_t *cap, struct entry e)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((*v = realloc(*v, *cap * sizeof(**v))) == NULL)
			abort();
	}
	(*v)[(*n)++] = e;
}

/* A mode change, written as git writes it (patch(1) understands it). */
static void
print_mode(struct buf *out, const char *path, mode_t from, mode_t to)
{
	buf_printf(out, "diff --git a/%s b/%s\nold mode %06o\nnew mode %06o\n",
	    path, path, (unsigned)(S_IFREG | from), (unsigned)(S_IFREG | to));
}

/*
 * One path: returns 1 when generate would change it, 0 when not, -1 when
 * it cannot be compared (reported).  Everything is read inside the root
 * (root -1: there is none yet), never through a link.
 */
static int
diff_entry(int root, const char *dir, const struct entry *e,
    const struct output_opts *o, struct buf *out, struct diags *d)
{
	struct stat	 st;
	struct buf	 cur;
	char		*path, *la = NULL, *lb = NULL, hex[65];
	const char	*data = "";
	size_t		 len = 0;
	int		 err, rc = -1;
	bool		 edited = false;

	buf_init(&cur);
	if (e->f != NULL && e->f->data.data != NULL) {
		data = e->f->data.data;
		len = e->f->data.len;
	}
	if (asprintf(&path, "%s/%s", dir, e->path) < 0 ||
	    asprintf(&la, "a/%s", e->path) < 0 ||
	    asprintf(&lb, "b/%s", e->path) < 0)
		abort();
	if (root == -1 || jail_lstat(root, e->path, &st) == -1) {
		if (root != -1 && errno != ENOENT) {
			diag_plain(d, SEV_ERROR, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		rc = 0;
		/* New: the whole file against /dev/null (even when empty). */
		if (e->f != NULL) {
			if (!diff_unified("", 0, data, len, "/dev/null", lb,
			    out))
				buf_printf(out, "--- /dev/null\n+++ %s\n", lb);
			rc = 1;
		}
		goto out;
	}
	if (S_ISREG(st.st_mode) && (err = jail_read(root, e->path, false,
	    &cur, DIFF_FILE_MAX, NULL)) != 0) {
		diag_plain(d, SEV_ERROR, "%s: cannot read: %s", path,
		    read_error(err));
		goto out;
	}
	/* What the last run wrote, changed since: generate keeps it. */
	if (e->m != NULL && !o->force) {
		if (!S_ISREG(st.st_mode))
			edited = true;
		else if (e->f == NULL || cur.len != len ||
		    (len > 0 && memcmp(cur.data, data, len) != 0)) {
			sha256_hex(cur.data, cur.len, hex);
			edited = strcmp(hex, e->m->sha) != 0;
		}
	}
	if (e->f == NULL && (edited || S_ISDIR(st.st_mode))) {
		diag_plain(d, SEV_WARNING, "%s: %s; generate would keep it",
		    path, file_state_text(S_ISREG(st.st_mode) ? FS_EDITED :
		    FS_NOT_FILE));
		rc = 0;
		goto out;
	}
	if (edited)
		diag_plain(d, SEV_WARNING, "%s: %s; generate would refuse to "
		    "replace it (--force replaces it)", path,
		    file_state_text(S_ISREG(st.st_mode) ? FS_EDITED :
		    FS_NOT_FILE));
	/*
	 * generate renames over a symbolic link or unlinks it, never writes
	 * through it: shown as an empty file that is replaced or removed.
	 */
	if (S_ISLNK(st.st_mode)) {
		if (!edited)
			diag_plain(d, SEV_WARNING, "%s: a symbolic link; "
			    "generate would replace it", path);
	} else if (!S_ISREG(st.st_mode)) {
		diag_plain(d, SEV_ERROR, "%s: not a regular file", path);
		goto out;
	}
	rc = 0;
	if (e->f == NULL) {
		/* Stale: generate would remove it. */
		if (!diff_unified(cur.data, cur.len, "", 0, la, "/dev/null",
		    out))
			buf_printf(out, "--- %s\n+++ /dev/null\n", la);
		rc = 1;
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		if (!diff_unified("", 0, data, len, la, lb, out))
			buf_printf(out, "--- %s\n+++ %s\n", la, lb);
		rc = 1;
		goto out;
	}
	if ((st.st_mode & 07777) != e->f->mode) {
		print_mode(out, e->path, st.st_mode & 07777, e->f->mode);
		rc = 1;
	}
	if (diff_unified(cur.data, cur.len, data, len, la, lb, out))
		rc = 1;
out:
	buf_free(&cur);
	free(path);
	free(la);
	free(lb);
	return rc;
}

static bool
parent_exists(const char *dir)
{
	char		*copy = strdup(dir);
	struct stat	 st;
	bool		 yes;

	if (copy == NULL)
		abort();
	yes = stat(dirname(copy), &st) == 0 && S_ISDIR(st.st_mode);
	free(copy);
	return yes;
}

int
output_diff(const char *dir, struct outset *os, const char *source,
    const struct output_opts *o, FILE *fp, struct diags *d)
{
	static const struct output_opts none;
	struct entry	*v = NULL;
	struct manifest	 m;
	struct buf	 out;
	struct stat	 st;
	size_t		 n = 0, cap = 0, i;
	int		 fd = -1, rc = 2, r;
	bool		 differs = false, failed = false;

	if (o == NULL)
		o = &none;
	manifest_init(&m);
	buf_init(&out);
	/*
	 * A shared lock: a generate running now (which holds it exclusively)
	 * finishes first, so the diff never sees half a run.  The root the
	 * user named is followed; nothing below it leaves it.
	 */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT || !parent_exists(dir)) {
			diag_plain(d, SEV_ERROR, "%s: cannot open: %s", dir,
			    strerror(errno));
			goto out;
		}
		/* generate makes a missing root (not its parents): all new. */
		diag_plain(d, SEV_NOTE, "%s does not exist; generate would "
		    "create it", dir);
	} else if (flock(fd, LOCK_SH) == -1) {
		diag_plain(d, SEV_ERROR, "%s: cannot lock: %s", dir,
		    strerror(errno));
		goto out;
	}
	if (fd != -1 && jail_lstat(fd, JOURNAL_PATH, &st) == 0)
		diag_plain(d, SEV_WARNING, "%s/%s: an earlier run did not "
		    "finish; generate will first restore the files it had "
		    "replaced, and this diff is against the tree as it is now",
		    dir, JOURNAL_PATH);

	if (manifest_load(fd, dir, &m, d) != 0)
		goto out;
	if (m.source != NULL && strcmp(m.source, source) != 0)
		diag_plain(d, SEV_WARNING, "%s was last generated from %s, not "
		    "%s: the files only that run wrote are shown as removed",
		    dir, m.source, source);

	/* Everything generate would write, and everything it would remove. */
	for (i = 0; i < os->n; i++)
		if (strcmp(os->v[i].path, MANIFEST_PATH) != 0)
			add_entry(&v, &n, &cap, (struct entry){ os->v[i].path,
			    &os->v[i], manifest_find(&m, os->v[i].path) });
	for (i = 0; i < m.n; i++)
		add_entry(&v, &n, &cap, (struct entry){ m.v[i].path, NULL,
		    &m.v[i] });
	if (n > 0)
		qsort(v, n, sizeof(*v), entry_cmp);

	for (i = 0; i < n; i++) {
		/* A path is stale only if no written file has it. */
		if (i > 0 && strcmp(v[i].path, v[i - 1].path) == 0)
			continue;
		r = diff_entry(fd, dir, &v[i], o, &out, d);
		if (r < 0)
			failed = true;
		else if (r > 0)
			differs = true;
		if (out.len > 0 && fwrite(out.data, 1, out.len, fp) != out.len)
			break;
		out.len = 0;
	}
	if (fflush(fp) == EOF || ferror(fp)) {
		diag_plain(d, SEV_ERROR, "cannot write the diff: %s",
		    strerror(errno));
		goto out;
	}
	if (!failed)
		rc = differs ? 1 : 0;
out:
	if (fd != -1)
		close(fd);
	free(v);
	manifest_free(&m);
	buf_free(&out);
	return rc;
}
