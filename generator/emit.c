/*
 * Stage 5: the model becomes render contexts, one per output file, and the
 * templates turn them into bytes.  Which files each server gets is a table
 * (targets[]); how each server spells a setting lives in its templates,
 * one folder per syntax generation, which caps.c picks by the target
 * version, and what that version can do is asked of caps.c too.
 * The contexts carry the policy in neutral pieces (a list of protocol
 * names, the lowest and the disabled ones, ...) so a template composes its
 * own syntax without code here knowing it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tlsgen.h"

enum scope { PER_SERVER, PER_SERVICE };

/* Every file tlsgen writes, per server. */
static const struct target_file {
	enum server	 server;
	enum escape	 esc;
	enum scope	 scope;
	const char	*tmpl;		/* below templates/<generation>/ */
	const char	*path;		/* below the output root; %s: id */
	mode_t		 mode;
} targets[] = {
	{ SRV_NGINX, ESC_NGINX, PER_SERVER, "nginx.conf",
	    "etc/nginx/nginx.conf", 0644 },
	{ SRV_NGINX, ESC_NGINX, PER_SERVICE, "site.conf",
	    "etc/nginx/tlsgen/%s.conf", 0644 },
	{ SRV_APACHE, ESC_APACHE, PER_SERVER, "apache2.conf",
	    "etc/apache2/apache2.conf", 0644 },
	{ SRV_APACHE, ESC_APACHE, PER_SERVICE, "site.conf",
	    "etc/apache2/tlsgen/%s.conf", 0644 },
	{ SRV_POSTFIX, ESC_POSTFIX, PER_SERVICE, "main.cf",
	    "etc/postfix/main.cf", 0644 },
	{ SRV_POSTFIX, ESC_POSTFIX, PER_SERVICE, "master.cf",
	    "etc/postfix/master.cf", 0644 },
	{ SRV_POSTFIX, ESC_POSTFIX, PER_SERVICE, "tls_config",
	    "etc/postfix/tls_config", 0644 },
	{ SRV_DOVECOT, ESC_DOVECOT, PER_SERVICE, "dovecot.conf",
	    "etc/dovecot/dovecot.conf", 0644 },
	{ SRV_EJABBERD, ESC_YAML, PER_SERVICE, "ejabberd.yml",
	    "etc/ejabberd/ejabberd.yml", 0644 },
};

/* Protocols, lowest first, with the names servers' flags use. */
static const struct {
	unsigned	 bit;
	const char	*name, *flag;
} proto_table[] = {
	{ 0, "SSLv3", "sslv3" },
	{ PROTO_TLS10, "TLSv1", "tlsv1" },
	{ PROTO_TLS11, "TLSv1.1", "tlsv1_1" },
	{ PROTO_TLS12, "TLSv1.2", "tlsv1_2" },
	{ PROTO_TLS13, "TLSv1.3", "tlsv1_3" },
};

struct emitter {
	const struct model *m;
	const struct emit_opts *o;
	struct arena	*a;	/* contexts; freed after each file */
	struct outset	*out;
	struct diags	*d;
	struct tmpl	*tmpls[sizeof(targets) / sizeof(targets[0])];
};

void
outset_free(struct outset *os)
{
	size_t	 i;

	for (i = 0; i < os->n; i++) {
		free(os->v[i].path);
		buf_free(&os->v[i].data);
	}
	free(os->v);
	memset(os, 0, sizeof(*os));
}

struct outfile *
outset_add(struct outset *os, const char *path, mode_t mode)
{
	struct outfile	*f;

	if (os->n == os->cap) {
		os->cap = os->cap ? os->cap * 2 : 16;
		os->v = realloc(os->v, os->cap * sizeof(*os->v));
		if (os->v == NULL)
			abort();
	}
	f = &os->v[os->n++];
	f->path = strdup(path);
	if (f->path == NULL)
		abort();
	f->mode = mode;
	buf_init(&f->data);
	return f;
}

/* An address as a listen directive writes it: IPv6 in brackets. */
static const char *
listen_addr(struct arena *a, const struct address *addr)
{
	if (addr->family == AF_INET6)
		return arena_printf(a, "[%s]", addr->text);
	return addr->text;
}

/* A name usable as an nginx zone or a file stem: [a-z0-9_] only. */
static const char *
socket_name(struct arena *a, const struct address *addr, uint16_t port)
{
	char	*s = arena_printf(a, "tls_%s_%u", addr->text, port), *p;

	for (p = s; *p != '\0'; p++)
		if (*p == '.' || *p == ':')
			*p = '_';
	return s;
}

