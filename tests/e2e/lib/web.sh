# tests/e2e/lib/web.sh -- boot private nginx / Apache instances from a tlsgen
# output tree and probe them. Source common.sh and tls.sh first.
#
# A tree OUT is an overlay of the target root: OUT/etc/nginx/nginx.conf,
# OUT/etc/nginx/tlsgen/*.conf, OUT/etc/apache2/apache2.conf,
# OUT/etc/apache2/tlsgen/*.conf. Its runtime paths (the description's
# <layout>) point into a temp dir L:
#   L/run       run-dir    nginx.pid, apache2/ (pid, scache, mutexes)
#   L/log       log-dir    nginx/, apache2/
#   L/lib       state-dir  nginx/ (temp paths)
#   L/acme      acme-dir   webroot: .well-known/acme-challenge/TOKEN
#
# The probes are driven by what the description says, so they run the same
# against hand-written and generated trees:
#
#   web_probe_socket SERVER ADDR HTTP_PORT HTTPS_PORT KNOWN_HOST
#       the TLS policy of one HTTPS socket (all services on it share it)
#       and what it does with unknown names
#   web_probe_service SERVER ID ADDR HTTP_PORT HTTPS_PORT "HOSTS" \
#           "KEYTYPES" STAPLE "HSTS" CONTENT
#       one service: certificates, stapling, HSTS, redirect, ACME, content
#
# The policy the sockets must show is in these variables (Mozilla 6.0
# intermediate by default; override before probing):
#   WEB_PROTOCOLS   versions accepted (tls1 tls1_1 tls1_2 tls1_3)
#   WEB_CIPHERS     TLS 1.2 ciphers, OpenSSL names, ':'-separated
#   WEB_SUITES      TLS 1.3 suites, ':'-separated
#   WEB_GROUPS      key exchange groups, ':'-separated
#   WEB_SERVER_ORDER  on|off
#   WEB_TICKETS     true|false
#   WEB_CHAIN       certificates sent (leaf + intermediates), default 2
#   WEB_ACME_TOKEN / WEB_ACME_BODY   a file put in L/acme by the caller

# shellcheck shell=bash

: "${WEB_PROTOCOLS:=tls1_2 tls1_3}"
: "${WEB_CIPHERS:=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305}"
: "${WEB_SUITES:=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256}"
: "${WEB_GROUPS:=X25519:prime256v1:secp384r1}"
: "${WEB_SERVER_ORDER:=off}"
: "${WEB_TICKETS:=false}"
: "${WEB_CHAIN:=2}"
: "${WEB_ACME_TOKEN:=tlsgen-e2e-token}"
: "${WEB_ACME_BODY:=tlsgen-e2e-token.key-authorization}"

# Groups a client may offer alone; those not in WEB_GROUPS must be refused.
WEB_ALL_GROUPS="X25519 X448 prime256v1 secp384r1 secp521r1 ffdhe2048 ffdhe3072"

# --- trees and layout --------------------------------------------------------------

# web_fill SRC OUT L PKI -- copy the template tree SRC into OUT and replace
# the placeholders @T@ (layout/test root) and @PKI@ (certificate dir).
web_fill() {
	local src=$1 out=$2 l=$3 pki=$4 f
	mkdir -p "$out"
	cp -R "$src"/. "$out"/
	while IFS= read -r -d '' f; do
		sed -i -e "s#@T@#$l#g" -e "s#@PKI@#$pki#g" "$f"
	done < <(find "$out" -type f -print0)
}

# web_layout L -- the runtime directories a <layout> into L needs (the
# packages create them on a real system).
web_layout() {
	local l=$1
	mkdir -p "$l/run/apache2" "$l/log/nginx" "$l/log/apache2" \
		"$l/lib/nginx" "$l/acme/.well-known/acme-challenge"
	printf '%s' "$WEB_ACME_BODY" \
		>"$l/acme/.well-known/acme-challenge/$WEB_ACME_TOKEN"
	chmod -R a+rX "$l/acme"
}

# --- nginx -------------------------------------------------------------------------

