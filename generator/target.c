/*
 * The target's versions.  An appliance may run other server and OpenSSL
 * versions than the build host, so <target> declares them; where it does
 * not, the build host's installed version is taken (each server is asked
 * with its own version flag), and where that server is not installed,
 * Debian bookworm's.  Only what the output depends on is ever looked at.
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
 * How to ask each server its version, and bookworm's when absent.  postconf
 * -d: the compiled-in default, which needs no main.cf (without -d, a
 * Postfix installed with "No configuration" fails and sleeps a second).
 */
static const struct probe {
	const char	*argv[6];
	long		 fallback;
} probes[SRV__N] = {
	[SRV_NGINX] = { { "nginx", "-v", NULL }, SRV_VERSION(1, 22, 1) },
	[SRV_APACHE] = { { "apache2", "-v", NULL }, SRV_VERSION(2, 4, 62) },
	[SRV_POSTFIX] = { { "postconf", "-d", "-h", "mail_version", NULL },
	    SRV_VERSION(3, 7, 11) },
	[SRV_DOVECOT] = { { "dovecot", "--version", NULL },
	    SRV_VERSION(2, 3, 19) },
	[SRV_EJABBERD] = { { "dpkg-query", "-W", "-f=${Version}", "ejabberd",
	    NULL }, SRV_VERSION(23, 1, 0) },
};

const char *
openssl_version_text(long v, char *buf, size_t len)
{
	snprintf(buf, len, "%ld.%ld.%ld", (v >> 28) & 0xf, (v >> 20) & 0xff,
	    (v >> 4) & 0xff);
	return buf;
}

static const char *
server_version_text(long v, char *buf, size_t len)
{
	snprintf(buf, len, "%ld.%ld.%ld", v / 1000000, v / 1000 % 1000,
	    v % 1000);
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

	if (pipe2(fds, O_CLOEXEC) == -1)
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

void
target_resolve(struct model *m, struct diags *d)
{
	struct buf	 b;
	char		 ver[32];
	size_t		 i;

	buf_init(&b);
	buf_printf(&b, "writing for OpenSSL %s (%s)",
	    openssl_version_text(m->target.openssl, ver, sizeof(ver)),
	    m->target.openssl_declared ? "declared" : "linked");
	for (i = 0; i < SRV__N; i++) {
		const char *how = "declared";

		if (!model_uses(m, (enum server)i))
			continue;
		if (!m->target.server_declared[i]) {
			if ((m->target.server[i] = ask(&probes[i])) != 0)
				how = "installed";
			else {
				m->target.server[i] = probes[i].fallback;
				how = "not installed here: Debian 12's";
			}
		}
		buf_printf(&b, ", %s %s (%s)", server_names[i],
		    server_version_text(m->target.server[i], ver, sizeof(ver)),
		    how);
	}
	diag_at(d, SEV_NOTE, 0, NULL, NULL, "%s", b.data);
	buf_free(&b);
}
