#!/usr/bin/env python3
"""Plaintext-phase probes for the mail/XMPP servers (tests/e2e).

openssl s_client (3.0) cannot bind a source address nor speak after STARTTLS
in a scripted way, so the "before TLS" checks use this.

usage: probe.py [--source ADDR] CHECK HOST PORT [ARGS...]

CHECK:
  smtp-noauth-before-tls          EHLO advertises STARTTLS but no AUTH, and
                                  AUTH PLAIN is refused (530, or 503 where
                                  AUTH is not enabled) before STARTTLS
  smtp-auth-after-tls USER PASS   after STARTTLS, EHLO advertises AUTH and
                                  AUTH PLAIN USER PASS succeeds (235)
  smtps-auth USER PASS            implicit TLS (465): AUTH PLAIN succeeds
  imap-nologin-before-tls USER PASS
                                  LOGINDISABLED advertised, LOGIN refused
  imap-login-after-tls USER PASS  after STARTTLS, LOGIN succeeds
  xmpp-tls-required DOMAIN [client|server]
                                  stream features (c2s, or s2s with "server"):
                                  <starttls><required/>, no SASL mechanisms
                                  before TLS

Exit 0 when the server behaved as expected, 1 otherwise (reason on stderr).
"""
import base64
import socket
import ssl
import sys

TIMEOUT = 5


def die(msg):
    sys.stderr.write(msg + "\n")
    sys.exit(1)


