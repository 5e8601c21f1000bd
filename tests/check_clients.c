/*
 * clients.c: who can connect to a policy.  The client table is the real
 * data/clients.tsv and the profiles the real profiles/, so these tests
 * pin what the data says about each profile: the price the 2017 review
 * named for tls12-strict, Mozilla's oldest clients for intermediate and
 * modern, and what a certificate's key type changes.  Where the data and
 * those lists disagree, the test follows the data and says so.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tlsgen.h"
#include "testutil.h"

/* Loaded once, before the tests fork. */
static struct clients	 table;
static struct profiles	 profs;

/* One web service under one policy, with pairs of the given key types. */
struct scene {
	struct diags	 d;
	struct _xmlDoc	*doc;
	struct model	*m;
	struct arena	*a;
	struct offer	 o;
	bool		 resolved;
};

/*
 * The description, with fixed lines: the <tls> override is on line 8,
 * where a refused cipher string must be reported.
 */
#define TLS_LINE	8
static const char desc_fmt[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<services xmlns=\"urn:tlsgen:services:1\" domain=\"example.org\">\n"
    "  <policy profile=\"%s\"/>\n"
    "  <certificate id=\"web\">%s</certificate>\n"
    "  <web id=\"www\" server=\"nginx\" certificate=\"web\" "
    "listen=\"127.0.0.2\" http-port=\"8080\" https-port=\"8443\">\n"
    "    <host>example.org</host>\n"
    "    <root>/srv/www</root>\n"
    "    %s\n"
    "  </web>\n"
    "</services>\n";

#define PAIR_ECDSA "<pair cert=\"/etc/ssl/t/ecdsa.pem\" " \
	"key=\"/etc/ssl/t/ecdsa.key\"/>"
#define PAIR_RSA "<pair cert=\"/etc/ssl/t/rsa.pem\" key=\"/etc/ssl/t/rsa.key\"/>"

/*
 * keys: the pairs and what cert.c would have learned from them, "ecdsa",
 * "rsa", "ecdsa rsa"; NULL for both pairs unread (the profile decides).
 */
static void
scene_open(struct scene *sc, const char *profile, const char *tls,
    const char *keys)
{
	char		 xml[4096], pairs[512] = "";
	struct buf	 why;
	struct pair	*p;
	unsigned	 served;
	bool		 from_certs;
	size_t		 i;

	memset(sc, 0, sizeof(*sc));
	if (keys == NULL || strstr(keys, "ecdsa") != NULL)
		strcat(pairs, PAIR_ECDSA);
	if (keys == NULL || strstr(keys, "rsa") != NULL)
		strcat(pairs, PAIR_RSA);
	snprintf(xml, sizeof(xml), desc_fmt, profile, pairs,
	    tls != NULL ? tls : "");
	sc->doc = tu_load_text(xml, "t.xml", &sc->d);
	ck_assert_msg(sc->doc != NULL, "description refused:\n%s",
	    tu_dump(&sc->d));
	sc->m = model_build(sc->doc, &sc->d);
	ck_assert_msg(sc->m != NULL, "model refused:\n%s", tu_dump(&sc->d));
	if (policy_resolve(sc->m, &profs, &sc->d) != 0)
		return;
	sc->resolved = true;
	p = sc->m->svcs[0].cert->pairs;
	for (i = 0; keys != NULL && i < sc->m->svcs[0].cert->npairs; i++) {
		p[i].inspected = true;
		p[i].type = strstr(p[i].cert, "ecdsa") ? KEY_ECDSA : KEY_RSA;
	}
	served = service_keys(&sc->m->svcs[0], &from_certs);
	ck_assert(from_certs == (keys != NULL));
	sc->a = arena_new();
	buf_init(&why);
	ck_assert_msg(offer_build(sc->a, &table, &sc->m->svcs[0].pol, served,
	    from_certs, sc->m->target.openssl, &sc->o, &why) == 0, "%s",
	    why.data);
	buf_free(&why);
}

static void
scene_close(struct scene *sc)
{
	arena_free(sc->a);
	model_free(sc->m);
	load_free(sc->doc);
	diags_free(&sc->d);
}

static const struct client *
row(const char *name, const char *version)
{
	const struct client *c = clients_find(&table, name, version);

	ck_assert_msg(c != NULL, "%s %s is not in data/clients.tsv", name,
	    version);
	return c;
}

static const char *
verdict_text(const struct verdict *v)
{
	static char	 s[256];

	if (v->lock == LOCK_NONE)
		snprintf(s, sizeof(s), "connects with %s %s group %s key %s",
		    proto_name(v->proto), v->suite->name,
		    v->group ? v->group : "-", v->key == CERT_ECDSA ?
		    "ecdsa" : "rsa");
	else
		snprintf(s, sizeof(s), "locked out: %s (at %s)",
		    lockout_text(v->lock), v->proto ? proto_name(v->proto) :
		    "-");
	return s;
}

static struct verdict
judge_client(const struct scene *sc, const struct client *c)
{
	struct verdict	 v;

	client_connect(&table, &sc->o, c, &v);
	return v;
}

static struct verdict
connects(const struct scene *sc, const char *name, const char *version)
{
	struct verdict	 v = judge_client(sc, row(name, version));

	ck_assert_msg(v.lock == LOCK_NONE, "%s %s should connect, but is %s",
	    name, version, verdict_text(&v));
	ck_assert_ptr_nonnull(v.suite);
	return v;
}

static void
locked(const struct scene *sc, const char *name, const char *version,
    enum lockout why)
{
	struct verdict	 v = judge_client(sc, row(name, version));

	ck_assert_msg(v.lock == why, "%s %s should be locked out (%s), but "
	    "%s", name, version, lockout_text(why), verdict_text(&v));
	ck_assert_ptr_null(v.suite);
}

/*
 * Compares the leading dotted number of two table versions ("4.4.2",
 * "10.0 native", "8-10 Win7", "31.3.0 ESR Win7").
 */
static int
ver_cmp(const char *a, const char *b)
{
	char	*ea, *eb;
	long	 x, y;

	for (;;) {
		x = strtol(a, &ea, 10);
		y = strtol(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' || *eb != '.')
			return (*ea == '.') - (*eb == '.');
		a = ea + 1;
		b = eb + 1;
	}
}

static bool
numbered(const struct client *c)
{
	return c->version[0] >= '0' && c->version[0] <= '9';
}

/*
 * Every row of a family: at most `limit` (and, when `where` is set, on
 * that platform) locked out, every newer one connects.
 */
static void
family_cut(const struct scene *sc, const char *family, const char *limit,
    const char *where, size_t *nlocked, size_t *nconnect)
{
	size_t	 i;

	for (i = 0; i < table.n; i++) {
		const struct client *c = &table.v[i];
		struct verdict	 v;

		if (strcmp(c->name, family) != 0 || !numbered(c))
			continue;
		v = judge_client(sc, c);
		if (ver_cmp(c->version, limit) <= 0) {
			if (where != NULL && strstr(c->version, where) == NULL)
				continue;
			ck_assert_msg(v.lock != LOCK_NONE, "%s %s should be "
			    "locked out, but %s", c->name, c->version,
			    verdict_text(&v));
			(*nlocked)++;
		} else {
			ck_assert_msg(v.lock == LOCK_NONE, "%s %s should "
			    "connect, but is %s", c->name, c->version,
			    verdict_text(&v));
			(*nconnect)++;
		}
	}
}

/* ---- the table --------------------------------------------------------- */

START_TEST(test_table_loads)
{
	const struct client *c;

	ck_assert_uint_gt(table.n, 150);
	c = row("Firefox", "137 Win11");
	ck_assert_uint_eq(c->protocols, PROTO_TLS12 | PROTO_TLS13);
	ck_assert_uint_eq(c->keys, CERT_ECDSA | CERT_RSA);
	ck_assert_uint_eq(c->nsuites, 3);
	ck_assert_str_eq(table.group[c->groups[0]], "X25519MLKEM768");
	c = row("IE", "6 XP");
	ck_assert(c->ssl3);
	ck_assert_uint_eq(c->protocols, 0);
	ck_assert(c->any_group);
	ck_assert_uint_eq(c->keys, CERT_RSA);
	/* 0xXXXX code points: Android 2.3.7 offers RC4 (0x0004) first. */
	c = row("Android", "2.3.7");
	ck_assert_uint_eq(c->ciphers[0], 0x0004);
}
END_TEST

static void
load_bad(const char *text, const char *expect)
{
	struct clients	 cl;
	struct diags	 d;
	char		*path = tu_write_temp(text, strlen(text), ".tsv");
	char		 want[512];

	diags_init(&d, "t.xml");
	ck_assert_int_eq(clients_load(&cl, path, &d), -1);
	snprintf(want, sizeof(want), "%s%s", path, expect);
	ck_assert_msg(tu_contains(&d, want), "expected\n  %s\ngot:\n%s", want,
	    tu_dump(&d));
	unlink(path);
	free(path);
	diags_free(&d);
}

START_TEST(test_table_refuses_bad_rows)
{
	load_bad("# c\nX\t1\tTLSv1.2\t-\t-\t-\trsa\n", ":2: a row needs 8 TAB");
	load_bad("X\t1\tTLSv1.2\t-\t-\t-\trsa\ts\textra\n",
	    ":1: a row needs 8 TAB");
	load_bad("X\t1\tTLSv9\t-\t-\t-\trsa\ts\n", ":1: unknown protocol TLSv9");
	load_bad("X\t1\tTLSv1.2\tECDHE-RSA-AES128-SHA\t-\t-\trsa\ts\n",
	    ":1: not an IANA suite name: ECDHE-RSA-AES128-SHA");
	load_bad("X\t1\tTLSv1.2\t0x1G\t-\t-\trsa\ts\n", ":1: bad code point");
	load_bad("X\t1\tTLSv1.2\t-\t-\t-\tdsa\ts\n", ":1: unknown key type dsa");
	load_bad("# only comments\n", ": no client in the table");
}
END_TEST

/* ---- tls12-strict: the 2017 review ------------------------------------- */

START_TEST(test_strict_review_price)
{
	struct scene	 sc;
	size_t		 lk = 0, ok = 0;

	scene_open(&sc, "tls12-strict", NULL, "ecdsa rsa");
	ck_assert(sc.resolved);
	/* Firefox <= 26, Chrome <= 29, Opera <= 16, Android <= 4.3 out. */
	family_cut(&sc, "Firefox", "26", NULL, &lk, &ok);
	family_cut(&sc, "Chrome", "29", NULL, &lk, &ok);
	family_cut(&sc, "Opera", "16", NULL, &lk, &ok);
	family_cut(&sc, "Android", "4.3", NULL, &lk, &ok);
	/* IE <= 10 on Windows 7 out; IE 11 everywhere in. */
	family_cut(&sc, "IE", "10", "Win7", &lk, &ok);
	ck_assert_uint_ge(lk, 20);
	ck_assert_uint_ge(ok, 60);
	locked(&sc, "Firefox", "26 Win8", LOCK_PROTOCOL);
	locked(&sc, "Chrome", "29 Win7", LOCK_PROTOCOL);
	locked(&sc, "IE", "10 Win7", LOCK_PROTOCOL);
	locked(&sc, "IE", "8-10 Win7", LOCK_PROTOCOL);
	locked(&sc, "Opera", "16 Win7", LOCK_PROTOCOL);
	locked(&sc, "Android", "4.3", LOCK_PROTOCOL);
	connects(&sc, "Firefox", "27 Win8");
	connects(&sc, "Chrome", "30 Win7");
	connects(&sc, "Opera", "17 Win7");
	connects(&sc, "Android", "4.4.2");
	connects(&sc, "IE", "11 Win7");
	scene_close(&sc);
}
END_TEST

START_TEST(test_strict_serves_current)
{
	struct scene	 sc;
	struct verdict	 v;

	scene_open(&sc, "tls12-strict", NULL, "ecdsa rsa");
	v = connects(&sc, "Firefox", "137 Win11");
	ck_assert_uint_eq(v.proto, PROTO_TLS12);
	/* Server order on: the profile's first suite, not the client's. */
	ck_assert_str_eq(v.suite->name, "ECDHE-ECDSA-AES256-GCM-SHA384");
	ck_assert_str_eq(v.group, "X25519");
	ck_assert_uint_eq(v.key, CERT_ECDSA);
	connects(&sc, "Chrome", "137 Win11");
	connects(&sc, "Edge", "133 Win11 23H2");
	connects(&sc, "Safari", "18.4 iOS 18.4");
	connects(&sc, "Safari", "18.4 macOS 15.4");
	connects(&sc, "Safari", "26 iOS 26");
	connects(&sc, "Android", "14 native");
	scene_close(&sc);
}
END_TEST

/*
 * The review also wrote "Safari 8 and older"; the captures disagree:
 * Safari 7 on OS X 10.9, Safari 8 and Safari on iOS 5-7 offer TLS 1.2
 * with ECDHE SHA-384/SHA-256 CBC suites.  Only TLS 1.0 Safaris are out.
 */
START_TEST(test_strict_safari_per_data)
{
	struct scene	 sc;
	struct verdict	 v;

	scene_open(&sc, "tls12-strict", NULL, "ecdsa rsa");
	locked(&sc, "Safari", "5.1.9 OS X 10.6.8", LOCK_PROTOCOL);
	locked(&sc, "Safari", "6.0.4 OS X 10.8.4", LOCK_PROTOCOL);
	v = connects(&sc, "Safari", "8 OS X 10.10");
	ck_assert_str_eq(v.suite->name, "ECDHE-ECDSA-AES256-SHA384");
	connects(&sc, "Safari", "8 iOS 8.4");
	connects(&sc, "Safari", "7 OS X 10.9");
	connects(&sc, "Safari", "5 iOS 5.1.1");
	scene_close(&sc);
}
END_TEST

/* ---- intermediate: Mozilla's oldest clients ----------------------------- */

START_TEST(test_intermediate_oldest)
{
	struct scene	 sc;

	scene_open(&sc, "intermediate", NULL, "ecdsa rsa");
	connects(&sc, "Firefox", "31.3.0 ESR Win7");
	connects(&sc, "Android", "4.4.2");
	connects(&sc, "Chrome", "49 Win7");
	connects(&sc, "Chrome", "49 XP SP3");
	connects(&sc, "Edge", "15 Win10");
	connects(&sc, "IE", "11 Win10");
	connects(&sc, "Java", "8u161");
	connects(&sc, "OpenSSL", "1.0.1l");
	connects(&sc, "Opera", "20 Win7");
	connects(&sc, "Safari", "9 OS X 10.11");
	connects(&sc, "Safari", "9 iOS 9");
	scene_close(&sc);
}
END_TEST

START_TEST(test_intermediate_just_older)
{
	struct scene	 sc;

	scene_open(&sc, "intermediate", NULL, "ecdsa rsa");
	locked(&sc, "Firefox", "26 Win8", LOCK_PROTOCOL);
	locked(&sc, "Android", "4.3", LOCK_PROTOCOL);
	locked(&sc, "IE", "10 Win7", LOCK_PROTOCOL);
	locked(&sc, "Java", "7u25", LOCK_PROTOCOL);
	locked(&sc, "OpenSSL", "1.0.0", LOCK_PROTOCOL);
	/* TLS 1.2, but only CBC suites: none is AEAD. */
	locked(&sc, "Chrome", "30 Win7", LOCK_CIPHER);
	locked(&sc, "Opera", "17 Win7", LOCK_CIPHER);
	locked(&sc, "Safari", "8 OS X 10.10", LOCK_CIPHER);
	locked(&sc, "Safari", "8 iOS 8.4", LOCK_CIPHER);
	scene_close(&sc);
}
END_TEST

/*
 * Older than Mozilla's oldest, yet the captures offer TLS 1.2 with ECDHE
 * and AES-GCM: the data says they connect.
 */
START_TEST(test_intermediate_older_that_connect)
{
	struct scene	 sc;
	size_t		 lk = 0, ok = 0;

	scene_open(&sc, "intermediate", NULL, "ecdsa rsa");
	connects(&sc, "Firefox", "27 Win8");
	connects(&sc, "Firefox", "29 OS X");
	connects(&sc, "Firefox", "30 OS X");
	/* Chrome 31 to 48: every capture connects. */
	family_cut(&sc, "Chrome", "30", NULL, &lk, &ok);
	ck_assert_uint_ge(ok, 20);
	connects(&sc, "Chrome", "31 Win7");
	connects(&sc, "Chrome", "48 OS X");
	connects(&sc, "Edge", "13 Win10");
	connects(&sc, "IE", "11 Win7");
	connects(&sc, "IE", "11 Win8.1");
	connects(&sc, "Java", "8u31");
	connects(&sc, "Java", "8u111");
	connects(&sc, "OpenSSL", "1.0.1h");
	scene_close(&sc);
}
END_TEST

START_TEST(test_intermediate_client_order)
{
	struct scene	 sc;
	struct verdict	 v;

	scene_open(&sc, "intermediate", NULL, "ecdsa rsa");
	/* server-order off: Chrome's first suite and group. */
	v = connects(&sc, "Chrome", "137 Win11");
	ck_assert_uint_eq(v.proto, PROTO_TLS13);
	ck_assert_str_eq(v.suite->name, "TLS_AES_128_GCM_SHA256");
	/* X25519MLKEM768 is left out for OpenSSL 3.0; then X25519. */
	if (!group_available("X25519MLKEM768", sc.m->target.openssl))
		ck_assert_str_eq(v.group, "X25519");
	/* Android 4.4.2 lists secp521r1 secp384r1 prime256v1. */
	v = connects(&sc, "Android", "4.4.2");
	ck_assert_str_eq(v.group, "secp384r1");
	scene_close(&sc);
}
END_TEST

/* ---- modern: Mozilla's oldest clients ----------------------------------- */

START_TEST(test_modern_oldest)
{
	struct scene	 sc;
	struct verdict	 v;

	scene_open(&sc, "modern", NULL, "ecdsa");
	v = connects(&sc, "Firefox", "63 Win7");
	ck_assert_uint_eq(v.proto, PROTO_TLS13);
	connects(&sc, "Android", "10.0 native");
	connects(&sc, "Chrome", "70 Win10");
	connects(&sc, "Edge", "75 Win10");
	v = connects(&sc, "Java", "11.0.2 OpenJDK");
	ck_assert_str_eq(v.group, "prime256v1");
	connects(&sc, "OpenSSL", "1.1.1b Debian");
	connects(&sc, "Opera", "57");
	/* Mozilla's Safari 12.1 is iOS 12.2 / macOS 10.14.4 (TLS 1.3). */
	connects(&sc, "Safari", "12.1 iOS 12.2");
	scene_close(&sc);
}
END_TEST

START_TEST(test_modern_just_older)
{
	struct scene	 sc;

	scene_open(&sc, "modern", NULL, "ecdsa");
	locked(&sc, "Firefox", "62 Win7", LOCK_PROTOCOL);
	locked(&sc, "Chrome", "69 Win7", LOCK_PROTOCOL);
	locked(&sc, "Edge", "17 Win10", LOCK_PROTOCOL);
	locked(&sc, "Java", "10", LOCK_PROTOCOL);
	locked(&sc, "OpenSSL", "1.1.0l Debian", LOCK_PROTOCOL);
	locked(&sc, "Opera", "56", LOCK_PROTOCOL);
	locked(&sc, "Safari", "12 macOS 10.14", LOCK_PROTOCOL);
	locked(&sc, "Safari", "12 iOS 12.1", LOCK_PROTOCOL);
	/* Safari 12.1 on macOS 10.13.6 has no TLS 1.3. */
	locked(&sc, "Safari", "12.1 macOS 10.13.6", LOCK_PROTOCOL);
	/* The data's Android 9 capture offers final TLS 1.3: it connects. */
	connects(&sc, "Android", "9.0 native");
	scene_close(&sc);
}
END_TEST

/* An RSA certificate is not one modern serves: nobody can connect. */
START_TEST(test_modern_rsa_only_serves_nobody)
{
	struct scene	 sc;
	size_t		 i;

	scene_open(&sc, "modern", NULL, "rsa");
	ck_assert_uint_eq(sc.o.keys, 0);
	for (i = 0; i < table.n; i++) {
		struct verdict v = judge_client(&sc, &table.v[i]);

		ck_assert(v.lock == LOCK_PROTOCOL || v.lock == LOCK_KEY);
	}
	locked(&sc, "Firefox", "137 Win11", LOCK_KEY);
	scene_close(&sc);
}
END_TEST

/* ---- certificates: ECDSA only, then ECDSA and RSA ----------------------- */

START_TEST(test_ecdsa_only_locks_out_rsa_clients)
{
	struct scene	 e, both;
	struct verdict	 v;
	size_t		 i, lost = 0;

	scene_open(&e, "intermediate", NULL, "ecdsa");
	scene_open(&both, "intermediate", NULL, "ecdsa rsa");
	ck_assert_uint_eq(e.o.keys, CERT_ECDSA);
	/* Chrome 49 on XP offers no ECDSA suite intermediate has. */
	locked(&e, "Chrome", "49 XP SP3", LOCK_KEY);
	v = connects(&both, "Chrome", "49 XP SP3");
	ck_assert_uint_eq(v.key, CERT_RSA);
	connects(&e, "Chrome", "49 Win7");
	/* Everyone the ECDSA-only server loses, it loses for the key. */
	for (i = 0; i < table.n; i++) {
		struct verdict ve = judge_client(&e, &table.v[i]);
		struct verdict vb = judge_client(&both, &table.v[i]);

		if (vb.lock != LOCK_NONE)
			ck_assert(ve.lock != LOCK_NONE);
		else if (ve.lock != LOCK_NONE) {
			ck_assert_msg(ve.lock == LOCK_KEY, "%s %s: %s",
			    table.v[i].name, table.v[i].version,
			    verdict_text(&ve));
			lost++;
		}
	}
	ck_assert_uint_ge(lost, 1);
	scene_close(&e);
	scene_close(&both);
}
END_TEST

/* ejabberd presents one certificate: of ECDSA and RSA, the ECDSA one. */
START_TEST(test_single_certificate_server)
{
	static const char xml[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<services xmlns=\"urn:tlsgen:services:1\" domain=\"example.org\">\n"
	    "  <certificate id=\"x\">" PAIR_ECDSA PAIR_RSA "</certificate>\n"
	    "  <xmpp id=\"chat\" server=\"ejabberd\" certificate=\"x\" "
	    "listen=\"127.0.0.6\" c2s-port=\"15222\">\n"
	    "    <host>example.org</host>\n"
	    "  </xmpp>\n"
	    "</services>\n";
	struct diags	 d;
	struct _xmlDoc	*doc;
	struct model	*m;
	struct pair	*p;
	bool		 from_certs;

	doc = tu_load_text(xml, "t.xml", &d);
	ck_assert_msg(doc != NULL, "%s", tu_dump(&d));
	m = model_build(doc, &d);
	ck_assert_msg(m != NULL, "%s", tu_dump(&d));
	ck_assert_int_eq(policy_resolve(m, &profs, &d), 0);
	p = m->svcs[0].cert->pairs;
	p[0].inspected = p[1].inspected = true;
	p[0].type = KEY_ECDSA;
	p[1].type = KEY_RSA;
	ck_assert_uint_eq(service_keys(&m->svcs[0], &from_certs), CERT_ECDSA);
	ck_assert(from_certs);
	model_free(m);
	load_free(doc);
	diags_free(&d);
}
END_TEST

/* Unread certificates: the profile's cert-types stand in, and say so. */
START_TEST(test_keys_from_profile)
{
	struct scene	 sc;

	scene_open(&sc, "intermediate", NULL, NULL);
	ck_assert(!sc.o.keys_from_certs);
	ck_assert_uint_eq(sc.o.keys, CERT_ECDSA | CERT_RSA);
	connects(&sc, "Chrome", "49 XP SP3");
	scene_close(&sc);
}
END_TEST

/* ---- groups, and protocols OpenSSL 3 refuses ---------------------------- */

START_TEST(test_no_common_group)
{
	struct scene	 sc;
	struct verdict	 v;

	scene_open(&sc, "intermediate", "<tls groups=\"secp521r1\"/>",
	    "ecdsa rsa");
	ck_assert_msg(sc.resolved, "%s", tu_dump(&sc.d));
	locked(&sc, "Chrome", "137 Win11", LOCK_GROUP);
	locked(&sc, "Android", "14 native", LOCK_GROUP);
	v = connects(&sc, "Firefox", "137 Win11");
	ck_assert_str_eq(v.group, "secp521r1");
	scene_close(&sc);
}
END_TEST

START_TEST(test_old_tls10_needs_seclevel0)
{
	struct scene	 sc;
	struct verdict	 v;

	/* A custom string without @SECLEVEL=0: OpenSSL 3 refuses them. */
	scene_open(&sc, "old", "<tls ciphers=\"ECDHE-RSA-AES128-GCM-SHA256:"
	    "ECDHE-RSA-AES128-SHA:AES128-SHA\"/>", "rsa");
	ck_assert_msg(sc.resolved, "%s", tu_dump(&sc.d));
	if (sc.m->target.openssl >= 0x30000000L) {
		ck_assert_uint_eq(sc.o.refused, PROTO_TLS10 | PROTO_TLS11);
		locked(&sc, "IE", "8 Win7", LOCK_PROTOCOL);
		locked(&sc, "Java", "6u45", LOCK_PROTOCOL);
	}
	v = connects(&sc, "Firefox", "27 Win8");
	ck_assert_str_eq(v.suite->name, "ECDHE-RSA-AES128-GCM-SHA256");
	scene_close(&sc);

	/* The profile itself carries @SECLEVEL=0 (issue 12): they connect. */
	scene_open(&sc, "old", NULL, "rsa");
	ck_assert_uint_eq(sc.o.refused, 0);
	v = connects(&sc, "IE", "8 Win7");
	ck_assert_uint_eq(v.proto, PROTO_TLS10);
	scene_close(&sc);

	/* With @SECLEVEL=0 they are back, on the suites they offer. */
	scene_open(&sc, "old", "<tls ciphers=\"ECDHE-RSA-AES128-SHA:"
	    "AES128-SHA:@SECLEVEL=0\"/>", "rsa");
	ck_assert_msg(sc.resolved, "%s", tu_dump(&sc.d));
	ck_assert_uint_eq(sc.o.refused, 0);
	v = connects(&sc, "IE", "8 Win7");
	ck_assert_uint_eq(v.proto, PROTO_TLS10);
	ck_assert_str_eq(v.suite->name, "ECDHE-RSA-AES128-SHA");
	v = connects(&sc, "Java", "6u45");
	ck_assert_str_eq(v.suite->name, "AES128-SHA");
	ck_assert_ptr_null(v.group);
	locked(&sc, "IE", "6 XP", LOCK_PROTOCOL);
	scene_close(&sc);
}
END_TEST

/* ---- broken custom strings: refused at the <tls> line ------------------- */

static void
refused(const char *tls, const char *why)
{
	struct scene	 sc;
	char		 want[256];

	scene_open(&sc, "intermediate", tls, "ecdsa rsa");
	ck_assert_msg(!sc.resolved, "%s was accepted", tls);
	snprintf(want, sizeof(want), "t.xml:%d: <web id=\"www\">: %s",
	    TLS_LINE, why);
	ck_assert_msg(tu_contains(&sc.d, want), "expected\n  %s\ngot:\n%s",
	    want, tu_dump(&sc.d));
	scene_close(&sc);
}

START_TEST(test_broken_strings_refused)
{
	refused("<tls ciphers=\"NO-SUCH-CIPHER\"/>", "cipher string "
	    "\"NO-SUCH-CIPHER\" expands to nothing");
	refused("<tls ciphers=\"!ALL\"/>", "");
	refused("<tls suites=\"TLS_NO_SUCH_SUITE\"/>", "TLS 1.3 suites");
	/*
	 * 3DES: Debian's OpenSSL 3.0 has none (the string expands to
	 * nothing); a build with it refuses it as a broken cipher.
	 */
	refused("<tls ciphers=\"3DES\"/>", "");
	refused("<tls ciphers=\"DES-CBC3-SHA\"/>", "");
	refused("<tls ciphers=\"ECDHE-RSA-AES128-SHA\"/>", "ECDHE-RSA-AES128-"
	    "SHA is not AEAD, which profile intermediate requires");
}
END_TEST

/*
 * A 3DES name beside a good one: the linked OpenSSL drops the name it
 * lacks, but the string reaches the configs as written, and a target
 * built with 3DES would enable it.  Needs the policy.c change described
 * in the policy report's notes (every name of a custom string must be
 * known to the linked OpenSSL).
 */
START_TEST(test_mixed_3des_refused)
{
	refused("<tls ciphers=\"ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA\"/>",
	    "cipher \"DES-CBC3-SHA\"");
}
END_TEST

/* ---- the report --------------------------------------------------------- */

START_TEST(test_report_text_and_json)
{
	struct scene	 sc;
	struct report_opts ro = { .source = "t.xml", .json = false };
	struct buf	 out;

	scene_open(&sc, "tls12-strict", NULL, "ecdsa rsa");
	buf_init(&out);
	ck_assert_int_eq(report_policy(sc.m, &table, &ro, &out, &sc.d), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "== service: <web id=\"www\">"));
	ck_assert_ptr_nonnull(strstr(out.data, "key types   ecdsa rsa (from "
	    "the certificates)"));
	ck_assert_ptr_nonnull(strstr(out.data, "ECDHE-ECDSA-AES256-GCM-SHA384"
	    "  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
	ck_assert_ptr_nonnull(strstr(out.data, "Firefox 26 Win8"
	    "                no common protocol (client offers SSLv3 TLSv1)"));
	buf_free(&out);
	ro.json = true;
	ck_assert_int_eq(report_policy(sc.m, &table, &ro, &out, &sc.d), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"agree\": true"));
	ck_assert_ptr_nonnull(strstr(out.data, "{\"client\": \"Firefox\", "
	    "\"version\": \"26 Win8\", \"protocol\": null, \"reason\": "
	    "\"protocol\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"key_types_from\": "
	    "\"certificates\""));
	buf_free(&out);
	scene_close(&sc);
}
END_TEST

/* Any byte a table may hold still makes valid JSON. */
START_TEST(test_report_json_escapes)
{
	static const char row[] = "Q\"uo\\te\t1 \xff\x01 \xc3\xa9\tTLSv1.2\t"
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\t-\tprime256v1\trsa\ts\n";
	struct report_opts ro = { .source = "t\"x.xml", .json = true };
	struct clients	 cl;
	struct diags	 d;
	struct scene	 sc;
	struct buf	 out;
	char		*path = tu_write_temp(row, strlen(row), ".tsv");

	diags_init(&d, "t.tsv");
	ck_assert_msg(clients_load(&cl, path, &d) == 0, "%s", tu_dump(&d));
	diags_free(&d);
	unlink(path);
	free(path);
	scene_open(&sc, "intermediate", NULL, "ecdsa rsa");
	buf_init(&out);
	ck_assert_int_eq(report_policy(sc.m, &cl, &ro, &out, &sc.d), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"description\": \"t\\\"x.xml\""));
	ck_assert_msg(strstr(out.data, "{\"client\": \"Q\\\"uo\\\\te\", "
	    "\"version\": \"1 \\ufffd\\u0001 \xc3\xa9\", \"protocol\": "
	    "\"TLSv1.2\"") != NULL, "%s", out.data);
	buf_free(&out);
	clients_free(&cl);
	scene_close(&sc);
}
END_TEST

static Suite *
clients_suite(void)
{
	Suite	*s = suite_create("clients");
	TCase	*tc;

	tc = tcase_create("table");
	tcase_add_test(tc, test_table_loads);
	tcase_add_test(tc, test_table_refuses_bad_rows);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls12-strict");
	tcase_add_test(tc, test_strict_review_price);
	tcase_add_test(tc, test_strict_serves_current);
	tcase_add_test(tc, test_strict_safari_per_data);
	suite_add_tcase(s, tc);

	tc = tcase_create("intermediate");
	tcase_add_test(tc, test_intermediate_oldest);
	tcase_add_test(tc, test_intermediate_just_older);
	tcase_add_test(tc, test_intermediate_older_that_connect);
	tcase_add_test(tc, test_intermediate_client_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("modern");
	tcase_add_test(tc, test_modern_oldest);
	tcase_add_test(tc, test_modern_just_older);
	tcase_add_test(tc, test_modern_rsa_only_serves_nobody);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_test(tc, test_ecdsa_only_locks_out_rsa_clients);
	tcase_add_test(tc, test_keys_from_profile);
	tcase_add_test(tc, test_single_certificate_server);
	suite_add_tcase(s, tc);

	tc = tcase_create("groups-protocols");
	tcase_add_test(tc, test_no_common_group);
	tcase_add_test(tc, test_old_tls10_needs_seclevel0);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_add_test(tc, test_broken_strings_refused);
	tcase_add_test(tc, test_mixed_3des_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("report");
	tcase_add_test(tc, test_report_text_and_json);
	tcase_add_test(tc, test_report_json_escapes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	struct diags	 d;
	char		 dir[4096];
	int		 rc;

	/* Once for every test: loading is what must stay cheap. */
	diags_init(&d, "setup");
	snprintf(dir, sizeof(dir), "%s/profiles", tu_datadir());
	if (profiles_load(&profs, dir, &d) != 0 ||
	    clients_load(&table, tu_path("data/clients.tsv"), &d) != 0) {
		fprintf(stderr, "check_clients: cannot load the data:\n%s",
		    tu_dump(&d));
		return EXIT_FAILURE;
	}
	diags_free(&d);
	rc = tu_run(clients_suite());
	clients_free(&table);
	profiles_free(&profs);
	return rc;
}
