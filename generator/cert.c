/*
 * Stage 4: certificates.  Every pair a used certificate names is proven
 * with OpenSSL before any configuration trusts it: the files parse, the key
 * belongs to the leaf, the leaf is in date, covers every host of every
 * service that presents it, is strong enough for the profile and chains to
 * the trust bundle with the intermediates of its own fullchain file.
 *
 * What is learned (key type, OCSP responder, Must-Staple) drives the
 * decisions of generate: stapling "auto" follows the leaf, and each server
 * presents the pairs it can.  The same run fills an optional report for
 * `tlsgen certs` (people: one line per pair; machines: JSON; DANE: TLSA).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "tlsgen.h"

/* Where Debian keeps the system trust bundle; emit.c names it too. */
#define TRUST_DEFAULT	"/etc/ssl/certs/ca-certificates.crt"

/*
 * Read limits: a fullchain or a key is a few KiB, the system bundle some
 * 200 KiB; anything far larger is not what the description says it is.
 */
#define PEM_MAX		(1 << 20)
#define BUNDLE_MAX	(16 << 20)

/* How much of a subject or SAN list a message quotes. */
#define QUOTE_MAX	160

/*
 * Every finding the checks can make, with its stable code (for --format
 * json and scripts) and its severity.  Errors stop generate; warnings stop
 * it only with --strict; notes never.  The wording lives at the call sites,
 * where the compiler checks each format against its arguments.
 */
enum fkind {
	F_BUNDLE, F_UNREADABLE, F_NOT_PEM, F_KEY_ENCRYPTED, F_KEY_MISMATCH,
	F_LEAF_NOT_FIRST, F_NOT_YET_VALID, F_EXPIRED, F_HOST, F_CHAIN,
	F_RSA_BITS, F_CURVE, F_KEY_TYPE, F_WEAK_SIG, F_EKU, F_PROFILE_TYPE,
	F_DUP_TYPE, F_MUST_STAPLE_OFF,
	F_EXPIRES_SOON, F_CHAIN_ORDER, F_CHAIN_ROOT, F_NO_OCSP, F_MUST_STAPLE,
	F_KEY_MODE,
	F_NOT_PRESENTED,
	F__N
};

static const struct {
	const char	*code;
	enum severity	 sev;
} fkinds[F__N] = {
	[F_BUNDLE] =		{ "trust-bundle", SEV_ERROR },
	[F_UNREADABLE] =	{ "unreadable", SEV_ERROR },
	[F_NOT_PEM] =		{ "not-pem", SEV_ERROR },
	[F_KEY_ENCRYPTED] =	{ "key-encrypted", SEV_ERROR },
	[F_KEY_MISMATCH] =	{ "key-mismatch", SEV_ERROR },
	[F_LEAF_NOT_FIRST] =	{ "leaf-not-first", SEV_ERROR },
	[F_NOT_YET_VALID] =	{ "not-yet-valid", SEV_ERROR },
	[F_EXPIRED] =		{ "expired", SEV_ERROR },
	[F_HOST] =		{ "host-not-covered", SEV_ERROR },
	[F_CHAIN] =		{ "chain", SEV_ERROR },
	[F_RSA_BITS] =		{ "rsa-too-small", SEV_ERROR },
	[F_CURVE] =		{ "ec-curve", SEV_ERROR },
	[F_KEY_TYPE] =		{ "key-type", SEV_ERROR },
	[F_WEAK_SIG] =		{ "weak-signature", SEV_ERROR },
	[F_EKU] =		{ "no-server-auth", SEV_ERROR },
	[F_PROFILE_TYPE] =	{ "profile-key-type", SEV_ERROR },
	[F_DUP_TYPE] =		{ "duplicate-key-type", SEV_ERROR },
	[F_MUST_STAPLE_OFF] =	{ "must-staple-unstapled", SEV_ERROR },
	[F_EXPIRES_SOON] =	{ "expires-soon", SEV_WARNING },
	[F_CHAIN_ORDER] =	{ "chain-order", SEV_WARNING },
	[F_CHAIN_ROOT] =	{ "chain-root", SEV_WARNING },
	[F_NO_OCSP] =		{ "no-ocsp-url", SEV_WARNING },
	[F_MUST_STAPLE] =	{ "must-staple", SEV_WARNING },
	[F_KEY_MODE] =		{ "key-mode", SEV_WARNING },
	[F_NOT_PRESENTED] =	{ "not-presented", SEV_NOTE },
};

/* ------------------------------------------------------------ the report */

struct rpair {
	const char	*cert_id;
	long		 cert_line;
	size_t		 index;		/* 1-based, as people count pairs */
	long		 line;
	const char	*cert, *key;	/* as the description names them */
	bool		 read;		/* the leaf was parsed */
	const char	*type;
	int		 bits;
	const char	*curve;
	const char	*subject, *issuer;
	const char	*not_before, *not_after;
	long		 days_left;
	const char	*ocsp_url;
	bool		 must_staple;
	char		 spki[65];	/* SHA-256 of the SubjectPublicKeyInfo */
	size_t		 errors, warnings;
};

struct rfinding {
	enum severity	 sev;
	const char	*code;
	const char	*cert_id;	/* NULL: not about one certificate */
	size_t		 pair;		/* 0: not about one pair */
	const char	*file;
	long		 line;
	const char	*message;
};

struct rtlsa {
	const char	*host;
	unsigned	 port;
	const char	*spki;
};

struct cert_report {
	struct arena	*a;
	const char	*file;		/* the description */
	struct rpair	*pairs;
	size_t		 npairs, cap_pairs;
	struct rfinding	*f;
	size_t		 nf, cap_f;
	struct rtlsa	*t;
	size_t		 nt, cap_t;
	size_t		 errors, warnings;
};

/* Room for one more element; out of memory is not recoverable here. */
static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	if ((v = reallocarray(v, *cap, size)) == NULL)
		abort();
	return v;
}

struct cert_report *
cert_report_new(void)
{
	struct cert_report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		abort();
	r->a = arena_new();
	return r;
}

void
cert_report_free(struct cert_report *r)
{
	if (r == NULL)
		return;
	free(r->pairs);
	free(r->f);
	free(r->t);
	arena_free(r->a);
	free(r);
}

/* --------------------------------------------------------- the checker */

/* A distinct profile among the services that present one certificate. */
struct use {
	const struct profile *prof;
	const struct service *s;	/* the first service with it */
};

