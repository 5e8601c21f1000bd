/*
 * What each server version can do, and how it spells it: the one place
 * where versions meet output.  Three tables, all data:
 *
 *  - generations[]: the version ranges tlsgen writes for, each proven by
 *    the end-to-end tests on a real server (Debian 12's and Debian 13's,
 *    and the releases between them, whose every difference that matters
 *    here is a row of caps[]), and the template folder of that syntax;
 *  - cap_defs[]: each capability, the server it belongs to, the name
 *    templates test (cap_<key>), and what a description that asks for it
 *    gets on a version without it;
 *  - caps[]: server version ranges that have a capability (a capability
 *    with no row is one no proven version has: ejabberd's gaps).
 *
 * A newer release changes rows, not code (as Mozilla's generator keeps
 * one table of version gates per server).  Every version fact below was
 * checked against the server's own documentation (nginx CHANGES and
 * module docs, postconf(5) "This feature is available in Postfix >= ...",
 * Dovecot's 2.3-to-2.4 upgrade notes, ejabberd's) and, for Debian 12 and
 * 13, against the servers themselves (tests/e2e/trixie.sh).
 */
#include <string.h>

#include "tlsgen.h"

#define V(a, b, c)	SRV_VERSION(a, b, c)
#define ANY_PATCH	999
#define N(a)		(sizeof(a) / sizeof((a)[0]))

/*
 * Proven ranges.  Between Debian 12 and 13: nginx 1.23 to 1.25 differ
 * from both ends only in rows below (http2 directive, ticket rotation);
 * Postfix 3.8 and 3.9 in tls_ffdhe_auto_groups and tls_config_file;
 * ejabberd 23.04 to 24.10 keep the 23.01 configuration format for every
 * setting written here.  Apache 2.4 keeps its configuration compatible
 * across patch releases, and Debian ships security updates as new 2.4
 * patch releases, so the whole 2.4 line from bookworm's on is accepted.
 */
static const struct generation {
	enum server	 srv;
	long		 lo, hi;
	const char	*dir;		/* below templates/ */
} generations[] = {
	{ SRV_NGINX, V(1, 22, 0), V(1, 26, ANY_PATCH), "nginx" },
	{ SRV_APACHE, V(2, 4, 57), V(2, 4, ANY_PATCH), "apache" },
	{ SRV_POSTFIX, V(3, 7, 0), V(3, 10, ANY_PATCH), "postfix" },
	/* Dovecot 2.4 refuses 2.3's file: a template per generation. */
	{ SRV_DOVECOT, V(2, 3, 19), V(2, 3, ANY_PATCH), "dovecot" },
	{ SRV_DOVECOT, V(2, 4, 0), V(2, 4, ANY_PATCH), "dovecot24" },
	{ SRV_EJABBERD, V(23, 1, 0), V(24, 12, ANY_PATCH), "ejabberd" },
};

/* The ranges as a sentence, per server (kept beside generations[]). */
static const char *const ranges_text[SRV__N] = {
	[SRV_NGINX] = "1.22 to 1.26 (Debian 12: 1.22.1, Debian 13: 1.26.3)",
	[SRV_APACHE] = "2.4.57 and later 2.4 releases (Debian 12 and 13: "
	    "2.4.71)",
	[SRV_POSTFIX] = "3.7 to 3.10 (Debian 12: 3.7.11, Debian 13: 3.10.13)",
	[SRV_DOVECOT] = "2.3.19 and later 2.3, 2.4 (Debian 12: 2.3.19.1, "
	    "Debian 13: 2.4.1)",
	[SRV_EJABBERD] = "23.01 to 24.12 (Debian 12: 23.01, Debian 13: "
	    "24.12)",
};

/* The product names messages and headers use. */
static const char *const product[SRV__N] = {
	[SRV_NGINX] = "nginx", [SRV_APACHE] = "Apache",
	[SRV_POSTFIX] = "Postfix", [SRV_DOVECOT] = "Dovecot",
	[SRV_EJABBERD] = "ejabberd",
};