/*
 * A listener as Postfix's master.cf names it: "addr:port", the wildcard
 * too.  A bare "port" would bind every inet_interfaces address of every
 * inet_protocols family ("all": IPv4 and IPv6), so 0.0.0.0 would also take
 * [::]:port, which the socket checks do not expect of an IPv4 wildcard
 * (found by tests/e2e/property.sh: another server's [::1]:port).
 */
static const char *
postfix_listen(struct arena *a, const struct address *addr, uint16_t port)
{
	return arena_printf(a, "%s:%u", listen_addr(a, addr), port);
}

/* The policy, in pieces every server's template can compose. */
static void
ctx_policy(struct emitter *e, struct rnode *n, const struct service *s,
    enum server srv)
{
	struct policy	 eff;
	const struct policy *p = &eff;
	const char	*lowest = NULL, *highest = NULL, *g, *sl;
	size_t		 i, k;
	struct rnode	*item;

	/* What this server will enforce: the files say only what is true. */
	policy_enforced(&s->pol, srv, &e->m->target, &eff);
	rn_str(n, "profile", p->profile->name);
	rn_list(n, "protocols");
	rn_list(n, "disabled_protocols");
	for (i = 0; i < sizeof(proto_table) / sizeof(proto_table[0]); i++) {
		if (proto_table[i].bit & p->protocols) {
			item = rn_push(n, "protocols");
			highest = proto_table[i].name;
			if (lowest == NULL)
				lowest = proto_table[i].name;
		} else if (lowest == NULL)
			item = rn_push(n, "disabled_protocols");
		else
			continue;
		rn_str(item, "name", proto_table[i].name);
		rn_str(item, "flag", proto_table[i].flag);
	}
	rn_str(n, "min_protocol", lowest);
	rn_str(n, "max_protocol", highest);
	/* A range narrower than OpenSSL's own top: a maximum is written. */
	rn_bool(n, "capped", !(p->protocols & PROTO_TLS13));
	rn_bool(n, "tls12", p->protocols & PROTO_TLS12);
	rn_bool(n, "tls13", p->protocols & PROTO_TLS13);
	rn_str(n, "ciphers", p->ciphers);
	/*
	 * The cipher string without its security level, and the level, for
	 * syntaxes that cannot hold '=' in a value (Postfix's main.cf).
	 */
	if ((sl = strstr(p->ciphers, "@SECLEVEL=")) != NULL) {
		size_t	 pre = (size_t)(sl - p->ciphers);
		size_t	 dig = strspn(sl + 10, "0123456789");
		const char *rest = sl + 10 + dig;

		if (pre > 0 && p->ciphers[pre - 1] == ':')
			pre--;
		if (pre == 0 && *rest == ':')
			rest++;
		rn_str(n, "seclevel", arena_strndup(e->a, sl + 10, dig));
		rn_strf(n, "ciphers_base", "%.*s%s", (int)pre, p->ciphers,
		    rest);
	} else {
		rn_str(n, "seclevel", "");
		rn_str(n, "ciphers_base", p->ciphers);
	}
	rn_str(n, "suites", p->suites);
	rn_str(n, "groups", p->groups);
	rn_list(n, "group_list");
	for (g = p->groups; *g != '\0'; g += k + (g[k] == ':')) {
		k = strcspn(g, ":");
		rn_str(rn_push(n, "group_list"), "name",
		    arena_strndup(e->a, g, k));
	}
	rn_bool(n, "server_order", p->server_order);
	rn_bool(n, "hsts", p->hsts_max_age > 0);
	rn_strf(n, "hsts_max_age", "%ld", p->hsts_max_age);
	rn_bool(n, "hsts_sub", p->hsts_sub);
	rn_bool(n, "hsts_preload", p->hsts_preload);
	rn_bool(n, "staple", p->staple);
	rn_strf(n, "cache_size", "%llu", (unsigned long long)p->cache_size);
	rn_strf(n, "cache_timeout", "%ld", p->cache_timeout);
	rn_bool(n, "tickets", p->tickets);
	rn_bool(n, "dh", strcmp(p->profile->dh, "none") != 0);
	rn_str(n, "dh_group", p->profile->dh);
}

/*
 * What every template of one server may use: the layout, and the target
 * version with its capabilities (cap_<key>, caps.c) so a template spells
 * a setting the way that version reads it.
 */
