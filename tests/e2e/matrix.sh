#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# matrix.sh -- what `tlsgen policy` says each server accepts is what that
# server accepts on the wire (issue 12).
#
# For every profile (modern, intermediate, old, tls12-strict and a custom
# <tls>), one description with every server: nginx, Apache, Postfix (25,
# 587, 465), Dovecot (143, 993) and ejabberd (c2s STARTTLS, c2s direct
# TLS, s2s). Each server is booted once per profile from the generated
# files on 127.0.0.x high ports and probed with openssl s_client:
#   - per protocol version, TLS 1.0 to 1.3 (client at @SECLEVEL=0, so the
#     client is never the one refusing);
#   - per TLS 1.2 cipher: every cipher any profile's expansion names, plus
#     outsiders no profile allows;
#   - per TLS 1.3 suite, all five OpenSSL knows;
#   - per group (the only group the client offers), at TLS 1.3 where the
#     server speaks it, else at TLS 1.2 with ECDHE ciphers only;
#   - session tickets at TLS 1.2 (issued or not).
# Each accepted set must equal the one `tlsgen policy --format json`
# reports for the server side holding that port (ciphers: those whose
# signature the served key types can make). The matrix is printed at the
# end: profile x server port -> OK or diff.
#
# Runs as root (the servers drop privileges); run it in a private network
# namespace (tests/run-e2e.sh and COMMON.md). Leaves nothing running.
# MATRIX_PROFILES="old custom" runs a subset (the generate checks at the
# end then fail for the profiles left out).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/mail.sh"
. "$HERE/lib/web.sh"
tlsgen_bin
ROOT=$(cd "$HERE/../.." && pwd)

if [ "$(id -u)" != 0 ]; then
	skip "matrix" "not root"
	e2e_finish
fi
for tool in openssl jq nginx apache2 postfix dovecot ejabberdctl; do
	if ! have "$tool"; then
		skip "matrix" "no $tool"
		e2e_finish
	fi
done

START=$(date +%s)
e2e_init
T=$E2E_TMP
PKI=$T/pki
if ! out=$(bash "$ROOT/tests/pki/mkpki.sh" "$PKI" 2>&1); then
	fail "test PKI" "$out"
	e2e_finish
fi
# ejabberd reads its pair as user ejabberd.
EJ=$T/ejcerts
mkdir -p "$EJ"
cp "$PKI"/ecdsa-noocsp.fullchain.pem "$PKI"/ecdsa-noocsp.key \
	"$PKI"/rsa-noocsp.fullchain.pem "$PKI"/rsa-noocsp.key "$EJ/"
chown -R ejabberd: "$EJ"

PROFILES=${MATRIX_PROFILES:-modern intermediate old tls12-strict custom}
# The custom <tls>: a profile's subset the servers must each enforce.
CUSTOM_TLS='<tls protocols="TLSv1.2 TLSv1.3" ciphers="ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305" suites="TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256" groups="secp384r1:X25519" server-order="true"/>'

# The sides probed: label, address, port, s_client mode.
SIDES="nginx:127.0.0.2:18443:tls apache:127.0.0.3:18443:tls
postfix/25:127.0.0.4:12525:smtp postfix/587:127.0.0.4:12587:smtp
postfix/465:127.0.0.4:12465:tls dovecot/143:127.0.0.5:10143:imap
dovecot/993:127.0.0.5:10993:tls ejabberd/c2s:127.0.0.6:15222:xmpp
ejabberd/c2s-tls:127.0.0.6:15223:tls ejabberd/s2s:127.0.0.6:15269:xmpp-server"

