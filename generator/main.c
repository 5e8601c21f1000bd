/*
 * The command line, and the one place that prints diagnostics.  Each
 * command runs the pipeline stages it needs, in order, handing each only
 * what it needs; the first stage that fails ends the run with its status.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "tlsgen.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share/tlsgen"
#endif

struct opts {
	const char	*cmd;
	const char	*file;
	const char	*root;
	const char	*outdir;
	const char	*against;
	const char	*datadir;
	const char	*format;
	bool		 no_cert_check;
	bool		 force;
	bool		 strict;
	bool		 tlsa;
	int		 warn_days;
};

/* Everything one run owns, freed in run_free(): one cleanup path. */
struct run {
	struct opts	 o;
	struct diags	 d;
	struct _xmlDoc	*doc;
	struct model	*m;
	struct profiles	 ps;
	struct outset	 out;
	char		 datadir[PATH_MAX];
	char		 schema[PATH_MAX + 64];
	char		 source[256];
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsgen validate FILE\n"
	    "       tlsgen certs FILE [--root DIR] [--strict] "
	    "[--warn-days N] [--format text|json] [--tlsa]\n"
	    "       tlsgen generate FILE -o DIR [--root DIR] "
	    "[--no-cert-check] [--force] [--strict]\n"
	    "       tlsgen diff FILE --against DIR [--root DIR] "
	    "[--no-cert-check] [--force]\n"
	    "       tlsgen policy FILE [--root DIR] [--no-cert-check] "
	    "[--format text|json]\n"
	    "       tlsgen --help | --version\n"
	    "Exit: 0 all good; 1 problems found (a bad certificate, a "
	    "difference);\n"
	    "      2 invalid input or command line, or a file that cannot "
	    "be read.\n");
}

static bool
has_templates(const char *dir)
{
	char		 p[PATH_MAX];
	struct stat	 st;

	if (snprintf(p, sizeof(p), "%s/templates", dir) >= (int)sizeof(p))
		return false;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Data (templates, profiles, schema, client table): --datadir, then
 * $TLSGEN_DATADIR, then beside the binary (a build tree), then
 * <bindir>/../share/tlsgen (an installed tree, also one staged under
 * DESTDIR or moved as a whole), then the DATADIR compiled in, so an
 * installed tlsgen needs no flag.
 */
static int
find_datadir(struct run *r)
{
	const char	*env = getenv("TLSGEN_DATADIR");
	char		 exe[PATH_MAX], up[PATH_MAX], share[PATH_MAX];
	const char	*bindir = NULL;
	ssize_t		 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		bindir = dirname(exe);
		snprintf(up, sizeof(up), "%s", bindir);
		if (snprintf(share, sizeof(share), "%s/share/tlsgen",
		    dirname(up)) >= (int)sizeof(share))
			share[0] = '\0';
	}
	if (r->o.datadir != NULL)
		snprintf(r->datadir, sizeof(r->datadir), "%s", r->o.datadir);
	else if (env != NULL && *env != '\0')
		snprintf(r->datadir, sizeof(r->datadir), "%s", env);
	else if (bindir != NULL && has_templates(bindir))
		snprintf(r->datadir, sizeof(r->datadir), "%s", bindir);
	else if (bindir != NULL && has_templates(share))
		snprintf(r->datadir, sizeof(r->datadir), "%s", share);
	else
		snprintf(r->datadir, sizeof(r->datadir), "%s", DATADIR);
	if (!has_templates(r->datadir)) {
		diag_plain(&r->d, SEV_ERROR, "%s: no templates here (set "
		    "TLSGEN_DATADIR)", r->datadir);
		return -1;
	}
	snprintf(r->schema, sizeof(r->schema), "%s/schemas/services.rng",
	    r->datadir);
	return 0;
}

