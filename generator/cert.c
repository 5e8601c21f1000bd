/*
 * Stage 4: certificates.  Every pair a service uses is read with OpenSSL;
 * what is learned (key type, OCSP responder, Must-Staple) drives the
 * decisions of generate: stapling "auto" follows the leaf, and each server
 * presents the pairs it can.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tlsgen.h"

static X509 *
read_leaf(const char *path)
{
	BIO	*bio = BIO_new_file(path, "r");
	X509	*x;

	if (bio == NULL)
		return NULL;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return x;
}

static const char *
leaf_ocsp_url(struct arena *a, X509 *x)
{
	STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(x);
	const char *r = NULL;

	if (urls != NULL && sk_OPENSSL_STRING_num(urls) > 0)
		r = arena_strdup(a, sk_OPENSSL_STRING_value(urls, 0));
	X509_email_free(urls);
	return r;
}

static bool
leaf_must_staple(X509 *x)
{
	return X509_get_ext_by_NID(x, NID_tlsfeature, -1) >= 0;
}

static enum keytype
leaf_keytype(X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);

	if (pk == NULL)
		return KEY_UNKNOWN;
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_EC:
		return KEY_ECDSA;
	case EVP_PKEY_RSA:
		return KEY_RSA;
	default:
		return KEY_OTHER;
	}
}

static void
inspect_pair(struct model *m, const struct cert_opts *o,
    struct certificate *c, struct pair *p, struct diags *d)
{
	const char	*path = path_join(m->a, o->root, p->cert);
	X509		*x;

	if ((x = read_leaf(path)) == NULL) {
		diag_at(d, SEV_ERROR, p->line, "certificate", c->id,
		    "pair %s: cannot read a PEM certificate from %s", p->cert,
		    path);
		ERR_clear_error();
		return;
	}
	p->inspected = true;
	p->type = leaf_keytype(x);
	p->ocsp_url = leaf_ocsp_url(m->a, x);
	p->must_staple = leaf_must_staple(x);
	X509_free(x);
}

int
cert_check_all(struct model *m, const struct cert_opts *o, struct diags *d)
{
	size_t	 i, j, before = d->errors;

	for (i = 0; i < m->ncerts; i++) {
		struct certificate *c = &m->certs[i];

		if (!c->used)
			continue;
		for (j = 0; j < c->npairs; j++)
			inspect_pair(m, o, c, &c->pairs[j], d);
	}
	return d->errors > before ? -1 : 0;
}

/*
 * Stapling follows what the certificate offers: "auto" staples only where
 * every served leaf names an OCSP responder (Let's Encrypt ended OCSP in
 * 2025), and without the certificates at hand it cannot know, so it is off.
 */
void
cert_decide(struct model *m, const struct cert_opts *o, struct diags *d)
{
	size_t	 i, j;
	bool	 warned = false;

	for (i = 0; i < m->nsvcs; i++) {
		struct service	*s = &m->svcs[i];
		bool		 all = s->cert != NULL && s->cert->npairs > 0;

		for (j = 0; s->cert != NULL && j < s->cert->npairs; j++)
			all &= s->cert->pairs[j].inspected &&
			    s->cert->pairs[j].ocsp_url != NULL;
		switch (s->pol.ocsp) {
		case OCSP_OFF:
			s->pol.staple = false;
			break;
		case OCSP_ON:
			s->pol.staple = true;
			if (o->check && !all)
				diag_at(d, SEV_WARNING, s->line, s->elem, s->id,
				    "stapling is on but a leaf of certificate "
				    "\"%s\" names no OCSP responder",
				    s->cert->id);
			break;
		case OCSP_AUTO:
			s->pol.staple = o->check && all;
			if (!o->check && !warned) {
				diag_at(d, SEV_WARNING, 0, NULL, NULL,
				    "certificates not checked "
				    "(--no-cert-check): OCSP stapling \"auto\" "
				    "is off everywhere");
				warned = true;
			}
			break;
		}
	}
}
