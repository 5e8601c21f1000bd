#!/bin/bash
# tests/e2e/policy.sh -- `tlsgen policy` against real handshakes.
#
# One description with one nginx web service per profile (modern,
# intermediate, tls12-strict, old; and intermediate with an ECDSA
# certificate only) on 127.0.0.7, high ports, with the test
# PKI (tests/pki/mkpki.sh) and a <layout> in a temp dir.  tlsgen generates
# the nginx tree and the policy report; nginx boots from the generated main
# file; then, per profile, a client the report says connects must complete
# a handshake (with the protocol and suite the report names), and one it
# says is locked out must be refused.  Each client is played by `openssl
# s_client` offering what data/clients.tsv says it offers: its versions,
# its TLS 1.2 ciphers (IANA names mapped with `openssl ciphers -stdname`),
# its TLS 1.3 suites and its groups, at @SECLEVEL=0 so that a refusal is
# the server's, not the client's.
#
# "old" carries @SECLEVEL=0 (OpenSSL 3 refuses TLS 1.0 and 1.1 above
# level 0): IE 8 on Windows 7 connects with TLS 1.0 as the report says;
# what old refuses is matrix.sh's to prove.
#
# Needs root (nginx drops to www-data), nginx, openssl, python3 (the JSON
# report).  Prints one line per check and "N passed, N failed, N skipped".
#
#   TLSGEN=PATH   the binary (default ./tlsgen)
#   E2E_KEEP=1    keep the temp dir

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ -f "$HERE/lib/common.sh" ]; then
	. "$HERE/lib/common.sh"
	. "$HERE/lib/tls.sh"
	. "$HERE/lib/web.sh"
else
	echo "policy.sh: tests/e2e/lib/common.sh is missing" >&2
	exit 1
fi
: "${TLSGEN:=$ROOT/tlsgen}"
CLIENTS=$ROOT/data/clients.tsv
ADDR=127.0.0.7

# The services: id, profile, certificate, https port, host.
SERVICES="modern:modern:ecdsa:17443:www.example.org
intermediate:intermediate:dual:17444:downloads.example.org
strict:tls12-strict:dual:17445:bugs.example.org
old:old:rsa:17446:people.example.org
ecdsaonly:intermediate:ecdsa:17447:conference.example.org"

# Per service: "connect" clients and "locked" clients (name|version).
CASES="modern connect Firefox|63 Win7
modern connect Chrome|137 Win11
modern locked Firefox|62 Win7
intermediate connect Chrome|49 XP SP3
intermediate connect Android|4.4.2
intermediate locked Chrome|30 Win7
strict connect Safari|8 OS X 10.10
strict connect Firefox|137 Win11
strict locked Android|4.3
old connect IE|11 Win7
old connect IE|8 Win7
ecdsaonly connect Chrome|49 Win7
ecdsaonly locked Chrome|49 XP SP3"

if [ ! -x "$TLSGEN" ]; then
	fail "tlsgen binary" "$TLSGEN is not executable"
	e2e_finish
fi
for tool in openssl python3; do
	if ! have "$tool"; then
		skip "policy report against handshakes" "no $tool"
		e2e_finish
	fi
done

e2e_init
T=$E2E_TMP
PKI=$T/pki

# --- the description -------------------------------------------------------------

if ! out=$(bash "$ROOT/tests/pki/mkpki.sh" "$PKI" 2>&1); then
	fail "mkpki.sh" "$out"
	e2e_finish
fi

