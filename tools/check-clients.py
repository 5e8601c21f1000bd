#!/usr/bin/env python3
"""Which clients of data/clients.tsv can connect to each profiles/*.profile?

A cross-check of the data, independent of the C code (clients.c).  A client
connects when it shares a protocol version with the profile and
  TLS 1.3: a common TLS 1.3 suite, a common group, and a certificate key type
           the client verifies among the profile's cert-types;
  TLS <= 1.2 (the highest version both have): a common cipher suite usable at
           that version (from the profile's string expanded by the local
           OpenSSL: `openssl ciphers -stdname -v`), whose authentication
           (ECDSA/RSA) is in the client's sigkeys and in the profile's
           cert-types, and for ECDHE a common group (a client that sends no
           supported_groups accepts any curve, RFC 4492 5.1) - with an ECDSA
           certificate one of the profile's cert-curves must also be in the
           client's groups; DHE only when the profile has a dh value.
The server's cipher order does not matter for connect / locked out.

usage: tools/check-clients.py [--profiles DIR] [--clients FILE] [--cert ecdsa|rsa|both]
                              [--legacy] [--all]
  --cert    which certificate(s) the server presents (default: the profile's
            cert-types, i.e. both for intermediate and tls12-strict)
  --legacy  also count suites named in the profile string that this OpenSSL
            build lacks (DES-CBC3-SHA in "old"), as a server built with them would
  --all     list every client, not only the ones the report is about
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

ORDER = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
EC_GROUPS_12 = None  # any non-hybrid group can do ECDHE in TLS 1.2; hybrids are TLS 1.3 only
HYBRID = {"X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"}
# Written as data/clients.tsv writes suites this OpenSSL does not name.
LEGACY = {"DES-CBC3-SHA": ("0x000A", "SSLv3", "RSA", "RSA")}

# The clients the report is about: (name, version) as in data/clients.tsv.
FOCUS = [
    ("2017 review (locked out: Firefox <=26, Chrome <=29, IE <=10, Opera <=16, Safari <=8, Android <=4)", [
        ("Firefox", "26 Win8"), ("Firefox", "27 Win8"), ("Chrome", "29 Win7"), ("Chrome", "30 Win7"),
        ("IE", "10 Win7"), ("IE", "11 Win7"), ("Opera", "16 Win7"), ("Opera", "17 Win7"),
        ("Safari", "8 OS X 10.10"), ("Safari", "8 iOS 8.4"), ("Safari", "9 OS X 10.11"), ("Safari", "9 iOS 9"),
        ("Android", "4.3"), ("Android", "4.4.2")]),
    ("Mozilla intermediate oldest clients", [
        ("Firefox", "31.3.0 ESR Win7"), ("Android", "4.4.2"), ("Chrome", "49 Win7"), ("Chrome", "49 XP SP3"),
        ("Edge", "15 Win10"), ("IE", "11 Win10"), ("Java", "8u161"), ("OpenSSL", "1.0.1l"),
        ("Opera", "20 Win7"), ("Safari", "9 OS X 10.11"), ("Safari", "9 iOS 9")]),
    ("... and just older", [
        ("Firefox", "30 OS X"), ("Firefox", "27 Win8"), ("Chrome", "48 OS X"), ("Edge", "13 Win10"),
        ("IE", "11 Win8.1"), ("IE", "11 Win7"), ("IE", "10 Win7"), ("Java", "8u111"), ("Java", "8u31"),
        ("Java", "7u25"), ("OpenSSL", "1.0.1h"), ("OpenSSL", "1.0.0"), ("Opera", "17 Win7"),
        ("Safari", "8 OS X 10.10"), ("Safari", "8 iOS 8.4"), ("Android", "4.3")]),
    ("Mozilla modern oldest clients", [
        ("Firefox", "63 Win7"), ("Android", "10.0 native"), ("Chrome", "70 Win10"), ("Edge", "75 Win10"),
        ("Java", "11.0.2 OpenJDK"), ("OpenSSL", "1.1.1b Debian"), ("Opera", "57"),
        ("Safari", "12.1 iOS 12.2"), ("Safari", "12.1 macOS 10.13.6")]),
    ("... and just older", [
        ("Firefox", "62 Win7"), ("Android", "9.0 native"), ("Chrome", "69 Win7"), ("Chrome", "65 Win7"),
        ("Edge", "17 Win10"), ("Java", "10"), ("Java", "9.0.4"), ("OpenSSL", "1.1.0l Debian"),
        ("Opera", "56"), ("Safari", "12 macOS 10.14"), ("Safari", "12 iOS 12.1")]),
    ("Mozilla old oldest clients (those in the data)", [
        ("IE", "8 XP"), ("IE", "6 XP"), ("Java", "6u45"), ("OpenSSL", "0.9.8y"), ("Android", "2.3.7")]),
    ("current clients", [
        ("Firefox", "137 Win11"), ("Chrome", "137 Win11"), ("Edge", "133 Win11 23H2"),
        ("Safari", "18.4 iOS 18.4"), ("Safari", "26 iOS 26"), ("Android", "14 native")]),
]


def read_profile(path):
    p = {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"(\S+)\s+(.*)$", line)
        if not m:
            sys.exit("%s: bad line %r" % (path, line))
        p[m.group(1)] = m.group(2).strip()
    return p


def expand(cipherstring, legacy):
    """[(iana, min_version, kx, au)] in the string's order, TLS <= 1.2 only."""
    if cipherstring in ("", "-"):
        return []
    out = subprocess.run(["openssl", "ciphers", "-ciphersuites", "", "-stdname", "-v", cipherstring],
                         capture_output=True, text=True)
    res = []
    for line in out.stdout.splitlines():
        m = re.match(r"(\S+)\s+-\s+(\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)", line)
        if m:
            res.append((m.group(1), m.group(3), m.group(4), m.group(5)))
    if legacy:
        have = {r[0] for r in res}
        for tok in cipherstring.split(":"):
            if tok in LEGACY and LEGACY[tok][0] not in have:
                res.append(LEGACY[tok])
    return res


