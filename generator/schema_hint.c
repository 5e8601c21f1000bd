/*
 * Why the schema refused a description, in words a user can act on.
 *
 * libxml2's RELAX NG validator reports where its automaton stopped
 * ("Element web failed to validate attributes", "Expecting an element
 * host, got nothing"), not what is wrong.  When it refuses a document,
 * this layer walks the document again against what the schema allows and
 * says precisely: the unknown element or attribute and the nearest known
 * name, the missing attribute, the value outside an enumeration with the
 * allowed values, an element in the wrong place or given twice.
 *
 * What is allowed where is read from schemas/services.rng itself (parsed
 * as XML, once per run, only on this failure path), so the schema stays
 * the one source of truth.  The reading understands the patterns the
 * schema uses (element, attribute, optional, zeroOrMore, oneOrMore,
 * choice, group, interleave, mixed, ref, text, value, data, empty); a
 * schema using anything else (nested grammars, name classes) makes this
 * layer step aside and libxml2's own messages are shown instead.  So are
 * they when the walk finds nothing (an order the schema imposes, a data
 * type): the walk never invents an error the schema would accept.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tlsgen.h"

#define RNG_NS	"http://relaxng.org/ns/structure/1.0"
/* Deeper ref chains than this are a recursive schema: step aside. */
#define REF_DEPTH_MAX	64
/* How much of a value from the input a message quotes. */
#define QUOTE_MAX	60

struct sh_attr {
	const char	*name;
	const char	*ns;		/* "" for none, as for most attributes */
	bool		 required;
	const char	**values;	/* an enumeration; NULL: any text */
	size_t		 nvalues;
};

/* A child element allowed in an element, and how often. */
struct sh_kid {
	struct sh_elem	*elem;
	bool		 required;	/* at least one */
	bool		 many;		/* more than one allowed */
	unsigned	 group;		/* an exclusive <choice>, 0: none */
	unsigned	 alt;		/* its alternative in that choice */
};

struct sh_elem {
	const char	*name;
	const char	*ns;
	xmlNodePtr	 pattern;	/* the schema's <element> */
	struct sh_attr	*attrs;
	size_t		 nattrs, capattrs;
	struct sh_kid	*kids;
	size_t		 nkids, capkids;
	bool		*group_required; /* by group - 1 */
	unsigned	 ngroups;
	bool		 text;		/* text content allowed */
	struct sh_elem	*next;		/* every declaration, in order */
};

struct schema_hints {
	struct arena	*a;
	xmlDocPtr	 rng;
	xmlNodePtr	 grammar;
	struct sh_elem	*all, **tail;
	struct sh_elem	*start[8];
	size_t		 nstart;
	bool		 unsupported;
};

/* How a pattern is reached: within optional, repeated, in a choice. */
struct flags {
	bool		 required;
	bool		 many;
	unsigned	 group, alt;
};

static void	 walk(struct schema_hints *, struct sh_elem *, xmlNodePtr,
		    struct flags, int);
static void	 one(struct schema_hints *, struct sh_elem *, xmlNodePtr,
		    struct flags, int);

static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	if ((v = realloc(v, *cap * size)) == NULL)
		abort();
	return v;
}

static bool
is_rng(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    xmlStrEqual(n->ns->href, (const xmlChar *)RNG_NS) &&
	    (name == NULL || xmlStrEqual(n->name, (const xmlChar *)name));
}

/* An attribute of a schema element, copied, whitespace trimmed. */
static const char *
rng_attr(struct schema_hints *sh, xmlNodePtr n, const char *name)
{
	xmlChar		*v = xmlGetNoNsProp(n, (const xmlChar *)name);
	const char	*s, *e, *out;

	if (v == NULL)
		return NULL;
	for (s = (const char *)v; *s == ' ' || *s == '\t' || *s == '\n' ||
	    *s == '\r'; s++)
		;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t' ||
	    e[-1] == '\n' || e[-1] == '\r'); e--)
		;
	out = arena_strndup(sh->a, s, (size_t)(e - s));
	xmlFree(v);
	return out;
}

