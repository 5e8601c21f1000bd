/*
 * Stage 2: the DOM becomes a typed model.  Every attribute passes through
 * the parser for its kind (value.c) here, at the edge; after this stage no
 * code sees a string where a type fits.  Semantic checks run over the whole
 * file and report every error with its line before the run fails once.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "tlsgen.h"

const char *const server_names[SRV__N] = {
	"nginx", "apache", "postfix", "dovecot", "ejabberd"
};

/* Debian's locations, used where <layout> says nothing. */
static const struct layout layout_default = {
	.run = "/run",
	.log = "/var/log",
	.state = "/var/lib",
	.spool = "/var/spool",
	.acme = "/var/www/acme",
};

struct mctx {
	struct model	*m;
	struct diags	*d;
};

/* Values quoted in messages are made printable and kept short. */
static const char *
shown(struct mctx *c, const char *s)
{
	struct buf	 b;
	const char	*r;
	size_t		 i;

	buf_init(&b);
	buf_addc(&b, '"');
	for (i = 0; s[i] != '\0' && i < 64; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			buf_printf(&b, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			buf_printf(&b, "\\x%02x", ch);
		else
			buf_addc(&b, (char)ch);
	}
	if (s[i] != '\0')
		buf_adds(&b, "...");
	buf_addc(&b, '"');
	r = arena_strdup(c->m->a, b.data);
	buf_free(&b);
	return r;
}

static const char *
attr(struct mctx *c, xmlNodePtr n, const char *name)
{
	xmlChar	*v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char	*r;

	if (v == NULL)
		return NULL;
	r = arena_strdup(c->m->a, (const char *)v);
	xmlFree(v);
	return r;
}

static const char *
text_of(struct mctx *c, xmlNodePtr n)
{
	xmlChar	*v = xmlNodeGetContent(n);
	char	*r, *s, *e;

	if (v == NULL)
		return arena_strdup(c->m->a, "");
	/* Surrounding white space is layout, not content. */
	s = (char *)v;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	r = arena_strndup(c->m->a, s, (size_t)(e - s));
	xmlFree(v);
	return r;
}

/* The element a message names: the nearest one with an id, or n itself. */
static void
owner(struct mctx *c, xmlNodePtr n, const char **elem, const char **id)
{
	xmlNodePtr	 p;

	for (p = n; p != NULL && p->type == XML_ELEMENT_NODE; p = p->parent) {
		if ((*id = attr(c, p, "id")) != NULL) {
			*elem = (const char *)p->name;
			return;
		}
	}
	*elem = (const char *)n->name;
	*id = NULL;
}

static void
bad(struct mctx *c, xmlNodePtr n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad(struct mctx *c, xmlNodePtr n, const char *fmt, ...)
{
	const char	*elem, *id;
	va_list		 ap;

	owner(c, n, &elem, &id);
	va_start(ap, fmt);
	vdiag_at(c->d, SEV_ERROR, xmlGetLineNo(n), elem, id, fmt, ap);
	va_end(ap);
}

/* "<elem> attr="value": why", or "attr "value": why" on the owner. */
static void
bad_value(struct mctx *c, xmlNodePtr n, const char *name, const char *v,
    const char *why)
{
	const char	*elem, *id;

	owner(c, n, &elem, &id);
	if (strcmp(elem, (const char *)n->name) != 0)
		bad(c, n, "<%s> %s %s: %s", n->name, name, shown(c, v), why);
	else
		bad(c, n, "%s %s: %s", name, shown(c, v), why);
}

static bool
is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    (name == NULL || strcmp((const char *)n->name, name) == 0);
}

static size_t
count_children(xmlNodePtr parent, const char *name)
{
	xmlNodePtr	 n;
	size_t		 k = 0;

	for (n = parent->children; n != NULL; n = n->next)
		if (is_elem(n, name))
			k++;
	return k;
}

/*
 * Typed attribute readers: each returns true when the attribute is present
 * and valid, reports and returns false when it is present and invalid.
 */
static bool
get_port(struct mctx *c, xmlNodePtr n, const char *name, uint16_t *out)
{
	const char *v = attr(c, n, name), *why;

	if (v == NULL)
		return false;
	if ((why = value_port(v, out)) != NULL) {
		bad_value(c, n, name, v, why);
		return false;
	}
	return true;
}

static bool
get_bool(struct mctx *c, xmlNodePtr n, const char *name, bool *out)
{
	const char *v = attr(c, n, name), *why;

	if (v == NULL)
		return false;
	if ((why = value_bool(v, out)) != NULL) {
		bad_value(c, n, name, v, why);
		return false;
	}
	return true;
}

static bool
get_seconds(struct mctx *c, xmlNodePtr n, const char *name, long *out)
{
	const char *v = attr(c, n, name), *why;

	if (v == NULL)
		return false;
	if ((why = value_seconds(v, out)) != NULL) {
		bad_value(c, n, name, v, why);
		return false;
	}
	return true;
}

static const char *
get_path(struct mctx *c, xmlNodePtr n, const char *name)
{
	const char *v = attr(c, n, name), *why;

	if (v == NULL)
		return NULL;
	if ((why = value_path(v)) != NULL) {
		bad_value(c, n, name, v, why);
		return NULL;
	}
	return v;
}

static bool
get_address(struct mctx *c, xmlNodePtr n, const char *name,
    struct address *out)
{
	const char *v = attr(c, n, name), *why;

	if (v == NULL)
		return false;
	if ((why = value_address(c->m->a, v, out)) != NULL) {
		bad_value(c, n, name, v, why);
		return false;
	}
	return true;
}

static const char *
get_id(struct mctx *c, xmlNodePtr n, const char *name)
{
	const char *v = attr(c, n, name), *why;

	if (v == NULL)
		return NULL;
	if ((why = value_id(v)) != NULL) {
		bad_value(c, n, name, v, why);
		return NULL;
	}
	return v;
}

/*
 * The smallest session cache every server takes: nginx refuses a shared
 * zone below 8 pages (ngx_http_ssl_session_cache: "session cache is too
 * small"; 32k with Linux's 4 KiB pages), Apache's shmcb 8192 bytes.  The
 * size is the site's or a service's, and a site-wide one reaches every
 * server, so one minimum serves all.
 */
#define CACHE_SIZE_MIN	(32 * 1024)

/* <hsts>, <ocsp-stapling>, <session-cache>, <tls> and a profile="". */
static void
read_policy(struct mctx *c, xmlNodePtr parent, struct policy_in *p)
{
	xmlNodePtr	 n;
	const char	*v, *why;

	p->line = xmlGetLineNo(parent);
	if ((v = get_id(c, parent, "profile")) != NULL) {
		p->profile = v;
		p->set |= POL_PROFILE;
	}
	for (n = parent->children; n != NULL; n = n->next) {
		if (is_elem(n, "hsts")) {
			if (get_seconds(c, n, "max-age", &p->hsts_max_age))
				p->set |= POL_HSTS_AGE;
			if (get_bool(c, n, "include-subdomains", &p->hsts_sub))
				p->set |= POL_HSTS_SUB;
			if (get_bool(c, n, "preload", &p->hsts_preload))
				p->set |= POL_HSTS_PRELOAD;
		} else if (is_elem(n, "ocsp-stapling")) {
			/* RELAX NG compares values as tokens: " on " is valid. */
			v = attr(c, n, "mode");
			v += strspn(v, " \t\r\n");
			p->set |= POL_OCSP;
			p->ocsp = strncmp(v, "on", 2) == 0 ? OCSP_ON :
			    strncmp(v, "off", 3) == 0 ? OCSP_OFF : OCSP_AUTO;
		} else if (is_elem(n, "session-cache")) {
			if ((v = attr(c, n, "size")) != NULL) {
				if ((why = value_size(v, &p->cache_size)))
					bad_value(c, n, "size", v, why);
				else if (p->cache_size < CACHE_SIZE_MIN)
					bad_value(c, n, "size", v,
					    "a session cache needs at least "
					    "32k (nginx's minimum: 8 memory "
					    "pages; Apache's is 8192 bytes)");
				else
					p->set |= POL_CACHE_SIZE;
			}
			if (get_seconds(c, n, "timeout", &p->cache_timeout))
				p->set |= POL_CACHE_TIMEOUT;
			if (get_bool(c, n, "tickets", &p->tickets))
				p->set |= POL_TICKETS;
		} else if (is_elem(n, "tls")) {
			p->tls_line = xmlGetLineNo(n);
			if ((v = attr(c, n, "protocols")) != NULL) {
				const char *badp = NULL;

				p->protocols = proto_parse(v, &badp);
				if (badp != NULL || p->protocols == 0)
					bad_value(c, n, "protocols", v,
					    "must list TLSv1.2 and/or TLSv1.3");
				else
					p->set |= POL_PROTOCOLS;
			}
			if ((v = attr(c, n, "ciphers")) != NULL) {
				if ((why = value_cipher_string(v)) != NULL)
					bad_value(c, n, "ciphers", v, why);
				else {
					p->ciphers = v;
					p->set |= POL_CIPHERS;
				}
			}
			if ((v = attr(c, n, "suites")) != NULL) {
				if ((why = value_cipher_string(v)) != NULL)
					bad_value(c, n, "suites", v, why);
				else {
					p->suites = v;
					p->set |= POL_SUITES;
				}
			}
			if ((v = attr(c, n, "groups")) != NULL) {
				if ((why = value_cipher_string(v)) != NULL)
					bad_value(c, n, "groups", v, why);
				else {
					p->groups = v;
					p->set |= POL_GROUPS;
				}
			}
			if (get_bool(c, n, "server-order", &p->server_order))
				p->set |= POL_ORDER;
		}
	}
}

static void
read_layout(struct mctx *c, xmlNodePtr n)
{
	struct layout	*l = &c->m->layout;
	const char	*v;

	if ((v = get_path(c, n, "run-dir")) != NULL)
		l->run = v;
	if ((v = get_path(c, n, "log-dir")) != NULL)
		l->log = v;
	if ((v = get_path(c, n, "state-dir")) != NULL)
		l->state = v;
	if ((v = get_path(c, n, "spool-dir")) != NULL)
		l->spool = v;
	if ((v = get_path(c, n, "acme-dir")) != NULL)
		l->acme = v;
}

static void
read_target(struct mctx *c, xmlNodePtr n)
{
	static const char *const names[] = {
		"nginx", "apache", "postfix", "dovecot", "ejabberd"
	};
	const char	*v, *why;
	long		 ver;
	size_t		 i;

	if ((v = attr(c, n, "openssl")) != NULL) {
		if ((why = value_version(v, &ver)) != NULL)
			bad_value(c, n, "openssl", v, why);
		else {
			c->m->target.openssl = ver;
			c->m->target.openssl_declared = true;
		}
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((v = attr(c, n, names[i])) == NULL)
			continue;
		if ((why = value_server_version(v, &ver)) == NULL &&
		    strchr(strchr(v, '.') + 1, '.') == NULL &&
		    caps_series_floor((enum server)i, ver) != 0)
			/* "2.4": the series, from its oldest proven release. */
			ver = caps_series_floor((enum server)i, ver);
		if (why != NULL)
			bad_value(c, n, names[i], v, why);
		else if (!caps_proven((enum server)i, ver))
			bad_value(c, n, names[i], v, arena_printf(c->m->a,
			    "not a version tlsgen writes for; it writes for "
			    "%s %s", caps_product((enum server)i),
			    caps_ranges((enum server)i)));
		else {
			c->m->target.server[i] = ver;
			c->m->target.server_declared[i] = true;
		}
	}
}

static void
read_certificate(struct mctx *c, xmlNodePtr n, struct certificate *cert)
{
	xmlNodePtr	 p;
	size_t		 k = 0;

	cert->line = xmlGetLineNo(n);
	cert->id = get_id(c, n, "id");
	cert->npairs = count_children(n, "pair");
	cert->pairs = arena_alloc(c->m->a, cert->npairs * sizeof(*cert->pairs));
	for (p = n->children; p != NULL; p = p->next) {
		if (!is_elem(p, "pair"))
			continue;
		cert->pairs[k].line = xmlGetLineNo(p);
		cert->pairs[k].cert = get_path(c, p, "cert");
		cert->pairs[k].key = get_path(c, p, "key");
		k++;
	}
}

static struct certificate *
find_cert(struct model *m, const char *id)
{
	size_t	 i;

	for (i = 0; id != NULL && i < m->ncerts; i++)
		if (m->certs[i].id != NULL && strcmp(m->certs[i].id, id) == 0)
			return &m->certs[i];
	return NULL;
}

static void
read_hosts(struct mctx *c, xmlNodePtr n, struct service *s)
{
	xmlNodePtr	 h;
	const char	*v, *why;
	size_t		 k = 0, j;

	s->nhosts = count_children(n, "host");
	s->hosts = arena_alloc(c->m->a, s->nhosts * sizeof(*s->hosts));
	for (h = n->children; h != NULL; h = h->next) {
		if (!is_elem(h, "host"))
			continue;
		v = text_of(c, h);
		if ((why = value_hostname(v)) != NULL) {
			bad(c, h, "<host> %s: %s", shown(c, v), why);
			continue;
		}
		for (j = 0; j < k; j++)
			if (strcasecmp(s->hosts[j], v) == 0)
				break;
		if (j < k) {
			bad(c, h, "<host> %s is listed twice", shown(c, v));
			continue;
		}
		s->hosts[k++] = v;
	}
	s->nhosts = k;
}

static enum server
server_of(const char *name)
{
	size_t	 i, n;

	/*
	 * RELAX NG compares <value>s as tokens: server="&#10;nginx " passes
	 * the schema, so white space around the name is dropped here too
	 * (found by fuzz/fuzz_description.c: SRV__N indexed server_names[]).
	 */
	name += strspn(name, " \t\r\n");
	n = strcspn(name, " \t\r\n");
	for (i = 0; i < SRV__N; i++)
		if (strlen(server_names[i]) == n &&
		    strncmp(server_names[i], name, n) == 0)
			return (enum server)i;
	return SRV__N;	/* the schema allows no other */
}

static void
read_service_common(struct mctx *c, xmlNodePtr n, struct service *s)
{
	const char	*ref;

	/* Static names: the model outlives the document. */
	s->elem = is_elem(n, "web") ? "web" : is_elem(n, "mail") ? "mail" :
	    "xmpp";
	s->line = xmlGetLineNo(n);
	s->id = get_id(c, n, "id");
	ref = attr(c, n, "certificate");
	if ((s->cert = find_cert(c->m, ref)) == NULL)
		bad(c, n, "certificate %s is not defined by any "
		    "<certificate id=...>", shown(c, ref));
	else
		s->cert->used = true;
	read_hosts(c, n, s);
	read_policy(c, n, &s->over);
}

static bool
url_host_is_address(const struct url *u)
{
	unsigned char	 b[4];

	return u->host[0] == '[' || inet_pton(AF_INET, u->host, b) == 1;
}

static void
read_web(struct mctx *c, xmlNodePtr n, struct service *s)
{
	xmlNodePtr	 ch;
	const char	*v, *why;

	s->kind = SVC_WEB;
	read_service_common(c, n, s);
	s->server = server_of(attr(c, n, "server"));
	get_address(c, n, "listen", &s->listen);
	get_port(c, n, "http-port", &s->http_port);
	get_port(c, n, "https-port", &s->https_port);
	if (s->http_port != 0 && s->http_port == s->https_port)
		bad(c, n, "http-port and https-port must differ");
	for (ch = n->children; ch != NULL; ch = ch->next) {
		if (is_elem(ch, "root")) {
			v = text_of(c, ch);
			if ((why = value_path(v)) != NULL)
				bad(c, ch, "<root> %s: %s", shown(c, v), why);
			else
				s->root = v;
		} else if (is_elem(ch, "proxy")) {
			v = attr(c, ch, "to");
			if ((why = value_url(c->m->a, v, &s->proxy)) != NULL)
				bad_value(c, ch, "to", v, why);
			else if (s->proxy.https && url_host_is_address(
			    &s->proxy))
				/*
				 * nginx checks a back end's certificate with
				 * X509_check_host() only, and Apache's check
				 * failed too: an IP address is never matched.
				 */
				bad_value(c, ch, "to", v, "an HTTPS back end "
				    "is verified by name, and neither nginx nor "
				    "Apache matches an address in its "
				    "certificate: use a host name the "
				    "certificate holds");
			else
				s->has_proxy = true;
		}
	}
}

static void
read_mail(struct mctx *c, xmlNodePtr n, struct service *s)
{
	xmlNodePtr	 ch;

	s->kind = SVC_MAIL;
	read_service_common(c, n, s);
	for (ch = n->children; ch != NULL; ch = ch->next) {
		if (is_elem(ch, "smtp")) {
			s->smtp.present = true;
			s->smtp.line = xmlGetLineNo(ch);
			s->smtp.server = server_of(attr(c, ch, "server"));
			get_address(c, ch, "listen", &s->smtp.listen);
			get_port(c, ch, "port", &s->smtp.port);
			get_port(c, ch, "submission-port", &s->smtp.submission);
			get_port(c, ch, "submissions-port",
			    &s->smtp.submissions);
			get_bool(c, ch, "validating-resolver", &s->smtp.dane);
		} else if (is_elem(ch, "imap")) {
			s->imap.present = true;
			s->imap.line = xmlGetLineNo(ch);
			s->imap.server = server_of(attr(c, ch, "server"));
			get_address(c, ch, "listen", &s->imap.listen);
			get_port(c, ch, "port", &s->imap.port);
			get_port(c, ch, "imaps-port", &s->imap.imaps);
		}
	}
	if (!s->smtp.present && !s->imap.present)
		bad(c, n, "a <mail> service needs <smtp> or <imap>");
}

static void
read_xmpp(struct mctx *c, xmlNodePtr n, struct service *s)
{
	s->kind = SVC_XMPP;
	read_service_common(c, n, s);
	s->server = server_of(attr(c, n, "server"));
	get_address(c, n, "listen", &s->listen);
	get_port(c, n, "c2s-port", &s->c2s);
	get_port(c, n, "c2s-tls-port", &s->c2s_tls);
	get_port(c, n, "s2s-port", &s->s2s);
}

/* A service's id in messages; NULL when its id attribute was refused. */
static const char *
idof(const struct service *s)
{
	return s->id != NULL ? s->id : "?";
}

/*
 * Listening sockets, for the clash checks: two servers cannot share an
 * address and port (the wildcard address overlaps every address), and one
 * server cannot serve plain and TLS on one socket.
 */
struct endpoint {
	const struct service *svc;
	enum server	 server;
	const struct address *addr;
	uint16_t	 port;
	const char	*what;	/* "https-port", "c2s-port", ... */
	bool		 tls;	/* implicit TLS on this socket */
	size_t		 order;	/* in the description */
};

static int
endpoint_cmp(const void *x, const void *y)
{
	const struct endpoint *a = x, *b = y;
	int	 r;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->addr->family != b->addr->family)
		return a->addr->family < b->addr->family ? -1 : 1;
	if ((r = memcmp(a->addr->bytes, b->addr->bytes, 16)) != 0)
		return r;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void
add_ep(struct endpoint *v, size_t *n, const struct service *s,
    enum server srv, const struct address *addr, uint16_t port,
    const char *what, bool tls)
{
	if (port == 0 || addr->text == NULL)
		return;
	v[*n] = (struct endpoint){ s, srv, addr, port, what, tls, *n };
	(*n)++;
}

/*
 * Two sockets that overlap may share only as web virtual hosts, and in
 * Apache only on the very same address: Apache binds each Listen, so a
 * wildcard and a specific address with one port pass `apache2 -t` but the
 * second bind fails at start (EADDRINUSE).  Its two wildcards, [::] and
 * 0.0.0.0, do share a port (Apache keeps the dual-stack [::] alone: seen
 * booting it).  nginx binds the wildcard only and tells the addresses
 * apart itself.
 */
static bool
apache_split(const struct endpoint *a, const struct endpoint *b)
{
	return a->server == SRV_APACHE && a->addr->wildcard !=
	    b->addr->wildcard;
}

/* Reports a clash of two sockets at the later service, naming the other. */
static void
clash(struct mctx *c, const struct endpoint *x, const struct endpoint *y)
{
	const struct endpoint *a = x, *b = y;

	if (a->order > b->order) {
		a = y;
		b = x;
	}
	if (a->server == b->server && a->tls == b->tls &&
	    a->svc->kind == SVC_WEB && b->svc->kind == SVC_WEB &&
	    apache_split(a, b))
		diag_at(c->d, SEV_ERROR, b->svc->line, b->svc->elem,
		    b->svc->id, "%s %s:%u overlaps %s:%u of <%s id=\"%s\"> "
		    "(line %ld): Apache cannot listen on a wildcard and a "
		    "specific address with one port (the second bind fails); "
		    "give both services one address", b->what, b->addr->text,
		    b->port, a->addr->text, a->port, a->svc->elem,
		    idof(a->svc), a->svc->line);
	else if (a->server != b->server)
		diag_at(c->d, SEV_ERROR, b->svc->line, b->svc->elem,
		    b->svc->id, "%s %s:%u clashes with <%s id=\"%s\"> (line "
		    "%ld) on %s: two servers cannot listen on one address and "
		    "port", b->what, b->addr->text, b->port, a->svc->elem,
		    idof(a->svc), a->svc->line, server_names[a->server]);
	else if (a->tls != b->tls || a->svc == b->svc)
		diag_at(c->d, SEV_ERROR, b->svc->line, b->svc->elem,
		    b->svc->id, "%s %s:%u is already the %s of <%s id=\"%s\"> "
		    "(line %ld)", b->what, b->addr->text, b->port, a->what,
		    a->svc->elem, idof(a->svc), a->svc->line);
	else
		diag_at(c->d, SEV_ERROR, b->svc->line, b->svc->elem,
		    b->svc->id, "%s %s:%u is also used by <%s id=\"%s\"> "
		    "(line %ld)", b->what, b->addr->text, b->port,
		    a->svc->elem, idof(a->svc), a->svc->line);
}

static bool
compatible(const struct endpoint *a, const struct endpoint *b)
{
	return a->server == b->server && a->tls == b->tls &&
	    a->svc != b->svc && a->svc->kind == SVC_WEB &&
	    b->svc->kind == SVC_WEB && !apache_split(a, b);
}

/*
 * Compatibility is an equivalence, so a socket is compared with one
 * representative of each kind seen so far (server, TLS, web or not), not
 * with every socket before it: linear in the sockets of one port.
 */
#define REPS_MAX	16

struct reps {
	const struct endpoint *v[REPS_MAX];
	size_t		 n;
};

static void
reps_check(struct mctx *c, struct reps *r, const struct endpoint *e,
    bool add)
{
	size_t	 k;
	bool	 same = false;

	for (k = 0; k < r->n; k++) {
		if (!address_overlaps(r->v[k]->addr, e->addr))
			continue;
		if (!compatible(r->v[k], e)) {
			clash(c, r->v[k], e);
			return;
		}
		same = true;
	}
	if (add && !same && r->n < REPS_MAX)
		r->v[r->n++] = e;
}

/*
 * All sockets of one port, sorted by address: a wildcard overlaps every
 * address of its family (and IPv6's every IPv4 one), other addresses only
 * their equals, which are neighbours.
 */
static void
check_port(struct mctx *c, const struct endpoint *v, size_t n)
{
	struct reps	 wild = { .n = 0 }, run = { .n = 0 };
	size_t		 i;

	for (i = 0; i < n; i++)
		if (v[i].addr->wildcard)
			reps_check(c, &wild, &v[i], true);
	for (i = 0; i < n; i++) {
		if (v[i].addr->wildcard)
			continue;
		reps_check(c, &wild, &v[i], false);
		if (i == 0 || v[i - 1].addr->wildcard ||
		    v[i - 1].addr->family != v[i].addr->family ||
		    memcmp(v[i - 1].addr->bytes, v[i].addr->bytes, 16) != 0)
			run.n = 0;
		reps_check(c, &run, &v[i], true);
	}
}

static void
check_endpoints(struct mctx *c)
{
	struct model	*m = c->m;
	struct endpoint	*v;
	size_t		 n = 0, i, j;

	v = calloc(m->nsvcs * 6 + 1, sizeof(*v));
	if (v == NULL)
		abort();
	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];

		switch (s->kind) {
		case SVC_WEB:
			add_ep(v, &n, s, s->server, &s->listen, s->http_port,
			    "http-port", false);
			add_ep(v, &n, s, s->server, &s->listen, s->https_port,
			    "https-port", true);
			break;
		case SVC_MAIL:
			add_ep(v, &n, s, s->smtp.server, &s->smtp.listen,
			    s->smtp.port, "smtp port", false);
			add_ep(v, &n, s, s->smtp.server, &s->smtp.listen,
			    s->smtp.submission, "submission-port", false);
			add_ep(v, &n, s, s->smtp.server, &s->smtp.listen,
			    s->smtp.submissions, "submissions-port", true);
			add_ep(v, &n, s, s->imap.server, &s->imap.listen,
			    s->imap.port, "imap port", false);
			add_ep(v, &n, s, s->imap.server, &s->imap.listen,
			    s->imap.imaps, "imaps-port", true);
			break;
		case SVC_XMPP:
			add_ep(v, &n, s, s->server, &s->listen, s->c2s,
			    "c2s-port", false);
			add_ep(v, &n, s, s->server, &s->listen, s->c2s_tls,
			    "c2s-tls-port", true);
			add_ep(v, &n, s, s->server, &s->listen, s->s2s,
			    "s2s-port", false);
			break;
		}
	}
	qsort(v, n, sizeof(*v), endpoint_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && v[j].port == v[i].port; j++)
			;
		check_port(c, v + i, j - i);
	}
	free(v);
}