/* One run of the checks: what every check needs, and where it stands. */
struct checker {
	struct model		*m;
	struct arena		*a;	/* the model's: lives as long as it */
	const struct cert_opts	*o;
	struct diags		*d;
	struct cert_report	*rep;
	X509_STORE		*store;	/* the trust bundle; NULL: unreadable */
	int			 rootfd;	/* --root, open; -1: none */
	int			 root_err;	/* why --root cannot be opened */
	const char		*bundle;
	time_t			 now;
	/* The certificate and pair being checked. */
	struct certificate	*c;
	struct use		*uses;
	size_t			 nuses;
	struct pair		*p;
	size_t			 idx;	/* 1-based */
	size_t			 rpi;	/* its report entry, or SIZE_MAX */
};

static char *
vformat(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;
	char	*s;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		abort();
	s = arena_alloc(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* A finding for machines; pair 0 and cert_id NULL: not about one pair. */
static void
report_add(struct cert_report *r, enum severity sev, enum fkind f,
    const char *cert_id, size_t pair, const char *file, long line,
    const char *msg)
{
	struct rfinding	*rf;

	r->f = grow(r->f, &r->cap_f, r->nf, sizeof(*r->f));
	rf = &r->f[r->nf++];
	rf->sev = sev;
	rf->code = fkinds[f].code;
	rf->cert_id = cert_id ? arena_strdup(r->a, cert_id) : NULL;
	rf->pair = pair;
	rf->file = arena_strdup(r->a, file);
	rf->line = line;
	rf->message = arena_strdup(r->a, msg);
	if (sev == SEV_ERROR)
		r->errors++;
	else if (sev == SEV_WARNING)
		r->warnings++;
}

/*
 * One finding about the current pair, naming the certificate, the pair and
 * the file it is about (the certificate's or the key's), for people through
 * diags and for machines in the report.  --strict makes warnings errors.
 */
static void finding(struct checker *, enum fkind, const char *file,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
finding(struct checker *k, enum fkind f, const char *file, const char *fmt,
    ...)
{
	enum severity	 sev = fkinds[f].sev;
	va_list		 ap;
	char		*msg;

	if (sev == SEV_WARNING && k->o->strict)
		sev = SEV_ERROR;
	va_start(ap, fmt);
	msg = vformat(k->a, fmt, ap);
	va_end(ap);
	diag_at(k->d, sev, k->p->line, "certificate", k->c->id,
	    "pair %zu (%s): %s", k->idx, file, msg);
	if (k->rep != NULL)
		report_add(k->rep, sev, f, k->c->id, k->idx, file, k->p->line,
		    msg);
	if (k->rep != NULL && k->rpi != SIZE_MAX) {
		if (sev == SEV_ERROR)
			k->rep->pairs[k->rpi].errors++;
		else if (sev == SEV_WARNING)
			k->rep->pairs[k->rpi].warnings++;
	}
}

/* Makes the pair at index i (0-based) of the current certificate current. */
static void
select_pair(struct checker *k, size_t i)
{
	k->p = &k->c->pairs[i];
	k->idx = i + 1;
	k->rpi = SIZE_MAX;
	if (k->rep == NULL)
		return;
	/* Pass 1 added the pairs in order; find this one's entry. */
	for (i = 0; i < k->rep->npairs; i++)
		if (k->rep->pairs[i].cert_id == k->c->id &&
		    k->rep->pairs[i].index == k->idx)
			k->rpi = i;
}

/* --------------------------------------------------- small OpenSSL helpers */

/* Text from a certificate is not trusted: only printable ASCII is shown. */
static char *
printable(struct arena *a, const char *s, size_t len)
{
	char	*r = arena_strndup(a, s, len), *p;

	for (p = r; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	if (len > QUOTE_MAX)
		strcpy(r + QUOTE_MAX - 3, "...");
	return r;
}

/* "CN=example.org,O=..." with every non-ASCII or control byte escaped. */
static const char *
name_text(struct arena *a, const X509_NAME *n)
{
	BIO		*bio = BIO_new(BIO_s_mem());
	char		*data;
	long		 len;
	const char	*r = "?";

	if (bio == NULL || X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253) < 0)
		goto out;
	if ((len = BIO_get_mem_data(bio, &data)) > 0)
		r = printable(a, data, (size_t)len);
out:
	BIO_free(bio);
	ERR_clear_error();
	return r;
}

static const char *
time_text(struct arena *a, const ASN1_TIME *t, bool iso)
{
	struct tm	 tm;
	char		 s[32];

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return "?";
	}
	strftime(s, sizeof(s), iso ? "%Y-%m-%dT%H:%M:%SZ" :
	    "%Y-%m-%d %H:%M:%S UTC", &tm);
	return arena_strdup(a, s);
}

static bool
self_signed(X509 *x)
{
	return (X509_get_extension_flags(x) & EXFLAG_SS) != 0;
}

static const char *
leaf_ocsp_url(struct arena *a, X509 *x)
{
	STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(x);
	const char *r = NULL;

	if (urls != NULL && sk_OPENSSL_STRING_num(urls) > 0)
		r = arena_strdup(a, sk_OPENSSL_STRING_value(urls, 0));
	X509_email_free(urls);
	return r;
}

/* The TLS Feature extension (RFC 7633) is only ever status_request. */
static bool
leaf_must_staple(X509 *x)
{
	return X509_get_ext_by_NID(x, NID_tlsfeature, -1) >= 0;
}

static enum keytype
key_type(const EVP_PKEY *pk)
{
	if (pk == NULL)
		return KEY_UNKNOWN;
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_EC:
		return KEY_ECDSA;
	case EVP_PKEY_RSA:
		return KEY_RSA;
	default:
		return KEY_OTHER;
	}
}

static const char *
keytype_name(enum keytype t)
{
	switch (t) {
	case KEY_ECDSA:
		return "ECDSA";
	case KEY_RSA:
		return "RSA";
	case KEY_OTHER:
		return "other";
	default:
		return "unknown";
	}
}

/* The curve's OpenSSL name ("prime256v1"), or NULL. */
static const char *
ec_curve(struct arena *a, const EVP_PKEY *pk)
{
	char	 name[80];
	size_t	 len = 0;

	if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    name, sizeof(name), &len)) {
		ERR_clear_error();
		return NULL;
	}
	return printable(a, name, len);
}

/* "P-256" for prime256v1, else the OpenSSL name. */
static const char *
curve_nist(const char *name)
{
	const char *nist = EC_curve_nid2nist(OBJ_txt2nid(name));

	return nist != NULL ? nist : name;
}

/*
 * An encrypted key would make every server ask for a passphrase at boot;
 * never prompt on the terminal (OpenSSL would, without a callback).
 */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/*
 * Reads a file the description names: below --root as if it were "/"
 * (a link there, absolute or not, resolves inside it), else as named.
 */
static int
read_named(struct checker *k, const char *named, struct buf *b, size_t limit,
    struct stat *st)
{
	if (k->o->root == NULL || *k->o->root == '\0')
		return jail_read(-1, named, true, b, limit, st);
	if (k->rootfd == -1)
		return k->root_err;
	return jail_read(k->rootfd, named, true, b, limit, st);
}