description() {	# description [TLS_OVERRIDE_OF_INTERMEDIATE]
	local id prof cert port host
	cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<services xmlns="urn:tlsgen:services:1" domain="example.org">
  <policy profile="intermediate">
    <ocsp-stapling mode="off"/>
  </policy>
  <trust bundle="$PKI/bundle.pem"/>
  <layout run-dir="$T/run" log-dir="$T/log" state-dir="$T/lib" spool-dir="$T/spool" acme-dir="$T/acme"/>
  <certificate id="dual">
    <pair cert="$PKI/ecdsa-noocsp.fullchain.pem" key="$PKI/ecdsa-noocsp.key"/>
    <pair cert="$PKI/rsa-noocsp.fullchain.pem" key="$PKI/rsa-noocsp.key"/>
  </certificate>
  <certificate id="ecdsa">
    <pair cert="$PKI/ecdsa-noocsp.fullchain.pem" key="$PKI/ecdsa-noocsp.key"/>
  </certificate>
  <certificate id="rsa">
    <pair cert="$PKI/rsa-noocsp.fullchain.pem" key="$PKI/rsa-noocsp.key"/>
  </certificate>
EOF
	while IFS=: read -r id prof cert port host; do
		printf '  <web id="%s" profile="%s" server="nginx" certificate="%s" listen="%s" http-port="%s" https-port="%s">\n' \
			"$id" "$prof" "$cert" "$ADDR" "$((port - 363))" "$port"
		printf '    <host>%s</host>\n    <root>%s/www</root>\n' "$host" "$T"
		if [ "$id" = intermediate ] && [ -n "${1:-}" ]; then
			printf '    %s\n' "$1"
		fi
		printf '  </web>\n'
	done <<<"$SERVICES"
	echo '</services>'
}

description >"$T/policy.xml"
mkdir -p "$T/www" "$T/spool"
web_layout "$T"

# --- the report ------------------------------------------------------------------

if "$TLSGEN" policy "$T/policy.xml" --format json >"$T/report.json" \
	2>"$T/report.err"; then
	ok "policy --format json: exit 0"
else
	fail "policy --format json: exit 0" "$(cat "$T/report.err")"
	e2e_finish
fi
if out=$(python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
	"$T/report.json" 2>&1); then
	ok "policy --format json: valid JSON"
else
	fail "policy --format json: valid JSON" "$out"
fi
check_eq "policy: key types from the certificates" \
	"certificates certificates certificates certificates certificates" \
	"$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(p["key_types_from"] for p in d["policies"]))' "$T/report.json")"
check_eq "policy: without the certificates, the profiles' key types" \
	"profile profile profile profile" \
	"$("$TLSGEN" policy "$T/policy.xml" --format json --root "$T/none" \
		2>/dev/null | python3 -c 'import json,sys
d = json.load(sys.stdin)
print(" ".join(p["key_types_from"] for p in d["policies"]))')"
if "$TLSGEN" policy "$T/policy.xml" >"$T/report.txt" 2>/dev/null &&
	grep -q '^== service: <web id="strict">' "$T/report.txt"; then
	ok "policy (text): one section per distinct policy"
else
	fail "policy (text): one section per distinct policy" "$(head -20 "$T/report.txt")"
fi

# A broken custom string: exit 2, the error at the <tls> element's line.
refused_string() {	# refused_string NAME TLS_ELEMENT
	local name=$1 tls=$2 line rc
	description "$tls" >"$T/broken.xml"
	line=$(grep -n '<tls ' "$T/broken.xml" | cut -d: -f1)
	"$TLSGEN" policy "$T/broken.xml" >"$T/broken.out" 2>"$T/broken.err"
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$T/broken.out" ] &&
		grep -q "^$T/broken.xml:$line: <web id=\"intermediate\">: " "$T/broken.err"; then
		ok "policy refuses $name (exit 2, line $line)"
	else
		fail "policy refuses $name (exit 2, line $line)" "exit $rc
$(cat "$T/broken.err")"
	fi
}
refused_string "a cipher string that expands to nothing" '<tls ciphers="NO-SUCH-CIPHER"/>'
refused_string "a 3DES cipher string" '<tls ciphers="3DES"/>'
refused_string "a non-AEAD suite under intermediate" '<tls ciphers="ECDHE-RSA-AES128-SHA"/>'

# --- the server ------------------------------------------------------------------

if [ "$(id -u)" != 0 ]; then
	skip "handshakes" "not root"
	e2e_finish
fi
if ! have nginx; then
	skip "handshakes" "no nginx"
	e2e_finish
fi
if ! out=$("$TLSGEN" generate "$T/policy.xml" -o "$T/out" 2>&1); then
	fail "generate" "$out"
	e2e_finish
