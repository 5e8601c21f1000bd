/*
 * The `policy` report: what the linked OpenSSL makes of each effective
 * policy, and which real clients (data/clients.tsv) it serves or locks
 * out.  Services with the same policy and key types are reported once,
 * so a description whose services agree reads as one policy; the client
 * table is judged once per distinct policy.
 *
 * Text for people, JSON for machines.  The JSON is written here, with
 * every string escaped: the report only writes JSON, never reads it, and
 * one escaping function is less than a library dependency.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "tlsgen.h"

/*
 * Server sides of services (tls_side: a web service's socket, a mail
 * service's SMTP or IMAP) sharing one enforced policy, the offer made of
 * it, and the verdicts.
 */
struct shared {
	const struct tls_side **sides;
	size_t		 nsides;
	const struct policy *pol;
	unsigned	 keys;
	bool		 from_certs;
	struct offer	 o;
	struct verdict	*v;		/* one per client, in table order */
	size_t		 nconnect;
};

struct report {
	const struct model *m;
	const struct clients *cl;
	const struct report_opts *ro;
	struct arena	*a;
	struct shared	*v;
	size_t		 n;
	size_t		 nsvcs;		/* services reported */
	size_t		 nsides;	/* their server sides */
	struct buf	*out;
};

static const struct {
	enum lockout	 lock;
	const char	*code;		/* for JSON */
} lock_codes[] = {
	{ LOCK_NONE, "none" },
	{ LOCK_PROTOCOL, "protocol" },
	{ LOCK_CIPHER, "cipher" },
	{ LOCK_GROUP, "group" },
	{ LOCK_KEY, "key-type" },
};

static const char *
lock_code(enum lockout l)
{
	size_t	 i;

	for (i = 0; i < sizeof(lock_codes) / sizeof(lock_codes[0]); i++)
		if (lock_codes[i].lock == l)
			return lock_codes[i].code;
	return "?";
}

static bool
same_offer(const struct shared *g, const struct policy *b, unsigned keys,
    bool from_certs)
{
	const struct policy *a = g->pol;

	return a->profile == b->profile && a->protocols == b->protocols &&
	    strcmp(a->ciphers, b->ciphers) == 0 &&
	    strcmp(a->suites, b->suites) == 0 &&
	    strcmp(a->groups, b->groups) == 0 &&
	    a->server_order == b->server_order &&
	    a->tickets == b->tickets &&
	    g->keys == keys && g->from_certs == from_certs;
}

/* Puts one server side into the group of its enforced policy. */
static int
side_add(struct report *r, const struct tls_side *side, unsigned keys,
    bool fc, struct diags *d)
{
	const struct service *s = side->svc;
	struct shared	*g = NULL;
	struct buf	 why;
	size_t		 j, k;

	for (j = 0; j < r->n && g == NULL; j++)
		if (same_offer(&r->v[j], &side->pol, keys, fc))
			g = &r->v[j];
	if (g != NULL) {
		g->sides[g->nsides++] = side;
		return 0;
	}
	g = &r->v[r->n++];
	g->pol = &side->pol;
	g->keys = keys;
	g->from_certs = fc;
	g->sides = arena_alloc(r->a, (2 * r->m->nsvcs + 1) *
	    sizeof(*g->sides));
	buf_init(&why);
	if (offer_build(r->a, r->cl, &side->pol, keys, fc,
	    r->m->target.openssl, &g->o, &why) != 0) {
		/* policy.c checked the same strings first. */
		diag_at(d, SEV_ERROR, s->pol.custom ? s->pol.tls_line :
		    s->line, s->elem, s->id, "%s", why.data);
		buf_free(&why);
		return -1;
	}
	buf_free(&why);
	g->v = arena_alloc(r->a, (r->cl->n + 1) * sizeof(*g->v));
	for (k = 0; k < r->cl->n; k++) {
		client_connect(r->cl, &g->o, &r->cl->v[k], &g->v[k]);
		g->nconnect += g->v[k].lock == LOCK_NONE;
	}
	g->sides[g->nsides++] = side;
	return 0;
}