static void
ctx_common(struct emitter *e, struct rnode *n, enum server srv)
{
	const struct model *m = e->m;
	long		 v = m->target.server[srv];
	char		 ver[32];
	size_t		 c;

	rn_str(n, "version", TLSGEN_VERSION);
	rn_str(n, "source", e->o->source_name);
	rn_str(n, "run_dir", m->layout.run);
	rn_str(n, "log_dir", m->layout.log);
	rn_str(n, "state_dir", m->layout.state);
	rn_str(n, "spool_dir", m->layout.spool);
	rn_str(n, "acme_dir", m->layout.acme);
	rn_str(n, "trust_bundle", m->trust_bundle ? m->trust_bundle :
	    "/etc/ssl/certs/ca-certificates.crt");
	rn_str(n, "domain", m->domain ? m->domain : "");
	rn_str(n, "server_name", m->domain ? m->domain : "localhost");
	rn_str(n, "product", caps_product(srv));
	rn_str(n, "product_version", arena_strdup(e->a,
	    caps_version_text(srv, v, ver, sizeof(ver))));
	for (c = 0; c < CAP__N; c++)
		if (caps_server((enum cap)c) == srv)
			rn_bool(n, arena_printf(e->a, "cap_%s",
			    caps_key((enum cap)c)), caps_has(srv, v,
			    (enum cap)c));
}

/* The pairs a service presents: every one its profile can serve. */
static void
ctx_pairs(struct rnode *n, const struct service *s)
{
	struct rnode	*item;
	size_t		 i;

	rn_str(n, "cert_id", s->cert != NULL ? s->cert->id : "");
	rn_list(n, "pairs");
	for (i = 0; s->cert != NULL && i < s->cert->npairs; i++) {
		const struct pair *p = &s->cert->pairs[i];

		if (!cert_pair_servable(p, s->pol.profile))
			continue;
		item = rn_push(n, "pairs");
		rn_str(item, "cert", p->cert);
		rn_str(item, "key", p->key);
	}
}

/* Servers with one certificate file pair, or a main and an alt pair. */
static void
ctx_pair_slots(struct rnode *n, const struct service *s, bool one)
{
	const struct pair *p[2] = { NULL, NULL };
	size_t		 i, k = 0;

	if (one && s->cert != NULL)
		p[k++] = cert_pick_one(s->cert, s->pol.profile);
	for (i = 0; !one && s->cert != NULL && i < s->cert->npairs && k < 2;
	    i++)
		if (cert_pair_servable(&s->cert->pairs[i], s->pol.profile))
			p[k++] = &s->cert->pairs[i];
	rn_str(n, "cert1", p[0] ? p[0]->cert : "");
	rn_str(n, "key1", p[0] ? p[0]->key : "");
	rn_bool(n, "has_alt", p[1] != NULL);
	rn_str(n, "cert2", p[1] ? p[1]->cert : "");
	rn_str(n, "key2", p[1] ? p[1]->key : "");
	rn_str(n, "pair_type", p[0] == NULL || !p[0]->inspected ? "unread" :
	    p[0]->type == KEY_RSA ? "RSA" : "ECDSA");
}

/*
 * Postfix's mydomain: the description's domain, else what Postfix would
 * take itself (the first host name less its first label) -- except where
 * that is all digits ("mail.123" gives "123"), which Postfix refuses as a
 * numeric host name ("bad parameter value"): then the host name itself.
 * NULL for a one-label host: Postfix's default (localdomain) applies.
 */
static const char *
mail_domain(const struct model *m, const struct service *s)
{
	const char	*dot, *parent;

	if (m->domain != NULL)
		return m->domain;
	if (s->nhosts == 0 || (dot = strchr(s->hosts[0], '.')) == NULL)
		return NULL;
	parent = dot + 1;
	if (parent[strspn(parent, "0123456789.")] == '\0')
		return s->hosts[0];
	return parent;
}

/*
 * Postfix's two group lists: tls_eecdh_auto_curves takes the elliptic
 * curves (and from 3.10 the hybrid KEM groups; before, they are left
 * out with a warning), tls_ffdhe_auto_groups (3.8 and later) the FFDHE
 * groups, empty when the policy has none, which keeps FFDHE out of
 * TLS 1.3 as the policy says.  Before 3.8 every group goes in the one list.
 */
