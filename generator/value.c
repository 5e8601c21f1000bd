/*
 * The one module that owns the grammar of every value that can reach a
 * generated configuration.  The loader runs each attribute through the
 * parser for its kind; anything outside the grammar is refused here, before
 * a template ever sees it.  Render-time escaping (render.c) is the second
 * wall, not the first.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tlsgen.h"

#define HOST_MAX	253
#define LABEL_MAX	63
#define PATH_MAX_LEN	1024
#define ID_MAX		64
#define URL_MAX		2048

static bool
is_ldh(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* RFC 1123 host names: LDH labels of 1..63, at most 253 in all. */
static const char *
hostname_labels(const char *s, bool wildcard_ok)
{
	size_t		 len = strlen(s), label = 0, i;
	bool		 alpha_tld = false;

	if (len == 0)
		return "empty host name";
	if (len > HOST_MAX)
		return "host name longer than 253 characters";
	if (wildcard_ok && s[0] == '*' && s[1] == '.')
		s += 2, len -= 2;
	if (s[len - 1] == '.')
		return "host name must not end with a dot";
	for (i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' || c == '\0') {
			if (label == 0)
				return "empty label in host name";
			if (s[i - 1] == '-')
				return "a label must not end with '-'";
			label = 0;
			continue;
		}
		if (c >= 0x80)
			return "host name must be ASCII (write an IDN as its "
			    "A-label, xn--...)";
		if (!is_ldh(c))
			return "host name may hold only letters, digits, '-' "
			    "and '.'";
		if (label == 0 && c == '-')
			return "a label must not start with '-'";
		if (++label > LABEL_MAX)
			return "label longer than 63 characters";
	}
	/* A name of digits and dots only would be read as an address. */
	for (i = 0; i < len; i++)
		if (isalpha((unsigned char)s[i]) || s[i] == '-')
			alpha_tld = true;
	if (!alpha_tld)
		return "host name must not be all digits (an address?)";
	/* xn-- labels must at least look like A-labels. */
	return NULL;
}

const char *
value_hostname(const char *s)
{
	return hostname_labels(s, false);
}

const char *
value_wildcard_hostname(const char *s)
{
	return hostname_labels(s, true);
}

/*
 * Absolute, normalised paths of portable characters: no "." or ".."
 * components, no "//", no trailing '/', nothing a config syntax could read
 * as a delimiter, quote, comment or variable.
 */
const char *
value_path(const char *s)
{
	size_t	 len = strlen(s), i;
	const char *p;

	if (len == 0)
		return "empty path";
	if (s[0] != '/')
		return "path must be absolute";
	if (len > PATH_MAX_LEN)
		return "path longer than 1024 characters";
	if (len > 1 && s[len - 1] == '/')
		return "path must not end with '/'";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '/' || c == '.' || c == '-' ||
		    c == '_' || c == '+' || c == '@')
			continue;
		if (c < 0x20 || c == 0x7f)
			return "path must not contain control characters";
		if (c == ' ' || c == '\t')
			return "path must not contain white space";
		if (c == '"' || c == '\'' || c == '`')
			return "path must not contain quotes";
		if (c >= 0x80)
			return "path must be ASCII";
		return "path may hold only letters, digits and / . - _ + @";
	}
	for (p = s; (p = strchr(p, '/')) != NULL; p++) {
		if (p[1] == '/')
			return "path must not contain '//'";
		if (p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return "path must not contain '.' components";
		if (p[1] == '.' && p[2] == '.' &&
		    (p[3] == '/' || p[3] == '\0'))
			return "path must not contain '..' components";
	}
	return NULL;
}

/* Ids name files and cache zones: a letter, then letters, digits, - _. */
const char *
value_id(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len == 0)
		return "empty id";
	if (len > ID_MAX)
		return "id longer than 64 characters";
	if (!isalpha((unsigned char)s[0]) || (unsigned char)s[0] >= 0x80)
		return "id must start with a letter";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || !(isalnum(c) || c == '-' || c == '_'))
			return "id may hold only letters, digits, '-' and '_'";
	}
	return NULL;
}

/* Digits only, no sign, no leading zeros beyond "0", bounded. */
static const char *
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t	 i;

	if (*s == '\0')
		return "empty number";
	if (s[0] == '0' && s[1] != '\0')
		return "number must not have leading zeros";
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "not a whole number";
		if (v > (max - (unsigned)(s[i] - '0')) / 10)
			return "number out of range";
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return NULL;
}

const char *
value_port(const char *s, uint16_t *out)
{
	unsigned long long v;
	const char *why;

	if ((why = parse_uint(s, 65535, &v)) != NULL)
		return "port must be a number from 1 to 65535";
	if (v == 0)
		return "port must be a number from 1 to 65535";
	*out = (uint16_t)v;
	return NULL;
}

