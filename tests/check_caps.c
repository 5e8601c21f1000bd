/*
 * caps.c: the version ranges tlsgen writes for, and what each version can
 * do.  Every row that changes output is proven here twice: by the table's
 * answer on both sides of its boundary, and by the files generate makes
 * for a <target> on each side (through model, policy, target and emit, as
 * main.c runs them).  Versions outside the proven ranges are refused at
 * the <target> line, naming the ranges.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tlsgen.h"
#include "testutil.h"

#define V(a, b, c)	SRV_VERSION(a, b, c)

#define HEAD								\
	"<?xml version=\"1.0\"?>\n"					\
	"<services xmlns=\"urn:tlsgen:services:1\" domain=\"example.org\">\n"
/* Line 3: the target; then one service of each server. */
#define BODY								\
	"  <policy profile=\"intermediate\">\n"				\
	"    <session-cache size=\"10m\" timeout=\"3600\" tickets=\"%s\"/>\n" \
	"  </policy>\n"							\
	"  <certificate id=\"c\">\n"					\
	"    <pair cert=\"/etc/ssl/e.pem\" key=\"/etc/ssl/e.key\"/>\n"	\
	"    <pair cert=\"/etc/ssl/r.pem\" key=\"/etc/ssl/r.key\"/>\n"	\
	"  </certificate>\n"						\
	"  <web id=\"www\" server=\"nginx\" certificate=\"c\" "		\
	"listen=\"192.0.2.10\" http-port=\"80\" https-port=\"443\">\n"	\
	"    <host>www.example.org</host><root>/srv/www</root>\n"	\
	"  </web>\n"							\
	"  <mail id=\"mail\" certificate=\"c\">\n"			\
	"    <host>mail.example.org</host>\n"				\
	"    <smtp server=\"postfix\" listen=\"192.0.2.11\" port=\"25\"/>\n" \
	"    <imap server=\"dovecot\" listen=\"192.0.2.11\" port=\"143\"/>\n" \
	"  </mail>\n"							\
	"  <xmpp id=\"chat\" server=\"ejabberd\" certificate=\"c\" "	\
	"listen=\"192.0.2.12\" c2s-port=\"5222\">\n"			\
	"    <host>example.org</host>\n"				\
	"  </xmpp>\n"							\
	"</services>\n"

static struct profiles	 PS;
static struct diags	 D;
static struct _xmlDoc	*DOC;
static struct model	*M;
static struct outset	 OUT;

static void
setup(void)
{
	tu_load_profiles(&PS);
	memset(&D, 0, sizeof(D));
	memset(&OUT, 0, sizeof(OUT));
	DOC = NULL;
	M = NULL;
}

static void
teardown(void)
{
	outset_free(&OUT);
	model_free(M);
	load_free(DOC);
	diags_free(&D);
	profiles_free(&PS);
}

/*
 * generate for a <target> element (the whole element, or "" for none):
 * 0 when every stage succeeds, else non-zero with D holding why.
 */
static int
generate(const char *target, bool tickets)
{
	struct cert_opts co = { .check = false };
	struct emit_opts eo = { .datadir = tu_datadir(),
	    .source_name = "t.xml" };
	char	*xml;

	if (asprintf(&xml, HEAD "  %s\n" BODY, target,
	    tickets ? "true" : "false") < 0)
		abort();
	DOC = tu_load_text(xml, "t.xml", &D);
	ck_assert_msg(DOC != NULL, "schema refused:\n%s\n%s", xml, tu_dump(&D));
	free(xml);
	if ((M = model_build(DOC, &D)) == NULL)
		return -1;
	if (policy_resolve(M, &PS, &D) != 0)
		return -1;
	cert_decide(M, &co, &D);
	if (target_resolve(M, &D) != 0)
		return -1;
	return emit_all(M, &eo, &OUT, &D);
}

static void
generate_ok(const char *target, bool tickets)
{
	ck_assert_msg(generate(target, tickets) == 0, "refused:\n%s",
	    tu_dump(&D));
	ck_assert_errors(&D, 0);
}

