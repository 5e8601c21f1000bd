# tests/e2e/lib/mail-suite.sh -- the end-to-end mail and XMPP test, whatever
# produced the configuration: Postfix, Dovecot and ejabberd are each checked
# with the server's own tool, booted as a private instance (temp dir,
# 127.0.0.4/5/6, high ports, stopped by pid) and probed with real clients
# for the Mozilla intermediate 6.0 policy.  Facts behind every check:
# docs/notes-mail.md.
#
# The caller sources common.sh, tls.sh and mail.sh, defines
#     mail_produce T PKI
# which must write the three servers' files and set PFC (Postfix config
# dir), DVC (dovecot.conf) and EJY (ejabberd.yml), give Dovecot a test user
# alice/secret and ejabberd a copy of its pair it can read, and register
# the stops with at_exit; then it calls mail_suite NAME.
# shellcheck shell=bash disable=SC2034,SC2317

mail_suite() {
START_TIME=$(date +%s)
MAIL=$HERE/mail
ROOT=$(cd "$HERE/../.." && pwd)
# --- the policy ------------------------------------------------------------------
PROFILE_TLS12=(ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-GCM-SHA256
	ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-RSA-AES256-GCM-SHA384
	ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-RSA-CHACHA20-POLY1305)
PROFILE_TLS13=(TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384
	TLS_CHACHA20_POLY1305_SHA256)
# sorted WORD... -- the words sorted, on one line (as the probes print them)
sorted() { printf '%s\n' "$@" | sort | paste -sd' '; }
WANT12_DUAL=$(sorted "${PROFILE_TLS12[@]}")
WANT12_ECDSA=$(printf '%s\n' "${PROFILE_TLS12[@]}" | grep ECDSA | sort | paste -sd' ')
WANT13=$(sorted "${PROFILE_TLS13[@]}")

# --- prerequisites ---------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "mail servers" "not root"
	e2e_finish
fi
for tool in openssl python3 script; do
	if ! have "$tool"; then
		skip "mail servers" "no $tool"
		e2e_finish
	fi
done
HAVE_PF=1 HAVE_DV=1 HAVE_EJ=1
if ! have postfix || ! have postconf; then HAVE_PF=; skip postfix "not installed"; fi
if ! have dovecot || ! have doveconf; then HAVE_DV=; skip dovecot "not installed"; fi
if ! have ejabberdctl; then HAVE_EJ=; skip ejabberd "not installed"; fi
if [ -n "$HAVE_PF" ] && [ -z "$HAVE_DV" ]; then
	# submission SASL goes through Dovecot's auth socket
	HAVE_PF=
	skip postfix "needs dovecot for SASL"
fi

e2e_init
T=$E2E_TMP
PKI=$T/pki
if ! out=$(bash "$ROOT/tests/pki/mkpki.sh" "$PKI" 2>&1); then
	fail "test PKI (tests/pki/mkpki.sh)" "$out"
	e2e_finish
fi
# shellcheck disable=SC2034 # read by tls.sh (tls_verified)
TLS_CAFILE=$PKI/bundle.pem
# Every probe comes from 127.0.0.9: not the servers' own addresses (Dovecot
# treats a client whose address equals its own as secure) and outside
# Postfix's mynetworks.
TLS_BIND=127.0.0.9
PROBE=(python3 "$MAIL/probe.py" --source "$TLS_BIND")



# --- produce the configuration ----------------------------------------------------
if ! mail_produce "$T" "$PKI" >"$T/produce.log" 2>&1; then
	fail "$1: produce the configuration" "$(cat "$T/produce.log")"
	e2e_finish
fi

# --- each server's own checker ---------------------------------------------------
if [ -n "$HAVE_PF" ]; then
	postfix_prepare "$PFC" || fail "postfix: prepare layout"
	check "postfix: postconf -n, postconf -M, postfix check: no warning" \
		postfix_check "$PFC"
	# DANE variant: the producer's own (mail_produce_dane T DIR) or
	# main-dane.cf's settings on top of a copy of main.cf
	PFD=$T/postfix-dane
	if declare -F mail_produce_dane >/dev/null; then
		mail_produce_dane "$T" "$PFD" >"$T/produce-dane.log" 2>&1 ||
			fail "postfix DANE variant: produce" "$(cat "$T/produce-dane.log")"
	else
		cp -a "$PFC" "$PFD"
		sed -n 's/^\([a-z_0-9]*\) *= *\(.*\)$/\1=\2/p' "$MAIL/postfix/main-dane.cf" |
			while IFS= read -r kv; do postconf -c "$PFD" -e "$kv"; done
	fi
	check_eq "postfix DANE variant: smtp_tls_security_level" dane \
		"$(postconf -c "$PFD" -h smtp_tls_security_level)"
	check "postfix DANE variant: no warning" postfix_check "$PFD"
fi
if [ -n "$HAVE_DV" ]; then
	dovecot_prepare "$DVC" || fail "dovecot: prepare layout"
	check "dovecot: doveconf -n, doveconf -x: no warning" dovecot_check "$DVC"
fi

# --- boot ------------------------------------------------------------------------
# Dovecot first: it creates Postfix's SASL socket (queue/private/auth,
# a directory `postfix check` created); without it submission smtpd exits
# "no SASL authentication mechanisms" and master throttles the service.
if [ -n "$HAVE_DV" ]; then
	if out=$(dovecot_start "$DVC" 2>&1); then
		ok "dovecot: boots (127.0.0.5:10143, 10993)"
	else
		fail "dovecot: boots" "$out
$(tail -n 20 "$(dovecot_log "$DVC")" 2>/dev/null)"
		HAVE_DV=
	fi
fi
if [ -n "$HAVE_PF" ]; then
	if out=$(postfix_start "$PFC" 2>&1); then
		ok "postfix: boots (127.0.0.4:12525, 12587, 12465)"
	else
		fail "postfix: boots" "$out
$(tail -n 20 "$(postfix_log "$PFC")" 2>/dev/null)"
		HAVE_PF=
	fi
fi
if [ -n "$HAVE_EJ" ]; then
	if out=$(ejabberd_start "$EJY" "$T" 2>&1); then
		ok "ejabberd: boots (127.0.0.6:15222, 15223, 15269)"
		# no offline checker: a config error stops the boot, a doubtful
		# setting is a [warning] in the log
		check "ejabberd: log after boot has no warning/error" ejabberd_check "$T"
	else
		fail "ejabberd: boots" "$out
$(tail -n 20 "$(ejabberd_log "$T")" 2>/dev/null)"
		HAVE_EJ=
	fi
fi

# --- probes ----------------------------------------------------------------------

# versions LABEL OPTS... ADDR:PORT -- TLS 1.0/1.1 refused by the server (the
# client lowers its own security level), TLS 1.2/1.3 accepted.
versions() {
	local label=$1
	shift
	if tls_handshake "$@" tls1 >/dev/null; then fail "$label: TLSv1 refused"; else ok "$label: TLSv1 refused"; fi
	if tls_handshake "$@" tls1_1 >/dev/null; then fail "$label: TLSv1.1 refused"; else ok "$label: TLSv1.1 refused"; fi
	check "$label: TLSv1.2 accepted" tls_accepts "$@" tls1_2
	check "$label: TLSv1.3 accepted" tls_accepts "$@" tls1_3
}

# ciphers LABEL WANT12 OPTS... ADDR:PORT -- exactly the profile's suites.
ciphers() {
	local label=$1 want=$2
	shift 2
	check_eq "$label: TLS 1.2 ciphers are the profile's" "$want" \
		"$(tls12_accepted_ciphers "$@" | paste -sd' ')"
	check_eq "$label: TLS 1.3 suites are the profile's" "$WANT13" \
		"$(tls13_accepted_suites "$@" | paste -sd' ')"
}

# client_order LABEL OPTS... ADDR:PORT -- server order off: the client's
# first choice wins, whichever order it offers.
client_order() {
	local label=$1 a b
	shift
	a=$(tls_cipher "$@" tls1_2 ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256)
	b=$(tls_cipher "$@" tls1_2 ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384)
	check_eq "$label: TLS 1.2 client cipher order honoured" \
		"ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-AES128-GCM-SHA256" "$a $b"
	a=$(tls_cipher "$@" tls1_3 TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256)
	b=$(tls_cipher "$@" tls1_3 TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256)
	check_eq "$label: TLS 1.3 client suite order honoured" \
		"TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_GCM_SHA256" "$a $b"
}

# groups LABEL OPTS... ADDR:PORT -- X25519, P-256, P-384 only (and the
# caller's MAIL_EXTRA_GROUPS: X25519MLKEM768 for an OpenSSL 3.5 target).
groups() {
	local label=$1 g
	shift
	for g in X25519 P-256 P-384 ${MAIL_EXTRA_GROUPS:-}; do
		check "$label: group $g accepted" tls_group_accepted "$@" tls1_3 "$g"
	done
	for g in P-521 X448 ffdhe2048; do
		if tls_group_accepted "$@" tls1_3 "$g"; then
			fail "$label: group $g refused"
		else
			ok "$label: group $g refused"
		fi
	done
}

# chain LABEL HOST OPTS... ADDR:PORT -- leaf + intermediate, verifies.
chain() {
	local label=$1 host=$2
	shift 2
	check_eq "$label: serves leaf + intermediate" 2 "$(tls_chain_length "$@")"
	check "$label: chain verifies for $host" tls_verified "$@" "$host"
}

# pairs LABEL OPTS... ADDR:PORT -- ECDSA by default, RSA to RSA-only clients.
pairs() {
	local label=$1
	shift
	check_eq "$label: ECDSA pair for a default client" ECDSA \
		"$(tls_peer_keytype "$@" tls1_3)"
	check_eq "$label: RSA pair for an RSA-only TLS 1.2 client" RSA \
		"$(tls_peer_keytype "$@" tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256)"
	check_eq "$label: RSA pair for an RSA-only TLS 1.3 client" RSA \
		"$(tls_peer_keytype "$@" tls1_3 -sigalgs rsa_pss_rsae_sha256:rsa_pkcs1_sha256)"
}

if [ -n "$HAVE_PF" ]; then
	PF25=(-starttls smtp -name probe.example.net 127.0.0.4:12525)
	PF587=(-starttls smtp -name probe.example.net 127.0.0.4:12587)
	PF465=(127.0.0.4:12465)
	# implicit TLS: tls.sh cannot guess the protocol's goodbye (it sends an
	# HTTP request); sessions need the server to answer and close
	PF465_BYE=(-send 'QUIT\r\n' "${PF465[@]}")
	versions "postfix 25 (STARTTLS, may)" "${PF25[@]}"
	versions "postfix 587 (STARTTLS, encrypt)" "${PF587[@]}"
	versions "postfix 465 (implicit TLS)" "${PF465[@]}"
	# opportunistic sessions: smtpd_tls_ciphers; mandatory: *_mandatory_*
	ciphers "postfix 25 (opportunistic)" "$WANT12_DUAL" "${PF25[@]}"
	ciphers "postfix 465 (mandatory)" "$WANT12_DUAL" "${PF465[@]}"
	client_order "postfix 465" "${PF465[@]}"
	groups "postfix 465" "${PF465[@]}"
	chain "postfix 25" mail.example.org "${PF25[@]}"
	chain "postfix 465" mail.example.org "${PF465[@]}"
	pairs "postfix 25" "${PF25[@]}"
	pairs "postfix 465" "${PF465[@]}"
	# resumption: server-side cache (tlsmgr), tickets off (policy)
	for v in tls1_2 tls1_3; do
		check "postfix 25: session resumed ($v)" tls_resumes "${PF25[@]}" "$v"
		check "postfix 465: session resumed ($v)" tls_resumes "${PF465_BYE[@]}" "$v"
	done
	check_eq "postfix 465: no TLS 1.2 session ticket (tickets off)" none \
		"$(tls_session_tickets "${PF465_BYE[@]}" tls1_2)"
	check_eq "postfix 465: TLS 1.3 tickets are stateful (tickets off)" stateful \
		"$(tls_session_tickets "${PF465_BYE[@]}" tls1_3)"
	# SASL: never before TLS
	check "postfix 587: no AUTH before STARTTLS, AUTH refused (530)" \
		"${PROBE[@]}" smtp-noauth-before-tls 127.0.0.4 12587
	check "postfix 587: AUTH PLAIN after STARTTLS (Dovecot SASL)" \
		"${PROBE[@]}" smtp-auth-after-tls 127.0.0.4 12587 alice secret
	check "postfix 465: AUTH PLAIN inside implicit TLS" \
		"${PROBE[@]}" smtps-auth 127.0.0.4 12465 alice secret
	check "postfix 25: no AUTH before STARTTLS" \
		"${PROBE[@]}" smtp-noauth-before-tls 127.0.0.4 12525
fi

if [ -n "$HAVE_DV" ]; then
	DV143=(-starttls imap 127.0.0.5:10143)
	DV993=(127.0.0.5:10993)
	DV993_BYE=(-send 'a1 LOGOUT\r\n' "${DV993[@]}")
	versions "dovecot 143 (STARTTLS)" "${DV143[@]}"
	versions "dovecot 993 (implicit TLS)" "${DV993[@]}"
	ciphers "dovecot 993" "$WANT12_DUAL" "${DV993[@]}"
	client_order "dovecot 993" "${DV993[@]}"
	groups "dovecot 993" "${DV993[@]}"
	chain "dovecot 143" mail.example.org "${DV143[@]}"
	chain "dovecot 993" mail.example.org "${DV993[@]}"
	pairs "dovecot 993" "${DV993[@]}"
	check "dovecot 143: LOGINDISABLED, LOGIN and AUTHENTICATE refused before STARTTLS" \
		"${PROBE[@]}" imap-nologin-before-tls 127.0.0.5 10143 alice secret
	check "dovecot 143: LOGIN after STARTTLS" \
		"${PROBE[@]}" imap-login-after-tls 127.0.0.5 10143 alice secret
	# documented: one login process per connection (the default,
	# service_count = 1) keeps its session cache and ticket key to itself
	for v in tls1_2 tls1_3; do
		if tls_resumes "${DV993_BYE[@]}" "$v"; then
			fail "dovecot 993: no resumption ($v) with a login process per connection (as documented)"
		else
			ok "dovecot 993: no resumption ($v) with a login process per connection (as documented)"
		fi
	done
	# tickets off: ssl_options no_ticket (issue 12); OpenSSL then sends
	# TLS 1.3 tickets as session IDs ("stateful"), useless across processes
	check_eq "dovecot 993: no TLS 1.2 session ticket (tickets off)" none \
		"$(tls_session_tickets "${DV993_BYE[@]}" tls1_2)"
	check_eq "dovecot 993: TLS 1.3 tickets are stateful (tickets off)" \
		stateful "$(tls_session_tickets "${DV993_BYE[@]}" tls1_3)"
fi

if [ -n "$HAVE_EJ" ]; then
	EJ5222=(-starttls xmpp -name example.org 127.0.0.6:15222)
	EJ5223=(127.0.0.6:15223)
	EJ5223_BYE=(-send '</stream:stream>' "${EJ5223[@]}")
	EJ5269=(-starttls xmpp-server -name example.org 127.0.0.6:15269)
	versions "ejabberd 5222 (c2s STARTTLS)" "${EJ5222[@]}"
	versions "ejabberd 5223 (c2s direct TLS)" "${EJ5223[@]}"
	versions "ejabberd 5269 (s2s STARTTLS)" "${EJ5269[@]}"
	# one pair only: the ECDSA suites
	ciphers "ejabberd 5223 (c2s)" "$WANT12_ECDSA" "${EJ5223[@]}"
	ciphers "ejabberd 5269 (s2s)" "$WANT12_ECDSA" "${EJ5269[@]}"
	client_order "ejabberd 5223" "${EJ5223[@]}"
	chain "ejabberd 5222" example.org "${EJ5222[@]}"
	chain "ejabberd 5223" example.org "${EJ5223[@]}"
	chain "ejabberd 5269" example.org "${EJ5269[@]}"
	check "ejabberd 5222: STARTTLS required, no SASL before TLS" \
		"${PROBE[@]}" xmpp-tls-required 127.0.0.6 15222 example.org
	check "ejabberd 5269: s2s STARTTLS required" \
		"${PROBE[@]}" xmpp-tls-required 127.0.0.6 15269 example.org server
	# What fast_tls under ejabberd 23.01 cannot do; each check confirms a
	# limitation stated in docs/notes-mail.md (it fails once it is lifted).
	for g in X25519 P-256 P-384 P-521; do
		check "ejabberd 5223: group $g accepted (groups not settable)" \
			tls_group_accepted "${EJ5223[@]}" tls1_3 "$g"
	done
	if tls_handshake "${EJ5223[@]}" tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 >/dev/null; then
		fail "ejabberd 5223: RSA-only client refused (one pair per domain)"
	else
		ok "ejabberd 5223: RSA-only client refused (one pair per domain)"
	fi
	for v in tls1_2 tls1_3; do
		if tls_resumes "${EJ5223_BYE[@]}" "$v"; then
			fail "ejabberd 5223: no resumption ($v: cache and tickets off)"
		else
			ok "ejabberd 5223: no resumption ($v: cache and tickets off)"
		fi
	done
	# OpenSSL still sends TLS 1.3 tickets under SSL_OP_NO_TICKET ("stateful":
	# a session ID), but fast_tls turned the session cache off: useless
	check_eq "ejabberd 5223: TLS 1.3 tickets stateful, yet not resumable" stateful \
		"$(tls_session_tickets "${EJ5223_BYE[@]}" tls1_3)"
fi

# More probes of the caller's, if any.
if declare -F mail_extra_probes >/dev/null; then
	mail_extra_probes
fi

# --- logs: nothing unexpected ----------------------------------------------------
# The refused probes are expected: Postfix logs each as a warning "TLS
# library problem", ejabberd each as a [warning] "Failed to secure c2s
# connection" / "... inbound s2s connection"; Dovecot logs them as Info.
if [ -n "$HAVE_PF" ]; then
	check "postfix: maillog has no warning but the refused probes" \
		postfix_log_problems "$PFC" 'warning: TLS library problem: '
fi
if [ -n "$HAVE_DV" ]; then
	check "dovecot: log has no warning/error" dovecot_log_problems "$DVC"
fi
if [ -n "$HAVE_EJ" ]; then
	check "ejabberd: log has no warning/error but the refused probes" \
		ejabberd_log_problems "$T" "Failed to secure (c2s|inbound s2s) connection: TLS failed: ${EJABBERD_KNOWN_WARNINGS:+|$EJABBERD_KNOWN_WARNINGS}"
fi

# --- stop: nothing left running --------------------------------------------------
# shellcheck disable=SC2317 # called through check
stopped() {
	local p rc=0 l
	if [ -n "$HAVE_EJ" ]; then
		p=$(cat "$T/ejabberd/pid" 2>/dev/null)
		ejabberd_stop "$T"
		pid_alive "$p" && { echo "ejabberd pid $p alive"; rc=1; }
	fi
	if [ -n "$HAVE_PF" ]; then
		p=$(tr -dc '0-9' 2>/dev/null <"$(postfix_pidfile "$PFC")")
		postfix_stop "$PFC"
		pid_alive "$p" && { echo "postfix master $p alive"; rc=1; }
	fi
	if [ -n "$HAVE_DV" ]; then
		p=$(tr -dc '0-9' 2>/dev/null <"$(dovecot_pidfile "$DVC")")
		dovecot_stop "$DVC"
		pid_alive "$p" && { echo "dovecot master $p alive"; rc=1; }
	fi
	for l in 127.0.0.4:12525 127.0.0.4:12587 127.0.0.4:12465 \
		127.0.0.5:10143 127.0.0.5:10993 127.0.0.6:15222 127.0.0.6:15223 \
		127.0.0.6:15269 127.0.0.1:"$EJABBERD_DIST_PORT"; do
		wait_port_free "${l%:*}" "${l##*:}" 30 || { echo "$l still listening"; rc=1; }
	done
	return "$rc"
}
check "all servers stopped, every port free" stopped

echo "run time: $(($(date +%s) - START_TIME)) s"
e2e_finish

}
