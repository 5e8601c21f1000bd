#!/bin/bash
# messages.sh -- a new user's mistakes, each told once, precisely, at its
# line: the real binary on the reference description with one mistake
# made in it (as a user editing it would), its whole stderr compared
# exactly and its exit status 2.
#
#   - a missing or misspelled attribute, a misspelled element (<hots>);
#   - server="Nginx", mode="Auto": the allowed values, the one meant;
#   - an unknown profile or a bad cipher string in <policy>: one message,
#     at its line, not one per service inheriting it;
#   - an element in the wrong place;
#   - what carried no line before (libxml2's "Extra element ... in
#     interleave", an unreadable trust bundle);
#   - several mistakes: all in one run, sorted by line;
#   - every attribute and element name of the reference misspelt in turn
#     (python3, else SKIPPED): one exact message each.
#
# A few seconds; no servers.  Writes below its temp dir only.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

tlsgen_bin
export TLSGEN_DATADIR=${TLSGEN_DATADIR:-$ROOT}
unset TLSGEN_FAULT

e2e_init
T=$E2E_TMP
EXAMPLE=$ROOT/examples/example.org.xml
# Messages name the file as the user did: run from its directory.
cd "$T" || exit 1

# told NAME SED-SCRIPT EXPECTED -- NAME.xml is the reference edited by
# SED-SCRIPT; `tlsgen validate NAME.xml` must exit 2 and print exactly
# EXPECTED on stderr (nothing on stdout).
told() {
	local name=$1 script=$2 want=$3 rc err out
	sed "$script" "$EXAMPLE" >"$name.xml"
	if cmp -s "$name.xml" "$EXAMPLE"; then
		fail "$name" "the sed script changed nothing: $script"
		return
	fi
	out=$("$TLSGEN" validate "$name.xml" 2>"$name.err")
	rc=$?
	err=$(cat "$name.err")
	if [ "$rc" = 2 ] && [ "$err" = "$want" ] && [ -z "$out" ]; then
		ok "$name: exit 2, \"${err%%$'\n'*}\""
	else
		fail "$name" "exit $rc (want 2)
expected:
$want
actual:
$err${out:+
stdout: $out}"
	fi
}

# The reference itself is fine: no error (its notes and warnings aside).
"$TLSGEN" validate "$EXAMPLE" >/dev/null 2>"$T/ref.err"
rc=$?
if [ "$rc" = 0 ] && ! grep -qv ': warning: \|: note: ' "$T/ref.err"; then
	ok "the reference validates (exit 0)"
else
	fail "the reference validates" "exit $rc: $(cat "$T/ref.err")"
fi

# Line 47: <web id="www" server="nginx" certificate="web" ...>
told missing-attribute '47s/ certificate="web"//' \
'missing-attribute.xml:47: <web id="www">: missing attribute certificate'

told misspelled-attribute '47s/ certificate=/ certifcate=/' \
'misspelled-attribute.xml:47: <web id="www">: unknown attribute certifcate (did you mean certificate?)'

told misspelled-element '54s/host>/hots>/g' \
'misspelled-element.xml:54: <web id="downloads">: unknown element <hots> (did you mean <host>?)'

told server-case '47s/server="nginx"/server="Nginx"/' \
'server-case.xml:47: <web id="www">: attribute server="Nginx": not one of nginx, apache (did you mean nginx?)'

# libxml2 said "Extra element ocsp-stapling in interleave", with no line.
told mode-case '16s/mode="auto"/mode="Auto"/' \
'mode-case.xml:16: <ocsp-stapling>: attribute mode="Auto": not one of on, off, auto (did you mean auto?)'

# Six services inherit it: one message all the same.
told site-profile '13s/profile="intermediate"/profile="intermediat"/' \
'site-profile.xml:13: <policy>: attribute profile="intermediat": unknown profile (did you mean intermediate?)'

# The same for a bad cipher string in the site's policy: one, at <tls>.
told site-ciphers '16a\    <tls ciphers="NOPE"/>' \
'site-ciphers.xml:17: <tls>: cipher string "NOPE" expands to nothing'

told wrong-place '55a\    <pair cert="/etc/ssl/a.pem" key="/etc/ssl/a.key"/>' \
'wrong-place.xml:56: <web id="downloads">: element <pair> not allowed in <web>; it goes in <certificate>'

told missing-element '79,80d' \
'missing-element.xml:78: <xmpp id="chat">: missing element <host>'

told root-and-proxy '60a\    <root>/srv/bugs</root>' \
'root-and-proxy.xml:61: <web id="bugs">: <root> and <proxy> (line 60) exclude each other'

