# tests/e2e/lib/tls.sh -- TLS and HTTP probes for the end-to-end tests, on
# top of `openssl s_client` (OpenSSL 3.0+) and `curl`. Source common.sh first.
#
# Every s_client probe takes the same leading options, then ADDR:PORT, then
# (where noted) its own arguments:
#
#   -sni NAME         server name to send (default: none, see -nosni)
#   -nosni            send no server name at all
#   -starttls PROTO   smtp, imap, pop3, xmpp, xmpp-server, lmtp, ... (s_client)
#   -name HOST        EHLO/LHLO name for smtp/lmtp, "to" domain for xmpp
#   -xmpphost HOST    same as -name
#   -bind ADDR        source address (default $TLS_BIND)
#   -send STRING      what to send once connected (printf %b escapes); see
#                     tls_session_tickets/tls_resumes for why it matters
#
# Settings (caller may set them):
#   TLS_CAFILE   trust anchors: s_client -CAfile (tls_verified) and
#                curl --cacert (http_*)
#   TLS_BIND     default source address for s_client -bind and curl
#                --interface (empty: the kernel chooses)
#   TLS_TIMEOUT  seconds allowed per connection (default 5)
#   TLS_JOBS     parallel handshakes in the cipher enumerations (default 8)
#
# Versions are named like s_client's flags: tls1 tls1_1 tls1_2 tls1_3.
# For tls1 and tls1_1 the client lowers its own security level
# (DEFAULT@SECLEVEL=0): OpenSSL 3.0 refuses those versions itself at the
# default level, and a refusal must prove that the SERVER refused.
#
# Probe results go to stdout; s_client's chatter never does. Exit status 0
# means "yes" for predicates (tls_accepts, tls_staple, tls_resumes, ...).

# shellcheck shell=bash

: "${TLS_TIMEOUT:=5}"
: "${TLS_JOBS:=8}"
TLS_CAFILE=${TLS_CAFILE:-}
TLS_BIND=${TLS_BIND:-}

# TLS 1.3 suites OpenSSL 3.0 implements (s_client -ciphersuites names).
TLS13_ALL_SUITES="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 \
TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256 TLS_AES_128_CCM_8_SHA256"

# --- option parsing ----------------------------------------------------------

# _tls_parse OPTS... ADDR:PORT ARGS... -- sets the arrays _TLS_ARGS (s_client
# arguments for the options and target), _TLS_REST (the remaining ARGS) and
# the strings _TLS_SEND, _TLS_STARTTLS, _TLS_TARGET, _TLS_SNI.
_tls_parse() {
	local bind=$TLS_BIND sni='' nosni='' name=''
	_TLS_ARGS=()
	_TLS_REST=()
	_TLS_SEND=
	_TLS_STARTTLS=
	_TLS_TARGET=
	_TLS_SNI=
	while [ $# -gt 0 ]; do
		case $1 in
		-sni) sni=$2; _TLS_SNI=$2; shift 2 ;;
		-nosni) nosni=1; shift ;;
		-starttls) _TLS_STARTTLS=$2; shift 2 ;;
		-name | -xmpphost) name=$2; shift 2 ;;
		-bind) bind=$2; shift 2 ;;
		-send) _TLS_SEND=$2; shift 2 ;;
		-*) echo "tls.sh: unknown probe option $1" >&2; return 2 ;;
		*) break ;;
		esac
	done
	if [ $# -lt 1 ]; then
		echo "tls.sh: missing ADDR:PORT" >&2
		return 2
	fi
	_TLS_TARGET=$1
	shift
	_TLS_REST=("$@")
	_TLS_ARGS=(-connect "$_TLS_TARGET")
	if [ -n "$nosni" ]; then
		_TLS_ARGS+=(-noservername)
	elif [ -n "$sni" ]; then
		_TLS_ARGS+=(-servername "$sni")
	else
		# s_client would send the -connect host as SNI when it is a name.
		_TLS_ARGS+=(-noservername)
	fi
	[ -n "$bind" ] && _TLS_ARGS+=(-bind "$bind")
	[ -n "$_TLS_STARTTLS" ] && _TLS_ARGS+=(-starttls "$_TLS_STARTTLS")
	[ -n "$name" ] && _TLS_ARGS+=(-name "$name")
	return 0
}

