#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# loadable.sh -- one minimal description per class of output a server
# refused although tlsgen accepted the description (issue 11; found by
# tests/e2e/property.sh), each proven with the real server: its own check,
# and a boot where binding is the question.  Runs in a private network
# namespace of its own (the documentation addresses go on its lo).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)

if [ "${LOADABLE_IN_NETNS:-}" != 1 ] && unshare -n true 2>/dev/null; then
	LOADABLE_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi

. "$HERE/lib/common.sh"
. "$HERE/lib/mail.sh"
tlsgen_bin

e2e_init
T=$E2E_TMP
if [ "${LOADABLE_IN_NETNS:-}" = 1 ]; then
	ip link set lo up
	ip addr add 192.0.2.10/32 dev lo
	ip -6 addr add 2001:db8::10/128 dev lo nodad
fi
PKI=$T/pki
if ! bash "$HERE/../pki/mkpki.sh" "$PKI" >"$T/pki.log" 2>&1; then
	fail "test PKI" "$(tail -n 5 "$T/pki.log")"
	e2e_finish
	fi
chmod 0644 "$PKI"/*.key

# desc NAME BODY -- $T/NAME.xml: a description with a private layout, one
# certificate "c" (the ECDSA test pair) and BODY.
desc() {
	local d=$T/$1
	mkdir -p "$d/log/nginx" "$d/log/apache2" "$d/run/apache2" "$d/lib/nginx"
	cat >"$d.xml" <<-EOF
		<?xml version="1.0"?>
		<services xmlns="urn:tlsgen:services:1">
		  <layout run-dir="$d/run" log-dir="$d/log" state-dir="$d/lib" spool-dir="$d/spool" acme-dir="$d/acme"/>
		  <trust bundle="$PKI/bundle.pem"/>
		  <certificate id="c"><pair cert="$PKI/ecdsa.fullchain.pem" key="$PKI/ecdsa.key"/></certificate>
		$2
		</services>
	EOF
}

# gen NAME -- generate $T/NAME.xml into $T/NAME/out; ok or fail.
gen() {
	if "$TLSGEN" generate "$T/$1.xml" -o "$T/$1/out" --no-cert-check \
		>"$T/$1.log" 2>&1; then
		ok "$1: generates"
		return 0
	fi
	fail "$1: generates" "$(cat "$T/$1.log")"
	return 1
}

# refused NAME LINE WHAT -- validate refuses at LINE with a message holding
# WHAT.
refused() {
	local out
	out=$("$TLSGEN" validate "$T/$1.xml" 2>&1)
	if [ $? -eq 2 ] && printf '%s\n' "$out" | grep -F "$T/$1.xml:$2: " |
		grep -qF "$3"; then
		ok "$1: refused at line $2"
	else
		fail "$1: refused at line $2 ($3)" "$out"
	fi
}

# nginx_t NAME -- nginx -t on the output: success and no warning.
nginx_t() {
	local o=$T/$1/out/etc/nginx out
	cp /etc/nginx/mime.types "$o/"
	out=$(nginx -t -c "$o/nginx.conf" -e "$T/$1/log/nginx/t.log" 2>&1)
	if [ $? -eq 0 ] && ! printf '%s\n' "$out" | grep -qvE 'syntax is ok|test is successful'; then
		ok "$1: nginx -t, no warning"
	else
		fail "$1: nginx -t, no warning" "$out"
	fi
}

# --- nginx: long names, many names on one socket ------------------------------
# nginx's default server_names_hash_bucket_size (64) refuses names of 47
# characters and more; a few hundred names warn "could not build optimal
# server_names_hash". 1000 names of 253 characters and 1000 short ones on
# one socket, and a 253-character name alone on another.
if need nginx "nginx: 2000 names, 253 characters"; then
	hosts=$(python3 - <<-'EOF'
		import random
		r = random.Random(11)
		a = "abcdefghijklmnopqrstuvwxyz0123456789"
		lab = lambda n: "".join(r.choice(a) for _ in range(n))
		for i in range(1000):
		    s = ".".join([lab(61), lab(63), lab(63), lab(52)]) + ".example"
		    print("<host>%s</host>" % s)
	EOF
	)
	short=$(seq 0 999 | sed 's/.*/<host>h&.example.org<\/host>/')
	long=$(printf '%s\n' "$hosts" | head -n 1 | sed 's/<host>x*/<host>z/')
	desc names "
  <web id=\"a\" server=\"nginx\" certificate=\"c\" listen=\"127.0.0.1\" http-port=\"18080\" https-port=\"18443\">
