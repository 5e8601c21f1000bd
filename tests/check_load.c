/*
 * load.c: one description in, through the real schema.  The reference
 * loads; every hostile input (tests/data/hostile/) is refused with a
 * diagnostic, quickly, and without the parser reading anything outside the
 * file: a FIFO stands in for the local file (opening it would block the
 * test until Check's timeout) and a listening socket for the network (a
 * fetch would leave a connection to accept).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tlsgen.h"
#include "testutil.h"

#define DOCTYPE_REFUSED "a DOCTYPE is not allowed in a description (no " \
	"DTDs, entities or external references)"
#define XI_REFUSED "foreign element <xi:include> (namespace " \
	"\"http://www.w3.org/2001/XInclude\") not allowed here"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* tests/data/hostile/NAME, with diagnostics naming it NAME. */
static struct _xmlDoc *
load_hostile(const char *name, struct diags *d, double *secs)
{
	char		 rel[256];
	struct _xmlDoc	*doc;
	double		 t0 = now();

	snprintf(rel, sizeof(rel), "tests/data/hostile/%s", name);
	diags_init(d, name);
	doc = load_description(tu_path(rel), tu_schema(), d);
	if (secs != NULL)
		*secs = now() - t0;
	return doc;
}

/* The first line of /etc/passwd, which must never reach a diagnostic. */
static void
assert_no_passwd(const struct diags *d)
{
	char	 line[256] = "root:x:0:0:";
	FILE	*fp = fopen("/etc/passwd", "r");
	size_t	 i;

	if (fp != NULL) {
		if (fgets(line, sizeof(line), fp) != NULL)
			line[strcspn(line, "\n")] = '\0';
		fclose(fp);
	}
	for (i = 0; i < d->n; i++) {
		ck_assert_msg(strstr(d->v[i].text, line) == NULL,
		    "/etc/passwd leaked into: %s", d->v[i].text);
		ck_assert_msg(strstr(d->v[i].text, "root:") == NULL,
		    "/etc/passwd leaked into: %s", d->v[i].text);
		ck_assert_msg(strstr(d->v[i].text, "/bin/") == NULL,
		    "/etc/passwd leaked into: %s", d->v[i].text);
	}
}

/* ---- the reference ----------------------------------------------------- */

START_TEST(test_reference_loads)
{
	struct diags	 d;
	struct _xmlDoc	*doc;

	diags_init(&d, "examples/example.org.xml");
	doc = load_description(tu_path("examples/example.org.xml"),
	    tu_schema(), &d);
	ck_assert_msg(doc != NULL, "the reference is refused:\n%s",
	    tu_dump(&d));
	ck_assert_msg(d.n == 0, "diagnostics on the reference:\n%s",
	    tu_dump(&d));
	load_free(doc);
	diags_free(&d);
}
END_TEST

START_TEST(test_minimal_loads)
{
	struct diags	 d;
	struct _xmlDoc	*doc;

	doc = tu_load_text("<services xmlns=\"urn:tlsgen:services:1\"/>",
	    "t.xml", &d);
	ck_assert_msg(doc != NULL, "%s", tu_dump(&d));
	ck_assert_errors(&d, 0);
	load_free(doc);
	diags_free(&d);
}
END_TEST

/* ---- stored hostile inputs ---------------------------------------------- */

static const struct {
	const char	*file;
	const char	*error;	/* one exact diagnostic expected */
} hostile[] = {
	{ "xxe-file.xml", "xxe-file.xml:3: " DOCTYPE_REFUSED },
	{ "xxe-parameter.xml", "xxe-parameter.xml:3: " DOCTYPE_REFUSED },
	{ "xxe-attribute.xml", "xxe-attribute.xml:3: " DOCTYPE_REFUSED },
	{ "dtd-network.xml", "dtd-network.xml:3: " DOCTYPE_REFUSED },
	{ "dtd-defaults.xml", "dtd-defaults.xml:3: " DOCTYPE_REFUSED },
	{ "billion-laughs.xml", "billion-laughs.xml:3: " DOCTYPE_REFUSED },
	{ "xinclude.xml", "xinclude.xml:7: <services>: " XI_REFUSED },
	{ "xinclude-host.xml", "xinclude-host.xml:8: <host>: foreign element "
	    "<xi:include> (namespace \"http://www.w3.org/2001/XInclude\") not "
	    "allowed; <host> takes text only" },
	{ "foreign-element.xml", "foreign-element.xml:6: <services>: unknown "
	    "element <include>; allowed here: <policy>, <trust>, <layout>, "
	    "<target>, <certificate>, <web>, <mail>, <xmpp>" },
	{ "wrong-namespace.xml", "wrong-namespace.xml:2: <services>: no "
	    "namespace: add xmlns=\"urn:tlsgen:services:1\"" },
	{ "not-well-formed.xml", "not-well-formed.xml:5: Opening and ending "
	    "tag mismatch: certificate line 3 and certificat" },
	{ "undefined-entity.xml", "undefined-entity.xml:3: Entity 'passwd' "
	    "not defined" },
};

