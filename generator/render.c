/*
 * The template engine.  Templates look like the files they make; the few
 * tags are mustache's: {{name}}, {{#list}}...{{/list}}, {{^name}}...{{/name}}
 * and {{! comment }}.  It is strict in both directions: a name the context
 * does not define is an error (a typo cannot silently render as nothing),
 * and a value that the target syntax could read as more than a value is
 * refused (the second wall behind value.c).
 */
#include <stdlib.h>
#include <string.h>

#include "tlsgen.h"

#define DEPTH_MAX	16

/* ---- context ---------------------------------------------------------- */

enum rtype { RN_STR, RN_BOOL, RN_LIST };

struct rfield {
	struct rfield	*next;
	struct rfield	*hnext;		/* same hash bucket */
	unsigned	 hash;
	const char	*name;
	enum rtype	 type;
	const char	*str;
	bool		 b;
	struct rnode	*first, *last;	/* RN_LIST items */
};

/*
 * Names are found by hash: a service's context has some sixty of them,
 * and a template looks them up for every placeholder it writes.
 */
#define RN_BUCKETS	16

struct rnode {
	struct arena	*a;
	struct rfield	*fields, *tail;
	struct rfield	*bucket[RN_BUCKETS];
	struct rnode	*next;		/* next item in a list */
};

static unsigned
name_hash(const char *s)
{
	unsigned h = 2166136261u;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

struct rnode *
rn_new(struct arena *a)
{
	struct rnode	*n = arena_alloc(a, sizeof(*n));

	n->a = a;
	return n;
}

static struct rfield *
field(struct rnode *n, const char *name, enum rtype type)
{
	struct rfield	*f;
	unsigned	 h = name_hash(name);

	for (f = n->bucket[h % RN_BUCKETS]; f != NULL; f = f->hnext)
		if (f->hash == h && strcmp(f->name, name) == 0) {
			f->type = type;
			return f;
		}
	f = arena_alloc(n->a, sizeof(*f));
	f->name = name;
	f->hash = h;
	f->type = type;
	f->hnext = n->bucket[h % RN_BUCKETS];
	n->bucket[h % RN_BUCKETS] = f;
	if (n->tail)
		n->tail->next = f;
	else
		n->fields = f;
	n->tail = f;
	return f;
}

void
rn_str(struct rnode *n, const char *name, const char *value)
{
	field(n, name, RN_STR)->str = value ? value : "";
}

void
rn_strf(struct rnode *n, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	 tmp[256];
	int	 len;

	va_start(ap, fmt);
	len = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (len >= 0 && (size_t)len < sizeof(tmp)) {
		rn_str(n, name, arena_strdup(n->a, tmp));
		return;
	}
	{
		char	*p = arena_alloc(n->a, (size_t)len + 1);

		va_start(ap, fmt);
		vsnprintf(p, (size_t)len + 1, fmt, ap);
		va_end(ap);
		rn_str(n, name, p);
	}
}

void
rn_bool(struct rnode *n, const char *name, bool b)
{
	field(n, name, RN_BOOL)->b = b;
}

void
rn_list(struct rnode *n, const char *name)
{
	struct rfield	*f = field(n, name, RN_LIST);

	(void)f;
}

struct rnode *
rn_push(struct rnode *n, const char *name)
{
	struct rfield	*f = field(n, name, RN_LIST);
	struct rnode	*item = rn_new(n->a);

	if (f->last)
		f->last->next = item;
	else
		f->first = item;
	f->last = item;
	return item;
}

/* ---- escaping ---------------------------------------------------------- */

/*
 * Bytes each syntax could read as structure: statement ends, blocks,
 * quotes, comments, variable expansion, list separators.  Values never
 * need them (value.c already refused them), so a value holding one is
 * refused rather than escaped: no quoting rule to get subtly wrong.
 */
static const char *const forbidden[] = {
	[ESC_NGINX] = ";{}\"'\\#$`",
	[ESC_APACHE] = "\"'\\#$`<>{};",
	[ESC_POSTFIX] = "\"'\\#$`,{}=;",
	[ESC_DOVECOT] = "\"'\\#$`{}%<>;",
	[ESC_YAML] = "\"'\\#$`{}[]&*|>%,;",
};

const char *
escape_check(enum escape e, const char *v)
{
	const unsigned char *p;

	/* YAML reads a leading '!' as a tag; '@' is reserved there. */
	if (e == ESC_YAML && (*v == '!' || *v == '@'))
		return "a character the target syntax reserves";
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f)
			return "a control, space or non-ASCII character";
		if (strchr(forbidden[e], *p) != NULL)
			return "a character the target syntax reserves";
	}
	return NULL;
}

/* ---- templates --------------------------------------------------------- */

enum tok { T_TEXT, T_VAR, T_SECTION, T_INVERTED };

struct tnode {
	enum tok	 type;
	const char	*text;	/* T_TEXT: bytes; else the name */
	size_t		 len;
	unsigned	 hash;	/* of the name */
	long		 line;
	struct tnode	*child;	/* sections */
	struct tnode	*next;
};