/* One host claimed by two services of the same server is ambiguous. */
struct hostref {
	const char	*host;
	const struct service *svc;
	enum server	 server;
};

static int
hostref_cmp(const void *x, const void *y)
{
	const struct hostref *a = x, *b = y;
	int	 r = (int)a->server - (int)b->server;

	return r != 0 ? r : strcasecmp(a->host, b->host);
}

static void
check_hosts(struct mctx *c)
{
	struct model	*m = c->m;
	struct hostref	*v;
	size_t		 n = 0, i, k;

	for (i = 0; i < m->nsvcs; i++)
		n += m->svcs[i].nhosts;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		abort();
	n = 0;
	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];

		if (s->kind != SVC_WEB)
			continue;
		for (k = 0; k < s->nhosts; k++)
			v[n++] = (struct hostref){ s->hosts[k], s, s->server };
	}
	qsort(v, n, sizeof(*v), hostref_cmp);
	for (i = 1; i < n; i++)
		if (hostref_cmp(&v[i - 1], &v[i]) == 0) {
			const struct service *a = v[i - 1].svc, *b = v[i].svc;

			if (a->line > b->line) {
				const struct service *t = a;

				a = b;
				b = t;
			}
			diag_at(c->d, SEV_ERROR, b->line, b->elem, b->id,
			    "host \"%s\" is already served by <%s id=\"%s\"> "
			    "(line %ld) on %s", v[i].host, a->elem, idof(a),
			    a->line, server_names[v[i].server]);
		}
	free(v);
}

