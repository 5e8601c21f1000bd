/*
 * The target's versions.  An appliance may run other server and OpenSSL
 * versions than the build host, so <target> declares them (model.c
 * refuses a version outside the ranges caps.c proves); where it does not,
 * the build host's installed version is taken, and where that server is
 * not installed, Debian bookworm's.  Only servers the description uses
 * are looked at, and only when undeclared.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tlsgen.h"

extern char **environ;

/*
 * How to learn each server's installed version.  Debian's package database
 * first: one read of one file answers for every server at once, in well
 * under a millisecond, where starting the servers' own version commands
 * costs tens of milliseconds each.  A server not installed as a package
 * (built from source) is asked with its own flag; `postconf -d` reads no
 * main.cf (plain `postconf -h` fails, after a second's sleep, when Postfix
 * is installed without one: Debian's "No configuration").  Absent
 * altogether: Debian 12's version.
 */
#define DPKG_STATUS	"/var/lib/dpkg/status"

static const struct probe {
	const char	*packages[4];	/* any of these, installed */
	const char	*argv[6];
	long		 fallback;
} probes[SRV__N] = {
	[SRV_NGINX] = { { "nginx", "nginx-light", "nginx-core", "nginx-full" },
	    { "nginx", "-v", NULL }, SRV_VERSION(1, 22, 1) },
	[SRV_APACHE] = { { "apache2-bin", NULL }, { "apache2", "-v", NULL },
	    SRV_VERSION(2, 4, 62) },
	[SRV_POSTFIX] = { { "postfix", NULL },
	    { "postconf", "-d", "-h", "mail_version", NULL },
	    SRV_VERSION(3, 7, 11) },
	[SRV_DOVECOT] = { { "dovecot-core", NULL },
	    { "dovecot", "--version", NULL }, SRV_VERSION(2, 3, 19) },
	[SRV_EJABBERD] = { { "ejabberd", NULL }, { NULL },
	    SRV_VERSION(23, 1, 0) },
};

const char *
openssl_version_text(long v, char *buf, size_t len)
{
	snprintf(buf, len, "%ld.%ld.%ld", (v >> 28) & 0xf, (v >> 20) & 0xff,
	    (v >> 4) & 0xff);
	return buf;
}

/* The first "N.N[.N]" in the text; 0 if none. */
static long
parse_version(const char *text)
{
	const char *p;
	char	 tok[32];
	size_t	 n;
	long	 v;

	for (p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || (p > text && (p[-1] == '.' ||
		    (p[-1] >= '0' && p[-1] <= '9'))))
			continue;
		n = strspn(p, "0123456789.");
		if (n >= sizeof(tok) || memchr(p, '.', n) == NULL)
			continue;
		memcpy(tok, p, n);
		tok[n] = '\0';
		/* "2.3.19.1": keep major.minor.patch. */
		{
			char	*d = tok;
			int	 dots = 0;

			for (; *d != '\0'; d++)
				if (*d == '.' && ++dots == 3)
					*d = '\0';
			if (tok[strlen(tok) - 1] == '.')
				tok[strlen(tok) - 1] = '\0';
		}
		if (value_server_version(tok, &v) == NULL)
			return v;
	}
	return 0;
}

