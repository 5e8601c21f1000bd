/*
 * Stage 3: the effective TLS policy of every service.  The site policy and
 * a service's overrides meet in exactly one place (merge()), on top of the
 * named profile.  Then OpenSSL itself expands every cipher string, so what
 * is checked is what the servers will enforce, and groups that the target
 * OpenSSL lacks are left out with a note instead of breaking a config.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>

#include "tlsgen.h"

/* Defaults where neither the site nor the service says anything. */
#define DEFAULT_PROFILE		"intermediate"
#define DEFAULT_HSTS_AGE	63072000L
#define DEFAULT_CACHE_SIZE	(10u * 1024 * 1024)
#define DEFAULT_CACHE_TIMEOUT	86400L

/*
 * Key-exchange groups and the first OpenSSL release that has them: the
 * output for a declared target follows this table; for the build host's
 * own OpenSSL the library is asked directly.
 */
static const struct {
	const char	*name;
	long		 since;	/* OPENSSL_VERSION_NUMBER layout */
} groups_known[] = {
	{ "X25519MLKEM768",	0x30500000L },
	{ "SecP256r1MLKEM768",	0x30500000L },
	{ "SecP384r1MLKEM1024",	0x30500000L },
	{ "X25519",		0x10100000L },
	{ "X448",		0x10101000L },
	{ "prime256v1",		0x10000000L },
	{ "P-256",		0x10000000L },
	{ "secp384r1",		0x10000000L },
	{ "P-384",		0x10000000L },
	{ "secp521r1",		0x10000000L },
	{ "P-521",		0x10000000L },
	{ "ffdhe2048",		0x30000000L },
	{ "ffdhe3072",		0x30000000L },
	{ "ffdhe4096",		0x30000000L },
};

long
openssl_linked_version(void)
{
	/* Major, minor, patch only: the output must not depend on more. */
	return (long)(OpenSSL_version_num() & 0xfffffff0UL);
}