static int
svc_id_cmp(const void *x, const void *y)
{
	const struct service *const *a = x, *const *b = y;

	return strcmp((*a)->id, (*b)->id);
}

static void
check_ids(struct mctx *c)
{
	struct model	*m = c->m;
	const struct service **v;
	size_t		 i, j, n = 0;

	for (i = 0; i < m->ncerts; i++)
		for (j = 0; j < i; j++)
			if (m->certs[i].id && m->certs[j].id &&
			    strcmp(m->certs[i].id, m->certs[j].id) == 0)
				diag_at(c->d, SEV_ERROR, m->certs[i].line,
				    "certificate", m->certs[i].id, "id is "
				    "already used on line %ld",
				    m->certs[j].line);
	if ((v = calloc(m->nsvcs + 1, sizeof(*v))) == NULL)
		abort();
	for (i = 0; i < m->nsvcs; i++)
		if (m->svcs[i].id != NULL)
			v[n++] = &m->svcs[i];
	qsort(v, n, sizeof(*v), svc_id_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(v[i - 1]->id, v[i]->id) == 0) {
			const struct service *a = v[i - 1], *b = v[i];

			if (a->line > b->line) {
				const struct service *t = a;

				a = b;
				b = t;
			}
			diag_at(c->d, SEV_ERROR, b->line, b->elem, b->id,
			    "id is already used by <%s> on line %ld", a->elem,
			    a->line);
		}
	free(v);
}