/* --------------------------------------------------------------- pass 1 */

/*
 * Every certificate of the file, in order.  NULL (after a finding) when the
 * file cannot be read or holds no PEM certificate.
 */
static STACK_OF(X509) *
load_certs(struct checker *k, const char *path, const char *named)
{
	struct buf	 b;
	BIO		*bio = NULL;
	STACK_OF(X509)	*sk = NULL;
	X509		*x;
	unsigned long	 e;
	int		 rc;

	buf_init(&b);
	if ((rc = read_named(k, named, &b, PEM_MAX, NULL)) != 0) {
		finding(k, F_UNREADABLE, k->p->cert, "cannot read %s: %s", path,
		    read_error(rc));
		goto out;
	}
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL ||
	    (sk = sk_X509_new_null()) == NULL)
		abort();
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x))
			abort();
	/* The loop ends at the end of the file (no start line) or at junk. */
	e = ERR_peek_last_error();
	if (sk_X509_num(sk) == 0)
		finding(k, F_NOT_PEM, k->p->cert, "no PEM certificate in %s",
		    path);
	else if (!(ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE))
		finding(k, F_NOT_PEM, k->p->cert, "%s is not a clean PEM file: "
		    "%s after certificate %d", path,
		    ERR_reason_error_string(e) ? ERR_reason_error_string(e) :
		    "unreadable data", sk_X509_num(sk));
	else
		goto out;	/* a clean file */
	sk_X509_pop_free(sk, X509_free);
	sk = NULL;
out:
	BIO_free(bio);
	buf_free(&b);
	ERR_clear_error();
	return sk;
}

/* The private key, or NULL after a finding; also checks who may read it. */
static EVP_PKEY *
load_key(struct checker *k, const char *path, const char *named)
{
	struct buf	 b;
	struct stat	 st;
	BIO		*bio = NULL;
	EVP_PKEY	*key = NULL;
	int		 rc;

	buf_init(&b);
	if ((rc = read_named(k, named, &b, PEM_MAX, &st)) != 0) {
		finding(k, F_UNREADABLE, k->p->key, "cannot read %s: %s", path,
		    read_error(rc));
		goto out;
	}
	/* A key others can read is no longer private. */
	if (st.st_mode & (S_IRGRP | S_IROTH))
		finding(k, F_KEY_MODE, k->p->key, "private key is readable by "
		    "group or others (mode %04o): chmod 600, or 640 for a "
		    "server that reads it through its group",
		    (unsigned)(st.st_mode & 07777));
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL)
		abort();
	key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	if (key == NULL && strstr(b.data, "ENCRYPTED") != NULL)
		finding(k, F_KEY_ENCRYPTED, k->p->key, "private key in %s is "
		    "encrypted: servers would wait for a passphrase at boot",
		    path);
	else if (key == NULL)
		finding(k, F_NOT_PEM, k->p->key, "no PEM private key in %s",
		    path);
out:
	BIO_free(bio);
	if (b.data != NULL)
		OPENSSL_cleanse(b.data, b.len);
	buf_free(&b);
	ERR_clear_error();
	return key;
}

/* The public half of key is the certificate's (a key it cannot parse: no). */
static bool
key_matches(X509 *x, const EVP_PKEY *key)
{
	const EVP_PKEY *pub = X509_get0_pubkey(x);
	bool	 r = pub != NULL && key != NULL && EVP_PKEY_eq(pub, key) == 1;

	ERR_clear_error();
	return r;
}

/*
 * Servers present the first certificate of the file as theirs.  The leaf
 * is the one the key belongs to; failing that, the first that is no CA.
 */
static int
find_leaf(STACK_OF(X509) *file, EVP_PKEY *key)
{
	int	 i, n = sk_X509_num(file);

	for (i = 0; key != NULL && i < n; i++)
		if (key_matches(sk_X509_value(file, i), key))
			return i;
	for (i = 0; i < n; i++)
		if (X509_check_ca(sk_X509_value(file, i)) == 0)
			return i;
	ERR_clear_error();
	return 0;
}

static void
check_dates(struct checker *k, X509 *leaf)
{
	const ASN1_TIME	*nb = X509_get0_notBefore(leaf);
	const ASN1_TIME	*na = X509_get0_notAfter(leaf);
	int		 days = 0, secs = 0;

	if (X509_cmp_time(nb, &k->now) > 0)
		finding(k, F_NOT_YET_VALID, k->p->cert, "not yet valid: valid "
		    "from %s", time_text(k->a, nb, false));
	if (X509_cmp_time(na, &k->now) < 0)
		finding(k, F_EXPIRED, k->p->cert, "expired on %s",
		    time_text(k->a, na, false));
	else if (ASN1_TIME_diff(&days, &secs, NULL, na) &&
	    days < k->o->warn_days)
		finding(k, F_EXPIRES_SOON, k->p->cert, "expires in %d day%s "
		    "(%s)", days, days == 1 ? "" : "s",
		    time_text(k->a, na, false));
	ERR_clear_error();
}

/*
 * Key strength against the strictest profile that presents the
 * certificate: RSA bits, and for ECDSA the curves every client can use.
 */
static void
check_key(struct checker *k, X509 *leaf)
{
	EVP_PKEY	*pk = X509_get0_pubkey(leaf);
	const char	*curve, *name;
	const struct use *strict = NULL;
	int		 bits = pk ? EVP_PKEY_get_bits(pk) : 0, nid;
	size_t		 i;

	switch (key_type(pk)) {
	case KEY_RSA:
		for (i = 0; i < k->nuses; i++)
			if (strict == NULL || k->uses[i].prof->rsa_min_bits >
			    strict->prof->rsa_min_bits)
				strict = &k->uses[i];
		if (strict != NULL && bits < strict->prof->rsa_min_bits)
			finding(k, F_RSA_BITS, k->p->cert, "RSA key of %d bits: "
			    "profile \"%s\" (of <%s id=\"%s\">) requires at "
			    "least %d", bits, strict->prof->name,
			    strict->s->elem, strict->s->id,
			    strict->prof->rsa_min_bits);
		break;
	case KEY_ECDSA:
		curve = ec_curve(k->a, pk);
		nid = curve ? OBJ_txt2nid(curve) : NID_undef;
		if (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1) {
			finding(k, F_CURVE, k->p->cert, "EC key on curve %s: "
			    "only P-256 and P-384 work with every client",
			    curve ? curve_nist(curve) : "(unnamed)");
			break;
		}
		for (i = 0; i < k->nuses; i++) {
			const char *list = k->uses[i].prof->cert_curves, *t;
			size_t	 n = strlen(curve);
			bool	 found = false;

			for (t = list; t != NULL && *t != '\0'; t += strcspn(t,
			    " \t")) {
				t += strspn(t, " \t");
				found |= strncmp(t, curve, n) == 0 &&
				    (t[n] == '\0' || t[n] == ' ' || t[n] == '\t');
			}
			if (list != NULL && !found)
				finding(k, F_CURVE, k->p->cert, "EC key on curve "
				    "%s: profile \"%s\" (of <%s id=\"%s\">) "
				    "allows only %s", curve_nist(curve),
				    k->uses[i].prof->name, k->uses[i].s->elem,
				    k->uses[i].s->id, list);
		}
		break;
	default:
		name = pk ? EVP_PKEY_get0_type_name(pk) : NULL;
		finding(k, F_KEY_TYPE, k->p->cert, "%s key: servers present "
		    "only ECDSA (P-256, P-384) and RSA certificates",
		    name ? name : "unknown");
		break;
	}
	ERR_clear_error();
}