static bool
group_linked(const char *group)
{
	SSL_CTX	*ctx = SSL_CTX_new(TLS_server_method());
	bool	 ok;

	if (ctx == NULL)
		return false;
	ok = SSL_CTX_set1_groups_list(ctx, group) == 1;
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

bool
group_available(const char *group, long target)
{
	size_t	 i;

	if (target == openssl_linked_version())
		return group_linked(group);
	for (i = 0; i < sizeof(groups_known) / sizeof(groups_known[0]); i++)
		if (strcmp(groups_known[i].name, group) == 0)
			return target >= groups_known[i].since;
	return false;
}

static bool
group_known(const char *group)
{
	size_t	 i;

	for (i = 0; i < sizeof(groups_known) / sizeof(groups_known[0]); i++)
		if (strcmp(groups_known[i].name, group) == 0)
			return true;
	return group_linked(group);
}

/* The one merge step: profile, then site, then service. */
static void
merge(struct policy *out, const struct profile *prof,
    const struct policy_in *site, const struct policy_in *svc)
{
	const struct policy_in *layer[2] = { site, svc };
	size_t	 i;

	memset(out, 0, sizeof(*out));
	out->profile = prof;
	out->protocols = prof->protocols;
	out->ciphers = prof->ciphers;
	out->suites = prof->suites;
	out->groups = prof->groups;
	out->server_order = prof->server_order;
	out->hsts_max_age = DEFAULT_HSTS_AGE;
	out->ocsp = OCSP_AUTO;
	out->cache_size = DEFAULT_CACHE_SIZE;
	out->cache_timeout = DEFAULT_CACHE_TIMEOUT;
	out->tickets = false;
	for (i = 0; i < 2; i++) {
		const struct policy_in *p = layer[i];

		if (p->set & POL_HSTS_AGE)
			out->hsts_max_age = p->hsts_max_age;
		if (p->set & POL_HSTS_SUB)
			out->hsts_sub = p->hsts_sub;
		if (p->set & POL_HSTS_PRELOAD)
			out->hsts_preload = p->hsts_preload;
		if (p->set & POL_OCSP)
			out->ocsp = p->ocsp;
		if (p->set & POL_CACHE_SIZE)
			out->cache_size = p->cache_size;
		if (p->set & POL_CACHE_TIMEOUT)
			out->cache_timeout = p->cache_timeout;
		if (p->set & POL_TICKETS)
			out->tickets = p->tickets;
		if (p->set & POL_PROTOCOLS)
			out->protocols = p->protocols;
		if (p->set & POL_CIPHERS)
			out->ciphers = p->ciphers;
		if (p->set & POL_SUITES)
			out->suites = p->suites;
		if (p->set & POL_GROUPS)
			out->groups = p->groups;
		if (p->set & POL_ORDER)
			out->server_order = p->server_order;
		if (p->set & (POL_CIPHERS | POL_SUITES | POL_GROUPS |
		    POL_PROTOCOLS)) {
			out->custom = true;
			out->tls_line = p->tls_line;
		}
	}
}

/*
 * Results of the OpenSSL checks, keyed by the strings checked: thousands
 * of services share a handful of policies, and each check costs an
 * SSL_CTX.
 */
struct checked {
	const char	*ciphers, *suites, *groups_in;
	const struct profile *profile;
	unsigned	 protocols;
	const char	*groups_out;
	char		*why;	/* NULL when good */
};

#define CHECK_CACHE	64

struct resolver {
	struct model	*m;
	struct diags	*d;
	struct checked	 cache[CHECK_CACHE];
	size_t		 ncache;
	struct buf	 dropped;	/* groups already noted */
};

static bool
forbidden_by_rules(const struct profile *prof, const SSL_CIPHER *c,
    struct buf *why)
{
	int	 kx = SSL_CIPHER_get_kx_nid(c);
	int	 auth = SSL_CIPHER_get_auth_nid(c);
	int	 enc = SSL_CIPHER_get_cipher_nid(c);
	bool	 dhe_ok = strcmp(prof->dh, "none") != 0;

	if (prof->forward_secret && kx != NID_kx_ecdhe &&
	    !(kx == NID_kx_dhe && dhe_ok)) {
		buf_printf(why, "%s has no forward-secret key exchange the "
		    "profile allows", SSL_CIPHER_get_name(c));
		return true;
	}
	if (auth != NID_auth_ecdsa && auth != NID_auth_rsa) {
		buf_printf(why, "%s is not authenticated by an ECDSA or RSA "
		    "certificate", SSL_CIPHER_get_name(c));
		return true;
	}
	if (enc == NID_undef || enc == NID_rc4 || enc == NID_des_ede3_cbc ||
	    enc == NID_des_cbc) {
		buf_printf(why, "%s uses a broken cipher",
		    SSL_CIPHER_get_name(c));
		return true;
	}
	if (prof->aead_only && !SSL_CIPHER_is_aead(c)) {
		buf_printf(why, "%s is not AEAD, which profile %s requires",
		    SSL_CIPHER_get_name(c), prof->name);
		return true;
	}
	return false;
}

static bool
has_token(const char *list, const char *tok)
{
	size_t	 n = strlen(tok);
	const char *p;

	for (p = list; p != NULL && (p = strstr(p, tok)) != NULL; p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == ':') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ':'))
			return true;
	return false;
}

/*
 * TLS 1.3 suites are outside OpenSSL's cipher-string aliases, so the
 * forbid list's only tokens that can name one (AESCCM, AESCCM8) are
 * applied here.
 */
static bool
forbidden_tls13(const struct profile *prof, const SSL_CIPHER *c,
    struct buf *why)
{
	const char *name = SSL_CIPHER_standard_name(c);
	bool	 ccm8 = name != NULL && strstr(name, "CCM_8") != NULL;
	bool	 ccm = name != NULL && strstr(name, "CCM") != NULL;

	if ((ccm && has_token(prof->forbid, "AESCCM")) ||
	    (ccm8 && has_token(prof->forbid, "AESCCM8"))) {
		buf_printf(why, "%s is forbidden by profile %s", name,
		    prof->name);
		return true;
	}
	return false;
}

/* Every suite the profile's forbid list names, expanded by OpenSSL. */
static bool
forbidden_by_list(const struct profile *prof, const SSL_CIPHER *c,
    struct buf *why)
{
	STACK_OF(SSL_CIPHER) *sk;
	SSL_CTX	*ctx;
	char	*list;
	bool	 hit = false;
	int	 i;

