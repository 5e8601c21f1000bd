#!/usr/bin/env python3
"""bind.py ETC [SERVER...] -- bind every Postfix, Dovecot and ejabberd
(or only each SERVER's) listener that
the generated files below ETC name, as each of those servers binds it, and
listen; exit 1 naming the socket (and errno) that cannot be.

Run while nginx and Apache, booted from the same files, hold their own
sockets: a clash between servers shows as EADDRINUSE here, a clash inside
nginx or Apache as their failing start.  Run only in a private network
namespace (tests/e2e/property.sh).

How each server binds (what the sockets must survive):
- Postfix: master.cf "PORT inet" (no address) binds every inet_interfaces
  address (main.cf writes "all") for each inet_protocols family (Debian's
  default "all"): 0.0.0.0:PORT and [::]:PORT with IPV6_V6ONLY;
  "ADDR:PORT" / "[ADDR6]:PORT" binds that address only.
- Dovecot: inet_listener "address = *" is 0.0.0.0, "::" is [::] with
  IPV6_V6ONLY (Dovecot always sets it), else the address itself.
- ejabberd (Erlang gen_tcp): ip '::' takes IPv4 too (no IPV6_V6ONLY),
  else the address itself.
Every one sets SO_REUSEADDR.
"""

import errno
import os
import re
import socket
import sys


def postfix(etc):
    out = []
    mc = os.path.join(etc, "postfix", "master.cf")
    if not os.path.exists(mc):
        return out
    for line in open(mc):
        f = line.split()
        if len(f) < 2 or f[1] != "inet" or line[0] in " \t#":
            continue
        m = re.fullmatch(r"(?:(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):)?(\d+)",
                         f[0])
        if m is None:
            raise SystemExit("bind.py: cannot read master.cf " + f[0])
        v6, v4, port = m.group(1), m.group(2), int(m.group(3))
        if v6:
            out.append(("postfix", v6, port, True))
        elif v4:
            out.append(("postfix", v4, port, True))
        else:
            out.append(("postfix", "0.0.0.0", port, True))
            out.append(("postfix", "::", port, True))
    return out


def dovecot(etc):
    out = []
    dc = os.path.join(etc, "dovecot", "dovecot.conf")
    if not os.path.exists(dc):
        return out
    addr = None
    for line in open(dc):
        line = line.strip()
        m = re.match(r"address\s*=\s*(\S+)", line)
        if m:
            addr = m.group(1)
        m = re.match(r"port\s*=\s*(\d+)", line)
        if m and addr is not None:
            for a in addr.split(","):
                a = a.strip()
                out.append(("dovecot", "0.0.0.0" if a == "*" else a,
                            int(m.group(1)), True))
    return out


def ejabberd(etc):
    out = []
    yml = os.path.join(etc, "ejabberd", "ejabberd.yml")
    if not os.path.exists(yml):
        return out
    text = open(yml).read()
    listen = text.split("\nlisten:", 1)[1]
    listen = re.split(r"\n[^ \n#-]", listen, 1)[0]
    for item in re.split(r"\n  -\n", listen):
        p = re.search(r"port:\s*(\d+)", item)
        i = re.search(r"ip:\s*['\"]?([0-9a-fA-F:.]+)", item)
        if p:
            out.append(("ejabberd", i.group(1) if i else "0.0.0.0",
                        int(p.group(1)), False))
    return out


def main():
    etc = sys.argv[1]
    which = sys.argv[2:] or ["postfix", "dovecot", "ejabberd"]
    readers = {"postfix": postfix, "dovecot": dovecot, "ejabberd": ejabberd}
    socks, bad = [], []
    for server, addr, port, v6only in [x for w in which
                                       for x in readers[w](etc)]:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY,
                         1 if v6only else 0)
        try:
            s.bind((addr, port))
            s.listen(8)
            socks.append(s)
        except OSError as e:
            bad.append("%s cannot bind %s port %d: %s" % (
                server, addr, port, errno.errorcode.get(e.errno, e.errno)))
            s.close()
    for s in socks:
        s.close()
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