# nginx_test OUT L -- `nginx -t` on the tree's main file; output on stdout.
# -e: the error log used before the configuration is read (stock nginx
# would open its compiled-in path, not ours).
nginx_test() {
	[ -f "$1/etc/nginx/mime.types" ] ||
		cp /etc/nginx/mime.types "$1/etc/nginx/mime.types"
	nginx -t -e "$2/log/nginx/error.log" -c "$1/etc/nginx/nginx.conf" 2>&1
}

# nginx_boot OUT L ADDR:PORT... -- start nginx from the tree, wait for its
# pid file and for every ADDR:PORT to listen.
nginx_boot() {
	local out=$1 l=$2 ap
	shift 2
	nginx -e "$l/log/nginx/error.log" -c "$out/etc/nginx/nginx.conf" ||
		return 1
	wait_pidfile "$l/run/nginx.pid" 50 >/dev/null || return 1
	for ap in "$@"; do
		wait_port "${ap%:*}" "${ap##*:}" 50 || return 1
	done
}

# nginx_stop L -- stop the instance whose pid file is in L/run.
nginx_stop() {
	daemon_stop "$1/run/nginx.pid" 50
}

# --- Apache ------------------------------------------------------------------------

# apache_test OUT -- `apache2 -t` on the tree's main file.
apache_test() {
	apache2 -d "$1/etc/apache2" -f "$1/etc/apache2/apache2.conf" -t 2>&1
}

# apache_boot OUT L ADDR:PORT... -- like nginx_boot.
apache_boot() {
	local out=$1 l=$2 ap
	shift 2
	apache2 -d "$out/etc/apache2" -f "$out/etc/apache2/apache2.conf" \
		-k start || return 1
	wait_pidfile "$l/run/apache2/apache2.pid" 50 >/dev/null || return 1
	for ap in "$@"; do
		wait_port "${ap%:*}" "${ap##*:}" 50 || return 1
	done
}

apache_stop() {
	daemon_stop "$1/run/apache2/apache2.pid" 50
}

# --- backend -----------------------------------------------------------------------

# web_backend_start ADDR PORT DIR -- start echo-backend.py; pid file
# DIR/backend.pid, log DIR/backend.log.
web_backend_start() {
	local here _pid
	here=$(dirname "${BASH_SOURCE[0]}")
	# (the backend writes its own pid file: its pid, not a wrapper's)
	# shellcheck disable=SC2034
	run_bg _pid "$3/backend.log" python3 "$here/echo-backend.py" "$1" "$2" \
		"$3/backend.pid"
	wait_pidfile "$3/backend.pid" 50 >/dev/null && wait_port "$1" "$2" 50
}

web_backend_stop() {
	daemon_stop "$1/backend.pid" 50
}

# --- helpers -----------------------------------------------------------------------

# _web_sorted LIST -- ':'- or space-separated LIST, one per line, sorted.
_web_sorted() {
	printf '%s\n' "$1" | sed 's/[: ]/\n/g' | grep . | sort
}

# _web_url SCHEME HOST PORT PATH -- URL with the port left out when default.
_web_url() {
	if { [ "$1" = https ] && [ "$3" = 443 ]; } ||
		{ [ "$1" = http ] && [ "$3" = 80 ]; }; then
		echo "$1://$2$4"
	else
		echo "$1://$2:$3$4"
	fi
}

# Client restrictions that leave the server one key type to choose.
_web_keytype_args() {
	case $1/$2 in
	ECDSA/tls1_2) echo "-cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305" ;;
	RSA/tls1_2) echo "-cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305" ;;
	ECDSA/tls1_3) echo "-sigalgs ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512" ;;
	RSA/tls1_3) echo "-sigalgs rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha256" ;;
	esac
}

# --- socket ------------------------------------------------------------------------

