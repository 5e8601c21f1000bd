/*
 * Helpers shared by the Check suites (tests/check_*.c): where the data
 * lives, temporary descriptions, and exact matching of diagnostics.
 * Header-only (static inline), so every suite stays one file.
 *
 * Diagnostics are asserted as whole strings, in the form main.c prints:
 * "FILE:LINE: <elem id="x">: message".  Tests name the description "t.xml"
 * in diags_init() and load it from a temporary path, so the expected text
 * does not depend on where the temporary file was made.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlsgen.h"

/* The source tree: the Makefile runs every suite with TLSGEN_DATADIR. */
static inline const char *
tu_datadir(void)
{
	const char	*d = getenv("TLSGEN_DATADIR");

	return d != NULL && *d != '\0' ? d : ".";
}

/* DATADIR/rel, in a static buffer (one at a time is enough). */
static inline const char *
tu_path(const char *rel)
{
	static char	 p[4096];

	snprintf(p, sizeof(p), "%s/%s", tu_datadir(), rel);
	return p;
}

static inline const char *
tu_schema(void)
{
	static char	 p[4096];

	snprintf(p, sizeof(p), "%s/schemas/services.rng", tu_datadir());
	return p;
}

/* Writes text to a new temporary file; the caller unlinks and frees. */
static inline char *
tu_write_temp(const char *text, size_t len, const char *suffix)
{
	char	*path;
	FILE	*fp;
	int	 fd;

	if (asprintf(&path, "/tmp/tlsgen-check-XXXXXX%s", suffix) < 0)
		abort();
	fd = mkstemps(path, (int)strlen(suffix));
	ck_assert_msg(fd != -1, "mkstemps: %s", strerror(errno));
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

/*
 * Loads XML text with the real schema; diagnostics name it `name`.
 * d is initialised here; the caller frees it with diags_free().
 */
static inline struct _xmlDoc *
tu_load_text(const char *xml, const char *name, struct diags *d)
{
	struct _xmlDoc	*doc;
	char		*tmp = tu_write_temp(xml, strlen(xml), ".xml");

	diags_init(d, name);
	doc = load_description(tmp, tu_schema(), d);
	unlink(tmp);
	free(tmp);
	return doc;
}

/* Every diagnostic, one per line, for failure messages. */
static inline const char *
tu_dump(const struct diags *d)
{
	static char	 out[16384];
	size_t		 i, len = 0;

	out[0] = '\0';
	if (d->n == 0)
		return "  (no diagnostics)";
	for (i = 0; i < d->n && len < sizeof(out) - 1; i++) {
		int n = snprintf(out + len, sizeof(out) - len, "  [%s] %s\n",
		    d->v[i].sev == SEV_ERROR ? "error" :
		    d->v[i].sev == SEV_WARNING ? "warning" : "note",
		    d->v[i].text);

		if (n < 0)
			break;
		len += (size_t)n;
	}
	return out;
}

/* profiles/ into ps; a profile the loader refuses fails the test. */
static inline void
tu_load_profiles(struct profiles *ps)
{
	struct diags	 pd;

	diags_init(&pd, NULL);
	ck_assert_msg(profiles_load(ps, tu_path("profiles"), &pd) == 0,
	    "profiles:\n%s", tu_dump(&pd));
	diags_free(&pd);
}

static inline bool
tu_has(const struct diags *d, enum severity sev, const char *text)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && strcmp(d->v[i].text, text) == 0)
			return true;
	return false;
}

static inline bool
tu_contains(const struct diags *d, const char *part)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].text, part) != NULL)
			return true;
	return false;
}

static inline size_t
tu_count(const struct diags *d, enum severity sev)
{
	size_t	 i, k = 0;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev)
			k++;
	return k;
}

/* Exactly this error (or note, warning) among the diagnostics. */
#define ck_assert_error(d, text)					\
	ck_assert_msg(tu_has((d), SEV_ERROR, (text)),			\
	    "expected the error\n  %s\ngot:\n%s", (text), tu_dump(d))
#define ck_assert_warning(d, text)					\
	ck_assert_msg(tu_has((d), SEV_WARNING, (text)),			\
	    "expected the warning\n  %s\ngot:\n%s", (text), tu_dump(d))
#define ck_assert_note(d, text)						\
	ck_assert_msg(tu_has((d), SEV_NOTE, (text)),			\
	    "expected the note\n  %s\ngot:\n%s", (text), tu_dump(d))
/* Exactly n errors. */
#define ck_assert_errors(d, n)						\
	ck_assert_msg((d)->errors == (size_t)(n),			\
	    "expected %d error(s), got %zu:\n%s", (int)(n),		\
	    (d)->errors, tu_dump(d))

/* A value shown safely in a failure message (static buffer, 4 slots). */
static inline const char *
tu_show(const char *s)
{
	static char	 slots[4][160];
	static int	 k;
	char		*out = slots[k++ & 3];
	size_t		 i, n = 0;

	for (i = 0; s[i] != '\0' && n < sizeof(slots[0]) - 8; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			n += (size_t)snprintf(out + n, 8, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	if (s[i] != '\0') {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* Runs one suite the way check_money.c does; non-zero on any failure. */
static inline int
tu_run(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The service with this id, or the test fails. */
static inline const struct service *
tu_service(const struct model *m, const char *id)
{
	size_t	 i;

	for (i = 0; i < m->nsvcs; i++)
		if (strcmp(m->svcs[i].id, id) == 0)
			return &m->svcs[i];
	ck_abort_msg("no service %s", id);
	return NULL;
}

#endif