/*
 * Groups the server sides of the services by the policy each server
 * enforces (policy_enforced: not the wish), builds each offer once and
 * judges every client against it: the lock-out numbers are those of what
 * the server accepts.
 */
static int
report_build(struct report *r, struct diags *d)
{
	const struct model *m = r->m;
	struct tls_side	*sides;
	size_t		 i, e, ne;

	sides = arena_alloc(r->a, (2 * m->nsvcs + 1) * sizeof(*sides));
	r->v = arena_alloc(r->a, (2 * m->nsvcs + 1) * sizeof(*r->v));
	for (i = 0; i < m->nsvcs; i++) {
		const struct service *s = &m->svcs[i];
		unsigned	 keys;
		bool		 fc;

		if (s->pol.profile == NULL)
			continue;
		keys = service_keys(s, &fc);
		ne = service_endpoints(s, &m->target, &sides[r->nsides]);
		r->nsvcs++;
		for (e = 0; e < ne; e++)
			if (side_add(r, &sides[r->nsides++], keys, fc, d) != 0)
				return -1;
	}
	return 0;
}

static const char *
key_name(unsigned key)
{
	return key == CERT_ECDSA ? "ecdsa" : key == CERT_RSA ? "rsa" : "none";
}

/* "ecdsa rsa", "rsa", "none". */
static const char *
keys_text(struct arena *a, unsigned keys)
{
	if ((keys & (CERT_ECDSA | CERT_RSA)) == (CERT_ECDSA | CERT_RSA))
		return "ecdsa rsa";
	return arena_strdup(a, key_name(keys));
}

static const char *
protos_text(struct arena *a, unsigned bits)
{
	static const unsigned order[] = {
		PROTO_TLS10, PROTO_TLS11, PROTO_TLS12, PROTO_TLS13,
	};
	struct buf	 b;
	const char	*s;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (bits & order[i])
			buf_printf(&b, "%s%s", b.len ? " " : "",
			    proto_name(order[i]));
	s = arena_strdup(a, b.data != NULL ? b.data : "");
	buf_free(&b);
	return s;
}

static const char *
client_groups_text(struct report *r, const struct client *c)
{
	struct buf	 b;
	const char	*s;
	size_t		 i;

	if (c->any_group)
		return "none sent";
	buf_init(&b);
	for (i = 0; i < c->ngroups; i++)
		buf_printf(&b, "%s%s", i ? " " : "", r->cl->group[c->groups[i]]);
	s = arena_strdup(r->a, b.data != NULL ? b.data : "");
	buf_free(&b);
	return s;
}

/* Why one client is locked out, in a phrase after the reason. */
static const char *
lock_detail(struct report *r, const struct shared *g, const struct verdict *v)
{
	const struct client *c = v->client;
	const char	*at = proto_name(v->proto);

	switch (v->lock) {
	case LOCK_PROTOCOL:
		if (c->protocols & g->o.refused)
			return arena_printf(r->a, "client offers %s; OpenSSL "
			    "3 refuses %s without @SECLEVEL=0",
			    c->protocols_text, protos_text(r->a,
			    c->protocols & g->o.refused));
		return arena_printf(r->a, "client offers %s",
		    *c->protocols_text ? c->protocols_text : "none");
	case LOCK_CIPHER:
		return arena_printf(r->a, "at %s", at);
	case LOCK_GROUP:
		return arena_printf(r->a, "at %s; client groups: %s", at,
		    client_groups_text(r, c));
	case LOCK_KEY:
		if ((g->o.keys & c->keys) == 0)
			return arena_printf(r->a, "at %s; served %s, client "
			    "verifies %s", at, keys_text(r->a, g->o.keys),
			    keys_text(r->a, c->keys));
		return arena_printf(r->a, "at %s; no common cipher signs with "
		    "the served %s key", at, keys_text(r->a, g->o.keys));
	case LOCK_NONE:
		break;
	}
	return "";
}

static const char *
keys_source(const struct shared *g)
{
	return g->from_certs ? "certificates" : "profile";
}

/* ------------------------------------------------------------------ text */

