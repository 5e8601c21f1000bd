/*
 * cert.c: every check proven on the committed test PKI (tests/pki/mkpki.sh,
 * run once into a temporary directory by an unchecked fixture, so the
 * validity windows are relative to now).  Each bad leaf is asserted by its
 * own finding, in the form main.c prints, and good leaves by the absence of
 * any finding.  Descriptions are small, written here, and read through the
 * whole pipeline (schema, model, profiles, policy) like the command line.
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlsgen.h"
#include "testutil.h"

static char	 pki[64];	/* the fixture's PKI directory */

/* One run of the pipeline up to the certificate checks. */
struct fx {
	struct diags		 d;
	struct _xmlDoc		*doc;
	struct model		*m;
	struct profiles		 ps;
	struct cert_report	*rep;
	struct cert_opts	 o;
	int			 rc;
};

/* ---- fixture ------------------------------------------------------------ */

static void sh(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	char	 cmd[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

/*
 * The PKI, plus files no leaf of mkpki.sh has: a chain out of order, a key
 * others can read, a key under a passphrase, a file that is not PEM.
 */
static void
pki_setup(void)
{
	snprintf(pki, sizeof(pki), "/tmp/tlsgen-check-pki-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(pki));
	sh("%s %s >/dev/null", tu_path("tests/pki/mkpki.sh"), pki);
	sh("cd %s && cat ecdsa.pem root.pem int.pem >reorder.fullchain.pem && "
	    "cp ecdsa.key reorder.key", pki);
	sh("cd %s && cp ecdsa.fullchain.pem open.fullchain.pem && "
	    "cp ecdsa.key open.key && chmod 0644 open.key", pki);
	sh("cd %s && cp ecdsa.fullchain.pem locked.fullchain.pem && "
	    "openssl pkcs8 -topk8 -v2 aes256 -passout pass:secret "
	    "-in ecdsa.key -out locked.key 2>/dev/null && chmod 0600 locked.key",
	    pki);
	sh("cd %s && printf 'not a certificate\\n' >junk.fullchain.pem && "
	    "cp ecdsa.key junk.key", pki);
}

static void
pki_teardown(void)
{
	if (pki[0] != '\0')
		sh("rm -rf -- %s", pki);
}

/* ---- running the checks ------------------------------------------------- */

/*
 * A description with one certificate of the given pairs, used by one
 * nginx site serving `host` (line 5 is the first <pair>).
 */
static char *
desc_trust(const char *pairs, const char *host, const char *ocsp,
    const char *profile, const char *bundle)
{
	char	*x;

	if (asprintf(&x,
	    "<services xmlns=\"urn:tlsgen:services:1\" domain=\"example.org\">\n"
	    "  <policy profile=\"%s\"><ocsp-stapling mode=\"%s\"/></policy>\n"
	    "  <trust bundle=\"%s\"/>\n"
	    "  <certificate id=\"web\">\n"
	    "%s"
	    "  </certificate>\n"
	    "  <web id=\"www\" server=\"nginx\" certificate=\"web\" "
	    "listen=\"127.0.0.1\" http-port=\"80\" https-port=\"443\">\n"
	    "    <host>%s</host>\n"
	    "    <root>/srv/www</root>\n"
	    "  </web>\n"
	    "</services>\n", profile, ocsp, bundle, pairs, host) < 0)
		abort();
	return x;
}

static char *
desc(const char *pairs, const char *host, const char *ocsp,
    const char *profile)
{
	return desc_trust(pairs, host, ocsp, profile, "/bundle.pem");
}

/* "    <pair cert=\"/NAME.fullchain.pem\" key=\"/NAME.key\"/>\n" */
static const char *
pair(const char *name)
{
	static char	 slots[2][256];
	static int	 k;
	char		*s = slots[k++ & 1];

	snprintf(s, sizeof(slots[0]), "    <pair cert=\"/%s.fullchain.pem\" "
	    "key=\"/%s.key\"/>\n", name, name);
	return s;
}

static void
fx_run_opts(struct fx *f, const char *xml, int warn_days, bool strict)
{
	memset(f, 0, sizeof(*f));
	f->doc = tu_load_text(xml, "t.xml", &f->d);
	ck_assert_msg(f->doc != NULL, "load failed:\n%s", tu_dump(&f->d));
	f->m = model_build(f->doc, &f->d);
	ck_assert_msg(f->m != NULL, "model failed:\n%s", tu_dump(&f->d));
	ck_assert_msg(profiles_load(&f->ps, tu_path("profiles"), &f->d) == 0,
	    "profiles failed:\n%s", tu_dump(&f->d));
	ck_assert_msg(policy_resolve(f->m, &f->ps, &f->d) == 0,
	    "policy failed:\n%s", tu_dump(&f->d));
	f->rep = cert_report_new();
	f->o.root = pki;
	f->o.check = true;
	f->o.warn_days = warn_days;
	f->o.strict = strict;
	f->o.report = f->rep;
	f->rc = cert_check_all(f->m, &f->o, &f->d);
	cert_decide(f->m, &f->o, &f->d);
}

static void
fx_run(struct fx *f, const char *xml)
{
	fx_run_opts(f, xml, 21, false);
}

/* One site whose certificate is the single pair NAME. */
static void
fx_one(struct fx *f, const char *name, const char *host, const char *ocsp)
{
	char	*x = desc(pair(name), host, ocsp, "intermediate");

	fx_run(f, x);
	free(x);
}

static void
fx_free(struct fx *f)
{
	cert_report_free(f->rep);
	profiles_free(&f->ps);
	model_free(f->m);
	load_free(f->doc);
	diags_free(&f->d);
}

/* No error, no warning (notes about the host's OpenSSL are fine). */
static void
assert_clean(const struct fx *f)
{
	ck_assert_msg(f->rc == 0 && f->d.errors == 0 && f->d.warnings == 0,
	    "expected no findings, got:\n%s", tu_dump(&f->d));
}

static bool
has_prefix(const struct diags *d, enum severity sev, const char *prefix)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev &&
		    strncmp(d->v[i].text, prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

#define ck_assert_error_prefix(d, text)					\
	ck_assert_msg(has_prefix((d), SEV_ERROR, (text)),		\
	    "expected an error starting\n  %s\ngot:\n%s", (text), tu_dump(d))

#define P1(name)	"t.xml:5: <certificate id=\"web\">: pair 1 (/" name
#define P2(name)	"t.xml:6: <certificate id=\"web\">: pair 2 (/" name
#define W1(name)	"t.xml:5: <certificate id=\"web\">: warning: pair 1 (/" \
			name
#define BUNDLE		"chain does not verify to the trust bundle /bundle.pem"

/* ---- good leaves -------------------------------------------------------- */

START_TEST(test_ecdsa_passes)
{
	struct fx	 f;

	fx_one(&f, "ecdsa", "www.example.org", "auto");
	assert_clean(&f);
	ck_assert(f.m->certs[0].pairs[0].inspected);
	ck_assert_int_eq(f.m->certs[0].pairs[0].type, KEY_ECDSA);
	ck_assert_str_eq(f.m->certs[0].pairs[0].ocsp_url,
	    "http://127.0.0.1:18888/");
	ck_assert(!f.m->certs[0].pairs[0].must_staple);
	/* Stapling "auto" follows the leaf: it names a responder. */
	ck_assert(f.m->svcs[0].pol.staple);
	fx_free(&f);
}
END_TEST

START_TEST(test_rsa_passes)
{
	struct fx	 f;

	fx_one(&f, "rsa", "people.example.org", "auto");
	assert_clean(&f);
	ck_assert_int_eq(f.m->certs[0].pairs[0].type, KEY_RSA);
	fx_free(&f);
}
END_TEST

START_TEST(test_p384_passes)
{
	struct fx	 f;

	fx_one(&f, "ecdsa-p384", "example.org", "auto");
	assert_clean(&f);
	fx_free(&f);
}
END_TEST

START_TEST(test_dual_passes_and_pick)
{
	struct fx	 f;
	struct profile	 rsa_only = { .name = "rsa", .cert_types = CERT_RSA };
	struct profile	 both = { .name = "both",
	    .cert_types = CERT_ECDSA | CERT_RSA };
	char		 pairs[512], *x;

	snprintf(pairs, sizeof(pairs), "%s%s", pair("rsa"), pair("ecdsa"));
	x = desc(pairs, "www.example.org", "auto", "intermediate");
	fx_run(&f, x);
	free(x);
	assert_clean(&f);
	/* ejabberd presents one: ECDSA, even when RSA comes first... */
	ck_assert_ptr_eq(cert_pick_one(&f.m->certs[0], &both),
	    &f.m->certs[0].pairs[1]);
	/* ...unless the profile serves only RSA. */
	ck_assert_ptr_eq(cert_pick_one(&f.m->certs[0], &rsa_only),
	    &f.m->certs[0].pairs[0]);
	ck_assert(!cert_pair_servable(&f.m->certs[0].pairs[1], &rsa_only));
	fx_free(&f);
}
END_TEST

/* ---- bad leaves, one finding each --------------------------------------- */

START_TEST(test_expired)
{
	struct fx	 f;

	fx_one(&f, "expired", "www.example.org", "auto");
	ck_assert_int_eq(f.rc, -1);
	ck_assert_error_prefix(&f.d, P1("expired.fullchain.pem): expired on "));
	/* The chain check does not report the dates a second time. */
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_not_yet_valid)
{
	struct fx	 f;

	fx_one(&f, "notyet", "www.example.org", "auto");
	ck_assert_error_prefix(&f.d,
	    P1("notyet.fullchain.pem): not yet valid: valid from "));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_key_mismatch)
{
	struct fx	 f;

	fx_one(&f, "mismatch", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("mismatch.key): private key does not belong "
	    "to the certificate (/mismatch.fullchain.pem)"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_key_mismatch_in_dual)
{
	struct fx	 f;
	char		 pairs[512], *x;

	snprintf(pairs, sizeof(pairs), "%s%s", pair("ecdsa"),
	    pair("mismatch-rsa"));
	x = desc(pairs, "www.example.org", "auto", "intermediate");
	fx_run(&f, x);
	free(x);
	ck_assert_error(&f.d, P2("mismatch-rsa.key): private key does not "
	    "belong to the certificate (/mismatch-rsa.fullchain.pem)"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_wrong_host)
{
	struct fx	 f;

	fx_one(&f, "wronghost", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("wronghost.fullchain.pem): host "
	    "\"www.example.org\" of <web id=\"www\"> is not covered by the "
	    "subjectAltName (DNS:other.invalid)"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

/* *.example.org covers exactly one label (RFC 6125). */
static const struct {
	const char	*host;
	bool		 covered;
} wild[] = {
	{ "a.example.org", true },
	{ "example.org", false },
	{ "a.b.example.org", false },
};

START_TEST(test_wildcard)
{
	struct fx	 f;
	char		 want[512];

	fx_one(&f, "wildcard", wild[_i].host, "auto");
	if (wild[_i].covered)
		assert_clean(&f);
	else {
		snprintf(want, sizeof(want), P1("wildcard.fullchain.pem): host "
		    "\"%s\" of <web id=\"www\"> is not covered by the "
		    "subjectAltName (DNS:*.example.org)"), wild[_i].host);
		ck_assert_error(&f.d, want);
		ck_assert_errors(&f.d, 1);
	}
	fx_free(&f);
}
END_TEST

START_TEST(test_rsa1024)
{
	struct fx	 f;

	fx_one(&f, "rsa1024", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("rsa1024.fullchain.pem): RSA key of 1024 "
	    "bits: profile \"intermediate\" (of <web id=\"www\">) requires at "
	    "least 2048"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_p521)
{
	struct fx	 f;

	fx_one(&f, "p521", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("p521.fullchain.pem): EC key on curve P-521: "
	    "only P-256 and P-384 work with every client"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_sha1)
{
	struct fx	 f;

	fx_one(&f, "sha1", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("sha1.fullchain.pem): the leaf is signed with "
	    "SHA-1 (ecdsa-with-SHA1): clients reject it"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_self_signed)
{
	struct fx	 f;

	fx_one(&f, "selfsigned", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("selfsigned.fullchain.pem): " BUNDLE
	    ": the leaf is self-signed"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_missing_intermediate)
{
	struct fx	 f;

	fx_one(&f, "noint", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("noint.fullchain.pem): " BUNDLE ": no issuer "
	    "of \"CN=example.org,OU=noint,O=tlsgen test PKI\" in the fullchain "
	    "file or the bundle (missing intermediate?)"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_client_only)
{
	struct fx	 f;

	fx_one(&f, "clientonly", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("clientonly.fullchain.pem): extended key "
	    "usage lacks serverAuth: clients refuse it for a TLS server"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_no_ocsp_url)
{
	struct fx	 f;

	/* "auto" quietly does not staple... */
	fx_one(&f, "ecdsa-noocsp", "www.example.org", "auto");
	assert_clean(&f);
	ck_assert_ptr_null(f.m->certs[0].pairs[0].ocsp_url);
	ck_assert(!f.m->svcs[0].pol.staple);
	fx_free(&f);
	/* ...but a policy that asks for stapling hears why it cannot. */
	fx_one(&f, "ecdsa-noocsp", "www.example.org", "on");
	ck_assert_warning(&f.d, W1("ecdsa-noocsp.fullchain.pem): stapling is "
	    "on for <web id=\"www\"> but the leaf names no OCSP responder"));
	ck_assert_errors(&f.d, 0);
	ck_assert_int_eq(f.rc, 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_must_staple)
{
	struct fx	 f;

	fx_one(&f, "muststaple", "www.example.org", "auto");
	ck_assert(f.m->certs[0].pairs[0].must_staple);
	ck_assert_warning(&f.d, W1("muststaple.fullchain.pem): the leaf asks "
	    "for OCSP Must-Staple: clients hard-fail whenever the server has "
	    "no fresh response to staple"));
	ck_assert_errors(&f.d, 0);
	fx_free(&f);
	/* Stapling off: every client that honours it hard-fails. */
	fx_one(&f, "muststaple", "www.example.org", "off");
	ck_assert_error(&f.d, P1("muststaple.fullchain.pem): the leaf demands "
	    "OCSP stapling (Must-Staple) but stapling is off for <web "
	    "id=\"www\">: clients will hard-fail"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

/* Postfix cannot staple, whatever the policy says. */
START_TEST(test_must_staple_postfix)
{
	struct fx	 f;

	fx_run(&f,
	    "<services xmlns=\"urn:tlsgen:services:1\" domain=\"example.org\">\n"
	    "  <trust bundle=\"/bundle.pem\"/>\n"
	    "  <certificate id=\"web\">\n"
	    "    <pair cert=\"/muststaple.fullchain.pem\" "
	    "key=\"/muststaple.key\"/>\n"
	    "  </certificate>\n"
	    "  <mail id=\"mail\" certificate=\"web\">\n"
	    "    <host>mail.example.org</host>\n"
	    "    <smtp server=\"postfix\" listen=\"0.0.0.0\" port=\"25\"/>\n"
	    "  </mail>\n"
	    "</services>\n");
	ck_assert_error(&f.d, "t.xml:4: <certificate id=\"web\">: pair 1 "
	    "(/muststaple.fullchain.pem): the leaf demands OCSP stapling "
	    "(Must-Staple) but <mail id=\"mail\"> runs on postfix, which "
	    "cannot staple: clients will hard-fail");
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

/* ---- the fullchain file ------------------------------------------------- */

START_TEST(test_with_root)
{
	struct fx	 f;

	fx_one(&f, "withroot", "www.example.org", "auto");
	ck_assert_warning(&f.d, W1("withroot.fullchain.pem): the fullchain file "
	    "carries the root \"CN=tlsgen test root CA,O=tlsgen test PKI\": "
	    "clients must already trust it, sending it only costs bytes"));
	ck_assert_errors(&f.d, 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_out_of_order)
{
	struct fx	 f;

	fx_one(&f, "reorder", "www.example.org", "auto");
	ck_assert_warning(&f.d, W1("reorder.fullchain.pem): the fullchain file "
	    "is out of order: certificate 2 (\"CN=tlsgen test root CA,O=tlsgen "
	    "test PKI\") does not issue certificate 1 (\"CN=example.org,OU=ecdsa,"
	    "O=tlsgen test PKI\")"));
	ck_assert_errors(&f.d, 0);
	fx_free(&f);
}
END_TEST

/* Servers present the first certificate: an intermediate first is fatal. */
START_TEST(test_leaf_not_first)
{
	struct fx	 f;

	fx_one(&f, "disorder", "www.example.org", "auto");
	ck_assert_error(&f.d, P1("disorder.fullchain.pem): the leaf is "
	    "certificate 2 of the file, but servers present the first (\"CN="
	    "tlsgen test intermediate CA,O=tlsgen test PKI\") as theirs: put the "
	    "leaf first"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_not_pem)
{
	struct fx	 f;
	char		 want[512];

	fx_one(&f, "junk", "www.example.org", "auto");
	snprintf(want, sizeof(want), P1("junk.fullchain.pem): no PEM "
	    "certificate in %s/junk.fullchain.pem"), pki);
	ck_assert_error(&f.d, want);
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_unreadable)
{
	struct fx	 f;
	char		 want[512];

	fx_one(&f, "absent", "www.example.org", "auto");
	snprintf(want, sizeof(want), P1("absent.fullchain.pem): cannot read "
	    "%s/absent.fullchain.pem: No such file or directory"), pki);
	ck_assert_error(&f.d, want);
	snprintf(want, sizeof(want), P1("absent.key): cannot read "
	    "%s/absent.key: No such file or directory"), pki);
	ck_assert_error(&f.d, want);
	ck_assert_errors(&f.d, 2);
	ck_assert(!f.m->certs[0].pairs[0].inspected);
	fx_free(&f);
}
END_TEST

/* ---- the key file ------------------------------------------------------- */

START_TEST(test_key_mode)
{
	struct fx	 f;

	fx_one(&f, "open", "www.example.org", "auto");
	ck_assert_warning(&f.d, W1("open.key): private key is readable by "
	    "group or others (mode 0644): chmod 600, or 640 for a server that "
	    "reads it through its group"));
	ck_assert_errors(&f.d, 0);
	fx_free(&f);
}
END_TEST

/* A passphrase would hang every server at boot; never prompt for one. */
START_TEST(test_key_encrypted)
{
	struct fx	 f;
	char		 want[512];

	fx_one(&f, "locked", "www.example.org", "auto");
	snprintf(want, sizeof(want), P1("locked.key): private key in "
	    "%s/locked.key is encrypted: servers would wait for a passphrase "
	    "at boot"), pki);
	ck_assert_error(&f.d, want);
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

/* ---- the profile -------------------------------------------------------- */

START_TEST(test_rsa_under_modern)
{
	struct fx	 f;
	char		*x = desc(pair("rsa"), "www.example.org", "auto",
	    "modern");

	fx_run(&f, x);
	free(x);
	ck_assert_error(&f.d, P1("rsa.fullchain.pem): RSA key cannot be "
	    "served: profile \"modern\" (of <web id=\"www\">) serves only ECDSA "
	    "certificates"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

/* A dual certificate under "modern": the RSA pair is left out, quietly. */
START_TEST(test_dual_under_modern)
{
	struct fx	 f;
	char		 pairs[512], *x;

	snprintf(pairs, sizeof(pairs), "%s%s", pair("ecdsa"), pair("rsa"));
	x = desc(pairs, "www.example.org", "auto", "modern");
	fx_run(&f, x);
	free(x);
	assert_clean(&f);
	ck_assert_note(&f.d, "t.xml:6: <certificate id=\"web\">: note: pair 2 "
	    "(/rsa.fullchain.pem): RSA key not presented: profile \"modern\" "
	    "(of <web id=\"www\">) serves only ECDSA certificates");
	fx_free(&f);
}
END_TEST

START_TEST(test_two_ecdsa_pairs)
{
	struct fx	 f;
	char		 pairs[512], *x;

	snprintf(pairs, sizeof(pairs), "%s%s", pair("ecdsa"),
	    pair("ecdsa-p384"));
	x = desc(pairs, "www.example.org", "auto", "intermediate");
	fx_run(&f, x);
	free(x);
	ck_assert_error(&f.d, P2("ecdsa-p384.fullchain.pem): a second ECDSA "
	    "pair (pair 1 is ECDSA too): a server presents one certificate per "
	    "key type"));
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

/* ---- options ------------------------------------------------------------ */

START_TEST(test_expires_soon_and_strict)
{
	struct fx	 f;
	char		*x = desc(pair("ecdsa"), "www.example.org", "auto",
	    "intermediate");

	/* mkpki.sh leaves are valid for ten years: warn at eleven. */
	fx_run_opts(&f, x, 4018, false);
	ck_assert_msg(has_prefix(&f.d, SEV_WARNING,
	    W1("ecdsa.fullchain.pem): expires in ")), "%s", tu_dump(&f.d));
	ck_assert_int_eq(f.rc, 0);
	fx_free(&f);
	/* --strict: the same finding is an error. */
	fx_run_opts(&f, x, 4018, true);
	ck_assert_error_prefix(&f.d, P1("ecdsa.fullchain.pem): expires in "));
	ck_assert_int_eq(f.rc, -1);
	fx_free(&f);
	free(x);
}
END_TEST

START_TEST(test_no_cert_check)
{
	struct fx	 f;
	struct cert_opts o = { .check = false, .warn_days = 21 };
	char		*x = desc(pair("ecdsa"), "www.example.org", "auto",
	    "intermediate");

	memset(&f, 0, sizeof(f));
	f.doc = tu_load_text(x, "t.xml", &f.d);
	free(x);
	ck_assert_ptr_nonnull(f.doc);
	ck_assert_ptr_nonnull(f.m = model_build(f.doc, &f.d));
	ck_assert_int_eq(profiles_load(&f.ps, tu_path("profiles"), &f.d), 0);
	ck_assert_int_eq(policy_resolve(f.m, &f.ps, &f.d), 0);
	cert_decide(f.m, &o, &f.d);
	ck_assert_warning(&f.d, "t.xml: warning: certificates not checked "
	    "(--no-cert-check); OCSP stapling \"auto\" is off everywhere");
	ck_assert(!f.m->svcs[0].pol.staple);
	fx_free(&f);
}
END_TEST

START_TEST(test_bundle_missing)
{
	struct fx	 f;
	char		 want[512];
	char		*x = desc_trust(pair("ecdsa"), "www.example.org", "auto",
	    "intermediate", "/nobund.pem");

	fx_run(&f, x);
	free(x);
	/* At the <trust> line (3), which names the bundle. */
	snprintf(want, sizeof(want), "t.xml:3: <trust>: cannot read the trust "
	    "bundle %s/nobund.pem: No such file or directory", pki);
	ck_assert_error(&f.d, want);
	ck_assert_errors(&f.d, 1);
	fx_free(&f);
}
END_TEST

/* ---- reports ------------------------------------------------------------ */

static const char *const mail_desc =
    "<services xmlns=\"urn:tlsgen:services:1\" domain=\"example.org\">\n"
    "  <trust bundle=\"/bundle.pem\"/>\n"
    "  <certificate id=\"mail\">\n"
    "    <pair cert=\"/ecdsa.fullchain.pem\" key=\"/ecdsa.key\"/>\n"
    "    <pair cert=\"/rsa.fullchain.pem\" key=\"/rsa.key\"/>\n"
    "  </certificate>\n"
    "  <mail id=\"mail\" certificate=\"mail\">\n"
    "    <host>Mail.example.org</host>\n"
    "    <smtp server=\"postfix\" listen=\"0.0.0.0\" port=\"25\" "
    "submission-port=\"587\" submissions-port=\"465\"/>\n"
    "    <imap server=\"dovecot\" listen=\"0.0.0.0\" port=\"143\" "
    "imaps-port=\"993\"/>\n"
    "  </mail>\n"
    "</services>\n";

/* Five ports, two pairs: ten records, sorted by host, port and digest. */
START_TEST(test_tlsa)
{
	struct fx	 f;
	struct buf	 b;
	char		 host[256], hex[80], prev[512] = "";
	const char	*line;
	size_t		 n = 0, len;
	unsigned	 port, last = 0;

	fx_run(&f, mail_desc);
	assert_clean(&f);
	buf_init(&b);
	cert_report_tlsa(f.rep, &b);
	ck_assert_ptr_nonnull(b.data);
	for (line = b.data; *line != '\0'; line += len + 1) {
		len = strcspn(line, "\n");
		ck_assert_msg(sscanf(line, "_%u._tcp.%255s IN TLSA 3 1 1 %79s",
		    &port, host, hex) == 3, "bad record: %.*s", (int)len, line);
		/* The host as DNS compares it: lower case, absolute. */
		ck_assert_str_eq(host, "mail.example.org.");
		ck_assert_uint_eq(strlen(hex), 64);
		ck_assert_uint_eq(strspn(hex, "0123456789abcdef"), 64);
		ck_assert_msg(port > last || (port == last &&
		    strncmp(prev, line, len) < 0), "not sorted:\n%s", b.data);
		last = port;
		snprintf(prev, sizeof(prev), "%.*s", (int)len, line);
		n++;
	}
	ck_assert_uint_eq(n, 10);
	ck_assert_ptr_nonnull(strstr(b.data, "_25._tcp.mail.example.org. IN "
	    "TLSA 3 1 1 "));
	buf_free(&b);
	fx_free(&f);
}
END_TEST

START_TEST(test_json)
{
	struct fx	 f;
	struct buf	 b;

	fx_one(&f, "expired", "www.example.org", "auto");
	buf_init(&b);
	cert_report_json(f.rep, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "\"file\": \"t.xml\""));
	ck_assert_ptr_nonnull(strstr(b.data, "{\"severity\": \"error\", "
	    "\"code\": \"expired\", \"certificate\": \"web\", \"pair\": 1, "
	    "\"file\": \"/expired.fullchain.pem\", \"line\": 5, "
	    "\"message\": \"expired on "));
	ck_assert_ptr_nonnull(strstr(b.data, "\"type\": \"ECDSA\", \"bits\": "
	    "256, \"curve\": \"P-256\", \"subject\": \"CN=example.org,OU=expired,"
	    "O=tlsgen test PKI\""));
	ck_assert_ptr_nonnull(strstr(b.data, "\"errors\": 1,"));
	buf_free(&b);
	fx_free(&f);
}
END_TEST

static Suite *
cert_suite(void)
{
	Suite	*s = suite_create("cert");
	TCase	*tc;

	tc = tcase_create("pki");
	/* One PKI for the whole case: made once, in the parent process. */
	tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ecdsa_passes);
	tcase_add_test(tc, test_rsa_passes);
	tcase_add_test(tc, test_p384_passes);
	tcase_add_test(tc, test_dual_passes_and_pick);
	tcase_add_test(tc, test_expired);
	tcase_add_test(tc, test_not_yet_valid);
	tcase_add_test(tc, test_key_mismatch);
	tcase_add_test(tc, test_key_mismatch_in_dual);
	tcase_add_test(tc, test_wrong_host);
	tcase_add_loop_test(tc, test_wildcard, 0,
	    (int)(sizeof(wild) / sizeof(wild[0])));
	tcase_add_test(tc, test_rsa1024);
	tcase_add_test(tc, test_p521);
	tcase_add_test(tc, test_sha1);
	tcase_add_test(tc, test_self_signed);
	tcase_add_test(tc, test_missing_intermediate);
	tcase_add_test(tc, test_client_only);
	tcase_add_test(tc, test_no_ocsp_url);
	tcase_add_test(tc, test_must_staple);
	tcase_add_test(tc, test_must_staple_postfix);
	tcase_add_test(tc, test_with_root);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_leaf_not_first);
	tcase_add_test(tc, test_not_pem);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_key_mode);
	tcase_add_test(tc, test_key_encrypted);
	tcase_add_test(tc, test_rsa_under_modern);
	tcase_add_test(tc, test_dual_under_modern);
	tcase_add_test(tc, test_two_ecdsa_pairs);
	tcase_add_test(tc, test_expires_soon_and_strict);
	tcase_add_test(tc, test_no_cert_check);
	tcase_add_test(tc, test_bundle_missing);
	tcase_add_test(tc, test_tlsa);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(cert_suite());
}