# web_probe_socket SERVER ADDR HTTP_PORT HTTPS_PORT KNOWN_HOST
web_probe_socket() {
	local srv=$1 addr=$2 hport=$3 sport=$4 host=$5
	local t="$srv $addr:$sport" v want got rev g
	local -a sni=(-sni "$host")

	# Versions: exactly WEB_PROTOCOLS (1.0/1.1: the client allows them).
	for v in tls1 tls1_1 tls1_2 tls1_3; do
		case " $WEB_PROTOCOLS " in
		*" $v "*)
			if tls_accepts "${sni[@]}" "$addr:$sport" "$v"; then
				ok "$t: $v accepted"
			else
				fail "$t: $v accepted" "$(tls_sclient "${sni[@]}" \
					"$addr:$sport" "-$v" | tail -n 20)"
			fi
			;;
		*)
			if tls_accepts "${sni[@]}" "$addr:$sport" "$v"; then
				fail "$t: $v refused" "handshake completed: $(tls_handshake \
					"${sni[@]}" "$addr:$sport" "$v")"
			else
				ok "$t: $v refused"
			fi
			;;
		esac
	done

	# The accepted sets are the profile's sets.
	if [[ " $WEB_PROTOCOLS " = *" tls1_2 "* ]]; then
		check_eq "$t: TLS 1.2 ciphers accepted = profile" \
			"$(_web_sorted "$WEB_CIPHERS")" \
			"$(tls12_accepted_ciphers "${sni[@]}" "$addr:$sport")"
	fi
	if [[ " $WEB_PROTOCOLS " = *" tls1_3 "* ]]; then
		check_eq "$t: TLS 1.3 suites accepted = profile" \
			"$(_web_sorted "$WEB_SUITES")" \
			"$(tls13_accepted_suites "${sni[@]}" "$addr:$sport")"
	fi

	# Cipher order: offer the profile's list reversed. Server order off:
	# the client's first choice wins; on: the server's first.
	if [[ " $WEB_PROTOCOLS " = *" tls1_2 "* ]]; then
		rev=$(printf '%s\n' "$WEB_CIPHERS" | tr ':' '\n' | tac | paste -sd:)
		if [ "$WEB_SERVER_ORDER" = on ]; then
			want=${WEB_CIPHERS%%:*}
		else
			want=${rev%%:*}
		fi
		got=$(tls_cipher "${sni[@]}" "$addr:$sport" tls1_2 "$rev")
		check_eq "$t: TLS 1.2 server cipher order $WEB_SERVER_ORDER" "$want" "$got"
	fi
	if [[ " $WEB_PROTOCOLS " = *" tls1_3 "* ]]; then
		rev=$(printf '%s\n' "$WEB_SUITES" | tr ':' '\n' | tac | paste -sd:)
		if [ "$WEB_SERVER_ORDER" = on ]; then
			want=${WEB_SUITES%%:*}
		else
			want=${rev%%:*}
		fi
		got=$(tls_cipher "${sni[@]}" "$addr:$sport" tls1_3 "$rev")
		check_eq "$t: TLS 1.3 server suite order $WEB_SERVER_ORDER" "$want" "$got"
	fi

	# Groups: each profile group alone works, every other one is refused.
	for v in $WEB_PROTOCOLS; do
		case $v in tls1_2 | tls1_3) ;; *) continue ;; esac
		want=
		got=
		for g in $WEB_ALL_GROUPS; do
			# FFDHE groups do not apply to TLS 1.2 ECDHE suites,
			# hybrid KEM groups (X25519MLKEM768) to TLS 1.2 at all
			[ "$v" = tls1_2 ] && [[ $g = ffdhe* || $g = *MLKEM* ]] && continue
			case ":$WEB_GROUPS:" in *":$g:"*) want="$want $g" ;; esac
			tls_group_accepted "${sni[@]}" "$addr:$sport" "$v" "$g" &&
				got="$got $g"
		done
		check_eq "$t: $v groups accepted = profile" "${want# }" "${got# }"
	done

	# Sessions: resumption through the shared cache, tickets per policy.
	for v in $WEB_PROTOCOLS; do
		case $v in tls1_2 | tls1_3) ;; *) continue ;; esac
		if tls_resumes "${sni[@]}" "$addr:$sport" "$v"; then
			ok "$t: $v session resumed"
		else
			fail "$t: $v session resumed"
		fi
		if [ "$WEB_TICKETS" = true ]; then
			want=stateless
		elif [ "$v" = tls1_3 ]; then
			want=stateful
		else
			want=none
		fi
		check_eq "$t: $v session tickets" "$want" \
			"$(tls_session_tickets "${sni[@]}" "$addr:$sport" "$v")"
	done

	# Unknown names. nginx: handshake refused (ssl_reject_handshake);
	# Apache cannot refuse it, its default virtual host answers 421.
	if [ "$srv" = nginx ]; then
		if tls_handshake -sni unknown.invalid "$addr:$sport" >/dev/null; then
			fail "$t: unknown server name refused" "handshake completed"
		else
			ok "$t: unknown server name refused"
		fi
		if tls_handshake -nosni "$addr:$sport" >/dev/null; then
			fail "$t: handshake without server name refused" "handshake completed"
		else
			ok "$t: handshake without server name refused"
		fi
	else
		check_eq "$t: unknown host answered 421" 421 \
			"$(http_code "$addr" "$(_web_url https unknown.invalid "$sport" /)" -k)"
	fi
	check_eq "$srv $addr:$hport: unknown host answered 421" 421 \
		"$(http_code "$addr" "$(_web_url http unknown.invalid "$hport" /)")"
}

