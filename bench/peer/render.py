#!/usr/bin/env python3
"""render.py DESCRIPTION OUTDIR [--datadir DIR]

The Jinja2 peer of `tlsgen generate --no-cert-check`, for the benchmark:
reads the same description with xml.etree, merges the site policy, the
profile (DIR/profiles/NAME.profile) and each service's overrides the way
tlsgen does, and renders the same per-site files with Jinja2 templates
equivalent to templates/nginx/site.conf and templates/apache/site.conf:

    OUTDIR/etc/nginx/tlsgen/ID.conf      one per <web server="nginx">
    OUTDIR/etc/apache2/tlsgen/ID.conf    one per <web server="apache">

It is what a typical template-based tool does (parse, merge, render, write
each file with open/write) and no more: no schema validation, no value
grammar, no OpenSSL check of cipher strings, no clash checks, no atomic
write or fsync.  bench/run.sh diffs its output against tlsgen's to show
the templates are equivalent.
"""
import os
import re
import ssl
import sys
import xml.etree.ElementTree as ET

import jinja2

NS = "{urn:tlsgen:services:1}"
VERSION = "0.1.0"
PROTOS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
DEFAULT = {"hsts_max_age": 63072000, "hsts_sub": False, "hsts_preload": False,
           "ocsp": "auto", "cache_size": 10 * 1024 * 1024,
           "cache_timeout": 86400, "tickets": False}


def load_profile(datadir, name, cache={}):
    if name in cache:
        return cache[name]
    p = {}
    with open(os.path.join(datadir, "profiles", name + ".profile")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            k, _, v = line.partition(" ")
            p[k] = v.strip()
    # Groups the linked OpenSSL lacks are left out, as tlsgen does.
    have_mlkem = ssl.OPENSSL_VERSION_INFO >= (3, 5)
    groups = [g for g in p["groups"].split() if have_mlkem or "MLKEM" not in g]
    p["groups"] = ":".join(groups)
    p["protocols"] = p["protocols"].split()
    cache[name] = p
    return p


def size(v):
    m = {"k": 1024, "m": 1024 * 1024, "g": 1024 ** 3}
    v = v.strip().lower()
    return int(v[:-1]) * m[v[-1]] if v[-1] in m else int(v)


def boolean(v):
    return v.strip().lower() in ("true", "yes", "on", "1")


def read_policy(el, pol):
    """The policy parts of a <policy> or a service, over pol (a dict)."""
    h = el.find(NS + "hsts")
    if h is not None:
        if h.get("max-age") is not None:
            pol["hsts_max_age"] = int(h.get("max-age"))
        if h.get("include-subdomains") is not None:
            pol["hsts_sub"] = boolean(h.get("include-subdomains"))
        if h.get("preload") is not None:
            pol["hsts_preload"] = boolean(h.get("preload"))
    o = el.find(NS + "ocsp-stapling")
    if o is not None:
        pol["ocsp"] = o.get("mode")
    c = el.find(NS + "session-cache")
    if c is not None:
        if c.get("size") is not None:
            pol["cache_size"] = size(c.get("size"))
        if c.get("timeout") is not None:
            pol["cache_timeout"] = int(c.get("timeout"))
        if c.get("tickets") is not None:
            pol["tickets"] = boolean(c.get("tickets"))
    return pol


def main(argv):
    if len(argv) not in (3, 5):
        sys.stderr.write(__doc__)
        return 2
    desc, out = argv[1], argv[2]
    datadir = argv[4] if len(argv) == 5 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(
            os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "templates")),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False, undefined=jinja2.StrictUndefined)
    tmpl = {"nginx": env.get_template("nginx-site.conf.j2"),
            "apache": env.get_template("apache-site.conf.j2")}
    subdir = {"nginx": "etc/nginx/tlsgen", "apache": "etc/apache2/tlsgen"}
    for d in subdir.values():
        os.makedirs(os.path.join(out, d), exist_ok=True)

    root = ET.parse(desc).getroot()
    source = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(desc))
    site = dict(DEFAULT)
    site_profile = "intermediate"
    acme = "/var/www/acme"
    trust = "/etc/ssl/certs/ca-certificates.crt"
    pel = root.find(NS + "policy")
    if pel is not None:
        read_policy(pel, site)
        site_profile = pel.get("profile", site_profile)
    lay = root.find(NS + "layout")
    if lay is not None and lay.get("acme-dir"):
        acme = lay.get("acme-dir")
    tr = root.find(NS + "trust")
    if tr is not None:
        trust = tr.get("bundle")
    certs = {}
    for c in root.iter(NS + "certificate"):
        certs[c.get("id")] = [{"cert": p.get("cert"), "key": p.get("key")}
                              for p in c.iter(NS + "pair")]

    for w in root.iter(NS + "web"):
        pol = read_policy(w, dict(site))
        prof = load_profile(datadir, w.get("profile", site_profile))
        protocols = [p for p in PROTOS if p in prof["protocols"]]
        addr = w.get("listen")
        if ":" in addr:
            addr = "[%s]" % addr
        http_port = int(w.get("http-port"))
        https_port = int(w.get("https-port"))
        rootdir = w.find(NS + "root")
        proxy = w.find(NS + "proxy")
        ctx = {
            "version": VERSION, "source": source, "id": w.get("id"),
            "cert_id": w.get("certificate"),
            "profile": prof["name"],
            "hosts": [h.text.strip() for h in w.iter(NS + "host")],
            "pairs": certs[w.get("certificate")],
            "protocols": protocols,
            "tls12": "TLSv1.2" in protocols, "tls13": "TLSv1.3" in protocols,
            "ciphers": prof["ciphers"], "suites": prof["ciphersuites"],
            "groups": prof["groups"],
            "server_order": boolean(prof["server-order"]),
            "cache_size": pol["cache_size"],
            "cache_timeout": pol["cache_timeout"],
            "tickets": pol["tickets"],
            # As tlsgen --no-cert-check: "auto" cannot know, so it is off.
            "staple": pol["ocsp"] == "on",
            "trust_bundle": trust,
            "hsts": pol["hsts_max_age"] > 0,
            "hsts_max_age": pol["hsts_max_age"],
            "hsts_sub": pol["hsts_sub"], "hsts_preload": pol["hsts_preload"],
            "addr": addr, "http": http_port != 0,
            "http_port": http_port, "https_port": https_port,
            "https_suffix": "" if https_port == 443 else ":%d" % https_port,
            "zone": "tls_%s_%d" % (re.sub(r"[.:]", "_", w.get("listen")),
                                   https_port),
            "acme_dir": acme,
            "root": rootdir.text.strip() if rootdir is not None else "",
            "proxy_url": proxy.get("to") if proxy is not None else "",
        }
        server = w.get("server")
        with open(os.path.join(out, subdir[server], ctx["id"] + ".conf"),
                  "w") as f:
            f.write(tmpl[server].render(ctx))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