/* The text of one generated file. */
static const char *
file(const char *path)
{
	size_t	 i;

	for (i = 0; i < OUT.n; i++)
		if (strcmp(OUT.v[i].path, path) == 0) {
			buf_addc(&OUT.v[i].data, '\0');
			OUT.v[i].data.len--;
			return OUT.v[i].data.data;
		}
	ck_abort_msg("no file %s", path);
	return NULL;
}

#define ck_assert_in(path, text)					\
	ck_assert_msg(strstr(file(path), (text)) != NULL,		\
	    "%s lacks \"%s\"", (path), tu_show(text))
#define ck_assert_not_in(path, text)					\
	ck_assert_msg(strstr(file(path), (text)) == NULL,		\
	    "%s has \"%s\"", (path), tu_show(text))

#define NGINX	"etc/nginx/nginx.conf"
#define SITE	"etc/nginx/tlsgen/www.conf"
#define MAINCF	"etc/postfix/main.cf"
#define DOVECOT	"etc/dovecot/dovecot.conf"
#define EJ	"etc/ejabberd/ejabberd.yml"

/* ---- the ranges ---------------------------------------------------------- */

START_TEST(test_proven_ranges)
{
	/* Debian 12's and Debian 13's versions, and the edges. */
	ck_assert(caps_proven(SRV_NGINX, V(1, 22, 1)));
	ck_assert(caps_proven(SRV_NGINX, V(1, 26, 3)));
	ck_assert(!caps_proven(SRV_NGINX, V(1, 18, 0)));
	ck_assert(!caps_proven(SRV_NGINX, V(1, 27, 0)));
	ck_assert(caps_proven(SRV_APACHE, V(2, 4, 62)));
	ck_assert(caps_proven(SRV_APACHE, V(2, 4, 71)));
	ck_assert(!caps_proven(SRV_APACHE, V(2, 2, 34)));
	ck_assert(caps_proven(SRV_POSTFIX, V(3, 7, 5)));
	ck_assert(caps_proven(SRV_POSTFIX, V(3, 10, 13)));
	ck_assert(!caps_proven(SRV_POSTFIX, V(3, 4, 0)));
	ck_assert(!caps_proven(SRV_POSTFIX, V(3, 11, 0)));
	ck_assert(caps_proven(SRV_DOVECOT, V(2, 3, 19)));
	ck_assert(caps_proven(SRV_DOVECOT, V(2, 4, 1)));
	ck_assert(!caps_proven(SRV_DOVECOT, V(2, 2, 36)));
	ck_assert(!caps_proven(SRV_DOVECOT, V(2, 5, 0)));
	ck_assert(caps_proven(SRV_EJABBERD, V(23, 1, 0)));
	ck_assert(caps_proven(SRV_EJABBERD, V(24, 12, 0)));
	ck_assert(!caps_proven(SRV_EJABBERD, V(21, 1, 0)));
	ck_assert(!caps_proven(SRV_EJABBERD, V(25, 4, 0)));
}
END_TEST

START_TEST(test_series)
{
	/* A series without its patch release: its oldest proven one. */
	generate_ok("<target apache=\"2.4\" dovecot=\"2.3\" nginx=\"1.22\" "
	    "postfix=\"3.7\"/>", false);
	ck_assert_int_eq(M->target.server[SRV_APACHE], V(2, 4, 57));
	ck_assert_int_eq(M->target.server[SRV_DOVECOT], V(2, 3, 19));
	ck_assert_int_eq(M->target.server[SRV_NGINX], V(1, 22, 0));
	ck_assert_int_eq(M->target.server[SRV_POSTFIX], V(3, 7, 0));
	ck_assert_in(DOVECOT, "for Dovecot 2.3.19.");
	ck_assert_int_eq(caps_series_floor(SRV_DOVECOT, V(2, 2, 0)), 0);
}
END_TEST