# description PROFILE DIR -- one description with every server.
description() {
	local p=$1 d=$2 prof=$1 tls='' tickets=false ec rsa
	if [ "$p" = custom ]; then
		prof=intermediate tls=$CUSTOM_TLS tickets=true
	fi
	ec="<pair cert=\"@C@/ecdsa-noocsp.fullchain.pem\" key=\"@C@/ecdsa-noocsp.key\"/>"
	rsa="<pair cert=\"@C@/rsa-noocsp.fullchain.pem\" key=\"@C@/rsa-noocsp.key\"/>"
	# modern serves only ECDSA, old only RSA. ejabberd (one pair) gets RSA
	# where the profile allows it: at TLS 1.2 an ECDSA P-256 leaf needs
	# P-256 among the client's groups, which would hide the other groups
	# from the one-group-at-a-time probes.
	[ "$p" = modern ] && rsa=
	[ "$p" = old ] && ec=
	sed -e "s#@C@#$PKI#g" <<-EOF
	<?xml version="1.0" encoding="UTF-8"?>
	<services xmlns="urn:tlsgen:services:1" domain="example.org">
	  <layout run-dir="$d/run" log-dir="$d/log" state-dir="$d/lib" spool-dir="$d/spool" acme-dir="$d/acme"/>
	  <policy profile="$prof">
	    <ocsp-stapling mode="off"/>
	    <session-cache size="10m" timeout="3600" tickets="$tickets"/>
	    $tls
	  </policy>
	  <trust bundle="@C@/bundle.pem"/>
	  <certificate id="c">$ec$rsa</certificate>
	  <certificate id="x">$(printf '%s' "${rsa:-$ec}" | sed "s#@C@#$EJ#g")</certificate>
	  <web id="n" server="nginx" certificate="c" listen="127.0.0.2" http-port="18080" https-port="18443">
	    <host>example.org</host><root>$d/srv</root>
	  </web>
	  <web id="a" server="apache" certificate="c" listen="127.0.0.3" http-port="18080" https-port="18443">
	    <host>example.org</host><root>$d/srv</root>
	  </web>
	  <mail id="m" certificate="c">
	    <host>mail.example.org</host>
	    <smtp server="postfix" listen="127.0.0.4" port="12525" submission-port="12587" submissions-port="12465"/>
	    <imap server="dovecot" listen="127.0.0.5" port="10143" imaps-port="10993"/>
	  </mail>
	  <xmpp id="x" server="ejabberd" certificate="x" listen="127.0.0.6" c2s-port="15222" c2s-tls-port="15223" s2s-port="15269">
	    <host>example.org</host>
	  </xmpp>
	</services>
	EOF
}

# --- candidates ------------------------------------------------------------------
PROTOS="tls1 tls1_1 tls1_2 tls1_3"
SUITES13="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256 TLS_AES_128_CCM_8_SHA256"
GROUPS_ALL="X25519 X448 prime256v1 secp384r1 secp521r1 ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192"
# Outsiders: known to OpenSSL, allowed by no profile.
OUTSIDERS="DHE-RSA-AES128-GCM-SHA256 DHE-RSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-CCM AES128-CCM ECDHE-ECDSA-ARIA128-GCM-SHA256 ECDHE-RSA-CAMELLIA128-SHA256 CAMELLIA128-SHA AES256-CCM8"

# --- generate every profile, learn the union of the expansions ------------------
for p in $PROFILES; do
	d=$T/$p
	mkdir -p "$d"/{run/apache2,log/nginx,log/apache2,lib/nginx,spool,acme,srv}
	description "$p" "$d" >"$d/desc.xml"
	if "$TLSGEN" generate "$d/desc.xml" -o "$d/out" >"$d/gen.log" 2>&1 &&
		"$TLSGEN" policy "$d/desc.xml" --format json >"$d/policy.json" 2>"$d/policy.err"; then
		ok "$p: generate and policy --format json"
	else
		fail "$p: generate and policy --format json" "$(cat "$d/gen.log" "$d/policy.err")"
	fi
	cp /etc/nginx/mime.types "$d/out/etc/nginx/" 2>/dev/null
done
CIPHERS12=$( { for p in $PROFILES; do
		jq -r '.policies[].tls12_ciphers[].openssl' "$T/$p/policy.json" 2>/dev/null
	done; printf '%s\n' $OUTSIDERS; } | sort -u | paste -sd' ')

# --- probing ---------------------------------------------------------------------

# sc ADDR PORT MODE ARGS... -- one handshake; prints s_client's -brief
# lines; status 0 if the handshake completed.
sc() {
	local a=$1 port=$2 mode=$3 st=() out
	shift 3
	case $mode in
	tls) ;;
	smtp | imap) st=(-starttls "$mode") ;;
	*) st=(-starttls "$mode" -xmpphost example.org) ;;
	esac
	echo >>"$T/handshakes"
	out=$(timeout 10 openssl s_client -connect "$a:$port" -servername example.org \
		"${st[@]}" -brief "$@" </dev/null 2>&1)
	printf '%s\n' "$out"
	grep -q '^CONNECTION ESTABLISHED' <<<"$out"
}

# The group a -brief output names ("Server Temp Key: X25519, 253 bits",
# "ECDH, prime256v1, 256 bits", "DH, 2048 bits": ffdhe by size).
temp_group() {
	sed -n 's/^Server Temp Key: //p' | awk -F', ' '
		$1 == "ECDH" { print $2; exit }
		$1 == "DH" { sub(/ bits/, "", $2); print "ffdhe" $2; exit }
		{ print $1; exit }'
}

# drop WORD LIST -- LIST without WORD.
drop() {
	local w out=()
	for w in $2; do [ "$w" = "$1" ] || out+=("$w"); done
	echo "${out[*]:-}"
}