/* One main.cf, one dovecot.conf, one ejabberd.yml: one service each. */
static void
check_singletons(struct mctx *c)
{
	const struct service *first[SRV__N] = { 0 };
	struct model	*m = c->m;
	size_t		 i;

	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];
		enum server	 srv[2];
		size_t		 k, ns = 0;

		if (s->kind == SVC_MAIL) {
			if (s->smtp.present)
				srv[ns++] = s->smtp.server;
			if (s->imap.present)
				srv[ns++] = s->imap.server;
		} else if (s->kind == SVC_XMPP)
			srv[ns++] = s->server;
		for (k = 0; k < ns; k++) {
			if (first[srv[k]] == NULL) {
				first[srv[k]] = s;
				continue;
			}
			diag_at(c->d, SEV_ERROR, s->line, s->elem, s->id,
			    "%s is already configured by <%s id=\"%s\"> "
			    "(line %ld): one such service per description",
			    server_names[srv[k]], first[srv[k]]->elem,
			    idof(first[srv[k]]), first[srv[k]]->line);
		}
	}
}

/* The site-wide parts may be written once each (the schema allows more). */
static void
check_once(struct mctx *c, xmlNodePtr root)
{
	static const char *const once[] = { "policy", "trust", "layout",
	    "target" };
	long	 first[4] = { 0, 0, 0, 0 };
	xmlNodePtr n;
	size_t	 k;

	for (n = root->children; n != NULL; n = n->next)
		for (k = 0; k < 4; k++) {
			if (!is_elem(n, once[k]))
				continue;
			if (first[k] == 0)
				first[k] = xmlGetLineNo(n);
			else
				bad(c, n, "<%s> is already given on line %ld",
				    once[k], first[k]);
		}
}

