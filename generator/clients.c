/*
 * Who can connect: the client capability table (data/clients.tsv, data
 * written from captured ClientHellos, loaded once per run) intersected
 * with one effective policy as the linked OpenSSL expands it.
 *
 * Everything a client offers is parsed into numbers at the edge (IANA
 * code points, group indexes, PROTO_* and CERT_* bits), so judging one
 * client against one policy is a handful of set intersections.  The
 * choices follow OpenSSL's server: the highest common version is the one
 * negotiated (a server does not fall back when TLS 1.3 then fails), and
 * the suite and group come from the server's list when server order is
 * on, else from the client's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>

#include "tlsgen.h"

/* The table is data; a file larger than this is not ours. */
#define CLIENTS_FILE_MAX	(4u << 20)
#define CLIENTS_COLUMNS		8

/*
 * Group names that mean the same group: OpenSSL accepts the NIST names,
 * the data and the profiles write the SECG/X9.62 ones.
 */
static const struct {
	const char	*alias, *name;
} group_aliases[] = {
	{ "P-256", "prime256v1" },
	{ "secp256r1", "prime256v1" },
	{ "P-384", "secp384r1" },
	{ "P-521", "secp521r1" },
};

/*
 * Groups that cannot carry a TLS <= 1.2 ECDHE exchange: finite-field
 * groups (DHE in TLS 1.2 does not negotiate them in OpenSSL) and the
 * post-quantum hybrids, which exist only in TLS 1.3.  Prefixes.
 */
static const char *const groups_tls13_only[] = {
	"ffdhe", "X25519MLKEM", "SecP256r1MLKEM", "SecP384r1MLKEM",
	"MLKEM",
};

/* TLS 1.3 suites OpenSSL implements: all of them, to learn their codes. */
#define ALL_TLS13_SUITES "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:" \
	"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:" \
	"TLS_AES_128_CCM_8_SHA256"

static const char *
group_canonical(const char *g)
{
	size_t	 i;

	for (i = 0; i < sizeof(group_aliases) / sizeof(group_aliases[0]); i++)
		if (strcmp(group_aliases[i].alias, g) == 0)
			return group_aliases[i].name;
	return g;
}

static bool
group_tls13_only(const char *g)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(groups_tls13_only) /
	    sizeof(groups_tls13_only[0]); i++) {
		n = strlen(groups_tls13_only[i]);
		if (strncmp(g, groups_tls13_only[i], n) == 0)
			return true;
	}
	return false;
}