START_TEST(test_refused_at_target)
{
	ck_assert(generate("<target nginx=\"1.18\" dovecot=\"2.2.36\" "
	    "postfix=\"3.4\"/>", false) != 0);
	ck_assert_errors(&D, 3);
	ck_assert_error(&D, "t.xml:3: <target>: nginx \"1.18\": not a version "
	    "tlsgen writes for; it writes for nginx 1.22 to 1.26 (Debian 12: "
	    "1.22.1, Debian 13: 1.26.3)");
	ck_assert_error(&D, "t.xml:3: <target>: dovecot \"2.2.36\": not a "
	    "version tlsgen writes for; it writes for Dovecot 2.3.19 and later "
	    "2.3, 2.4 (Debian 12: 2.3.19.1, Debian 13: 2.4.1)");
	ck_assert_error(&D, "t.xml:3: <target>: postfix \"3.4\": not a version "
	    "tlsgen writes for; it writes for Postfix 3.7 to 3.10 (Debian 12: "
	    "3.7.11, Debian 13: 3.10.13)");
}
END_TEST

START_TEST(test_version_named)
{
	generate_ok("<target nginx=\"1.26.3\" postfix=\"3.10.13\" "
	    "dovecot=\"2.4.1\" ejabberd=\"24.12\"/>", false);
	ck_assert_in(NGINX, "for nginx 1.26.3.");
	ck_assert_in(MAINCF, "for Postfix 3.10.13.");
	ck_assert_in(DOVECOT, "for Dovecot 2.4.1.");
	ck_assert_in(EJ, "for ejabberd 24.12.");
	ck_assert_warning(&D, "t.xml:19: <xmpp id=\"chat\">: warning: ejabberd: TLS 1.3 "
	    "suites: ejabberd 24.12 cannot set them; OpenSSL's defaults "
	    "apply");
	ck_assert_warning(&D, "t.xml:19: <xmpp id=\"chat\">: warning: ejabberd: "
	    "certificate \"c\": ejabberd 24.12 serves one pair per domain; "
	    "only /etc/ssl/e.pem is used");
	ck_assert_warning(&D, "t.xml:14: <mail id=\"mail\">: warning: dovecot: session "
	    "cache: Dovecot 2.4.1 has no session cache settings, and each "
	    "login runs in its own process: no session resumption "
	    "(high-performance login mode would resume, at the cost of one "
	    "process holding every client's TLS and session)");
}
END_TEST

/* ---- nginx ----------------------------------------------------------------- */

START_TEST(test_nginx_reject_conf_command)
{
	/* Outside the ranges, but the rows say where they begin. */
	ck_assert(!caps_has(SRV_NGINX, V(1, 19, 3), CAP_REJECT_HANDSHAKE));
	ck_assert(caps_has(SRV_NGINX, V(1, 19, 4), CAP_REJECT_HANDSHAKE));
	ck_assert(!caps_has(SRV_NGINX, V(1, 18, 0), CAP_CONF_COMMAND));
	ck_assert(caps_has(SRV_NGINX, V(1, 19, 4), CAP_CONF_COMMAND));
	/* Every proven nginx has both: 1.22 gets them. */
	generate_ok("<target nginx=\"1.22.1\"/>", false);
	ck_assert_in(NGINX, "ssl_reject_handshake on;");
	ck_assert_in(SITE, "ssl_conf_command Ciphersuites ");
}
END_TEST

START_TEST(test_nginx_http2)
{
	ck_assert(!caps_has(SRV_NGINX, V(1, 25, 0), CAP_HTTP2_DIRECTIVE));
	ck_assert(caps_has(SRV_NGINX, V(1, 25, 1), CAP_HTTP2_DIRECTIVE));
	generate_ok("<target nginx=\"1.25.0\"/>", false);
	ck_assert_in(NGINX, " ssl http2 default_server;");
	ck_assert_not_in(NGINX, "http2 on;");
	ck_assert_not_in(SITE, "http2 on;");
	teardown();
	setup();
	generate_ok("<target nginx=\"1.25.1\"/>", false);
	ck_assert_in(NGINX, " ssl default_server;");
	ck_assert_in(NGINX, "        http2 on;");
	ck_assert_in(SITE, "    http2 on;");
}
END_TEST