	if (prof->forbid == NULL || *prof->forbid == '\0')
		return false;
	if ((ctx = SSL_CTX_new(TLS_method())) == NULL)
		return false;
	list = OPENSSL_zalloc(strlen(prof->forbid) + 16);
	if (list != NULL) {
		size_t	 k;

		strcpy(list, prof->forbid);
		for (k = 0; list[k] != '\0'; k++)
			if (list[k] == ' ')
				list[k] = ':';
		strcat(list, ":@SECLEVEL=0");
		if (SSL_CTX_set_cipher_list(ctx, list) == 1 &&
		    (sk = SSL_CTX_get_ciphers(ctx)) != NULL)
			for (i = 0; i < sk_SSL_CIPHER_num(sk); i++)
				if (SSL_CIPHER_get_id(sk_SSL_CIPHER_value(sk,
				    i)) == SSL_CIPHER_get_id(c)) {
					hit = true;
					buf_printf(why, "%s is forbidden by "
					    "profile %s", SSL_CIPHER_get_name(c),
					    prof->name);
					break;
				}
	}
	OPENSSL_free(list);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return hit;
}

/* Groups the target lacks are dropped; unknown names are errors. */
static const char *
filter_groups(struct resolver *r, const char *in, struct buf *why)
{
	struct buf	 out;
	const char	*p = in, *res;
	char		 g[64];
	size_t		 n;

	buf_init(&out);
	while (*p != '\0') {
		n = strcspn(p, ":");
		if (n == 0 || n >= sizeof(g)) {
			buf_printf(why, "bad group list \"%s\"", in);
			break;
		}
		memcpy(g, p, n);
		g[n] = '\0';
		p += n + (p[n] == ':');
		if (!group_known(g)) {
			buf_printf(why, "unknown group \"%s\"", g);
			break;
		}
		if (!group_available(g, r->m->target.openssl)) {
			char	 tag[80];

			snprintf(tag, sizeof(tag), "[%s]", g);
			if (r->dropped.data == NULL ||
			    strstr(r->dropped.data, tag) == NULL) {
				buf_adds(&r->dropped, tag);
				diag_at(r->d, SEV_NOTE, 0, NULL, NULL, "group "
				    "%s left out: the target OpenSSL "
				    "(%ld.%ld.%ld) does not have it", g,
				    (r->m->target.openssl >> 28) & 0xf,
				    (r->m->target.openssl >> 20) & 0xff,
				    (r->m->target.openssl >> 4) & 0xff);
			}
			continue;
		}
		if (out.len)
			buf_addc(&out, ':');
		buf_adds(&out, g);
	}
	if (why->len == 0 && out.len == 0)
		buf_printf(why, "no group of \"%s\" is available to the "
		    "target OpenSSL", in);
	res = arena_strdup(r->m->a, out.data ? out.data : "");
	buf_free(&out);
	return res;
}

/*
 * Each name of a cipher string must mean something to the linked OpenSSL:
 * the string is written as is, and a name unknown here (3DES in Debian's
 * build) could enable anything on the target.  Operators (!x -x +x @x)
 * only remove or reorder.  Returns the first unknown element, or NULL.
 */
static const char *
unknown_element(struct arena *a, const char *list, bool suites)
{
	const char	*p = list, *bad = NULL;
	SSL_CTX		*ctx;
	char		*e;
	size_t		 n;

	if ((ctx = SSL_CTX_new(TLS_method())) == NULL)
		return NULL;
	for (; *p != '\0' && bad == NULL; p += n + (p[n] == ':')) {
		n = strcspn(p, ":");
		if (n == 0 || strchr("!-+@", *p) != NULL)
			continue;
		e = arena_printf(a, "%.*s%s", (int)n, p,
		    suites ? "" : ":@SECLEVEL=0");
		if ((suites ? SSL_CTX_set_ciphersuites(ctx, e) :
		    SSL_CTX_set_cipher_list(ctx, e)) != 1)
			bad = arena_strndup(a, p, n);
	}
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return bad;
}