/* A leaf that restricts its use must allow TLS server authentication. */
static void
check_eku(struct checker *k, X509 *leaf)
{
	if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) &&
	    !(X509_get_extended_key_usage(leaf) & XKU_SSL_SERVER))
		finding(k, F_EKU, k->p->cert, "extended key usage lacks "
		    "serverAuth: clients refuse it for a TLS server");
}

/* The DNS names of the subjectAltName, for a message. */
static const char *
san_text(struct arena *a, X509 *x)
{
	GENERAL_NAMES	*gens = X509_get_ext_d2i(x, NID_subject_alt_name,
	    NULL, NULL);
	struct buf	 b;
	const char	*r;
	int		 i;

	buf_init(&b);
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type != GEN_DNS)
			continue;
		buf_printf(&b, "%sDNS:%.*s", b.len ? ", " : "",
		    ASN1_STRING_length(g->d.dNSName),
		    (const char *)ASN1_STRING_get0_data(g->d.dNSName));
	}
	r = b.len ? printable(a, b.data, b.len) : "no DNS names";
	buf_free(&b);
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return r;
}

/*
 * Every host of every service that presents the certificate, matched as
 * clients do (RFC 6125 through X509_check_host): DNS names of the
 * subjectAltName only, a wildcard only as a whole left-most label.
 */
static void
check_hosts(struct checker *k, X509 *leaf)
{
	const unsigned	 flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
	size_t		 i, j, n = 0, cap = 0;
	const char	**seen = NULL;

	for (i = 0; i < k->m->nsvcs; i++) {
		const struct service *s = &k->m->svcs[i];

		if (s->cert != k->c)
			continue;
		for (j = 0; j < s->nhosts; j++) {
			size_t	 q;

			for (q = 0; q < n; q++)
				if (strcasecmp(seen[q], s->hosts[j]) == 0)
					break;
			if (q < n)
				continue;
			seen = grow(seen, &cap, n, sizeof(*seen));
			seen[n++] = s->hosts[j];
			if (X509_check_host(leaf, s->hosts[j], 0, flags,
			    NULL) != 1)
				finding(k, F_HOST, k->p->cert, "host \"%s\" of "
				    "<%s id=\"%s\"> is not covered by the "
				    "subjectAltName (%s)", s->hosts[j],
				    s->elem, s->id, san_text(k->a, leaf));
		}
	}
	free(seen);
	ERR_clear_error();
}

/*
 * The leaf's dates and extended key usage have findings of their own;
 * the chain check reports everything else OpenSSL finds.
 */
static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	if (!ok && X509_STORE_CTX_get_error_depth(ctx) == 0)
		switch (X509_STORE_CTX_get_error(ctx)) {
		case X509_V_ERR_CERT_NOT_YET_VALID:
		case X509_V_ERR_CERT_HAS_EXPIRED:
		case X509_V_ERR_INVALID_PURPOSE:
			return 1;
		default:
			break;
		}
	return ok;
}

static bool
in_stack(STACK_OF(X509) *sk, X509 *x)
{
	int	 i;

	for (i = 0; i < sk_X509_num(sk); i++)
		if (X509_cmp(sk_X509_value(sk, i), x) == 0)
			return true;
	return false;
}

/* Clients reject SHA-1 and MD5 signatures on anything but the root. */
static void
check_signatures(struct checker *k, STACK_OF(X509) *certs, X509 *leaf,
    bool verified)
{
	int	 i, n = sk_X509_num(certs), md = NID_undef, pk;

	/* A verified chain ends in its trust anchor, whose signature is moot. */
	if (verified)
		n--;
	for (i = 0; i < n; i++) {
		X509		*x = sk_X509_value(certs, i);
		int		 sig = X509_get_signature_nid(x);
		const char	*weak;

		if (x != leaf && self_signed(x))
			continue;
		if (!OBJ_find_sigid_algs(sig, &md, &pk))
			continue;
		if (md == NID_sha1)
			weak = "SHA-1";
		else if (md == NID_md5 || md == NID_md5_sha1 || md == NID_md4)
			weak = "MD5";
		else
			continue;
		if (x == leaf)
			finding(k, F_WEAK_SIG, k->p->cert, "the leaf is signed "
			    "with %s (%s): clients reject it", weak,
			    OBJ_nid2ln(sig));
		else
			finding(k, F_WEAK_SIG, k->p->cert, "\"%s\" in the chain "
			    "is signed with %s (%s): clients reject it",
			    name_text(k->a, X509_get_subject_name(x)), weak,
			    OBJ_nid2ln(sig));
	}
	ERR_clear_error();
}

/*
 * The chain must verify to the trust bundle for a TLS server with only the
 * intermediates of the fullchain file: those are all a client receives.
 */
