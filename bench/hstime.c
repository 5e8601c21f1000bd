/*
 * hstime: `openssl s_time` with a server name.  OpenSSL 3.0's s_time sends
 * no SNI, and a tlsgen nginx socket refuses a handshake without a known
 * name (ssl_reject_handshake on its default server), so the benchmark
 * uses this instead, with s_time's two modes:
 *
 *   -new     every connection a full handshake
 *   -reuse   every connection offers the session of the previous one
 *            (the newest ticket, as a browser does: TLS 1.3 tickets of a
 *            server-side cache are single-use)
 *
 * Like `s_time -www PATH`, each connection sends one HTTP/1.0 request and
 * reads the answer to its end, so TLS 1.3 tickets (sent after the
 * handshake) arrive.  No certificate verification, as s_time by default.
 *
 * usage: hstime -connect HOST:PORT -servername NAME (-new|-reuse)
 *            (-tls1_2|-tls1_3) [-cipher LIST] [-sigalgs LIST] [-time SECS]
 *            [-www PATH]
 * prints: conns=N secs=S rate=R resumed=K key=EC|RSA|other
 * (key: the type of the server's leaf key on the last connection).
 * exit: 0, or 1 when a connection fails (the message says which).
 */
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* TCP_NODELAY as browsers set it: else a resumed TLS 1.2 handshake (the
 * client's Finished, then its request) waits out a delayed ACK. */
static int
dial(const struct addrinfo *ai)
{
	int	 fd = socket(ai->ai_family, SOCK_STREAM, 0), one = 1;

	if (fd == -1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	const char	*connect_to = NULL, *sni = NULL, *sigalgs = NULL;
	const char	*cipher = NULL, *key = "none";
	const char	*www = "/";
	int		 reuse = -1, version = 0, i, fd;
	double		 secs = 3, t0, t;
	long		 conns = 0, resumed = 0;
	char		 host[256], *port, req[512], buf[16384];
	struct addrinfo	 hints, *ai;
	SSL_CTX		*ctx;
	SSL_SESSION	*sess = NULL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-connect") == 0 && i + 1 < argc)
			connect_to = argv[++i];
		else if (strcmp(argv[i], "-servername") == 0 && i + 1 < argc)
			sni = argv[++i];
		else if (strcmp(argv[i], "-cipher") == 0 && i + 1 < argc)
			cipher = argv[++i];
		else if (strcmp(argv[i], "-sigalgs") == 0 && i + 1 < argc)
			sigalgs = argv[++i];
		else if (strcmp(argv[i], "-time") == 0 && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (strcmp(argv[i], "-www") == 0 && i + 1 < argc)
			www = argv[++i];
		else if (strcmp(argv[i], "-new") == 0)
			reuse = 0;
		else if (strcmp(argv[i], "-reuse") == 0)
			reuse = 1;
		else if (strcmp(argv[i], "-tls1_2") == 0)
			version = TLS1_2_VERSION;
		else if (strcmp(argv[i], "-tls1_3") == 0)
			version = TLS1_3_VERSION;
		else
			goto usage;
	}
	if (connect_to == NULL || sni == NULL || reuse < 0 || version == 0 ||
	    secs <= 0 || secs > 60)
		goto usage;
	snprintf(host, sizeof(host), "%s", connect_to);
	if ((port = strrchr(host, ':')) == NULL)
		goto usage;
	*port++ = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		fprintf(stderr, "hstime: cannot resolve %s\n", connect_to);
		return 1;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", www,
	    sni);

	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, version) ||
	    !SSL_CTX_set_max_proto_version(ctx, version) ||
	    (cipher != NULL && !SSL_CTX_set_cipher_list(ctx, cipher)) ||
	    (sigalgs != NULL && !SSL_CTX_set1_sigalgs_list(ctx, sigalgs))) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);

	t0 = now();
	do {
		SSL	*ssl;
		int	 n;

		if ((fd = dial(ai)) == -1) {
			perror("hstime: connect");
			return 1;
		}
		ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		SSL_set_tlsext_host_name(ssl, sni);
		if (reuse && sess != NULL)
			SSL_set_session(ssl, sess);
		if (SSL_connect(ssl) != 1) {
			fprintf(stderr, "hstime: handshake %ld failed\n", conns);
			ERR_print_errors_fp(stderr);
			return 1;
		}
		if (SSL_write(ssl, req, (int)strlen(req)) <= 0) {
			fprintf(stderr, "hstime: write failed\n");
			return 1;
		}
		while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
			;
		if (SSL_session_reused(ssl))
			resumed++;
		{
			X509	*x = SSL_get0_peer_certificate(ssl);
			EVP_PKEY *pk = x ? X509_get0_pubkey(x) : NULL;

			key = pk == NULL ? "none" :
			    EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC ? "EC" :
			    EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA ? "RSA" :
			    "other";
		}
		if (reuse) {
			SSL_SESSION_free(sess);
			sess = SSL_get1_session(ssl);
		}
		SSL_shutdown(ssl);
		SSL_free(ssl);
		close(fd);
		ERR_clear_error();
		conns++;
		t = now() - t0;
	} while (t < secs);
	printf("conns=%ld secs=%.3f rate=%.1f resumed=%ld key=%s\n", conns, t,
	    (double)conns / t, resumed, key);
	SSL_SESSION_free(sess);
	SSL_CTX_free(ctx);
	freeaddrinfo(ai);
	return 0;
usage:
	fprintf(stderr, "usage: hstime -connect HOST:PORT -servername NAME "
	    "(-new|-reuse) (-tls1_2|-tls1_3) [-cipher LIST] [-sigalgs LIST] "
	    "[-time SECS] [-www PATH]\n");
	return 2;
}