# --- service -----------------------------------------------------------------------

# web_probe_service SERVER ID ADDR HTTP_PORT HTTPS_PORT "HOSTS" "KEYTYPES"
#     STAPLE "HSTS" CONTENT
#   KEYTYPES  key types of the certificate's pairs, e.g. "ECDSA RSA"
#   STAPLE    yes|no: an OCSP response must / must not be stapled
#   HSTS      the exact Strict-Transport-Security value expected
#   CONTENT   root:TEXT   GET / answers TEXT (the caller put it there)
#             proxy       the echo backend answers behind it
web_probe_service() {
	local srv=$1 id=$2 addr=$3 hport=$4 sport=$5 hosts=$6 ktypes=$7
	local staple=$8 hsts=$9 content=${10}
	local t="$srv $id" h p first url got want k v n b
	read -r first _ <<<"$hosts"

	for h in $hosts; do
		# Every host name is served a chain that verifies for it.
		if tls_verified -sni "$h" "$addr:$sport" "$h"; then
			ok "$t: $h: chain verifies"
		else
			fail "$t: $h: chain verifies" "$(tls_sclient -sni "$h" \
				"$addr:$sport" -CAfile "$TLS_CAFILE" | grep -i verif)"
		fi

		# HTTP: permanent redirect, same host, path (verbatim, %3F
		# included) and query; never HSTS.
		for p in '/some/path?a=1&b=%3F' '/a%3Fb/c?d=e' '/'; do
			url=$(_web_url http "$h" "$hport" "$p")
			want=$(_web_url https "$h" "$sport" "$p")
			got="$(http_code "$addr" "$url") $(http_location "$addr" "$url")"
			check_eq "$t: $url -> 301 $want" "301 $want" "$got"
		done
		url=$(_web_url http "$h" "$hport" /x)
		check_eq "$t: $h: no HSTS over HTTP" "" \
			"$(http_header "$addr" "$url" Strict-Transport-Security)"

		# ACME challenges are served over HTTP, not redirected.
		url=$(_web_url http "$h" "$hport" \
			"/.well-known/acme-challenge/$WEB_ACME_TOKEN")
		check_eq "$t: $h: ACME challenge served over HTTP" \
			"200 $WEB_ACME_BODY" \
			"$(http_code "$addr" "$url") $(http_body "$addr" "$url")"
	done

	# Each key type is served to a client that only accepts that type,
	# with the full chain.
	for k in $ktypes; do
		for v in $WEB_PROTOCOLS; do
			case $v in tls1_2 | tls1_3) ;; *) continue ;; esac
			# shellcheck disable=SC2046
			got=$(tls_peer_keytype -sni "$first" "$addr:$sport" "$v" \
				$(_web_keytype_args "$k" "$v"))
			check_eq "$t: $k-only $v client gets $k" "$k" "$got"
		done
		# shellcheck disable=SC2046
		check_eq "$t: $k chain length" "$WEB_CHAIN" \
			"$(tls_chain_length -sni "$first" "$addr:$sport" -tls1_2 \
				$(_web_keytype_args "$k" tls1_2))"
	done

	# OCSP stapling, for every key type. Servers fetch responses lazily
	# (nginx: per worker), so retry a bounded number of times.
	for k in $ktypes; do
		# shellcheck disable=SC2046
		if [ "$staple" = yes ]; then
			check_eq "$t: $k: OCSP response stapled, status good" good \
				"$(tls_wait_staple 25 -sni "$first" "$addr:$sport" -tls1_2 \
					$(_web_keytype_args "$k" tls1_2))"
		else
			n=0
			for _ in 1 2 3 4; do
				tls_staple -sni "$first" "$addr:$sport" -tls1_2 \
					$(_web_keytype_args "$k" tls1_2) && n=$((n + 1))
			done
			check_eq "$t: $k: nothing stapled (no responder)" 0 "$n"
		fi
	done

	# HSTS: exactly once, the configured value, errors included.
	for p in / /does-not-exist; do
		url=$(_web_url https "$first" "$sport" "$p")
		check_eq "$t: HSTS on $url" "$hsts" \
			"$(http_header "$addr" "$url" Strict-Transport-Security)"
	done

	# Content.
	url=$(_web_url https "$first" "$sport" /)
	case $content in
	root:*)
		check_eq "$t: static root served" "200 ${content#root:}" \
			"$(http_code "$addr" "$url") $(http_body "$addr" "$url")"
		;;
	proxy)
		url=$(_web_url https "$first" "$sport" '/echo/x?y=1')
		b=$(http_body "$addr" "$url")
		got=$(printf '%s\n' "$b" | grep -E '^(backend|method|path|x-forwarded-proto):')
		check_eq "$t: proxied to the backend" "backend: echo