# _tls_version_args VERSION -- s_client flags for a version name.
_tls_version_args() {
	case $1 in
	tls1 | tls1_1) echo "-$1 -cipher DEFAULT@SECLEVEL=0" ;;
	tls1_2 | tls1_3) echo "-$1" ;;
	'' | any) echo "" ;;
	*) echo "tls.sh: unknown version $1" >&2; return 2 ;;
	esac
}

# _tls_goodbye -- default text to send after the handshake so that the
# server closes the connection after answering (s_client runs with -ign_eof
# and so reads everything the server sends, post-handshake messages such
# as TLS 1.3 session tickets included).
_tls_goodbye() {
	# printf %b escapes, kept literal here: $(...) would strip a trailing
	# real newline.
	case $_TLS_STARTTLS in
	smtp | lmtp | pop3) printf '%s\n' 'QUIT\r\n' ;;
	imap) printf '%s\n' 'a1 LOGOUT\r\n' ;;
	xmpp | xmpp-server) printf '%s\n' '</stream:stream>' ;;
	*)
		if [ -n "$_TLS_SNI" ]; then
			printf '%s\n' "HEAD / HTTP/1.0\\r\\nHost: $_TLS_SNI\\r\\n\\r\\n"
		else
			printf '%s\n' 'HEAD / HTTP/1.0\r\n\r\n'
		fi
		;;
	esac
}

# --- raw s_client ------------------------------------------------------------

# tls_sclient OPTS... ADDR:PORT S_CLIENT_ARGS... -- run one s_client
# connection and print everything it prints (stdout and stderr). Without
# -send, stdin is empty: the client hangs up right after the handshake.
tls_sclient() {
	_tls_parse "$@" || return 2
	if [ -n "$_TLS_SEND" ]; then
		printf '%b' "$_TLS_SEND" |
			timeout "$TLS_TIMEOUT" openssl s_client "${_TLS_ARGS[@]}" \
				-ign_eof "${_TLS_REST[@]}" 2>&1
	else
		timeout "$TLS_TIMEOUT" openssl s_client "${_TLS_ARGS[@]}" \
			"${_TLS_REST[@]}" </dev/null 2>&1
	fi
}

# tls_summary S_CLIENT_OUTPUT -- "New TLSv1.2 CIPHER" / "Reused TLSv1.3
# CIPHER", or nothing if no handshake. The version comes from the session's
# "Protocol  :" line: the "New, TLSvX, Cipher is" line shows the version
# that introduced the CIPHER (TLSv1.0 for ECDHE-RSA-AES256-SHA at any
# version), not the one negotiated. With TLS 1.3 that session block may be
# missing (s_client prints it once a session ticket has arrived), but then
# the suite can only have been negotiated at TLS 1.3.
tls_summary() {
	printf '%s\n' "$1" | awk '
		/^(New|Reused), .*, Cipher is / && !seen {
			st = $1; sub(/,$/, "", st); cv = $2; sub(/,$/, "", cv)
			c = $NF; seen = 1; next
		}
		/^ *Protocol *: / && !proto { proto = $NF }
		END {
			if (proto == "" && cv == "TLSv1.3") proto = cv
			if (seen && c != "(NONE)" && proto != "")
				print st, proto, c
		}'
}

# --- handshakes --------------------------------------------------------------

