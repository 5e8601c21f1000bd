#!/bin/bash
# certs.sh -- the certificate checks through the command line: `tlsgen
# certs` exits 0 for good certificates, 1 for each bad one, 2 for invalid
# input; `generate` refuses to write with a bad certificate and leaves the
# output directory as it was; `--no-cert-check` writes and says so;
# `--format json` parses; `--tlsa` digests equal OpenSSL's own.
#
# The PKI comes from tests/pki/mkpki.sh, made afresh in a temp dir; the
# descriptions name the files below --root. Needs openssl; JSON checks
# need python3 (SKIPPED otherwise).
#
# Prints one line per check and "N passed, N failed, N skipped"; exits 1 on
# any failure.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$HERE/lib/common.sh"

: "${TLSGEN:=$TOP/tlsgen}"

e2e_init
PKI=$E2E_TMP/pki
D=$E2E_TMP/desc

if ! need openssl "certs: make the test PKI"; then
	e2e_finish
fi
if [ ! -x "$TLSGEN" ]; then
	fail "certs: tlsgen binary" "$TLSGEN is not executable (run make)"
	e2e_finish
fi
if ! out=$("$TOP/tests/pki/mkpki.sh" "$PKI" 2>&1); then
	fail "certs: make the test PKI" "$out"
	e2e_finish
fi
mkdir -p "$D"

# desc NAME PAIRS HOSTS [OCSP] [PROFILE] -- $D/NAME.xml: one certificate of
# PAIRS (names of mkpki.sh leaves, space-separated) used by one nginx site
# serving HOSTS (space-separated).
desc() {
	local name=$1 pairs=$2 hosts=$3 ocsp=${4:-auto} profile=${5:-intermediate}
	local p h
	{
		echo '<services xmlns="urn:tlsgen:services:1" domain="example.org">'
		echo "  <policy profile=\"$profile\"><ocsp-stapling mode=\"$ocsp\"/></policy>"
		echo '  <trust bundle="/bundle.pem"/>'
		echo '  <certificate id="web">'
		for p in $pairs; do
			echo "    <pair cert=\"/$p.fullchain.pem\" key=\"/$p.key\"/>"
		done
		echo '  </certificate>'
		echo '  <web id="www" server="nginx" certificate="web" listen="127.0.0.1" http-port="80" https-port="443">'
		for h in $hosts; do
			echo "    <host>$h</host>"
		done
		echo '    <root>/srv/www</root>'
		echo '  </web>'
		echo '</services>'
	} >"$D/$name.xml"
}

# status NAME WANT ARGS... -- run tlsgen ARGS, expect exit status WANT.
status() {
	local name=$1 want=$2 rc out
	shift 2
	out=$("$TLSGEN" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name (exit $rc)"
	else
		fail "$name" "expected exit $want, got $rc: tlsgen $*
$out"
	fi
}

# stderr_has NAME TEXT ARGS... -- tlsgen ARGS prints TEXT on stderr.
stderr_has() {
	local name=$1 text=$2 out
	shift 2
	out=$("$TLSGEN" "$@" 2>&1 >/dev/null)
	case $out in
	*"$text"*) ok "$name" ;;
	*) fail "$name" "no \"$text\" in:
$out" ;;
	esac
}

# --- certs: good ------------------------------------------------------------

WWW="example.org www.example.org"
for leaf in ecdsa ecdsa-p384 rsa ecdsa-noocsp rsa-noocsp; do
	desc "$leaf" "$leaf" "$WWW"
	status "certs: $leaf is good" 0 certs "$D/$leaf.xml" --root "$PKI"
done
desc dual "ecdsa rsa" "$WWW"
status "certs: ECDSA+RSA pair is good" 0 certs "$D/dual.xml" --root "$PKI"
desc wildcard-one wildcard "a.example.org"
status "certs: *.example.org covers a.example.org" 0 \
	certs "$D/wildcard-one.xml" --root "$PKI"

# --- certs: bad, each with its finding --------------------------------------

while read -r name leaf hosts ocsp text; do
	desc "$name" "$leaf" "${hosts//,/ }" "$ocsp"
	status "certs: $name" 1 certs "$D/$name.xml" --root "$PKI"
	stderr_has "certs: $name says why" "$text" certs "$D/$name.xml" \
		--root "$PKI"
done <<'EOF'
expired expired www.example.org auto expired on
notyet notyet www.example.org auto not yet valid
mismatch mismatch www.example.org auto does not belong to the certificate
wronghost wronghost www.example.org auto is not covered by the subjectAltName
wildcard-apex wildcard example.org auto is not covered by the subjectAltName
wildcard-deep wildcard a.b.example.org auto is not covered by the subjectAltName
rsa1024 rsa1024 www.example.org auto RSA key of 1024 bits
p521 p521 www.example.org auto EC key on curve P-521
sha1 sha1 www.example.org auto signed with SHA-1
selfsigned selfsigned www.example.org auto the leaf is self-signed
noint noint www.example.org auto missing intermediate
disorder disorder www.example.org auto put the leaf first
clientonly clientonly www.example.org auto lacks serverAuth
muststaple-off muststaple www.example.org off clients will hard-fail
EOF
desc dual-mismatch "ecdsa mismatch-rsa" "$WWW"
status "certs: key mismatch inside a dual pair" 1 \
	certs "$D/dual-mismatch.xml" --root "$PKI"