fi
ok "generate"
if out=$(nginx_test "$T/out" "$T"); then
	ok "nginx -t"
else
	fail "nginx -t" "$out"
	e2e_finish
fi
ports=()
while IFS=: read -r _ _ _ port _; do
	# A server already there would answer in our place.
	if port_listening "$ADDR" "$port" || port_listening "$ADDR" "$((port - 363))"; then
		fail "nginx boots from the generated tree" "$ADDR:$port is taken"
		e2e_finish
	fi
	ports+=("$ADDR:$port")
done <<<"$SERVICES"
if nginx_boot "$T/out" "$T" "${ports[@]}" &&
	NGINX_PID=$(wait_pidfile "$T/run/nginx.pid" 10); then
	# Stopped by pid, which outlives anything that happens to the temp dir.
	at_exit "daemon_stop $NGINX_PID >/dev/null 2>&1"
	ok "nginx boots from the generated tree"
else
	fail "nginx boots from the generated tree" "$(cat "$T/log/nginx/error.log" 2>/dev/null)"
	NGINX_PID=$(tr -dc '0-9' <"$T/run/nginx.pid" 2>/dev/null)
	[ -n "$NGINX_PID" ] && daemon_stop "$NGINX_PID" >/dev/null 2>&1
	e2e_finish
fi

# --- the clients -----------------------------------------------------------------

# IANA name -> OpenSSL name, for every suite this OpenSSL has.
declare -A OSSL_NAME
while read -r std _ name _; do
	OSSL_NAME[$std]=$name
done < <(openssl ciphers -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' 2>/dev/null)
OSSL_NAME[TLS_AES_128_CCM_SHA256]=TLS_AES_128_CCM_SHA256
OSSL_NAME[TLS_AES_128_CCM_8_SHA256]=TLS_AES_128_CCM_8_SHA256

# Groups s_client can offer (the table names some OpenSSL 3.0 lacks).
declare -A GROUP_OK
group_ok() {
	if [ -z "${GROUP_OK[$1]:-}" ]; then
		if timeout 3 openssl s_client -groups "$1" -connect 127.0.0.1:1 \
			</dev/null 2>&1 | grep -q 'SSL_CONF_cmd(-groups'; then
			GROUP_OK[$1]=no
		else
			GROUP_OK[$1]=yes
		fi
	fi
	[ "${GROUP_OK[$1]}" = yes ]
}

# client_args NAME VERSION -- sets ARGS to the s_client options that make
# it offer what the table row offers; status 1 if there is no such row.
client_args() {
	local row protos ciphers suites groups keys p s list= g glist=
	ARGS=()
	row=$(awk -F'\t' -v n="$1" -v v="$2" '$1 == n && $2 == v' "$CLIENTS")
	[ -n "$row" ] || return 1
	IFS=$'\t' read -r _ _ protos ciphers suites groups keys _ <<<"$row"
	for p in tls1:TLSv1 tls1_1:TLSv1.1 tls1_2:TLSv1.2 tls1_3:TLSv1.3; do
		case " $protos " in
		*" ${p#*:} "*) ;;
		*) ARGS+=("-no_${p%%:*}") ;;
		esac
	done
	if [ "$ciphers" != - ]; then
		for s in ${ciphers//:/ }; do
			[ -n "${OSSL_NAME[$s]:-}" ] && list=$list${list:+:}${OSSL_NAME[$s]}
		done
	fi
	ARGS+=(-cipher "${list:-NULL}:@SECLEVEL=0")
	if [ "$suites" = - ]; then
		ARGS+=(-ciphersuites "")
	else
		ARGS+=(-ciphersuites "$suites")
	fi
	if [ "$groups" != - ]; then
		for g in $groups; do
			group_ok "$g" && glist=$glist${glist:+:}$g
		done
		ARGS+=(-groups "$glist")
	fi
	if [ "$keys" = rsa ]; then
		ARGS+=(-sigalgs "RSA+SHA256:RSA+SHA384:RSA+SHA512:RSA+SHA1:rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512")
	fi
}