START_TEST(test_hostile_refused)
{
	struct diags	 d;
	struct _xmlDoc	*doc;
	double		 secs;

	doc = load_hostile(hostile[_i].file, &d, &secs);
	ck_assert_msg(doc == NULL, "%s was accepted", hostile[_i].file);
	ck_assert_msg(d.errors >= 1, "%s: refused without a diagnostic",
	    hostile[_i].file);
	ck_assert_error(&d, hostile[_i].error);
	ck_assert_msg(secs < 2.0, "%s took %.2f s", hostile[_i].file, secs);
	assert_no_passwd(&d);
	diags_free(&d);
}
END_TEST

/* A DOCTYPE is refused once, not once per declaration inside it. */
START_TEST(test_doctype_one_diagnostic)
{
	struct diags	 d;

	ck_assert_ptr_null(load_hostile("billion-laughs.xml", &d, NULL));
	ck_assert_errors(&d, 1);
	diags_free(&d);
	ck_assert_ptr_null(load_hostile("xxe-file.xml", &d, NULL));
	ck_assert_errors(&d, 1);
	diags_free(&d);
}
END_TEST

/* ---- nothing is read: local files --------------------------------------- */

struct fifo {
	char	 dir[64];
	char	 path[96];
};

static void
fifo_make(struct fifo *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/tlsgen-check-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/secret", f->dir);
	ck_assert_int_eq(mkfifo(f->path, 0600), 0);
}

static void
fifo_remove(struct fifo *f)
{
	unlink(f->path);
	rmdir(f->dir);
}

/*
 * Each template names the FIFO with %s.  If the parser opened it, open()
 * would block (no writer) until the test's timeout fails it; xmllint
 * --noent or --xinclude on the same documents does hang.
 */