struct tmpl {
	struct arena	*a;
	const char	*name;
	struct tnode	*root;
};

static bool
blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

struct tparser {
	struct tmpl	*t;
	const char	*start, *p, *end;
	long		 line;
	char		*err;
	size_t		 errlen;
};

static struct tnode *
tnode_new(struct tparser *tp, enum tok type, const char *text, size_t len)
{
	struct tnode	*n = arena_alloc(tp->t->a, sizeof(*n));

	n->type = type;
	n->text = text;
	n->len = len;
	n->line = tp->line;
	return n;
}

static void
count_lines(struct tparser *tp, const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s == '\n')
			tp->line++;
}

static bool
name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/*
 * A section or comment tag alone on its line (only blanks around it) takes
 * the whole line with it, so templates can be laid out like the files they
 * make.  On success [*ls, *le) is the line, newline included.
 */
static bool
standalone_line(const struct tparser *tp, const char *text, const char *tag,
    const char *after, const char **ls, const char **le)
{
	const char	*s = tag, *q = after;

	while (s > text && s[-1] != '\n')
		s--;
	if (s == text && text != tp->start && text[-1] != '\n')
		return false;	/* another tag ends on this line */
	if (!blank(s, tag))
		return false;
	while (q < tp->end && (*q == ' ' || *q == '\t'))
		q++;
	if (q < tp->end && *q == '\r')
		q++;
	if (q < tp->end && *q != '\n')
		return false;
	*ls = s;
	*le = q < tp->end ? q + 1 : q;
	return true;
}

/*
 * Parses until {{/close}} (or the end when close is NULL) and returns the
 * list of nodes; NULL with tp->err set on failure.
 */
static int
parse_block(struct tparser *tp, const char *close, size_t closelen,
    long openline, struct tnode **out)
{
	struct tnode	*head = NULL, **tail = &head, *n;
	const char	*tag, *tend, *text;
	long		 tagline;
	char		 sigil;

	for (;;) {
		text = tp->p;
		tag = NULL;
		{
			const char *q = text;

			while (q + 1 < tp->end) {
				if (q[0] == '{' && q[1] == '{') {
					tag = q;
					break;
				}
				q++;
			}
		}
		if (tag == NULL) {
			if (close != NULL) {
				snprintf(tp->err, tp->errlen, "%s:%ld: "
				    "{{#%.*s}} is never closed", tp->t->name,
				    openline, (int)closelen, close);
				return -1;
			}
			if (tp->end > text) {
				*tail = tnode_new(tp, T_TEXT, text,
				    (size_t)(tp->end - text));
				count_lines(tp, text, tp->end);
			}
			*out = head;
			return 0;
		}
		tend = NULL;
		{
			const char *q = tag + 2;

			while (q + 1 < tp->end) {
				if (q[0] == '}' && q[1] == '}') {
					tend = q;
					break;
				}
				if (*q == '\n')
					break;
				q++;
			}
		}
		if (tend == NULL) {
			count_lines(tp, text, tag);
			snprintf(tp->err, tp->errlen, "%s:%ld: unterminated "
			    "{{", tp->t->name, tp->line);
			return -1;
		}
		sigil = tag[2];
		{
			const char *ns = tag + 2, *ne = tend;
			const char *ls = tag, *le = tend + 2;
			bool	 standalone = false;

			if (sigil == '#' || sigil == '^' || sigil == '/' ||
			    sigil == '!') {
				ns++;
				standalone = standalone_line(tp, text, tag,
				    tend + 2, &ls, &le);
			}
			while (ns < ne && *ns == ' ')
				ns++;
			while (ne > ns && ne[-1] == ' ')
				ne--;
			if (!standalone) {
				ls = tag;
				le = tend + 2;
			}
			if (ls > text) {
				*tail = tnode_new(tp, T_TEXT, text,
				    (size_t)(ls - text));
				tail = &(*tail)->next;
			}
			count_lines(tp, text, tag);
			if (sigil != '!' && !name_ok(ns, (size_t)(ne - ns))) {
				snprintf(tp->err, tp->errlen, "%s:%ld: bad "
				    "placeholder name \"%.*s\"", tp->t->name,
				    tp->line, (int)(ne - ns), ns);
				return -1;
			}
			tagline = tp->line;
			count_lines(tp, tag, le);
			tp->p = le;
			if (sigil == '!')
				continue;
			if (sigil == '/') {
				if (close == NULL || (size_t)(ne - ns) !=
				    closelen || memcmp(ns, close, closelen)) {
					snprintf(tp->err, tp->errlen, "%s:%ld: "
					    "{{/%.*s}} closes nothing open",
					    tp->t->name, tagline,
					    (int)(ne - ns), ns);
					return -1;
				}
				*out = head;
				return 0;
			}
			n = tnode_new(tp, sigil == '#' ? T_SECTION :
			    sigil == '^' ? T_INVERTED : T_VAR, ns,
			    (size_t)(ne - ns));
			n->text = arena_strndup(tp->t->a, ns, n->len);
			n->hash = name_hash(n->text);
			n->line = tagline;
			*tail = n;
			tail = &n->next;
			if (n->type != T_VAR && parse_block(tp, n->text,
			    n->len, n->line, &n->child) != 0)
				return -1;
		}
	}
}