stderr_has "certs: dual mismatch names pair 2" \
	'pair 2 (/mismatch-rsa.key): private key does not belong' \
	certs "$D/dual-mismatch.xml" --root "$PKI"
desc rsa-modern rsa "$WWW" auto modern
status "certs: RSA-only under modern" 1 certs "$D/rsa-modern.xml" \
	--root "$PKI"
status "certs: files absent below --root" 1 certs "$D/ecdsa.xml" \
	--root "$E2E_TMP/empty"

# --- certs: warnings, and --strict ------------------------------------------

desc withroot withroot "$WWW"
desc noocsp-on ecdsa-noocsp "$WWW" on
desc muststaple muststaple "$WWW" auto
for case in withroot noocsp-on muststaple; do
	status "certs: $case warns" 0 certs "$D/$case.xml" --root "$PKI"
	status "certs: $case --strict" 1 certs "$D/$case.xml" --root "$PKI" \
		--strict
done
stderr_has "certs: noocsp-on says why" "names no OCSP responder" \
	certs "$D/noocsp-on.xml" --root "$PKI"
stderr_has "certs: withroot says why" "carries the root" \
	certs "$D/withroot.xml" --root "$PKI"
stderr_has "certs: the finding's form" \
	"noocsp-on.xml:5: <certificate id=\"web\">: warning: pair 1 (/ecdsa-noocsp.fullchain.pem): stapling is on" \
	certs "$D/noocsp-on.xml" --root "$PKI"

# --- certs: invalid input ---------------------------------------------------

printf '<services xmlns="urn:tlsgen:services:1">\n' >"$D/broken.xml"
printf '<services xmlns="urn:tlsgen:services:1"><nonsense/></services>\n' \
	>"$D/invalid.xml"
status "certs: missing description" 2 certs "$D/absent.xml" --root "$PKI"
status "certs: malformed XML" 2 certs "$D/broken.xml" --root "$PKI"
status "certs: schema-invalid description" 2 certs "$D/invalid.xml" \
	--root "$PKI"
status "certs: unknown --format" 2 certs "$D/ecdsa.xml" --root "$PKI" \
	--format yaml
status "certs: bad --warn-days" 2 certs "$D/ecdsa.xml" --root "$PKI" \
	--warn-days soon

# --- generate ---------------------------------------------------------------