/* The ns an element pattern inherits (RELAX NG 4.8); "" for none. */
static const char *
inherited_ns(struct schema_hints *sh, xmlNodePtr n)
{
	for (; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (xmlHasProp(n, (const xmlChar *)"ns"))
			return rng_attr(sh, n, "ns");
	return "";
}

/*
 * RELAX NG's <value> is a token by default: whitespace collapsed.  Both
 * the schema's values and the document's are compared in that form.
 */
static char *
token(struct arena *a, const char *s)
{
	char	*out = arena_alloc(a, strlen(s) + 1), *p = out;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (*s == '\0')
			break;
		if (p != out)
			*p++ = ' ';
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n' &&
		    *s != '\r')
			*p++ = *s++;
	}
	*p = '\0';
	return out;
}

/* The values an attribute's content enumerates; false: any text. */
static bool
enumeration(struct schema_hints *sh, xmlNodePtr n, struct sh_attr *at,
    size_t *cap)
{
	xmlNodePtr	 c;
	bool		 any = false, some = false;
	xmlChar		*v;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !is_rng(c, NULL))
			continue;
		some = true;
		if (is_rng(c, "choice")) {
			if (!enumeration(sh, c, at, cap))
				any = true;
		} else if (is_rng(c, "value") &&
		    !xmlHasProp(c, (const xmlChar *)"type")) {
			v = xmlNodeGetContent(c);
			at->values = grow(at->values, cap, at->nvalues,
			    sizeof(*at->values));
			at->values[at->nvalues++] = token(sh->a,
			    v ? (const char *)v : "");
			xmlFree(v);
		} else
			any = true;
	}
	return some && !any;
}

static void
add_attr(struct schema_hints *sh, struct sh_elem *owner, xmlNodePtr n,
    struct flags f)
{
	struct sh_attr	*at;
	size_t		 cap = 0;
	const char	*name = rng_attr(sh, n, "name");

	if (name == NULL || strchr(name, ':') != NULL) {
		sh->unsupported = true;	/* a name class or a QName */
		return;
	}
	owner->attrs = grow(owner->attrs, &owner->capattrs, owner->nattrs,
	    sizeof(*owner->attrs));
	at = &owner->attrs[owner->nattrs++];
	memset(at, 0, sizeof(*at));
	at->name = name;
	at->ns = xmlHasProp(n, (const xmlChar *)"ns") ? rng_attr(sh, n, "ns") :
	    "";
	at->required = f.required;
	if (!enumeration(sh, n, at, &cap)) {
		free(at->values);
		at->values = NULL;
		at->nvalues = 0;
	}
}

