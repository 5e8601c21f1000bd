#!/usr/bin/env python3
"""gen-desc.py N NCERT [--layout DIR] > FILE

A synthetic tlsgen description for the scale benchmark: N web services
(half nginx, half Apache, alternating), each with its own host names, plus
one <mail> and one <xmpp> service, using NCERT distinct certificates (each
an ECDSA and an RSA pair, made by bench/mkcerts.sh below /etc/ssl/bench/).

Sockets: half of each server's services listen on an address of their own,
the other half share an address:port in groups of ten (every other group on
8080/8443 instead of 80/443).  nginx and Apache never share an address.
Services on one socket share the site's TLS settings; every 50th service
with an address of its own uses profile "modern" instead.

Hosts are distinct and covered by their certificate: service i uses
certificate k = i % NCERT, whose SAN is *.zK.bench.example, and names
sI.zK.bench.example (every third service also wI.zK.bench.example).
The output is a pure function of the arguments (no randomness).
"""
import sys

GROUP = 10  # services per shared socket


def addr(block, n):
    """10.BLOCK.x.y, the n-th address of a block (never .0 or .255)."""
    return "10.%d.%d.%d" % (block, n // 254, n % 254 + 1)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    n, ncert = int(argv[1]), int(argv[2])
    layout = None
    if len(argv) == 5 and argv[3] == "--layout":
        layout = argv[4]
    out = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w("<!-- Synthetic description: %d web services, %d certificates "
      "(bench/gen-desc.py). -->\n" % (n, ncert))
    w('<services xmlns="urn:tlsgen:services:1" domain="bench.example">\n')
    w('  <policy profile="intermediate">\n'
      '    <hsts max-age="63072000" include-subdomains="true" '
      'preload="false"/>\n'
      '    <ocsp-stapling mode="auto"/>\n'
      '    <session-cache size="10m" timeout="86400" tickets="false"/>\n'
      '  </policy>\n')
    w('  <trust bundle="/etc/ssl/bench/bundle.pem"/>\n')
    if layout:
        w('  <layout run-dir="%s/run" log-dir="%s/log" state-dir="%s/lib" '
          'spool-dir="%s/spool" acme-dir="%s/acme"/>\n' % ((layout,) * 5))
    d = "/etc/ssl/bench"
    for k in range(ncert):
        w('  <certificate id="c%04d">\n' % k)
        for t in ("ecdsa", "rsa"):
            w('    <pair cert="%s/c%04d-%s.fullchain.pem" '
              'key="%s/c%04d-%s.key"/>\n' % (d, k, t, d, k, t))
        w("  </certificate>\n")
    for name in ("mail", "xmpp"):
        w('  <certificate id="%s">\n'
          '    <pair cert="%s/%s-ecdsa.fullchain.pem" key="%s/%s-ecdsa.key"/>\n'
          '  </certificate>\n' % (name, d, name, d, name))
    for i in range(n):
        server = "nginx" if i % 2 == 0 else "apache"
        j = i // 2                  # index among this server's services
        base = 1 if server == "nginx" else 3
        own = j % 2 == 0
        if own:
            listen = addr(base, j // 2)
            http, https = 80, 443
        else:
            g = (j // 2) // GROUP
            listen = addr(base + 1, g)
            http, https = (8080, 8443) if g % 2 else (80, 443)
        k = i % ncert
        prof = ' profile="modern"' if own and (j // 2) % 50 == 49 else ""
        w('  <web id="s%06d" server="%s" certificate="c%04d"%s listen="%s" '
          'http-port="%d" https-port="%d">\n'
          % (i, server, k, prof, listen, http, https))
        w("    <host>s%d.z%d.bench.example</host>\n" % (i, k))
        if i % 3 == 0:
            w("    <host>w%d.z%d.bench.example</host>\n" % (i, k))
        if i % 4 == 3:
            w('    <proxy to="http://127.0.0.1:%d/app%d/"/>\n'
              % (8000 + i % 1000, i))
        else:
            w("    <root>/srv/www/s%06d</root>\n" % i)
        if i % 10 == 5:
            w('    <hsts max-age="63072000" include-subdomains="false" '
              'preload="true"/>\n')
        w("  </web>\n")
    w('  <mail id="mail" certificate="mail">\n'
      '    <host>mail.bench.example</host>\n'
      '    <smtp server="postfix" listen="0.0.0.0" port="25" '
      'submission-port="587" submissions-port="465"/>\n'
      '    <imap server="dovecot" listen="0.0.0.0" port="143" '
      'imaps-port="993"/>\n'
      '  </mail>\n')
    w('  <xmpp id="chat" server="ejabberd" certificate="xmpp" '
      'listen="0.0.0.0" c2s-port="5222" c2s-tls-port="5223" '
      's2s-port="5269">\n'
      '    <host>bench.example</host>\n'
      '    <host>conference.bench.example</host>\n'
      '  </xmpp>\n')
    w("</services>\n")
    sys.stdout.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