static void
ctx_postfix_groups(struct emitter *e, struct rnode *n,
    const struct service *s)
{
	long		 v = e->m->target.server[SRV_POSTFIX];
	bool		 ffdhe = caps_has(SRV_POSTFIX, v, CAP_FFDHE_GROUPS);
	bool		 kem = caps_has(SRV_POSTFIX, v, CAP_KEM_GROUPS);
	const char	*g, *name;
	size_t		 k;

	rn_list(n, "curve_list");
	rn_list(n, "ffdhe_list");
	for (g = s->pol.groups; *g != '\0'; g += k + (g[k] == ':')) {
		k = strcspn(g, ":");
		name = arena_strndup(e->a, g, k);
		switch (caps_group_kind(name)) {
		case GROUP_KEM:
			if (kem)
				rn_str(rn_push(n, "curve_list"), "name", name);
			break;
		case GROUP_FFDHE:
			rn_str(rn_push(n, ffdhe ? "ffdhe_list" : "curve_list"),
			    "name", name);
			break;
		case GROUP_EC:
			rn_str(rn_push(n, "curve_list"), "name", name);
			break;
		}
	}
}

static void
ctx_mail(struct emitter *e, struct rnode *n, const struct service *s)
{
	const char	*md = mail_domain(e->m, s);

	rn_bool(n, "has_domain", md != NULL);
	rn_str(n, "mail_domain", md != NULL ? md : "");
	rn_bool(n, "has_smtp", s->smtp.present);
	rn_str(n, "smtp_listen", postfix_listen(e->a, &s->smtp.listen,
	    s->smtp.port));
	rn_bool(n, "has_submission", s->smtp.submission != 0);
	rn_str(n, "submission_listen", postfix_listen(e->a, &s->smtp.listen,
	    s->smtp.submission));
	rn_bool(n, "has_submissions", s->smtp.submissions != 0);
	rn_str(n, "submissions_listen", postfix_listen(e->a,
	    &s->smtp.listen, s->smtp.submissions));
	rn_bool(n, "dane", s->smtp.dane);
	ctx_postfix_groups(e, n, s);
	/* Dovecot spells "every address" as "*" (and "::" for IPv6). */
	rn_str(n, "imap_addr", !s->imap.present ? "" :
	    s->imap.listen.wildcard && s->imap.listen.family == AF_INET ? "*" :
	    s->imap.listen.text);
	rn_strf(n, "imap_port", "%u", s->imap.port);
	rn_bool(n, "has_imaps", s->imap.imaps != 0);
	rn_strf(n, "imaps_port", "%u", s->imap.imaps);
	ctx_pair_slots(n, s, false);
}

static void
ctx_xmpp(struct emitter *e, struct rnode *n, const struct service *s)
{
	(void)e;
	rn_str(n, "xmpp_ip", s->listen.text);
	rn_strf(n, "c2s_port", "%u", s->c2s);
	rn_bool(n, "has_c2s_tls", s->c2s_tls != 0);
	rn_strf(n, "c2s_tls_port", "%u", s->c2s_tls);
	rn_bool(n, "has_s2s", s->s2s != 0);
	rn_strf(n, "s2s_port", "%u", s->s2s);
	ctx_pair_slots(n, s, true);
}

static void
ctx_service(struct emitter *e, struct rnode *n, const struct service *s,
    enum server srv)
{
	size_t		 i;

	rn_str(n, "id", s->id);
	rn_str(n, "first_host", s->nhosts ? s->hosts[0] : "");
	rn_list(n, "hosts");
	rn_list(n, "alias_hosts");
	for (i = 0; i < s->nhosts; i++) {
		rn_str(rn_push(n, "hosts"), "name", s->hosts[i]);
		if (i > 0)
			rn_str(rn_push(n, "alias_hosts"), "name", s->hosts[i]);
	}
	ctx_pairs(n, s);
	ctx_policy(e, n, s, srv);
	if (s->kind == SVC_MAIL) {
		ctx_mail(e, n, s);
		return;
	}
	if (s->kind == SVC_XMPP) {
		ctx_xmpp(e, n, s);
		return;
	}
	rn_str(n, "addr", listen_addr(e->a, &s->listen));
	rn_strf(n, "http_port", "%u", s->http_port);
	rn_strf(n, "https_port", "%u", s->https_port);
	rn_bool(n, "http", s->http_port != 0);
	/* A redirect names the port only when it is not the default. */
	rn_str(n, "https_suffix", s->https_port == 443 ? "" :
	    arena_printf(e->a, ":%u", s->https_port));
	rn_str(n, "zone", socket_name(e->a, &s->listen, s->https_port));
	rn_bool(n, "has_root", s->root != NULL);
	rn_str(n, "root", s->root);
	rn_bool(n, "has_proxy", s->has_proxy);
	rn_bool(n, "proxy_https", s->has_proxy && s->proxy.https);
	/* The name a TLS back end is verified against (and sent as SNI). */
	rn_str(n, "proxy_name", !s->has_proxy ? "" :
	    s->proxy.host[0] == '[' ? arena_strndup(e->a, s->proxy.host + 1,
	    strlen(s->proxy.host) - 2) : s->proxy.host);
	if (s->has_proxy)
		rn_strf(n, "proxy_url", "%s://%s%s%s%s",
		    s->proxy.https ? "https" : "http", s->proxy.host,
		    s->proxy.port ? ":" : "",
		    s->proxy.port ? arena_printf(e->a, "%u", s->proxy.port) :
		    "", s->proxy.path);
	else
		rn_str(n, "proxy_url", "");
}

