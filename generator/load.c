/*
 * Stage 1: read one description.  The parser never leaves the file: no
 * external entities, no DTD at all (internal or external), no XInclude, no
 * network.  A document that declares a DTD is refused outright, which also
 * refuses every entity-expansion bomb before anything expands.  Then the
 * RELAX NG schema checks the shape; model.c checks the meaning.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "tlsgen.h"

/* Larger descriptions are refused: the DOM costs ~10x the file. */
#define DESCRIPTION_MAX	(64u * 1024 * 1024)
/*
 * Host names per service: nginx and Apache take long name lists badly,
 * and libxml2 validates one element's children in quadratic time.
 */
#define HOSTS_MAX	1000

struct load_state {
	struct diags	*d;
	bool		 dtd;
};

static void
node_ident(xmlNodePtr node, const char **elem, char **id)
{
	*elem = NULL;
	*id = NULL;
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return;
	*elem = (const char *)node->name;
	*id = (char *)xmlGetNoNsProp(node, (const xmlChar *)"id");
}

/* libxml2 and RELAX NG errors, turned into our FILE:LINE: form. */
static void
xml_error(void *ctx, xmlErrorPtr err)
{
	struct diags	*d = ctx;
	const char	*elem;
	char		*id, *msg;
	size_t		 n;

	if (err == NULL || err->level == XML_ERR_WARNING)
		return;
	node_ident(err->node, &elem, &id);
	msg = err->message ? err->message : "XML error";
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	/* One finding, one line: libxml2 sometimes adds a second. */
	{
		char	 line[512];
		size_t	 i;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		for (i = 0; i < n; i++)
			line[i] = msg[i] == '\n' ? ';' : msg[i];
		line[n] = '\0';
		diag_at(d, SEV_ERROR, err->node ? xmlGetLineNo(err->node) :
		    err->line, elem, id, "%s", line);
	}
	xmlFree(id);
}

static void
parser_error(void *ctx, xmlErrorPtr err)
{
	xmlParserCtxtPtr pctxt = ctx;
	struct load_state *st = pctxt->_private;

	if (st->dtd)
		return;	/* already said why */
	xml_error(st->d, err);
}

static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	xmlParserCtxtPtr pctxt = ctx;
	struct load_state *st = pctxt->_private;

	(void)name;
	(void)ext;
	(void)sys;
	if (!st->dtd)
		diag_at(st->d, SEV_ERROR, xmlSAX2GetLineNumber(pctxt), NULL,
		    NULL, "a DOCTYPE is not allowed in a description (no "
		    "DTDs, entities or external references)");
	st->dtd = true;
	xmlStopParser(pctxt);
}