/* Expands the strings with OpenSSL and checks them against the profile. */
static const struct checked *
check_strings(struct resolver *r, const struct policy *pol)
{
	STACK_OF(SSL_CIPHER) *sk;
	struct checked	*c;
	SSL_CTX		*ctx = NULL;
	struct buf	 why;
	const char	*bad;
	size_t		 i;
	int		 k;

	for (i = 0; i < r->ncache; i++) {
		c = &r->cache[i];
		if (c->profile == pol->profile &&
		    c->protocols == pol->protocols &&
		    strcmp(c->ciphers, pol->ciphers) == 0 &&
		    strcmp(c->suites, pol->suites) == 0 &&
		    strcmp(c->groups_in, pol->groups) == 0)
			return c;
	}
	c = &r->cache[r->ncache < CHECK_CACHE ? r->ncache++ : CHECK_CACHE - 1];
	buf_init(&why);
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		buf_adds(&why, "OpenSSL cannot make a context");
		goto out;
	}
	if (pol->protocols & ~pol->profile->protocols)
		buf_printf(&why, "protocols outside what profile %s allows",
		    pol->profile->name);
	else if ((pol->protocols & PROTO_TLS12) && *pol->ciphers == '\0')
		buf_adds(&why, "TLS 1.2 is on but no TLS 1.2 cipher is set");
	else if ((pol->protocols & PROTO_TLS12) &&
	    SSL_CTX_set_cipher_list(ctx, pol->ciphers) != 1)
		buf_printf(&why, "cipher string \"%s\" expands to nothing",
		    pol->ciphers);
	else if ((pol->protocols & PROTO_TLS12) &&
	    pol->ciphers != pol->profile->ciphers &&
	    (bad = unknown_element(r->m->a, pol->ciphers, false)) != NULL)
		buf_printf(&why, "cipher \"%s\" is unknown to the linked "
		    "OpenSSL and cannot be checked", bad);
	else if ((pol->protocols & PROTO_TLS13) && *pol->suites == '\0')
		buf_adds(&why, "TLS 1.3 is on but no TLS 1.3 suite is set");
	else if ((pol->protocols & PROTO_TLS13) &&
	    ((pol->suites != pol->profile->suites &&
	    unknown_element(r->m->a, pol->suites, true) != NULL) ||
	    SSL_CTX_set_ciphersuites(ctx, pol->suites) != 1))
		buf_printf(&why, "TLS 1.3 suites \"%s\" are not all known to "
		    "OpenSSL", pol->suites);
	else if ((sk = SSL_CTX_get_ciphers(ctx)) != NULL) {
		for (k = 0; k < sk_SSL_CIPHER_num(sk); k++) {
			const SSL_CIPHER *sc = sk_SSL_CIPHER_value(sk, k);

			if (SSL_CIPHER_get_kx_nid(sc) == NID_kx_any) {
				if ((pol->protocols & PROTO_TLS13) &&
				    forbidden_tls13(pol->profile, sc, &why))
					break;
				continue;
			}
			if (!(pol->protocols & PROTO_TLS12))
				break;
			if (forbidden_by_rules(pol->profile, sc, &why) ||
			    forbidden_by_list(pol->profile, sc, &why))
				break;
		}
	}
	if (why.len == 0)
		c->groups_out = filter_groups(r, pol->groups, &why);
out:
	c->profile = pol->profile;
	c->protocols = pol->protocols;
	c->ciphers = pol->ciphers;
	c->suites = pol->suites;
	c->groups_in = pol->groups;
	c->why = why.len ? arena_strdup(r->m->a, why.data) : NULL;
	buf_free(&why);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return c;
}

static bool
same_tls(const struct policy *a, const struct policy *b)
{
	return a->protocols == b->protocols &&
	    strcmp(a->ciphers, b->ciphers) == 0 &&
	    strcmp(a->suites, b->suites) == 0 &&
	    strcmp(a->groups, b->groups) == 0 &&
	    a->server_order == b->server_order &&
	    a->cache_size == b->cache_size &&
	    a->cache_timeout == b->cache_timeout &&
	    a->tickets == b->tickets;
}

/*
 * nginx takes protocols and the session cache from the default server of
 * each socket, Apache from the first virtual host: services sharing an
 * address and port must agree, or some of them would silently get the
 * other's policy.
 */