static int
service_cmp(const void *x, const void *y)
{
	const struct service *a = *(const struct service *const *)x;
	const struct service *b = *(const struct service *const *)y;
	int	 r;

	if ((r = strcmp(a->listen.text, b->listen.text)) != 0)
		return r;
	if (a->https_port != b->https_port)
		return (int)a->https_port - (int)b->https_port;
	return strcmp(a->id, b->id);
}

static int
http_socket_cmp(const void *x, const void *y)
{
	const struct service *a = *(const struct service *const *)x;
	const struct service *b = *(const struct service *const *)y;
	int	 r;

	if ((r = strcmp(a->listen.text, b->listen.text)) != 0)
		return r;
	return (int)a->http_port - (int)b->http_port;
}

/*
 * nginx keeps the server names of each listening socket in a hash whose
 * bucket size and table size are two http-level settings; a name that
 * does not fit a bucket stops nginx ("could not build server_names_hash,
 * you should increase server_names_hash_bucket_size": any name of 47
 * characters and more with the default 64), and a table it cannot fit
 * below max_size is a warning at every start.  Both are computed here
 * from the names written, by nginx's own search (ngx_hash_init() in
 * src/core/ngx_hash.c, 1.22): an element takes the pointer and the
 * name's length plus 2, rounded to a pointer; a bucket ends with a
 * pointer; sizes are tried from nelts / (bucket / 16) up to max_size
 * (from max_size - 1000 when max_size > 10000 and max_size / nelts <
 * 100), keys are ngx_hash_key_lc() of the name modulo the size.  nginx
 * rounds the bucket size up to the CPU's cache line (64 on amd64 and
 * arm64): written as a multiple of 64, what nginx uses is what was
 * simulated.  A 64-bit target is assumed (ngx_uint_t keys, 8-byte
 * pointers).
 */
#define NGX_PTR		8
#define NGX_CACHELINE	64
#define NGX_ALIGN(n, a)	(((n) + (a) - 1) & ~((size_t)(a) - 1))

struct ngx_name {
	uint64_t	 key;	/* ngx_hash_key_lc() */
	size_t		 elt;	/* 0 ends a socket's names */
};

struct ngx_names {
	struct ngx_name	*v;
	size_t		 n, cap;
};

static size_t ngx_elt_size(const char *);
static uint64_t ngx_key_lc(const char *);

/* A name of the current socket; NULL ends the socket. */
static void
ngx_names_add(struct ngx_names *nn, const char *name)
{
	if (nn->n == nn->cap) {
		nn->cap = nn->cap ? nn->cap * 2 : 64;
		nn->v = realloc(nn->v, nn->cap * sizeof(*nn->v));
		if (nn->v == NULL)
			abort();
	}
	nn->v[nn->n].key = name != NULL ? ngx_key_lc(name) : 0;
	nn->v[nn->n].elt = name != NULL ? ngx_elt_size(name) : 0;
	nn->n++;
}

static size_t
ngx_elt_size(const char *name)
{
	return NGX_PTR + NGX_ALIGN(strlen(name) + 2, NGX_PTR);
}

static uint64_t
ngx_key_lc(const char *s)
{
	uint64_t	 k = 0;

	for (; *s != '\0'; s++)
		k = k * 31 + (uint64_t)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	return k;
}