static void
check_chain(struct checker *k, STACK_OF(X509) *file, X509 *leaf)
{
	X509_STORE_CTX	*ctx = NULL;
	STACK_OF(X509)	*untrusted = NULL, *chain;
	X509		*at;
	const char	*prefix;
	int		 i, err, verified;

	if (k->store == NULL)
		goto out;
	prefix = arena_printf(k->a, "chain does not verify to the trust "
	    "bundle %s", k->bundle);
	if ((untrusted = sk_X509_new_null()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL)
		abort();
	for (i = 0; i < sk_X509_num(file); i++)
		if (sk_X509_value(file, i) != leaf &&
		    !sk_X509_push(untrusted, sk_X509_value(file, i)))
			abort();
	if (!X509_STORE_CTX_init(ctx, k->store, leaf, untrusted))
		abort();
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	verified = X509_verify_cert(ctx) == 1;
	err = X509_STORE_CTX_get_error(ctx);
	at = X509_STORE_CTX_get_current_cert(ctx);
	if (!verified && err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
		finding(k, F_CHAIN, k->p->cert, "%s: the leaf is self-signed",
		    prefix);
	else if (!verified && (err ==
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT))
		finding(k, F_CHAIN, k->p->cert, "%s: no issuer of \"%s\" in "
		    "the fullchain file or the bundle (missing intermediate?)",
		    prefix, at ? name_text(k->a, X509_get_subject_name(at)) :
		    "?");
	else if (!verified && err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
		finding(k, F_CHAIN, k->p->cert, "%s: its root \"%s\" is not in "
		    "the bundle", prefix,
		    at ? name_text(k->a, X509_get_subject_name(at)) : "?");
	else if (!verified)
		finding(k, F_CHAIN, k->p->cert, "%s: %s (at \"%s\")", prefix,
		    X509_verify_cert_error_string(err),
		    at ? name_text(k->a, X509_get_subject_name(at)) : "?");
	chain = verified ? X509_STORE_CTX_get0_chain(ctx) : NULL;
	/* A bundle may carry intermediates that clients do not have. */
	for (i = 1; chain != NULL && i < sk_X509_num(chain) - 1; i++)
		if (!in_stack(file, sk_X509_value(chain, i)))
			finding(k, F_CHAIN, k->p->cert, "%s with the "
			    "intermediates of the fullchain file: \"%s\" comes "
			    "only from the bundle, so clients will not get it",
			    prefix, name_text(k->a,
			    X509_get_subject_name(sk_X509_value(chain, i))));
	check_signatures(k, verified ? chain : file, leaf, verified);
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	ERR_clear_error();
}

/* Leaf first, then each certificate followed by its issuer; no root. */
static void
check_order(struct checker *k, STACK_OF(X509) *file)
{
	int	 i, n = sk_X509_num(file);
	bool	 order = false, root = false;

	for (i = 1; i < n; i++) {
		X509	*x = sk_X509_value(file, i);
		X509	*prev = sk_X509_value(file, i - 1);

		if (!order && X509_check_issued(x, prev) != X509_V_OK) {
			finding(k, F_CHAIN_ORDER, k->p->cert, "the fullchain "
			    "file is out of order: certificate %d (\"%s\") "
			    "does not issue certificate %d (\"%s\")", i + 1,
			    name_text(k->a, X509_get_subject_name(x)), i,
			    name_text(k->a, X509_get_subject_name(prev)));
			order = true;
		}
		if (!root && self_signed(x)) {
			finding(k, F_CHAIN_ROOT, k->p->cert, "the fullchain "
			    "file carries the root \"%s\": clients must "
			    "already trust it, sending it only costs bytes",
			    name_text(k->a, X509_get_subject_name(x)));
			root = true;
		}
	}
	ERR_clear_error();
}

/* What the report says about a leaf, for people and machines. */
static void
report_leaf(struct checker *k, X509 *leaf)
{
	struct rpair	*rp;
	struct arena	*a;
	EVP_PKEY	*pk = X509_get0_pubkey(leaf);
	unsigned char	*der = NULL;
	int		 n, days = 0, secs = 0;
	const char	*curve;

	if (k->rpi == SIZE_MAX)
		return;
	rp = &k->rep->pairs[k->rpi];
	a = k->rep->a;
	rp->read = true;
	rp->type = keytype_name(key_type(pk));
	rp->bits = pk ? EVP_PKEY_get_bits(pk) : 0;
	if (key_type(pk) == KEY_ECDSA && (curve = ec_curve(a, pk)) != NULL)
		rp->curve = curve_nist(curve);
	rp->subject = name_text(a, X509_get_subject_name(leaf));
	rp->issuer = name_text(a, X509_get_issuer_name(leaf));
	rp->not_before = time_text(a, X509_get0_notBefore(leaf), true);
	rp->not_after = time_text(a, X509_get0_notAfter(leaf), true);
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(leaf)))
		rp->days_left = days;
	if (k->p->ocsp_url != NULL)
		rp->ocsp_url = arena_strdup(a, k->p->ocsp_url);
	rp->must_staple = k->p->must_staple;
	if ((n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(leaf), &der)) > 0)
		sha256_hex(der, (size_t)n, rp->spki);
	OPENSSL_free(der);
	ERR_clear_error();
}

/* Pass 1: what one pair's files say on their own. */
static void
check_pair(struct checker *k)
{
	const char	*cpath = path_join(k->a, k->o->root, k->p->cert);
	const char	*kpath = path_join(k->a, k->o->root, k->p->key);
	STACK_OF(X509)	*file;
	EVP_PKEY	*key;
	X509		*leaf;
	int		 pos;

	file = load_certs(k, cpath, k->p->cert);
	key = load_key(k, kpath, k->p->key);
	if (file == NULL)
		goto out;
	pos = find_leaf(file, key);
	leaf = sk_X509_value(file, pos);
	if (key != NULL && !key_matches(leaf, key))
		finding(k, F_KEY_MISMATCH, k->p->key, "private key does not "
		    "belong to the certificate (%s)", k->p->cert);
	if (pos != 0)
		finding(k, F_LEAF_NOT_FIRST, k->p->cert, "the leaf is "
		    "certificate %d of the file, but servers present the first "
		    "(\"%s\") as theirs: put the leaf first", pos + 1,
		    name_text(k->a, X509_get_subject_name(sk_X509_value(file,
		    0))));
	k->p->inspected = true;
	k->p->type = key_type(X509_get0_pubkey(leaf));
	k->p->ocsp_url = leaf_ocsp_url(k->a, leaf);
	k->p->must_staple = leaf_must_staple(leaf);
	report_leaf(k, leaf);
	check_dates(k, leaf);
	check_key(k, leaf);
	check_eku(k, leaf);
	check_hosts(k, leaf);
	check_chain(k, file, leaf);
	if (pos == 0)
		check_order(k, file);
out:
	sk_X509_pop_free(file, X509_free);
	EVP_PKEY_free(key);
	ERR_clear_error();
}

/* --------------------------------------------------------------- pass 2 */

bool
cert_pair_servable(const struct pair *p, const struct profile *prof)
{
	if (!p->inspected || prof == NULL)
		return true;
	if (p->type == KEY_ECDSA)
		return (prof->cert_types & CERT_ECDSA) != 0;
	if (p->type == KEY_RSA)
		return (prof->cert_types & CERT_RSA) != 0;
	return false;
}

