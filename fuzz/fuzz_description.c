/*
 * libFuzzer target: one description through every stage that reads it,
 * load -> model -> profiles -> policy -> (stapling decision) -> target
 * versions -> render, as `tlsgen generate --no-cert-check` runs them,
 * minus the write.
 *
 * Why a temp file and not memory: load_description() reads a path (the
 * 64 MiB limit and the error paths live there), so the fuzzer exercises
 * the code users run.  The one file is per process, rewritten for every
 * input and removed at exit; nothing else touches the disk.  Certificates
 * are not read (cert_check_all would open whatever paths the input names),
 * and PATH is emptied so that target_resolve() finds no server to ask:
 * no process per input, and the same result on every machine (the
 * fallback versions, unless the input declares its own).
 *
 * Built and run by `make fuzz FUZZ_SECONDS=N` (see the Makefile).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "tlsgen.h"

#ifndef FUZZ_DATADIR
#define FUZZ_DATADIR "."
#endif

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 tmp_path[PATH_MAX];
static char	 schema[PATH_MAX];
static char	 profdir[PATH_MAX];
static const char *datadir;
static FILE	*sink;

static void
remove_tmp(void)
{
	unlink(tmp_path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmpdir = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if ((datadir = getenv("TLSGEN_DATADIR")) == NULL || *datadir == '\0')
		datadir = FUZZ_DATADIR;
	snprintf(schema, sizeof(schema), "%s/schemas/services.rng", datadir);
	snprintf(profdir, sizeof(profdir), "%s/profiles", datadir);
	snprintf(tmp_path, sizeof(tmp_path), "%s/tlsgen-fuzz.%ld.xml",
	    tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp",
	    (long)getpid());
	atexit(remove_tmp);
	if (setenv("PATH", "/nonexistent", 1) != 0)
		abort();
	/* Diagnostics are formatted and printed, into nothing. */
	if ((sink = fopen("/dev/null", "w")) == NULL)
		abort();
	xmlInitParser();
	return 0;
}

static void
put_input(const uint8_t *data, size_t size)
{
	int	 fd;

	fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size) ||
	    close(fd) == -1) {
		perror(tmp_path);
		abort();
	}
}

/*
 * What must hold of any output, whatever the input: every path stays
 * below the output root (ids become file names) and no file holds a NUL
 * byte.  A violation aborts, so libFuzzer keeps the input.
 */
static void
check_outset(const struct outset *os)
{
	const char	*p;
	size_t		 i;

	for (i = 0; i < os->n; i++) {
		p = os->v[i].path;
		if (*p == '/' || *p == '\0' || strstr(p, "..") != NULL ||
		    strstr(p, "//") != NULL ||
		    p[strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/")] != '\0') {
			fprintf(stderr, "unsafe output path \"%s\"\n", p);
			abort();
		}
		if (os->v[i].data.len > 0 &&
		    memchr(os->v[i].data.data, '\0', os->v[i].data.len)) {
			fprintf(stderr, "%s holds a NUL byte\n", p);
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags	 d;
	struct _xmlDoc	*doc;
	struct model	*m = NULL;
	struct profiles	 ps;
	struct outset	 out;
	struct buf	 mf;
	struct cert_opts co = { .check = false, .warn_days = 21 };
	struct emit_opts eo = { .datadir = datadir,
	    .source_name = "fuzz.xml" };

	put_input(data, size);
	memset(&ps, 0, sizeof(ps));
	memset(&out, 0, sizeof(out));
	buf_init(&mf);
	diags_init(&d, "fuzz.xml");
	if ((doc = load_description(tmp_path, schema, &d)) == NULL)
		goto out;
	if ((m = model_build(doc, &d)) == NULL)
		goto out;
	if (profiles_load(&ps, profdir, &d) != 0)
		abort();	/* the bundled profiles must load */
	if (policy_resolve(m, &ps, &d) != 0)
		goto out;
	cert_decide(m, &co, &d);
	if (target_resolve(m, &d) != 0)
		goto out;
	if (emit_all(m, &eo, &out, &d) != 0)
		goto out;
	check_outset(&out);
	manifest_render(&out, "fuzz.xml", &mf);
out:
	diags_print(&d, sink);
	buf_free(&mf);
	outset_free(&out);
	profiles_free(&ps);
	model_free(m);
	load_free(doc);
	diags_free(&d);
	return 0;
}
