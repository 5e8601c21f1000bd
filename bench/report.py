#!/usr/bin/env python3
"""report.py RESULTS_DIR BENCHMARKS.md -- the tables of bench/run.sh.

Reads the TSV files bench/run.sh wrote, prints the tables and writes them,
with the machine, the targets of issue 8 and the exact commands, to the
given Markdown file.
"""
import os
import re
import sys

KIND_NAMES = {
    "tlsgen-check": "tlsgen generate (certificates checked)",
    "tlsgen-nocheck": "tlsgen generate --no-cert-check",
    "tlsgen-update": "same, again over its own output",
    "jinja2": "Jinja2 peer (bench/peer/render.py)",
    "floor": "cp -r of the output (floor)",
    "tlsgen-nocheck-shm": "tmpfs: tlsgen generate --no-cert-check",
    "jinja2-shm": "tmpfs: Jinja2 peer",
    "floor-shm": "tmpfs: cp -r (floor)",
}
KINDS = list(KIND_NAMES)


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def fmt_n(n):
    return "{:,}".format(int(n))


class Run:
    """One median run: wall, user, sys (s), rss (KiB), status."""

    def __init__(self, r):
        self.size, self.kind, self.reps = int(r[0]), r[1], int(r[2])
        try:
            self.wall, self.user, self.sys = map(float, r[3:6])
            self.rss = int(r[6])
        except (ValueError, IndexError):
            self.wall = self.user = self.sys = float("nan")
            self.rss = 0
        self.status = r[7] if len(r) > 7 else "?"

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def cpu(self):
        return self.user + self.sys

    def wall_s(self):
        if self.status == "timeout":
            return "> %.0f (stopped)" % self.wall
        if not self.ok:
            return "failed (%s)" % self.status
        return "%.2f" % self.wall


def ratio(a, b):
    if a is None or b is None or not b.ok or b.wall <= 0:
        return None
    return a.wall / b.wall


def fmt_ratio(x, a=None):
    if x is None:
        return "n/a"
    s = "%.2f×" % x if x < 10 else "%.1f×" % x
    if a is not None and not a.ok:
        s = "> " + s
    return s