def read_clients(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        rows.append({"name": f[0], "version": f[1], "protocols": f[2].split(),
                     "ciphers": set(f[3].split(":")) if f[3] != "-" else set(),
                     "suites13": set(f[4].split(":")) if f[4] != "-" else set(),
                     "groups": f[5].split() if f[5] != "-" else None,
                     "sigkeys": set(f[6].split()), "source": f[7]})
    return rows


def connect(prof, suites, c, certs):
    """(True, how) or (False, why)."""
    pprotos = prof["protocols"].split()
    pgroups = prof["groups"].split()
    common = [v for v in ORDER if v in pprotos and v in c["protocols"]]
    if not common:
        return False, "no common protocol (client %s)" % (" ".join(c["protocols"]) or "-")
    keys = c["sigkeys"] & certs
    if not keys:
        return False, "cannot verify a %s certificate" % "/".join(sorted(certs))
    why = []
    if "TLSv1.3" in common:
        s13 = [s for s in prof["ciphersuites"].split(":") if s in c["suites13"]]
        g13 = [g for g in pgroups if c["groups"] and g in c["groups"]]
        if s13 and g13:
            return True, "TLSv1.3 %s %s" % (s13[0], g13[0])
        why.append("TLS1.3: " + ("no common group" if s13 else "no common suite"))
    old = [v for v in common if v != "TLSv1.3"]
    if old:
        ver = old[-1]                              # highest common <= 1.2
        cg = None if c["groups"] is None else [g for g in pgroups if g not in HYBRID and g in c["groups"]]
        curves = prof["cert-curves"].split()
        reasons = set()
        for iana, minv, kx, au in suites:
            if ORDER.index(minv if minv in ORDER else "SSLv3") > ORDER.index(ver):
                reasons.add("suite needs %s" % minv)
                continue
            if iana not in c["ciphers"]:
                continue
            a = {"ECDSA": "ecdsa", "RSA": "rsa"}.get(au)
            if a not in keys:
                reasons.add("%s suite but no %s cert usable" % (au, au))
                continue
            if kx == "ECDH":
                if cg is not None and not cg:
                    reasons.add("no common ECDHE group")
                    continue
                if a == "ecdsa" and c["groups"] is not None and not any(x in c["groups"] for x in curves):
                    reasons.add("cert curve not in client groups")
                    continue
            if kx == "DH" and prof["dh"] == "none":
                continue
            g = "" if kx != "ECDH" else (" " + (cg[0] if cg else "any-curve"))
            return True, "%s %s%s" % (ver, iana, g)
        offered = [s[0] for s in suites if s[0] in c["ciphers"]]
        if not offered:
            why.append("%s: no common cipher" % ver)
        else:
            why.append("%s: %s" % (ver, "; ".join(sorted(reasons)) or "common cipher unusable"))
    return False, ", ".join(why)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profiles", default=os.path.join(ROOT, "profiles"))
    ap.add_argument("--clients", default=os.path.join(ROOT, "data", "clients.tsv"))
    ap.add_argument("--cert", choices=["ecdsa", "rsa", "both"])
    ap.add_argument("--legacy", action="store_true")
    ap.add_argument("--all", action="store_true")
    a = ap.parse_args()
    clients = read_clients(a.clients)
    byname = {(c["name"], c["version"]): c for c in clients}
    for f in sorted(os.listdir(a.profiles)):
        if not f.endswith(".profile"):
            continue
        prof = read_profile(os.path.join(a.profiles, f))
        suites = expand(prof["ciphers"], a.legacy)
        certs = set(prof["cert-types"].split())
        if a.cert:
            certs &= {"ecdsa", "rsa"} if a.cert == "both" else {a.cert}
        print("=" * 78)
        print("profile %s: %s; certs %s; %d TLS<=1.2 suites after expansion" %
              (prof["name"], prof["protocols"], " ".join(sorted(certs)) or "none", len(suites)))
        if not certs:
            print("  (no certificate of that type allowed by this profile)")
            continue
        result = {}
        for c in clients:
            result[(c["name"], c["version"])] = connect(prof, suites, c, certs)
        for title, keys in FOCUS:
            print("  -- " + title)
            for k in keys:
                if k not in byname:
                    print("     %-28s MISSING FROM TABLE" % " ".join(k))
                    continue
                ok, how = result[k]
                print("     %-28s %-6s %s" % (" ".join(k), "OK" if ok else "LOCKED", how))
        locked = [k for k, (ok, _) in result.items() if not ok]
        print("  -- all rows: %d connect, %d locked out" % (len(result) - len(locked), len(locked)))
        if a.all:
            for k, (ok, how) in result.items():
                print("     %-34s %-6s %s" % (" ".join(k), "OK" if ok else "LOCKED", how))
        else:
            print("     locked out: " + ", ".join(" ".join(k) for k in locked))


if __name__ == "__main__":
    main()