$hosts
    <root>$T/names</root>
  </web>
  <web id=\"s\" server=\"nginx\" certificate=\"c\" listen=\"127.0.0.1\" http-port=\"18080\" https-port=\"18443\">
$short
    <root>$T/names</root>
  </web>
  <web id=\"b\" server=\"nginx\" certificate=\"c\" listen=\"2001:db8::10\" http-port=\"18080\" https-port=\"18443\">
    $long
    <root>$T/names</root>
  </web>"
	gen names && nginx_t names
fi

# --- one port, a wildcard and a specific address -------------------------------
# Apache binds each Listen: 0.0.0.0:18443 and 192.0.2.10:18443 pass -t
# but the second bind fails, so tlsgen refuses them; nginx binds the
# wildcard alone and serves both: it must boot.
desc split-apache "
  <web id=\"a\" server=\"apache\" certificate=\"c\" listen=\"0.0.0.0\" http-port=\"18080\" https-port=\"18443\">
    <host>a.example.org</host>
  </web>
  <web id=\"b\" server=\"apache\" certificate=\"c\" listen=\"192.0.2.10\" http-port=\"18081\" https-port=\"18443\">
    <host>b.example.org</host>
  </web>"
refused split-apache 10 "Apache cannot listen on a wildcard and a specific address with one port"
desc split-nginx "
  <web id=\"a\" server=\"nginx\" certificate=\"c\" listen=\"0.0.0.0\" http-port=\"18080\" https-port=\"18443\">
    <host>a.example.org</host>
  </web>
  <web id=\"b\" server=\"nginx\" certificate=\"c\" listen=\"192.0.2.10\" http-port=\"18081\" https-port=\"18443\">
    <host>b.example.org</host>
  </web>"
if need nginx "split-nginx: boots" && gen split-nginx; then
	o=$T/split-nginx/out/etc/nginx
	cp /etc/nginx/mime.types "$o/"
	if nginx -c "$o/nginx.conf" -e "$T/split-nginx/log/nginx/e.log" >"$T/sn.out" 2>&1 &&
		pid=$(wait_pidfile "$T/split-nginx/run/nginx.pid" 50) &&
		wait_port 192.0.2.10 18443; then
		ok "split-nginx: boots, 192.0.2.10:18443 answers"
		daemon_stop "$pid" 100
	else
		fail "split-nginx: boots" "$(cat "$T/sn.out" "$T/split-nginx/log/nginx/e.log" 2>/dev/null)"
	fi
fi



# --- Postfix: a mail host under an all-digit parent -----------------------------
# Postfix takes mydomain from the host name less its first label; "123"
# is a numeric host name it refuses ("bad parameter value").
desc digits "
  <mail id=\"m\" certificate=\"c\">
    <host>mail.123</host>
    <smtp server=\"postfix\" listen=\"127.0.0.1\" port=\"12525\"/>
    <imap server=\"dovecot\" listen=\"127.0.0.1\" port=\"10143\"/>
  </mail>"
if need postfix "digits: postfix check" && gen digits; then
	c=$T/digits/out/etc/postfix
	out=$(postfix_prepare "$c" && postfix_check "$c" 2>&1)
	if [ $? -eq 0 ]; then
		ok "digits: postconf -n, postfix check: no warning"
	else
		fail "digits: postconf -n, postfix check: no warning" "$out"
	fi