def main(argv):
    rd, md = argv[1], argv[2]
    machine = dict((r[0], r[1]) for r in rows(os.path.join(rd, "machine.tsv"))
                   if len(r) >= 2)
    scale = [Run(r) for r in rows(os.path.join(rd, "scale.tsv"))]
    certs = [Run(r) for r in rows(os.path.join(rd, "certs.tsv"))]
    tree = {int(r[0]): (int(r[1]), int(r[2]))
            for r in rows(os.path.join(rd, "tree.tsv"))}
    equiv = {int(r[0]): (int(r[1]), int(r[2]))
             for r in rows(os.path.join(rd, "equiv.tsv"))}
    hs = rows(os.path.join(rd, "hs.tsv"))
    resume = rows(os.path.join(rd, "resume.tsv"))
    hsfail = rows(os.path.join(rd, "hsfail.tsv"))
    notes = rows(os.path.join(rd, "notes.tsv"))
    floor_from_peer = {int(r[0]) for r in notes if r[1] == "floor-src"}
    commands = []
    if os.path.exists(os.path.join(rd, "commands.txt")):
        with open(os.path.join(rd, "commands.txt")) as f:
            for line in f:
                if line.strip() and line not in commands:
                    commands.append(line)

    by = {(r.size, r.kind): r for r in scale}
    sizes = sorted({r.size for r in scale})
    out = []
    w = out.append
    targets = []   # (target, measured, met)

    w("# Benchmarks\n\n")
    w("Written by `make bench` (bench/run.sh) on %s; every figure below is "
      "from that one run.  Times are `/usr/bin/time -f '%%e %%U %%S %%M'` "
      "(wall, user, system, peak RSS); a run is repeated up to %s times "
      "(not when it took over %s s) and the median by wall time is kept; a "
      "run still going after %s s is stopped and shown as such.\n"
      % (machine.get("date", "?"), machine.get("reps", "?"),
         machine.get("reps_under", "?"), machine.get("timeout", "?")))

    w("\n## Machine\n\n")
    w("| | |\n|---|---|\n")
    for k, name in (("nproc", "cores (nproc)"), ("cpu", "CPU"),
                    ("memory", "memory"), ("os", "OS"),
                    ("fs", "file system of bench/out"),
                    ("openssl", "OpenSSL"), ("nginx", "nginx"),
                    ("apache", "Apache"), ("libxml2", "libxml2"),
                    ("python", "peer"), ("tlsgen", "tlsgen"),
                    ("cflags", "CFLAGS"), ("handwritten",
                                           "hand-written configs"),
                    ("elapsed", "bench run time")):
        if k in machine:
            w("| %s | %s |\n" % (name, machine[k]))

    # ---- scale
    if scale:
        w("\n## Scale: `tlsgen generate`\n\n")
        w("Synthetic descriptions (bench/gen-desc.py): N web services, half "
          "nginx and half Apache, each with its own host names (1 or 2), "
          "half on an address of their own and half sharing an address:port "
          "in tens; a mail and an XMPP service; 500 certificates, each an "
          "ECDSA P-256 and an RSA 2048 pair with its chain (bench/mkcerts.sh, "
          "under `--root bench/out/pki`).  The Jinja2 peer renders the same "
          "per-site files from the same XML; the floor copies the finished "
          "tree.\n\n")
        w("| services | run | wall s | user s | sys s | peak RSS MiB "
          "| wall µs/service | CPU µs/service |\n")
        w("|---:|---|---:|---:|---:|---:|---:|---:|\n")
        for n in sizes:
            for k in KINDS:
                r = by.get((n, k))
                if r is None:
                    continue
                lb = "" if r.ok else "> "
                w("| %s | %s | %s | %.2f | %.2f | %s%.0f | %s%.0f | %s%.0f |\n"
                  % (fmt_n(n), KIND_NAMES[k], r.wall_s(), r.user, r.sys,
                     lb, r.rss / 1024, lb, r.wall / n * 1e6, lb,
                     r.cpu / n * 1e6))
        w("\nRatios of the `--no-cert-check` run (the peer's equivalent) to "
          "the Jinja2 peer and to the floor, on the disk (bench/out) and in "
          "memory (tmpfs, /dev/shm):\n\n")
        w("| services | files, MB written | tlsgen/Jinja2 wall | "
          "tlsgen/Jinja2 CPU | tlsgen/floor wall | tmpfs: tlsgen/Jinja2 "
          "wall | tmpfs: tlsgen/floor wall | peer output = tlsgen's |\n")
        w("|---:|---:|---:|---:|---:|---:|---:|---|\n")
        for n in sizes:
            t = by.get((n, "tlsgen-nocheck"))
            j = by.get((n, "jinja2"))
            f = by.get((n, "floor"))
            ts, js, fs = (by.get((n, k)) for k in (
                "tlsgen-nocheck-shm", "jinja2-shm", "floor-shm"))
            cpu_r = (t.cpu / j.cpu) if t and j and j.ok and j.cpu > 0 \
                else None
            tr = tree.get(n)
            eq = equiv.get(n)
            w("| %s%s | %s | %s | %s | %s | %s | %s | %s |\n" % (
                fmt_n(n), " ¹" if n in floor_from_peer else "",
                "%s, %.1f" % (fmt_n(tr[0]), tr[1] / 1e6) if tr else "n/a",
                fmt_ratio(ratio(t, j), t), fmt_ratio(cpu_r, t),
                fmt_ratio(ratio(t, f), t),
                fmt_ratio(ratio(ts, js), ts) if ts else "n/a",
                fmt_ratio(ratio(ts, fs), ts) if ts else "n/a",
                ("yes (%s files)" % fmt_n(eq[0]) if eq[1] == 0 else
                 "NO: %d lines differ" % eq[1]) if eq else "n/a"))
        if floor_from_peer:
            w("\n¹ tlsgen did not finish: the floor copies the peer's tree "
              "(the same per-site files, without nginx.conf and "
              "apache2.conf), and tlsgen/… ratios are lower bounds.\n")
        if len(sizes) >= 2:
            w("\n| run | growth |\n|---|---:|\n")
            for k in KINDS:
                for a, b in zip(sizes, sizes[1:]):
                    ra, rb = by.get((a, k)), by.get((b, k))
                    if ra and rb:
                        w("| %s, %s → %s | %s |\n" % (
                            KIND_NAMES[k], fmt_n(a), fmt_n(b),
                            fmt_ratio(ratio(rb, ra), rb)))
        big = sizes[-1]
        for k in ("tlsgen-check", "tlsgen-nocheck", "tlsgen-update",
                  "tlsgen-nocheck-shm"):
            r = by.get((big, k))
            if r:
                targets.append(("%s services in under 2 s wall (%s)" % (
                    fmt_n(big), KIND_NAMES[k]), r.wall_s(),
                    r.ok and r.wall < 2))
                targets.append(("%s services under 512 MB peak RSS (%s)" % (
                    fmt_n(big), KIND_NAMES[k]),
                    ("%.0f MiB" % (r.rss / 1024)) if r.ok else
                    "≥ %.0f MiB when stopped" % (r.rss / 1024),
                    r.rss < 512 * 1024 if r.ok else
                    (False if r.rss >= 512 * 1024 else None)))
        if 10000 in sizes and 100000 in sizes:
            for k in ("tlsgen-check", "tlsgen-nocheck", "tlsgen-update",
                      "tlsgen-nocheck-shm"):
                a, b = by.get((10000, k)), by.get((100000, k))
                if a is None or b is None:
                    continue
                x = ratio(b, a)
                targets.append(("10k → 100k grows at most 11× (%s)" %
                                KIND_NAMES[k], fmt_ratio(x, b),
                                x is not None and b.ok and x <= 11))
        for sfx, where in (("", "disk"), ("-shm", "tmpfs")):
            t, j, f = (by.get((big, k + sfx)) for k in (
                "tlsgen-nocheck", "jinja2", "floor"))
            if t is None:
                continue
            x = ratio(t, j)
            targets.append(("at least 20× faster than Jinja2 (%s services, "
                            "%s, tlsgen/Jinja2 ≤ 0.05)" % (fmt_n(big), where),
                            fmt_ratio(x, t), x is not None and t.ok and
                            x <= 0.05))
            x = ratio(t, f)
            targets.append(("within 3× of the floor (%s services, %s)"
                            % (fmt_n(big), where), fmt_ratio(x, t),
                            x is not None and t.ok and x <= 3))

    # ---- certificates
    if certs:
        c = next((r for r in certs if r.kind == "certs"), None)
        v = next((r for r in certs if r.kind == "validate"), None)
        w("\n## Certificates: `tlsgen certs`\n\n")
        w("The %s-service description names %s distinct pairs (half ECDSA "
          "P-256, half RSA 2048, each leaf + intermediate); `tlsgen validate` "
          "on the same file is the cost without the checks.\n\n"
          % (fmt_n(sizes[0]) if sizes else "first", fmt_n(c.size)))
        w("| run | wall s | user s | sys s | peak RSS MiB |\n"
          "|---|---:|---:|---:|---:|\n")
        for r in (c, v):
            if r:
                w("| tlsgen %s | %s | %.2f | %.2f | %.0f |\n" % (
                    r.kind, r.wall_s(), r.user, r.sys, r.rss / 1024))
        if c and v and c.ok and v.ok:
            net = c.wall - v.wall
            w("\n**%s pairs: %.0f checks/s** (pairs / (certs − validate) "
              "wall); %.0f pairs/s for the whole command.\n" % (
                  fmt_n(c.size), c.size / net if net > 0 else float("inf"),
                  c.size / c.wall))

    # ---- handshakes
    if hs or hsfail:
        w("\n## Handshakes the output buys\n\n")
        w("nginx (www.example.org) and Apache (people.example.org) booted on "
          "127.0.0.x:28443 from the tree `tlsgen generate` writes for "
          "bench/handshake.xml.in and from the hand-written Mozilla "
          "intermediate configuration (%s), with the "
          "tests/pki/mkpki.sh leaves `ecdsa`/`rsa` (nginx) and "
          "`ecdsa-noocsp`/`rsa-noocsp` (Apache).  Connections per second "
          "from bench/hstime (`openssl s_time` with SNI: OpenSSL 3.0's "
          "s_time sends none, and nginx refuses a handshake without a known "
          "name), %s s each, in %d segments alternating between the "
          "generated and the hand-written server (both running, on their "
          "own addresses), one "
          "client on the same cores, each connection one HTTP/1.0 request; "
          "-reuse offers the previous connection's session (reuse loop: "
          "resumed of offered).  Resumption: `openssl s_client -sess_in/-sess_out`, "
          "each attempt offering the session the previous one ended with."
          "\n\n" % (machine.get("handwritten", "?"),
                     machine.get("hs_time", "?"),
                     int(machine.get("hs_rounds", "4"))))
        # Segments of one (server, config, key, TLS, mode), summed.
        rate = {}
        for r in hs:
            server, config, key, tls, mode = r[:5]
            kv = dict(x.split("=", 1) for x in r[5].split() if "=" in x)
            a = rate.setdefault((server, config, key, tls, mode), {
                "conns": 0, "secs": 0.0, "resumed": 0, "attempts": 0,
                "segs": 0, "failed": 0, "key": "?"})
            if "conns" not in kv:
                a["failed"] += 1
                continue
            a["conns"] += int(kv["conns"])
            a["secs"] += float(kv["secs"])
            a["resumed"] += int(kv["resumed"])
            a["attempts"] += int(kv["conns"]) - 1   # the first is full
            a["segs"] += 1
            a["key"] = kv.get("key", "?")
        for a in rate.values():
            a["rate"] = a["conns"] / a["secs"] if a["secs"] > 0 and \
                not a["failed"] else None
        res = {(r[0], r[1], r[2], r[3]): (int(r[4]), int(r[5]))
               for r in resume}
        w("| server | config | key | TLS | new/s | resumed/s | resumed/new "
          "| reuse loop resumed | s_client resumed |\n")
        w("|---|---|---|---|---:|---:|---:|---:|---:|\n")
        ratios = {}
        for server in ("nginx", "apache"):
            for key in ("ecdsa", "rsa"):
                for tls in ("tls1_2", "tls1_3"):
                    for config in ("generated", "handwritten"):
                        n = rate.get((server, config, key, tls, "new"))
                        u = rate.get((server, config, key, tls, "reuse"))
                        if n is None and u is None:
                            continue
                        nr = n["rate"] if n else None
                        ur = u["rate"] if u else None
                        rr = ur / nr if nr and ur else None
                        ratios[(server, config, key, tls)] = rr
                        rs = res.get((server, config, key, tls))
                        keyseen = (n or u or {}).get("key", "?")
                        w("| %s | %s | %s%s | %s | %s | %s | %s | %s | %s |\n"
                          % (server, config, key,
                             "" if keyseen == {"ecdsa": "EC",
                                               "rsa": "RSA"}[key] else
                             " (server sent %s)" % keyseen,
                             tls.replace("tls", "TLS ").replace("_", "."),
                             "%.0f" % nr if nr else "failed",
                             "%.0f" % ur if ur else "failed",
                             "%.2f" % rr if rr else "n/a",
                             "%d of %d" % (u["resumed"], u["attempts"])
                             if u and u["segs"] else "n/a",
                             "%d of %d" % (rs[1], rs[0]) if rs else "n/a"))
        for r in hsfail:
            w("\n**%s from the %s configuration did not start.**\n"
              % (r[0], r[1]))
        for server in ("nginx", "apache"):
            for tls in ("tls1_2", "tls1_3"):
                got = [res.get((server, "generated", k, tls))
                       for k in ("ecdsa", "rsa")]
                got = [g for g in got if g]
                met = bool(got) and all(g[0] == g[1] for g in got)
                targets.append((
                    "every resumption attempt resumes: %s, %s (generated)"
                    % (server, tls.replace("tls", "TLS ").replace("_", ".")),
                    ", ".join("%d of %d" % (g[1], g[0]) for g in got) or
                    "n/a", met))
        for server in ("nginx", "apache"):
            for key in ("ecdsa", "rsa"):
                for tls in ("tls1_2", "tls1_3"):
                    g = ratios.get((server, "generated", key, tls))
                    h = ratios.get((server, "handwritten", key, tls))
                    if g is None and h is None:
                        continue
                    targets.append((
                        "resumed/new ≥ hand-written: %s %s %s" % (
                            server, key,
                            tls.replace("tls", "TLS ").replace("_", ".")),
                        "%s vs %s" % ("%.2f" % g if g else "n/a",
                                      "%.2f" % h if h else "n/a"),
                        None if g is None or h is None else
                        True if g >= h else
                        "noise" if g >= 0.9 * h else False))

    # ---- targets
    if targets:
        w("\n## Targets (issue 8)\n\n| target | measured | met |\n"
          "|---|---|---|\n")
        for t, m, ok in targets:
            w("| %s | %s | %s |\n" % (
                t, m, "within noise (≥ 90 %)" if ok == "noise" else
                "n/a" if ok is None else "yes" if ok else "**NO**"))

    w("\n## Notes\n\n"
      "- Wall time on the disk is mostly file-system work: the floor "
      "(`cp -r`, no fsync) of a 100,000-file tree is itself seconds to tens "
      "of seconds on this VM's ext4, and varies with what else the machine "
      "writes.  The tmpfs rows take the disk out; tlsgen's own work is "
      "best read from them and from the user/sys columns.\n"
      "- tlsgen/Jinja2 cannot fall below floor/Jinja2: both write the same "
      "files, so at sizes where writing dominates, 20× is out of reach by "
      "construction.\n"
      "- `openssl s_time` (OpenSSL 3.0) sends no SNI, which nginx's "
      "`ssl_reject_handshake` default server refuses: bench/hstime.c is "
      "s_time's two loops (-new, -reuse) with SNI, TCP_NODELAY and one "
      "HTTP/1.0 request per connection (so TLS 1.3 tickets arrive).\n"
      "- A profile of the 100,000-service run: `bench/profile.sh` (perf, "
      "output in tmpfs).\n")
    prof = os.path.join(os.path.dirname(rd), "profile-100000.txt")
    if os.path.exists(prof):
        with open(prof) as f:
            # frames without a symbol (stripped libxml2) say nothing
            lines = [x for x in f if ".so" in x or not re.search(
                r"\] (0x)?[0-9a-f]{6,}$", x.rstrip())]
        w("\nLast `bench/profile.sh` output (not from this run; frames "
          "without a symbol left out):\n\n```\n" + "".join(lines) +
          "```\n")

    if commands:
        w("\n## Commands\n\nRun from the repository root; `bench/out` is the "
          "work directory.\n\n```\n")
        for c in commands:
            w(c)
        w("```\n")

    text = "".join(out)
    with open(md, "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