# tls_handshake OPTS... ADDR:PORT [VERSION [S_CLIENT_ARGS...]] -- print
# "PROTOCOL CIPHER" of the handshake (e.g. "TLSv1.3 TLS_AES_128_GCM_SHA256"),
# nothing and status 1 if it failed.
tls_handshake() {
	_tls_parse "$@" || return 2
	local target=$_TLS_TARGET v out s
	local -a opts=("${_TLS_ARGS[@]:2}") rest=("${_TLS_REST[@]}")
	v=${rest[0]:-}
	rest=("${rest[@]:1}")
	# shellcheck disable=SC2046
	out=$(timeout "$TLS_TIMEOUT" openssl s_client -connect "$target" \
		"${opts[@]}" $(_tls_version_args "$v") "${rest[@]}" </dev/null 2>&1)
	s=$(tls_summary "$out")
	[ -n "$s" ] || return 1
	echo "${s#* }"
}

# tls_accepts OPTS... ADDR:PORT VERSION [S_CLIENT_ARGS...] -- true if the
# server completes a handshake at exactly VERSION.
tls_accepts() {
	local r want
	r=$(tls_handshake "$@") || return 1
	# the VERSION argument follows the options and the target
	_tls_parse "$@" || return 2
	case ${_TLS_REST[0]} in
	tls1) want='TLSv1 TLSv1.0' ;;
	tls1_1) want=TLSv1.1 ;;
	tls1_2) want=TLSv1.2 ;;
	tls1_3) want=TLSv1.3 ;;
	*) return 0 ;;
	esac
	case " $want " in
	*" ${r%% *} "*) return 0 ;;
	esac
	return 1
}

# tls_cipher OPTS... ADDR:PORT VERSION CLIENT_CIPHERS -- the cipher (TLS
# 1.2 and below: OpenSSL cipher list; TLS 1.3: suite list) the server picks
# from what the client offers in that order; nothing, status 1 on failure.
tls_cipher() {
	_tls_parse "$@" || return 2
	local v=${_TLS_REST[0]} list=${_TLS_REST[1]} r
	local -a args=("${@:1:$(($# - 2))}")
	if [ "$v" = tls1_3 ]; then
		r=$(tls_handshake "${args[@]}" tls1_3 -ciphersuites "$list") || return 1
	else
		r=$(tls_handshake "${args[@]}" "$v" -cipher "$list") || return 1
	fi
	echo "${r#* }"
}