/* Seconds: up to ten years is plenty for any TLS or HSTS lifetime. */
#define SECONDS_MAX	(10LL * 366 * 24 * 3600)

const char *
value_seconds(const char *s, long *out)
{
	unsigned long long v;

	if (parse_uint(s, SECONDS_MAX, &v) != NULL)
		return "seconds must be a whole number from 0 to 316224000";
	*out = (long)v;
	return NULL;
}

/* Sizes: bytes, or k/m (KiB/MiB); at most 1 GiB. */
const char *
value_size(const char *s, uint64_t *out)
{
	unsigned long long v, mult = 1;
	size_t	 len = strlen(s);
	char	 digits[32];

	if (len == 0 || len >= sizeof(digits))
		return "size must be a number with an optional k or m suffix";
	memcpy(digits, s, len + 1);
	switch (digits[len - 1]) {
	case 'k': case 'K':
		mult = 1024;
		digits[--len] = '\0';
		break;
	case 'm': case 'M':
		mult = 1024 * 1024;
		digits[--len] = '\0';
		break;
	default:
		break;
	}
	if (parse_uint(digits, (1ULL << 30) / mult, &v) != NULL)
		return "size must be a number with an optional k or m suffix, "
		    "at most 1024m";
	*out = v * mult;
	return NULL;
}

const char *
value_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else
		return "must be true or false";
	return NULL;
}

/*
 * A listen address must name one socket a server can bind on the target:
 * an address of one of its interfaces, or the wildcard.  These never are
 * (bind(2) fails, or the address is another one in disguise):
 * - IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: the IPv4
 *   address a.b.c.d, which the socket-clash checks could not compare with
 *   an IPv4 listener of another server; write a.b.c.d.
 * - IPv6 link-local fe80::/10: bindable only with a scope (interface),
 *   which no server's listen syntax here carries.
 * - multicast (ff00::/8, 224.0.0.0/4), limited broadcast, 0.0.0.0/8 other
 *   than the wildcard: not a unicast address of an interface.
 */
static const char *
address_unbindable(const struct address *a)
{
	const unsigned char *b = a->bytes;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	static const unsigned char zero12[12];

	if (a->family == AF_INET) {
		if (b[0] >= 224 && b[0] <= 239)
			return "a multicast address cannot be listened on";
		if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
			return "the broadcast address cannot be listened on";
		if (b[0] == 0 && (b[1] | b[2] | b[3]) != 0)
			return "0.x.x.x is not an interface address (0.0.0.0 "
			    "is every address)";
		return NULL;
	}
	if (memcmp(b, mapped, 12) == 0)
		return "an IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 "
		    "address: write a.b.c.d";
	if (memcmp(b, zero12, 12) == 0 && (b[12] | b[13]) != 0)
		return "an IPv4-compatible address (::a.b.c.d) is deprecated "
		    "and not bindable: write a.b.c.d";
	if (b[0] == 0xff)
		return "a multicast address cannot be listened on";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "a link-local address (fe80::/10) needs an interface "
		    "scope, which a listen address cannot carry";
	return NULL;
}

/* IPv4 or IPv6 literals only, stored in canonical form. */
const char *
value_address(struct arena *a, const char *s, struct address *out)
{
	char	 text[INET6_ADDRSTRLEN];
	static const unsigned char zero[16];
	const char *why;

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->bytes) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, s, out->bytes) == 1)
		out->family = AF_INET6;
	else
		return "not an IPv4 or IPv6 address";
	if (inet_ntop(out->family, out->bytes, text, sizeof(text)) == NULL)
		return "not an IPv4 or IPv6 address";
	if (strcmp(text, s) != 0 && out->family == AF_INET)
		return "IPv4 address must be in dotted-quad form";
	if ((why = address_unbindable(out)) != NULL)
		return why;
	out->text = arena_strdup(a, text);
	out->wildcard = memcmp(out->bytes, zero,
	    out->family == AF_INET ? 4 : 16) == 0;
	return NULL;
}

/* Two listeners clash if they can take the same connection. */
bool
address_overlaps(const struct address *x, const struct address *y)
{
	if (x->family != y->family)
		return x->family == AF_INET6 && x->wildcard ?
		    true : (y->family == AF_INET6 && y->wildcard);
	if (x->wildcard || y->wildcard)
		return true;
	return memcmp(x->bytes, y->bytes, x->family == AF_INET ? 4 : 16) == 0;
}

static bool
is_path_char(unsigned char c)
{
	return isalnum(c) || strchr("/-._~!*+,=@:", c) != NULL;
}

