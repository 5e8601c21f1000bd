#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# tests/e2e/mail.sh -- tlsgen's own Postfix, Dovecot and ejabberd output,
# generated from tests/e2e/mail/variant.xml, checked with each server's own
# tool, booted privately and probed with real clients (lib/mail-suite.sh:
# the same checks the hand-written reference files pass).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/tls.sh"
. "$HERE/lib/mail.sh"
. "$HERE/lib/mail-suite.sh"

TLSGEN=${TLSGEN:-$HERE/../../tlsgen}

# mail_produce T PKI -- run tlsgen on the variant, plus what a site adds
# itself: a test user for Dovecot, a pair ejabberd's user can read.
mail_produce() {
	local T=$1 PKI=$2 ej=$T/ejabberd/certs
	mkdir -p "$ej" "$T/dovecot/home"
	cp "$PKI"/ecdsa.fullchain.pem "$PKI"/ecdsa.key "$PKI"/rsa.fullchain.pem \
		"$PKI"/rsa.key "$ej/"
	chown -R ejabberd: "$ej"
	sed -e "s#@T@#$T#g" -e "s#@PKI@#$PKI#g" -e "s#@EJCERTS@#$ej#g" \
		"$HERE/mail/variant.xml" >"$T/variant.xml"
	"$TLSGEN" generate "$T/variant.xml" -o "$T/out" || return 1
	PFC=$T/out/etc/postfix
	DVC=$T/out/etc/dovecot/dovecot.conf
	EJY=$T/out/etc/ejabberd/ejabberd.yml
	echo 'alice:{PLAIN}secret' >"$T/dovecot/passwd"
	chown nobody:nogroup "$T/dovecot/home"
	cat >"$T/out/etc/dovecot/auth.local.conf" <<-CONF
		passdb {
		  driver = passwd-file
		  args = scheme=PLAIN username_format=%u $T/dovecot/passwd
		}
		userdb {
		  driver = static
		  args = uid=nobody gid=nogroup home=$T/dovecot/home/%u
		}
	CONF
	mkdir -p "$T/log" "$T/run" "$T/lib" "$T/spool"
	at_exit "postfix_stop '$PFC'"
	at_exit "dovecot_stop '$DVC'"
	at_exit "ejabberd_stop '$T'"
}

# mail_produce_dane T DIR -- the same description, but the host has a
# validating resolver: Postfix's outbound TLS becomes DANE.
mail_produce_dane() {
	local T=$1 dir=$2
	sed 's#<smtp server="postfix"#<smtp validating-resolver="true" server="postfix"#' \
		"$T/variant.xml" >"$T/variant-dane.xml"
	"$TLSGEN" generate "$T/variant-dane.xml" -o "$T/out-dane" || return 1
	ln -s "$T/out-dane/etc/postfix" "$dir"
}

mail_suite mail.sh
