#!/bin/bash
# web-handwritten.sh -- boot the hand-written nginx and Apache trees
# (tests/e2e/handwritten/web/, the reference for tlsgen's web templates) on
# private addresses and prove with real clients what each service must do.
#
# The trees are what tlsgen should emit for handwritten/web/variant.xml,
# with two placeholders filled in here: @T@ (the <layout> dirs and the
# content, in a temp dir) and @PKI@ (a test PKI from tests/pki/mkpki.sh).
# The checks are in lib/web-suite.sh (shared with the test of generated
# trees); the services and addresses are listed there.
#
# Runs as root (the servers drop to www-data), leaves nothing running.
# Prints one line per check and "N passed, N failed, N skipped"; exits 1 on
# any failure.
#
#   E2E_KEEP=1         keep the temp dir
#   WEB_SRC=DIR        templates to fill instead of handwritten/web (for
#                      trying a change, or checking that the probes catch
#                      a broken tree)

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/tls.sh"
. "$HERE/lib/web.sh"
. "$HERE/lib/web-suite.sh"

WEB_SRC=${WEB_SRC:-$HERE/handwritten/web}

web_produce() {
	web_fill "$WEB_SRC/nginx" "$1" "$2" "$3" &&
		web_fill "$WEB_SRC/apache" "$1" "$2" "$3"
}

web_suite web-handwritten.sh