/* http(s)://host[:port]/path: no user info, no query, no fragment. */
const char *
value_url(struct arena *a, const char *s, struct url *out)
{
	const char *p, *host, *end;
	char	*h;
	size_t	 i;

	memset(out, 0, sizeof(*out));
	if (strlen(s) > URL_MAX)
		return "URL longer than 2048 characters";
	if (strncmp(s, "http://", 7) == 0)
		p = s + 7;
	else if (strncmp(s, "https://", 8) == 0) {
		p = s + 8;
		out->https = true;
	} else
		return "URL must start with http:// or https://";
	host = p;
	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL)
			return "URL has an unterminated [IPv6] host";
		h = arena_strndup(a, p + 1, (size_t)(end - p - 1));
		{
			unsigned char b[16];

			if (inet_pton(AF_INET6, h, b) != 1)
				return "URL host is not a valid IPv6 address";
		}
		p = end + 1;
		h = arena_strndup(a, host, (size_t)(p - host));
	} else {
		end = p + strcspn(p, ":/");
		h = arena_strndup(a, p, (size_t)(end - p));
		p = end;
		{
			unsigned char b[4];

			if (inet_pton(AF_INET, h, b) != 1 &&
			    value_hostname(h) != NULL)
				return "URL host is not a host name or address";
		}
	}
	out->host = h;
	if (*p == ':') {
		const char *q = ++p;
		char	 port[8];
		size_t	 n = strcspn(q, "/");

		if (n == 0 || n >= sizeof(port))
			return "URL port must be a number from 1 to 65535";
		memcpy(port, q, n);
		port[n] = '\0';
		if (value_port(port, &out->port) != NULL)
			return "URL port must be a number from 1 to 65535";
		p = q + n;
	}
	if (*p != '/')
		return "URL must have a path, at least '/'";
	for (i = 0; p[i] != '\0'; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '%') {
			if (!isxdigit((unsigned char)p[i + 1]) ||
			    !isxdigit((unsigned char)p[i + 2]))
				return "URL has a bad %-escape";
			continue;
		}
		if (c == '?' || c == '#')
			return "URL must not have a query or fragment";
		if (!is_path_char(c))
			return "URL path may hold only letters, digits and "
			    "- . _ ~ ! * + , = @ : / %XX";
	}
	if (strstr(p, "/../") != NULL || strstr(p, "/./") != NULL ||
	    (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0) ||
	    (strlen(p) >= 2 && strcmp(p + strlen(p) - 2, "/.") == 0))
		return "URL path must not contain '.' or '..' segments";
	out->path = arena_strdup(a, p);
	return NULL;
}

/* OpenSSL owns the grammar; here only its alphabet. */
const char *
value_cipher_string(const char *s)
{
	size_t	 i;

	if (*s == '\0')
		return "empty cipher string";
	if (strlen(s) > 2048)
		return "cipher string longer than 2048 characters";
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(isalnum(c) || strchr(":+-!@=_.", c) != NULL))
			return "cipher string may hold only letters, digits "
			    "and : + - ! @ = _ .";
	}
	return NULL;
}

/* "3", "3.5", "3.5.1": major.minor.patch into 0xMNN00PP0 (OpenSSL's). */
const char *
value_version(const char *s, long *out)
{
	unsigned long long part[3] = { 0, 0, 0 };
	const char *p = s;
	char	 num[8];
	size_t	 i, n;

	for (i = 0; i < 3; i++) {
		n = strspn(p, "0123456789");
		if (n == 0 || n >= sizeof(num))
			return "version must be like 3.0 or 3.5.1";
		memcpy(num, p, n);
		num[n] = '\0';
		if (parse_uint(num, i == 0 ? 15 : 255, &part[i]) != NULL)
			return "version must be like 3.0 or 3.5.1";
		p += n;
		if (*p == '\0')
			break;
		if (*p != '.' || i == 2)
			return "version must be like 3.0 or 3.5.1";
		p++;
	}
	if (*p != '\0')
		return "version must be like 3.0 or 3.5.1";
	*out = (long)((part[0] << 28) | (part[1] << 20) | (part[2] << 4));
	return NULL;
}

/*
 * Server versions ("1.22.1", "23.01", "2.3.19"): major.minor[.patch] as
 * major * 1000000 + minor * 1000 + patch, so they compare as numbers.
 * Parts are 1 to 3 digits; "23.01" is 23.1.
 */
const char *
value_server_version(const char *s, long *out)
{
	long	 part[3] = { 0, 0, 0 };
	const char *p = s;
	size_t	 i, n, k;

	for (i = 0; i < 3; i++) {
		n = strspn(p, "0123456789");
		if (n == 0 || n > 3)
			return "version must be like 1.22 or 2.3.19";
		for (k = 0; k < n; k++)
			part[i] = part[i] * 10 + (p[k] - '0');
		p += n;
		if (*p == '\0')
			break;
		if (*p != '.' || i == 2)
			return "version must be like 1.22 or 2.3.19";
		p++;
	}
	if (*p != '\0' || i == 0)
		return "version must be like 1.22 or 2.3.19";
	*out = part[0] * 1000000 + part[1] * 1000 + part[2];
	return NULL;
}
