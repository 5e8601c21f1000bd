/*
 * schema_hint.c: when the schema refuses a description, one precise
 * message per mistake, at its line, naming the element, the attribute and
 * the allowed values or the nearest known name.  Each case loads a small
 * description through the real schema (load_description) and compares
 * everything main.c would print (diags_print: sorted by line) exactly.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlsgen.h"
#include "testutil.h"

#define HEAD								\
	"<services xmlns=\"urn:tlsgen:services:1\">\n"		/* 1 */	\
	"  <certificate id=\"web\"><pair cert=\"/c.pem\" "		\
	"key=\"/k.pem\"/></certificate>\n"			/* 2 */
#define WEB_ATTRS							\
	"id=\"www\" server=\"nginx\" certificate=\"web\" "		\
	"listen=\"127.0.0.1\" http-port=\"80\" https-port=\"443\""
#define WEB	"  <web " WEB_ATTRS ">\n"
#define TAIL	"</services>\n"

/* Everything diags_print() writes, as one string (static). */
static const char *
printed(const struct diags *d)
{
	static char	*text;
	size_t		 len;
	FILE		*fp;

	free(text);
	text = NULL;
	fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(fp);
	diags_print(d, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return text;
}

static const struct {
	const char	*what;
	const char	*xml;
	const char	*out;	/* exactly what is printed */
} cases[] = {
	{ "missing required attribute",
	  HEAD
	  "  <web id=\"www\" server=\"nginx\" listen=\"127.0.0.1\" "
	  "http-port=\"80\" https-port=\"443\">\n"		/* 3 */
	  "    <host>example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:3: <web id=\"www\">: missing attribute certificate\n" },

	{ "two missing attributes: one message",
	  HEAD
	  "  <web id=\"www\" server=\"nginx\" certificate=\"web\" "
	  "https-port=\"443\">\n"				/* 3 */
	  "    <host>example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:3: <web id=\"www\">: missing attributes listen, http-port\n" },

	{ "misspelled attribute: no 'missing' besides",
	  HEAD
	  "  <web id=\"www\" server=\"nginx\" certifcate=\"web\" "
	  "listen=\"127.0.0.1\" http-port=\"80\" https-port=\"443\">\n"
	  "    <host>example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:3: <web id=\"www\">: unknown attribute certifcate (did you "
	  "mean certificate?)\n" },

	/* libxml2 gives the element the line its start tag ends on. */
	{ "attributes on the lines they are written on",
	  HEAD
	  "  <web id=\"www\"\n"					/* 3 */
	  "       server=\"Nginx\" certifcate=\"web\"\n"		/* 4 */
	  "       listen=\"127.0.0.1\" http-port=\"80\"\n"		/* 5 */
	  "       https-port=\"443\" sever=\"x\">\n"			/* 6 */
	  "    <host>example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:4: <web id=\"www\">: attribute server=\"Nginx\": not one of "
	  "nginx, apache (did you mean nginx?)\n"
	  "t.xml:4: <web id=\"www\">: unknown attribute certifcate (did you "
	  "mean certificate?)\n"
	  "t.xml:6: <web id=\"www\">: unknown attribute sever; allowed: id, "
	  "certificate, profile, server, listen, http-port, https-port\n" },

	{ "misspelled optional attribute",
	  HEAD
	  "  <policy>\n"
	  "    <session-cache sise=\"10m\"/>\n"			/* 4 */
	  "  </policy>\n" TAIL,
	  "t.xml:4: <session-cache>: unknown attribute sise (did you mean "
	  "size?)\n" },

	{ "unknown attribute, nothing near: the allowed ones",
	  HEAD
	  "  <trust bundle=\"/b.pem\" file=\"/x\"/>\n" TAIL,
	  "t.xml:3: <trust>: unknown attribute file; allowed: bundle\n" },

	{ "attribute in a namespace",
	  HEAD
	  "  <trust xmlns:x=\"urn:x\" x:bundle=\"/x\" bundle=\"/b.pem\"/>\n"
	  TAIL,
	  "t.xml:3: <trust>: unknown attribute x:bundle; allowed: bundle\n" },

	{ "misspelled element <hots>: no 'missing <host>' besides",
	  HEAD WEB
	  "    <hots>example.org</hots>\n"			/* 4 */
	  "  </web>\n" TAIL,
	  "t.xml:4: <web id=\"www\">: unknown element <hots> (did you mean "
	  "<host>?)\n" },

	{ "element in the wrong case",
	  HEAD WEB
	  "    <Host>example.org</Host>\n"			/* 4 */
	  "  </web>\n" TAIL,
	  "t.xml:4: <web id=\"www\">: unknown element <Host> (did you mean "
	  "<host>?)\n" },

	{ "unknown element, nothing near: the allowed ones",
	  HEAD WEB
	  "    <host>example.org</host>\n"
	  "    <alias>www.example.org</alias>\n"		/* 5 */
	  "  </web>\n" TAIL,
	  "t.xml:5: <web id=\"www\">: unknown element <alias>; allowed here: "
	  "<host>, <root>, <proxy>, <hsts>, <ocsp-stapling>, "
	  "<session-cache>, <tls>\n" },

	{ "server=\"Nginx\": the allowed values, the one meant",
	  HEAD
	  "  <web id=\"www\" server=\"Nginx\" certificate=\"web\" "
	  "listen=\"127.0.0.1\" http-port=\"80\" https-port=\"443\">\n"
	  "    <host>example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:3: <web id=\"www\">: attribute server=\"Nginx\": not one of "
	  "nginx, apache (did you mean nginx?)\n" },

	{ "mode=\"Auto\" at its own line",
	  HEAD
	  "  <policy profile=\"intermediate\">\n"
	  "    <hsts max-age=\"63072000\"/>\n"
	  "    <ocsp-stapling mode=\"Auto\"/>\n"		/* 5 */
	  "  </policy>\n" TAIL,
	  "t.xml:5: <ocsp-stapling>: attribute mode=\"Auto\": not one of on, "
	  "off, auto (did you mean auto?)\n" },

	{ "a value far from every allowed one",
	  HEAD WEB
	  "    <host>example.org</host>\n"
	  "    <ocsp-stapling mode=\"sometimes\"/>\n"		/* 5 */
	  "  </web>\n" TAIL,
	  "t.xml:5: <ocsp-stapling>: attribute mode=\"sometimes\": not one of "
	  "on, off, auto\n" },

	{ "the one allowed value",
	  HEAD
	  "  <mail id=\"m\" certificate=\"web\">\n"
	  "    <host>mail.example.org</host>\n"
	  "    <smtp server=\"exim\" listen=\"0.0.0.0\" port=\"25\"/>\n" /* 5 */
	  "  </mail>\n" TAIL,
	  "t.xml:5: <smtp>: attribute server=\"exim\": must be postfix\n" },

	{ "a hostile value is quoted safely and cut short",
	  HEAD
	  "  <web id=\"www\" server=\"n&#10;\\&quot;x"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" "
	  "certificate=\"web\" listen=\"127.0.0.1\" http-port=\"80\" "
	  "https-port=\"443\">\n"				/* 3 */
	  "    <host>example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:3: <web id=\"www\">: attribute server=\"n\\x0a\\x5c\\x22x"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\": "
	  "not one of nginx, apache\n" },

	{ "element in the wrong place: a <pair> in a <web>",
	  HEAD WEB
	  "    <host>example.org</host>\n"
	  "    <pair cert=\"/c.pem\" key=\"/k.pem\"/>\n"	/* 5 */
	  "  </web>\n" TAIL,
	  "t.xml:5: <web id=\"www\">: element <pair> not allowed in <web>; it "
	  "goes in <certificate>\n" },

	{ "element in the wrong place: a <host> at the top",
	  HEAD
	  "  <host>example.org</host>\n" TAIL,			/* 3 */
	  "t.xml:3: <services>: element <host> not allowed in <services>; it "
	  "goes in <web>, <mail>, <xmpp>\n" },

	{ "element in the wrong place: <policy> inside a service",
	  HEAD WEB
	  "    <host>example.org</host>\n"
	  "    <policy profile=\"modern\"/>\n"			/* 5 */
	  "  </web>\n" TAIL,
	  "t.xml:5: <web id=\"www\">: element <policy> not allowed in <web>; "
	  "it goes in <services>\n" },

	{ "missing element",
	  HEAD WEB
	  "    <root>/srv/www</root>\n"
	  "  </web>\n" TAIL,
	  "t.xml:3: <web id=\"www\">: missing element <host>\n" },

	{ "missing element in a certificate",
	  "<services xmlns=\"urn:tlsgen:services:1\">\n"
	  "  <certificate id=\"web\"/>\n" TAIL,			/* 2 */
	  "t.xml:2: <certificate id=\"web\">: missing element <pair>\n" },

	{ "given twice",
	  HEAD WEB
	  "    <host>example.org</host>\n"
	  "    <hsts max-age=\"600\"/>\n"			/* 5 */
	  "    <hsts max-age=\"700\"/>\n"			/* 6 */
	  "  </web>\n" TAIL,
	  "t.xml:6: <web id=\"www\">: <hsts> is already given on line 5\n" },

	{ "alternatives that exclude each other",
	  HEAD WEB
	  "    <host>example.org</host>\n"
	  "    <root>/srv/www</root>\n"				/* 5 */
	  "    <proxy to=\"http://127.0.0.1:8080/\"/>\n"	/* 6 */
	  "  </web>\n" TAIL,
	  "t.xml:6: <web id=\"www\">: <proxy> and <root> (line 5) exclude "
	  "each other\n" },

	{ "text where only elements go",
	  HEAD WEB
	  "    <host>example.org</host>\n"
	  "    www.example.org\n"				/* 5 */
	  "  </web>\n" TAIL,
	  "t.xml:5: <web id=\"www\">: text \"www.example.org\\x0a  \" not "
	  "allowed in <web>\n" },

	{ "an element inside a text-only one",
	  HEAD WEB
	  "    <host><b>example.org</b></host>\n"		/* 4 */
	  "  </web>\n" TAIL,
	  "t.xml:4: <host>: unknown element <b>; <host> takes text only\n" },

	{ "an element inside an empty one",
	  HEAD
	  "  <trust bundle=\"/b.pem\"><b/></trust>\n" TAIL,	/* 3 */
	  "t.xml:3: <trust>: unknown element <b>; <trust> takes no content\n" },

	{ "a service element without the namespace",
	  HEAD
	  "  <web xmlns=\"\" " WEB_ATTRS ">\n"			/* 3 */
	  "    <host>example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:3: <services>: element <web> in no namespace: expected "
	  "xmlns=\"urn:tlsgen:services:1\"\n" },

	{ "the root in another namespace",
	  "<services xmlns=\"urn:tlsgen:services:2\">\n" TAIL,
	  "t.xml:1: <services>: namespace \"urn:tlsgen:services:2\": expected "
	  "xmlns=\"urn:tlsgen:services:1\"\n" },

	{ "the wrong root element",
	  "<service xmlns=\"urn:tlsgen:services:1\">\n</service>\n",
	  "t.xml:1: <service>: the root element must be <services>\n" },

	/* One message per mistake, all of them, in the order of the file. */
	{ "several mistakes in one file",
	  HEAD
	  "  <policy profile=\"intermediate\">\n"		/* 3 */
	  "    <ocsp-stapling mode=\"Auto\"/>\n"		/* 4 */
	  "  </policy>\n"
	  "  <web id=\"www\" server=\"Nginx\" certificate=\"web\" "
	  "listen=\"127.0.0.1\" http-port=\"80\" htps-port=\"443\">\n" /* 6 */
	  "    <hots>example.org</hots>\n"			/* 7 */
	  "  </web>\n"
	  "  <web id=\"b\" server=\"apache\" certificate=\"web\" "
	  "listen=\"127.0.0.1\" http-port=\"80\">\n"		/* 9 */
	  "    <host>b.example.org</host>\n"
	  "  </web>\n" TAIL,
	  "t.xml:4: <ocsp-stapling>: attribute mode=\"Auto\": not one of on, "
	  "off, auto (did you mean auto?)\n"
	  "t.xml:6: <web id=\"www\">: attribute server=\"Nginx\": not one of "
	  "nginx, apache (did you mean nginx?)\n"
	  "t.xml:6: <web id=\"www\">: unknown attribute htps-port (did you "
	  "mean https-port?)\n"
	  "t.xml:7: <web id=\"www\">: unknown element <hots> (did you mean "
	  "<host>?)\n"
	  "t.xml:9: <web id=\"b\">: missing attribute https-port\n" },
};

START_TEST(test_message)
{
	struct diags	 d;
	struct _xmlDoc	*doc;

	doc = tu_load_text(cases[_i].xml, "t.xml", &d);
	ck_assert_msg(doc == NULL, "%s: accepted", cases[_i].what);
	ck_assert_msg(strcmp(printed(&d), cases[_i].out) == 0,
	    "%s:\nexpected:\n%sgot:\n%s", cases[_i].what, cases[_i].out,
	    printed(&d));
	diags_free(&d);
}
END_TEST

/* What the layer accepts, the schema accepts: the reference loads. */
START_TEST(test_reference_quiet)
{
	struct diags	 d;
	struct _xmlDoc	*doc;

	diags_init(&d, "example.org.xml");
	doc = load_description(tu_path("examples/example.org.xml"),
	    tu_schema(), &d);
	ck_assert_msg(doc != NULL, "%s", tu_dump(&d));
	ck_assert_uint_eq(d.n, 0);
	/* Asked anyway, it finds nothing to say about a valid document. */
	ck_assert_uint_eq(schema_hint_check(doc, tu_schema(), &d), 0);
	ck_assert_uint_eq(d.n, 0);
	load_free(doc);
	diags_free(&d);
}
END_TEST

/*
 * What the layer cannot explain (here a data type, in a schema of the
 * test's own) falls back to libxml2's words, still with line and element.
 */
static const char *const typed_rng =
    "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\" "
    "ns=\"urn:t\" "
    "datatypeLibrary=\"http://www.w3.org/2001/XMLSchema-datatypes\">\n"
    "  <start><element name=\"a\"><zeroOrMore><element name=\"b\">"
    "<attribute name=\"n\"><data type=\"integer\"/></attribute>"
    "</element></zeroOrMore></element></start>\n"
    "</grammar>\n";

START_TEST(test_fallback_keeps_line)
{
	struct diags	 d;
	const char	*doc = "<a xmlns=\"urn:t\">\n<b n=\"1\"/>\n"
	    "<b n=\"x\"/>\n</a>\n";
	char		*rng, *xml;

	rng = tu_write_temp(typed_rng, strlen(typed_rng), ".rng");
	xml = tu_write_temp(doc, strlen(doc), ".xml");
	diags_init(&d, "t.xml");
	ck_assert_ptr_null(load_description(xml, rng, &d));
	ck_assert_msg(d.errors >= 1, "no diagnostic");
	ck_assert_msg(strncmp(printed(&d), "t.xml:3: <b>: ", 14) == 0,
	    "not at line 3, <b>:\n%s", printed(&d));
	unlink(rng);
	unlink(xml);
	free(rng);
	free(xml);
	diags_free(&d);
}
END_TEST

/*
 * A schema beyond the layer's reading (a name class here): it steps
 * aside rather than guess, and libxml2's words are shown, with the line.
 */
static const char *const anyname_rng =
    "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\" ns=\"urn:t\">\n"
    "  <start><element name=\"a\"><attribute name=\"x\"/><zeroOrMore>"
    "<element><anyName/><text/></element></zeroOrMore></element></start>\n"
    "</grammar>\n";

START_TEST(test_unsupported_schema_steps_aside)
{
	struct diags	 d;
	const char	*doc = "<a xmlns=\"urn:t\">\n<q/>\n</a>\n";
	char		*rng, *xml;

	rng = tu_write_temp(anyname_rng, strlen(anyname_rng), ".rng");
	xml = tu_write_temp(doc, strlen(doc), ".xml");
	diags_init(&d, "t.xml");
	ck_assert_ptr_null(load_description(xml, rng, &d));
	ck_assert_msg(d.errors >= 1, "no diagnostic");
	ck_assert_msg(strncmp(printed(&d), "t.xml:1: <a>: ", 14) == 0,
	    "not at line 1, <a>:\n%s", printed(&d));
	ck_assert_msg(strstr(printed(&d), "missing attribute") == NULL,
	    "the layer guessed:\n%s", printed(&d));
	unlink(rng);
	unlink(xml);
	free(rng);
	free(xml);
	diags_free(&d);
}
END_TEST

/* "Did you mean": case aside, a few edits at most. */
START_TEST(test_nearest)
{
	const char *const names[] = { "host", "root", "proxy", "hsts" };
	const char *const profiles[] = { "intermediate", "modern", "old" };

	ck_assert_str_eq(diag_nearest("hots", names, 4), "host");
	ck_assert_str_eq(diag_nearest("HOST", names, 4), "host");
	ck_assert_str_eq(diag_nearest("prxy", names, 4), "proxy");
	ck_assert_ptr_null(diag_nearest("alias", names, 4));
	ck_assert_ptr_null(diag_nearest("host", names, 4));
	ck_assert_str_eq(diag_nearest("intermediat", profiles, 3),
	    "intermediate");
	ck_assert_str_eq(diag_nearest("Modern", profiles, 3), "modern");
	ck_assert_ptr_null(diag_nearest("ultra", profiles, 3));
	ck_assert_ptr_null(diag_nearest("x", profiles, 3));
}
END_TEST

/* Printed by line, findings without one first; ties keep their order. */
START_TEST(test_print_sorted)
{
	struct diags	 d;

	diags_init(&d, "t.xml");
	diag_at(&d, SEV_ERROR, 9, "web", "b", "nine");
	diag_at(&d, SEV_WARNING, 3, "web", "a", "three");
	diag_plain(&d, SEV_NOTE, "run");
	diag_at(&d, SEV_ERROR, 3, NULL, NULL, "three again");
	diag_at(&d, SEV_ERROR, 0, NULL, NULL, "file");
	ck_assert_str_eq(printed(&d),
	    "tlsgen: note: run\n"
	    "t.xml: file\n"
	    "t.xml:3: <web id=\"a\">: warning: three\n"
	    "t.xml:3: three again\n"
	    "t.xml:9: <web id=\"b\">: nine\n");
	diags_free(&d);
}
END_TEST

static Suite *
schema_hint_suite(void)
{
	Suite	*s = suite_create("schema_hint");
	TCase	*tc;

	tc = tcase_create("messages");
	tcase_add_loop_test(tc, test_message, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_reference_quiet);
	tcase_add_test(tc, test_fallback_keeps_line);
	tcase_add_test(tc, test_unsupported_schema_steps_aside);
	suite_add_tcase(s, tc);

	tc = tcase_create("diag");
	tcase_add_test(tc, test_nearest);
	tcase_add_test(tc, test_print_sorted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(schema_hint_suite());
}
