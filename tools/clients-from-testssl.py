#!/usr/bin/env python3
"""Build data/clients.tsv: one row per TLS client, with what its ClientHello offers.

Input 1: testssl.sh's client simulation data (Debian package testssl.sh,
         /etc/testssl/client-simulation.txt; most entries come from Qualys SSL Labs'
         client list, the rest from Wireshark captures described in
         client-simulation.wiresharked.md).  Only facts are taken from it: for each
         client its name, the raw ClientHello (handshakebytes), lowest_protocol.
Input 2: tools/testssl-upstream-clients.txt: newer testssl.sh captures (upstream
         git), same array format, without handshakebytes: testssl's parsed fields
         (ch_ciphers, ciphersuites, curves, tlsvers) are used for those.
Input 3: tools/clients-manual.tsv: rows added by hand for clients testssl lacks,
         each with its own public source tag (already in the output format).

The ClientHello is parsed here (RFC 5246 / RFC 8446 layout, plus the SSLv2-compatible
hello of RFC 5246 appendix E.2):
  - cipher_suites      -> ciphers (TLS <= 1.2 suites) and suites13 (0x13xx)
  - supported_versions -> protocols (only final RFC versions; TLS 1.3 drafts 0x7fXX
                          do not interoperate with RFC 8446 servers and are dropped)
    otherwise          -> every version from lowest_protocol up to client_version
  - supported_groups   -> groups
  - signature_algorithms and the offered ECDSA suites -> sigkeys
Suite codes are mapped to IANA names with the local OpenSSL
(`openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`); codes it does not
name are written 0xXXXX.  GREASE values and the signalling values 0x00FF
(renegotiation SCSV) and 0x5600 (fallback SCSV) are not suites and are dropped.

usage: tools/clients-from-testssl.py [--testssl FILE] [--upstream FILE] [--manual FILE]
                                     [--out FILE] [--notes]
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# RFC 8446 section B.4 (OpenSSL 3.0 does not list CCM suites by default).
TLS13 = {
    0x1301: "TLS_AES_128_GCM_SHA256",
    0x1302: "TLS_AES_256_GCM_SHA384",
    0x1303: "TLS_CHACHA20_POLY1305_SHA256",
    0x1304: "TLS_AES_128_CCM_SHA256",
    0x1305: "TLS_AES_128_CCM_8_SHA256",
}

# IANA TLS Supported Groups registry -> OpenSSL group / curve names.
GROUPS = {
    1: "sect163k1", 2: "sect163r1", 3: "sect163r2", 4: "sect193r1", 5: "sect193r2",
    6: "sect233k1", 7: "sect233r1", 8: "sect239k1", 9: "sect283k1", 10: "sect283r1",
    11: "sect409k1", 12: "sect409r1", 13: "sect571k1", 14: "sect571r1",
    15: "secp160k1", 16: "secp160r1", 17: "secp160r2", 18: "secp192k1",
    19: "prime192v1", 20: "secp224k1", 21: "secp224r1", 22: "secp256k1",
    23: "prime256v1", 24: "secp384r1", 25: "secp521r1",
    26: "brainpoolP256r1", 27: "brainpoolP384r1", 28: "brainpoolP512r1",
    29: "X25519", 30: "X448",
    31: "brainpoolP256r1tls13", 32: "brainpoolP384r1tls13", 33: "brainpoolP512r1tls13",
    256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096", 259: "ffdhe6144", 260: "ffdhe8192",
    0x11EB: "SecP256r1MLKEM768", 0x11EC: "X25519MLKEM768", 0x11ED: "SecP384r1MLKEM1024",
}

VERSIONS = {0x0200: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLSv1.1",
            0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}
# Only these go in the protocols column (see header).
KEEP_VERSIONS = ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")

SCSV = {0x00FF, 0x5600}

# OpenSSL names (as testssl writes them) of suites Debian's OpenSSL 3.0 build does
# not know (no 3DES/RC4/GOST), with their IANA code points.
LEGACY_OPENSSL_NAMES = {
    "DES-CBC3-SHA": 0x000A, "EDH-RSA-DES-CBC3-SHA": 0x0016,
    "ECDHE-ECDSA-DES-CBC3-SHA": 0xC008, "ECDHE-RSA-DES-CBC3-SHA": 0xC012,
    "RC4-MD5": 0x0004, "RC4-SHA": 0x0005,
    "ECDHE-ECDSA-RC4-SHA": 0xC007, "ECDHE-RSA-RC4-SHA": 0xC011,
}

# testssl's curve spellings -> OpenSSL names
CURVE_ALIASES = {"x25519": "X25519", "x448": "X448", "secp256r1": "prime256v1"}


def is_grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def openssl_names():
    out = subprocess.run(
        ["openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
        check=True, capture_output=True, text=True).stdout
    names = {}
    auth = {}
    by_openssl = dict(LEGACY_OPENSSL_NAMES)
    for line in out.splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)\s+\S+\s+Kx=\S+\s+Au=(\S+)", line)
        if m:
            code = int(m.group(1) + m.group(2), 16)
            names[code] = m.group(3)
            auth[code] = m.group(5)
            by_openssl[m.group(4)] = code
    for n, code in LEGACY_OPENSSL_NAMES.items():
        if "ECDSA" in n:
            auth.setdefault(code, "ECDSA")
    return names, auth, by_openssl


def read_testssl(path):
    """The file is a bash fragment of parallel arrays: key+=("value") / key+=(value)."""
    clients = []
    cur = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r'\s*([a-zA-Z_]+)\+=\((.*)\)\s*$', line)
        if not m:
            continue
        key, val = m.group(1), m.group(2)
        if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
            val = val[1:-1]
        if key == "names":
            cur = {}
            clients.append(cur)
        cur[key] = val
    return clients


class Hello:
    pass


def parse_hello(hexstr):
    b = bytes.fromhex(hexstr)
    h = Hello()
    h.suites, h.groups, h.sigalgs, h.versions = [], None, None, None
    if b[0] & 0x80:                                  # SSLv2-compatible ClientHello
        ln = ((b[0] & 0x7F) << 8) | b[1]
        body = b[2:2 + ln]
        assert body[0] == 1
        h.client_version = (body[1] << 8) | body[2]
        cs_len = (body[3] << 8) | body[4]
        specs = body[9:9 + cs_len]
        for i in range(0, cs_len, 3):
            if specs[i] == 0:                        # SSLv3/TLS suite in a v2 spec
                h.suites.append((specs[i + 1] << 8) | specs[i + 2])
        h.sslv2 = True
        return h
    h.sslv2 = False
    assert b[0] == 0x16, "not a handshake record"
    rec_len = (b[3] << 8) | b[4]
    p = b[5:5 + rec_len]
    assert p[0] == 1, "not a ClientHello"
    hs_len = int.from_bytes(p[1:4], "big")
    p = p[4:4 + hs_len]
    h.client_version = (p[0] << 8) | p[1]
    i = 2 + 32
    sid = p[i]
    i += 1 + sid
    cs_len = (p[i] << 8) | p[i + 1]
    i += 2
    for j in range(i, i + cs_len, 2):
        h.suites.append((p[j] << 8) | p[j + 1])
    i += cs_len
    comp = p[i]
    i += 1 + comp
    if i + 2 > len(p):
        return h                                     # no extensions
    ext_total = (p[i] << 8) | p[i + 1]
    i += 2
    end = i + ext_total
    while i + 4 <= end:
        et = (p[i] << 8) | p[i + 1]
        el = (p[i + 2] << 8) | p[i + 3]
        d = p[i + 4:i + 4 + el]
        i += 4 + el
        if et == 0x000A:                             # supported_groups
            n = (d[0] << 8) | d[1]
            h.groups = [(d[k] << 8) | d[k + 1] for k in range(2, 2 + n, 2)]
        elif et == 0x000D:                           # signature_algorithms
            n = (d[0] << 8) | d[1]
            h.sigalgs = [(d[k] << 8) | d[k + 1] for k in range(2, 2 + n, 2)]
        elif et == 0x002B:                           # supported_versions (client form)
            n = d[0]
            h.versions = [(d[k] << 8) | d[k + 1] for k in range(1, 1 + n, 2)]
    return h


def split_name(full):
    """'Firefox 31.3.0 ESR Win 7' -> ('Firefox', '31.3.0 ESR Win7')."""
    s = full.replace("(", " ").replace(")", " ")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\bWin (\d)", r"Win\1", s)
    s = re.sub(r"\bWin Phone (\d)", r"WinPhone\1", s)
    toks = s.split(" ")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    k = 0
    while k < len(toks) and not re.match(r"\d", toks[k]) and toks[k] not in months:
        k += 1
    if k == 0:
        k = 1
    if k == len(toks):                               # e.g. 'Baidu Jan 2015'
        k = 1
    name = " ".join(toks[:k])
    if name == "go":
        name = "Go"
    return name, " ".join(toks[k:])


def convert_fields(c, names, auth, by_openssl, tag):
    """Entry without ClientHello bytes: use testssl's parsed fields."""
    label = c["names"]
    ciphers = []
    sig_ecdsa = False
    for n in filter(None, c.get("ch_ciphers", "").split(":")):
        if n.startswith("TLS_"):                     # a TLS 1.3 suite listed there
            continue
        if n not in by_openssl:
            sys.exit("%s: cipher %s unknown to this OpenSSL and to LEGACY_OPENSSL_NAMES" % (label, n))
        code = by_openssl[n]
        ciphers.append(names.get(code, "0x%04X" % code))
        if auth.get(code) == "ECDSA":
            sig_ecdsa = True
    suites13 = [x for x in c.get("ciphersuites", "").split(":") if x]
    theirs = {"-tls1_3": "TLSv1.3", "-tls1_2": "TLSv1.2", "-tls1_1": "TLSv1.1", "-tls1": "TLSv1",
              "-ssl3": "SSLv3"}
    protos = {theirs[t] for t in c.get("tlsvers", "").split() if t in theirs}
    protos = [p for p in KEEP_VERSIONS if p in protos]
    groups = [CURVE_ALIASES.get(g, g) for g in c.get("curves", "").split(":") if g] or ["-"]
    name, version = split_name(label)
    return [name, version, " ".join(protos) or "-", ":".join(ciphers) or "-",
            ":".join(suites13) or "-", " ".join(groups),
            "ecdsa rsa" if sig_ecdsa else "rsa", tag]


