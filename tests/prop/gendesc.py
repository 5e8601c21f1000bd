#!/usr/bin/env python3
"""gendesc.py -- random, schema-valid tlsgen descriptions, one per seed.

    gendesc.py SEED PKI TMP >desc.xml

Deterministic per SEED (random.Random(SEED), no other source of chance).
PKI is the directory tests/pki/mkpki.sh wrote (pairs point at its real
certificates: the servers load them); TMP is the description's private
directory (the <layout> points below it, so nothing outside it is
touched when the servers check or boot).

The shape follows schemas/services.rng: every element and attribute
appears in some seed -- <policy> (profile, <hsts>, <ocsp-stapling>,
<session-cache>, <tls>), <trust>, <layout>, <target>, <certificate>
with one or two <pair>s, <web> (nginx and Apache, <root> or <proxy>,
per-service policy parts), <mail> (<smtp>, <imap>, either or both),
<xmpp>.  Values are drawn from what a description may hold, edges
included: IPv4 and IPv6 addresses (wildcards, loopback, documentation
ranges, and now and then an address no server can bind), long host
names up to 253 characters, IDN A-labels, up to 1000 hosts, sockets
shared between services or not, every profile, small and large
session caches, privileged and high ports.

The generator aims at descriptions tlsgen accepts (unique ids, no
host twice, one socket per server), but does not try to know tlsgen's
rules: whatever tlsgen refuses must be refused at a line, and whatever
it accepts must load.  The property test (tests/e2e/property.sh) is
the judge.
"""

import random
import sys
from xml.sax.saxutils import quoteattr, escape

PROFILES = ["modern", "intermediate", "old", "tls12-strict"]
# The build host's (Debian 12) versions: the live checks run these.
TARGET = {"openssl": ["3.0", "3.0.19", "3"], "nginx": ["1.22.1", "1.22"],
          "apache": ["2.4.62", "2.4"], "postfix": ["3.7.11", "3.7"],
          "dovecot": ["2.3.19", "2.3"], "ejabberd": ["23.01", "23.1"]}
ECDSA = ["ecdsa", "ecdsa-p384", "ecdsa-noocsp"]
RSA = ["rsa", "rsa-noocsp"]

# Listen addresses.  The property namespace puts every specific one on lo.
V4 = ["192.0.2.10", "192.0.2.11", "192.0.2.12", "127.0.0.1", "127.0.0.2"]
V6 = ["2001:db8::10", "2001:db8::11", "::1", "2001:db8:0:0:0:0:0:12"]
WILD = ["0.0.0.0", "::"]
# Addresses a socket cannot be bound to (or that alias another): tlsgen
# must refuse them, at their line.
ODD = ["::ffff:192.0.2.10", "fe80::1", "ff02::1", "224.0.0.1",
       "255.255.255.255", "::ffff:127.0.0.1", "0:0:0:0:0:ffff:c000:20a"]

# Ports: small pools so that services meet on sockets, some privileged;
# now and then from the other pool (plain and TLS on one socket: refused).
HTTP_PORTS = [80, 8080, 10080, 18080, 1, 1023]
HTTPS_PORTS = [443, 8443, 10443, 18443, 65535]
PORTS = HTTP_PORTS + HTTPS_PORTS

ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def label(r, n=None):
    n = n or r.randint(1, 12)
    if n == 1:
        return r.choice("abcdefghijklmnopqrstuvwxyz")
    mid = "".join(r.choice(ALNUM + "-") for _ in range(n - 2))
    return r.choice(ALNUM) + mid + r.choice(ALNUM)


def idn(r):
    # An A-label: xn-- and letters/digits (punycode's alphabet).
    return "xn--" + "".join(r.choice(ALNUM) for _ in range(r.randint(2, 20)))


def long_name(r, total):
    # Labels of up to 63 characters, exactly `total` characters in all,
    # ending in an alphabetic TLD.
    tld = label(r, r.randint(2, 6))
    tld = "x" + tld[1:] if tld[0].isdigit() else tld
    parts, left = [tld], total - len(tld)
    while left > 1:
        n = min(63, left - 1)
        if left - 1 - n == 1:     # never leave room for only a dot
            n -= 1
        n = max(1, min(n, r.randint(1, 63)) if left - 1 > 63 else n)
        parts.insert(0, label(r, n))
        left -= n + 1
    name = ".".join(parts)
    return name if len(name) <= 253 else name[len(name) - 253:].lstrip(".-")


def hostname(r, base):
    h = hostname1(r, base)
    if r.random() < 0.05:     # names compare without regard to case
        h = "".join(c.upper() if r.random() < 0.5 else c for c in h)
    return h


