/*
 * tlsgen: one description of services in, TLS-only server configuration out.
 *
 * The private header, sectioned by the file that defines each group, in the
 * order of the pipeline: load -> model -> policy -> certificates -> render ->
 * write.  Every stage is handed only what it needs.
 */
#ifndef TLSGEN_H
#define TLSGEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define TLSGEN_VERSION "0.1.0"

/* Exit statuses shared by every command. */
enum {
	EXIT_OK = 0,       /* all good */
	EXIT_FINDINGS = 1, /* the job ran and found problems */
	EXIT_INVALID = 2,  /* bad input or command line, or unreadable file */
};

/* ------------------------------------------------------------------ util.c */

/*
 * The model and everything derived from it live in one arena, freed at
 * once: one owner for thousands of small strings and one cleanup path.
 */
struct arena;

struct arena *arena_new(void);
void	 arena_free(struct arena *);
void	*arena_alloc(struct arena *, size_t);
char	*arena_strdup(struct arena *, const char *);
char	*arena_strndup(struct arena *, const char *, size_t);
char	*arena_printf(struct arena *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* A growable byte buffer, for rendered files and reports. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reserve(struct buf *, size_t);
void	 buf_shrink(struct buf *);	/* to its length, no slack */
void	 buf_add(struct buf *, const char *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Reads a whole regular file; returns 0, an errno value, or
 * READ_NOT_REGULAR; read_error() says which in words.
 */
#define READ_NOT_REGULAR	(-1)
int	 read_file(const char *, struct buf *, size_t limit);
/* The same from an open descriptor, which it closes; st: its fstat. */
struct stat;
int	 read_fd(int, struct buf *, size_t limit, struct stat *st);
const char *read_error(int);
/* "dir/name" with the given root prefix ("" or NULL for none). */
char	*path_join(struct arena *, const char *root, const char *path);
void	 sha256_hex(const void *, size_t, char out[65]);
/* Appends s as a JSON string (valid whatever its bytes); NULL as null. */
void	 json_string(struct buf *, const char *);

/* ------------------------------------------------------------------ jail.c */

/*
 * Paths below a root (-o, --against, --root) are resolved as if the root
 * were "/": absolute symbolic links point into it, ".." stops at its top
 * (openat2 RESOLVE_IN_ROOT, or the same walk by hand).
 */
#define JAIL_PATH_MAX	4095

/* NULL when p is a normalised relative path (no "", ".", "..", leading
 * '/', control character, over-long name), else why it is not. */
const char *jail_path_check(const char *p);
/* openat(2) of path inside root; O_NOFOLLOW applies to the last name. */
int	 jail_open(int root, const char *path, int flags, mode_t mode);
/* The by-hand walk jail_open falls back to (exposed for the tests). */
int	 jail_walk(int root, const char *path, int flags, mode_t mode);
/*
 * read_file() of path inside root (root -1: path as it is); follow false:
 * a last name that is a symbolic link is READ_NOT_REGULAR.
 */
int	 jail_read(int root, const char *path, bool follow, struct buf *,
	    size_t limit, struct stat *st);
/* lstat(2) of path inside root: its directories resolved inside root. */
int	 jail_lstat(int root, const char *path, struct stat *);

/* ------------------------------------------------------------------ diag.c */

enum severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };

struct diag {
	enum severity	 sev;
	long		 line;	/* 0: none (the run, the whole file) */
	char		*text;	/* FILE:LINE: <elem id="x">: message */
};

/*
 * Every finding of a run is collected here and printed in one place
 * (main.c) at the end, so a user fixes a whole file in one pass.
 */
struct diags {
	const char	*file;	/* the description, as the user named it */
	struct diag	*v;
	size_t		 n, cap;
	size_t		 errors, warnings;
};

void	 diags_init(struct diags *, const char *file);
void	 diags_free(struct diags *);
/* elem and id may be NULL; line 0 leaves the line out. */
void	 diag_at(struct diags *, enum severity, long line, const char *elem,
	    const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
void	 vdiag_at(struct diags *, enum severity, long line, const char *elem,
	    const char *id, const char *fmt, va_list);
/* A finding about the run itself (a path, the command line). */
void	 diag_plain(struct diags *, enum severity, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Prints every finding, sorted by line (stable). */
void	 diags_print(const struct diags *, FILE *);
/*
 * The name among names nearest to word (case aside, a few edits at
 * most), for "did you mean"; NULL when none is near.
 */
const char *diag_nearest(const char *word, const char *const *names,
	    size_t n);

/* ----------------------------------------------------------------- value.c */

/*
 * The grammar of every kind of value that can reach a configuration file.
 * Each parser returns NULL when the text is valid, else why it is not.
 */
struct address {
	char		*text;		/* canonical form */
	int		 family;	/* AF_INET or AF_INET6 */
	bool		 wildcard;	/* 0.0.0.0 or :: */
	unsigned char	 bytes[16];
};

struct url {
	bool		 https;
	char		*host;		/* hostname, IPv4, or [IPv6] as written */
	uint16_t	 port;		/* 0: the scheme's default */
	char		*path;		/* starts with '/' */
};

const char *value_hostname(const char *);
const char *value_wildcard_hostname(const char *);
const char *value_path(const char *);
const char *value_id(const char *);
const char *value_port(const char *, uint16_t *);
const char *value_seconds(const char *, long *);
const char *value_size(const char *, uint64_t *);
const char *value_bool(const char *, bool *);
const char *value_address(struct arena *, const char *, struct address *);
const char *value_url(struct arena *, const char *, struct url *);
const char *value_cipher_string(const char *);
const char *value_version(const char *, long *);
const char *value_server_version(const char *, long *);
bool	 address_overlaps(const struct address *, const struct address *);

/* ------------------------------------------------------------------ load.c */

struct _xmlDoc;

/*
 * Reads one description without ever leaving the file (no entities, no DTD,
 * no XInclude, no network) and validates it against the schema.
 */
struct _xmlDoc *load_description(const char *path, const char *schema,
	    struct diags *);
void	 load_free(struct _xmlDoc *);

/* ----------------------------------------------------------- schema_hint.c */

/*
 * After the schema refused doc: walks it against what the schema allows
 * (read from the schema file) and reports each mistake precisely: unknown
 * element or attribute with the nearest known name, missing attribute,
 * value outside an enumeration, element in the wrong place or repeated.
 * Returns the number of errors added; 0 when it found nothing more
 * precise to say than libxml2 (or cannot read that schema).
 */
size_t	 schema_hint_check(struct _xmlDoc *doc, const char *schema,
	    struct diags *);

/* ---------------------------------------------------------------- model.c */

enum server {
	SRV_NGINX, SRV_APACHE, SRV_POSTFIX, SRV_DOVECOT, SRV_EJABBERD, SRV__N
};
enum svc_kind { SVC_WEB, SVC_MAIL, SVC_XMPP };
enum ocsp_mode { OCSP_OFF, OCSP_ON, OCSP_AUTO };
enum keytype { KEY_UNKNOWN, KEY_ECDSA, KEY_RSA, KEY_OTHER };

/* Protocol versions as bits, parsed at the edge. */
enum {
	PROTO_TLS10 = 1 << 0,
	PROTO_TLS11 = 1 << 1,
	PROTO_TLS12 = 1 << 2,
	PROTO_TLS13 = 1 << 3,
};

/* Which fields of a policy a <policy> or a service's override sets. */
enum {
	POL_PROFILE = 1 << 0,
	POL_HSTS_AGE = 1 << 1,
	POL_HSTS_SUB = 1 << 2,
	POL_HSTS_PRELOAD = 1 << 3,
	POL_OCSP = 1 << 4,
	POL_CACHE_SIZE = 1 << 5,
	POL_CACHE_TIMEOUT = 1 << 6,
	POL_TICKETS = 1 << 7,
	POL_PROTOCOLS = 1 << 8,
	POL_CIPHERS = 1 << 9,
	POL_SUITES = 1 << 10,
	POL_GROUPS = 1 << 11,
	POL_ORDER = 1 << 12,
};

/* A policy as written: the site's <policy>, or a service's overrides. */
struct policy_in {
	unsigned	 set;		/* POL_* bits */
	long		 line;		/* where it was written */
	long		 tls_line;	/* the <tls> element, for cipher errors */
	const char	*profile;
	long		 hsts_max_age;
	bool		 hsts_sub, hsts_preload;
	enum ocsp_mode	 ocsp;
	uint64_t	 cache_size;
	long		 cache_timeout;
	bool		 tickets;
	unsigned	 protocols;
	const char	*ciphers, *suites, *groups;
	bool		 server_order;
};

struct profile;

/* The effective policy of one service, after the one merge step. */
struct policy {
	const struct profile *profile;
	unsigned	 protocols;
	const char	*ciphers;	/* TLS 1.2 cipher string */
	const char	*suites;	/* TLS 1.3 suites */
	const char	*groups;	/* ':'-separated, filtered for the target */
	bool		 server_order;
	long		 hsts_max_age;
	bool		 hsts_sub, hsts_preload;
	enum ocsp_mode	 ocsp;
	bool		 staple;	/* decided: stapling on */
	uint64_t	 cache_size;
	long		 cache_timeout;
	bool		 tickets;
	bool		 custom;	/* ciphers/suites/groups overridden */
	long		 tls_line;
};

struct pair {
	const char	*cert, *key;
	long		 line;
	/* Learned from the files by cert.c (unknown with --no-cert-check). */
	bool		 inspected;
	enum keytype	 type;
	const char	*ocsp_url;
	bool		 must_staple;
};

struct certificate {
	const char	*id;
	long		 line;
	struct pair	*pairs;
	size_t		 npairs;
	bool		 used;
};

struct service {
	enum svc_kind	 kind;
	const char	*elem;		/* "web", "mail", "xmpp" */
	const char	*id;
	long		 line;
	struct certificate *cert;
	const char	**hosts;
	size_t		 nhosts;
	struct policy_in over;
	struct policy	 pol;

	/* web and xmpp */
	enum server	 server;
	struct address	 listen;
	/* web */
	uint16_t	 http_port, https_port;
	const char	*root;
	bool		 has_proxy;
	struct url	 proxy;
	/* mail */
	struct {
		bool		 present;
		enum server	 server;
		struct address	 listen;
		uint16_t	 port, submission, submissions;
		bool		 dane;
		long		 line;
	} smtp;
	struct {
		bool		 present;
		enum server	 server;
		struct address	 listen;
		uint16_t	 port, imaps;
		long		 line;
	} imap;
	/* xmpp */
	uint16_t	 c2s, c2s_tls, s2s;
};

/* Where a server keeps its runtime files; Debian's defaults. */
struct layout {
	const char	*run, *log, *state, *spool, *acme;
};

/* Versions the output is written for (the appliance's, not the host's). */
struct target {
	long		 openssl;	/* OPENSSL_VERSION_NUMBER style 0xMNN00PP0 */
	bool		 openssl_declared;
	long		 server[5];	/* by enum server, same layout */
	bool		 server_declared[5];
};

struct model {
	struct arena	*a;
	const char	*domain;
	struct policy_in site;
	const char	*trust_bundle;
	long		 trust_line;	/* <trust>; 0: the default bundle */
	struct layout	 layout;
	struct target	 target;
	struct certificate *certs;
	size_t		 ncerts;
	struct service	*svcs;
	size_t		 nsvcs;
};

extern const char *const server_names[SRV__N];

/* Builds the typed model and runs every semantic check; NULL on errors. */
struct model *model_build(struct _xmlDoc *, struct diags *);
void	 model_free(struct model *);
bool	 model_uses(const struct model *, enum server);

/* -------------------------------------------------------------- profile.c */

enum { CERT_ECDSA = 1 << 0, CERT_RSA = 1 << 1 };

/* A TLS profile, read from profiles/<name>.profile (data, not code). */
struct profile {
	const char	*name;
	const char	*source;
	unsigned	 protocols;
	const char	*ciphers;
	const char	*suites;
	const char	*groups;	/* ':'-separated, in order */
	bool		 server_order;
	long		 hsts_min;
	unsigned	 cert_types;	/* CERT_* */
	const char	*cert_curves;
	int		 rsa_min_bits;
	const char	*dh;
	bool		 aead_only;
	bool		 forward_secret;	/* only ECDHE (or DHE with dh) */
	const char	*forbid;
	const char	*oldest_clients;
};

struct profiles {
	struct arena	*a;
	struct profile	*v;
	size_t		 n;
};

int	 profiles_load(struct profiles *, const char *dir, struct diags *);
void	 profiles_free(struct profiles *);
const struct profile *profile_find(const struct profiles *, const char *);
unsigned proto_parse(const char *list, const char **bad);
const char *proto_name(unsigned bit);

/* --------------------------------------------------------------- policy.c */

/*
 * Merges site policy and service overrides (the one place they meet),
 * expands the cipher strings with the linked OpenSSL and refuses what the
 * profile forbids; drops groups the target OpenSSL lacks, with a note.
 */
int	 policy_resolve(struct model *, const struct profiles *,
	    struct diags *);
long	 openssl_linked_version(void);

/*
 * One server's side of a service (a web service's HTTPS socket, a mail
 * service's SMTP or IMAP, an XMPP service) and the policy as that server
 * enforces it: what it can set of the wish, OpenSSL's defaults for the
 * rest (caps.c's caps_enforce()).
 */
struct tls_side {
	const struct service *svc;
	enum server	 server;
	const char	*name;		/* "https", "smtp", "imap", "xmpp" */
	uint16_t	 ports[3];
	size_t		 nports;
	struct policy	 pol;
};

struct target;
void	 policy_enforced(const struct policy *, enum server,
	    const struct target *, struct policy *);
size_t	 service_endpoints(const struct service *, const struct target *,
	    struct tls_side[2]);
/* Versions configured that the target OpenSSL refuses (@SECLEVEL). */
unsigned policy_refused(const struct policy *, long target_openssl);
/* generate's warnings where a server does not keep the wish, or at a cost. */
void	 policy_costs(const struct model *, struct diags *);
bool	 group_available(const char *group, long target_openssl);

/* --------------------------------------------------------------- target.c */

/* A server version as value_server_version() encodes it. */
#define SRV_VERSION(maj, min, pat) \
	((long)(maj) * 1000000 + (long)(min) * 1000 + (long)(pat))

/*
 * The versions the output is written for: declared by <target>, else what
 * the build host has installed (asked of each server), else Debian
 * bookworm's.  Says in a note which it assumed.
 */
int	 target_resolve(struct model *, struct diags *);
const char *openssl_version_text(long, char *, size_t);

/* ----------------------------------------------------------------- caps.c */

/*
 * What each server version can do and how it spells it (caps.c's tables):
 * the version ranges tlsgen writes for, the template folder of each syntax
 * generation, and capabilities by version range.  Code asks; no version
 * comparison lives anywhere else.
 */
enum cap {
	CAP_REJECT_HANDSHAKE,	/* nginx ssl_reject_handshake */
	CAP_CONF_COMMAND,	/* nginx ssl_conf_command (TLS 1.3 suites) */
	CAP_HTTP2_DIRECTIVE,	/* nginx "http2 on;", not a listen flag */
	CAP_TICKET_ROTATION,	/* nginx rotates automatic ticket keys */
	CAP_CHAIN_FILES,	/* Postfix smtpd_tls_chain_files */
	CAP_TLS_CONFIG_FILE,	/* Postfix tls_config_file (TLS 1.3 suites) */
	CAP_FFDHE_GROUPS,	/* Postfix tls_ffdhe_auto_groups */
	CAP_KEM_GROUPS,		/* Postfix: KEM groups in the curve list */
	CAP_SESSION_CACHE_DV,	/* Dovecot: a session cache */
	CAP_SUITES_EJ,		/* ejabberd: TLS 1.3 suites */
	CAP_GROUPS_EJ,		/* ejabberd: groups */
	CAP_SESSION_CACHE_EJ,	/* ejabberd: a session cache */
	CAP_PAIRS_EJ,		/* ejabberd: more than one pair per domain */
	CAP__N
};

/* When a description asks for a capability (else lacking it is silent). */
enum cap_ask {
	ASK_NEVER,	/* a spelling, not a feature */
	ASK_ALWAYS,
	ASK_SUITES,	/* the policy has TLS 1.3 */
	ASK_TICKETS,	/* session tickets on */
	ASK_KEM_GROUP,	/* a hybrid KEM group in the groups */
	ASK_PAIRS,	/* a certificate with more than one pair */
};

enum group_kind { GROUP_EC, GROUP_FFDHE, GROUP_KEM };

bool	 caps_has(enum server, long version, enum cap);
/*
 * What a server version enforces of a policy: a NULL text means it can set
 * that part; otherwise the text names what is missing, for the warning.
 */
struct caps_enforce {
	const char	*no_max_protocol;
	const char	*no_suites;
	const char	*no_groups;
	bool		 no_tickets;	/* never issues session tickets */
	const char	*ticket_keys;	/* who holds the keys, for the text */
};
const struct caps_enforce *caps_enforce(enum server, long version);
/* Rotates session-ticket keys on its own. */
bool	 caps_rotates_tickets(enum server, long version);
/* Inside a range tlsgen writes for (and has proven). */
bool	 caps_proven(enum server, long version);
/* The oldest proven release of a series ("2.4": 2.4.57), or 0. */
long	 caps_series_floor(enum server, long series);
/* Those ranges, as a sentence for messages. */
const char *caps_ranges(enum server);
/* The template folder of the version's syntax; NULL outside the ranges. */
const char *caps_tmpl_dir(enum server, long version);
const char *caps_product(enum server);
const char *caps_version_text(enum server, long, char *, size_t);
const char *caps_key(enum cap);
enum server caps_server(enum cap);
enum cap_ask caps_ask(enum cap);
const char *caps_setting(enum cap);
const char *caps_lacking(enum cap);
enum group_kind caps_group_kind(const char *group);

/* ----------------------------------------------------------------- cert.c */

/* What `tlsgen certs` reports beyond diagnostics: per pair, JSON, TLSA. */
struct cert_report;

struct cert_opts {
	const char	*root;		/* read paths below this, or NULL */
	bool		 check;		/* false: --no-cert-check */
	int		 warn_days;	/* warn when a leaf expires sooner */
	bool		 strict;	/* certificate warnings are errors */
	struct cert_report *report;	/* filled when not NULL */
};

/*
 * Proves every pair of every used certificate; fills struct pair's
 * inspected fields, on which stapling "auto" and pair selection rely.
 * -1 when any finding is an error.
 */
int	 cert_check_all(struct model *, const struct cert_opts *,
	    struct diags *);
/* Decides stapling per service from the policy and what the leaf offers. */
void	 cert_decide(struct model *, const struct cert_opts *,
	    struct diags *);
/* A pair a server under this profile can present (not inspected: yes). */
bool	 cert_pair_servable(const struct pair *, const struct profile *);
/*
 * The one pair a server that presents a single certificate (ejabberd)
 * uses: ECDSA unless the profile serves only RSA; the first servable, or
 * the first pair when nothing was inspected.  NULL only without pairs.
 */
const struct pair *cert_pick_one(const struct certificate *,
	    const struct profile *);

struct cert_report *cert_report_new(void);
void	 cert_report_free(struct cert_report *);
/* One line per pair, for people. */
void	 cert_report_text(const struct cert_report *, struct buf *);
/* One JSON object: pairs, findings, TLSA records. */
void	 cert_report_json(const struct cert_report *, struct buf *);
/* "_PORT._tcp.HOST. IN TLSA 3 1 1 HEX" per host, port and pair, sorted. */
void	 cert_report_tlsa(const struct cert_report *, struct buf *);

/* --------------------------------------------------------------- render.c */

/* A render context: a tree of named strings, booleans and lists. */
struct rnode;

struct rnode *rn_new(struct arena *);
void	 rn_str(struct rnode *, const char *name, const char *value);
void	 rn_strf(struct rnode *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 rn_bool(struct rnode *, const char *name, bool);
/* Appends a new child object to the list NAME (created on first use). */
struct rnode *rn_push(struct rnode *, const char *name);
/* Declares an empty list NAME (so a template may test it). */
void	 rn_list(struct rnode *, const char *name);

/* How values are made safe for each server's syntax. */
enum escape { ESC_NGINX, ESC_APACHE, ESC_POSTFIX, ESC_DOVECOT, ESC_YAML };

struct tmpl;

struct tmpl *tmpl_parse(const char *name, const char *text, size_t len,
	    char *err, size_t errlen);
struct tmpl *tmpl_load(const char *path, char *err, size_t errlen);
void	 tmpl_free(struct tmpl *);
/* 0 on success; on failure err names the template, line and reason. */
int	 tmpl_render(const struct tmpl *, const struct rnode *, enum escape,
	    struct buf *, char *err, size_t errlen);
const char *escape_check(enum escape, const char *);

/* ----------------------------------------------------------------- emit.c */

/* One file of the output tree. */
struct outfile {
	char		*path;		/* relative to the output root */
	mode_t		 mode;
	struct buf	 data;
};

struct outset {
	struct outfile	*v;
	size_t		 n, cap;
};

void	 outset_free(struct outset *);
struct outfile *outset_add(struct outset *, const char *path, mode_t);

struct emit_opts {
	const char	*datadir;	/* templates/ lives here */
	const char	*source_name;	/* the description, as named in headers */
};

int	 emit_all(const struct model *, const struct emit_opts *,
	    struct outset *, struct diags *);

/* --------------------------------------------------------------- output.c */

#define MANIFEST_PATH "var/lib/tlsgen/manifest"
#define JOURNAL_PATH	"var/lib/tlsgen/journal"

/* One file a manifest lists: "file MODE SHA-256 PATH". */
struct manifest_entry {
	const char	*path;		/* into the manifest's text */
	mode_t		 mode;
	char		 sha[65];
	long		 line;
};

/*
 * The manifest of an output root, every line checked before any is used:
 * known kinds ("#", "source NAME", "file ..."), four octal digits, 64 hex
 * digits, a path jail_path_check() accepts, no path twice.
 */
struct manifest {
	struct buf	 text;		/* the file; lines NUL-terminated */
	const char	*source;	/* "source NAME", or NULL */
	struct manifest_entry *v;	/* in file order */
	struct manifest_entry *sorted;	/* by path */
	size_t		 n;
};

void	 manifest_init(struct manifest *);
void	 manifest_free(struct manifest *);
/* Parses m->text; NULL, or why line *line is not valid. */
const char *manifest_parse(struct manifest *, long *line);
const struct manifest_entry *manifest_find(const struct manifest *,
	    const char *path);
/*
 * Reads and parses root's manifest (root -1 or no manifest: empty);
 * -1 after an error naming the file and the line.
 */
int	 manifest_load(int root, const char *dir, struct manifest *,
	    struct diags *);
void	 manifest_render(const struct outset *, const char *source,
	    struct buf *);

/* The journal of a run in flight: "dir|old|new PATH" lines. */
enum jkind { J_DIR, J_OLD, J_NEW };

struct journal_entry {
	enum jkind	 kind;
	const char	*path;
};

struct journal {
	struct buf	 text;
	struct journal_entry *v;
	size_t		 n;
};

void	 journal_init(struct journal *);
void	 journal_free(struct journal *);
const char *journal_parse(struct journal *, long *line);

/*
 * What stands at a path the last run wrote (read inside root, never
 * through a link), against the SHA-256 it recorded and what this run
 * would write there (want NULL: nothing, a stale file).
 */
enum fstate {
	FS_ABSENT, FS_AS_WRITTEN, FS_AS_WANTED, FS_EDITED, FS_NOT_FILE,
	FS_UNREADABLE
};

enum fstate file_state(int root, const char *relpath, const char *sha,
	    const struct buf *want, int *err);
/* "edited since tlsgen wrote it", or what else FS_NOT_FILE is. */
const char *file_state_text(int);

struct output_opts {
	bool		 force;		/* replace and remove edited files */
	bool		 strict;	/* an edited stale file is an error */
};

/*
 * Writes the whole set below dir, all or nothing; removes stale files.
 * 0 done; 1 refused (an edited file, see above), nothing changed; -1
 * error, nothing changed.
 */
int	 output_write(const char *dir, struct outset *, const char *source,
	    const struct output_opts *, struct diags *);

/* ----------------------------------------------------------------- diff.c */

/*
 * What generate would change below dir, as a unified diff (diff -u, three
 * lines of context) sorted by path: new, changed and stale files.  Returns
 * 0 when nothing would change, 1 when something would, 2 on error.
 */
int	 output_diff(const char *dir, struct outset *, const char *source,
	    const struct output_opts *, FILE *, struct diags *);
/*
 * A unified diff of two texts under the given ---/+++ labels ("a/PATH",
 * "/dev/null"), appended to out; returns whether the texts differ.
 */
bool	 diff_unified(const char *a, size_t alen, const char *b, size_t blen,
	    const char *label_a, const char *label_b, struct buf *out);

/* -------------------------------------------------------------- clients.c */

/*
 * The client capability table (data/clients.tsv, loaded once) and who of
 * it can connect to one effective policy.  A client's offer is parsed into
 * numbers at the edge, so judging it is a few set intersections.
 */
#define CLIENT_GROUPS_MAX	64	/* distinct groups: bits of a set */

struct client {
	const char	*name, *version, *source;
	const char	*protocols_text;	/* as the table writes them */
	long		 line;
	unsigned	 protocols;	/* PROTO_* */
	bool		 ssl3;		/* offers SSL 3.0 (no server here does) */
	uint16_t	*ciphers;	/* TLS <= 1.2, IANA code points, in order */
	uint16_t	*ciphers_sorted;
	size_t		 nciphers;
	uint16_t	*suites;	/* TLS 1.3 */
	size_t		 nsuites;
	uint8_t		*groups;	/* indexes into clients.group, in order */
	size_t		 ngroups;
	uint64_t	 group_set;
	bool		 any_group;	/* sends no supported_groups */
	unsigned	 keys;		/* CERT_* it can verify */
};

struct clients {
	struct arena	*a;
	const char	*path;
	struct client	*v;
	size_t		 n;
	const char	*group[CLIENT_GROUPS_MAX];	/* OpenSSL names */
	size_t		 ngroup;
};

int	 clients_load(struct clients *, const char *path, struct diags *);
void	 clients_free(struct clients *);
const struct client *clients_find(const struct clients *, const char *name,
	    const char *version);

/* One suite of a policy, as the linked OpenSSL expands the strings. */
struct suite {
	uint16_t	 id;		/* IANA code point */
	const char	*name;		/* OpenSSL's */
	const char	*iana;
	unsigned	 min_proto;	/* lowest PROTO_* it works with */
	unsigned	 auth;		/* CERT_* it needs; 0: TLS 1.3, any */
	bool		 ecdhe;
	bool		 usable;	/* a key exchange this server can do */
};

struct suite_idx {
	uint16_t	 id;
	bool		 tls13;
	uint16_t	 index;		/* into offer.suites or offer.ciphers */
};

struct group_ref {
	const char	*name;
	int		 index;		/* into clients.group, -1: no client has it */
	bool		 tls12;		/* can carry TLS <= 1.2 ECDHE */
};

/* What a server holding one effective policy offers every client. */
struct offer {
	unsigned	 protocols;	/* effective PROTO_* */
	unsigned	 refused;	/* configured, but the target refuses */
	struct suite	*ciphers;	/* TLS <= 1.2, server order */
	size_t		 nciphers;
	struct suite	*suites;	/* TLS 1.3 */
	size_t		 nsuites;
	struct suite_idx *byid;		/* both, sorted by code point */
	size_t		 nbyid;
	struct group_ref *groups;	/* server order */
	size_t		 ngroups;
	uint64_t	 group_set12, group_set13;
	unsigned	 keys;		/* CERT_* presented */
	bool		 keys_from_certs;	/* else the profile's cert-types */
	bool		 server_order;
};

enum lockout { LOCK_NONE, LOCK_PROTOCOL, LOCK_CIPHER, LOCK_GROUP, LOCK_KEY };

struct verdict {
	const struct client *client;
	enum lockout	 lock;
	unsigned	 proto;		/* negotiated (or tried) PROTO_* */
	const struct suite *suite;	/* NULL when locked out */
	const char	*group;		/* NULL: none (RSA key exchange) */
	unsigned	 key;		/* CERT_* the server signs with */
};

/* Key types a service presents; from_certs false: the profile's. */
unsigned service_keys(const struct service *, bool *from_certs);
int	 offer_build(struct arena *, const struct clients *,
	    const struct policy *, unsigned keys, bool keys_from_certs,
	    long target_openssl, struct offer *, struct buf *why);
void	 client_connect(const struct clients *, const struct offer *,
	    const struct client *, struct verdict *);
const char *lockout_text(enum lockout);

/* --------------------------------------------------------------- report.c */

struct report_opts {
	const char	*source;	/* the description, as the user named it */
	bool		 json;
};

/*
 * The `policy` report: per set of services sharing one policy, what the
 * linked OpenSSL makes of it and which clients connect or are locked out.
 */
int	 report_policy(const struct model *, const struct clients *,
	    const struct report_opts *, struct buf *, struct diags *);

#endif