const struct pair *
cert_pick_one(const struct certificate *c, const struct profile *prof)
{
	enum keytype	 want = KEY_ECDSA;
	size_t		 i;

	if (c == NULL || c->npairs == 0)
		return NULL;
	/* ECDSA is smaller and faster; RSA only where the profile asks. */
	if (prof != NULL && !(prof->cert_types & CERT_ECDSA))
		want = KEY_RSA;
	for (i = 0; i < c->npairs; i++)
		if (c->pairs[i].inspected && c->pairs[i].type == want)
			return &c->pairs[i];
	for (i = 0; i < c->npairs; i++)
		if (cert_pair_servable(&c->pairs[i], prof))
			return &c->pairs[i];
	return &c->pairs[0];
}

/*
 * Stapling "auto" staples only where every pair the service presents was
 * read and names an OCSP responder (Let's Encrypt ended OCSP in 2025);
 * without the certificates at hand it cannot know, so it is off.
 */
static bool
staple_decision(const struct service *s, bool checked)
{
	size_t	 j;
	bool	 all;

	switch (s->pol.ocsp) {
	case OCSP_ON:
		return true;
	case OCSP_AUTO:
		all = checked && s->cert != NULL && s->cert->npairs > 0;
		for (j = 0; all && j < s->cert->npairs; j++) {
			const struct pair *p = &s->cert->pairs[j];

			if (cert_pair_servable(p, s->pol.profile))
				all = p->inspected && p->ocsp_url != NULL;
		}
		return all;
	default:
		return false;
	}
}

/*
 * Which servers staple OCSP responses at all: Postfix, Dovecot and
 * ejabberd have no stapling, whatever the policy says.
 */
static const bool server_staples[SRV__N] = {
	[SRV_NGINX] = true,
	[SRV_APACHE] = true,
};

/* The server of a service that cannot staple, or NULL. */
static const char *
nonstapling_server(const struct service *s)
{
	if (s->kind != SVC_MAIL)
		return server_staples[s->server] ? NULL :
		    server_names[s->server];
	if (s->smtp.present && !server_staples[s->smtp.server])
		return server_names[s->smtp.server];
	if (s->imap.present && !server_staples[s->imap.server])
		return server_names[s->imap.server];
	return NULL;
}

/* TLS-serving ports of a service, for DANE; 0 entries are absent ports. */
static size_t
service_ports(const struct service *s, unsigned ports[8])
{
	size_t	 n = 0;

	switch (s->kind) {
	case SVC_WEB:
		ports[n++] = s->https_port;
		break;
	case SVC_MAIL:
		if (s->smtp.present) {
			ports[n++] = s->smtp.port;
			ports[n++] = s->smtp.submission;
			ports[n++] = s->smtp.submissions;
		}
		if (s->imap.present) {
			ports[n++] = s->imap.port;
			ports[n++] = s->imap.imaps;
		}
		break;
	case SVC_XMPP:
		ports[n++] = s->c2s;
		ports[n++] = s->c2s_tls;
		ports[n++] = s->s2s;
		break;
	}
	return n;
}

