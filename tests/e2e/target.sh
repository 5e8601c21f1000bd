#!/bin/bash
# target.sh -- the output follows the target's versions, not only the build
# host's: <target openssl="3.5"> puts X25519MLKEM768 first in every
# server's groups and OpenSSL 3.0 leaves it out (it would not load there);
# nginx 1.25.1 and later get "http2 on;", older ones the listen flag.
# The host's own nginx (1.22) loads its variant.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
TLSGEN=${TLSGEN:-$HERE/../../tlsgen}
EXAMPLE=$HERE/../../examples/example.org.xml

e2e_init
T=$E2E_TMP

# variant NAME TARGET-ELEMENT -- the example with a <target> added.
variant() {
	sed "s#<trust #$2\n  <trust #" "$EXAMPLE" >"$T/$1.xml"
	"$TLSGEN" generate "$T/$1.xml" -o "$T/$1" --no-cert-check 2>"$T/$1.err"
}

check "OpenSSL 3.5 target generates" variant ossl35 '<target openssl="3.5"/>'
check "OpenSSL 3.0 target generates" variant ossl30 '<target openssl="3.0"/>'
for f in etc/nginx/tlsgen/www.conf:ssl_ecdh_curve \
	etc/apache2/tlsgen/bugs.conf:'SSLOpenSSLConfCmd Groups' \
	etc/dovecot/dovecot.conf:ssl_curve_list; do
	file=${f%%:*} key=${f#*:}
	line=$(grep -m1 "$key" "$T/ossl35/$file")
	case $line in
	*"$key"*X25519MLKEM768[:\ ]X25519*) ok "3.5: $file: X25519MLKEM768 first" ;;
	*) fail "3.5: $file: X25519MLKEM768 first" "$line" ;;
	esac
	if grep -q X25519MLKEM768 "$T/ossl30/$file"; then
		fail "3.0: $file: X25519MLKEM768 left out"
	else
		ok "3.0: $file: X25519MLKEM768 left out"
	fi
done
# Postfix takes KEM groups in tls_eecdh_auto_curves from 3.10 only.
check "OpenSSL 3.5 + Postfix 3.10 target generates" variant pf310 \
	'<target openssl="3.5" postfix="3.10.13"/>'
check "3.5 + Postfix 3.10: X25519MLKEM768 first" \
	grep -q '^tls_eecdh_auto_curves = X25519MLKEM768 X25519 ' "$T/pf310/etc/postfix/main.cf"
check "3.5 + Postfix 3.10: no FFDHE group in TLS 1.3" \
	grep -qx 'tls_ffdhe_auto_groups =' "$T/pf310/etc/postfix/main.cf"
check "3.5 + Postfix 3.7: X25519MLKEM768 left out" \
	grep -q '^tls_eecdh_auto_curves = X25519 ' "$T/ossl35/etc/postfix/main.cf"
check "3.5 + Postfix 3.7: a warning names service, setting and version" \
	grep -q '<mail id="mail">: warning: postfix: groups: Postfix 3.7.[0-9]* takes no KEM group' "$T/ossl35.err"
check "3.0: a note says the group was left out" \
	grep -q 'group X25519MLKEM768 left out' "$T/ossl30.err"
check "the versions assumed are reported" \
	grep -q 'writing for OpenSSL 3.5.0 (declared)' "$T/ossl35.err"

check "nginx 1.26 target generates" variant ng126 '<target nginx="1.26.0"/>'
check "nginx 1.22 target generates" variant ng122 '<target nginx="1.22.1"/>'
check "nginx 1.26: http2 on; in every server" \
	grep -q '^    http2 on;' "$T/ng126/etc/nginx/tlsgen/www.conf"
check "nginx 1.26: no listen flag" \
	bash -c "! grep -q 'ssl http2' '$T/ng126/etc/nginx/nginx.conf'"
check "nginx 1.22: the listen flag" \
	grep -q 'ssl http2 default_server;' "$T/ng122/etc/nginx/nginx.conf"
check "nginx 1.22: no http2 directive" \
	bash -c "! grep -q 'http2 on;' '$T/ng122/etc/nginx/nginx.conf'"
if need nginx "nginx -t of the 1.22 variant"; then
	cp /etc/nginx/mime.types "$T/ng122/etc/nginx/"
	# The certificates do not exist here: test the syntax up to them.
	out=$(nginx -t -c "$T/ng122/etc/nginx/nginx.conf" -e "$T/err.log" 2>&1)
	case $out in
	*"cannot load certificate"*|*"test is successful"*) ok "nginx 1.22 parses the 1.22 variant" ;;
	*) fail "nginx 1.22 parses the 1.22 variant" "$out" ;;
	esac
fi

# A version tlsgen has not proven is refused at its line, with the ranges.
variant ng118 '<target nginx="1.18.0"/>'
check_eq "nginx 1.18 target: exit 2" 2 "$?"
check "nginx 1.18 target: refused at <target>, naming the ranges" \
	grep -q 'ng118.xml:[0-9]*: <target>: nginx "1.18.0": not a version tlsgen writes for; it writes for nginx 1.22 to 1.26' "$T/ng118.err"
check "nginx 1.18 target: nothing written" test ! -e "$T/ng118"
# Dovecot 2.4 gets its own syntax, and the host's 2.3 never sees it.
check "dovecot 2.4 target generates" variant dv24 '<target dovecot="2.4.1"/>'
check "dovecot 2.4: dovecot_config_version is the first setting" \
	bash -c "grep -v '^#' '$T/dv24/etc/dovecot/dovecot.conf' | grep -m1 . | grep -qx 'dovecot_config_version = 2.4.0'"
check "dovecot 2.4: the header names the version" \
	grep -q 'for Dovecot 2.4.1\.' "$T/dv24/etc/dovecot/dovecot.conf"

sed 's#<trust #<target nginx="1.x"/>\n  <trust #' "$EXAMPLE" >"$T/bad.xml"
"$TLSGEN" validate "$T/bad.xml" 2>"$T/bad.err"
check_eq "a bad target version: exit 2" 2 "$?"
check "a bad target version: named with its line" \
	grep -q 'bad.xml:[0-9]*: <target>: nginx "1.x": version must be' "$T/bad.err"
e2e_finish