/* Whether ngx_hash_init() finds a table for v[0..n) without a warning. */
static bool
ngx_hash_fits(const struct ngx_name *v, size_t n, size_t bucket, size_t max,
    unsigned short *test)
{
	size_t	 start, size, i, b = bucket - NGX_PTR;

	start = n / (b / (2 * NGX_PTR));
	if (start == 0)
		start = 1;
	if (max > 10000 && n != 0 && max / n < 100)
		start = max - 1000;
	for (size = start; size <= max; size++) {
		memset(test, 0, size * sizeof(*test));
		for (i = 0; i < n; i++) {
			size_t	 k = v[i].key % size;
			size_t	 len = test[k] + v[i].elt;

			if (len > b)
				break;
			test[k] = (unsigned short)len;
		}
		if (i == n)
			return true;
	}
	return false;
}

/*
 * The smallest bucket size (nginx's default 64 at least) that holds the
 * longest name, and a max_size (default 512 at least) under which every
 * socket's table is built; a bucket twice as large when no table fits.
 */
static void
ngx_hash_sizes(const struct ngx_names *nn, size_t *bucket, size_t *max)
{
	unsigned short	*test = NULL;
	size_t		 i, j, longest = 0, total = 0;
	bool		 ok = false;

	size_t		 run = 0, most = 0;

	for (i = 0; i < nn->n; i++) {
		if (nn->v[i].elt == 0) {
			run = 0;
			continue;
		}
		total++;
		if (++run > most)
			most = run;
		if (nn->v[i].elt + NGX_PTR > longest)
			longest = nn->v[i].elt + NGX_PTR;
	}
	/*
	 * nginx's search (and this one) tries sizes from about
	 * names / (bucket / 16) on, each pass over every name: with
	 * thousands of names on one socket a larger bucket keeps both
	 * starts below a few thousand passes.
	 */
	if (16 * most / 512 + NGX_PTR > longest)
		longest = 16 * most / 512 + NGX_PTR;
	*bucket = NGX_ALIGN(longest > 64 ? longest : 64, NGX_CACHELINE);
	/* Every socket's names fit some size up to 2 * all names + 512. */
	*max = 512;
	if (2 * total + 512 > *max)
		*max = 2 * total + 512;
	if ((test = calloc(*max + 1, sizeof(*test))) == NULL)
		abort();
	/* Bounded: at 32k a bucket holds any socket's names (1000 hosts). */
	while (!ok && *bucket <= 32768) {
		ok = true;
		for (i = 0; ok && i < nn->n; i = j + 1) {
			for (j = i; j < nn->n && nn->v[j].elt != 0; j++)
				;
			ok = ngx_hash_fits(nn->v + i, j - i, *bucket, *max,
			    test);
		}
		if (!ok)
			*bucket *= 2;
	}
	free(test);
}

/*
 * The names nginx hashes per socket: each socket's default server ("")
 * and the host names of every service listening on it, plain and TLS.
 * Sockets are found by sorting (address, port, service): linear enough
 * at hosting scale.
 */
struct ngx_sock {
	const struct service *s;
	uint16_t	 port;
};

static int
ngx_sock_cmp(const void *x, const void *y)
{
	const struct ngx_sock *a = x, *b = y;
	int	 r;

	if ((r = strcmp(a->s->listen.text, b->s->listen.text)) != 0)
		return r;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->s < b->s ? -1 : a->s > b->s;
}

static void
ctx_nginx_names(struct emitter *e, struct rnode *n)
{
	const struct model *m = e->m;
	struct ngx_names nn = { NULL, 0, 0 };
	struct ngx_sock	*v;
	size_t		 i, k = 0, h, bucket, max;

	if ((v = calloc(2 * m->nsvcs + 1, sizeof(*v))) == NULL)
		abort();
	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];

		if (s->kind != SVC_WEB || s->server != SRV_NGINX)
			continue;
		if (s->http_port != 0)
			v[k++] = (struct ngx_sock){ s, s->http_port };
		v[k++] = (struct ngx_sock){ s, s->https_port };
	}
	qsort(v, k, sizeof(*v), ngx_sock_cmp);
	for (i = 0; i < k; i++) {
		if (i == 0 || v[i].port != v[i - 1].port ||
		    strcmp(v[i].s->listen.text, v[i - 1].s->listen.text) != 0) {
			if (i > 0)
				ngx_names_add(&nn, NULL);
			ngx_names_add(&nn, "");
		}
		for (h = 0; h < v[i].s->nhosts; h++)
			ngx_names_add(&nn, v[i].s->hosts[h]);
	}
	if (k > 0)
		ngx_names_add(&nn, NULL);
	ngx_hash_sizes(&nn, &bucket, &max);
	rn_strf(n, "names_hash_bucket_size", "%zu", bucket);
	rn_strf(n, "names_hash_max_size", "%zu", max);
	free(nn.v);
	free(v);
}

