/*
 * Diagnostics: every stage reports here with the input's line and element,
 * and main.c prints them all at the end, errors and warnings alike.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsgen.h"

/* Bounded, so a hostile file cannot make the report itself huge. */
#define DIAGS_MAX	1000

void
diags_init(struct diags *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = file;
}

void
diags_free(struct diags *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

static void
push(struct diags *d, enum severity sev, long line, struct buf *text)
{
	if (sev == SEV_ERROR)
		d->errors++;
	else if (sev == SEV_WARNING)
		d->warnings++;
	if (d->n == DIAGS_MAX) {
		buf_free(text);
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = realloc(d->v, d->cap * sizeof(*d->v));
		if (d->v == NULL)
			abort();
	}
	d->v[d->n].sev = sev;
	d->v[d->n].line = line > 0 ? line : 0;
	d->v[d->n].text = text->data;
	d->n++;
}

static const char *
sev_prefix(enum severity sev)
{
	switch (sev) {
	case SEV_ERROR:
		return "";
	case SEV_WARNING:
		return "warning: ";
	default:
		return "note: ";
	}
}

void
vdiag_at(struct diags *d, enum severity sev, long line, const char *elem,
    const char *id, const char *fmt, va_list ap)
{
	struct buf	 b;
	va_list		 cp;
	int		 n;

	buf_init(&b);
	buf_adds(&b, d->file ? d->file : "tlsgen");
	if (line > 0)
		buf_printf(&b, ":%ld", line);
	buf_adds(&b, ": ");
	if (elem != NULL) {
		if (id != NULL) {
			const unsigned char *p;

			/* The id comes from the input: never raw. */
			buf_printf(&b, "<%s id=\"", elem);
			for (p = (const unsigned char *)id; *p != '\0'; p++)
				if (*p < 0x20 || *p >= 0x7f || *p == '"' ||
				    *p == '\\')
					buf_printf(&b, "\\x%02x", *p);
				else
					buf_addc(&b, (char)*p);
			buf_adds(&b, "\">: ");
		} else
			buf_printf(&b, "<%s>: ", elem);
	}
	buf_adds(&b, sev_prefix(sev));
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n > 0) {
		buf_reserve(&b, (size_t)n);
		vsnprintf(b.data + b.len, (size_t)n + 1, fmt, ap);
		b.len += (size_t)n;
	}
	push(d, sev, line, &b);
}

void
diag_at(struct diags *d, enum severity sev, long line, const char *elem,
    const char *id, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vdiag_at(d, sev, line, elem, id, fmt, ap);
	va_end(ap);
}

void
diag_plain(struct diags *d, enum severity sev, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	int		 n;

	buf_init(&b);
	buf_printf(&b, "tlsgen: %s", sev_prefix(sev));
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		buf_reserve(&b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b.data + b.len, (size_t)n + 1, fmt, ap);
		va_end(ap);
		b.len += (size_t)n;
	}
	push(d, sev, 0, &b);
}

/*
 * Printed in the order of the file: findings without a line (the run,
 * the file as a whole) first, then by line; findings on one line keep
 * the order the stages made them in (a stable sort: the index breaks
 * ties).
 */
static int
by_line(const void *x, const void *y)
{
	const struct diag *a = *(const struct diag *const *)x;
	const struct diag *b = *(const struct diag *const *)y;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a < b ? -1 : a > b;
}

void
diags_print(const struct diags *d, FILE *fp)
{
	const struct diag **v;
	size_t		 i;

	if ((v = calloc(d->n + 1, sizeof(*v))) == NULL)
		abort();
	for (i = 0; i < d->n; i++)
		v[i] = &d->v[i];
	qsort(v, d->n, sizeof(*v), by_line);
	for (i = 0; i < d->n; i++)
		fprintf(fp, "%s\n", v[i]->text);
	free(v);
	if (d->errors + d->warnings > d->n)
		fprintf(fp, "tlsgen: %zu more findings not shown\n",
		    d->errors + d->warnings - d->n);
}

/*
 * "Did you mean": the optimal string alignment distance (an insertion,
 * deletion, substitution or swap of two neighbours costs one), ignoring
 * case, so "hots" is one from "host" and "Nginx" none from "nginx".
 */
#define NEAR_MAX	64

static size_t
distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j;
	size_t	 d[NEAR_MAX + 1][NEAR_MAX + 1];

	if (la > NEAR_MAX || lb > NEAR_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t	 cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			size_t	 m = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < m)
				m = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < m)
				m = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && tolower((unsigned char)
			    a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < m)
				m = d[i - 2][j - 2] + 1;
			d[i][j] = m;
		}
	return d[la][lb];
}

const char *
diag_nearest(const char *word, const char *const *names, size_t n)
{
	const char	*best = NULL;
	size_t		 i, len = strlen(word), dist, bestd, limit;

	/* One edit in a short word, two up to 8 letters, three beyond. */
	limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	bestd = limit + 1;
	for (i = 0; i < n; i++) {
		if (names[i] == NULL || strcmp(names[i], word) == 0)
			continue;
		dist = distance(word, names[i]);
		if (dist < bestd && dist < strlen(names[i])) {
			best = names[i];
			bestd = dist;
		}
	}
	return best;
}