# The report's verdict for one client of one service:
# "connect PROTOCOL SUITE GROUP" or "locked REASON".
verdict() {	# verdict SERVICE NAME VERSION
	python3 - "$T/report.json" "$@" <<'EOF'
import json, sys
report, svc, name, version = sys.argv[1:5]
for p in json.load(open(report))["policies"]:
    if svc not in [s["id"] for s in p["services"]]:
        continue
    for c in p["connect"]:
        if c["client"] == name and c["version"] == version:
            print("connect", c["protocol"], c["suite"], c["group"] or "-")
    for c in p["locked_out"]:
        if c["client"] == name and c["version"] == version:
            print("locked", c["reason"])
EOF
}

# handshake PORT HOST ARGS... -- "PROTOCOL CIPHER GROUP" or nothing;
# s_client's output is left in $T/sclient.out.  -brief prints the
# connection the moment the handshake ends (the session block may not
# come before s_client hangs up, and its "New, X, Cipher is" line names
# the cipher's lowest version, not the protocol).
handshake() {
	local port=$1 host=$2 out proto cipher group
	shift 2
	out=$(timeout "$TLS_TIMEOUT" openssl s_client -brief -connect "$ADDR:$port" \
		-servername "$host" "$@" </dev/null 2>&1)
	printf '%s\n' "$out" >"$T/sclient.out"
	grep -q '^CONNECTION ESTABLISHED' <<<"$out" || return 1
	proto=$(sed -n 's/^Protocol version: *//p' <<<"$out" | head -n 1)
	cipher=$(sed -n 's/^Ciphersuite: *//p' <<<"$out" | head -n 1)
	group=$(sed -n 's/^Server Temp Key: \(ECDH, \)\{0,1\}\([^,]*\),.*/\2/p' <<<"$out" | head -n 1)
	[ -n "$cipher" ] || return 1
	echo "$proto $cipher ${group:--}"
}

while read -r svc want client; do
	name=${client%%|*}
	version=${client#*|}
	port= host=
	while IFS=: read -r id _ _ p h; do
		[ "$id" = "$svc" ] && port=$p host=$h
	done <<<"$SERVICES"
	label="$svc: $name $version"
	v=$(verdict "$svc" "$name" "$version")
	if [ "${v%% *}" != "$want" ]; then
		fail "$label: report says $want" "report: ${v:-nothing}"
		continue
	fi
	if ! client_args "$name" "$version"; then
		fail "$label: in data/clients.tsv"
		continue
	fi
	got=$(handshake "$port" "$host" "${ARGS[@]}")
	if [ "$want" = locked ]; then
		# Refused by the server: it sent an alert (a client-side error,
		# such as an option s_client rejects, would prove nothing).
		if [ -z "$got" ] && grep -q 'alert' "$T/sclient.out"; then
			ok "$label: locked out (${v#locked }), and nginx refuses it: $(grep -o '[a-z0-9 ]*alert [a-z ]*' "$T/sclient.out" | head -n 1)"
		else
			fail "$label: report says locked out (${v#locked })" \
				"but the handshake ${got:+succeeded: $got}${got:-failed without an alert from the server:
$(head -n 5 "$T/sclient.out")}"
		fi
		continue
	fi
	# connect PROTOCOL SUITE GROUP: the same protocol and suite; the
	# group too for TLS 1.2 (in TLS 1.3 the client's key share decides).
	read -r _ rproto rsuite rgroup <<<"$v"
	read -r gproto gsuite ggroup <<<"$got"
	if [ -z "$got" ]; then
		fail "$label: report says it connects ($rproto $rsuite)" \
			"but the handshake failed: openssl s_client ${ARGS[*]}
$(grep -iE 'error|alert' "$T/sclient.out" | head -n 5)"
	elif [ "$rproto $rsuite" != "$gproto $gsuite" ] ||
		{ [ "$rproto" = TLSv1.2 ] && [ "$rgroup" != "$ggroup" ]; }; then
		fail "$label: connects as the report says" \
			"report:    $rproto $rsuite $rgroup
handshake: $got"
	else
		ok "$label: connects with $rproto $rsuite $rgroup, as reported"
	fi
done <<<"$CASES"

e2e_finish