/* Runs a fixed command (no shell) and reads what it says, bounded. */
static long
ask(const struct probe *pr)
{
	posix_spawn_file_actions_t fa;
	char	 out[1024];
	size_t	 len = 0;
	ssize_t	 n;
	pid_t	 pid;
	int	 fds[2], status;
	long	 v = 0;

	if (pr->argv[0] == NULL || pipe2(fds, O_CLOEXEC) == -1)
		return 0;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (posix_spawnp(&pid, pr->argv[0], &fa, NULL,
	    (char *const *)(uintptr_t)pr->argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while (len < sizeof(out) - 1 &&
	    (n = read(fds[0], out + len, sizeof(out) - 1 - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		v = parse_version(out);
	return v;
}

/* A package's upstream version: "1:2.3.19.1+dfsg1-2" is 2.3.19. */
static long
package_version(const char *v, size_t n)
{
	char	 tmp[64];
	const char *colon;

	if (n >= sizeof(tmp))
		return 0;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	colon = strchr(tmp, ':');
	return parse_version(colon != NULL ? colon + 1 : tmp);
}

/* The value of "Field: value" if line is that field, else NULL. */
static const char *
field(const char *line, size_t n, const char *name, size_t *vlen)
{
	size_t	 k = strlen(name);

	if (n <= k + 1 || memcmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && *line == ' ') {
		line++;
		n--;
	}
	*vlen = n;
	return line;
}

/*
 * One pass over dpkg's status file: the version of every installed
 * package that provides a server in want (a bit per enum server).
 */
static void
ask_dpkg(unsigned want, long found[SRV__N])
{
	struct buf	 b;
	const char	*p, *end, *nl, *v;
	const char	*pkg = NULL, *ver = NULL;
	size_t		 pkglen = 0, verlen = 0, n, vl;
	bool		 installed = false;
	size_t		 s, k;

	buf_init(&b);
	if (read_file(DPKG_STATUS, &b, (size_t)64 << 20) != 0 ||
	    b.data == NULL) {
		buf_free(&b);
		return;
	}
	end = b.data + b.len;
	for (p = b.data; p <= end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n == 0) {
			/* End of a stanza: is it one we want? */
			for (s = 0; pkg != NULL && ver != NULL && installed &&
			    s < SRV__N; s++) {
				if (!(want & (1u << s)) || found[s] != 0)
					continue;
				for (k = 0; k < 4 && probes[s].packages[k]; k++)
					if (strlen(probes[s].packages[k]) ==
					    pkglen && memcmp(pkg,
					    probes[s].packages[k], pkglen) == 0)
						found[s] = package_version(ver,
						    verlen);
			}
			pkg = ver = NULL;
			installed = false;
		} else if ((v = field(p, n, "Package", &vl)) != NULL) {
			pkg = v;
			pkglen = vl;
		} else if ((v = field(p, n, "Version", &vl)) != NULL) {
			ver = v;
			verlen = vl;
		} else if ((v = field(p, n, "Status", &vl)) != NULL)
			installed = vl >= 9 && memcmp(v + vl - 9, "installed",
			    9) == 0 && (vl < 13 || memcmp(v + vl - 13,
			    "not-installed", 13) != 0);
		if (nl == end)
			break;
	}
	buf_free(&b);
}

int
target_resolve(struct model *m, struct diags *d)
{
	struct buf	 b;
	char		 ver[32];
	size_t		 i;
	unsigned	 want = 0;
	long		 found[SRV__N] = { 0 };
	int		 rc = 0;

	/* Only servers the description uses, and only when undeclared. */
	for (i = 0; i < SRV__N; i++)
		if (model_uses(m, (enum server)i) &&
		    !m->target.server_declared[i])
			want |= 1u << i;
	if (want != 0)
		ask_dpkg(want, found);

	buf_init(&b);
	buf_printf(&b, "writing for OpenSSL %s (%s)",
	    openssl_version_text(m->target.openssl, ver, sizeof(ver)),
	    m->target.openssl_declared ? "declared" : "linked");
	for (i = 0; i < SRV__N; i++) {
		const char *how = "declared";

		if (!model_uses(m, (enum server)i))
			continue;
		if (!m->target.server_declared[i]) {
			if ((m->target.server[i] = found[i]) != 0 ||
			    (m->target.server[i] = ask(&probes[i])) != 0)
				how = "installed";
			else {
				m->target.server[i] = probes[i].fallback;
				how = "not installed here: Debian 12's";
			}
			/* Declared ones were refused at <target> already. */
			if (!caps_proven((enum server)i, m->target.server[i])) {
				diag_at(d, SEV_ERROR, 0, NULL, NULL, "%s %s, "
				    "installed here, is not a version tlsgen "
				    "writes for (%s); declare the appliance's "
				    "version with <target %s=\"...\"/>",
				    caps_product((enum server)i),
				    caps_version_text((enum server)i,
				    m->target.server[i], ver, sizeof(ver)),
				    caps_ranges((enum server)i),
				    server_names[i]);
				rc = -1;
			}
		}
		buf_printf(&b, ", %s %s (%s)", server_names[i],
		    caps_version_text((enum server)i, m->target.server[i], ver,
		    sizeof(ver)), how);
	}
	diag_at(d, SEV_NOTE, 0, NULL, NULL, "%s", b.data);
	buf_free(&b);
	return rc;
}
