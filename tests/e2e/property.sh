#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# property.sh -- a description tlsgen accepts gives files every server
# loads and can bind; anything else is refused at its line.
#
# For COUNT random, schema-valid descriptions (tests/prop/gendesc.py,
# seeds SEED .. SEED+COUNT-1, deterministic per seed):
#   1. tlsgen validate, then tlsgen generate --no-cert-check (the pairs are
#      real test certificates: the servers load them).  A refusal (exit 2)
#      passes only if every error names FILE:LINE.
#   2. Every server's own check on what was written: nginx -t (no
#      warning), apache2 -t, postconf -n / -M and postfix check (no
#      warning), doveconf -n / -x (no warning), and ejabberd's own
#      configuration loader (ejabberd_config:load(), in one Erlang VM for
#      all descriptions: tests/prop/ejabberd-check.erl).
#   3. Every socket the files name, bound for real in this script's
#      private network namespace (every address of the generator is put
#      on its lo): nginx and Apache are booted from the generated files
#      and, while they run, the Postfix, Dovecot and ejabberd listeners
#      are bound as those servers bind them (tests/prop/bind.py); every
#      BOOT_MAIL_EVERY-th description with mail (default 8, the first
#      included) boots the real Postfix and Dovecot instead.
# Prints tried, refused, failed; for each failure the seed and the check.
#
# Environment: SEED (default 1), COUNT (default 30 in `make check`: about
# 85 s of CPU time, 2.8 s per description, the PKI and ejabberd's VM
# included), BOOT_MAIL_EVERY (default 8), PROP_KEEP=1 keeps every
# description's directory (desc.xml, logs, output) for a post-mortem.
# `make property SEED=123 COUNT=500` runs more.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PROP=$HERE/../prop

# A network namespace of our own: the addresses below are added to its lo
# and nothing binds outside it.
if [ "${PROP_IN_NETNS:-}" != 1 ]; then
	if unshare -n true 2>/dev/null; then
		PROP_IN_NETNS=1 exec unshare -n bash "$0" "$@"
	fi
fi

. "$HERE/lib/common.sh"
. "$HERE/lib/mail.sh"
tlsgen_bin

SEED=${SEED:-1}
COUNT=${COUNT:-30}

e2e_init
T=$E2E_TMP
if [ "${PROP_IN_NETNS:-}" != 1 ]; then
	skip "property" "no private network namespace (unshare -n)"
	e2e_finish
fi
need python3 "property" || e2e_finish

ip link set lo up
for a in 192.0.2.10 192.0.2.11 192.0.2.12; do
	ip addr add "$a/32" dev lo
done
for a in 2001:db8::10 2001:db8::11 2001:db8::12; do
	ip -6 addr add "$a/128" dev lo nodad
done

# The test PKI, readable by the servers' unprivileged users (ejabberd,
# www-data): a private copy under $T.
PKI=$T/pki
if ! bash "$HERE/../pki/mkpki.sh" "$PKI" >"$T/pki.log" 2>&1; then
	fail "test PKI" "$(tail -n 5 "$T/pki.log")"
	e2e_finish