method: GET
path: /echo/x?y=1
x-forwarded-proto: https" "$got"
		if printf '%s\n' "$b" | grep -q '^x-forwarded-for: 127\.0\.0\.1'; then
			ok "$t: backend sees X-Forwarded-For"
		else
			fail "$t: backend sees X-Forwarded-For" "$b"
		fi
		# Host: what the client asked for, possibly with the port.
		if printf '%s\n' "$b" | grep -Eq "^host: $first(:$sport)?\$"; then
			ok "$t: backend sees the client's Host"
		else
			fail "$t: backend sees the client's Host" "$b"
		fi
		url=$(_web_url https "$first" "$sport" /redirect)
		check_eq "$t: backend redirect rewritten to the public URL" \
			"$(_web_url https "$first" "$sport" /target)" \
			"$(http_location "$addr" "$url")"
		check_eq "$t: HSTS on proxied response (backend's replaced)" "$hsts" \
			"$(http_header "$addr" "$url" Strict-Transport-Security)"
		;;
	esac
}

# web_check_log SERVER FILE -- no warning or worse in a server's error
# log (nginx "[warn]".."[emerg]", Apache ":warn]"..":emerg]"), except
# Apache's AH01882 (mod_ssl built against a newer OpenSSL than the one
# installed: the machine's business) and AH01909 for the default virtual
# host "default.invalid" (its certificate is a service's, by design).
# A warning here is usually a real mistake: e.g. stapling enabled for a
# certificate without an OCSP URL (nginx: "ssl_stapling" ignored, ...).
web_check_log() {
	local bad
	bad=$(grep -E '\[(warn|error|crit|alert|emerg)\]|:(warn|error|crit|alert|emerg)\] ' \
		"$2" 2>/dev/null | grep -v -e 'AH01882:' -e 'AH01909: default\.invalid:')
	if [ -z "$bad" ]; then
		ok "$1: no warnings in $(basename "$2")"
	else
		fail "$1: no warnings in $(basename "$2")" \
			"$(printf '%s\n' "$bad" | head -n 10)"
	fi
}