START_TEST(test_nginx_ticket_rotation)
{
	ck_assert(!caps_has(SRV_NGINX, V(1, 23, 1), CAP_TICKET_ROTATION));
	ck_assert(caps_has(SRV_NGINX, V(1, 23, 2), CAP_TICKET_ROTATION));
	generate_ok("<target nginx=\"1.22.1\"/>", true);
	/* policy.c's policy_costs() says it, beside what keeps the keys. */
	ck_assert_msg(tu_contains(&D, "t.xml:11: <web id=\"www\">: warning: "
	    "nginx: session tickets: the keys live in each worker's memory "
	    "(nginx before 1.23.2 never rotates them)"), "%s", tu_dump(&D));
	ck_assert_in(SITE, "never rotates\n");
	teardown();
	setup();
	generate_ok("<target nginx=\"1.26.3\"/>", true);
	ck_assert(!tu_contains(&D, "nginx: session tickets"));
	ck_assert_in(SITE, "rotates them (1.23.2 and later)");
	teardown();
	setup();
	/* Tickets off: nothing to say. */
	generate_ok("<target nginx=\"1.22.1\"/>", false);
	ck_assert(!tu_contains(&D, "never rotates"));
	ck_assert_not_in(SITE, "Ticket keys");
}
END_TEST

/* ---- Postfix --------------------------------------------------------------- */

START_TEST(test_postfix_tls_config_file)
{
	ck_assert(!caps_has(SRV_POSTFIX, V(3, 7, 5), CAP_TLS_CONFIG_FILE));
	ck_assert(caps_has(SRV_POSTFIX, V(3, 7, 6), CAP_TLS_CONFIG_FILE));
	ck_assert(!caps_has(SRV_POSTFIX, V(3, 8, 0), CAP_TLS_CONFIG_FILE));
	ck_assert(caps_has(SRV_POSTFIX, V(3, 8, 1), CAP_TLS_CONFIG_FILE));
	generate_ok("<target postfix=\"3.7.5\"/>", false);
	ck_assert_not_in(MAINCF, "tls_config_file =");
	ck_assert_in(MAINCF, "Postfix 3.7.5 has no\n# parameter and no "
	    "tls_config_file");
	ck_assert_warning(&D, "t.xml:14: <mail id=\"mail\">: warning: postfix: TLS 1.3 "
	    "suites: Postfix 3.7.5 has no tls_config_file (3.7.6, 3.8.1 and "
	    "later); OpenSSL's defaults apply");
	teardown();
	setup();
	generate_ok("<target postfix=\"3.7.6\"/>", false);
	ck_assert_in(MAINCF, "tls_config_file = ${config_directory}/tls_config");
	ck_assert(!tu_contains(&D, "tls_config_file"));
}
END_TEST

START_TEST(test_postfix_groups)
{
	ck_assert(!caps_has(SRV_POSTFIX, V(3, 7, 11), CAP_FFDHE_GROUPS));
	ck_assert(caps_has(SRV_POSTFIX, V(3, 8, 0), CAP_FFDHE_GROUPS));
	ck_assert(!caps_has(SRV_POSTFIX, V(3, 9, 9), CAP_KEM_GROUPS));
	ck_assert(caps_has(SRV_POSTFIX, V(3, 10, 0), CAP_KEM_GROUPS));
	/* 3.7: one list, no FFDHE parameter, the KEM group left out. */
	generate_ok("<target openssl=\"3.5\" postfix=\"3.7.11\"/>", false);
	ck_assert_in(MAINCF, "tls_eecdh_auto_curves = X25519 prime256v1 "
	    "secp384r1\n");
	ck_assert_not_in(MAINCF, "tls_ffdhe_auto_groups");
	ck_assert_warning(&D, "t.xml:14: <mail id=\"mail\">: warning: postfix: groups: "
	    "Postfix 3.7.11 takes no KEM group in tls_eecdh_auto_curves (3.10 "
	    "and later do); left out");
	teardown();
	setup();
	/* 3.10 with OpenSSL 3.5: the hybrid group first; no FFDHE. */
	generate_ok("<target openssl=\"3.5\" postfix=\"3.10.13\"/>", false);
	ck_assert_in(MAINCF, "tls_eecdh_auto_curves = X25519MLKEM768 X25519 "
	    "prime256v1 secp384r1\n");
	ck_assert_in(MAINCF, "tls_ffdhe_auto_groups =\n");
	ck_assert(!tu_contains(&D, "KEM group"));
	/* Ignored since 3.6 and deprecated in 3.10: never written. */
	ck_assert_not_in(MAINCF, "\nsmtpd_tls_eecdh_grade");
}
END_TEST