static const char *
side_text(struct report *r, const struct tls_side *side)
{
	struct buf	 b;
	const char	*t;
	size_t		 i;

	buf_init(&b);
	buf_printf(&b, "<%s id=\"%s\"> %s on %s (port%s", side->svc->elem,
	    side->svc->id, side->name, server_names[side->server],
	    side->nports > 1 ? "s" : "");
	for (i = 0; i < side->nports; i++)
		buf_printf(&b, " %u", side->ports[i]);
	buf_addc(&b, ')');
	t = arena_strdup(r->a, b.data);
	buf_free(&b);
	return t;
}

static void
text_services(struct report *r, const struct shared *g)
{
	struct buf	*b = r->out;
	size_t		 i;

	if (r->n == 1 && g->nsides > 1)
		buf_printf(b, "== all %zu services:", r->nsvcs);
	else
		buf_printf(b, "== %s:", g->nsides == 1 ? "service" :
		    "services");
	for (i = 0; i < g->nsides; i++)
		buf_printf(b, "%s %s", i ? "," : "", side_text(r, g->sides[i]));
	buf_addc(b, '\n');
}

static void
text_policy(struct report *r, const struct shared *g)
{
	const struct profile *prof = g->pol->profile;
	const struct offer *o = &g->o;
	struct buf	*b = r->out;
	size_t		 i;

	buf_printf(b, "   profile     %s%s\n", prof->name,
	    g->pol->custom ? " (with <tls> overrides)" : "");
	buf_printf(b, "   protocols   %s\n", o->protocols ?
	    protos_text(r->a, o->protocols) : "none");
	if (o->refused)
		buf_printf(b, "               (%s configured, but OpenSSL 3 "
		    "refuses them unless the cipher string sets "
		    "@SECLEVEL=0)\n", protos_text(r->a, o->refused));
	buf_printf(b, "   order       %s\n", o->server_order ?
	    "server's (server-order on)" : "client's (server-order off)");
	buf_adds(b, "   TLS 1.3    ");
	for (i = 0; i < o->nsuites; i++)
		buf_printf(b, " %s", o->suites[i].iana);
	buf_adds(b, o->nsuites ? "\n" : " none\n");
	buf_adds(b, "   TLS 1.2    ");
	if (o->nciphers == 0)
		buf_adds(b, " none\n");
	for (i = 0; i < o->nciphers; i++)
		buf_printf(b, "%s%-30s %s\n", i ? "               " : " ",
		    o->ciphers[i].name, o->ciphers[i].iana);
	buf_adds(b, "   groups     ");
	for (i = 0; i < o->ngroups; i++)
		buf_printf(b, " %s", o->groups[i].name);
	buf_addc(b, '\n');
	buf_printf(b, "   key types   %s (%s)\n", keys_text(r->a, o->keys),
	    g->from_certs ? "from the certificates" : "the profile's "
	    "cert-types: certificates not read");
}

static void
text_clients(struct report *r, const struct shared *g)
{
	struct buf	*b = r->out;
	size_t		 i;

	buf_printf(b, "   clients     %zu of %zu connect, %zu locked out\n",
	    g->nconnect, r->cl->n, r->cl->n - g->nconnect);
	buf_adds(b, "   connect:\n");
	for (i = 0; i < r->cl->n; i++) {
		const struct verdict *v = &g->v[i];
		const char *label;

		if (v->lock != LOCK_NONE)
			continue;
		label = arena_printf(r->a, "%s %s", v->client->name,
		    v->client->version);
		buf_printf(b, "     %-30s %-7s %s %s %s\n", label,
		    proto_name(v->proto), v->suite->name,
		    v->group != NULL ? v->group : "-", key_name(v->key));
	}
	buf_adds(b, "   locked out:\n");
	for (i = 0; i < r->cl->n; i++) {
		const struct verdict *v = &g->v[i];
		const char *label;

		if (v->lock == LOCK_NONE)
			continue;
		label = arena_printf(r->a, "%s %s", v->client->name,
		    v->client->version);
		buf_printf(b, "     %-30s %s (%s)\n", label,
		    lockout_text(v->lock), lock_detail(r, g, v));
	}
}

