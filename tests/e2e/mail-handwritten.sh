#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# tests/e2e/mail-handwritten.sh -- the hand-written, hardened Postfix,
# Dovecot and ejabberd configurations (tests/e2e/mail/*) that tlsgen's
# templates reproduce: each is checked with the server's own tool, booted
# as a private instance (temp dir, 127.0.0.4/5/6, high ports, stopped by
# pid) and probed with real clients for the Mozilla intermediate 6.0 policy.
#
# Needs root (the servers drop privileges to their own users), postfix,
# dovecot-imapd, ejabberd, openssl and python3. Facts behind every check:
# docs/notes-mail.md.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MAIL=$HERE/mail
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
# shellcheck source=lib/tls.sh
. "$HERE/lib/tls.sh"
# shellcheck source=lib/mail.sh
. "$HERE/lib/mail.sh"

START_TIME=$(date +%s)

# shellcheck source=lib/mail-suite.sh
. "$HERE/lib/mail-suite.sh"

# mail_produce T PKI -- fill the hand-written reference files.
mail_produce() {
	local T=$1 PKI=$2
	PFC=$T/postfix/etc
	DVC=$T/dovecot/etc/dovecot.conf
	EJY=$T/ejabberd/etc/ejabberd.yml
	if [ -n "$HAVE_PF" ]; then
		mkdir -p "$PFC"
		for f in main.cf master.cf tls_config; do
			mail_fill "$MAIL/postfix/$f" "$PFC/$f" T="$T" PKI="$PKI" CONF="$PFC" ||
				fail "postfix: fill $f"
		done
		at_exit "postfix_stop '$PFC'"
	fi
	if [ -n "$HAVE_DV" ]; then
		mkdir -p "$(dirname "$DVC")" "$T/dovecot/home"
		mail_fill "$MAIL/dovecot/dovecot.conf" "$DVC" T="$T" PKI="$PKI" \
			POSTFIX_AUTH="$T/postfix/spool/private/auth" || fail "dovecot: fill"
		echo 'alice:{PLAIN}secret' >"$T/dovecot/passwd"
		chown nobody:nogroup "$T/dovecot/home"
		at_exit "dovecot_stop '$DVC'"
	fi
	if [ -n "$HAVE_EJ" ]; then
		# ejabberd runs as user ejabberd: its own readable copies of the pairs
		mkdir -p "$T/ejabberd/etc" "$T/ejabberd/certs"
		cp "$PKI"/ecdsa.fullchain.pem "$PKI"/ecdsa.key "$PKI"/rsa.fullchain.pem \
			"$PKI"/rsa.key "$PKI"/bundle.pem "$T/ejabberd/certs/"
		chown -R ejabberd: "$T/ejabberd/certs"
		mail_fill "$MAIL/ejabberd/ejabberd.yml" "$EJY" T="$T" \
			CERTS="$T/ejabberd/certs" || fail "ejabberd: fill"
		at_exit "ejabberd_stop '$T'"
	fi

}

mail_suite mail-handwritten.sh