fi

# --- Dovecot: IMAP without SMTP -----------------------------------------------
# No Postfix is written, so Dovecot gets no SASL listener for it.
desc imaponly "
  <mail id=\"m\" certificate=\"c\">
    <host>mail.example.org</host>
    <imap server=\"dovecot\" listen=\"127.0.0.1\" port=\"10143\"/>
  </mail>"
if need doveconf "imaponly: doveconf" && gen imaponly; then
	c=$T/imaponly/out/etc/dovecot/dovecot.conf
	if out=$(dovecot_prepare "$c" && dovecot_check "$c" 2>&1); then
		ok "imaponly: doveconf -n, -x: no warning"
	else
		fail "imaponly: doveconf -n, -x: no warning" "$out"
	fi
	# doveconf's own view: no unix_listener under the Postfix spool.
	listeners=$(doveconf -c "$c" -S 2>/dev/null | grep '^service/auth/unix_listener/' | grep -c postfix)
	check_eq "imaponly: no Postfix auth listener (doveconf -S)" 0 "$listeners"
	if [ -e "$T/imaponly/out/etc/postfix" ]; then
		fail "imaponly: no Postfix files" "$(ls "$T/imaponly/out/etc/postfix")"
	else
		ok "imaponly: no Postfix files"
	fi
fi