fi
chmod 0644 "$PKI"/*.key

TRIED=0 REFUSED=0 FAILED=0
FAILURES=()

# bad SEED CHECK DETAIL -- one failed check of one description.
bad() {
	FAILURES+=("seed $1: $2")
	fail "seed $1: $2" "$3"
}

# refused_at_line XML LOG -- every error line names XML:LINE.
refused_at_line() {
	local xml=$1 log=$2 line n=0
	while IFS= read -r line; do
		case $line in
		*warning:* | *": note:"*) continue ;;
		"$xml":[0-9]*:*) n=$((n + 1)) ;;
		*) echo "$line"; return 1 ;;
		esac
	done <"$log"
	[ "$n" -gt 0 ]
}

# nginx_check ETC -- nginx -t, no warning.
nginx_check() {
	local o=$1 out
	cp /etc/nginx/mime.types "$o/nginx/"
	out=$(nginx -t -c "$o/nginx/nginx.conf" -e "$D/log/nginx/t.log" 2>&1) || {
		echo "$out"
		return 1
	}
	# <ocsp-stapling mode="on"> staples "regardless" (tlsgen-description(5);
	# generate warns when it reads the certificates, which --no-cert-check
	# skips): nginx's notice that a leaf names no responder is that case.
	out=$(printf '%s\n' "$out" | grep -vE 'syntax is ok|test is successful' |
		grep -vE '"ssl_stapling" ignored, no OCSP responder URL in the certificate "[^"]*-noocsp\.fullchain\.pem"')
	[ -z "$out" ] || { echo "$out"; return 1; }
}

apache_check() {
	apache2 -d "$1/apache2" -f "$1/apache2/apache2.conf" -t 2>&1
}

# boot_web ETC -- start nginx and Apache from the files, as they would run
# (they bind every socket they name), then bind the mail and XMPP sockets
# beside them; stop everything.
boot_web() {
	local o=$1 rc=0 pids=()
	if [ -f "$o/nginx/nginx.conf" ]; then
		if ! nginx -c "$o/nginx/nginx.conf" -e "$D/log/nginx/boot.log" \
			>"$D/nginx-boot.out" 2>&1; then
			echo "nginx start: $(cat "$D/nginx-boot.out")"
			rc=1
		elif ! wait_pidfile "$D/run/nginx.pid" 50 >/dev/null; then
			echo "nginx: no pid file"
			rc=1
		else
			pids+=("$D/run/nginx.pid")
		fi
	fi
	if [ -f "$o/apache2/apache2.conf" ] && [ "$rc" = 0 ]; then
		if ! apache2 -d "$o/apache2" -f "$o/apache2/apache2.conf" -k start \
			>"$D/apache-boot.out" 2>&1; then
			echo "apache2 start: $(cat "$D/apache-boot.out")"
			rc=1
		elif ! wait_pidfile "$D/run/apache2/apache2.pid" 50 >/dev/null; then
			echo "apache2: no pid file: $(grep -E 'emerg|error' \
				"$D/log/apache2/error.log" | head -n 5)"
			rc=1
		else
			pids+=("$D/run/apache2/apache2.pid")
		fi
	fi
	# A sample boots Postfix and Dovecot for real too (a few seconds
	# each); the others have their sockets bound as those servers would.
	local bindonly=(postfix dovecot ejabberd) booted=()
	if [ "$rc" = 0 ] && [ "$BOOT_MAIL" = 1 ]; then
		bindonly=(ejabberd)
		if [ -f "$o/postfix/main.cf" ]; then
			if postfix_start "$o/postfix" 100 >"$D/postfix-boot.out" 2>&1; then
				booted+=(postfix)
			else
				echo "postfix start: $(cat "$D/postfix-boot.out"; tail -n 3 "$(postfix_log "$o/postfix")")"
				rc=1
			fi
		fi
		if [ -f "$o/dovecot/dovecot.conf" ] && [ "$rc" = 0 ]; then
			if dovecot_start "$o/dovecot/dovecot.conf" 100 >"$D/dovecot-boot.out" 2>&1; then
				booted+=(dovecot)
			else
				echo "dovecot start: $(cat "$D/dovecot-boot.out"; tail -n 3 "$(dovecot_log "$o/dovecot/dovecot.conf")")"
				rc=1
			fi
		fi
	fi
	if [ "$rc" = 0 ]; then
		python3 "$PROP/bind.py" "$o" "${bindonly[@]}" || rc=1
	fi
	local p
	for p in "${booted[@]}"; do
		case $p in
		postfix) postfix_stop "$o/postfix" ;;
		dovecot) dovecot_stop "$o/dovecot/dovecot.conf" ;;
		esac
	done
	for p in "${pids[@]}"; do
		daemon_stop "$p" 100 || true
	done
	return "$rc"
}

EJ_FILES=()
EJ_SEEDS=()

one() {
	local seed=$1 xml out o log
	D=$T/d$seed
	mkdir -p "$D"
	xml=$D/desc.xml
	python3 "$PROP/gendesc.py" "$seed" "$PKI" "$D" >"$xml" || {
		bad "$seed" "generator" ""
		return
	}
	TRIED=$((TRIED + 1))
	log=$D/validate.log
	"$TLSGEN" validate "$xml" >"$log" 2>&1
	case $? in
	0) ;;
	2)
		if out=$(refused_at_line "$xml" "$log"); then
			REFUSED=$((REFUSED + 1))
			ok "seed $seed: refused at its line"
		else
			bad "$seed" "validate refused without a line" "$out"
		fi
		return
		;;
	*)
		bad "$seed" "validate" "$(cat "$log")"
		return
		;;
	esac
	o=$D/out
	log=$D/generate.log
	"$TLSGEN" generate "$xml" -o "$o" --no-cert-check >"$log" 2>&1
	case $? in
	0) ;;
	2)
		if out=$(refused_at_line "$xml" "$log"); then
			REFUSED=$((REFUSED + 1))
			ok "seed $seed: refused at its line by generate"
		else
			bad "$seed" "generate refused without a line" "$out"
		fi
		return
		;;
	*)
		bad "$seed" "generate" "$(cat "$log")"
		return
		;;
	esac
	o=$o/etc
	mkdir -p "$D/log/nginx" "$D/log/apache2" "$D/run/apache2" "$D/lib/nginx"
	if [ -f "$o/nginx/nginx.conf" ]; then
		out=$(nginx_check "$o") || bad "$seed" "nginx -t" "$out"
	fi
	if [ -f "$o/apache2/apache2.conf" ]; then
		out=$(apache_check "$o") || bad "$seed" "apache2 -t" "$out"
	fi
	if [ -f "$o/postfix/main.cf" ]; then
		out=$(postfix_prepare "$o/postfix" && postfix_check "$o/postfix") ||
			bad "$seed" "postfix check" "$out"
	fi
	if [ -f "$o/dovecot/dovecot.conf" ]; then
		out=$(dovecot_prepare "$o/dovecot/dovecot.conf" &&
			dovecot_check "$o/dovecot/dovecot.conf") ||
			bad "$seed" "doveconf" "$out"
	fi
	if [ -f "$o/ejabberd/ejabberd.yml" ]; then
		EJ_FILES+=("$o/ejabberd/ejabberd.yml")
		EJ_SEEDS+=("$seed")
	fi
	BOOT_MAIL=0
	if [ -f "$o/postfix/main.cf" ] || [ -f "$o/dovecot/dovecot.conf" ]; then
		MAIL_SEEN=$((MAIL_SEEN + 1))
		[ $(((MAIL_SEEN - 1) % BOOT_MAIL_EVERY)) -eq 0 ] && BOOT_MAIL=1
	fi
	out=$(boot_web "$o" 2>&1) || bad "$seed" "bind" "$out"
}
MAIL_SEEN=0
BOOT_MAIL_EVERY=${BOOT_MAIL_EVERY:-8}

for ((s = SEED; s < SEED + COUNT; s++)); do
	f0=${#FAILURES[@]}
	one "$s"
	if [ "${#FAILURES[@]}" -eq "$f0" ] && [ -d "$T/d$s/out" ]; then
		ok "seed $s: every server loads and binds its files"
	fi
done

# ejabberd: its own loader, every file in one VM.
EB=$(dirname "$(dpkg -L ejabberd 2>/dev/null | grep '/ebin/ejabberd_config.beam$' | head -n 1)")
if [ "${#EJ_FILES[@]}" -gt 0 ]; then
	if [ -z "$EB" ] || ! have erlc; then
		skip "ejabberd loads its YAML" "no ejabberd or erlc"
	else
		mkdir -p "$T/ebin"
		erlc -o "$T/ebin" "$PROP/ejabberd-check.erl"
		erl -noshell -pa "$EB" -pa "$T/ebin" -s ejabberd-check main \
			-extra "${EJ_FILES[@]}" 2>&1 | grep '^ejabberd-check: ' >"$T/ej.out"
		for i in "${!EJ_FILES[@]}"; do
			line=$(grep -F " ${EJ_FILES[i]}" "$T/ej.out" | head -n 1)
			case $line in
			"ejabberd-check: ok "*) ;;
			*) bad "${EJ_SEEDS[i]}" "ejabberd loads its YAML" "${line:-no answer}" ;;
			esac
		done
	fi
fi

# Failures per description (a description may fail several checks).
declare -A failed_seed=()
for f in "${FAILURES[@]}"; do
	s=${f#seed }
	failed_seed[${s%%:*}]=1
done
FAILED=${#failed_seed[@]}
echo "property: seeds $SEED..$((SEED + COUNT - 1)): tried $TRIED, refused $REFUSED, failed $FAILED"
for f in "${FAILURES[@]}"; do
	echo "  $f"
done
if [ "${PROP_KEEP:-}" = 1 ]; then
	E2E_KEEP=1
fi
e2e_finish
