/*
 * TLS profiles are data: profiles/<name>.profile, one "key value" per line.
 * This file only reads them; policy.c applies them.  A profile is checked
 * as strictly as a description, since its values reach every config.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "tlsgen.h"

/* Protocol names as the profiles and <tls protocols=""> write them. */
static const struct {
	const char	*name;
	unsigned	 bit;
} protos[] = {
	{ "TLSv1", PROTO_TLS10 },
	{ "TLSv1.1", PROTO_TLS11 },
	{ "TLSv1.2", PROTO_TLS12 },
	{ "TLSv1.3", PROTO_TLS13 },
};

unsigned
proto_parse(const char *list, const char **bad)
{
	unsigned bits = 0;
	const char *p = list;
	size_t	 n, i;

	*bad = NULL;
	while (*p != '\0') {
		p += strspn(p, " \t");
		if ((n = strcspn(p, " \t")) == 0)
			break;
		for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (strlen(protos[i].name) == n &&
			    strncmp(protos[i].name, p, n) == 0)
				break;
		if (i == sizeof(protos) / sizeof(protos[0])) {
			*bad = p;
			return 0;
		}
		bits |= protos[i].bit;
		p += n;
	}
	return bits;
}

const char *
proto_name(unsigned bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].bit == bit)
			return protos[i].name;
	return "?";
}

static bool
yesno(const char *v, bool *out)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0)
		*out = true;
	else if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* Space-separated group names become OpenSSL's ':'-separated list. */
static const char *
group_list(struct arena *a, const char *v)
{
	char	*s = arena_strdup(a, v), *p;

	for (p = s; *p != '\0'; p++)
		if (*p == ' ' || *p == '\t')
			*p = ':';
	return s;
}

static int
apply_key(struct arena *a, struct profile *p, const char *key,
    const char *v)
{
	const char *bad;
	long	 n;

	if (strcmp(key, "name") == 0)
		p->name = v;
	else if (strcmp(key, "source") == 0)
		p->source = v;
	else if (strcmp(key, "protocols") == 0) {
		if ((p->protocols = proto_parse(v, &bad)) == 0)
			return -1;
	} else if (strcmp(key, "ciphers") == 0) {
		p->ciphers = strcmp(v, "-") == 0 ? "" : v;
		if (*p->ciphers && value_cipher_string(v) != NULL)
			return -1;
	} else if (strcmp(key, "ciphersuites") == 0) {
		p->suites = strcmp(v, "-") == 0 ? "" : v;
		if (*p->suites && value_cipher_string(v) != NULL)
			return -1;
	} else if (strcmp(key, "groups") == 0) {
		p->groups = group_list(a, v);
		if (value_cipher_string(p->groups) != NULL)
			return -1;
	} else if (strcmp(key, "server-order") == 0) {
		if (!yesno(v, &p->server_order))
			return -1;
	} else if (strcmp(key, "hsts-min") == 0) {
		if (value_seconds(v, &n) != NULL)
			return -1;
		p->hsts_min = n;
	} else if (strcmp(key, "cert-types") == 0) {
		p->cert_types = 0;
		if (strstr(v, "ecdsa") != NULL)
			p->cert_types |= CERT_ECDSA;
		if (strstr(v, "rsa") != NULL)
			p->cert_types |= CERT_RSA;
		if (p->cert_types == 0)
			return -1;
	} else if (strcmp(key, "cert-curves") == 0)
		p->cert_curves = v;
	else if (strcmp(key, "rsa-min-bits") == 0) {
		if (value_seconds(v, &n) != NULL || n < 1024 || n > 16384)
			return -1;
		p->rsa_min_bits = (int)n;
	} else if (strcmp(key, "dh") == 0)
		p->dh = v;
	else if (strcmp(key, "aead-only") == 0) {
		if (!yesno(v, &p->aead_only))
			return -1;
	} else if (strcmp(key, "forward-secret") == 0) {
		if (!yesno(v, &p->forward_secret))
			return -1;
	} else if (strcmp(key, "forbid") == 0)
		p->forbid = v;
	else if (strcmp(key, "oldest-clients") == 0)
		p->oldest_clients = v;
	/* Unknown keys are allowed: newer data for an older binary. */
	return 0;
}

static int
load_one(struct profiles *ps, const char *path, struct diags *d)
{
	struct profile	*p;
	struct buf	 b;
	char		*line, *next, *key, *v, *e;
	long		 lineno = 0;
	int		 rc = -1;

	buf_init(&b);
	if (read_file(path, &b, 1 << 20) != 0) {
		diag_plain(d, SEV_ERROR, "%s: cannot read profile", path);
		goto out;
	}
	p = &ps->v[ps->n];
	memset(p, 0, sizeof(*p));
	p->rsa_min_bits = 2048;
	p->dh = "none";
	p->forward_secret = true;
	p->cert_types = CERT_ECDSA | CERT_RSA;
	p->ciphers = p->suites = "";
	for (line = b.data; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line += strspn(line, " \t");
		if (*line == '#' || *line == '\0')
			continue;
		key = line;
		v = key + strcspn(key, " \t");
		if (*v != '\0')
			*v++ = '\0';
		v += strspn(v, " \t");
		e = v + strlen(v);
		while (e > v && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r'))
			*--e = '\0';
		if (apply_key(ps->a, p, key, arena_strdup(ps->a, v)) != 0) {
			diag_plain(d, SEV_ERROR, "%s:%ld: bad value for %s",
			    path, lineno, key);
			goto out;
		}
	}
	if (p->name == NULL || p->protocols == 0 || p->groups == NULL) {
		diag_plain(d, SEV_ERROR, "%s: a profile needs name, protocols "
		    "and groups", path);
		goto out;
	}
	ps->n++;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static int
name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int
profiles_load(struct profiles *ps, const char *dir, struct diags *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, cap = 0, i, len;
	int		 rc = -1;

	memset(ps, 0, sizeof(*ps));
	ps->a = arena_new();
	if ((dp = opendir(dir)) == NULL) {
		diag_plain(d, SEV_ERROR, "%s: cannot open the profiles", dir);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 9 || strcmp(de->d_name + len - 8, ".profile") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				abort();
		}
		names[n++] = arena_printf(ps->a, "%s/%s", dir, de->d_name);
	}
	closedir(dp);
	/* Sorted: the same profiles in the same order on every machine. */
	qsort(names, n, sizeof(*names), name_cmp);
	ps->v = arena_alloc(ps->a, (n + 1) * sizeof(*ps->v));
	for (i = 0; i < n; i++)
		if (load_one(ps, names[i], d) != 0)
			goto out;
	rc = 0;
out:
	free(names);
	return rc;
}

void
profiles_free(struct profiles *ps)
{
	arena_free(ps->a);
	memset(ps, 0, sizeof(*ps));
}

const struct profile *
profile_find(const struct profiles *ps, const char *name)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	return NULL;
}