struct tmpl *
tmpl_parse(const char *name, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct tparser	 tp;
	struct tmpl	*t;
	struct arena	*a = arena_new();
	char		*copy;

	t = arena_alloc(a, sizeof(*t));
	t->a = a;
	t->name = arena_strdup(a, name);
	copy = arena_strndup(a, text, len);
	memset(&tp, 0, sizeof(tp));
	tp.t = t;
	tp.start = tp.p = copy;
	tp.end = copy + len;
	tp.line = 1;
	tp.err = err;
	tp.errlen = errlen;
	if (memchr(copy, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: template holds a NUL byte", name);
		arena_free(a);
		return NULL;
	}
	if (parse_block(&tp, NULL, 0, 0, &t->root) != 0) {
		arena_free(a);
		return NULL;
	}
	return t;
}

struct tmpl *
tmpl_load(const char *path, char *err, size_t errlen)
{
	struct buf	 b;
	struct tmpl	*t = NULL;
	int		 rc;

	buf_init(&b);
	if ((rc = read_file(path, &b, 1 << 20)) != 0)
		snprintf(err, errlen, "%s: cannot read template: %s", path,
		    read_error(rc));
	else
		t = tmpl_parse(path, b.data, b.len, err, errlen);
	buf_free(&b);
	return t;
}

void
tmpl_free(struct tmpl *t)
{
	if (t != NULL)
		arena_free(t->a);
}

/* ---- rendering --------------------------------------------------------- */

struct rstate {
	const struct tmpl *t;
	enum escape	 esc;
	struct buf	*out;
	const struct rnode *scope[DEPTH_MAX];
	size_t		 depth;
	char		*err;
	size_t		 errlen;
};

static const struct rfield *
lookup(const struct rstate *rs, const char *name, unsigned h)
{
	const struct rfield *f;
	size_t	 i;

	for (i = rs->depth; i-- > 0;)
		for (f = rs->scope[i]->bucket[h % RN_BUCKETS]; f != NULL;
		    f = f->hnext)
			if (f->hash == h && strcmp(f->name, name) == 0)
				return f;
	return NULL;
}

static int render_nodes(struct rstate *, const struct tnode *);

static int
render_section(struct rstate *rs, const struct tnode *n,
    const struct rfield *f)
{
	const struct rnode *item;
	bool	 truth;

	truth = f->type == RN_BOOL ? f->b : f->type == RN_STR ?
	    *f->str != '\0' : f->first != NULL;
	if (n->type == T_INVERTED)
		return truth ? 0 : render_nodes(rs, n->child);
	if (!truth)
		return 0;
	if (f->type != RN_LIST)
		return render_nodes(rs, n->child);
	if (rs->depth == DEPTH_MAX) {
		snprintf(rs->err, rs->errlen, "%s:%ld: sections nested too "
		    "deeply", rs->t->name, n->line);
		return -1;
	}
	for (item = f->first; item != NULL; item = item->next) {
		rs->scope[rs->depth++] = item;
		if (render_nodes(rs, n->child) != 0)
			return -1;
		rs->depth--;
	}
	return 0;
}

static int
render_nodes(struct rstate *rs, const struct tnode *n)
{
	const struct rfield *f;
	const char	*why;

	for (; n != NULL; n = n->next) {
		if (n->type == T_TEXT) {
			buf_add(rs->out, n->text, n->len);
			continue;
		}
		if ((f = lookup(rs, n->text, n->hash)) == NULL) {
			snprintf(rs->err, rs->errlen, "%s:%ld: unknown "
			    "placeholder {{%s}}", rs->t->name, n->line,
			    n->text);
			return -1;
		}
		if (n->type != T_VAR) {
			if (render_section(rs, n, f) != 0)
				return -1;
			continue;
		}
		if (f->type != RN_STR) {
			snprintf(rs->err, rs->errlen, "%s:%ld: {{%s}} is a "
			    "%s, not a value", rs->t->name, n->line, n->text,
			    f->type == RN_LIST ? "list" : "boolean");
			return -1;
		}
		if ((why = escape_check(rs->esc, f->str)) != NULL) {
			snprintf(rs->err, rs->errlen, "%s:%ld: value of {{%s}} "
			    "holds %s: refused", rs->t->name, n->line,
			    n->text, why);
			return -1;
		}
		buf_adds(rs->out, f->str);
	}
	return 0;
}

int
tmpl_render(const struct tmpl *t, const struct rnode *ctx, enum escape esc,
    struct buf *out, char *err, size_t errlen)
{
	struct rstate	 rs;

	memset(&rs, 0, sizeof(rs));
	rs.t = t;
	rs.esc = esc;
	rs.out = out;
	rs.scope[rs.depth++] = ctx;
	rs.err = err;
	rs.errlen = errlen;
	return render_nodes(&rs, t->root);
}