/* The description's name as generated files cite it: a safe basename. */
static void
source_name(struct run *r)
{
	char	 copy[PATH_MAX], *b, *p;

	snprintf(copy, sizeof(copy), "%s", r->o.file);
	b = basename(copy);
	snprintf(r->source, sizeof(r->source), "%s", b);
	for (p = r->source; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			*p = '_';
}

/* load -> model -> policy: what every command needs. */
static int
stage_model(struct run *r)
{
	if (find_datadir(r) != 0)
		return EXIT_INVALID;
	if ((r->doc = load_description(r->o.file, r->schema, &r->d)) == NULL)
		return EXIT_INVALID;
	r->m = model_build(r->doc, &r->d);
	/* The model owns copies of everything: the DOM goes now. */
	load_free(r->doc);
	r->doc = NULL;
	if (r->m == NULL)
		return EXIT_INVALID;
	{
		char	 dir[PATH_MAX + 64];

		snprintf(dir, sizeof(dir), "%s/profiles", r->datadir);
		if (profiles_load(&r->ps, dir, &r->d) != 0)
			return EXIT_INVALID;
	}
	if (policy_resolve(r->m, &r->ps, &r->d) != 0)
		return EXIT_INVALID;
	return EXIT_OK;
}

static int
stage_certs(struct run *r, bool check)
{
	struct cert_opts co = {
		.root = r->o.root,
		.check = check,
		.warn_days = r->o.warn_days,
		.strict = r->o.strict,
	};

	if (check && cert_check_all(r->m, &co, &r->d) != 0)
		return EXIT_FINDINGS;
	cert_decide(r->m, &co, &r->d);
	if (r->o.strict && r->d.warnings > 0)
		return EXIT_FINDINGS;
	return EXIT_OK;
}

static int
stage_emit(struct run *r)
{
	struct emit_opts eo = {
		.datadir = r->datadir,
		.source_name = r->source,
	};

	if (target_resolve(r->m, &r->d) != 0)
		return EXIT_INVALID;
	return emit_all(r->m, &eo, &r->out, &r->d) == 0 ? EXIT_OK :
	    EXIT_INVALID;
}

static int
cmd_validate(struct run *r)
{
	return stage_model(r);
}

/*
 * Findings go to stderr with every other diagnostic; stdout carries the
 * report: one line per pair for people, one JSON object for machines, or
 * with --tlsa the DANE records alone (ready for a zone file).
 */
static int
cmd_certs(struct run *r)
{
	struct cert_opts co = {
		.root = r->o.root,
		.check = true,
		.warn_days = r->o.warn_days,
		.strict = r->o.strict,
	};
	struct buf	 out;
	int		 rc;

	buf_init(&out);
	if ((rc = stage_model(r)) != EXIT_OK)
		goto out;
	co.report = cert_report_new();
	rc = cert_check_all(r->m, &co, &r->d) == 0 ? EXIT_OK : EXIT_FINDINGS;
	if (strcmp(r->o.format, "json") == 0)
		cert_report_json(co.report, &out);
	else if (r->o.tlsa)
		cert_report_tlsa(co.report, &out);
	else
		cert_report_text(co.report, &out);
	if (out.len > 0 && (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0)) {
		diag_plain(&r->d, SEV_ERROR, "cannot write the report: %s",
		    strerror(errno));
		rc = EXIT_INVALID;
	}
out:
	cert_report_free(co.report);
	buf_free(&out);
	return rc;
}

static int
cmd_generate(struct run *r)
{
	struct output_opts oo = {
		.force = r->o.force,
		.strict = r->o.strict,
	};
	int	 rc;

	if ((rc = stage_model(r)) != EXIT_OK)
		return rc;
	if ((rc = stage_certs(r, !r->o.no_cert_check)) != EXIT_OK)
		return rc;
	if ((rc = stage_emit(r)) != EXIT_OK)
		return rc;
	/* 1: an edited file was not replaced; nothing was written. */
	rc = output_write(r->o.outdir, &r->out, r->source, &oo, &r->d);
	return rc == 0 ? EXIT_OK : rc > 0 ? EXIT_FINDINGS : EXIT_INVALID;
}

/*
 * What generate would change, shown and not done: the same stages, then
 * a diff against the root instead of the write (0 same, 1 would change).
 */
static int
cmd_diff(struct run *r)
{
	struct output_opts oo = {
		.force = r->o.force,
		.strict = r->o.strict,
	};
	int	 rc;

	if ((rc = stage_model(r)) == EXIT_OK &&
	    (rc = stage_certs(r, !r->o.no_cert_check)) == EXIT_OK &&
	    (rc = stage_emit(r)) == EXIT_OK)
		rc = output_diff(r->o.against, &r->out, r->source, &oo,
		    stdout, &r->d);
	return rc;
}

/*
 * Who the policy serves: each distinct effective policy as OpenSSL expands
 * it, judged against the client table.  Key types come from the
 * certificates when they can be read (quietly: this is not `certs`), else
 * from the profiles, and the report says which.
 */
static int
cmd_policy(struct run *r)
{
	struct cert_opts co = {
		.root = r->o.root,
		.check = true,
		.warn_days = r->o.warn_days,
	};
	struct report_opts ro = {
		.source = r->source,
		.json = strcmp(r->o.format, "json") == 0,
	};
	struct clients	 cl;
	struct diags	 quiet;
	struct buf	 out;
	char		 path[PATH_MAX + 64];
	int		 rc;

	if ((rc = stage_model(r)) != EXIT_OK)
		return rc;
	if (!r->o.no_cert_check) {
		diags_init(&quiet, r->o.file);
		(void)cert_check_all(r->m, &co, &quiet);
		diags_free(&quiet);
	}
	snprintf(path, sizeof(path), "%s/data/clients.tsv", r->datadir);
	if (clients_load(&cl, path, &r->d) != 0)
		return EXIT_INVALID;
	buf_init(&out);
	rc = EXIT_INVALID;
	if (report_policy(r->m, &cl, &ro, &out, &r->d) == 0 &&
	    fwrite(out.data, 1, out.len, stdout) == out.len &&
	    fflush(stdout) == 0)
		rc = EXIT_OK;
	buf_free(&out);
	clients_free(&cl);
	return rc;
}

static const struct command {
	const char	*name;
	int		(*fn)(struct run *);
} commands[] = {
	{ "validate", cmd_validate },
	{ "certs", cmd_certs },
	{ "generate", cmd_generate },
	{ "diff", cmd_diff },
	{ "policy", cmd_policy },
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "against", required_argument, NULL, 'a' },
		{ "datadir", required_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "no-cert-check", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'F' },
		{ "strict", no_argument, NULL, 's' },
		{ "tlsa", no_argument, NULL, 't' },
		{ "warn-days", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;
	char	*end;
	long	 v;

	memset(o, 0, sizeof(*o));
	o->warn_days = 21;
	o->format = "text";
	while ((ch = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': o->root = optarg; break;
		case 'o': o->outdir = optarg; break;
		case 'a': o->against = optarg; break;
		case 'D': o->datadir = optarg; break;
		case 'f': o->format = optarg; break;
		case 'n': o->no_cert_check = true; break;
		case 'F': o->force = true; break;
		case 's': o->strict = true; break;
		case 't': o->tlsa = true; break;
		case 'w':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v > 3650)
				return -1;
			o->warn_days = (int)v;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("tlsgen %s\n", TLSGEN_VERSION);
			exit(EXIT_OK);
		default:
			return -1;
		}
		/* Options may follow the FILE: restart after positionals. */
	}
	return 0;
}

