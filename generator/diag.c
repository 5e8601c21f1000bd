/*
 * Diagnostics: every stage reports here with the input's line and element,
 * and main.c prints them all at the end, errors and warnings alike.
 */
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
push(struct diags *d, enum severity sev, struct buf *text)
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
	push(d, sev, &b);
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
	push(d, sev, &b);
}

void
diags_print(const struct diags *d, FILE *fp)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		fprintf(fp, "%s\n", d->v[i].text);
	if (d->errors + d->warnings > d->n)
		fprintf(fp, "tlsgen: %zu more findings not shown\n",
		    d->errors + d->warnings - d->n);
}