# Four mistakes: four messages, in the order of the file.
told several '16s/mode="auto"/mode="Auto"/
47s/ certificate="web"//
54s/host>/hots>/g
73s/server="postfix"/server="Postfix"/' \
'several.xml:16: <ocsp-stapling>: attribute mode="Auto": not one of on, off, auto (did you mean auto?)
several.xml:47: <web id="www">: missing attribute certificate
several.xml:54: <web id="downloads">: unknown element <hots> (did you mean <host>?)
several.xml:73: <smtp>: attribute server="Postfix": must be postfix'

# --- every name of the reference, misspelt in turn -----------------------------
#
# Each attribute and element name of the reference, in each place it
# appears (each once: the four <web> say the same), one at a time, gets an
# "x" appended (a name one edit away from the right one): exactly one
# message, at that line, naming the element (and its id unless the id is
# what was misspelt) and the name meant.  A misspelt required attribute
# is not also reported missing; a misspelt element's content is not also
# reported.
if need python3 "misspelt names of the reference"; then
	python3 - "$EXAMPLE" >sweep.tsv <<'PY'
import sys, xml.parsers.expat

src = open(sys.argv[1]).read()
lines = src.split("\n")
p = xml.parsers.expat.ParserCreate()
stack, elems = [], []

def start(name, attrs):
    stack.append([name, p.CurrentLineNumber, attrs, len(stack)])

def end(name):
    e = stack.pop()
    e.append(p.CurrentLineNumber)
    e.append(stack[-1] if stack else None)
    elems.append(e)

p.StartElementHandler, p.EndElementHandler = start, end
p.Parse(src, True)

def ctx(name, attrs):
    if "id" in attrs:
        return '<%s id="%s">' % (name, attrs["id"])
    return "<%s>" % name

def emit(tag, text, want):
    name = "sweep-%s.xml" % tag
    open(name, "w").write(text)
    print("%s\t%s:%s" % (name, name, want))

k, seen = 0, set()
for name, line, attrs, depth, endline, parent in elems:
    where = (parent[0] if parent else None, name)
    for a in attrs:
        # Each name once per place (the four <web> say the same).
        if a == "xmlns" or (where, a) in seen:
            continue
        seen.add((where, a))
        k += 1
        l = lines[:]
        l[line - 1] = l[line - 1].replace(" %s=" % a, " %sx=" % a, 1)
        rest = {x: v for x, v in attrs.items() if x != a}
        emit(k, "\n".join(l), '%d: %s: unknown attribute %sx (did you '
             'mean %s?)' % (line, ctx(name, rest), a, a))
    if parent is None or where in seen:
        continue
    seen.add(where)
    k += 1
    l = lines[:]
    l[line - 1] = l[line - 1].replace("<%s" % name, "<%sx" % name, 1)
    l[endline - 1] = l[endline - 1].replace("</%s>" % name,
                                            "</%sx>" % name, 1)
    emit(k, "\n".join(l), '%d: %s: unknown element <%sx> (did you mean '
         '<%s>?)' % (line, ctx(parent[0], parent[2]), name, name))
PY
	n=0 bad=0 detail=
	while IFS=$'\t' read -r file want; do
		n=$((n + 1))
		err=$("$TLSGEN" validate "$file" 2>&1 >/dev/null)
		rc=$?
		if [ "$rc" != 2 ] || [ "$err" != "$want" ]; then
			bad=$((bad + 1))
			detail="$detail
want (exit 2): $want
got (exit $rc): $err"
		fi
	done <sweep.tsv
	if [ "$n" -gt 0 ] && [ "$bad" = 0 ]; then
		ok "every name of the reference misspelt in turn, in each place: $n descriptions, one exact message each"
	else
		fail "every name of the reference misspelt in turn, in each place: $bad of $n" "$detail"
	fi
fi

# An unreadable trust bundle was reported without a line: now at <trust>.
sed 's#bundle="/etc/ssl/certs/ca-certificates.crt"#bundle="/nonexistent/ca.pem"#' \
	"$EXAMPLE" >bundle.xml
mkdir -p empty-root
"$TLSGEN" certs bundle.xml --root "$T/empty-root" >/dev/null 2>bundle.err
rc=$?
want="bundle.xml:22: <trust>: cannot read the trust bundle $T/empty-root/nonexistent/ca.pem: No such file or directory"
if [ "$rc" != 0 ] && grep -qxF "$want" bundle.err; then
	ok "unreadable trust bundle: at the <trust> line (exit $rc)"
else
	fail "unreadable trust bundle: at the <trust> line" "exit $rc, no line
$want
in:
$(cat bundle.err)"
fi

e2e_finish