/* getopt with '+' stops at the first operand; gather operands anywhere. */
static int
parse_all(int argc, char **argv, struct opts *o)
{
	char	**rest = calloc((size_t)argc + 1, sizeof(*rest));
	char	*pos[2] = { NULL, NULL };
	int	 n = 0, np = 0, i, rc = -1;

	if (rest == NULL)
		abort();
	rest[n++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rest[n++] = argv[i];
			if (strchr(argv[i], '=') == NULL &&
			    (strcmp(argv[i], "-o") == 0 ||
			    strcmp(argv[i], "--root") == 0 ||
			    strcmp(argv[i], "--output") == 0 ||
			    strcmp(argv[i], "--against") == 0 ||
			    strcmp(argv[i], "--datadir") == 0 ||
			    strcmp(argv[i], "--format") == 0 ||
			    strcmp(argv[i], "--warn-days") == 0) &&
			    i + 1 < argc)
				rest[n++] = argv[++i];
		} else if (np < 2)
			pos[np++] = argv[i];
		else
			goto out;
	}
	if (parse_args(n, rest, o) != 0)
		goto out;
	o->cmd = pos[0];
	o->file = pos[1];
	rc = 0;
out:
	free(rest);
	return rc;
}

static int
check_args(const struct opts *o)
{
	if (o->cmd == NULL || o->file == NULL)
		return -1;
	if (strcmp(o->cmd, "generate") == 0 && o->outdir == NULL)
		return -1;
	if (strcmp(o->cmd, "diff") == 0 && o->against == NULL)
		return -1;
	if (strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
		return -1;
	return 0;
}

static void
quiet_xml(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static void
run_free(struct run *r)
{
	outset_free(&r->out);
	profiles_free(&r->ps);
	model_free(r->m);
	load_free(r->doc);
	diags_free(&r->d);
}

int
main(int argc, char **argv)
{
	struct run	 r;
	size_t		 i;
	int		 rc = EXIT_INVALID;

	memset(&r, 0, sizeof(r));
	if (parse_all(argc, argv, &r.o) != 0 || check_args(&r.o) != 0) {
		usage(stderr);
		return EXIT_INVALID;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, r.o.cmd) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		fprintf(stderr, "tlsgen: unknown command \"%s\"\n", r.o.cmd);
		usage(stderr);
		return EXIT_INVALID;
	}
	xmlInitParser();
	/*
	 * libxml2's unstructured messages (encoding and I/O notes) would go
	 * straight to stderr; every error that matters reaches the
	 * diagnostics through the structured handlers in load.c.
	 */
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	diags_init(&r.d, r.o.file);
	source_name(&r);
	rc = commands[i].fn(&r);
	diags_print(&r.d, stderr);
	if (rc == EXIT_OK && r.d.errors > 0)
		rc = EXIT_INVALID;
	run_free(&r);
	xmlCleanupParser();
	return rc;
}