struct model *
model_build(struct _xmlDoc *doc, struct diags *d)
{
	struct model	*m;
	struct mctx	 c;
	xmlNodePtr	 root, n;
	size_t		 before = d->errors, kc = 0, ks = 0;
	const char	*v, *why;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		abort();
	m->a = arena_new();
	m->layout = layout_default;
	m->target.openssl = openssl_linked_version();
	c.m = m;
	c.d = d;
	root = xmlDocGetRootElement(doc);

	if ((v = attr(&c, root, "domain")) != NULL) {
		if ((why = value_hostname(v)) != NULL)
			bad_value(&c, root, "domain", v, why);
		else
			m->domain = v;
	}
	m->ncerts = count_children(root, "certificate");
	m->nsvcs = count_children(root, "web") + count_children(root, "mail") +
	    count_children(root, "xmpp");
	m->certs = arena_alloc(m->a, m->ncerts * sizeof(*m->certs));
	m->svcs = arena_alloc(m->a, m->nsvcs * sizeof(*m->svcs));

	/* Certificates and site-wide parts first: services refer to them. */
	check_once(&c, root);
	for (n = root->children; n != NULL; n = n->next) {
		if (is_elem(n, "certificate"))
			read_certificate(&c, n, &m->certs[kc++]);
		else if (is_elem(n, "policy"))
			read_policy(&c, n, &m->site);
		else if (is_elem(n, "trust")) {
			m->trust_bundle = get_path(&c, n, "bundle");
			m->trust_line = xmlGetLineNo(n);
		} else if (is_elem(n, "layout"))
			read_layout(&c, n);
		else if (is_elem(n, "target"))
			read_target(&c, n);
	}
	for (n = root->children; n != NULL; n = n->next) {
		if (is_elem(n, "web"))
			read_web(&c, n, &m->svcs[ks++]);
		else if (is_elem(n, "mail"))
			read_mail(&c, n, &m->svcs[ks++]);
		else if (is_elem(n, "xmpp"))
			read_xmpp(&c, n, &m->svcs[ks++]);
	}
	check_ids(&c);
	check_hosts(&c);
	check_endpoints(&c);
	check_singletons(&c);
	for (kc = 0; kc < m->ncerts; kc++)
		if (!m->certs[kc].used)
			diag_at(d, SEV_WARNING, m->certs[kc].line,
			    "certificate", m->certs[kc].id,
			    "not used by any service");
	if (d->errors > before) {
		model_free(m);
		return NULL;
	}
	return m;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	arena_free(m->a);
	free(m);
}

bool
model_uses(const struct model *m, enum server srv)
{
	size_t	 i;

	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];

		if (s->kind == SVC_MAIL) {
			if ((s->smtp.present && s->smtp.server == srv) ||
			    (s->imap.present && s->imap.server == srv))
				return true;
		} else if (s->server == srv)
			return true;
	}
	return false;
}
