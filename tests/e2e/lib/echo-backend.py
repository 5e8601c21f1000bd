#!/usr/bin/env python3
"""echo-backend.py ADDR PORT PIDFILE [CERT KEY] -- tiny HTTP backend for
proxy tests; HTTPS with CERT (chain) and KEY.

Every GET/HEAD/POST is answered 200 with a text/plain body that echoes the
request as the backend saw it:

    backend: echo
    method: GET
    path: /some/path?query
    host: <Host header>
    x-forwarded-for: ...      (one line per X-Forwarded-* / X-Real-IP header)

except /redirect, answered 302 with "Location: http://ADDR:PORT/target"
(a proxy should rewrite it to its own URL). Every response carries
"Strict-Transport-Security: max-age=1" so that a test can check the proxy
replaces it with its own policy instead of passing it on or doubling it.

The pid is written to PIDFILE once the socket listens.
"""
import http.server
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "echo-backend"
    sys_version = ""

    def _answer(self, body=True):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header(
                "Location",
                "http://%s:%d/target" % self.server.server_address[:2])
            text = b""
        else:
            self.send_response(200)
            lines = ["backend: echo",
                     "method: " + self.command,
                     "path: " + self.path,
                     "host: " + (self.headers.get("Host") or "")]
            for name in sorted(self.headers.keys()):
                low = name.lower()
                if low.startswith("x-forwarded-") or low == "x-real-ip":
                    lines.append("%s: %s" % (low, self.headers[name]))
            text = ("\n".join(lines) + "\n").encode()
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.send_header("Strict-Transport-Security", "max-age=1")
        self.end_headers()
        if body:
            self.wfile.write(text)

    def do_GET(self):
        self._answer()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._answer()

    def do_HEAD(self):
        self._answer(body=False)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    if len(sys.argv) not in (4, 6):
        sys.stderr.write(__doc__)
        return 2
    addr, port, pidfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    server = http.server.ThreadingHTTPServer((addr, port), Handler)
    if len(sys.argv) == 6:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(pidfile + ".tmp", pidfile)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
