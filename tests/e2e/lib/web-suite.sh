# tests/e2e/lib/web-suite.sh -- the end-to-end web test of the test variant
# (tests/e2e/handwritten/web/variant.xml), whatever produced the trees.
#
# The caller sources common.sh, tls.sh, web.sh and this file, defines
#
#     web_produce OUT L PKI
#         write the tree (OUT/etc/nginx/..., OUT/etc/apache2/...) for the
#         variant with @T@ = L and @PKI@ = PKI; print why and return
#         non-zero on failure
#
# and calls web_suite NAME. web-handwritten.sh fills the hand-written
# templates; a web-generated.sh runs tlsgen on the filled variant.xml.
#
# What the variant describes (and so what is checked):
#   nginx   127.0.0.2: www (example.org, www.example.org; "web" = ECDSA+RSA
#           with OCSP URL; static), downloads ("web-noocsp"; static),
#           app (localhost; "web"; proxy)         HTTP 18080, HTTPS 18443
#   Apache  127.0.0.3: bugs ("web"; proxy), people ("web-noocsp"; static;
#           HSTS max-age=31536000 only)           HTTP 18080, HTTPS 18443
#   OCSP responder 127.0.0.1:$OCSP_PORT (the PKI's leaves name it), echo
#   backend 127.0.0.1:18081 (the proxies' target)
#
# Runs as root (the servers drop to www-data) and leaves nothing running.

# shellcheck shell=bash
# at_exit takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016

# Not mkpki's default 18888, so that this test and the mail tests may run
# at the same time.
OCSP_PORT=${OCSP_PORT:-18889}
WEB_BACKEND_PORT=18081
WEB_NGINX_ADDR=127.0.0.2
WEB_APACHE_ADDR=127.0.0.3
WEB_HTTP_PORT=18080
WEB_HTTPS_PORT=18443
WEB_SELFTEST_PORT=18449
WEB_SITE_HSTS='max-age=63072000; includeSubDomains'

# _web_ports -- every ADDR:PORT the suite listens on (the OCSP responder
# listens on all addresses).
_web_ports() {
	echo "$WEB_NGINX_ADDR:$WEB_HTTP_PORT $WEB_NGINX_ADDR:$WEB_HTTPS_PORT" \
		"$WEB_APACHE_ADDR:$WEB_HTTP_PORT $WEB_APACHE_ADDR:$WEB_HTTPS_PORT" \
		"127.0.0.1:$OCSP_PORT 127.0.0.1:$WEB_BACKEND_PORT" \
		"127.0.0.1:$WEB_SELFTEST_PORT"
}

# _web_content ID -- the CONTENT argument of web_probe_service; nothing
# when the proxy backend is not running.
_web_content() {
	case $1 in
	app | bugs) [ -n "$_WEB_BACKEND" ] && echo proxy ;;
	*) echo "root:service $1" ;;
	esac
}

# _web_service SERVER ID HOSTS KEYTYPES STAPLE HSTS
_web_service() {
	local c addr=$WEB_NGINX_ADDR
	c=$(_web_content "$2")
	if [ -z "$c" ]; then
		skip "$1 $2" "no python3 for the proxy backend"
		return
	fi
	[ "$1" = apache ] && addr=$WEB_APACHE_ADDR
	web_probe_service "$1" "$2" "$addr" "$WEB_HTTP_PORT" "$WEB_HTTPS_PORT" \
		"$3" "$4" "$5" "$6" "$c"
}