# tree DIR -- every path, mode and content digest below DIR.
tree() {
	(cd "$1" && find . -printf '%p %m %s\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

OUT=$E2E_TMP/out
mkdir -p "$OUT/etc"
echo sentinel >"$OUT/etc/keep"
before=$(tree "$OUT")
status "generate: refuses with an expired certificate" 1 \
	generate "$D/expired.xml" --root "$PKI" -o "$OUT"
check_eq "generate: output dir untouched" "$before" "$(tree "$OUT")"
status "generate: refuses with a wrong host" 1 \
	generate "$D/wronghost.xml" --root "$PKI" -o "$E2E_TMP/never"
if [ -e "$E2E_TMP/never" ]; then
	fail "generate: no output dir made" "$E2E_TMP/never exists"
else
	ok "generate: no output dir made"
fi

status "generate: writes with a good certificate" 0 \
	generate "$D/ecdsa.xml" --root "$PKI" -o "$E2E_TMP/good"
if grep -qs 'ssl_certificate /ecdsa.fullchain.pem;' \
	"$E2E_TMP/good/etc/nginx/tlsgen/www.conf"; then
	ok "generate: the site presents the pair"
else
	fail "generate: the site presents the pair" \
		"$(ls -R "$E2E_TMP/good" 2>&1)"
fi

# A build host without the certificates: --no-cert-check writes and says so.
status "generate --no-cert-check: writes" 0 \
	generate "$D/expired.xml" --root "$E2E_TMP/empty" -o "$E2E_TMP/unchecked" \
	--no-cert-check
if [ -f "$E2E_TMP/unchecked/etc/nginx/nginx.conf" ]; then
	ok "generate --no-cert-check: files written"
else
	fail "generate --no-cert-check: files written" \
		"$(ls -R "$E2E_TMP/unchecked" 2>&1)"
fi
stderr_has "generate --no-cert-check: warns" "certificates not checked" \
	generate "$D/expired.xml" --root "$E2E_TMP/empty" \
	-o "$E2E_TMP/unchecked2" --no-cert-check

# --- --format json ----------------------------------------------------------

if need python3 "certs --format json: dual parses" \
	"certs --format json: expired parses" \
	"certs --format json: quotes and backslashes escaped" \
	"certs --format json: fields"; then
	for case in dual expired; do
		"$TLSGEN" certs "$D/$case.xml" --root "$PKI" --format json \
			>"$E2E_TMP/$case.json" 2>/dev/null
		if out=$(python3 -m json.tool "$E2E_TMP/$case.json" 2>&1); then
			ok "certs --format json: $case parses"
		else
			fail "certs --format json: $case parses" "$out"
		fi
	done
	# A subject full of quotes, backslashes and UTF-8 reaches a message.
	openssl req -x509 -new -key "$PKI/int.key" -days 30 -utf8 \
		-subj $'/O=q"uo\\\\te/CN=caf\xc3\xa9 \\\\ "x"' \
		-out "$E2E_TMP/odd.pem" 2>/dev/null
	cat "$E2E_TMP/odd.pem" "$PKI/ecdsa.pem" >"$PKI/odd.fullchain.pem"
	cp "$PKI/ecdsa.key" "$PKI/odd.key"
	desc odd odd "$WWW"
	"$TLSGEN" certs "$D/odd.xml" --root "$PKI" --format json \
		>"$E2E_TMP/odd.json" 2>/dev/null
	if out=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
m = r["findings"][0]["message"]
assert r["findings"][0]["code"] == "leaf-not-first", r
assert "\"" in m and "\\" in m, m
' "$E2E_TMP/odd.json" 2>&1); then
		ok "certs --format json: quotes and backslashes escaped"
	else
		fail "certs --format json: quotes and backslashes escaped" \
			"$out
$(cat "$E2E_TMP/odd.json")"
	fi
	if out=$(python3 - "$E2E_TMP/expired.json" "$E2E_TMP/dual.json" <<'EOF' 2>&1
import json, sys
bad = json.load(open(sys.argv[1]))
good = json.load(open(sys.argv[2]))
f = bad["findings"]
assert bad["errors"] == 1, bad["errors"]
assert [x["code"] for x in f] == ["expired"], f
assert f[0]["certificate"] == "web" and f[0]["pair"] == 1, f[0]
assert f[0]["file"] == "/expired.fullchain.pem", f[0]
assert good["errors"] == 0 and good["findings"] == [], good
pairs = good["certificates"][0]["pairs"]
assert [p["type"] for p in pairs] == ["ECDSA", "RSA"], pairs
assert all(len(p["spki_sha256"]) == 64 for p in pairs), pairs
EOF
	); then
		ok "certs --format json: fields"
	else
		fail "certs --format json: fields" "$out"
	fi
fi

# --- --tlsa -----------------------------------------------------------------

spki() {
	openssl x509 -in "$PKI/$1.pem" -pubkey -noout |
		openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1
}

status "certs --tlsa: exit" 0 certs "$D/dual.xml" --root "$PKI" --tlsa
tlsa=$("$TLSGEN" certs "$D/dual.xml" --root "$PKI" --tlsa 2>/dev/null)
want=
for h in example.org www.example.org; do
	for leaf in ecdsa rsa; do
		want="${want}_443._tcp.$h. IN TLSA 3 1 1 $(spki "$leaf")
"
	done
done
want=$(printf '%s' "$want" | sort)
check_eq "certs --tlsa: records equal OpenSSL's SPKI digests" "$want" \
	"$(printf '%s\n' "$tlsa" | sort)"
check_eq "certs --tlsa: sorted and stable" "$tlsa" \
	"$("$TLSGEN" certs "$D/dual.xml" --root "$PKI" --tlsa 2>/dev/null)"

# Every TLS port of mail and xmpp, SMTP on 25 included.
cat >"$D/ports.xml" <<'EOF'
<services xmlns="urn:tlsgen:services:1" domain="example.org">
  <trust bundle="/bundle.pem"/>
  <certificate id="c">
    <pair cert="/ecdsa.fullchain.pem" key="/ecdsa.key"/>
  </certificate>
  <mail id="mail" certificate="c">
    <host>mail.example.org</host>
    <smtp server="postfix" listen="0.0.0.0" port="25" submission-port="587" submissions-port="465"/>
    <imap server="dovecot" listen="0.0.0.0" port="143" imaps-port="993"/>
  </mail>
  <xmpp id="chat" server="ejabberd" certificate="c" listen="0.0.0.0" c2s-port="5222" c2s-tls-port="5223" s2s-port="5269">
    <host>conference.example.org</host>
  </xmpp>
</services>
EOF
d=$(spki ecdsa)
want="_5222._tcp.conference.example.org. IN TLSA 3 1 1 $d
_5223._tcp.conference.example.org. IN TLSA 3 1 1 $d
_5269._tcp.conference.example.org. IN TLSA 3 1 1 $d
_25._tcp.mail.example.org. IN TLSA 3 1 1 $d
_143._tcp.mail.example.org. IN TLSA 3 1 1 $d
_465._tcp.mail.example.org. IN TLSA 3 1 1 $d
_587._tcp.mail.example.org. IN TLSA 3 1 1 $d
_993._tcp.mail.example.org. IN TLSA 3 1 1 $d"
check_eq "certs --tlsa: mail and xmpp ports" "$want" \
	"$("$TLSGEN" certs "$D/ports.xml" --root "$PKI" --tlsa 2>/dev/null)"

e2e_finish