def convert(c, names, auth, notes):
    h = parse_hello(c["handshakebytes"])
    label = c["names"]
    ciphers, suites13 = [], []
    sig_ecdsa = False
    for s in h.suites:
        if is_grease(s) or s in SCSV:
            continue
        if s in TLS13:
            suites13.append(TLS13[s])
            continue
        ciphers.append(names.get(s, "0x%04X" % s))
        if auth.get(s) == "ECDSA":
            sig_ecdsa = True
    if h.sigalgs and any((a & 0xFF) == 0x03 and (a >> 8) in (2, 3, 4, 5, 6) for a in h.sigalgs):
        sig_ecdsa = True                             # ecdsa_* (TLS 1.2 hash,sig pairs and TLS 1.3 schemes)

    if h.versions is not None:
        vers = [v for v in h.versions if not is_grease(v)]
        drafts = [v for v in vers if (v >> 8) == 0x7F or v == 0x7E02 or (v >> 8) == 0xFB]
        if drafts:
            notes.append("%s: supported_versions has TLS 1.3 draft(s) %s, not counted" %
                         (label, " ".join("0x%04X" % v for v in drafts)))
        protos = {VERSIONS[v] for v in vers if v in VERSIONS}
    else:
        lo = int(c.get("lowest_protocol", "0x0300"), 16)
        hi = h.client_version
        protos = {VERSIONS[v] for v in VERSIONS if lo <= v <= hi}
    protos = [p for p in KEEP_VERSIONS if p in protos]
    # cross-check with testssl's own protocol field
    tv = c.get("tlsvers", "")
    theirs = {"-tls1_3": "TLSv1.3", "-tls1_2": "TLSv1.2", "-tls1_1": "TLSv1.1", "-tls1": "TLSv1",
              "-ssl3": "SSLv3"}
    theirs = {theirs[t] for t in tv.split() if t in theirs}
    mine = set(protos) - {"SSLv3"}
    if theirs and theirs - {"SSLv3"} != mine:
        notes.append("%s: protocols from ClientHello %s, testssl tlsvers %s (ClientHello kept)" %
                     (label, " ".join(sorted(mine)), " ".join(sorted(theirs))))
    if h.sslv2:
        notes.append("%s: SSLv2-compatible ClientHello (no extensions)" % label)

    if h.groups is None:
        groups = ["-"]
    else:
        groups = [GROUPS.get(g, "0x%04X" % g) for g in h.groups if not is_grease(g)]
        groups = groups or ["-"]
    name, version = split_name(label)
    row = [name, version, " ".join(protos) or "-", ":".join(ciphers) or "-",
           ":".join(suites13) or "-", " ".join(groups),
           "ecdsa rsa" if sig_ecdsa else "rsa", "testssl"]
    return row