def hostname1(r, base):
    k = r.random()
    if k < 0.08:
        return long_name(r, r.choice([47, 64, 100, 200, 253]))
    if k < 0.16:
        return idn(r) + "." + base
    if k < 0.2:
        return label(r) + "." + idn(r) + "." + base
    return label(r) + "." + base


def base_domain(r):
    k = r.random()
    if k < 0.1:
        return idn(r) + ".example"
    if k < 0.15:
        return label(r) + "." + str(r.randint(1, 999))   # all-digit parent
    if k < 0.2:
        return "example"                                   # one label
    return label(r, r.randint(3, 10)) + ".example"


def path(r, t, what):
    return "%s/%s/%s" % (t, what, label(r, r.randint(1, 20)).strip("-"))


class Gen:
    def __init__(self, seed, pki, tmp):
        self.r = random.Random(seed)
        self.pki, self.t = pki, tmp
        self.out = []
        self.ids = set()
        self.hosts = {"nginx": set(), "apache": set()}
        self.certs = []
        self.odd = self.r.random() < 0.15   # now and then, edge values

    def w(self, s):
        self.out.append(s)

    def uid(self, prefix):
        r = self.r
        while True:
            i = prefix + (label(r, r.randint(1, 8)).replace("-", "_")
                          if r.random() < 0.8 else
                          "".join(r.choice(ALNUM + "-_") for _ in
                                  range(r.randint(1, 60))))
            if i not in self.ids:
                self.ids.add(i)
                return i

    def addr(self, server=None):
        r = self.r
        # Mostly, each web server has addresses of its own (as sites do:
        # two servers cannot share a socket); now and then any address.
        own = {"nginx": ["192.0.2.10", "2001:db8::10", "127.0.0.1"],
               "apache": ["192.0.2.11", "2001:db8::11", "127.0.0.2"]}
        if server in own and r.random() < 0.85:
            return r.choice(own[server])
        if self.odd and r.random() < 0.1:
            return r.choice(ODD)
        k = r.random()
        if k < 0.15:
            return r.choice(WILD)
        if k < 0.6:
            return r.choice(V4)
        return r.choice(V6)

    def port(self, pool=PORTS):
        r = self.r
        k = r.random()
        if k < 0.75:
            return r.choice(pool)
        if k < 0.8:
            return r.choice(PORTS)
        return r.randint(1024, 65535)

    def policy_parts(self, site):
        r, a = self.r, []
        if r.random() < (0.7 if site else 0.2):
            at = []
            if r.random() < 0.8:
                at.append("max-age=%s" % quoteattr(str(r.choice(
                    [0, 1, 300, 31536000, 63072000, 316224000]))))
            for n in ("include-subdomains", "preload"):
                if r.random() < 0.6:
                    at.append("%s=%s" % (n, quoteattr(r.choice(
                        ["true", "false", "1", "0"]))))
            a.append("<hsts %s/>" % " ".join(at))
        if r.random() < (0.6 if site else 0.15):
            a.append("<ocsp-stapling mode=%s/>" % quoteattr(
                r.choice(["on", "off", "auto"])))
        if r.random() < (0.7 if site else 0.2):
            at = []
            if r.random() < 0.8:
                # Below 32k now and then (refused: nginx's minimum).
                small = ["4096", "4k", "8k", "8192", "16k", "5000", "31k",
                         "2K"]
                at.append("size=%s" % quoteattr(r.choice(
                    small if r.random() < 0.1 else
                    ["32k", "32768", "64k", "1m", "10m", "50m", "1024m",
                     "100000", "512M"])))
            if r.random() < 0.7:
                at.append("timeout=%s" % quoteattr(str(r.choice(
                    [0, 1, 60, 300, 3600, 86400, 604800, 316224000]))))
            if r.random() < 0.6:
                at.append("tickets=%s" % quoteattr(r.choice(
                    ["true", "false"])))
            a.append("<session-cache %s/>" % " ".join(at))
        if r.random() < (0.3 if site else 0.1):
            at = []
            if r.random() < 0.5:
                at.append("protocols=%s" % quoteattr(r.choice(
                    ["TLSv1.2", "TLSv1.3", "TLSv1.2 TLSv1.3"])))
            if r.random() < 0.4:
                at.append("ciphers=%s" % quoteattr(r.choice(
                    ["ECDHE+AESGCM", "ECDHE-ECDSA-AES128-GCM-SHA256:"
                     "ECDHE-RSA-AES128-GCM-SHA256",
                     "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL",
                     ":".join(["ECDHE-ECDSA-AES128-GCM-SHA256",
                               "ECDHE-RSA-AES128-GCM-SHA256",
                               "ECDHE-ECDSA-AES256-GCM-SHA384",
                               "ECDHE-RSA-AES256-GCM-SHA384",
                               "ECDHE-ECDSA-CHACHA20-POLY1305",
                               "ECDHE-RSA-CHACHA20-POLY1305"] * 2)])))
            if r.random() < 0.3:
                at.append("suites=%s" % quoteattr(r.choice(
                    ["TLS_AES_128_GCM_SHA256",
                     "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"])))
            if r.random() < 0.3:
                at.append("groups=%s" % quoteattr(r.choice(
                    ["X25519", "X25519:prime256v1", "prime256v1:secp384r1"])))
            if r.random() < 0.3:
                at.append("server-order=%s" % quoteattr(r.choice(
                    ["true", "false"])))
            a.append("<tls %s/>" % " ".join(at))
        r.shuffle(a)
        return a

    def profile_attr(self, p):
        return "" if p is None else " profile=%s" % quoteattr(p)

    def hostlist(self, base, server, n):
        out = []
        while len(out) < n:
            h = hostname(self.r, base)
            if len(h) > 253:
                continue
            key = h.lower()
            if server is not None:
                if key in self.hosts[server]:
                    continue
                self.hosts[server].add(key)
            elif key in (x.lower() for x in out):
                continue
            out.append(h)
        return out

    def gen(self):
        r, t = self.r, self.t
        self.site_profile = r.choice(PROFILES)
        base = base_domain(r)
        dom = r.random() < 0.75 and not base[-1].isdigit() and "." in base
        head = '<services xmlns="urn:tlsgen:services:1"%s>' % (
            " domain=%s" % quoteattr(base) if dom else "")
        body = []
        # Site-wide parts.
        if r.random() < 0.85:
            body.append(["<policy%s>" % self.profile_attr(
                self.site_profile if r.random() < 0.9 else None)] +
                self.policy_parts(True) + ["</policy>"])
        else:
            self.site_profile = "intermediate"
        body.append(["<trust bundle=%s/>" % quoteattr(self.pki +
                                                        "/bundle.pem")])
        body.append(['<layout run-dir="%s/run" log-dir="%s/log" '
                     'state-dir="%s/lib" spool-dir="%s/spool" '
                     'acme-dir="%s/acme"/>' % ((t,) * 5)])
        if r.random() < 0.4:
            at = ["%s=%s" % (k, quoteattr(r.choice(v)))
                  for k, v in TARGET.items() if r.random() < 0.5]
            body.append(["<target %s/>" % " ".join(at)])
        # Certificates: ECDSA and/or RSA pairs of the test PKI.
        for _ in range(r.randint(1, 3)):
            cid = self.uid("c")
            kinds = r.choice([["e"], ["r"], ["e", "r"], ["r", "e"]])
            pairs = []
            for k in kinds:
                leaf = r.choice(ECDSA if k == "e" else RSA)
                pairs.append("  <pair cert=%s key=%s/>" % (
                    quoteattr("%s/%s.fullchain.pem" % (self.pki, leaf)),
                    quoteattr("%s/%s.key" % (self.pki, leaf))))
            self.certs.append((cid, kinds))
            body.append(["<certificate id=%s>" % quoteattr(cid)] + pairs +
                        ["</certificate>"])
        # Web services.
        nweb = r.choice([0, 1, 1, 2, 2, 3, 4, 6, 12, 25])
        for _ in range(nweb):
            body.append(self.web(base))
        if r.random() < 0.6:
            body.append(self.mail(base))
        if r.random() < 0.5:
            body.append(self.xmpp(base))
        if not any(el[0].startswith(("<web", "<mail", "<xmpp"))
                   for el in body):
            body.append(self.web(base))
        r.shuffle(body)
        self.w('<?xml version="1.0" encoding="UTF-8"?>')
        self.w(head)
        for el in body:
            for line in el:
                self.w("  " + line)
        self.w("</services>")
        return "\n".join(self.out) + "\n"

    def cert_for(self, profile):
        # modern serves ECDSA only, old RSA (the profiles' cert-types):
        # mostly pick one that fits, now and then not.
        r = self.r
        fit = [c for c, k in self.certs
               if (profile != "modern" or k == ["e"]) and
               (profile != "old" or "r" in k)]
        if fit and r.random() < 0.9:
            return r.choice(fit)
        return r.choice(self.certs)[0]

    def svc_profile(self):
        r = self.r
        if r.random() < 0.2:
            p = r.choice(PROFILES)
            return p, p
        return None, self.site_profile

    def web(self, base):
        r = self.r
        sid = self.uid("w")
        server = r.choice(["nginx", "apache"])
        pattr, prof = self.svc_profile()
        http = self.port(HTTP_PORTS)
        https = self.port(HTTPS_PORTS)
        while https == http:
            https = self.port(HTTPS_PORTS)
        n = r.choice([1, 1, 2, 3, 5]) if r.random() < 0.95 else \
            r.choice([50, 200, 1000])
        lines = ["<web id=%s server=%s certificate=%s%s listen=%s "
                 "http-port=%s https-port=%s>" % (
                     quoteattr(sid), quoteattr(server),
                     quoteattr(self.cert_for(prof)), self.profile_attr(pattr),
                     quoteattr(self.addr(server)), quoteattr(str(http)),
                     quoteattr(str(https)))]
        inner = ["<host>%s</host>" % escape(h)
                 for h in self.hostlist(base, server, n)]
        k = r.random()
        if k < 0.45:
            inner.append("<root>%s</root>" % escape(path(r, self.t, "srv")))
        elif k < 0.8:
            scheme = r.choice(["http", "http", "https"])
            # nginx resolves a back end's name when it loads: only
            # names this host resolves (the target's may hold more).
            host = r.choice(["127.0.0.1", "[::1]", "localhost"]
                            if scheme == "http" or r.random() < 0.1 else
                            ["localhost"])
            port = r.choice(["", ":8080", ":9443", ":65535"])
            p = r.choice(["/", "/app/", "/a/b", "/x-y_z~1/"])
            inner.append("<proxy to=%s/>" % quoteattr(
                "%s://%s%s%s" % (scheme, host, port, p)))
        inner += self.policy_parts(False)
        r.shuffle(inner)
        return lines + ["  " + x for x in inner] + ["</web>"]

    def mail(self, base):
        r = self.r
        sid = self.uid("m")
        pattr, prof = self.svc_profile()
        lines = ["<mail id=%s certificate=%s%s>" % (
            quoteattr(sid), quoteattr(self.cert_for(prof)),
            self.profile_attr(pattr))]
        inner = ["<host>%s</host>" % escape(h)
                 for h in self.hostlist(base, None, r.choice([1, 1, 2, 3]))]
        which = r.choice([("smtp",), ("imap",), ("smtp", "imap"),
                          ("smtp", "imap")])
        if "smtp" in which:
            at = ["port=%s" % quoteattr(str(r.choice([25, 2525, 12525])))]
            if r.random() < 0.7:
                at.append("submission-port=%s" % quoteattr(str(
                    r.choice([587, 12587]))))
            if r.random() < 0.7:
                at.append("submissions-port=%s" % quoteattr(str(
                    r.choice([465, 12465]))))
            if r.random() < 0.4:
                at.append("validating-resolver=%s" % quoteattr(r.choice(
                    ["true", "false"])))
            inner.append('<smtp server="postfix" listen=%s %s/>' % (
                quoteattr(self.addr()), " ".join(at)))
        if "imap" in which:
            at = ["port=%s" % quoteattr(str(r.choice([143, 10143])))]
            if r.random() < 0.7:
                at.append("imaps-port=%s" % quoteattr(str(
                    r.choice([993, 10993]))))
            inner.append('<imap server="dovecot" listen=%s %s/>' % (
                quoteattr(self.addr()), " ".join(at)))
        inner += self.policy_parts(False)
        r.shuffle(inner)
        return lines + ["  " + x for x in inner] + ["</mail>"]

    def xmpp(self, base):
        r = self.r
        sid = self.uid("x")
        pattr, prof = self.svc_profile()
        at = ["c2s-port=%s" % quoteattr(str(r.choice([5222, 15222])))]
        if r.random() < 0.6:
            at.append("c2s-tls-port=%s" % quoteattr(str(
                r.choice([5223, 15223]))))
        if r.random() < 0.6:
            at.append("s2s-port=%s" % quoteattr(str(r.choice([5269, 15269]))))
        lines = ['<xmpp id=%s server="ejabberd" certificate=%s%s listen=%s '
                 '%s>' % (quoteattr(sid), quoteattr(self.cert_for(prof)),
                          self.profile_attr(pattr), quoteattr(self.addr()),
                          " ".join(at))]
        inner = ["<host>%s</host>" % escape(h)
                 for h in self.hostlist(base, None, r.choice([1, 2, 3]))]
        inner += self.policy_parts(False)
        r.shuffle(inner)
        return lines + ["  " + x for x in inner] + ["</xmpp>"]


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: gendesc.py SEED PKI TMP\n")
        return 2
    sys.stdout.write(Gen(int(sys.argv[1]), sys.argv[2], sys.argv[3]).gen())
    return 0


if __name__ == "__main__":
    sys.exit(main())