static const char *const fifo_docs[] = {
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE services [<!ENTITY x SYSTEM \"file://%s\">]>\n"
	"<services xmlns=\"urn:tlsgen:services:1\"><web>&x;</web>"
	"</services>\n",

	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE services [<!ENTITY %% x SYSTEM \"%s\"> %%x;]>\n"
	"<services xmlns=\"urn:tlsgen:services:1\"/>\n",

	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE services SYSTEM \"%s\">\n"
	"<services xmlns=\"urn:tlsgen:services:1\"/>\n",

	"<?xml version=\"1.0\"?>\n"
	"<services xmlns=\"urn:tlsgen:services:1\" "
	"xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
	"  <xi:include href=\"%s\" parse=\"text\"/>\n"
	"</services>\n",
};

START_TEST(test_local_file_never_opened)
{
	struct fifo	 f;
	struct diags	 d;
	struct _xmlDoc	*doc;
	char		 xml[1024];

	fifo_make(&f);
	snprintf(xml, sizeof(xml), fifo_docs[_i], f.path);
	doc = tu_load_text(xml, "t.xml", &d);
	fifo_remove(&f);
	ck_assert_msg(doc == NULL, "accepted:\n%s", xml);
	ck_assert_msg(d.errors >= 1, "refused without a diagnostic");
	if (_i < 3)
		ck_assert_error(&d, "t.xml:2: " DOCTYPE_REFUSED);
	else
		ck_assert_error(&d, "t.xml:3: <services>: " XI_REFUSED);
	diags_free(&d);
}
END_TEST

/* ---- nothing is read: the network --------------------------------------- */

static int
listener(uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t	 len = sizeof(sin);
	int		 fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(fd, -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static const char *const net_docs[] = {
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE services SYSTEM \"http://127.0.0.1:%u/x.dtd\">\n"
	"<services xmlns=\"urn:tlsgen:services:1\"/>\n",

	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE services PUBLIC \"-//x//y//EN\" "
	"\"http://127.0.0.1:%u/x.dtd\">\n"
	"<services xmlns=\"urn:tlsgen:services:1\"/>\n",

	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE services [<!ENTITY x SYSTEM \"http://127.0.0.1:%u/x\">]>\n"
	"<services xmlns=\"urn:tlsgen:services:1\"><web>&x;</web>"
	"</services>\n",

	"<?xml version=\"1.0\"?>\n"
	"<services xmlns=\"urn:tlsgen:services:1\" "
	"xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
	"  <xi:include href=\"http://127.0.0.1:%u/x\" parse=\"text\"/>\n"
	"</services>\n",
};

START_TEST(test_network_never_used)
{
	struct diags	 d;
	struct _xmlDoc	*doc;
	uint16_t	 port;
	char		 xml[1024];
	double		 t0;
	int		 fd, c;

	fd = listener(&port);
	snprintf(xml, sizeof(xml), net_docs[_i], port);
	t0 = now();
	doc = tu_load_text(xml, "t.xml", &d);
	ck_assert_msg(now() - t0 < 2.0, "took %.2f s", now() - t0);
	ck_assert_msg(doc == NULL, "accepted:\n%s", xml);
	ck_assert_msg(d.errors >= 1, "refused without a diagnostic");
	/* A fetch would have completed its handshake by now. */
	c = accept(fd, NULL, NULL);
	ck_assert_msg(c == -1 && (errno == EAGAIN || errno == EWOULDBLOCK),
	    "the parser connected to 127.0.0.1:%u", port);
	close(fd);
	diags_free(&d);
}
END_TEST

/* The stored file names the discard port: refused at once all the same. */
START_TEST(test_network_dtd_quick)
{
	struct diags	 d;
	double		 secs;

	ck_assert_ptr_null(load_hostile("dtd-network.xml", &d, &secs));
	ck_assert_msg(secs < 1.0, "took %.2f s", secs);
	ck_assert_error(&d, "dtd-network.xml:3: " DOCTYPE_REFUSED);
	diags_free(&d);
}
END_TEST

/* ---- files that cannot be read ------------------------------------------ */

START_TEST(test_missing_file)
{
	struct diags	 d;

	diags_init(&d, "t.xml");
	ck_assert_ptr_null(load_description("/nonexistent/tlsgen/t.xml",
	    tu_schema(), &d));
	ck_assert_errors(&d, 1);
	ck_assert_error(&d, "t.xml: cannot read: No such file or directory");
	diags_free(&d);
}
END_TEST

/* More than 1000 hosts in one service: refused before the schema runs. */
START_TEST(test_too_many_hosts)
{
	struct diags	 d;
	struct buf	 b;
	int		 i;

	buf_init(&b);
	buf_adds(&b, "<services xmlns=\"urn:tlsgen:services:1\">\n"
	    "<certificate id=\"c\"><pair cert=\"/c\" key=\"/k\"/>"
	    "</certificate>\n<web id=\"w\" server=\"nginx\" certificate=\"c\" "
	    "listen=\"127.0.0.1\" http-port=\"80\" https-port=\"443\">\n");
	for (i = 0; i < 1001; i++)
		buf_printf(&b, "<host>h%d.example.org</host>", i);
	buf_adds(&b, "\n</web>\n</services>\n");
	diags_init(&d, "t.xml");
	ck_assert_ptr_null(tu_load_text(b.data, "t.xml", &d));
	ck_assert_errors(&d, 1);
	ck_assert_error(&d, "t.xml:3: <web id=\"w\">: 1001 <host> elements: "
	    "at most 1000 per service (split the service)");
	diags_free(&d);
	buf_free(&b);
}
END_TEST

/* A FIFO would block an ordinary open until a writer comes: refused. */
START_TEST(test_fifo)
{
	struct diags	 d;
	char		 path[] = "/tmp/tlsgen-check-fifoXXXXXX";
	int		 fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	close(fd);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	diags_init(&d, "t.xml");
	ck_assert_ptr_null(load_description(path, tu_schema(), &d));
	ck_assert_errors(&d, 1);
	ck_assert_error(&d, "t.xml: cannot read: not a regular file");
	diags_free(&d);
	unlink(path);
}
END_TEST

START_TEST(test_directory)
{
	struct diags	 d;

	diags_init(&d, "t.xml");
	ck_assert_ptr_null(load_description("/tmp", tu_schema(), &d));
	ck_assert_errors(&d, 1);
	ck_assert_error(&d, "t.xml: cannot read: not a regular file");
	diags_free(&d);
}
END_TEST

START_TEST(test_empty_file)
{
	struct diags	 d;

	ck_assert_ptr_null(tu_load_text("", "t.xml", &d));
	ck_assert_msg(d.errors >= 1, "refused without a diagnostic");
	diags_free(&d);
}
END_TEST

START_TEST(test_too_large)
{
	struct diags	 d;
	char		*path;
	int		 fd;

	path = tu_write_temp("", 0, ".xml");
	fd = open(path, O_WRONLY);
	ck_assert_int_ne(fd, -1);
	/* Sparse: 64 MiB and one byte, no disk used. */
	ck_assert_int_eq(ftruncate(fd, 64 * 1024 * 1024 + 1), 0);
	close(fd);
	diags_init(&d, "t.xml");
	ck_assert_ptr_null(load_description(path, tu_schema(), &d));
	unlink(path);
	free(path);
	ck_assert_errors(&d, 1);
	ck_assert_error(&d, "t.xml: description larger than 64 MiB: refused");
	diags_free(&d);
}
END_TEST

START_TEST(test_bad_schema_path)
{
	struct diags	 d;

	diags_init(&d, "t.xml");
	ck_assert_ptr_null(load_description(tu_path(
	    "examples/example.org.xml"), "/nonexistent/services.rng", &d));
	ck_assert_errors(&d, 1);
	ck_assert_error(&d, "tlsgen: /nonexistent/services.rng: cannot load "
	    "the schema");
	diags_free(&d);
}
END_TEST

/* Schema errors carry the line and the element. */
START_TEST(test_schema_errors)
{
	struct diags	 d;

	ck_assert_ptr_null(tu_load_text(
	    "<?xml version=\"1.0\"?>\n"
	    "<services xmlns=\"urn:tlsgen:services:1\">\n"
	    "  <certificate id=\"web\">\n"
	    "    <pair cert=\"/a\" key=\"/b\"/>\n"
	    "  </certificate>\n"
	    "  <web id=\"www\" server=\"lighttpd\" certificate=\"web\" "
	    "listen=\"127.0.0.1\" http-port=\"80\" https-port=\"443\">\n"
	    "    <host>example.org</host>\n"
	    "  </web>\n"
	    "</services>\n", "t.xml", &d));
	ck_assert_msg(d.errors >= 1, "refused without a diagnostic");
	ck_assert_msg(tu_contains(&d, "t.xml:6: <web id=\"www\">: "),
	    "no diagnostic at line 6 naming <web id=\"www\">:\n%s",
	    tu_dump(&d));
	diags_free(&d);
}
END_TEST

static Suite *
load_suite(void)
{
	Suite	*s = suite_create("load");
	TCase	*tc;

	tc = tcase_create("reference");
	tcase_add_test(tc, test_reference_loads);
	tcase_add_test(tc, test_minimal_loads);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_hostile_refused, 0,
	    (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, test_doctype_one_diagnostic);
	tcase_add_loop_test(tc, test_local_file_never_opened, 0,
	    (int)(sizeof(fifo_docs) / sizeof(fifo_docs[0])));
	tcase_add_loop_test(tc, test_network_never_used, 0,
	    (int)(sizeof(net_docs) / sizeof(net_docs[0])));
	tcase_add_test(tc, test_network_dtd_quick);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_fifo);
	tcase_add_test(tc, test_too_many_hosts);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_bad_schema_path);
	tcase_add_test(tc, test_schema_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(load_suite());
}