static void
add_tlsa(struct checker *k, const struct service *s, const char *spki)
{
	unsigned	 ports[8];
	size_t		 i, j, n = service_ports(s, ports);

	for (i = 0; i < s->nhosts; i++)
		for (j = 0; j < n; j++) {
			struct rtlsa	*t;
			char		*h, *q;

			if (ports[j] == 0)
				continue;
			k->rep->t = grow(k->rep->t, &k->rep->cap_t, k->rep->nt,
			    sizeof(*k->rep->t));
			t = &k->rep->t[k->rep->nt++];
			h = arena_strdup(k->rep->a, s->hosts[i]);
			for (q = h; *q != '\0'; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q += 'a' - 'A';
			t->host = h;
			t->port = ports[j];
			t->spki = spki;
		}
}

/*
 * Pass 2: what the pairs mean together and for the services that present
 * them: one pair per key type, something each profile can serve, stapling
 * where the leaf needs it, and the DANE records.
 */
static void
check_uses(struct checker *k)
{
	struct certificate *c = k->c;
	size_t		 i, j, u;

	for (i = 0; i < c->npairs; i++) {
		select_pair(k, i);
		for (j = 0; j < i && k->p->inspected; j++)
			if (c->pairs[j].inspected &&
			    c->pairs[j].type == k->p->type &&
			    k->p->type != KEY_OTHER) {
				finding(k, F_DUP_TYPE, k->p->cert, "a second %s "
				    "pair (pair %zu is %s too): a server "
				    "presents one certificate per key type",
				    keytype_name(k->p->type), j + 1,
				    keytype_name(k->p->type));
				break;
			}
	}
	/* An RSA-only certificate under "modern" has nothing to present. */
	for (u = 0; u < k->nuses; u++) {
		const struct use *us = &k->uses[u];
		bool	 any = false, all = true;

		for (i = 0; i < c->npairs; i++) {
			any |= c->pairs[i].inspected &&
			    cert_pair_servable(&c->pairs[i], us->prof);
			all &= c->pairs[i].inspected;
		}
		for (i = 0; all && i < c->npairs; i++) {
			select_pair(k, i);
			if (cert_pair_servable(k->p, us->prof))
				continue;
			finding(k, any ? F_NOT_PRESENTED : F_PROFILE_TYPE,
			    k->p->cert, "%s key%s: profile \"%s\" (of <%s "
			    "id=\"%s\">) serves only %s certificates",
			    keytype_name(k->p->type), any ? " not presented" :
			    " cannot be served", us->prof->name, us->s->elem,
			    us->s->id, (us->prof->cert_types & CERT_ECDSA) &&
			    (us->prof->cert_types & CERT_RSA) ? "ECDSA and RSA" :
			    (us->prof->cert_types & CERT_ECDSA) ? "ECDSA" :
			    "RSA");
		}
	}
	for (i = 0; i < c->npairs; i++) {
		const char *srv;
		bool	 off = false;

		select_pair(k, i);
		if (!k->p->inspected)
			continue;
		for (j = 0; j < k->m->nsvcs; j++) {
			const struct service *s = &k->m->svcs[j];

			if (s->cert != c ||
			    !cert_pair_servable(k->p, s->pol.profile))
				continue;
			if (s->pol.ocsp == OCSP_ON && k->p->ocsp_url == NULL)
				finding(k, F_NO_OCSP, k->p->cert, "stapling is "
				    "on for <%s id=\"%s\"> but the leaf names "
				    "no OCSP responder", s->elem, s->id);
			if (k->p->must_staple && !staple_decision(s, true)) {
				finding(k, F_MUST_STAPLE_OFF, k->p->cert, "the "
				    "leaf demands OCSP stapling (Must-Staple) "
				    "but stapling is off for <%s id=\"%s\">: "
				    "clients will hard-fail", s->elem, s->id);
				off = true;
			} else if (k->p->must_staple &&
			    (srv = nonstapling_server(s)) != NULL) {
				finding(k, F_MUST_STAPLE_OFF, k->p->cert, "the "
				    "leaf demands OCSP stapling (Must-Staple) "
				    "but <%s id=\"%s\"> runs on %s, which cannot "
				    "staple: clients will hard-fail", s->elem,
				    s->id, srv);
				off = true;
			}
			if (k->rpi != SIZE_MAX)
				add_tlsa(k, s, k->rep->pairs[k->rpi].spki);
		}
		if (k->p->must_staple && !off)
			finding(k, F_MUST_STAPLE, k->p->cert, "the leaf asks for "
			    "OCSP Must-Staple: clients hard-fail whenever the "
			    "server has no fresh response to staple");
	}
}

/* The distinct profiles of the services that present the certificate. */
static void
collect_uses(struct checker *k)
{
	size_t	 i, j, cap = 0;

	free(k->uses);
	k->uses = NULL;
	k->nuses = 0;
	for (i = 0; i < k->m->nsvcs; i++) {
		const struct service *s = &k->m->svcs[i];

		if (s->cert != k->c || s->pol.profile == NULL)
			continue;
		for (j = 0; j < k->nuses; j++)
			if (k->uses[j].prof == s->pol.profile)
				break;
		if (j < k->nuses)
			continue;
		k->uses = grow(k->uses, &cap, k->nuses, sizeof(*k->uses));
		k->uses[k->nuses].prof = s->pol.profile;
		k->uses[k->nuses++].s = s;
	}
}

static int	 tlsa_cmp(const void *, const void *);

/*
 * The certificates and CRLs of a PEM bundle already read (the file is
 * read once, through --root), as X509_STORE_load_file() would add them;
 * returns how many.
 */
static int
store_add_pem(X509_STORE *store, const struct buf *b)
{
	STACK_OF(X509_INFO) *infos;
	X509_INFO	*xi;
	BIO		*bio;
	int		 i, n = 0;

	if ((bio = BIO_new_mem_buf(b->data, (int)b->len)) == NULL)
		abort();
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	BIO_free(bio);
	for (i = 0; infos != NULL && i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 != NULL && X509_STORE_add_cert(store, xi->x509))
			n++;
		if (xi->crl != NULL && X509_STORE_add_crl(store, xi->crl))
			n++;
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	return n;
}

/* The trust bundle, read once per run; NULL after an error. */
static X509_STORE *
load_bundle(struct checker *k)
{
	const char	*path = path_join(k->a, k->o->root, k->bundle);
	struct buf	 b;
	X509_STORE	*store = NULL;
	const char	*why = NULL;
	int		 rc;

	buf_init(&b);
	if ((rc = read_named(k, k->bundle, &b, BUNDLE_MAX, NULL)) != 0)
		why = arena_printf(k->a, "cannot read the trust bundle %s: %s",
		    path, read_error(rc));
	else if ((store = X509_STORE_new()) == NULL)
		abort();
	else if (store_add_pem(store, &b) == 0)
		why = arena_printf(k->a, "no PEM certificate in the trust "
		    "bundle %s", path);
	if (why == NULL)
		goto out;
	X509_STORE_free(store);
	store = NULL;
	/* At <trust> when the description names the bundle. */
	if (k->m->trust_line > 0)
		diag_at(k->d, SEV_ERROR, k->m->trust_line, "trust", NULL,
		    "%s", why);
	else
		diag_at(k->d, SEV_ERROR, 0, NULL, NULL, "%s", why);
	if (k->rep != NULL)
		report_add(k->rep, SEV_ERROR, F_BUNDLE, NULL, 0, k->bundle, 0,
		    why);
out:
	buf_free(&b);
	ERR_clear_error();
	return store;
}

static void
report_pair(struct checker *k)
{
	struct rpair	*rp;

	k->rpi = SIZE_MAX;
	if (k->rep == NULL)
		return;
	k->rep->pairs = grow(k->rep->pairs, &k->rep->cap_pairs,
	    k->rep->npairs, sizeof(*k->rep->pairs));
	k->rpi = k->rep->npairs++;
	rp = &k->rep->pairs[k->rpi];
	memset(rp, 0, sizeof(*rp));
	rp->cert_id = k->c->id;
	rp->cert_line = k->c->line;
	rp->index = k->idx;
	rp->line = k->p->line;
	rp->cert = arena_strdup(k->rep->a, k->p->cert);
	rp->key = arena_strdup(k->rep->a, k->p->key);
}

int
cert_check_all(struct model *m, const struct cert_opts *o, struct diags *d)
{
	struct checker	 k;
	size_t		 i, j, before = d->errors;

	memset(&k, 0, sizeof(k));
	k.m = m;
	k.a = m->a;
	k.o = o;
	k.d = d;
	k.rep = o->report;
	k.now = time(NULL);
	k.rootfd = -1;
	/* The root the user named is followed; nothing below it leaves it. */
	if (o->root != NULL && *o->root != '\0' &&
	    (k.rootfd = open(o->root, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		k.root_err = errno;
	k.bundle = m->trust_bundle ? m->trust_bundle : TRUST_DEFAULT;
	if (k.rep != NULL)
		k.rep->file = arena_strdup(k.rep->a, d->file ? d->file : "");
	for (i = 0; i < m->ncerts && k.store == NULL; i++)
		if (m->certs[i].used) {
			k.store = load_bundle(&k);
			break;
		}
	for (i = 0; i < m->ncerts; i++) {
		k.c = &m->certs[i];
		if (!k.c->used)
			continue;
		collect_uses(&k);
		for (j = 0; j < k.c->npairs; j++) {
			k.p = &k.c->pairs[j];
			k.idx = j + 1;
			report_pair(&k);
			check_pair(&k);
		}
		check_uses(&k);
	}
	if (k.rep != NULL && k.rep->nt > 0)
		qsort(k.rep->t, k.rep->nt, sizeof(*k.rep->t), tlsa_cmp);
	free(k.uses);
	if (k.rootfd != -1)
		close(k.rootfd);
	X509_STORE_free(k.store);
	ERR_clear_error();
	return d->errors > before ? -1 : 0;
}

void
cert_decide(struct model *m, const struct cert_opts *o, struct diags *d)
{
	size_t	 i;
	bool	 any_auto = false;

	for (i = 0; i < m->nsvcs; i++) {
		m->svcs[i].pol.staple = staple_decision(&m->svcs[i], o->check);
		any_auto |= m->svcs[i].pol.ocsp == OCSP_AUTO;
	}
	/* Say so once: nothing proved the files exist, match or verify. */
	if (!o->check)
		diag_at(d, SEV_WARNING, 0, NULL, NULL, "certificates not "
		    "checked (--no-cert-check)%s", any_auto ? "; OCSP "
		    "stapling \"auto\" is off everywhere" : "");
}

/* ------------------------------------------------------------- reporting */

/*
 * DANE-EE records (usage 3, selector 1: the SubjectPublicKeyInfo, matching
 * 1: SHA-256) survive a renewal that keeps the key.  Sorted by host, port
 * and digest, duplicates dropped, so the output diffs cleanly.
 */
static int
tlsa_cmp(const void *x, const void *y)
{
	const struct rtlsa *a = x, *b = y;
	int	 r;

	if ((r = strcmp(a->host, b->host)) != 0)
		return r;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->spki, b->spki);
}

static bool
tlsa_dup(const struct cert_report *r, size_t i)
{
	return i > 0 && tlsa_cmp(&r->t[i - 1], &r->t[i]) == 0;
}

void
cert_report_tlsa(const struct cert_report *r, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < r->nt; i++)
		if (!tlsa_dup(r, i) && r->t[i].spki[0] != '\0')
			buf_printf(out, "_%u._tcp.%s. IN TLSA 3 1 1 %s\n",
			    r->t[i].port, r->t[i].host, r->t[i].spki);
}

void
cert_report_text(const struct cert_report *r, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < r->npairs; i++) {
		const struct rpair *p = &r->pairs[i];

		buf_printf(out, "%s pair %zu (%s): ", p->cert_id, p->index,
		    p->cert);
		if (p->read) {
			buf_printf(out, "%s %s, ", p->type, p->curve ?
			    p->curve : arena_printf(r->a, "%d bits", p->bits));
			if (p->days_left < 0)
				buf_printf(out, "expired %.10s", p->not_after);
			else
				buf_printf(out, "expires %.10s (%ld day%s)",
				    p->not_after, p->days_left,
				    p->days_left == 1 ? "" : "s");
			buf_printf(out, ", %s%s", p->ocsp_url ? "OCSP " :
			    "no OCSP responder", p->ocsp_url ?
			    printable(r->a, p->ocsp_url, strlen(p->ocsp_url)) :
			    "");
			if (p->must_staple)
				buf_adds(out, ", Must-Staple");
		} else
			buf_adds(out, "not read");
		if (p->errors + p->warnings == 0)
			buf_adds(out, ": ok\n");
		else
			buf_printf(out, ": %zu error%s, %zu warning%s\n",
			    p->errors, p->errors == 1 ? "" : "s", p->warnings,
			    p->warnings == 1 ? "" : "s");
	}
}

static const char *
sev_name(enum severity sev)
{
	return sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" :
	    "note";
}

static void
json_pair(struct buf *b, const struct rpair *p)
{
	buf_printf(b, "        {\"pair\": %zu, \"line\": %ld, \"cert\": ",
	    p->index, p->line);
	json_string(b, p->cert);
	buf_adds(b, ", \"key\": ");
	json_string(b, p->key);
	buf_printf(b, ", \"read\": %s", p->read ? "true" : "false");
	if (p->read) {
		buf_adds(b, ", \"type\": ");
		json_string(b, p->type);
		buf_printf(b, ", \"bits\": %d, \"curve\": ", p->bits);
		json_string(b, p->curve);
		buf_adds(b, ", \"subject\": ");
		json_string(b, p->subject);
		buf_adds(b, ", \"issuer\": ");
		json_string(b, p->issuer);
		buf_adds(b, ", \"not_before\": ");
		json_string(b, p->not_before);
		buf_adds(b, ", \"not_after\": ");
		json_string(b, p->not_after);
		buf_printf(b, ", \"days_left\": %ld, \"ocsp_url\": ",
		    p->days_left);
		json_string(b, p->ocsp_url);
		buf_printf(b, ", \"must_staple\": %s, \"spki_sha256\": ",
		    p->must_staple ? "true" : "false");
		json_string(b, p->spki);
	}
	buf_printf(b, ", \"errors\": %zu, \"warnings\": %zu}", p->errors,
	    p->warnings);
}

void
cert_report_json(const struct cert_report *r, struct buf *b)
{
	size_t	 i;
	bool	 first;

	buf_adds(b, "{\n  \"tlsgen\": ");
	json_string(b, TLSGEN_VERSION);
	buf_adds(b, ",\n  \"file\": ");
	json_string(b, r->file);
	buf_printf(b, ",\n  \"errors\": %zu,\n  \"warnings\": %zu,\n",
	    r->errors, r->warnings);
	buf_adds(b, "  \"certificates\": [");
	for (i = 0; i < r->npairs; i++) {
		const struct rpair *p = &r->pairs[i];
		bool	 new = i == 0 || r->pairs[i - 1].cert_id != p->cert_id;

		if (new) {
			buf_adds(b, i == 0 ? "\n    {\"id\": " :
			    "\n      ]},\n    {\"id\": ");
			json_string(b, p->cert_id);
			buf_printf(b, ", \"line\": %ld, \"pairs\": [\n",
			    p->cert_line);
		} else
			buf_adds(b, ",\n");
		json_pair(b, p);
	}
	buf_adds(b, r->npairs ? "\n      ]}\n  ],\n" : "],\n");
	buf_adds(b, "  \"findings\": [");
	for (i = 0; i < r->nf; i++) {
		const struct rfinding *f = &r->f[i];

		buf_adds(b, i ? ",\n    {\"severity\": " :
		    "\n    {\"severity\": ");
		json_string(b, sev_name(f->sev));
		buf_adds(b, ", \"code\": ");
		json_string(b, f->code);
		buf_adds(b, ", \"certificate\": ");
		json_string(b, f->cert_id);
		if (f->pair > 0)
			buf_printf(b, ", \"pair\": %zu", f->pair);
		else
			buf_adds(b, ", \"pair\": null");
		buf_adds(b, ", \"file\": ");
		json_string(b, f->file);
		buf_printf(b, ", \"line\": %ld, \"message\": ", f->line);
		json_string(b, f->message);
		buf_addc(b, '}');
	}
	buf_adds(b, r->nf ? "\n  ],\n" : "],\n");
	buf_adds(b, "  \"tlsa\": [");
	for (i = 0, first = true; i < r->nt; i++) {
		if (tlsa_dup(r, i) || r->t[i].spki[0] == '\0')
			continue;
		buf_adds(b, first ? "\n    {\"host\": " : ",\n    {\"host\": ");
		json_string(b, r->t[i].host);
		buf_printf(b, ", \"port\": %u, \"record\": ", r->t[i].port);
		json_string(b, arena_printf(r->a, "_%u._tcp.%s. IN TLSA 3 1 1 %s",
		    r->t[i].port, r->t[i].host, r->t[i].spki));
		buf_addc(b, '}');
		first = false;
	}
	buf_adds(b, first ? "]\n}\n" : "\n  ]\n}\n");
}