/* The declaration of one <element> pattern, built once. */
static struct sh_elem *
decl(struct schema_hints *sh, xmlNodePtr n, int depth)
{
	struct sh_elem	*e;
	struct flags	 f = { true, false, 0, 0 };

	for (e = sh->all; e != NULL; e = e->next)
		if (e->pattern == n)
			return e;
	e = arena_alloc(sh->a, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->pattern = n;
	e->name = rng_attr(sh, n, "name");
	e->ns = inherited_ns(sh, n);
	if (e->name == NULL || strchr(e->name, ':') != NULL)
		sh->unsupported = true;
	*sh->tail = e;
	sh->tail = &e->next;
	walk(sh, e, n, f, depth);
	return e;
}

static void
add_kid(struct schema_hints *sh, struct sh_elem *owner, xmlNodePtr n,
    struct flags f, int depth)
{
	struct sh_elem	*e = decl(sh, n, depth);
	struct sh_kid	*k;
	size_t		 i;

	if (owner == NULL) {
		if (sh->nstart == sizeof(sh->start) / sizeof(sh->start[0]))
			sh->unsupported = true;
		else
			sh->start[sh->nstart++] = e;
		return;
	}
	for (i = 0; i < owner->nkids; i++) {
		if (owner->kids[i].elem == e) {
			/* Reached twice: it may appear twice. */
			owner->kids[i].many = true;
			owner->kids[i].required |= f.required;
			return;
		}
		/* Two patterns for one name here: beyond this reading. */
		if (e->name != NULL && owner->kids[i].elem->name != NULL &&
		    strcmp(owner->kids[i].elem->name, e->name) == 0 &&
		    strcmp(owner->kids[i].elem->ns, e->ns) == 0)
			sh->unsupported = true;
	}
	owner->kids = grow(owner->kids, &owner->capkids, owner->nkids,
	    sizeof(*owner->kids));
	k = &owner->kids[owner->nkids++];
	k->elem = e;
	k->required = f.required;
	k->many = f.many;
	k->group = f.group;
	k->alt = f.alt;
}

/* A choice of alternatives: one of them at most, unless repeated. */
static void
choice(struct schema_hints *sh, struct sh_elem *owner, xmlNodePtr n,
    struct flags f, int depth)
{
	struct flags	 alt = { false, f.many, f.group, f.alt };
	xmlNodePtr	 c;
	bool		 may_be_empty = false;

	if (owner != NULL && !f.many) {
		owner->group_required = realloc(owner->group_required,
		    (owner->ngroups + 1) * sizeof(*owner->group_required));
		if (owner->group_required == NULL)
			abort();
		alt.group = ++owner->ngroups;
		alt.alt = 0;
	}
	for (c = n->children; c != NULL; c = c->next) {
		if (!is_rng(c, NULL))
			continue;
		/* Only a choice of elements alone says "one of them". */
		if (!is_rng(c, "element"))
			may_be_empty = true;
		alt.alt++;
		one(sh, owner, c, alt, depth);
	}
	if (alt.group != f.group)
		owner->group_required[alt.group - 1] = f.required &&
		    !may_be_empty;
}

/* Every define of that name (combine= merges them; both are walked). */
static void
ref(struct schema_hints *sh, struct sh_elem *owner, xmlNodePtr scope,
    const char *name, struct flags f, int depth)
{
	xmlNodePtr	 c;
	xmlChar		*v;

	for (c = scope->children; c != NULL; c = c->next) {
		if (is_rng(c, "div")) {
			ref(sh, owner, c, name, f, depth);
			continue;
		}
		if (!is_rng(c, "define"))
			continue;
		v = xmlGetNoNsProp(c, (const xmlChar *)"name");
		if (v != NULL && xmlStrEqual(v, (const xmlChar *)name))
			walk(sh, owner, c, f, depth + 1);
		xmlFree(v);
	}
}

static void
one(struct schema_hints *sh, struct sh_elem *owner, xmlNodePtr c,
    struct flags f, int depth)
{
	struct flags	 g = f;

	if (is_rng(c, "element"))
		add_kid(sh, owner, c, f, depth);
	else if (is_rng(c, "attribute")) {
		if (owner != NULL)
			add_attr(sh, owner, c, f);
	} else if (is_rng(c, "optional")) {
		g.required = false;
		walk(sh, owner, c, g, depth);
	} else if (is_rng(c, "zeroOrMore")) {
		g.required = false;
		g.many = true;
		walk(sh, owner, c, g, depth);
	} else if (is_rng(c, "oneOrMore")) {
		g.many = true;
		walk(sh, owner, c, g, depth);
	} else if (is_rng(c, "choice"))
		choice(sh, owner, c, f, depth);
	else if (is_rng(c, "group") || is_rng(c, "interleave") ||
	    is_rng(c, "div"))
		walk(sh, owner, c, f, depth);
	else if (is_rng(c, "mixed")) {
		if (owner != NULL)
			owner->text = true;
		walk(sh, owner, c, f, depth);
	} else if (is_rng(c, "ref")) {
		const char *name = rng_attr(sh, c, "name");

		if (name == NULL || depth >= REF_DEPTH_MAX)
			sh->unsupported = true;
		else
			ref(sh, owner, sh->grammar, name, f, depth);
	} else if (is_rng(c, "text") || is_rng(c, "data") ||
	    is_rng(c, "value") || is_rng(c, "list")) {
		if (owner != NULL)
			owner->text = true;
	} else if (is_rng(c, "empty") || is_rng(c, "notAllowed") ||
	    is_rng(c, "name"))
		;
	else
		/* parentRef, externalRef, grammar, include, name classes */
		sh->unsupported = true;
}

/* The children of a schema element, as patterns of owner's content. */
static void
walk(struct schema_hints *sh, struct sh_elem *owner, xmlNodePtr n,
    struct flags f, int depth)
{
	xmlNodePtr	 c;

	if (sh->unsupported)
		return;
	for (c = n->children; c != NULL; c = c->next)
		if (is_rng(c, NULL))
			one(sh, owner, c, f, depth);
}

static void
hints_free(struct schema_hints *sh)
{
	struct sh_elem	*e;
	size_t		 i;

	for (e = sh->all; e != NULL; e = e->next) {
		for (i = 0; i < e->nattrs; i++)
			free(e->attrs[i].values);
		free(e->attrs);
		free(e->kids);
		free(e->group_required);
	}
	xmlFreeDoc(sh->rng);
	arena_free(sh->a);
}

/* Reads the schema; false when it cannot be read or is beyond us. */
static bool
hints_load(struct schema_hints *sh, const char *schema)
{
	struct flags	 f = { true, false, 0, 0 };
	xmlNodePtr	 c;

	memset(sh, 0, sizeof(*sh));
	sh->a = arena_new();
	sh->tail = &sh->all;
	sh->rng = xmlReadFile(schema, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (sh->rng == NULL)
		return false;
	sh->grammar = xmlDocGetRootElement(sh->rng);
	if (sh->grammar == NULL || !is_rng(sh->grammar, "grammar"))
		return false;
	for (c = sh->grammar->children; c != NULL; c = c->next)
		if (is_rng(c, "start"))
			walk(sh, NULL, c, f, 0);
	return !sh->unsupported && sh->nstart > 0;
}

/* ---- the walk over the document ----------------------------------------- */

struct checker {
	struct schema_hints *sh;
	struct diags	*d;
	xmlDocPtr	 doc;
	struct arena	*a;
	size_t		 found;
	/* The description's text, read again for attribute lines. */
	int		 src_state;	/* 0 not read, 1 read, -1 unreadable */
	struct buf	 src;
	size_t		*lines;		/* offset of each line's start */
	size_t		 nlines;
};

static const char *
node_ns(xmlNodePtr n)
{
	return n->ns != NULL && n->ns->href != NULL ?
	    (const char *)n->ns->href : "";
}

/* An element's or attribute's name as written: prefix:name. */
static const char *
qname(struct checker *k, xmlNodePtr n, xmlNsPtr ns)
{
	if (ns != NULL && ns->prefix != NULL)
		return arena_printf(k->a, "%s:%s", ns->prefix, n->name);
	return (const char *)n->name;
}

/* A value from the input, printable and bounded, for a message. */
static const char *
quote(struct checker *k, const char *s)
{
	struct buf	 b;
	const unsigned char *p;
	const char	*out;
	size_t		 n = 0;

	buf_init(&b);
	for (p = (const unsigned char *)s; *p != '\0'; p++, n++) {
		if (n == QUOTE_MAX) {
			buf_adds(&b, "...");
			break;
		}
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			buf_printf(&b, "\\x%02x", *p);
		else
			buf_addc(&b, (char)*p);
	}
	out = arena_strndup(k->a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

static void
report(struct checker *k, long line, xmlNodePtr at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* FILE:LINE: <elem id="...">: message, about element at. */
static void
report(struct checker *k, long line, xmlNodePtr at, const char *fmt, ...)
{
	va_list	 ap;
	xmlChar	*id = xmlGetNoNsProp(at, (const xmlChar *)"id");

	va_start(ap, fmt);
	vdiag_at(k->d, SEV_ERROR, line > 0 ? line : xmlGetLineNo(at),
	    (const char *)at->name, (const char *)id, fmt, ap);
	va_end(ap);
	xmlFree(id);
	k->found++;
}

/* "a, b, c", with each name wrapped as pre/post. */
static const char *
list(struct checker *k, const char *const *v, size_t n, const char *pre,
    const char *post)
{
	struct buf	 b;
	const char	*out;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s%s%s", i ? ", " : "", pre, v[i], post);
	out = arena_strndup(k->a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

static const char *
did_you_mean(struct checker *k, const char *hint, const char *pre,
    const char *post)
{
	return hint == NULL ? "" : arena_printf(k->a, " (did you mean %s%s%s?)",
	    pre, hint, post);
}

/*
 * The line an attribute is written on.  libxml2 gives an element the
 * line where its start tag ends, and attributes no line at all; a start
 * tag spread over several lines would send the user to the wrong one.
 * So the text is read again (only on this failure path) and the
 * attribute looked for in the start tag that ends on the element's line.
 * Anything unexpected (the file changed, a tag longer than the window)
 * falls back to the element's line.
 */
#define SRC_MAX		(64u * 1024 * 1024)
#define TAG_WINDOW	(64u * 1024)
#define ATTR_LINES_MAX	1000	/* later findings are not shown anyway */

static bool
src_load(struct checker *k)
{
	size_t	 i;

	if (k->src_state != 0)
		return k->src_state > 0;
	k->src_state = -1;
	buf_init(&k->src);
	if (k->doc->URL == NULL || read_file((const char *)k->doc->URL,
	    &k->src, SRC_MAX) != 0)
		return false;
	for (i = 0; i < k->src.len; i++)
		if (k->src.data[i] == '\n')
			k->nlines++;
	if ((k->lines = calloc(k->nlines + 2, sizeof(*k->lines))) == NULL)
		abort();
	k->nlines = 1;
	for (i = 0; i < k->src.len; i++)
		if (k->src.data[i] == '\n')
			k->lines[k->nlines++] = i + 1;
	k->src_state = 1;
	return true;
}

static long
line_of(const struct checker *k, size_t off)
{
	size_t	 lo = 0, hi = k->nlines;

	while (hi - lo > 1) {
		size_t	 mid = lo + (hi - lo) / 2;

		if (k->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo + 1;
}

static bool
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* In the start tag at p (after its name), the offset of attribute name. */
static bool
attr_in_tag(const struct checker *k, size_t p, const char *name,
    size_t *at)
{
	const char	*s = k->src.data;
	size_t		 len = k->src.len, n = strlen(name), start;
	char		 q;

	for (;;) {
		while (p < len && xml_space(s[p]))
			p++;
		if (p >= len || s[p] == '>' || s[p] == '/' || s[p] == '<')
			return false;
		start = p;
		while (p < len && s[p] != '=' && !xml_space(s[p]) &&
		    s[p] != '>')
			p++;
		if (p - start == n && memcmp(s + start, name, n) == 0) {
			*at = start;
			return true;
		}
		while (p < len && xml_space(s[p]))
			p++;
		if (p >= len || s[p] != '=')
			return false;
		for (p++; p < len && xml_space(s[p]); p++)
			;
		if (p >= len || (s[p] != '"' && s[p] != '\''))
			return false;
		for (q = s[p++]; p < len && s[p] != q; p++)
			;
		p++;
	}
}

static long
attr_line(struct checker *k, xmlNodePtr n, const char *name)
{
	long		 line = xmlGetLineNo(n);
	const char	*tag = qname(k, n, n->ns);
	size_t		 end, lo, p, tl = strlen(tag), at;

	if (line <= 0 || k->found >= ATTR_LINES_MAX || !src_load(k) ||
	    (size_t)line > k->nlines)
		return line;
	end = (size_t)line < k->nlines ? k->lines[line] : k->src.len;
	lo = end > TAG_WINDOW ? end - TAG_WINDOW : 0;
	/* The last "<tag" before the end of that line whose tag has it. */
	for (p = end; p > lo; p--) {
		if (k->src.data[p - 1] != '<' || p + tl > k->src.len ||
		    memcmp(k->src.data + p, tag, tl) != 0 ||
		    p + tl >= k->src.len ||
		    !(xml_space(k->src.data[p + tl]) ||
		    k->src.data[p + tl] == '/' || k->src.data[p + tl] == '>'))
			continue;
		if (attr_in_tag(k, p + tl, name, &at) && at < end)
			return line_of(k, at);
		break;
	}
	return line;
}

static const struct sh_attr *
find_attr(const struct sh_elem *e, const char *name, const char *ns)
{
	size_t	 i;

	for (i = 0; i < e->nattrs; i++)
		if (strcmp(e->attrs[i].name, name) == 0 &&
		    strcmp(e->attrs[i].ns, ns) == 0)
			return &e->attrs[i];
	return NULL;
}

static void
check_value(struct checker *k, xmlNodePtr n, xmlAttrPtr a,
    const struct sh_attr *at)
{
	xmlChar		*raw = xmlNodeListGetString(k->doc, a->children, 1);
	const char	*v = token(k->a, raw ? (const char *)raw : "");
	const char	*shown = quote(k, raw ? (const char *)raw : "");
	size_t		 i;
	long		 line;

	for (i = 0; i < at->nvalues; i++)
		if (strcmp(at->values[i], v) == 0)
			goto out;
	line = attr_line(k, n, qname(k, (xmlNodePtr)a, a->ns));
	if (at->nvalues == 1)
		report(k, line, n, "attribute %s=\"%s\": must be %s",
		    at->name, shown, at->values[0]);
	else
		report(k, line, n, "attribute %s=\"%s\": not one of %s%s",
		    at->name, shown, list(k, at->values, at->nvalues, "", ""),
		    did_you_mean(k, diag_nearest(v, at->values, at->nvalues),
		    "", ""));
out:
	xmlFree(raw);
}

/*
 * Attributes: each one known (else the nearest unused name), each
 * enumerated value allowed, then the required ones present.  A misspelt
 * required attribute is one mistake: its "did you mean" stands for the
 * "missing" it would also cause.
 */
static void
check_attrs(struct checker *k, xmlNodePtr n, const struct sh_elem *e)
{
	const char	**unused, **missing, **all;
	bool		*seen, *meant;
	size_t		 i, nunused = 0, nmissing = 0, nall = 0;
	xmlAttrPtr	 a;

	seen = calloc(e->nattrs + 1, sizeof(*seen));
	meant = calloc(e->nattrs + 1, sizeof(*meant));
	unused = calloc(e->nattrs + 1, sizeof(*unused));
	missing = calloc(e->nattrs + 1, sizeof(*missing));
	all = calloc(e->nattrs + 1, sizeof(*all));
	if (seen == NULL || meant == NULL || unused == NULL ||
	    missing == NULL || all == NULL)
		abort();
	for (a = n->properties; a != NULL; a = a->next) {
		const struct sh_attr *at = find_attr(e, (const char *)a->name,
		    a->ns != NULL ? (const char *)a->ns->href : "");

		if (at != NULL) {
			seen[at - e->attrs] = true;
			if (at->values != NULL)
				check_value(k, n, a, at);
		}
	}
	for (i = 0; i < e->nattrs; i++) {
		if (*e->attrs[i].ns != '\0')
			continue;
		all[nall++] = e->attrs[i].name;
		if (!seen[i])
			unused[nunused++] = e->attrs[i].name;
	}
	for (a = n->properties; a != NULL; a = a->next) {
		const char *hint;

		if (find_attr(e, (const char *)a->name, a->ns != NULL ?
		    (const char *)a->ns->href : "") != NULL)
			continue;
		const char *name = qname(k, (xmlNodePtr)a, a->ns);
		long line = attr_line(k, n, name);

		hint = a->ns == NULL ? diag_nearest((const char *)a->name,
		    unused, nunused) : NULL;
		if (hint != NULL) {
			meant[find_attr(e, hint, "") - e->attrs] = true;
			report(k, line, n, "unknown attribute %s%s", name,
			    did_you_mean(k, hint, "", ""));
		} else if (nall > 0)
			report(k, line, n, "unknown attribute %s; allowed: %s",
			    name, list(k, all, nall, "", ""));
		else
			report(k, line, n, "unknown attribute %s; <%s> takes "
			    "none", name, e->name);
	}
	for (i = 0; i < e->nattrs; i++)
		if (e->attrs[i].required && !seen[i] && !meant[i])
			missing[nmissing++] = e->attrs[i].name;
	if (nmissing > 0)
		report(k, 0, n, "missing attribute%s %s", nmissing > 1 ? "s" :
		    "", list(k, missing, nmissing, "", ""));
	free(seen);
	free(meant);
	free(unused);
	free(missing);
	free(all);
}

/* Names of the elements allowed in e, for "did you mean" and lists. */
static size_t
kid_names(const struct sh_elem *e, const char **v)
{
	size_t	 i;

	for (i = 0; i < e->nkids; i++)
		v[i] = e->kids[i].elem->name;
	return e->nkids;
}

/* Where else an element of that name may go: "<web>, <mail>". */
static const char *
homes(struct checker *k, const char *name, const char *ns)
{
	const char	*v[32];
	struct sh_elem	*p;
	size_t		 i, j, n = 0;

	for (p = k->sh->all; p != NULL; p = p->next)
		for (i = 0; i < p->nkids && n < 32; i++) {
			if (strcmp(p->kids[i].elem->name, name) != 0 ||
			    strcmp(p->kids[i].elem->ns, ns) != 0)
				continue;
			for (j = 0; j < n; j++)
				if (strcmp(v[j], p->name) == 0)
					break;
			if (j == n)
				v[n++] = p->name;
		}
	return n ? list(k, v, n, "<", ">") : NULL;
}

static void	 check_elem(struct checker *, xmlNodePtr,
		    const struct sh_elem *);

/* A child that is not allowed here: say what it may have meant. */
static void
unknown_child(struct checker *k, xmlNodePtr n, const struct sh_elem *e,
    xmlNodePtr c, bool *meant)
{
	const char	**names = calloc(e->nkids + 1, sizeof(*names));
	const char	*name = (const char *)c->name, *ns = node_ns(c);
	const char	*hint, *where;
	size_t		 i, nn;
	long		 line = xmlGetLineNo(c);

	if (names == NULL)
		abort();
	nn = kid_names(e, names);
	for (i = 0; i < e->nkids; i++)
		if (strcmp(names[i], name) == 0)
			break;
	if (i < e->nkids)
		/* The name is right, its namespace is not. */
		report(k, line, n, "element <%s> in %s%s%s: expected "
		    "xmlns=\"%s\"", qname(k, c, c->ns), *ns ? "namespace \"" :
		    "no namespace", *ns ? quote(k, ns) : "", *ns ? "\"" : "",
		    e->kids[i].elem->ns);
	else if (*ns != '\0' && strcmp(ns, e->ns) != 0)
		report(k, line, n, "foreign element <%s> (namespace \"%s\") "
		    "not allowed%s", qname(k, c, c->ns), quote(k, ns),
		    nn ? " here" : e->text ? arena_printf(k->a, "; <%s> "
		    "takes text only", e->name) : arena_printf(k->a, "; <%s> "
		    "takes no content", e->name));
	else if ((where = homes(k, name, ns)) != NULL)
		report(k, line, n, "element <%s> not allowed in <%s>; it goes "
		    "in %s", name, e->name, where);
	else if ((hint = diag_nearest(name, names, nn)) != NULL) {
		for (i = 0; i < e->nkids; i++)
			if (strcmp(names[i], hint) == 0)
				meant[i] = true;
		report(k, line, n, "unknown element <%s>%s", quote(k, name),
		    did_you_mean(k, hint, "<", ">"));
	} else if (nn > 0)
		report(k, line, n, "unknown element <%s>; allowed here: %s",
		    quote(k, name), list(k, names, nn, "<", ">"));
	else
		report(k, line, n, "unknown element <%s>; <%s> takes %s",
		    quote(k, name), e->name, e->text ? "text only" :
		    "no content");
	free(names);
}

static bool
blank(const xmlChar *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/*
 * The line of the first non-blank character of a text node.  libxml2
 * gives a text node the line where its first chunk of characters ended
 * (the whole text, unless it is long): back by its newlines, forward by
 * the blank ones before the first character, never before prev.
 */
static long
text_line(long prev, xmlNodePtr t)
{
	long		 line = xmlGetLineNo(t);
	const xmlChar	*s;

	if (line <= 0)
		return prev;
	for (s = t->content; s != NULL && *s != '\0'; s++)
		if (*s == '\n')
			line--;
	if (line < prev)
		line = prev;
	for (s = t->content; s != NULL && (*s == ' ' || *s == '\t' ||
	    *s == '\n' || *s == '\r'); s++)
		if (*s == '\n')
			line++;
	return line;
}

/*
 * Children: each allowed here, no more often than allowed, not with an
 * alternative it excludes; then the required ones present.
 */
static void
check_kids(struct checker *k, xmlNodePtr n, const struct sh_elem *e)
{
	size_t		*count, i, j;
	long		*first;
	bool		*meant, text_said = false;
	xmlNodePtr	 c;

	count = calloc(e->nkids + 1, sizeof(*count));
	first = calloc(e->nkids + 1, sizeof(*first));
	meant = calloc(e->nkids + 1, sizeof(*meant));
	if (count == NULL || first == NULL || meant == NULL)
		abort();
	for (c = n->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && !e->text &&
		    !text_said && !blank(c->content)) {
			report(k, text_line(c->prev != NULL && c->prev->type ==
			    XML_ELEMENT_NODE ? xmlGetLineNo(c->prev) :
			    xmlGetLineNo(n), c), n, "text \"%s\" not allowed "
			    "in <%s>", quote(k, (const char *)c->content +
			    strspn((const char *)c->content, " \t\r\n")),
			    e->name);
			text_said = true;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (i = 0; i < e->nkids; i++)
			if (xmlStrEqual(c->name, (const xmlChar *)
			    e->kids[i].elem->name) &&
			    strcmp(node_ns(c), e->kids[i].elem->ns) == 0)
				break;
		if (i == e->nkids) {
			unknown_child(k, n, e, c, meant);
			continue;
		}
		if (count[i]++ == 0)
			first[i] = xmlGetLineNo(c);
		else if (!e->kids[i].many)
			report(k, xmlGetLineNo(c), n, "<%s> is already given on "
			    "line %ld", e->kids[i].elem->name, first[i]);
		for (j = 0; j < e->nkids && e->kids[i].group != 0; j++)
			if (j != i && count[j] > 0 &&
			    e->kids[j].group == e->kids[i].group &&
			    e->kids[j].alt != e->kids[i].alt) {
				report(k, xmlGetLineNo(c), n, "<%s> and <%s> "
				    "(line %ld) exclude each other",
				    e->kids[i].elem->name,
				    e->kids[j].elem->name, first[j]);
				break;
			}
		check_elem(k, c, e->kids[i].elem);
	}
	for (i = 0; i < e->nkids; i++)
		if (e->kids[i].required && e->kids[i].group == 0 &&
		    count[i] == 0 && !meant[i])
			report(k, 0, n, "missing element <%s>",
			    e->kids[i].elem->name);
	for (j = 1; j <= e->ngroups; j++) {
		const char	**v = calloc(e->nkids + 1, sizeof(*v));
		size_t		 nv = 0;
		bool		 any = false;

		if (v == NULL)
			abort();
		for (i = 0; i < e->nkids; i++)
			if (e->kids[i].group == j) {
				v[nv++] = e->kids[i].elem->name;
				any |= count[i] > 0 || meant[i];
			}
		if (e->group_required[j - 1] && !any && nv > 0)
			report(k, 0, n, "missing one of %s",
			    list(k, v, nv, "<", ">"));
		free(v);
	}
	free(count);
	free(first);
	free(meant);
}

static void
check_elem(struct checker *k, xmlNodePtr n, const struct sh_elem *e)
{
	check_attrs(k, n, e);
	check_kids(k, n, e);
}

/* The root: one of the start elements, in its namespace. */
static void
check_root(struct checker *k, xmlNodePtr root)
{
	const char	*names[8];
	size_t		 i;

	for (i = 0; i < k->sh->nstart; i++) {
		names[i] = k->sh->start[i]->name;
		if (!xmlStrEqual(root->name, (const xmlChar *)names[i]))
			continue;
		if (strcmp(node_ns(root), k->sh->start[i]->ns) == 0) {
			check_elem(k, root, k->sh->start[i]);
			return;
		}
		if (*node_ns(root) == '\0')
			report(k, 0, root, "no namespace: add xmlns=\"%s\"",
			    k->sh->start[i]->ns);
		else
			report(k, 0, root, "namespace \"%s\": expected "
			    "xmlns=\"%s\"", quote(k, node_ns(root)),
			    k->sh->start[i]->ns);
		return;
	}
	report(k, 0, root, "the root element must be %s",
	    list(k, names, k->sh->nstart, "<", ">"));
}

size_t
schema_hint_check(struct _xmlDoc *doc, const char *schema, struct diags *d)
{
	struct schema_hints sh;
	struct checker	 k;
	xmlNodePtr	 root = xmlDocGetRootElement(doc);

	memset(&k, 0, sizeof(k));
	if (hints_load(&sh, schema) && root != NULL) {
		k.sh = &sh;
		k.d = d;
		k.doc = doc;
		k.a = sh.a;
		check_root(&k, root);
	}
	buf_free(&k.src);
	free(k.lines);
	hints_free(&sh);
	return k.found;
}