static const struct cap_def {
	enum server	 srv;
	const char	*key;		/* templates: cap_<key> */
	const char	*setting;	/* warnings name it */
	enum cap_ask	 ask;
	const char	*lacking;	/* "...: <version> <lacking>" */
} cap_defs[CAP__N] = {
	[CAP_REJECT_HANDSHAKE] = { SRV_NGINX, "reject_handshake",
	    "ssl_reject_handshake", ASK_NEVER, "has no ssl_reject_handshake "
	    "(1.19.4 and later)" },
	[CAP_CONF_COMMAND] = { SRV_NGINX, "conf_command",
	    "TLS 1.3 suites", ASK_SUITES, "has no ssl_conf_command (1.19.4 "
	    "and later); OpenSSL's defaults apply" },
	[CAP_HTTP2_DIRECTIVE] = { SRV_NGINX, "http2_directive",
	    "http2", ASK_NEVER, "" },
	/* Warned by policy.c's policy_costs(), with enforce[]'s keys'
	 * holder; caps_rotates_tickets() reads this row. */
	[CAP_TICKET_ROTATION] = { SRV_NGINX, "ticket_rotation",
	    "session tickets", ASK_NEVER, "never rotates its automatic "
	    "ticket keys (1.23.2 and later rotate them): one key for the "
	    "life of the process" },
	[CAP_CHAIN_FILES] = { SRV_POSTFIX, "chain_files",
	    "smtpd_tls_chain_files", ASK_NEVER, "" },
	[CAP_TLS_CONFIG_FILE] = { SRV_POSTFIX, "tls_config_file",
	    "TLS 1.3 suites", ASK_SUITES, "has no tls_config_file (3.7.6, "
	    "3.8.1 and later); OpenSSL's defaults apply" },
	[CAP_FFDHE_GROUPS] = { SRV_POSTFIX, "ffdhe_groups",
	    "groups", ASK_NEVER, "" },
	[CAP_KEM_GROUPS] = { SRV_POSTFIX, "kem_groups",
	    "groups", ASK_KEM_GROUP, "takes no KEM group in "
	    "tls_eecdh_auto_curves (3.10 and later do); left out" },
	[CAP_SESSION_CACHE_DV] = { SRV_DOVECOT, "session_cache",
	    "session cache", ASK_ALWAYS, "has no session cache settings, "
	    "and each login runs in its own process: no session resumption "
	    "(high-performance login mode would resume, at the cost of one "
	    "process holding every client's TLS and session)" },
	/* Suites and groups: what ejabberd enforces instead is enforce[]
	 * below; policy_costs() warns, naming this version. */
	[CAP_SUITES_EJ] = { SRV_EJABBERD, "suites",
	    "TLS 1.3 suites", ASK_NEVER, "cannot set them; OpenSSL's "
	    "defaults apply" },
	[CAP_GROUPS_EJ] = { SRV_EJABBERD, "groups",
	    "groups", ASK_NEVER, "cannot set them; OpenSSL's defaults "
	    "apply" },
	[CAP_SESSION_CACHE_EJ] = { SRV_EJABBERD, "session_cache",
	    "session cache", ASK_ALWAYS, "has none: no session resumption" },
	[CAP_PAIRS_EJ] = { SRV_EJABBERD, "pairs",
	    "certificate", ASK_PAIRS, "serves one pair per domain" },
};

/* Version ranges that have a capability. */
static const struct cap_row {
	enum cap	 cap;
	long		 lo, hi;
} caps[] = {
	/* nginx CHANGES 1.19.4: ssl_conf_command, ssl_reject_handshake. */
	{ CAP_REJECT_HANDSHAKE, V(1, 19, 4), V(999, 0, 0) },
	{ CAP_CONF_COMMAND, V(1, 19, 4), V(999, 0, 0) },
	/* 1.25.1: "http2 on;"; the listen flag is deprecated from then. */
	{ CAP_HTTP2_DIRECTIVE, V(1, 25, 1), V(999, 0, 0) },
	/* 1.23.2: automatic session ticket keys are rotated. */
	{ CAP_TICKET_ROTATION, V(1, 23, 2), V(999, 0, 0) },
	/* postconf(5): smtpd_tls_chain_files, Postfix 3.4 and later. */
	{ CAP_CHAIN_FILES, V(3, 4, 0), V(999, 0, 0) },
	/* tls_config_file: "Postfix 3.9, 3.8.1, 3.7.6, 3.6.10, 3.5.20". */
	{ CAP_TLS_CONFIG_FILE, V(3, 7, 6), V(3, 7, ANY_PATCH) },
	{ CAP_TLS_CONFIG_FILE, V(3, 8, 1), V(999, 0, 0) },
	/* tls_ffdhe_auto_groups: Postfix 3.8 and later (OpenSSL 3). */
	{ CAP_FFDHE_GROUPS, V(3, 8, 0), V(999, 0, 0) },
	/* "As of Postfix 3.10 ... the curve names can be KEMs". */
	{ CAP_KEM_GROUPS, V(3, 10, 0), V(999, 0, 0) },
	/* Dovecot 2.3, 2.4; ejabberd 23.01, 24.12: none of their gaps. */
};

bool
caps_has(enum server srv, long version, enum cap cap)
{
	size_t	 i;

	if (cap_defs[cap].srv != srv)
		return false;
	for (i = 0; i < N(caps); i++)
		if (caps[i].cap == cap && version >= caps[i].lo &&
		    version <= caps[i].hi)
			return true;
	return false;
}

/*
 * Per server (and version range): which parts of a policy it can set, as
 * policy.c enforces and warns.  A NULL setting means it can; otherwise the
 * text says which setting is missing, for the warning.  Ticket rotation:
 * whether the server rotates session-ticket keys on its own.
 */
enum rotation { ROT_ALWAYS, ROT_NEVER, ROT_BY_CAP };