static xmlDocPtr
parse(const char *path, struct diags *d)
{
	struct load_state st = { d, false };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr	 doc = NULL;
	struct buf	 b;
	int		 rc;

	buf_init(&b);
	if ((rc = read_file(path, &b, DESCRIPTION_MAX)) != 0) {
		if (rc == EFBIG)
			diag_at(d, SEV_ERROR, 0, NULL, NULL, "description "
			    "larger than %u MiB: refused",
			    DESCRIPTION_MAX >> 20);
		else
			diag_at(d, SEV_ERROR, 0, NULL, NULL, "cannot read: %s",
			    read_error(rc));
		goto out;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		goto out;
	ctxt->_private = &st;
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->sax->externalSubset = refuse_dtd;
	ctxt->sax->serror = parser_error;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;
	/*
	 * NONET: never fetch; no NOENT (entities are not substituted), no
	 * DTDLOAD, no XINCLUDE; BIG_LINES so line numbers stay right past
	 * 65535.
	 */
	doc = xmlCtxtReadMemory(ctxt, b.data, (int)b.len, path, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR |
	    XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	if (doc != NULL && (st.dtd || !ctxt->wellFormed ||
	    doc->intSubset != NULL || doc->extSubset != NULL)) {
		if (!st.dtd && d->errors == 0)
			diag_at(d, SEV_ERROR, 0, NULL, NULL,
			    "not a well-formed description");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc == NULL && d->errors == 0)
		diag_at(d, SEV_ERROR, 0, NULL, NULL,
		    "not a well-formed XML document");
out:
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	buf_free(&b);
	return doc;
}

static void
ignore_error(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

/*
 * libxml2's validation messages, kept aside: they are shown only when
 * schema_hint_check() has nothing more precise to say.
 */
#define RAW_MAX	1000	/* as many as diag.c keeps */

struct raw_errors {
	struct {
		long	 line;
		xmlNodePtr node;
		char	*msg;
	}		 v[RAW_MAX];
	size_t		 n;
};

static void
keep_error(void *ctx, xmlErrorPtr err)
{
	struct raw_errors *r = ctx;
	const char	*msg;
	size_t		 n, i;

	if (err == NULL || err->level == XML_ERR_WARNING || r->n == RAW_MAX)
		return;
	msg = err->message ? err->message : "does not match the schema";
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if ((r->v[r->n].msg = strndup(msg, n)) == NULL)
		abort();
	/* One finding, one line: libxml2 sometimes adds a second. */
	for (i = 0; i < n; i++)
		if (r->v[r->n].msg[i] == '\n')
			r->v[r->n].msg[i] = ';';
	r->v[r->n].node = err->node != NULL &&
	    ((xmlNodePtr)err->node)->type == XML_ELEMENT_NODE ? err->node :
	    NULL;
	r->v[r->n].line = r->v[r->n].node ? xmlGetLineNo(r->v[r->n].node) :
	    err->line;
	r->n++;
}

/* libxml2's summary ("Element web failed to validate content"). */
static bool
summary(const char *msg)
{
	return strncmp(msg, "Element ", 8) == 0 &&
	    strstr(msg, " failed to validate ") != NULL;
}

/*
 * The fallback: libxml2's own words, each still with a line and an
 * element.  A message without a node ("Extra element x in interleave")
 * is libxml2's detail of the summary that follows it: it takes that
 * one's element, or the previous one's, or the root's.
 */

static void
raw_report(struct raw_errors *r, xmlDocPtr doc, struct diags *d)
{
	size_t		 i, j;
	xmlNodePtr	 node;
	const char	*elem;
	char		*id;
	long		 line;

	for (i = 0; i < r->n; i++) {
		/* One mistake, one message: a summary after its detail. */
		for (j = 0; summary(r->v[i].msg) && j < i; j++)
			if (!summary(r->v[j].msg) && r->v[j].line ==
			    r->v[i].line && r->v[j].node == r->v[i].node)
				break;
		if (summary(r->v[i].msg) && j < i)
			continue;
		node = r->v[i].node;
		line = r->v[i].line;
		for (j = i + 1; node == NULL && j < r->n; j++)
			node = r->v[j].node;
		for (j = i; node == NULL && j-- > 0; )
			node = r->v[j].node;
		if (node == NULL)
			node = xmlDocGetRootElement(doc);
		if (line <= 0 && node != NULL)
			line = xmlGetLineNo(node);
		node_ident(node, &elem, &id);
		diag_at(d, SEV_ERROR, line, elem, id, "%s", r->v[i].msg);
		xmlFree(id);
	}
	if (r->n == 0) {
		node = xmlDocGetRootElement(doc);
		node_ident(node, &elem, &id);
		diag_at(d, SEV_ERROR, node ? xmlGetLineNo(node) : 0, elem, id,
		    "does not match the description schema");
		xmlFree(id);
	}
}

static bool
validate(xmlDocPtr doc, const char *schema, struct diags *d)
{
	xmlRelaxNGParserCtxtPtr pctxt = NULL;
	xmlRelaxNGPtr	 rng = NULL;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	struct raw_errors *raw;
	bool		 ok = false;
	size_t		 i;

	if ((raw = calloc(1, sizeof(*raw))) == NULL)
		abort();
	if ((pctxt = xmlRelaxNGNewParserCtxt(schema)) == NULL)
		goto out;
	/* The schema's own errors become the one message below. */
	xmlRelaxNGSetParserStructuredErrors(pctxt, ignore_error, NULL);
	if ((rng = xmlRelaxNGParse(pctxt)) == NULL) {
		diag_plain(d, SEV_ERROR, "%s: cannot load the schema", schema);
		goto out;
	}
	if ((vctxt = xmlRelaxNGNewValidCtxt(rng)) == NULL)
		goto out;
	xmlRelaxNGSetValidStructuredErrors(vctxt, keep_error, raw);
	ok = xmlRelaxNGValidateDoc(vctxt, doc) == 0;
	/* Only on failure: the success path pays nothing for the words. */
	if (!ok && schema_hint_check(doc, schema, d) == 0)
		raw_report(raw, doc, d);
out:
	for (i = 0; i < raw->n; i++)
		free(raw->v[i].msg);
	free(raw);
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(rng);
	xmlRelaxNGFreeParserCtxt(pctxt);
	return ok;
}

/* Limits checked before the schema, which would take too long. */
static bool
within_limits(xmlDocPtr doc, struct diags *d)
{
	xmlNodePtr	 svc, n, root = xmlDocGetRootElement(doc);
	size_t		 hosts;
	bool		 ok = true;
	char		*id;

	for (svc = root ? root->children : NULL; svc != NULL;
	    svc = svc->next) {
		if (svc->type != XML_ELEMENT_NODE)
			continue;
		hosts = 0;
		for (n = svc->children; n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE &&
			    xmlStrEqual(n->name, (const xmlChar *)"host"))
				hosts++;
		if (hosts <= HOSTS_MAX)
			continue;
		id = (char *)xmlGetNoNsProp(svc, (const xmlChar *)"id");
		diag_at(d, SEV_ERROR, xmlGetLineNo(svc), (const char *)svc->name,
		    id, "%zu <host> elements: at most %d per service (split "
		    "the service)", hosts, HOSTS_MAX);
		xmlFree(id);
		ok = false;
	}
	return ok;
}

struct _xmlDoc *
load_description(const char *path, const char *schema, struct diags *d)
{
	xmlDocPtr	 doc;

	if ((doc = parse(path, d)) == NULL)
		return NULL;
	if (!within_limits(doc, d)) {
		xmlFreeDoc(doc);
		return NULL;
	}
	if (!validate(doc, schema, d)) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

void
load_free(struct _xmlDoc *doc)
{
	xmlFreeDoc(doc);
}