# --- HTTPS back ends: verified, with SNI ----------------------------------------
# <proxy to="https://..."> must reach a back end whose certificate chains
# to the trust bundle and names the URL's host (200), and refuse one that
# names another host (nginx 502, Apache 500), in nginx and Apache alike.  Back ends: the
# echo server over TLS with the test PKI's ecdsa leaf (localhost,
# 127.0.0.1) and its wronghost leaf.
proxy_case() { # NAME SERVER BACKEND_URL_HOST BACKPORT WANT
	local name=$1 server=$2 host=$3 bport=$4 want=$5 d code body
	desc "$name" "
  <web id=\"p\" server=\"$server\" certificate=\"c\" listen=\"127.0.0.1\" http-port=\"18080\" https-port=\"18443\">
    <host>localhost</host>
    <proxy to=\"https://$host:$bport/app/\"/>
  </web>"
	gen "$name" || return
	d=$T/$name
	o=$d/out/etc
	if [ "$server" = nginx ]; then
		cp /etc/nginx/mime.types "$o/nginx/"
		nginx -c "$o/nginx/nginx.conf" -e "$d/log/nginx/e.log" >"$d/boot.out" 2>&1
		pidf=$d/run/nginx.pid
	else
		apache2 -d "$o/apache2" -f "$o/apache2/apache2.conf" -k start >"$d/boot.out" 2>&1
		pidf=$d/run/apache2/apache2.pid
	fi
	if ! wait_pidfile "$pidf" 100 >/dev/null || ! wait_port 127.0.0.1 18443; then
		fail "$name: $server boots" "$(cat "$d/boot.out")"
		return
	fi
	body=$(curl -sS --cacert "$PKI/bundle.pem" -o - -w '\n%{http_code}' \
		--resolve localhost:18443:127.0.0.1 https://localhost:18443/x 2>&1)
	code=${body##*$'\n'}
	# Apache answers a failed back-end handshake 500, nginx 502.
	case $want:$code in 5xx:5[0-9][0-9]) code=5xx ;; esac
	if [ "$code" = "$want" ]; then
		ok "$name: $server -> https://$host:$bport/ answers $want"
	else
		fail "$name: $server -> https://$host:$bport/ answers $want" "$body
$(tail -n 3 "$d/log/nginx/error.log" "$d/log/apache2/error.log" 2>/dev/null)"
	fi
	daemon_stop "$pidf" 100
	wait_port_free 127.0.0.1 18443 || true
}
if need curl "https back ends" && need python3 "https back ends"; then
	run_bg good_pid "$T/good.log" python3 "$HERE/lib/echo-backend.py" 127.0.0.1 19443 "$T/good.pid" "$PKI/ecdsa.fullchain.pem" "$PKI/ecdsa.key"
	run_bg bad_pid "$T/bad.log" python3 "$HERE/lib/echo-backend.py" 127.0.0.1 19444 "$T/bad.pid" "$PKI/wronghost.fullchain.pem" "$PKI/wronghost.key"
	# shellcheck disable=SC2016 # expanded when the trap runs
	at_exit 'daemon_stop "$good_pid"; daemon_stop "$bad_pid"'
	if wait_pidfile "$T/good.pid" 50 >/dev/null && wait_pidfile "$T/bad.pid" 50 >/dev/null; then
		for srv in nginx apache; do
			proxy_case "tls-$srv-good" "$srv" localhost 19443 200
			proxy_case "tls-$srv-wrong" "$srv" localhost 19444 5xx
		done
		# Neither server matches an address in a back end's
		# certificate (nginx: "upstream SSL certificate does not
		# match"): refused at the line.
		desc tls-ip "
  <web id=\"p\" server=\"nginx\" certificate=\"c\" listen=\"127.0.0.1\" http-port=\"18080\" https-port=\"18443\">
    <host>localhost</host>
    <proxy to=\"https://127.0.0.1:19443/\"/>
  </web>"
		refused tls-ip 9 "an HTTPS back end is verified by name"
	else
		fail "https back ends start" "$(cat "$T/good.log" "$T/bad.log")"
	fi
fi


# --- Postfix on 0.0.0.0 beside another server on an IPv6 address ---------------
# master.cf's bare "PORT" binds IPv6's [::]:PORT too, which takes the
# socket an nginx on [2001:db8::10]:PORT needs; tlsgen treats 0.0.0.0 as
# IPv4 only, so Postfix must bind exactly that.  Both boot.
desc v4wild "
  <mail id=\"m\" certificate=\"c\">
    <host>mail.example.org</host>
    <smtp server=\"postfix\" listen=\"0.0.0.0\" port=\"12525\"/>
  </mail>
  <web id=\"w\" server=\"nginx\" certificate=\"c\" listen=\"2001:db8::10\" http-port=\"12525\" https-port=\"18443\">
    <host>www.example.org</host>
  </web>"
if need postfix "v4wild: Postfix and nginx boot" && need nginx "v4wild: Postfix and nginx boot" && gen v4wild; then
	o=$T/v4wild/out/etc
	cp /etc/nginx/mime.types "$o/nginx/"
	if nginx -c "$o/nginx/nginx.conf" -e "$T/v4wild/log/nginx/e.log" >"$T/v4.out" 2>&1 &&
		wait_pidfile "$T/v4wild/run/nginx.pid" 50 >/dev/null; then
		at_exit "daemon_stop '$T/v4wild/run/nginx.pid'"
		if out=$(postfix_prepare "$o/postfix" && postfix_start "$o/postfix" 2>&1); then
			at_exit "postfix_stop '$o/postfix'"
			if port_listening 0.0.0.0 12525 && port_listening 2001:db8::10 12525; then
				ok "v4wild: Postfix on 0.0.0.0:12525 and nginx on [2001:db8::10]:12525 both run"
			else
				fail "v4wild: both listen" "$(ss -Htln 'sport = :12525')"
			fi
			postfix_stop "$o/postfix"
		else
			fail "v4wild: Postfix starts beside nginx" "$out
$(tail -n 5 "$(postfix_log "$o/postfix")")"
		fi
		daemon_stop "$T/v4wild/run/nginx.pid" 100
	else
		fail "v4wild: nginx starts" "$(cat "$T/v4.out")"
	fi
fi

e2e_finish