/*
 * The sockets a web server listens on.  For HTTPS each gets the full TLS
 * settings of its services (identical, policy.c made sure): nginx takes
 * protocols and the session cache from the default server of a socket,
 * and Apache needs each Listen once.
 */
static void
ctx_web_sockets(struct emitter *e, struct rnode *n, enum server srv)
{
	const struct model *m = e->m;
	const struct service **v, *prev = NULL;
	size_t		 i, k = 0;
	uint64_t	 cache_max = 0;
	long		 timeout_max = 0;
	bool		 staple = false;
	struct rnode	*item;

	v = calloc(m->nsvcs + 1, sizeof(*v));
	if (v == NULL)
		abort();
	for (i = 0; i < m->nsvcs; i++)
		if (m->svcs[i].kind == SVC_WEB && m->svcs[i].server == srv)
			v[k++] = &m->svcs[i];
	qsort(v, k, sizeof(*v), service_cmp);
	rn_list(n, "tls_sockets");
	rn_list(n, "http_sockets");
	for (i = 0; i < k; i++) {
		const struct service *s = v[i];

		if (s->pol.cache_size > cache_max)
			cache_max = s->pol.cache_size;
		if (s->pol.cache_timeout > timeout_max)
			timeout_max = s->pol.cache_timeout;
		staple |= s->pol.staple;
		if (prev == NULL || strcmp(prev->listen.text,
		    s->listen.text) != 0 || prev->https_port != s->https_port) {
			item = rn_push(n, "tls_sockets");
			ctx_policy(e, item, s, srv);
			ctx_pairs(item, s);
			rn_str(item, "first_id", s->id);
			rn_str(item, "addr", listen_addr(e->a, &s->listen));
			rn_strf(item, "port", "%u", s->https_port);
			rn_str(item, "zone", socket_name(e->a, &s->listen,
			    s->https_port));
		}
		prev = s;
	}
	/*
	 * Plain HTTP sockets, each once (ports repeat across addresses and
	 * services): sorted by address and port, the first of each run.
	 */
	qsort(v, k, sizeof(*v), http_socket_cmp);
	for (i = 0; i < k; i++) {
		if (v[i]->http_port == 0 || (i > 0 &&
		    http_socket_cmp(&v[i - 1], &v[i]) == 0))
			continue;
		item = rn_push(n, "http_sockets");
		rn_str(item, "addr", listen_addr(e->a, &v[i]->listen));
		rn_strf(item, "port", "%u", v[i]->http_port);
	}
	rn_strf(n, "cache_size", "%llu", (unsigned long long)cache_max);
	rn_strf(n, "cache_timeout", "%ld", timeout_max);
	rn_bool(n, "staple", staple);
	free(v);
}

static int
render_one(struct emitter *e, size_t ti, const struct rnode *ctx,
    const char *path)
{
	struct outfile	*f;
	char		 err[512];

	f = outset_add(e->out, path, targets[ti].mode);
	if (tmpl_render(e->tmpls[ti], ctx, targets[ti].esc, &f->data, err,
	    sizeof(err)) != 0) {
		diag_plain(e->d, SEV_ERROR, "%s: %s", path, err);
		return -1;
	}
	/* Held until the whole tree is written: no slack from doubling. */
	buf_shrink(&f->data);
	return 0;
}

static bool
service_on(const struct service *s, enum server srv)
{
	if (s->kind == SVC_MAIL)
		return (s->smtp.present && s->smtp.server == srv) ||
		    (s->imap.present && s->imap.server == srv);
	return s->server == srv;
}

/* Whether a service asks for what a capability gives. */
static bool
asks(const struct service *s, enum cap_ask ask)
{
	const char	*g;
	char		 name[64];
	size_t		 k;

	switch (ask) {
	case ASK_NEVER:
		return false;
	case ASK_ALWAYS:
		return true;
	case ASK_SUITES:
		return (s->pol.protocols & PROTO_TLS13) != 0;
	case ASK_TICKETS:
		return s->pol.tickets;
	case ASK_PAIRS:
		return s->cert != NULL && s->cert->npairs > 1;
	case ASK_KEM_GROUP:
		for (g = s->pol.groups; *g != '\0'; g += k + (g[k] == ':')) {
			k = strcspn(g, ":");
			snprintf(name, sizeof(name), "%.*s", (int)k, g);
			if (caps_group_kind(name) == GROUP_KEM)
				return true;
		}
		return false;
	}
	return false;
}