# _tls_enumerate OPTS... ADDR:PORT VERSION FLAG CANDIDATES... -- print each
# candidate the server accepts when offered alone (FLAG is -cipher or
# -ciphersuites), sorted; TLS_JOBS handshakes at a time.
_tls_enumerate() {
	local n=$# i
	local -a opts
	# the options and the target: everything before VERSION FLAG CANDIDATES
	_tls_parse "$@" || return 2
	local nopt=$((n - ${#_TLS_REST[@]}))
	opts=("${@:1:nopt}")
	local v=${_TLS_REST[0]} flag=${_TLS_REST[1]}
	local -a cands=("${_TLS_REST[@]:2}")
	local dir c val
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tls-enum.XXXXXX") || return 2
	i=0
	for c in "${cands[@]}"; do
		val=$c
		[ "$flag" = -cipher ] && val="$c:@SECLEVEL=0"
		(
			r=$(tls_handshake "${opts[@]}" "$v" "$flag" "$val") &&
				[ "${r#* }" = "$c" ] && echo "$c" >"$dir/$i"
		) &
		i=$((i + 1))
		if [ $((i % TLS_JOBS)) -eq 0 ]; then
			wait
		fi
	done
	wait
	cat "$dir"/* 2>/dev/null | sort
	rm -rf -- "$dir"
}

# tls12_accepted_ciphers OPTS... ADDR:PORT -- every TLS 1.2 cipher suite
# (OpenSSL names) the server accepts, one per line, sorted. Candidates: all
# that `openssl ciphers -s -tls1_2 ALL:COMPLEMENTOFALL:@SECLEVEL=0` lists,
# each offered alone. Suites the server's certificates cannot serve (e.g.
# ECDSA suites without an ECDSA certificate) are, rightly, not accepted.
tls12_accepted_ciphers() {
	local -a cands
	IFS=: read -r -a cands <<<"$(openssl ciphers -s -tls1_2 \
		'ALL:COMPLEMENTOFALL:@SECLEVEL=0')"
	_tls_enumerate "$@" tls1_2 -cipher "${cands[@]}"
}

# tls13_accepted_suites OPTS... ADDR:PORT -- every TLS 1.3 suite the server
# accepts, one per line, sorted.
tls13_accepted_suites() {
	# shellcheck disable=SC2086
	_tls_enumerate "$@" tls1_3 -ciphersuites $TLS13_ALL_SUITES
}

# tls_group_accepted OPTS... ADDR:PORT VERSION GROUP -- true if a client
# offering only GROUP for key exchange completes a handshake.
tls_group_accepted() {
	local -a a=("${@:1:$(($# - 1))}")
	tls_handshake "${a[@]}" -groups "${!#}" >/dev/null
}

# --- certificates ------------------------------------------------------------

# tls_peer_cert OPTS... ADDR:PORT [VERSION [S_CLIENT_ARGS...]] -- print the
# server's leaf certificate (PEM).
tls_peer_cert() {
	_tls_parse "$@" || return 2
	local target=$_TLS_TARGET v
	local -a opts=("${_TLS_ARGS[@]:2}") rest=("${_TLS_REST[@]}")
	v=${rest[0]:-}
	rest=("${rest[@]:1}")
	# shellcheck disable=SC2046
	timeout "$TLS_TIMEOUT" openssl s_client -connect "$target" "${opts[@]}" \
		$(_tls_version_args "$v") "${rest[@]}" </dev/null 2>/dev/null |
		sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' |
		sed '/-----END CERTIFICATE-----/q'
}

# tls_peer_keytype OPTS... ADDR:PORT [VERSION [S_CLIENT_ARGS...]] -- ECDSA,
# RSA, RSA-PSS, Ed25519 or Ed448: the key type of the leaf served.
# Restrict what the client accepts with its arguments, e.g.
#   tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
#   tls1_3 -sigalgs ecdsa_secp256r1_sha256
tls_peer_keytype() {
	local pem alg
	pem=$(tls_peer_cert "$@")
	[ -n "$pem" ] || return 1
	alg=$(printf '%s\n' "$pem" | openssl x509 -noout -text 2>/dev/null |
		sed -n 's/^ *Public Key Algorithm: *//p' | head -n 1)
	case $alg in
	id-ecPublicKey) echo ECDSA ;;
	rsaEncryption) echo RSA ;;
	rsassaPss) echo RSA-PSS ;;
	ED25519) echo Ed25519 ;;
	ED448) echo Ed448 ;;
	*) echo "${alg:-unknown}" ;;
	esac
}

# tls_chain_length OPTS... ADDR:PORT [S_CLIENT_ARGS...] -- number of
# certificates the server sends (leaf included).
tls_chain_length() {
	tls_sclient "$@" -showcerts | grep -c -- '-----BEGIN CERTIFICATE-----'
}

# tls_verified OPTS... ADDR:PORT HOSTNAME -- true if the chain served
# verifies against $TLS_CAFILE for HOSTNAME.
tls_verified() {
	local -a a=("${@:1:$(($# - 1))}")
	tls_sclient "${a[@]}" -CAfile "$TLS_CAFILE" -verify_hostname "${!#}" \
		-verify_return_error | grep -q '^Verify return code: 0 (ok)'
}

# --- OCSP --------------------------------------------------------------------

# tls_staple OPTS... ADDR:PORT [S_CLIENT_ARGS...] -- true if the server
# staples a successful OCSP response (it may still be unverified: servers
# fetch lazily, see tls_wait_staple).
tls_staple() {
	tls_sclient "$@" -status |
		grep -q 'OCSP Response Status: successful'
}