HEADER = """\
# tlsgen client capability table: what each client's ClientHello offers.
# Generated by tools/clients-from-testssl.py (do not edit by hand: edit
# tools/clients-manual.tsv or the script, then run it again).
#
# Columns (TAB separated; lists inside a column as noted):
#   name      client family: Firefox, Chrome, Safari, IE, Edge, Android, Java,
#             OpenSSL, Opera, Apple Mail, Thunderbird, bots ...
#   version   version string, first token the version number, then platform
#             qualifiers: "31.3.0 ESR Win7", "11 Win7", "8u161", "4.4.2"
#   protocols space separated, of SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 (final
#             RFC versions only; TLS 1.3 drafts do not count; SSLv2 omitted)
#   ciphers   TLS <= 1.2 cipher suites offered, IANA names, ':' separated, in the
#             client's order; codes OpenSSL 3.0 does not name are 0xXXXX;
#             GREASE and the SCSVs 0x00FF/0x5600 are left out; '-' if none
#   suites13  TLS 1.3 cipher suites offered, IANA names, ':' separated, or '-'
#             (listed as offered; only usable if protocols has TLSv1.3)
#   groups    supported_groups extension, OpenSSL names, space separated, client
#             order; '-' when the client sends no such extension (RFC 4492 5.1:
#             the server may then pick any curve)
#   sigkeys   certificate key types the client can verify: "ecdsa rsa" or "rsa"
#             (ecdsa when it offers an ECDSA suite or an ecdsa signature scheme)
#   source    tag of one of the sources below
#
# Sources:
#   testssl   Debian package testssl.sh 3.0.8+dfsg-1, /etc/testssl/client-simulation.txt:
#             ClientHello bytes (handshakebytes) of each client, most from the
#             Qualys SSL Labs client list (https://api.ssllabs.com/api/v3/getClients),
#             the rest Wireshark captures by testssl.sh contributors
#             (client-simulation.wiresharked.txt).  Parsed by the script;
#             protocols come from supported_versions when sent, otherwise every
#             version from testssl's lowest_protocol up to the ClientHello version.
#   testssl-git  upstream testssl.sh, etc/client-simulation.wiresharked.txt at
#             github.com/testssl/testssl.sh commit 0d6ab6b620204cd2255aa33f7b4016faa359a43c:
#             newer Wireshark captures (Android 13/14, Chromium 137, Edge 133,
#             Firefox 137, Safari 18.4, Java 8u442/21, OpenSSL 3.0.15/3.5.0).
#             Excerpt in tools/testssl-upstream-clients.txt; testssl's parsed
#             fields (ch_ciphers, ciphersuites, curves, tlsvers) are used, not
#             ClientHello bytes, so protocols are testssl's tlsvers.
#   testssl:<client> / testssl-git:<client>  a hand-added row that repeats the
#             named captured client under another name (see the notes below).
#   manual:<reference>  stated from the named public reference (release notes,
#             documentation, bug tracker); "knowledge" in the tag means the row
#             is stated from general knowledge of the client, not captured data.
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testssl", default="/etc/testssl/client-simulation.txt")
    ap.add_argument("--upstream", default=os.path.join(HERE, "testssl-upstream-clients.txt"))
    ap.add_argument("--manual", default=os.path.join(HERE, "clients-manual.tsv"))
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "clients.tsv"))
    ap.add_argument("--notes", action="store_true", help="print parser notes to stderr")
    a = ap.parse_args()

    names, auth, by_openssl = openssl_names()
    notes = []
    rows = [convert(c, names, auth, notes) for c in read_testssl(a.testssl)]
    seen = {(r[0], r[1]) for r in rows}
    if os.path.exists(a.upstream):
        for c in read_testssl(a.upstream):
            r = convert_fields(c, names, auth, by_openssl, "testssl-git")
            if (r[0], r[1]) in seen:
                sys.exit("%s: duplicate client %s %s" % (a.upstream, r[0], r[1]))
            seen.add((r[0], r[1]))
            rows.append(r)
    manual_comments = []
    if os.path.exists(a.manual):
        for line in open(a.manual, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("#"):
                manual_comments.append(line)
                continue
            f = line.split("\t")
            if len(f) != 8:
                sys.exit("%s: row needs 8 TAB separated fields: %r" % (a.manual, line))
            if (f[0], f[1]) in seen:
                sys.exit("%s: duplicate client %s %s" % (a.manual, f[0], f[1]))
            seen.add((f[0], f[1]))
            rows.append(f)
    with open(a.out, "w", encoding="utf-8") as o:
        o.write(HEADER)
        if manual_comments:
            o.write("#\n# Notes on the hand-added rows (from tools/clients-manual.tsv):\n")
            for cm in manual_comments:
                o.write(cm + "\n")
        o.write("#\n# name\tversion\tprotocols\tciphers\tsuites13\tgroups\tsigkeys\tsource\n")
        for r in rows:
            o.write("\t".join(r) + "\n")
    if a.notes:
        for n in notes:
            print(n, file=sys.stderr)
    print("%s: %d rows" % (a.out, len(rows)), file=sys.stderr)


if __name__ == "__main__":
    main()