/*
 * What the target version of a server cannot do, said rather than hidden:
 * a warning naming the service, the setting and the version, whenever the
 * description asks for it (the templates say the same in a comment).
 */
static void
report_gaps(const struct model *m, struct diags *d)
{
	size_t	 i, c;
	char	 ver[32];

	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];

		for (c = 0; c < CAP__N; c++) {
			enum server srv = caps_server((enum cap)c);
			long	 v = m->target.server[srv];
			const char *setting = caps_setting((enum cap)c);

			if (!service_on(s, srv) || caps_has(srv, v,
			    (enum cap)c) || !asks(s, caps_ask((enum cap)c)))
				continue;
			caps_version_text(srv, v, ver, sizeof(ver));
			if (c == CAP_PAIRS_EJ)
				diag_at(d, SEV_WARNING, s->line, s->elem, s->id,
				    "%s: %s \"%s\": %s %s %s; only %s is used",
				    server_names[srv], setting, s->cert->id,
				    caps_product(srv), ver,
				    caps_lacking((enum cap)c),
				    cert_pick_one(s->cert,
				    s->pol.profile)->cert);
			else
				diag_at(d, SEV_WARNING, s->line, s->elem, s->id,
				    "%s: %s: %s %s %s", server_names[srv],
				    setting, caps_product(srv), ver,
				    caps_lacking((enum cap)c));
		}
	}
	policy_costs(m, d);
}

int
emit_all(const struct model *m, const struct emit_opts *o,
    struct outset *out, struct diags *d)
{
	struct emitter	 e;
	size_t		 ti, i;
	int		 rc = -1;
	char		 err[512];

	memset(&e, 0, sizeof(e));
	e.m = m;
	e.o = o;
	e.out = out;
	e.d = d;
	for (ti = 0; ti < sizeof(targets) / sizeof(targets[0]); ti++) {
		enum server srv = targets[ti].server;
		const char *dir = caps_tmpl_dir(srv, m->target.server[srv]);
		char	*path;

		if (!model_uses(m, srv))
			continue;
		/* target_resolve() refused any version outside the ranges. */
		if (dir == NULL) {
			diag_plain(d, SEV_ERROR, "no templates for %s %s",
			    caps_product(srv), caps_version_text(srv,
			    m->target.server[srv], err, sizeof(err)));
			goto out;
		}
		if (asprintf(&path, "%s/templates/%s/%s", o->datadir, dir,
		    targets[ti].tmpl) < 0)
			abort();
		e.tmpls[ti] = tmpl_load(path, err, sizeof(err));
		free(path);
		if (e.tmpls[ti] == NULL) {
			diag_plain(d, SEV_ERROR, "%s", err);
			goto out;
		}
	}
	report_gaps(m, d);
	for (ti = 0; ti < sizeof(targets) / sizeof(targets[0]); ti++) {
		const struct target_file *t = &targets[ti];

		if (e.tmpls[ti] == NULL)
			continue;
		if (t->scope == PER_SERVER) {
			struct rnode	*ctx;

			e.a = arena_new();
			ctx = rn_new(e.a);
			ctx_common(&e, ctx, t->server);
			if (t->server == SRV_NGINX || t->server == SRV_APACHE)
				ctx_web_sockets(&e, ctx, t->server);
			if (t->server == SRV_NGINX)
				ctx_nginx_names(&e, ctx);
			rc = render_one(&e, ti, ctx, t->path);
			arena_free(e.a);
			if (rc != 0)
				goto out;
			continue;
		}
		for (i = 0; i < m->nsvcs; i++) {
			struct rnode	*ctx;
			char		*path;

			if (!service_on(&m->svcs[i], t->server))
				continue;
			e.a = arena_new();
			ctx = rn_new(e.a);
			ctx_common(&e, ctx, t->server);
			ctx_service(&e, ctx, &m->svcs[i], t->server);
			path = arena_printf(e.a, t->path, m->svcs[i].id);
			rc = render_one(&e, ti, ctx, path);
			arena_free(e.a);
			if (rc != 0)
				goto out;
		}
	}
	rc = 0;
out:
	for (ti = 0; ti < sizeof(targets) / sizeof(targets[0]); ti++)
		tmpl_free(e.tmpls[ti]);
	return rc;
}
