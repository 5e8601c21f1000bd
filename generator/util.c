/*
 * Small shared pieces: the arena that owns the model, growable buffers,
 * whole-file reads and SHA-256 in hex.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "tlsgen.h"

/* Blocks of 64 KiB; a larger request gets a block of its own. */
#define ARENA_BLOCK	(64 * 1024)

struct block {
	struct block	*next;
	size_t		 used, size;
	max_align_t	 data[];
};

struct arena {
	struct block	*head;
};

static void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		abort();	/* out of memory: nothing sensible remains */
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

struct arena *
arena_new(void)
{
	struct arena	*a = xmalloc(sizeof(*a));

	a->head = NULL;
	return a;
}

void
arena_free(struct arena *a)
{
	struct block	*b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct block	*b = a->head;
	size_t		 align = sizeof(max_align_t), size;
	void		*p;

	n = (n + align - 1) / align * align;
	if (b == NULL || b->size - b->used < n) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reserve(struct buf *b, size_t more)
{
	size_t	 cap;

	if (b->cap - b->len > more)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len <= more)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_shrink(struct buf *b)
{
	char	*p;

	if (b->data == NULL || b->cap <= b->len + 1)
		return;
	if ((p = realloc(b->data, b->len + 1)) != NULL) {
		b->data = p;
		b->cap = b->len + 1;
	}
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int
read_file(const char *path, struct buf *out, size_t limit)
{
	int	 fd;

	/*
	 * Non-blocking, so a FIFO or a device cannot hang the run; only
	 * regular files are read (a FIFO named as a certificate is refused).
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return errno;
	return read_fd(fd, out, limit, NULL);
}

int
read_fd(int fd, struct buf *out, size_t limit, struct stat *stp)
{
	char	 chunk[65536];
	ssize_t	 n;
	int	 rc = 0;
	struct stat st;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return READ_NOT_REGULAR;
	}
	if (stp != NULL)
		*stp = st;
	/* Too large is known before a byte is read. */
	if (limit && (uint64_t)st.st_size > limit) {
		close(fd);
		return EFBIG;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rc = errno;
			break;
		}
		if (n == 0)
			break;
		if (limit && out->len + (size_t)n > limit) {
			rc = EFBIG;
			break;
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	if (rc == 0 && out->data == NULL)
		buf_add(out, "", 0);
	return rc;
}

const char *
read_error(int rc)
{
	return rc == READ_NOT_REGULAR ? "not a regular file" : strerror(rc);
}

char *
path_join(struct arena *a, const char *root, const char *path)
{
	size_t	 n;

	if (root == NULL || *root == '\0')
		return arena_strdup(a, path);
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	while (*path == '/')
		path++;
	return arena_printf(a, "%.*s/%s", (int)n, root, path);
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char	 md[32];
	unsigned int	 mdlen = sizeof(md);
	size_t		 i;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A well-formed UTF-8 sequence at p: its length, else 0. */
static size_t
utf8_seq(const unsigned char *p)
{
	unsigned long	 cp;
	size_t		 n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	/* A NUL ends the loop at once: it is no continuation byte. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * A JSON string (RFC 8259): quotes, backslashes and control characters
 * escaped, bytes that are not UTF-8 replaced by U+FFFD, so any parser
 * accepts a report whatever a certificate or a path holds.  NULL: null.
 */
void
json_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 n;

	if (s == NULL) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p++);
		} else if (*p == '\n') {
			buf_adds(b, "\\n");
			p++;
		} else if (*p == '\t') {
			buf_adds(b, "\\t");
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			buf_addc(b, (char)*p++);
		} else if ((n = utf8_seq(p)) > 0) {
			buf_add(b, (const char *)p, n);
			p += n;
		} else {
			buf_adds(b, "\\ufffd");
			p++;
		}
	}
	buf_addc(b, '"');
}