# accept_loop ADDR PORT MODE KIND LIST ARGS... -- what the server accepts
# of LIST: offer all that is left, take the one the server picks, repeat
# until the server refuses what is left (one handshake per accepted item,
# plus one that proves the rest refused). KIND: c12, c13 or groups.
accept_loop() {
	local a=$1 port=$2 mode=$3 kind=$4 left=$5 out got acc=() opt
	shift 5
	while [ -n "$left" ]; do
		case $kind in
		c12) opt=(-cipher "$(tr ' ' ':' <<<"$left"):@SECLEVEL=0") ;;
		c13) opt=(-ciphersuites "$(tr ' ' ':' <<<"$left")") ;;
		groups) opt=(-groups "$(tr ' ' ':' <<<"$left")") ;;
		esac
		out=$(sc "$a" "$port" "$mode" "$@" "${opt[@]}") || break
		case $kind in
		groups) got=$(temp_group <<<"$out") ;;
		*) got=$(sed -n 's/^Ciphersuite: //p' <<<"$out") ;;
		esac
		# The server's pick must be something offered, else stop.
		[[ " $left " == *" $got "* ]] || { acc+=("?$got"); break; }
		acc+=("$got")
		left=$(drop "$got" "$left")
	done
	printf '%s\n' "${acc[@]:-}" | sort | paste -sd' '
}

# probe ADDR PORT MODE -- the accepted sets, one "kind: sorted words" line
# each (protos, c12, c13, groups, tickets).
probe() {
	local a=$1 port=$2 mode=$3 x acc=() top= st=()
	for x in $PROTOS; do
		if sc "$a" "$port" "$mode" "-$x" -cipher 'ALL:@SECLEVEL=0' >/dev/null; then
			acc+=("$x")
			top=$x
		fi
	done
	echo "protos: ${acc[*]:-}"
	if [[ " ${acc[*]:-} " == *" tls1_2 "* ]]; then
		echo "c12: $(accept_loop "$a" "$port" "$mode" c12 "$CIPHERS12" -tls1_2)"
	else
		echo "c12: "
	fi
	if [ "$top" = tls1_3 ]; then
		echo "c13: $(accept_loop "$a" "$port" "$mode" c13 "$SUITES13" -tls1_3)"
		echo "groups: $(accept_loop "$a" "$port" "$mode" groups "$GROUPS_ALL" -tls1_3)"
	elif [ -n "$top" ]; then
		echo "c13: "
		echo "groups: $(accept_loop "$a" "$port" "$mode" groups "$GROUPS_ALL" \
			"-$top" -cipher 'ECDHE:@SECLEVEL=0')"
	else
		echo "c13: "
		echo "groups: "
	fi
	case $mode in
	tls) ;;
	smtp | imap) st=(-starttls "$mode") ;;
	*) st=(-starttls "$mode" -xmpphost example.org) ;;
	esac
	x=no
	if [[ " ${acc[*]:-} " == *" tls1_2 "* ]] &&
		timeout 10 openssl s_client -connect "$a:$port" -servername example.org \
			-tls1_2 "${st[@]}" </dev/null 2>&1 |
		grep -q 'TLS session ticket lifetime hint'; then
		x=yes
	fi
	echo "tickets: $x"
}

# expect JSON PORT -- the same lines from the policy report.
expect() {
	jq -r --argjson port "$2" '
		def words: map(select(. != null)) | sort | join(" ");
		[.policies[] | select(any(.services[]; .ports | index($port)))][0] as $p
		| ($p.protocols | map({"TLSv1": "tls1", "TLSv1.1": "tls1_1",
			"TLSv1.2": "tls1_2", "TLSv1.3": "tls1_3"}[.])) as $v
		| ($v | index("tls1_3")) as $has13
		| ($p.key_types) as $keys
		| "protos: " + ($v | join(" ")),
		  "c12: " + (if ($v | index("tls1_2")) then [$p.tls12_ciphers[]
			| select(.auth == "any" or (.auth as $a | $keys | index($a)))
			| .openssl] | words else "" end),
		  "c13: " + (if $has13 then [$p.tls13_suites[].iana] | words else "" end),
		  "groups: " + (if ($v | length) == 0 then "" else [$p.groups[]
			| select($has13 or (test("^ffdhe|MLKEM") | not))] | words end),
		  "tickets: " + (if ($p.session_tickets and ($v | index("tls1_2"))) then "yes" else "no" end)
	' "$1"
}