static int
socket_cmp(const void *x, const void *y)
{
	const struct service *a = *(const struct service *const *)x;
	const struct service *b = *(const struct service *const *)y;
	int	 r;

	if (a->server != b->server)
		return (int)a->server - (int)b->server;
	if (a->https_port != b->https_port)
		return (int)a->https_port - (int)b->https_port;
	if ((r = strcmp(a->listen.text, b->listen.text)) != 0)
		return r;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void
check_shared_sockets(struct resolver *r)
{
	struct model	*m = r->m;
	const struct service **v;
	size_t		 i, n = 0;

	if ((v = calloc(m->nsvcs + 1, sizeof(*v))) == NULL)
		abort();
	for (i = 0; i < m->nsvcs; i++)
		if (m->svcs[i].kind == SVC_WEB && m->svcs[i].pol.profile)
			v[n++] = &m->svcs[i];
	/* Sorted by socket: services sharing one are neighbours. */
	qsort(v, n, sizeof(*v), socket_cmp);
	for (i = 1; i < n; i++) {
		const struct service *a = v[i - 1], *b = v[i];

		if (b->server != a->server || b->https_port != a->https_port ||
		    strcmp(b->listen.text, a->listen.text) != 0)
			continue;
		if (!same_tls(&a->pol, &b->pol))
			diag_at(r->d, SEV_ERROR, b->line, b->elem, b->id,
			    "shares %s:%u with <%s id=\"%s\"> (line %ld) but "
			    "not its TLS settings; %s takes them from one "
			    "server per socket", b->listen.text, b->https_port,
			    a->elem, a->id, a->line, server_names[b->server]);
	}
	free(v);
}

/* Names the attribute and the profiles there are, or the nearest one. */
static void
unknown_profile(struct diags *d, const struct profiles *ps, long line,
    const char *elem, const char *id, const char *name)
{
	const char	**names;
	const char	*hint;
	struct buf	 b;
	size_t		 i;

	if ((names = calloc(ps->n + 1, sizeof(*names))) == NULL)
		abort();
	buf_init(&b);
	for (i = 0; i < ps->n; i++) {
		names[i] = ps->v[i].name;
		buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	}
	if ((hint = diag_nearest(name, names, ps->n)) != NULL)
		diag_at(d, SEV_ERROR, line, elem, id, "attribute profile=\"%s\": "
		    "unknown profile (did you mean %s?)", name, hint);
	else
		diag_at(d, SEV_ERROR, line, elem, id, "attribute profile=\"%s\": "
		    "unknown profile; known: %s", name, b.data ? b.data : "none");
	buf_free(&b);
	free(names);
}

int
policy_resolve(struct model *m, const struct profiles *ps, struct diags *d)
{
	struct resolver	 r;
	size_t		 i, k, before = d->errors, site_said = 0, nsaid = 0;
	const char	*said[CHECK_CACHE];	/* reported at the site's <tls> */

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.d = d;
	buf_init(&r.dropped);
	for (i = 0; i < m->nsvcs; i++) {
		struct service	*s = &m->svcs[i];
		const char	*name = DEFAULT_PROFILE;
		long		 line = s->line;
		const struct profile *prof;
		const struct checked *c;

		if (s->over.set & POL_PROFILE)
			name = s->over.profile;
		else if (m->site.set & POL_PROFILE) {
			name = m->site.profile;
			line = m->site.line;
		}
		if ((prof = profile_find(ps, name)) == NULL) {
			/* The site's profile: one error, at <policy>. */
			if (s->over.set & POL_PROFILE)
				unknown_profile(d, ps, line, s->elem, s->id,
				    name);
			else if (site_said++ > 0)
				;
			else if (m->site.set & POL_PROFILE)
				unknown_profile(d, ps, line, "policy", NULL,
				    name);
			else
				diag_plain(d, SEV_ERROR, "the default profile "
				    "%s is not installed", name);
			continue;
		}
		merge(&s->pol, prof, &m->site, &s->over);
		c = check_strings(&r, &s->pol);
		if (c->why != NULL) {
			/* Strings all from the site's <tls>: said once, there. */
			if (s->pol.custom && !(s->over.set & (POL_CIPHERS |
			    POL_SUITES | POL_GROUPS | POL_PROTOCOLS))) {
				for (k = 0; k < nsaid; k++)
					if (strcmp(said[k], c->why) == 0)
						break;
				if (k == nsaid)
					diag_at(d, SEV_ERROR, s->pol.tls_line,
					    "tls", NULL, "%s", c->why);
				if (k == nsaid && nsaid < CHECK_CACHE)
					said[nsaid++] = c->why;
			} else
				diag_at(d, SEV_ERROR, s->pol.custom ?
				    s->pol.tls_line : s->line, s->elem, s->id,
				    "%s", c->why);
			s->pol.profile = NULL;
			continue;
		}
		s->pol.groups = c->groups_out;
		if (s->kind == SVC_WEB && s->pol.hsts_max_age > 0 &&
		    s->pol.hsts_max_age < prof->hsts_min)
			diag_at(d, SEV_WARNING, s->line, s->elem, s->id,
			    "HSTS max-age %ld is below profile %s's minimum "
			    "of %ld", s->pol.hsts_max_age, prof->name,
			    prof->hsts_min);
	}
	if (d->errors == before)
		check_shared_sockets(&r);
	buf_free(&r.dropped);
	return d->errors > before ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * What each server enforces of a policy.  A profile is a wish; a server
 * can only keep what it has a setting for.  These facts are the one place
 * that says so: the templates write the enforced policy, generate warns
 * where it differs from the wish, and `policy` reports it per server.
 */

/* OpenSSL's own choices where a server cannot set anything. */
#define OPENSSL_DEFAULT_SUITES	"TLS_AES_256_GCM_SHA384:" \
	"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"

/*
 * OpenSSL's default group list, by the first release that has it.  A fact
 * of OpenSSL, not of any server (caps.c's table is per server), so it
 * stays beside the OpenSSL default suites.
 */
static const struct {
	long		 since;
	const char	*groups;
} openssl_default_groups[] = {
	{ 0x30500000L, "X25519MLKEM768:X25519:prime256v1:X448:secp384r1:"
	    "secp521r1:ffdhe2048:ffdhe3072" },
	{ 0x10101000L, "X25519:prime256v1:X448:secp521r1:secp384r1:"
	    "ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192" },
	{ 0, "X25519:prime256v1:secp521r1:secp384r1" },
};

static const char *
default_groups(long openssl)
{
	size_t	 i;

	for (i = 0; i < sizeof(openssl_default_groups) /
	    sizeof(openssl_default_groups[0]); i++)
		if (openssl >= openssl_default_groups[i].since)
			return openssl_default_groups[i].groups;
	return "";
}

void
policy_enforced(const struct policy *in, enum server srv,
    const struct target *t, struct policy *out)
{
	const struct caps_enforce *c = caps_enforce(srv, t->server[srv]);

	*out = *in;
	if (c == NULL || in->profile == NULL)
		return;
	/* Without a maximum, OpenSSL's (TLS 1.3 from 1.1.1 on) holds. */
	if (c->no_max_protocol != NULL && t->openssl >= 0x10101000L &&
	    (in->protocols & PROTO_TLS12) && !(in->protocols & PROTO_TLS13)) {
		out->protocols |= PROTO_TLS13;
		if (*out->suites == '\0')
			out->suites = OPENSSL_DEFAULT_SUITES;
	}
	if (c->no_suites != NULL && (out->protocols & PROTO_TLS13))
		out->suites = OPENSSL_DEFAULT_SUITES;
	if (c->no_groups != NULL)
		out->groups = default_groups(t->openssl);
	if (c->no_tickets)
		out->tickets = false;
}

size_t
service_endpoints(const struct service *s, const struct target *t,
    struct tls_side out[2])
{
	size_t	 n = 0, i;

	memset(out, 0, 2 * sizeof(*out));
	if (s->kind == SVC_MAIL) {
		if (s->smtp.present) {
			out[n].server = s->smtp.server;
			out[n].name = "smtp";
			out[n].ports[out[n].nports++] = s->smtp.port;
			if (s->smtp.submission)
				out[n].ports[out[n].nports++] =
				    s->smtp.submission;
			if (s->smtp.submissions)
				out[n].ports[out[n].nports++] =
				    s->smtp.submissions;
			n++;
		}
		if (s->imap.present) {
			out[n].server = s->imap.server;
			out[n].name = "imap";
			out[n].ports[out[n].nports++] = s->imap.port;
			if (s->imap.imaps)
				out[n].ports[out[n].nports++] = s->imap.imaps;
			n++;
		}
	} else if (s->kind == SVC_XMPP) {
		out[n].server = s->server;
		out[n].name = "xmpp";
		out[n].ports[out[n].nports++] = s->c2s;
		if (s->c2s_tls)
			out[n].ports[out[n].nports++] = s->c2s_tls;
		if (s->s2s)
			out[n].ports[out[n].nports++] = s->s2s;
		n++;
	} else {
		out[n].server = s->server;
		out[n].name = "https";
		out[n].ports[out[n].nports++] = s->https_port;
		n++;
	}
	for (i = 0; i < n; i++) {
		out[i].svc = s;
		policy_enforced(&s->pol, out[i].server, t, &out[i].pol);
	}
	return n;
}

/*
 * OpenSSL 3 refuses TLS 1.0 and 1.1 at security level 1 and above; only
 * "@SECLEVEL=0" in the cipher string lets them through.
 */
unsigned
policy_refused(const struct policy *pol, long target)
{
	unsigned old = pol->protocols & (PROTO_TLS10 | PROTO_TLS11);

	if (old == 0 || target < 0x30000000L)
		return 0;
	if (pol->ciphers != NULL && strstr(pol->ciphers, "@SECLEVEL=0"))
		return 0;
	return old;
}

static const char *
protos_words(char *buf, size_t len, unsigned bits)
{
	static const unsigned order[] = {
		PROTO_TLS10, PROTO_TLS11, PROTO_TLS12, PROTO_TLS13,
	};
	size_t	 i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (bits & order[i])
			k += (size_t)snprintf(buf + k, k < len ? len - k : 0,
			    "%s%s", k ? " " : "", proto_name(order[i]));
	return buf;
}

/*
 * What generate says where an endpoint's server does not keep the wish,
 * or keeps it at a price: one warning naming the service, the server and
 * the setting.
 */
static void
endpoint_costs(const struct model *m, const struct tls_side *ep,
    struct diags *d)
{
	const struct service *s = ep->svc;
	const struct policy *want = &s->pol, *got = &ep->pol;
	const struct caps_enforce *c = caps_enforce(ep->server,
	    m->target.server[ep->server]);
	const char *srv = server_names[ep->server];
	char	 p[64], v[32];

	if (got->protocols != want->protocols && c != NULL)
		diag_at(d, SEV_WARNING, s->line, s->elem, s->id, "%s: maximum "
		    "protocol: %s, so profile %s's %s cannot be kept: %s also "
		    "accepts %s", srv, c->no_max_protocol,
		    want->profile->name, protos_words(p, sizeof(p),
		    want->protocols), srv, protos_words(v, sizeof(v),
		    got->protocols & ~want->protocols));
	if (c != NULL && c->no_suites != NULL && (got->protocols & PROTO_TLS13))
		diag_at(d, SEV_WARNING, s->line, s->elem, s->id, "%s: TLS 1.3 "
		    "suites: %s %s %s; OpenSSL's defaults apply", srv,
		    caps_product(ep->server), caps_version_text(ep->server,
		    m->target.server[ep->server], v, sizeof(v)), c->no_suites);
	if (c != NULL && c->no_groups != NULL)
		diag_at(d, SEV_WARNING, s->line, s->elem, s->id, "%s: groups: "
		    "%s %s %s; OpenSSL's defaults apply", srv,
		    caps_product(ep->server), caps_version_text(ep->server,
		    m->target.server[ep->server], v, sizeof(v)), c->no_groups);
	if (want->tickets && c != NULL && !caps_rotates_tickets(ep->server,
	    m->target.server[ep->server]))
		diag_at(d, SEV_WARNING, s->line, s->elem, s->id, "%s: session "
		    "tickets: the keys live in %s, so a key taken from the "
		    "running server decrypts every session resumed since "
		    "start (no forward secrecy until a restart); restart "
		    "daily or set tickets=\"false\"", srv, c->ticket_keys);
	if (strcmp(ep->name, "smtp") == 0 &&
	    (got->protocols & (PROTO_TLS12 | PROTO_TLS13)) !=
	    (PROTO_TLS12 | PROTO_TLS13))
		diag_at(d, SEV_WARNING, s->line, s->elem, s->id, "%s: port "
		    "%u and the outbound SMTP client follow profile %s (%s): "
		    "TLS there is opportunistic, so a peer that cannot meet "
		    "it sends in plaintext instead (Postfix's advice is not "
		    "to restrict protocols there)", srv, s->smtp.port,
		    want->profile->name, protos_words(p, sizeof(p),
		    got->protocols));
}

void
policy_costs(const struct model *m, struct diags *d)
{
	struct tls_side	 ep[2];
	size_t		 i, k, n;
	unsigned	 refused;
	char		 p[64];

	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];

		if (s->pol.profile == NULL)
			continue;
		refused = policy_refused(&s->pol, m->target.openssl);
		if (refused)
			diag_at(d, SEV_WARNING, s->line, s->elem, s->id, "%s "
			    "configured, but OpenSSL 3 refuses them unless "
			    "the cipher string holds @SECLEVEL=0: no client "
			    "gets them", protos_words(p, sizeof(p), refused));
		n = service_endpoints(&m->svcs[i], &m->target, ep);
		for (k = 0; k < n; k++)
			endpoint_costs(m, &ep[k], d);
	}
}
