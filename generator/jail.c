/*
 * Paths below a root, resolved as if the root were "/".  The output
 * directory (-o, --against) and the build root (--root) are overlays of a
 * target's file system that someone else may have filled: an absolute
 * symbolic link in them means a place in the same tree, and ".." stops at
 * its top.  So no path below a root is ever handed to the kernel as one
 * string from "/": every lookup starts at the root's descriptor and is
 * confined to it.
 *
 * Linux 5.6 and later do that in one call, openat2(2) with
 * RESOLVE_IN_ROOT.  Elsewhere (ENOSYS, or a seccomp filter that refuses
 * the call) the same walk is done by hand, one component at a time with
 * O_NOFOLLOW, symbolic links read and spliced into the rest of the path,
 * as systemd's chase() and runc's securejoin do.  TLSGEN_JAIL=walk forces
 * the walk, so the tests run both.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "tlsgen.h"

/* As the kernel: at most 40 symbolic links in one lookup. */
#define JAIL_SYMLINKS_MAX	40
/* Directories held open at once during a walk. */
#define JAIL_DEPTH_MAX		256

const char *
jail_path_check(const char *p)
{
	const unsigned char *c;
	const char	*s, *e;
	size_t		 n;

	if (*p == '\0')
		return "empty path";
	if (strlen(p) > JAIL_PATH_MAX)
		return "path too long";
	if (*p == '/')
		return "absolute path";
	for (c = (const unsigned char *)p; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			return "control character in path";
	for (s = p;; s = e + 1) {
		if ((e = strchr(s, '/')) == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n == 0)
			return "empty path component";
		if (n == 1 && s[0] == '.')
			return "\".\" in path";
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return "\"..\" in path";
		if (n > NAME_MAX)
			return "path component too long";
		if (*e == '\0')
			break;
	}
	return NULL;
}

static void
close_all(int *stack, size_t *depth)
{
	while (*depth > 0)
		close(stack[--*depth]);
}

/*
 * The walk: a stack of open directories below the root (the root itself
 * is never closed nor passed), so ".." pops one and can never climb above
 * the root, and an absolute link empties the stack.
 */
int
jail_walk(int root, const char *path, int flags, mode_t mode)
{
	int	 stack[JAIL_DEPTH_MAX], cur, fd = -1, e = 0, links = 0;
	size_t	 depth = 0, n;
	char	*rest, *comp, *next, target[PATH_MAX];
	ssize_t	 tl;
	struct stat st;
	bool	 last;

	if ((rest = strdup(path)) == NULL)
		abort();
	comp = rest;
	for (;;) {
		cur = depth > 0 ? stack[depth - 1] : root;
		while (*comp == '/')
			comp++;
		if (*comp == '\0') {
			/* The path names a directory itself ("", "a/.."). */
			fd = openat(cur, ".", flags & ~(O_CREAT | O_EXCL), 0);
			e = fd == -1 ? errno : 0;
			break;
		}
		if ((next = strchr(comp, '/')) != NULL)
			*next++ = '\0';
		else
			next = comp + strlen(comp);
		for (last = true, n = 0; next[n] != '\0'; n++)
			if (next[n] != '/')
				last = false;
		if (strcmp(comp, ".") == 0) {
			comp = next;
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			if (depth > 0)
				close(stack[--depth]);
			comp = next;
			continue;
		}
		if (last) {
			fd = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC,
			    mode);
			/* O_PATH | O_NOFOLLOW opens a link itself. */
			if (fd != -1 && (flags & O_PATH) &&
			    !(flags & O_NOFOLLOW) && fstat(fd, &st) == 0 &&
			    S_ISLNK(st.st_mode)) {
				close(fd);
				fd = -1;
				errno = ELOOP;
			}
			if (fd != -1 || (flags & O_NOFOLLOW) ||
			    (errno != ELOOP && errno != ENOTDIR)) {
				e = fd == -1 ? errno : 0;
				break;
			}
		} else {
			fd = openat(cur, comp, O_PATH | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd != -1) {
				if (depth == JAIL_DEPTH_MAX) {
					close(fd);
					fd = -1;
					e = ENAMETOOLONG;
					break;
				}
				stack[depth++] = fd;
				fd = -1;
				comp = next;
				continue;
			}
			if (errno != ELOOP && errno != ENOTDIR) {
				e = errno;
				break;
			}
		}
		/* A symbolic link: its text replaces it, read in the root. */
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			e = errno;
			break;
		}
		if (!S_ISLNK(st.st_mode)) {
			e = ENOTDIR;
			break;
		}
		if (++links > JAIL_SYMLINKS_MAX) {
			e = ELOOP;
			break;
		}
		if ((tl = readlinkat(cur, comp, target, sizeof(target))) == -1) {
			e = errno;
			break;
		}
		if (tl == 0 || (size_t)tl >= sizeof(target)) {
			e = tl == 0 ? ENOENT : ENAMETOOLONG;
			break;
		}
		target[tl] = '\0';
		if (target[0] == '/')
			close_all(stack, &depth);
		{
			char	*spliced;

			if (asprintf(&spliced, "%s/%s", target, next) < 0)
				abort();
			free(rest);
			rest = comp = spliced;
		}
	}
	close_all(stack, &depth);
	free(rest);
	if (fd == -1)
		errno = e;
	return fd;
}

int
jail_open(int root, const char *path, int flags, mode_t mode)
{
	const char	*env = getenv("TLSGEN_JAIL");

#ifdef SYS_openat2
	if (env == NULL || strcmp(env, "walk") != 0) {
		struct open_how	 how;
		int		 fd, tries;

		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_CLOEXEC);
		how.mode = (flags & O_CREAT) ? mode : 0;
		how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		/* EAGAIN: a rename raced a ".."; the kernel asks to retry. */
		for (tries = 0; tries < 16; tries++) {
			fd = (int)syscall(SYS_openat2, root, path, &how,
			    sizeof(how));
			if (fd != -1 || errno != EAGAIN)
				break;
		}
		/* EPERM: some seccomp filters refuse calls they do not know;
		 * the walk then gives the real answer. */
		if (fd != -1 || (errno != ENOSYS && errno != EPERM))
			return fd;
	}
#else
	(void)env;
#endif
	return jail_walk(root, path, flags, mode);
}

int
jail_read(int root, const char *path, bool follow, struct buf *out,
    size_t limit, struct stat *st)
{
	int	 fd, flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;

	if (!follow)
		flags |= O_NOFOLLOW;
	fd = root == -1 ? open(path, flags) : jail_open(root, path, flags, 0);
	if (fd == -1)
		return errno == ELOOP && !follow ? READ_NOT_REGULAR : errno;
	return read_fd(fd, out, limit, st);
}

int
jail_lstat(int root, const char *path, struct stat *st)
{
	const char *slash = strrchr(path, '/');
	char	*dir;
	int	 fd, rc;

	if (slash == NULL)
		return fstatat(root, path, st, AT_SYMLINK_NOFOLLOW);
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		abort();
	fd = jail_open(root, dir, O_RDONLY | O_DIRECTORY, 0);
	free(dir);
	if (fd == -1)
		return -1;
	rc = fstatat(fd, slash + 1, st, AT_SYMLINK_NOFOLLOW);
	{
		int	 e = errno;

		close(fd);
		errno = e;
	}
	return rc;
}