# Drop from the expectation what the client cannot offer (groups OpenSSL
# here lacks, such as X25519MLKEM768 before 3.5).
trim_groups() {
	local line w keep=()
	read -r line
	for w in ${line#groups:}; do
		[[ " $GROUPS_ALL " == *" $w "* ]] && keep+=("$w")
	done
	echo "groups: ${keep[*]:-}"
}

declare -A CELL
# boot_one PROFILE_DIR SERVER -- start one server from the generated files.
boot_one() {
	local d=$1 o=$1/out/etc
	case $2 in
	nginx) nginx_boot "$d/out" "$d" 127.0.0.2:18443 ;;
	apache) apache_boot "$d/out" "$d" 127.0.0.3:18443 ;;
	postfix) postfix_prepare "$o/postfix" && postfix_start "$o/postfix" ;;
	dovecot) dovecot_prepare "$o/dovecot/dovecot.conf" &&
		dovecot_start "$o/dovecot/dovecot.conf" ;;
	ejabberd) ejabberd_start "$o/ejabberd/ejabberd.yml" "$d" ;;
	esac
}
stop_all() {
	local d=$1 o=$1/out/etc
	nginx_stop "$d"
	daemon_stop "$d/run/apache2/apache2.pid" 50
	postfix_stop "$o/postfix"
	dovecot_stop "$o/dovecot/dovecot.conf"
	ejabberd_stop "$d"
}

for p in $PROFILES; do
	d=$T/$p
	[ -s "$d/policy.json" ] || continue
	at_exit "stop_all '$d' >/dev/null 2>&1"
	# Postfix first: Dovecot's auth socket lives in its queue directory.
	declare -A UP=()
	for srv in nginx apache postfix dovecot ejabberd; do
		if boot_one "$d" "$srv" >"$d/boot.$srv.log" 2>&1; then
			UP[$srv]=1
			ok "$p: $srv boots from the generated files"
		else
			fail "$p: $srv boots from the generated files" "$(tail -n 20 "$d/boot.$srv.log")"
		fi
	done
	for s in $SIDES; do
		IFS=: read -r label a port mode <<<"$s"
		[ -n "${UP[${label%%/*}]:-}" ] || continue
		probe "$a" "$port" "$mode" >"$d/wire.$port" 2>&1 &
	done
	wait
	for s in $SIDES; do
		IFS=: read -r label a port mode <<<"$s"
		if [ -z "${UP[${label%%/*}]:-}" ]; then
			CELL[$p,$label]="no boot"
			continue
		fi
		expect "$d/policy.json" "$port" >"$d/want.$port" 2>&1
		{ grep -v '^groups' "$d/want.$port"; grep '^groups' "$d/want.$port" | trim_groups; } |
			sort >"$d/want.s.$port"
		sort "$d/wire.$port" >"$d/wire.s.$port"
		if diff -u "$d/want.s.$port" "$d/wire.s.$port" >"$d/diff.$port"; then
			CELL[$p,$label]=OK
			ok "$p: $label accepts what tlsgen policy reports"
		else
			CELL[$p,$label]=diff
			fail "$p: $label accepts what tlsgen policy reports" \
				"$(sed -n '3,$p' "$d/diff.$port")"
		fi
	done
	unset UP
	stop_all "$d" >/dev/null 2>&1
done

# --- what generate says ------------------------------------------------------------
check "tls12-strict: generate warns that Dovecot 2.3 cannot cap TLS 1.2" \
	grep -q 'dovecot: maximum protocol: Dovecot 2.3 and 2.4 have ssl_min_protocol but no maximum' "$T/tls12-strict/gen.log"
check "tls12-strict: generate warns that port 25 follows the strict profile" \
	grep -q 'postfix: port 12525 and the outbound SMTP client follow profile tls12-strict' "$T/tls12-strict/gen.log"
check "custom (tickets on): generate warns nginx 1.22 never rotates ticket keys" \
	grep -q 'nginx: session tickets: .*1.23.2' "$T/custom/gen.log"
check "old: generate says nothing of refused protocols (@SECLEVEL=0 is set)" \
	bash -c "! grep -q 'OpenSSL 3 refuses' '$T/old/gen.log'"
check "tls12-strict: the tls_config comment is true (main.cf ends at TLSv1.2)" \
	grep -q '^smtpd_tls_protocols = >=TLSv1.2, <=TLSv1.2$' "$T/tls12-strict/out/etc/postfix/main.cf"

# --- the matrix ----------------------------------------------------------------------
printf '\n%-13s' profile
for s in $SIDES; do
	l=${s%%:*}
	l=${l/ejabberd\//ej/} l=${l/postfix\//pf/} l=${l/dovecot\//dv/}
	printf ' %-10s' "$l"
done
printf '\n'
for p in $PROFILES; do
	printf '%-13s' "$p"
	for s in $SIDES; do
		printf ' %-10s' "${CELL[$p,${s%%:*}]:-n/a}"
	done
	printf '\n'
done
printf 'matrix: %s handshakes, %s s\n\n' "$(wc -l <"$T/handshakes" 2>/dev/null || echo 0)" \
	"$(($(date +%s) - START))"
e2e_finish