# tls_staple_cert_status OPTS... ADDR:PORT [S_CLIENT_ARGS...] -- the
# certificate status in the stapled response: good, revoked, unknown, or
# "none" when nothing is stapled.
tls_staple_cert_status() {
	local s
	s=$(tls_sclient "$@" -status | sed -n 's/^ *Cert Status: *//p' | head -n 1)
	echo "${s:-none}"
}

# tls_wait_staple TRIES OPTS... ADDR:PORT [S_CLIENT_ARGS...] -- retry until
# a response is stapled, at most TRIES handshakes 0.2 s apart, and print
# its certificate status (good, revoked, unknown); "none" and status 1 if
# nothing was stapled. nginx fetches responses on demand and per worker
# process: the first handshakes carry none, and a later one may reach a
# worker that has none yet, so judge one handshake, not two.
tls_wait_staple() {
	local n=$1 i s
	shift
	for ((i = 0; i < n; i++)); do
		s=$(tls_staple_cert_status "$@")
		if [ "$s" != none ]; then
			echo "$s"
			return 0
		fi
		sleep 0.2
	done
	echo none
	return 1
}

# --- sessions ----------------------------------------------------------------

# tls_resumes OPTS... ADDR:PORT VERSION -- true if a second connection
# resumes the session of a first one.
# TLS 1.2: the session ID (or a ticket); TLS 1.3: the PSK from a
# NewSessionTicket, which arrives after the handshake, so the first client
# sends -send (default: a request that makes the server answer and close,
# see _tls_goodbye) and reads until the server closes.
tls_resumes() {
	_tls_parse "$@" || return 2
	local v=${_TLS_REST[0]} send=$_TLS_SEND sess out
	local -a a=("${@:1:$(($# - 1))}")
	[ -n "$send" ] || send=$(_tls_goodbye)
	sess=$(mktemp "${TMPDIR:-/tmp}/tls-sess.XXXXXX") || return 2
	out=$(tls_sclient -send "$send" "${a[@]}" -"$v" -sess_out "$sess")
	if [ -z "$(tls_summary "$out")" ] || [ ! -s "$sess" ]; then
		rm -f -- "$sess"
		return 1
	fi
	out=$(tls_sclient -send "$send" "${a[@]}" -"$v" -sess_in "$sess")
	rm -f -- "$sess"
	case $(tls_summary "$out") in
	Reused*) return 0 ;;
	esac
	return 1
}