# web_suite NAME -- run everything, print the summary, exit.
web_suite() {
	local name=$1 start ms out ap busy tool id
	local repo
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
	start=$(date +%s%N)

	for tool in openssl curl; do
		if ! have "$tool"; then
			echo "$name: $tool is required" >&2
			exit 1
		fi
	done

	e2e_init
	L=$E2E_TMP		# layout root and content (@T@)
	PKI=$E2E_TMP/pki	# certificates (@PKI@)
	OUT=$E2E_TMP/out	# the trees (one overlay for both servers)
	# shellcheck disable=SC2034  # read by tls.sh
	TLS_CAFILE=$PKI/root.pem
	_WEB_BACKEND=

	# Nothing may listen on our ports yet. (ss only: a bare connect would
	# wedge an `openssl ocsp` responder, see tests/pki/ocsp-responder.sh.)
	busy=
	for ap in $(_web_ports); do
		port_listening "${ap%:*}" "${ap##*:}" && busy="$busy $ap"
	done
	if [ -n "$busy" ]; then
		fail "ports free" "already listening:$busy"
		e2e_finish
	fi

	# PKI and OCSP responder.
	if out=$(OCSP_URL=http://127.0.0.1:$OCSP_PORT/ \
		"$repo/tests/pki/mkpki.sh" "$PKI" 2>&1); then
		ok "test PKI built"
	else
		fail "test PKI built" "$out"
		e2e_finish
	fi
	_WEB_REPO=$repo
	at_exit '"$_WEB_REPO/tests/pki/ocsp-responder.sh" stop "$PKI" >/dev/null 2>&1'
	if out=$("$repo/tests/pki/ocsp-responder.sh" start "$PKI" "$OCSP_PORT" 2>&1); then
		ok "OCSP responder started"
	else
		fail "OCSP responder started" "$out"
	fi

	# The probes themselves: "TLS 1.0 refused" only means something if
	# this client can still speak it.
	check_eq "probe self-test: client speaks TLS 1.0 to 1.3" \
		"tls1 tls1_1 tls1_2 tls1_3" \
		"$(tls_selftest_legacy 127.0.0.1 "$WEB_SELFTEST_PORT" \
			"$PKI/rsa.pem" "$PKI/rsa.key" "$E2E_TMP")"

	# Trees, layout, content, backend.
	if out=$(web_produce "$OUT" "$L" "$PKI" 2>&1); then
		ok "trees produced"
	else
		fail "trees produced" "$out"
		e2e_finish
	fi
	# Checks of the produced files themselves, if the caller has any.
	if declare -F web_check_trees >/dev/null; then
		web_check_trees "$OUT"
	fi
	web_layout "$L"
	for id in www downloads people; do
		mkdir -p "$L/srv/$id"
		printf 'service %s\n' "$id" >"$L/srv/$id/index.html"
	done
	chmod -R a+rX "$L/srv"
	if have python3; then
		at_exit 'web_backend_stop "$E2E_TMP" >/dev/null 2>&1'
		if web_backend_start 127.0.0.1 "$WEB_BACKEND_PORT" "$E2E_TMP"; then
			_WEB_BACKEND=1
		else
			fail "echo backend started" "$(cat "$E2E_TMP/backend.log")"
		fi
	fi

	# nginx.
	local nginx_up='' apache_up=''
	if need nginx nginx; then
		if out=$(nginx_test "$OUT" "$L"); then
			ok "nginx -t"
		else
			fail "nginx -t" "$out"
		fi
		at_exit 'nginx_stop "$L" >/dev/null 2>&1'
		if out=$(nginx_boot "$OUT" "$L" \
			"$WEB_NGINX_ADDR:$WEB_HTTP_PORT" \
			"$WEB_NGINX_ADDR:$WEB_HTTPS_PORT" 2>&1); then
			ok "nginx started"
			nginx_up=1
		else
			fail "nginx started" "$out
$(tail -n 20 "$L/log/nginx/error.log" 2>/dev/null)"
		fi
	fi

	# Apache.
	if need apache2 apache2; then
		if out=$(apache_test "$OUT"); then
			ok "apache2 -t"
		else
			fail "apache2 -t" "$out"
		fi
		at_exit 'apache_stop "$L" >/dev/null 2>&1'
		if out=$(apache_boot "$OUT" "$L" \
			"$WEB_APACHE_ADDR:$WEB_HTTP_PORT" \
			"$WEB_APACHE_ADDR:$WEB_HTTPS_PORT" 2>&1); then
			ok "apache2 started"
			apache_up=1
		else
			fail "apache2 started" "$out
$(tail -n 20 "$L/log/apache2/error.log" 2>/dev/null)"
		fi
	fi

	# Probes.
	if [ -n "$nginx_up" ]; then
		web_probe_socket nginx "$WEB_NGINX_ADDR" "$WEB_HTTP_PORT" \
			"$WEB_HTTPS_PORT" www.example.org
		_web_service nginx www "example.org www.example.org" "ECDSA RSA" \
			yes "$WEB_SITE_HSTS"
		_web_service nginx downloads downloads.example.org "ECDSA RSA" \
			no "$WEB_SITE_HSTS"
		_web_service nginx app localhost "ECDSA RSA" yes "$WEB_SITE_HSTS"
	fi
	if [ -n "$apache_up" ]; then
		web_probe_socket apache "$WEB_APACHE_ADDR" "$WEB_HTTP_PORT" \
			"$WEB_HTTPS_PORT" bugs.example.org
		_web_service apache bugs bugs.example.org "ECDSA RSA" yes \
			"$WEB_SITE_HSTS"
		_web_service apache people people.example.org "ECDSA RSA" no \
			'max-age=31536000'
	fi

	# More probes of the caller's, if any (web_extra_probes NGINX_UP APACHE_UP).
	if declare -F web_extra_probes >/dev/null; then
		web_extra_probes "$nginx_up" "$apache_up"
	fi

	# Logs, shutdown, and nothing left listening.
	[ -n "$nginx_up" ] && web_check_log nginx "$L/log/nginx/error.log"
	[ -n "$apache_up" ] && web_check_log apache2 "$L/log/apache2/error.log"
	[ -n "$nginx_up" ] && check "nginx stopped" nginx_stop "$L"
	[ -n "$apache_up" ] && check "apache2 stopped" apache_stop "$L"
	[ -n "$_WEB_BACKEND" ] &&
		check "echo backend stopped" web_backend_stop "$E2E_TMP"
	check "OCSP responder stopped" \
		"$repo/tests/pki/ocsp-responder.sh" stop "$PKI"
	busy=
	for ap in $(_web_ports); do
		wait_port_free "${ap%:*}" "${ap##*:}" 30 || busy="$busy $ap"
	done
	check_eq "nothing left listening" "" "${busy# }"

	ms=$((($(date +%s%N) - start) / 1000000))
	printf '%s: %d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
	e2e_finish
}