static const struct enforce_row {
	enum server		 srv;
	long			 until;	/* last version the row holds for */
	enum rotation		 rotation;
	struct caps_enforce	 e;
} enforce[] = {
	/* CAP_TICKET_ROTATION: 1.23.2 and later rotate them. */
	{ SRV_NGINX, 0, ROT_BY_CAP, { NULL, NULL, NULL, false,
	    "each worker's memory (nginx before 1.23.2 never rotates them)" } },
	{ SRV_APACHE, 0, ROT_NEVER, { NULL, NULL, NULL, false, "mod_ssl's "
	    "memory, made at start and never rotated (no "
	    "SSLSessionTicketKeyFile)" } },
	{ SRV_POSTFIX, 0, ROT_ALWAYS, { NULL, NULL, NULL, false,
	    "tlsmgr, which rotates them" } },
	/* Dovecot 2.4 has no ssl_max_protocol either (doveconf 2.4.1). */
	{ SRV_DOVECOT, V(2, 4, ANY_PATCH), ROT_ALWAYS, { "Dovecot 2.3 and 2.4 "
	    "have ssl_min_protocol but no maximum", NULL, NULL, false,
	    "each login process, which dies with its connection" } },
	{ SRV_DOVECOT, 0, ROT_ALWAYS, { NULL, NULL, NULL, false,
	    "each login process" } },
	/* fast_tls issues no tickets, whatever protocol_options say. */
	{ SRV_EJABBERD, 0, ROT_ALWAYS, { NULL, "cannot set them",
	    "cannot set them", true, "" } },
};

static const struct enforce_row *
enforce_row(enum server srv, long version)
{
	size_t	 i;

	for (i = 0; i < N(enforce); i++)
		if (enforce[i].srv == srv && (enforce[i].until == 0 ||
		    version <= enforce[i].until))
			return &enforce[i];
	return NULL;
}

const struct caps_enforce *
caps_enforce(enum server srv, long version)
{
	const struct enforce_row *r = enforce_row(srv, version);

	return r != NULL ? &r->e : NULL;
}

bool
caps_rotates_tickets(enum server srv, long version)
{
	const struct enforce_row *r = enforce_row(srv, version);

	if (r == NULL || r->rotation == ROT_ALWAYS)
		return true;
	if (r->rotation == ROT_NEVER)
		return false;
	return caps_has(srv, version, CAP_TICKET_ROTATION);
}

static const struct generation *
generation(enum server srv, long version)
{
	size_t	 i;

	for (i = 0; i < N(generations); i++)
		if (generations[i].srv == srv && version >= generations[i].lo &&
		    version <= generations[i].hi)
			return &generations[i];
	return NULL;
}

bool
caps_proven(enum server srv, long version)
{
	return generation(srv, version) != NULL;
}

/*
 * A series declared without its patch release ("2.4"): the oldest proven
 * release of that series (Apache 2.4.57, Dovecot 2.3.19), the version the
 * output then holds for; 0 when no release of it is proven.
 */
long
caps_series_floor(enum server srv, long series)
{
	long	 lo = series - series % 1000, hi = lo + ANY_PATCH, best = 0;
	size_t	 i;

	for (i = 0; i < N(generations); i++) {
		const struct generation *g = &generations[i];
		long	 v = g->lo > lo ? g->lo : lo;

		if (g->srv == srv && v <= hi && v <= g->hi &&
		    (best == 0 || v < best))
			best = v;
	}
	return best;
}

const char *
caps_ranges(enum server srv)
{
	return ranges_text[srv];
}

const char *
caps_tmpl_dir(enum server srv, long version)
{
	const struct generation *g = generation(srv, version);

	return g != NULL ? g->dir : NULL;
}

const char *
caps_product(enum server srv)
{
	return product[srv];
}

/* ejabberd numbers releases YY.MM: 23.01, not 23.1.0. */
const char *
caps_version_text(enum server srv, long v, char *buf, size_t len)
{
	long	 maj = v / 1000000, min = v / 1000 % 1000, pat = v % 1000;

	if (srv == SRV_EJABBERD)
		snprintf(buf, len, pat ? "%ld.%02ld.%ld" : "%ld.%02ld", maj,
		    min, pat);
	else
		snprintf(buf, len, "%ld.%ld.%ld", maj, min, pat);
	return buf;
}

const char *
caps_key(enum cap cap)
{
	return cap_defs[cap].key;
}

enum server
caps_server(enum cap cap)
{
	return cap_defs[cap].srv;
}

enum cap_ask
caps_ask(enum cap cap)
{
	return cap_defs[cap].ask;
}

const char *
caps_setting(enum cap cap)
{
	return cap_defs[cap].setting;
}

const char *
caps_lacking(enum cap cap)
{
	return cap_defs[cap].lacking;
}

/* OpenSSL group names, by kind: FFDHE, hybrid KEM, else elliptic curve. */
enum group_kind
caps_group_kind(const char *name)
{
	if (strncmp(name, "ffdhe", 5) == 0)
		return GROUP_FFDHE;
	if (strstr(name, "MLKEM") != NULL)
		return GROUP_KEM;
	return GROUP_EC;
}