# tls_session_tickets OPTS... ADDR:PORT VERSION -- what the server issues
# for resumption: "none" (no NewSessionTicket), "stateful" (TLS 1.3 tickets
# that only carry a 32-byte session ID: the server keeps the state, as
# OpenSSL servers do with tickets disabled) or "stateless" (tickets that
# carry the encrypted session: ticket keys on the server).
tls_session_tickets() {
	_tls_parse "$@" || return 2
	local v=${_TLS_REST[0]} send=$_TLS_SEND out max
	local -a a=("${@:1:$(($# - 1))}")
	[ -n "$send" ] || send=$(_tls_goodbye)
	out=$(tls_sclient -send "$send" "${a[@]}" -"$v")
	[ -n "$(tls_summary "$out")" ] || return 1
	# ticket sizes: the hex dump lines ("0000 - ..") after each
	# "TLS session ticket:" header, 16 bytes a line
	max=$(printf '%s\n' "$out" | awk '
		/TLS session ticket:/ { t = 1; n = 0; next }
		t && /^ *[0-9a-f][0-9a-f][0-9a-f][0-9a-f] - / { n += 16; next }
		t { if (n > max) max = n; t = 0 }
		END { if (t && n > max) max = n; print max + 0 }')
	if [ "$max" -eq 0 ]; then
		echo none
	elif [ "$max" -le 32 ]; then
		echo stateful
	else
		echo stateless
	fi
}

# --- HTTP (curl) -------------------------------------------------------------

# _http_args ADDR URL -- curl arguments to reach URL's host:port at ADDR,
# trusting $TLS_CAFILE, from $TLS_BIND; stored in the array _HTTP_ARGS.
_http_args() {
	local addr=$1 url=$2 hostport host port
	hostport=${url#*://}
	hostport=${hostport%%/*}
	hostport=${hostport%%\?*}
	host=${hostport%:*}
	if [ "$host" = "$hostport" ]; then
		case $url in https:*) port=443 ;; *) port=80 ;; esac
	else
		port=${hostport##*:}
	fi
	_HTTP_ARGS=(-sS --max-time "$TLS_TIMEOUT" --path-as-is
		--resolve "$host:$port:$addr")
	[ -n "$TLS_CAFILE" ] && _HTTP_ARGS+=(--cacert "$TLS_CAFILE")
	[ -n "$TLS_BIND" ] && _HTTP_ARGS+=(--interface "$TLS_BIND")
	return 0
}

# http_code ADDR URL [CURL_ARGS...] -- the status code ("000": no answer).
http_code() {
	_http_args "$1" "$2"
	curl "${_HTTP_ARGS[@]}" -o /dev/null -w '%{http_code}\n' "${@:3}" "$2" \
		2>/dev/null
	return 0
}

# http_headers ADDR URL [CURL_ARGS...] -- the response header block (GET,
# body discarded), CRs removed.
http_headers() {
	_http_args "$1" "$2"
	curl "${_HTTP_ARGS[@]}" -D - -o /dev/null "${@:3}" "$2" 2>/dev/null |
		tr -d '\r'
}

# http_header ADDR URL NAME [CURL_ARGS...] -- every value of header NAME
# (case-insensitive), one per line; nothing if absent.
http_header() {
	local name=$3
	http_headers "$1" "$2" "${@:4}" | awk -v n="$name" '
		BEGIN { n = tolower(n) ":" }
		{ i = index($0, ":") }
		i && tolower(substr($0, 1, i)) == n {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v
		}'
}

# http_location ADDR URL [CURL_ARGS...] -- the Location header, verbatim.
http_location() {
	http_header "$1" "$2" Location "${@:3}"
}

# http_body ADDR URL [CURL_ARGS...] -- the response body.
http_body() {
	_http_args "$1" "$2"
	curl "${_HTTP_ARGS[@]}" "${@:3}" "$2" 2>/dev/null
}

# --- self-test -----------------------------------------------------------------

# tls_selftest_legacy ADDR PORT CERT KEY WORKDIR -- start a throw-away
# `openssl s_server` that accepts every version from TLS 1.0 up (SECLEVEL
# 0) on ADDR:PORT and print the versions tls_accepts finds there, e.g.
# "tls1 tls1_1 tls1_2 tls1_3". A script that relies on "TLS 1.0 refused"
# should first see tls1 and tls1_1 here: it proves the local client can
# still speak them, so a refusal elsewhere is the server's. Needs
# common.sh (run_bg, wait_port, daemon_stop).
tls_selftest_legacy() {
	local addr=$1 port=$2 cert=$3 key=$4 dir=$5 pid v found=
	run_bg pid "$dir/selftest-s_server.log" openssl s_server \
		-accept "$addr:$port" -cert "$cert" -key "$key" \
		-min_protocol TLSv1 -cipher 'DEFAULT@SECLEVEL=0' -www -naccept 8
	if ! wait_port "$addr" "$port" 50; then
		daemon_stop "$pid" >/dev/null 2>&1
		return 1
	fi
	for v in tls1 tls1_1 tls1_2 tls1_3; do
		tls_accepts "$addr:$port" "$v" && found="$found $v"
	done
	daemon_stop "$pid" >/dev/null 2>&1
	echo "${found# }"
}