static void
report_text(struct report *r)
{
	struct buf	*b = r->out;
	size_t		 i;

	buf_printf(b, "tlsgen policy: %s\n", r->ro->source);
	buf_printf(b, "OpenSSL:       %s (expands the strings)\n",
	    OpenSSL_version(OPENSSL_VERSION));
	buf_printf(b, "clients:       %zu, from data/clients.tsv\n",
	    r->cl->n);
	buf_printf(b, "services:      %zu, %zu distinct polic%s\n", r->nsvcs,
	    r->n, r->n == 1 ? "y" : "ies");
	for (i = 0; i < r->n; i++) {
		buf_addc(b, '\n');
		text_services(r, &r->v[i]);
		text_policy(r, &r->v[i]);
		text_clients(r, &r->v[i]);
	}
}

/* ------------------------------------------------------------------ JSON */

/* Absent strings are written as "" in this report. */
static void
json_str(struct buf *b, const char *s)
{
	json_string(b, s != NULL ? s : "");
}

static void
json_key(struct buf *b, const char *indent, const char *key)
{
	buf_adds(b, indent);
	json_str(b, key);
	buf_adds(b, ": ");
}

static void
json_suites(struct buf *b, const struct suite *v, size_t n)
{
	size_t	 i;

	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		buf_adds(b, i ? ",\n        {" : "\n        {");
		json_key(b, "", "openssl");
		json_str(b, v[i].name);
		json_key(b, ", ", "iana");
		json_str(b, v[i].iana);
		json_key(b, ", ", "auth");
		json_str(b, v[i].auth == CERT_ECDSA ? "ecdsa" :
		    v[i].auth == CERT_RSA ? "rsa" : "any");
		buf_printf(b, ", \"id\": \"0x%04X\"}", v[i].id);
	}
	buf_adds(b, n ? "\n      ]" : "]");
}

static void
json_protos(struct buf *b, unsigned bits)
{
	static const unsigned order[] = {
		PROTO_TLS10, PROTO_TLS11, PROTO_TLS12, PROTO_TLS13,
	};
	size_t	 i, k = 0;

	buf_addc(b, '[');
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (bits & order[i]) {
			if (k++)
				buf_adds(b, ", ");
			json_str(b, proto_name(order[i]));
		}
	buf_addc(b, ']');
}

static void
json_keys(struct buf *b, unsigned keys)
{
	buf_addc(b, '[');
	if (keys & CERT_ECDSA)
		buf_adds(b, "\"ecdsa\"");
	if (keys & CERT_RSA)
		buf_adds(b, (keys & CERT_ECDSA) ? ", \"rsa\"" : "\"rsa\"");
	buf_addc(b, ']');
}

static void
json_client(struct buf *b, const struct verdict *v)
{
	json_key(b, "{", "client");
	json_str(b, v->client->name);
	json_key(b, ", ", "version");
	json_str(b, v->client->version);
}

static void
json_verdicts(struct report *r, const struct shared *g, bool connect)
{
	struct buf	*b = r->out;
	size_t		 i, k = 0;

	buf_addc(b, '[');
	for (i = 0; i < r->cl->n; i++) {
		const struct verdict *v = &g->v[i];

		if ((v->lock == LOCK_NONE) != connect)
			continue;
		buf_adds(b, k++ ? ",\n        " : "\n        ");
		json_client(b, v);
		json_key(b, ", ", "protocol");
		if (v->proto != 0)
			json_str(b, proto_name(v->proto));
		else
			buf_adds(b, "null");
		if (connect) {
			json_key(b, ", ", "suite");
			json_str(b, v->suite->name);
			json_key(b, ", ", "suite_iana");
			json_str(b, v->suite->iana);
			json_key(b, ", ", "group");
			if (v->group != NULL)
				json_str(b, v->group);
			else
				buf_adds(b, "null");
			json_key(b, ", ", "key_type");
			json_str(b, key_name(v->key));
		} else {
			json_key(b, ", ", "reason");
			json_str(b, lock_code(v->lock));
			json_key(b, ", ", "text");
			json_str(b, lockout_text(v->lock));
			json_key(b, ", ", "detail");
			json_str(b, lock_detail(r, g, v));
		}
		buf_addc(b, '}');
	}
	buf_adds(b, k ? "\n      ]" : "]");
}