/* The index of a group in the table, or -1. */
static int
group_index(const struct clients *cl, const char *g)
{
	size_t	 i;

	g = group_canonical(g);
	for (i = 0; i < cl->ngroup; i++)
		if (strcmp(cl->group[i], g) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------ loading */

/* IANA name -> code point, from the linked OpenSSL (sorted by name). */
struct stdname {
	const char	*name;
	uint16_t	 id;
};

static int
stdname_cmp(const void *x, const void *y)
{
	return strcmp(((const struct stdname *)x)->name,
	    ((const struct stdname *)y)->name);
}

static int
stdnames_load(struct arena *a, struct stdname **out, size_t *nout)
{
	STACK_OF(SSL_CIPHER) *sk;
	SSL_CTX		*ctx;
	struct stdname	*v = NULL;
	size_t		 n = 0;
	int		 i, rc = -1;

	if ((ctx = SSL_CTX_new(TLS_method())) == NULL)
		goto out;
	if (SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
	    != 1 || SSL_CTX_set_ciphersuites(ctx, ALL_TLS13_SUITES) != 1)
		goto out;
	if ((sk = SSL_CTX_get_ciphers(ctx)) == NULL)
		goto out;
	v = arena_alloc(a, ((size_t)sk_SSL_CIPHER_num(sk) + 1) * sizeof(*v));
	for (i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		const char	*std = SSL_CIPHER_standard_name(c);

		if (std == NULL || strncmp(std, "TLS_", 4) != 0)
			continue;
		v[n].name = arena_strdup(a, std);
		v[n].id = SSL_CIPHER_get_protocol_id(c);
		n++;
	}
	qsort(v, n, sizeof(*v), stdname_cmp);
	rc = 0;
out:
	*out = v;
	*nout = n;
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

struct loader {
	struct clients	*cl;
	struct diags	*d;
	const char	*path;
	long		 line;
	struct stdname	*std;
	size_t		 nstd;
};

static void
bad(struct loader *l, const char *fmt, const char *what)
{
	diag_plain(l->d, SEV_ERROR, "%s:%ld: %s%s", l->path, l->line, fmt,
	    what);
}

/* How many fields split() will find. */
static size_t
count_fields(const char *s, const char *sep)
{
	size_t	 n = 0;

	for (;;) {
		s += strspn(s, sep);
		if (*s == '\0')
			return n;
		n++;
		s += strcspn(s, sep);
	}
}

/*
 * Splits s in place at any character of sep (empty fields are skipped)
 * into at most max fields; returns how many there are in all.
 */
static size_t
split(char *s, const char *sep, char **v, size_t max)
{
	size_t	 n = 0;
	char	*p;

	for (;;) {
		s += strspn(s, sep);
		if (*s == '\0')
			return n;
		p = s + strcspn(s, sep);
		if (n < max)
			v[n] = s;
		n++;
		if (*p == '\0')
			return n;
		if (n <= max)
			*p = '\0';
		s = p + 1;
	}
}

static int
parse_protocols(struct loader *l, struct client *c, char *s)
{
	char		*tok[8];
	const char	*badp;
	size_t		 i, n = split(s, " ", tok, 8);
	unsigned	 bit;

	if (n > 8) {
		bad(l, "too many protocols", "");
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* No server tlsgen configures speaks SSL 3.0. */
		if (strcmp(tok[i], "SSLv3") == 0) {
			c->ssl3 = true;
			continue;
		}
		if ((bit = proto_parse(tok[i], &badp)) == 0 || badp != NULL) {
			bad(l, "unknown protocol ", tok[i]);
			return -1;
		}
		c->protocols |= bit;
	}
	return 0;
}

/*
 * A list of suites: IANA names or 0xXXXX code points.  A name the linked
 * OpenSSL does not know is left out: no policy it expands can hold it,
 * so it can never be the common suite.
 */
static int
parse_suites(struct loader *l, struct arena *a, char *s, uint16_t **out,
    size_t *nout)
{
	struct stdname	 key, *hit;
	char		**tok;
	size_t		 n, i, k = 0;
	unsigned long	 v;
	char		*end;
	uint16_t	*ids;

	*out = NULL;
	*nout = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	n = count_fields(s, ":");
	tok = arena_alloc(a, (n + 1) * sizeof(*tok));
	split(s, ":", tok, n);
	ids = arena_alloc(a, (n + 1) * sizeof(*ids));
	for (i = 0; i < n; i++) {
		if (strncmp(tok[i], "0x", 2) == 0) {
			errno = 0;
			v = strtoul(tok[i] + 2, &end, 16);
			if (errno || *end != '\0' || end == tok[i] + 2 ||
			    v > 0xffff) {
				bad(l, "bad code point ", tok[i]);
				return -1;
			}
			ids[k++] = (uint16_t)v;
			continue;
		}
		if (strncmp(tok[i], "TLS_", 4) != 0) {
			bad(l, "not an IANA suite name: ", tok[i]);
			return -1;
		}
		key.name = tok[i];
		hit = bsearch(&key, l->std, l->nstd, sizeof(*l->std),
		    stdname_cmp);
		if (hit != NULL)
			ids[k++] = hit->id;
	}
	*out = ids;
	*nout = k;
	return 0;
}

static int
intern_group(struct loader *l, const char *g)
{
	struct clients	*cl = l->cl;
	int		 i;

	if ((i = group_index(cl, g)) >= 0)
		return i;
	if (cl->ngroup == CLIENT_GROUPS_MAX) {
		bad(l, "more distinct groups than tlsgen counts: ", g);
		return -1;
	}
	cl->group[cl->ngroup] = arena_strdup(cl->a, group_canonical(g));
	return (int)cl->ngroup++;
}

static int
parse_groups(struct loader *l, struct client *c, char *s)
{
	char	**tok;
	size_t	 n, i;
	int	 k;

	if (strcmp(s, "-") == 0) {
		/* RFC 4492 5.1: no extension, the server picks any curve. */
		c->any_group = true;
		return 0;
	}
	n = count_fields(s, " ");
	tok = arena_alloc(l->cl->a, (n + 1) * sizeof(*tok));
	split(s, " ", tok, n);
	c->groups = arena_alloc(l->cl->a, (n + 1) * sizeof(*c->groups));
	for (i = 0; i < n; i++) {
		if ((k = intern_group(l, tok[i])) < 0)
			return -1;
		if (c->group_set & (UINT64_C(1) << k))
			continue;
		c->group_set |= UINT64_C(1) << k;
		c->groups[c->ngroups++] = (uint8_t)k;
	}
	return 0;
}

static int
parse_keys(struct loader *l, struct client *c, char *s)
{
	char	*tok[4];
	size_t	 i, n = split(s, " ", tok, 4);

	if (n > 4) {
		bad(l, "too many key types", "");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(tok[i], "ecdsa") == 0)
			c->keys |= CERT_ECDSA;
		else if (strcmp(tok[i], "rsa") == 0)
			c->keys |= CERT_RSA;
		else {
			bad(l, "unknown key type ", tok[i]);
			return -1;
		}
	}
	if (c->keys == 0) {
		bad(l, "no key type", "");
		return -1;
	}
	return 0;
}

static int
u16_cmp(const void *x, const void *y)
{
	uint16_t a = *(const uint16_t *)x, b = *(const uint16_t *)y;

	return (a > b) - (a < b);
}

static int
parse_row(struct loader *l, char *row, struct client *c)
{
	struct arena	*a = l->cl->a;
	char		*col[CLIENTS_COLUMNS], *p;
	size_t		 n = 0;

	/* TAB separated, every column present (a '-' when empty). */
	for (p = row; n < CLIENTS_COLUMNS; n++) {
		col[n] = p;
		if ((p = strchr(p, '\t')) == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n != CLIENTS_COLUMNS || p != NULL) {
		bad(l, "a row needs 8 TAB separated columns", "");
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->line = l->line;
	c->name = arena_strdup(a, col[0]);
	c->version = arena_strdup(a, col[1]);
	c->protocols_text = arena_strdup(a, col[2]);
	c->source = arena_strdup(a, col[7]);
	if (*c->name == '\0' || *c->version == '\0') {
		bad(l, "a client needs a name and a version", "");
		return -1;
	}
	if (parse_protocols(l, c, col[2]) != 0 ||
	    parse_suites(l, a, col[3], &c->ciphers, &c->nciphers) != 0 ||
	    parse_suites(l, a, col[4], &c->suites, &c->nsuites) != 0 ||
	    parse_groups(l, c, col[5]) != 0 ||
	    parse_keys(l, c, col[6]) != 0)
		return -1;
	/* A sorted copy, to look a server's suite up in the client's. */
	c->ciphers_sorted = arena_alloc(a, (c->nciphers + 1) *
	    sizeof(*c->ciphers_sorted));
	if (c->nciphers > 0) {
		memcpy(c->ciphers_sorted, c->ciphers, c->nciphers *
		    sizeof(*c->ciphers));
		qsort(c->ciphers_sorted, c->nciphers,
		    sizeof(*c->ciphers_sorted), u16_cmp);
	}
	return 0;
}

int
clients_load(struct clients *cl, const char *path, struct diags *d)
{
	struct loader	 l;
	struct buf	 b;
	char		*line, *next, *e;
	size_t		 rows = 0, cap;
	int		 err, rc = -1;

	memset(cl, 0, sizeof(*cl));
	memset(&l, 0, sizeof(l));
	cl->a = arena_new();
	cl->path = arena_strdup(cl->a, path);
	l.cl = cl;
	l.d = d;
	l.path = path;
	buf_init(&b);
	if ((err = read_file(path, &b, CLIENTS_FILE_MAX)) != 0) {
		diag_plain(d, SEV_ERROR, "%s: cannot read the client table: "
		    "%s", path, strerror(err));
		goto out;
	}
	if (stdnames_load(cl->a, &l.std, &l.nstd) != 0) {
		diag_plain(d, SEV_ERROR, "%s: OpenSSL cannot list its cipher "
		    "suites", path);
		goto out;
	}
	for (cap = 1, line = b.data; *line != '\0'; line++)
		cap += *line == '\n';
	cl->v = arena_alloc(cl->a, cap * sizeof(*cl->v));
	for (line = b.data; line != NULL; line = next) {
		l.line++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		e = line + strlen(line);
		if (e > line && e[-1] == '\r')
			*--e = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if (parse_row(&l, line, &cl->v[rows]) != 0)
			goto out;
		rows++;
	}
	if (rows == 0) {
		diag_plain(d, SEV_ERROR, "%s: no client in the table", path);
		goto out;
	}
	cl->n = rows;
	rc = 0;
out:
	buf_free(&b);
	if (rc != 0) {
		arena_free(cl->a);
		memset(cl, 0, sizeof(*cl));
	}
	return rc;
}

void
clients_free(struct clients *cl)
{
	arena_free(cl->a);
	memset(cl, 0, sizeof(*cl));
}

const struct client *
clients_find(const struct clients *cl, const char *name, const char *version)
{
	size_t	 i;

	for (i = 0; i < cl->n; i++)
		if (strcmp(cl->v[i].name, name) == 0 &&
		    strcmp(cl->v[i].version, version) == 0)
			return &cl->v[i];
	return NULL;
}

/* ---------------------------------------------------- the server's side */

/*
 * Servers that present one certificate whatever the description holds;
 * cert_pick_one() says which.  The others present every pair the profile
 * allows.
 */
static const bool server_single_cert[SRV__N] = {
	[SRV_EJABBERD] = true,
};

static unsigned
key_bit(const struct pair *p)
{
	return p->type == KEY_ECDSA ? CERT_ECDSA : p->type == KEY_RSA ?
	    CERT_RSA : 0;
}

/*
 * The key types a service presents: with every pair read (cert.c), those
 * its server presents (cert_pair_servable, cert_pick_one: what the
 * configs get); otherwise the profile's cert-types, the best that can be
 * said.
 */
unsigned
service_keys(const struct service *s, bool *from_certs)
{
	const struct profile *prof = s->pol.profile;
	const struct pair *one;
	unsigned	 keys = 0;
	size_t		 i;

	*from_certs = false;
	if (prof == NULL)
		return 0;
	if (s->cert == NULL || s->cert->npairs == 0)
		return prof->cert_types;
	for (i = 0; i < s->cert->npairs; i++)
		if (!s->cert->pairs[i].inspected)
			return prof->cert_types;
	*from_certs = true;
	if (s->kind != SVC_MAIL && server_single_cert[s->server]) {
		one = cert_pick_one(s->cert, prof);
		return one != NULL && cert_pair_servable(one, prof) ?
		    key_bit(one) : 0;
	}
	for (i = 0; i < s->cert->npairs; i++)
		if (cert_pair_servable(&s->cert->pairs[i], prof))
			keys |= key_bit(&s->cert->pairs[i]);
	return keys;
}

static unsigned
min_proto(const SSL_CIPHER *c)
{
	const char	*badp;
	unsigned	 bit;

	/* "TLSv1.2", "TLSv1", "SSLv3": the lowest version it works with. */
	bit = proto_parse(SSL_CIPHER_get_version(c), &badp);
	return bit != 0 && badp == NULL ? bit : PROTO_TLS10;
}

static void
suite_fill(struct arena *a, const SSL_CIPHER *c, const struct profile *prof,
    struct suite *s)
{
	int	 kx = SSL_CIPHER_get_kx_nid(c);
	int	 au = SSL_CIPHER_get_auth_nid(c);
	const char *std = SSL_CIPHER_standard_name(c);

	s->id = SSL_CIPHER_get_protocol_id(c);
	s->name = arena_strdup(a, SSL_CIPHER_get_name(c));
	s->iana = arena_strdup(a, std != NULL ? std : s->name);
	s->min_proto = min_proto(c);
	s->auth = au == NID_auth_ecdsa ? CERT_ECDSA :
	    au == NID_auth_rsa ? CERT_RSA : 0;
	s->ecdhe = kx == NID_kx_ecdhe;
	/* Key exchanges a server with only certificates and groups can do. */
	s->usable = kx == NID_kx_ecdhe || kx == NID_kx_rsa ||
	    kx == NID_kx_any ||
	    (kx == NID_kx_dhe && prof != NULL && prof->dh != NULL &&
	    strcmp(prof->dh, "none") != 0);
}

static int
suite_idx_cmp(const void *x, const void *y)
{
	const struct suite_idx *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

int
offer_build(struct arena *a, const struct clients *cl,
    const struct policy *pol, unsigned keys, bool keys_from_certs,
    long target, struct offer *o, struct buf *why)
{
	STACK_OF(SSL_CIPHER) *sk;
	SSL_CTX		*ctx = NULL;
	SSL		*ssl = NULL;
	const char	*p;
	char		 g[64];
	size_t		 n, ng;
	int		 i, total, rc = -1;

	memset(o, 0, sizeof(*o));
	o->refused = policy_refused(pol, target);
	o->protocols = pol->protocols & ~o->refused;
	o->server_order = pol->server_order;
	o->keys = keys;
	o->keys_from_certs = keys_from_certs;

	/* What the servers will be told, expanded by the linked OpenSSL. */
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		buf_adds(why, "OpenSSL cannot make a context");
		goto out;
	}
	if ((pol->protocols & ~PROTO_TLS13) &&
	    SSL_CTX_set_cipher_list(ctx, pol->ciphers) != 1) {
		buf_printf(why, "cipher string \"%s\" expands to nothing",
		    pol->ciphers);
		goto out;
	}
	if ((pol->protocols & PROTO_TLS13) &&
	    SSL_CTX_set_ciphersuites(ctx, pol->suites) != 1) {
		buf_printf(why, "TLS 1.3 suites \"%s\" expand to nothing",
		    pol->suites);
		goto out;
	}
	if ((ssl = SSL_new(ctx)) == NULL || (sk = SSL_get_ciphers(ssl)) ==
	    NULL) {
		buf_adds(why, "OpenSSL cannot list the suites");
		goto out;
	}
	total = sk_SSL_CIPHER_num(sk);
	o->ciphers = arena_alloc(a, ((size_t)total + 1) * sizeof(*o->ciphers));
	o->suites = arena_alloc(a, ((size_t)total + 1) * sizeof(*o->suites));
	for (i = 0; i < total; i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		bool	 tls13 = SSL_CIPHER_get_kx_nid(c) == NID_kx_any;

		/* A list configured for a version that is off is not served. */
		if (tls13 && (pol->protocols & PROTO_TLS13))
			suite_fill(a, c, pol->profile, &o->suites[o->nsuites++]);
		else if (!tls13 && (pol->protocols & ~PROTO_TLS13))
			suite_fill(a, c, pol->profile,
			    &o->ciphers[o->nciphers++]);
	}
	if ((pol->protocols & ~PROTO_TLS13) && o->nciphers == 0) {
		buf_printf(why, "cipher string \"%s\" expands to no TLS 1.2 "
		    "cipher", pol->ciphers);
		goto out;
	}
	/* Sorted code points, to look a client's suites up in the offer. */
	o->byid = arena_alloc(a, (o->nciphers + o->nsuites + 1) *
	    sizeof(*o->byid));
	for (n = 0; n < o->nciphers; n++)
		o->byid[o->nbyid++] = (struct suite_idx){ o->ciphers[n].id,
		    false, (uint16_t)n };
	for (n = 0; n < o->nsuites; n++)
		o->byid[o->nbyid++] = (struct suite_idx){ o->suites[n].id,
		    true, (uint16_t)n };
	qsort(o->byid, o->nbyid, sizeof(*o->byid), suite_idx_cmp);

	/* Groups, in the server's order, as indexes of the client table. */
	for (ng = 1, p = pol->groups; *p != '\0'; p++)
		ng += *p == ':';
	o->groups = arena_alloc(a, ng * sizeof(*o->groups));
	for (p = pol->groups; *p != '\0'; p += n + (p[n] == ':')) {
		struct group_ref *r;

		n = strcspn(p, ":");
		if (n == 0 || n >= sizeof(g))
			continue;
		memcpy(g, p, n);
		g[n] = '\0';
		r = &o->groups[o->ngroups++];
		r->name = arena_strdup(a, group_canonical(g));
		r->index = group_index(cl, g);
		r->tls12 = !group_tls13_only(r->name);
		if (r->index >= 0) {
			o->group_set13 |= UINT64_C(1) << r->index;
			if (r->tls12)
				o->group_set12 |= UINT64_C(1) << r->index;
		}
	}
	rc = 0;
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

/* ------------------------------------------------------------ judging */

static unsigned
highest(unsigned bits)
{
	unsigned b = PROTO_TLS13;

	while (b != 0 && !(bits & b))
		b >>= 1;
	return b;
}

static const struct suite_idx *
offer_lookup(const struct offer *o, uint16_t id, bool tls13)
{
	struct suite_idx key = { id, tls13, 0 };
	const struct suite_idx *hit;

	hit = bsearch(&key, o->byid, o->nbyid, sizeof(*o->byid),
	    suite_idx_cmp);
	if (hit == NULL)
		return NULL;
	/* Code points never repeat across TLS 1.3 and TLS 1.2 suites. */
	return hit->tls13 == tls13 ? hit : NULL;
}

static bool
client_has(const struct client *c, uint16_t id)
{
	return bsearch(&id, c->ciphers_sorted, c->nciphers, sizeof(id),
	    u16_cmp) != NULL;
}

static bool
client_has13(const struct client *c, uint16_t id)
{
	size_t	 i;

	for (i = 0; i < c->nsuites; i++)
		if (c->suites[i] == id)
			return true;
	return false;
}

/* The group both would use, by the preferred side's order; NULL if none. */
static const char *
pick_group(const struct clients *cl, const struct offer *o,
    const struct client *c, uint64_t server_set, bool tls12)
{
	size_t	 i;

	if (c->any_group) {
		/* The client named none: the server's first. */
		for (i = 0; i < o->ngroups; i++)
			if (!tls12 || o->groups[i].tls12)
				return o->groups[i].name;
		return NULL;
	}
	if (o->server_order) {
		for (i = 0; i < o->ngroups; i++)
			if (o->groups[i].index >= 0 &&
			    (server_set & c->group_set &
			    (UINT64_C(1) << o->groups[i].index)))
				return o->groups[i].name;
	} else {
		for (i = 0; i < c->ngroups; i++)
			if (server_set & (UINT64_C(1) << c->groups[i]))
				return cl->group[c->groups[i]];
	}
	return NULL;
}

static void
connect13(const struct clients *cl, const struct offer *o,
    const struct client *c, struct verdict *v)
{
	const struct suite_idx *hit;
	size_t	 i;
	unsigned keys;

	if (o->server_order) {
		for (i = 0; i < o->nsuites && v->suite == NULL; i++)
			if (client_has13(c, o->suites[i].id))
				v->suite = &o->suites[i];
	} else {
		for (i = 0; i < c->nsuites && v->suite == NULL; i++)
			if ((hit = offer_lookup(o, c->suites[i], true)) != NULL)
				v->suite = &o->suites[hit->index];
	}
	if (v->suite == NULL) {
		v->lock = LOCK_CIPHER;
		return;
	}
	/* TLS 1.3 needs supported_groups; "any curve" is a TLS 1.2 idea. */
	if (c->any_group || (v->group = pick_group(cl, o, c, o->group_set13,
	    false)) == NULL) {
		v->suite = NULL;
		v->group = NULL;
		v->lock = LOCK_GROUP;
		return;
	}
	if ((keys = o->keys & c->keys) == 0) {
		v->suite = NULL;
		v->group = NULL;
		v->lock = LOCK_KEY;
		return;
	}
	/* Clients list ECDSA signature schemes first. */
	v->key = (keys & CERT_ECDSA) ? CERT_ECDSA : CERT_RSA;
}

/*
 * One candidate suite: usable at the version, by a key the server has and
 * the client verifies, with a group for ECDHE.  The failures are kept to
 * say why, when no candidate is left.
 */
enum { FAIL_KEY = 1, FAIL_GROUP = 2 };

static bool
usable12(const struct offer *o, const struct client *c, unsigned proto,
    const struct suite *s, unsigned *common, unsigned *fails)
{
	if (s->min_proto > proto || !s->usable)
		return false;
	(*common)++;
	if (!(s->auth & o->keys & c->keys)) {
		*fails |= FAIL_KEY;
		return false;
	}
	if (s->ecdhe && !c->any_group && !(c->group_set & o->group_set12)) {
		*fails |= FAIL_GROUP;
		return false;
	}
	return true;
}

static void
connect12(const struct clients *cl, const struct offer *o,
    const struct client *c, struct verdict *v)
{
	const struct suite_idx *hit;
	const struct suite *s;
	unsigned common = 0, fails = 0;
	size_t	 i;

	if (o->server_order) {
		for (i = 0; i < o->nciphers && v->suite == NULL; i++) {
			s = &o->ciphers[i];
			if (client_has(c, s->id) &&
			    usable12(o, c, v->proto, s, &common, &fails))
				v->suite = s;
		}
	} else {
		for (i = 0; i < c->nciphers && v->suite == NULL; i++) {
			if ((hit = offer_lookup(o, c->ciphers[i], false)) ==
			    NULL)
				continue;
			s = &o->ciphers[hit->index];
			if (usable12(o, c, v->proto, s, &common, &fails))
				v->suite = s;
		}
	}
	if (v->suite == NULL) {
		v->lock = common == 0 ? LOCK_CIPHER :
		    (fails & FAIL_GROUP) ? LOCK_GROUP : LOCK_KEY;
		return;
	}
	v->key = v->suite->auth;
	if (v->suite->ecdhe)
		v->group = pick_group(cl, o, c, o->group_set12, true);
}

void
client_connect(const struct clients *cl, const struct offer *o,
    const struct client *c, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->client = c;
	if ((v->proto = highest(o->protocols & c->protocols)) == 0) {
		v->lock = LOCK_PROTOCOL;
		return;
	}
	if (o->keys == 0) {
		v->lock = LOCK_KEY;
		return;
	}
	if (v->proto == PROTO_TLS13)
		connect13(cl, o, c, v);
	else
		connect12(cl, o, c, v);
}

const char *
lockout_text(enum lockout l)
{
	switch (l) {
	case LOCK_NONE:
		return "connects";
	case LOCK_PROTOCOL:
		return "no common protocol";
	case LOCK_CIPHER:
		return "no common cipher";
	case LOCK_GROUP:
		return "no common group";
	case LOCK_KEY:
		return "cannot verify the key type";
	}
	return "?";
}