def connect(host, port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    return s


def tls_wrap(sock, host):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(sock, server_hostname=host)


class Lines:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def readline(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                die("connection closed; buffer: %r" % self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace").rstrip("\r")

    def send(self, text):
        self.sock.sendall(text.encode() + b"\r\n")


def smtp_reply(c):
    lines = []
    while True:
        line = c.readline()
        lines.append(line)
        if len(line) < 4 or line[3] != "-":
            return line[:3], lines


def smtp_ehlo(c):
    c.send("EHLO probe.example.net")
    code, lines = smtp_reply(c)
    if code != "250":
        die("EHLO: %s" % lines)
    return [l[4:].upper() for l in lines]


def auth_plain(user, password):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()


def smtp_noauth_before_tls(host, port, source):
    c = Lines(connect(host, port, source))
    code, lines = smtp_reply(c)
    if code != "220":
        die("greeting: %s" % lines)
    ext = smtp_ehlo(c)
    if "STARTTLS" not in ext:
        die("STARTTLS not offered: %s" % ext)
    if any(e.startswith("AUTH") for e in ext):
        die("AUTH offered before STARTTLS: %s" % ext)
    c.send("AUTH PLAIN " + auth_plain("nobody", "x"))
    code, lines = smtp_reply(c)
    # 530: "Must issue a STARTTLS command first" (AUTH enabled, auth_only);
    # 503: AUTH not enabled at all on this port (port 25 of an MX)
    if code not in ("530", "503"):
        die("AUTH before STARTTLS not refused: %s" % lines)
    print(lines[-1])
    c.send("QUIT")


def smtp_auth_after_tls(host, port, source, user, password, implicit=False):
    sock = connect(host, port, source)
    if implicit:
        sock = tls_wrap(sock, host)
    c = Lines(sock)
    code, lines = smtp_reply(c)
    if code != "220":
        die("greeting: %s" % lines)
    ext = smtp_ehlo(c)
    if not implicit:
        c.send("STARTTLS")
        code, lines = smtp_reply(c)
        if code != "220":
            die("STARTTLS: %s" % lines)
        c = Lines(tls_wrap(sock, host))
        ext = smtp_ehlo(c)
    if not any(e.startswith("AUTH") for e in ext):
        die("AUTH not offered inside TLS: %s" % ext)
    c.send("AUTH PLAIN " + auth_plain(user, password))
    code, lines = smtp_reply(c)
    if code != "235":
        die("AUTH inside TLS failed: %s" % lines)
    print(lines[-1])
    c.send("QUIT")


def imap_cmd(c, tag, cmd):
    c.send("%s %s" % (tag, cmd))
    untagged = []
    while True:
        line = c.readline()
        if line.startswith(tag + " "):
            return line, untagged
        untagged.append(line)


def imap_nologin_before_tls(host, port, source, user, password):
    c = Lines(connect(host, port, source))
    greeting = c.readline()
    line, untagged = imap_cmd(c, "a1", "CAPABILITY")
    caps = " ".join(untagged).upper()
    if "STARTTLS" not in caps:
        die("STARTTLS not advertised: %s" % caps)
    if "LOGINDISABLED" not in caps:
        die("LOGINDISABLED not advertised: %s" % caps)
    line, untagged = imap_cmd(c, "a2", "LOGIN %s %s" % (user, password))
    if not line.startswith("a2 NO") and not line.startswith("a2 BAD"):
        die("LOGIN before STARTTLS not refused: %s" % line)
    line2, _ = imap_cmd(c, "a3", "AUTHENTICATE PLAIN " + auth_plain(user, password))
    if not line2.startswith("a3 NO") and not line2.startswith("a3 BAD"):
        die("AUTHENTICATE before STARTTLS not refused: %s" % line2)
    print(line)
    imap_cmd(c, "a4", "LOGOUT")


def imap_login_after_tls(host, port, source, user, password):
    sock = connect(host, port, source)
    c = Lines(sock)
    c.readline()
    line, _ = imap_cmd(c, "a1", "STARTTLS")
    if not line.startswith("a1 OK"):
        die("STARTTLS: %s" % line)
    c = Lines(tls_wrap(sock, host))
    line, _ = imap_cmd(c, "a2", "LOGIN %s %s" % (user, password))
    if not line.startswith("a2 OK"):
        die("LOGIN inside TLS failed: %s" % line)
    print(line)
    imap_cmd(c, "a3", "LOGOUT")


def xmpp_tls_required(host, port, source, domain, kind="client"):
    sock = connect(host, port, source)
    extra = ""
    if kind == "server":
        extra = "from='probe.example.net' "
    sock.sendall(("<?xml version='1.0'?><stream:stream to='%s' %s"
                  "xmlns='jabber:%s' "
                  "xmlns:stream='http://etherx.jabber.org/streams' "
                  "version='1.0'>" % (domain, extra, kind)).encode())
    buf = b""
    while b"</stream:features>" not in buf:
        data = sock.recv(4096)
        if not data:
            die("closed before stream features: %r" % buf)
        buf += data
    feats = buf.decode("utf-8", "replace")
    feats = feats[feats.find("<stream:features"):]
    if "<starttls" not in feats or "<required" not in feats:
        die("STARTTLS not required: %s" % feats)
    if "<mechanisms" in feats:
        die("SASL mechanisms offered before TLS: %s" % feats)
    print(feats)
    sock.sendall(b"</stream:stream>")


def main(argv):
    source = None
    if len(argv) > 2 and argv[1] == "--source":
        source = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 4:
        die(__doc__)
    check, host, port, args = argv[1], argv[2], int(argv[3]), argv[4:]
    try:
        if check == "smtp-noauth-before-tls":
            smtp_noauth_before_tls(host, port, source)
        elif check == "smtp-auth-after-tls":
            smtp_auth_after_tls(host, port, source, *args)
        elif check == "smtps-auth":
            smtp_auth_after_tls(host, port, source, *args, implicit=True)
        elif check == "imap-nologin-before-tls":
            imap_nologin_before_tls(host, port, source, *args)
        elif check == "imap-login-after-tls":
            imap_login_after_tls(host, port, source, *args)
        elif check == "xmpp-tls-required":
            xmpp_tls_required(host, port, source, *args)
        else:
            die("unknown check " + check)
    except (OSError, ssl.SSLError) as e:
        die("%s: %s" % (check, e))


if __name__ == "__main__":
    main(sys.argv)