static void
json_policy(struct report *r, const struct shared *g)
{
	const struct offer *o = &g->o;
	struct buf	*b = r->out;
	const char	*in = ",\n      ";
	size_t		 i;

	json_key(b, "    {\n      ", "services");
	buf_addc(b, '[');
	for (i = 0; i < g->nsides; i++) {
		const struct tls_side *side = g->sides[i];
		size_t	 k;

		if (i)
			buf_adds(b, ", ");
		json_key(b, "{", "element");
		json_str(b, side->svc->elem);
		json_key(b, ", ", "id");
		json_str(b, side->svc->id);
		buf_printf(b, ", \"line\": %ld", side->svc->line);
		json_key(b, ", ", "server");
		json_str(b, server_names[side->server]);
		json_key(b, ", ", "side");
		json_str(b, side->name);
		buf_adds(b, ", \"ports\": [");
		for (k = 0; k < side->nports; k++)
			buf_printf(b, "%s%u", k ? ", " : "", side->ports[k]);
		buf_adds(b, "]}");
	}
	buf_addc(b, ']');
	json_key(b, in, "profile");
	json_str(b, g->pol->profile->name);
	json_key(b, in, "custom");
	buf_adds(b, g->pol->custom ? "true" : "false");
	json_key(b, in, "protocols");
	json_protos(b, o->protocols);
	json_key(b, in, "protocols_refused");
	json_protos(b, o->refused);
	json_key(b, in, "server_order");
	buf_adds(b, o->server_order ? "true" : "false");
	json_key(b, in, "session_tickets");
	buf_adds(b, g->pol->tickets ? "true" : "false");
	json_key(b, in, "tls13_suites");
	json_suites(b, o->suites, o->nsuites);
	json_key(b, in, "tls12_ciphers");
	json_suites(b, o->ciphers, o->nciphers);
	json_key(b, in, "groups");
	buf_addc(b, '[');
	for (i = 0; i < o->ngroups; i++) {
		if (i)
			buf_adds(b, ", ");
		json_str(b, o->groups[i].name);
	}
	buf_addc(b, ']');
	json_key(b, in, "key_types");
	json_keys(b, o->keys);
	json_key(b, in, "key_types_from");
	json_str(b, keys_source(g));
	buf_printf(b, "%s\"connect_count\": %zu", in, g->nconnect);
	buf_printf(b, "%s\"locked_out_count\": %zu", in,
	    r->cl->n - g->nconnect);
	json_key(b, in, "connect");
	json_verdicts(r, g, true);
	json_key(b, in, "locked_out");
	json_verdicts(r, g, false);
	buf_adds(b, "\n    }");
}

static void
report_json(struct report *r)
{
	struct buf	*b = r->out;
	size_t		 i;

	json_key(b, "{\n  ", "description");
	json_str(b, r->ro->source);
	json_key(b, ",\n  ", "openssl");
	json_str(b, OpenSSL_version(OPENSSL_VERSION));
	json_key(b, ",\n  ", "clients");
	json_str(b, "data/clients.tsv");
	buf_printf(b, ",\n  \"client_count\": %zu", r->cl->n);
	buf_printf(b, ",\n  \"service_count\": %zu", r->nsvcs);
	buf_printf(b, ",\n  \"side_count\": %zu", r->nsides);
	json_key(b, ",\n  ", "agree");
	buf_adds(b, r->n == 1 ? "true" : "false");
	json_key(b, ",\n  ", "policies");
	buf_adds(b, "[\n");
	for (i = 0; i < r->n; i++) {
		if (i)
			buf_adds(b, ",\n");
		json_policy(r, &r->v[i]);
	}
	buf_adds(b, r->n ? "\n  ]\n}\n" : "  ]\n}\n");
}

int
report_policy(const struct model *m, const struct clients *cl,
    const struct report_opts *ro, struct buf *out, struct diags *d)
{
	struct report	 r;
	int		 rc = -1;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.cl = cl;
	r.ro = ro;
	r.out = out;
	r.a = arena_new();
	if (report_build(&r, d) != 0)
		goto out;
	if (ro->json)
		report_json(&r);
	else
		report_text(&r);
	rc = 0;
out:
	arena_free(r.a);
	return rc;
}
