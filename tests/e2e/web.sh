#!/bin/bash
# web.sh -- the end-to-end web test of tlsgen's own output: generate the
# web test variant (handwritten/web/variant.xml) with tlsgen, then boot
# the generated nginx and Apache trees on private addresses and prove with
# real clients what each service must do (lib/web-suite.sh: the same
# checks the hand-written reference trees pass).
#
# Runs as root (the servers drop to www-data), leaves nothing running.
# Prints one line per check and "N passed, N failed, N skipped".

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/tls.sh"
. "$HERE/lib/web.sh"
. "$HERE/lib/web-suite.sh"

TLSGEN=${TLSGEN:-$HERE/../../tlsgen}

web_produce() {
	local out=$1 l=$2 pki=$3
	sed -e "s#@T@#$l#g" -e "s#@PKI@#$pki#g" \
	    "$HERE/handwritten/web/variant.xml" > "$l/variant.xml" &&
		"$TLSGEN" generate "$l/variant.xml" -o "$out"
}

# Stapling follows each leaf: configured where it names an OCSP responder,
# not even mentioned where it names none.
web_check_trees() {
	local out=$1 f
	for f in nginx/tlsgen/www.conf nginx/tlsgen/app.conf \
		apache2/tlsgen/bugs.conf; do
		check "$f: stapling configured (leaf names a responder)" \
			grep -Eq '^ *(ssl_stapling on|SSLUseStapling on)' "$out/etc/$f"
	done
	for f in nginx/tlsgen/downloads.conf apache2/tlsgen/people.conf; do
		check "$f: no stapling directive (leaf names no responder)" \
			bash -c "! grep -Eqi '^ *(ssl_stapling|SSLUseStapling|ssl_trusted)' '$out/etc/$f'"
	done
}

web_suite web.sh