/* ---- Dovecot --------------------------------------------------------------- */

START_TEST(test_dovecot_generations)
{
	ck_assert_str_eq(caps_tmpl_dir(SRV_DOVECOT, V(2, 3, 19)), "dovecot");
	ck_assert_str_eq(caps_tmpl_dir(SRV_DOVECOT, V(2, 4, 1)), "dovecot24");
	ck_assert_ptr_null(caps_tmpl_dir(SRV_DOVECOT, V(2, 2, 36)));
	generate_ok("<target dovecot=\"2.3.19\"/>", false);
	ck_assert_in(DOVECOT, "\nssl_cert = </etc/ssl/e.pem\n");
	ck_assert_in(DOVECOT, "\nssl_alt_cert = </etc/ssl/r.pem\n");
	ck_assert_not_in(DOVECOT, "dovecot_config_version");
	teardown();
	setup();
	generate_ok("<target dovecot=\"2.4.1\"/>", false);
	/* 2.4 refuses a file whose first setting is anything else. */
	ck_assert_in(DOVECOT, "keeps.\ndovecot_config_version = 2.4.0\n"
	    "dovecot_storage_version = 2.4.0\n");
	ck_assert_in(DOVECOT, "\nssl_server_cert_file = /etc/ssl/e.pem\n");
	ck_assert_in(DOVECOT, "\nssl_server_alt_cert_file = /etc/ssl/r.pem\n");
	ck_assert_in(DOVECOT, "\nssl_server_prefer_ciphers = client\n");
	ck_assert_not_in(DOVECOT, "ssl_cert =");
	ck_assert_not_in(DOVECOT, "disable_plaintext_auth");
}
END_TEST

/* ---- ejabberd ------------------------------------------------------------- */

START_TEST(test_ejabberd_gaps)
{
	size_t	 c;

	/* No proven ejabberd has any of them. */
	for (c = CAP_SUITES_EJ; c <= CAP_PAIRS_EJ; c++) {
		ck_assert(!caps_has(SRV_EJABBERD, V(23, 1, 0), (enum cap)c));
		ck_assert(!caps_has(SRV_EJABBERD, V(24, 12, 0), (enum cap)c));
	}
	/* A capability belongs to its server only. */
	ck_assert(!caps_has(SRV_APACHE, V(2, 4, 62), CAP_CONF_COMMAND));
	generate_ok("<target ejabberd=\"23.01\"/>", false);
	ck_assert_in(EJ, "for ejabberd 23.01.");
	ck_assert_warning(&D, "t.xml:19: <xmpp id=\"chat\">: warning: ejabberd: groups: "
	    "ejabberd 23.01 cannot set them; OpenSSL's defaults apply");
}
END_TEST

/*
 * What each server enforces of a policy (policy.c asks caps_enforce()):
 * every row, and both sides of each version boundary.
 */
START_TEST(test_enforce_rows)
{
	const struct caps_enforce *e;

	/* nginx: sets everything; rotates ticket keys from 1.23.2. */
	e = caps_enforce(SRV_NGINX, V(1, 22, 1));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e->no_max_protocol);
	ck_assert_ptr_null(e->no_suites);
	ck_assert_ptr_null(e->no_groups);
	ck_assert(!e->no_tickets);
	ck_assert_ptr_nonnull(strstr(e->ticket_keys, "each worker's memory"));
	ck_assert(!caps_rotates_tickets(SRV_NGINX, V(1, 23, 1)));
	ck_assert(caps_rotates_tickets(SRV_NGINX, V(1, 23, 2)));
	ck_assert(caps_rotates_tickets(SRV_NGINX, V(1, 26, 3)));
	ck_assert_ptr_eq(caps_enforce(SRV_NGINX, V(1, 26, 3)), e);

	/* Apache: sets everything; never rotates its ticket keys. */
	e = caps_enforce(SRV_APACHE, V(2, 4, 71));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e->no_max_protocol);
	ck_assert_ptr_null(e->no_suites);
	ck_assert_ptr_null(e->no_groups);
	ck_assert(!e->no_tickets);
	ck_assert_ptr_nonnull(strstr(e->ticket_keys, "mod_ssl's memory"));
	ck_assert(!caps_rotates_tickets(SRV_APACHE, V(2, 4, 57)));
	ck_assert(!caps_rotates_tickets(SRV_APACHE, V(2, 4, 71)));

	/* Postfix: sets everything; tlsmgr rotates. */
	e = caps_enforce(SRV_POSTFIX, V(3, 7, 11));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e->no_max_protocol);
	ck_assert_ptr_null(e->no_suites);
	ck_assert_ptr_null(e->no_groups);
	ck_assert(!e->no_tickets);
	ck_assert_str_eq(e->ticket_keys, "tlsmgr, which rotates them");
	ck_assert(caps_rotates_tickets(SRV_POSTFIX, V(3, 10, 13)));

	/* Dovecot 2.3 and 2.4: no maximum protocol; a later row has one. */
	e = caps_enforce(SRV_DOVECOT, V(2, 3, 19));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e->no_max_protocol, "no maximum"));
	ck_assert_ptr_null(e->no_suites);
	ck_assert_ptr_null(e->no_groups);
	ck_assert(!e->no_tickets);
	ck_assert_ptr_eq(caps_enforce(SRV_DOVECOT, V(2, 4, 999)), e);
	e = caps_enforce(SRV_DOVECOT, V(2, 5, 0));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e->no_max_protocol);
	ck_assert_str_eq(e->ticket_keys, "each login process");
	ck_assert(caps_rotates_tickets(SRV_DOVECOT, V(2, 4, 1)));
	ck_assert(caps_rotates_tickets(SRV_DOVECOT, V(2, 5, 0)));

	/* ejabberd: no suites, no groups, no tickets at all. */
	e = caps_enforce(SRV_EJABBERD, V(23, 1, 0));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e->no_max_protocol);
	ck_assert_str_eq(e->no_suites, "cannot set them");
	ck_assert_str_eq(e->no_groups, "cannot set them");
	ck_assert(e->no_tickets);
	ck_assert_ptr_eq(caps_enforce(SRV_EJABBERD, V(24, 12, 0)), e);
	ck_assert(caps_rotates_tickets(SRV_EJABBERD, V(24, 12, 0)));
}
END_TEST

static Suite *
caps_suite(void)
{
	Suite	*s = suite_create("caps");
	TCase	*tc = tcase_create("caps");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_proven_ranges);
	tcase_add_test(tc, test_series);
	tcase_add_test(tc, test_refused_at_target);
	tcase_add_test(tc, test_version_named);
	tcase_add_test(tc, test_nginx_reject_conf_command);
	tcase_add_test(tc, test_nginx_http2);
	tcase_add_test(tc, test_nginx_ticket_rotation);
	tcase_add_test(tc, test_postfix_tls_config_file);
	tcase_add_test(tc, test_postfix_groups);
	tcase_add_test(tc, test_dovecot_generations);
	tcase_add_test(tc, test_ejabberd_gaps);
	tcase_add_test(tc, test_enforce_rows);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(caps_suite());
}
