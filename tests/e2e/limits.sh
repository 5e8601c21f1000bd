#!/bin/bash
# limits.sh -- descriptions too large or too strange for their own good are
# refused with a clear message, or handled in bounded time and memory; the
# peak RSS of each run (/usr/bin/time -f %M) is printed with its result.
#
#   - 100 MB (over the 64 MiB limit): refused before parsing, output kept;
#   - 60 MiB (under it, mostly comments): accepted;
#   - a million hosts in 1000 services: generated (1000 files);
#   - a million hosts in one service: validated in bounded time;
#   - a million bad hosts: every error counted, 1000 shown;
#   - 100 000 nested unknown elements: refused (depth limit), at its line;
#   - a 50 MB attribute value: refused at its line.
#
# Needs awk; peak RSS needs GNU time (/usr/bin/time), else only the results
# are checked.  Writes below its temp dir only (about 250 MB at peak).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

tlsgen_bin
export TLSGEN_DATADIR=${TLSGEN_DATADIR:-$ROOT}
unset TLSGEN_FAULT

e2e_init
T=$E2E_TMP

HEAD='<?xml version="1.0" encoding="UTF-8"?>
<services xmlns="urn:tlsgen:services:1">
  <certificate id="c"><pair cert="/etc/ssl/c.pem" key="/etc/ssl/c.key"/></certificate>'
SMALL_WEB='  <web id="w" server="nginx" certificate="c" listen="192.0.2.1" http-port="80" https-port="443"><host>w.example.org</host></web>'

# hosts FILE NSVC NHOSTS [SUFFIX] -- NSVC web services of NHOSTS hosts each
hosts() {
	{
		echo "$HEAD"
		awk -v ns="$2" -v nh="$3" -v suf="${4:-example.org}" 'BEGIN {
			for (s = 0; s < ns; s++) {
				printf "  <web id=\"w%d\" server=\"nginx\" certificate=\"c\" listen=\"10.%d.%d.%d\" http-port=\"80\" https-port=\"443\">\n", s, int(s / 65536) % 256, int(s / 256) % 256, s % 256
				for (h = 0; h < nh; h++)
					printf "    <host>h%d.s%d.%s</host>\n", h, s, suf
				print "  </web>"
			}
		}'
		echo '</services>'
	} >"$1"
}

# run NAME TIMEOUT COMMAND... -- status in $RC, stderr in $T/err, peak RSS
# (KiB) in $RSS, wall seconds in $SECS
HAVE_TIME=
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && HAVE_TIME=1
run() {
	local limit=$1 start
	shift
	start=$(date +%s.%N)
	if [ -n "$HAVE_TIME" ]; then
		timeout "$limit" /usr/bin/time -f %M -o "$T/rss" "$@" >/dev/null 2>"$T/err"
		RC=$?
		RSS=$(tail -n 1 "$T/rss" 2>/dev/null | tr -dc 0-9)
	else
		timeout "$limit" "$@" >/dev/null 2>"$T/err"
		RC=$?
		RSS=
	fi
	SECS=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?')
	SECS=$(printf '%.1f' "$SECS" 2>/dev/null || echo "$SECS")
	[ -n "$RSS" ] || RSS=0
}

# mb KIB -- "123 MB"
mb() { echo "$(( $1 / 1024 )) MB"; }

# rss_below NAME KIB -- the last run's peak RSS is below KIB
rss_below() {
	if [ -z "$HAVE_TIME" ]; then
		skip "$1: peak RSS" "no GNU time (/usr/bin/time)"
	elif [ "$RSS" -lt "$2" ]; then
		ok "$1: peak RSS $(mb "$RSS") (bound $(mb "$2"))"
	else
		fail "$1: peak RSS $(mb "$RSS") over the bound of $(mb "$2")"
	fi
}

# listing DIR -- every file with its mode and checksum
listing() {
	(cd "$1" && find . ! -type d -printf '%y %m %P\n' -exec sha256sum {} +) |
		LC_ALL=C sort
}

# A small good output, to prove refused runs leave it alone.
printf '%s\n%s\n</services>\n' "$HEAD" "$SMALL_WEB" >"$T/small.xml"
"$TLSGEN" generate "$T/small.xml" -o "$T/out" --no-cert-check >/dev/null 2>"$T/err" ||
	{ fail "setup: generate a small description" "$(cat "$T/err")"; e2e_finish; }
BEFORE=$(listing "$T/out")

# --- size ---------------------------------------------------------------------

# 100 MB: a valid head, then a comment of 100 MB.
{
	echo "$HEAD"
	echo '<!--'
	head -c 100000000 /dev/zero | tr '\0' x
	echo '-->'
	echo "$SMALL_WEB"
	echo '</services>'
} >"$T/100mb.xml"
run 30 "$TLSGEN" generate "$T/100mb.xml" -o "$T/out" --no-cert-check
msg=$(head -n 1 "$T/err")
if [ "$RC" = 2 ] && grep -q "^$T/100mb.xml: description larger than 64 MiB: refused" "$T/err" &&
	[ "$(listing "$T/out")" = "$BEFORE" ]; then
	ok "100 MB description: exit 2, \"${msg#"$T"/}\", output unchanged (${SECS}s)"
else
	fail "100 MB description (exit $RC)" "$(head -c 600 "$T/err")"
fi
rss_below "100 MB description" $((128 * 1024))
rm -f "$T/100mb.xml"

# Just under the limit: 60 comments of 1 MiB (libxml2 refuses any one
# node over 10 MB, whatever the file's size).
{
	echo "$HEAD"
	head -c $((1024 * 1024 - 8)) /dev/zero | tr '\0' x >"$T/1mib"
	for _ in $(seq 1 60); do
		printf '<!--'
		cat "$T/1mib"
		echo '-->'
	done
	echo "$SMALL_WEB"
	echo '</services>'
} >"$T/60mib.xml"
rm -f "$T/1mib"
run 30 "$TLSGEN" validate "$T/60mib.xml"
if [ "$RC" = 0 ]; then
	ok "60 MiB description (under the limit): accepted (${SECS}s)"
else
	fail "60 MiB description: exit $RC" "$(head -c 600 "$T/err")"
fi
rss_below "60 MiB description" $((512 * 1024))
rm -f "$T/60mib.xml"

# --- a million hosts ------------------------------------------------------------

hosts "$T/1m-1000.xml" 1000 1000
size=$(stat -c %s "$T/1m-1000.xml")
run 50 "$TLSGEN" generate "$T/1m-1000.xml" -o "$T/out-1m" --no-cert-check
nfiles=$(find "$T/out-1m" -type f 2>/dev/null | wc -l)
if [ "$RC" = 0 ] && [ "$nfiles" -ge 1001 ]; then
	ok "1 000 000 hosts in 1000 services ($((size / 1048576)) MB): generated $nfiles files in ${SECS}s"
else
	fail "1 000 000 hosts in 1000 services: exit $RC, $nfiles files, ${SECS}s" "$(head -c 600 "$T/err")"
fi
# The DOM costs about 15 times the file; the 64 MiB input limit bounds it.
rss_below "1 000 000 hosts in 1000 services" $((1024 * 1024))
rm -rf "$T/out-1m" "$T/1m-1000.xml"

# The same million in one service: refused at once with a clear message,
# before the schema (libxml2 validates one element's children in
# quadratic time): at most 1000 host names per service.
hosts "$T/1m-1.xml" 1 1000000
run 15 "$TLSGEN" validate "$T/1m-1.xml"
if [ "$RC" = 2 ] && grep -q '<web id="w0">: 1000000 <host> elements: at most 1000 per service' "$T/err"; then
	ok "1 000 000 hosts in one service: refused in ${SECS}s, naming the service"
	rss_below "1 000 000 hosts in one service" $((1024 * 1024))
else
	fail "1 000 000 hosts in one service: exit $RC" "$(head -c 600 "$T/err")"
fi
rm -f "$T/1m-1.xml" "$T/10k.xml" "$T/20k.xml"

# A million bad hosts: all counted, a bounded number shown.
hosts "$T/1m-bad.xml" 1000 1000 'example..org'
run 30 "$TLSGEN" validate "$T/1m-bad.xml"
lines=$(wc -l <"$T/err")
if [ "$RC" = 2 ] && [ "$lines" -le 1001 ] &&
	grep -q "^$T/1m-bad.xml:5: <web id=\"w0\">: <host> \"h0.s0.example..org\": empty label" "$T/err" &&
	grep -q 'more findings not shown' "$T/err"; then
	ok "1 000 000 bad hosts: exit 2, $lines lines (\"$(tail -n 1 "$T/err")\") in ${SECS}s"
else
	fail "1 000 000 bad hosts: exit $RC, $lines lines" "$(head -n 3 "$T/err"; tail -n 2 "$T/err")"
fi
rss_below "1 000 000 bad hosts" $((1024 * 1024))
rm -f "$T/1m-bad.xml"

# --- shape --------------------------------------------------------------------

# 100 000 nested unknown elements.
{
	echo "$HEAD"
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "<x>"
		for (i = 0; i < 100000; i++) printf "</x>"; print "" }'
	echo '</services>'
} >"$T/deep.xml"
run 20 "$TLSGEN" generate "$T/deep.xml" -o "$T/out" --no-cert-check
if [ "$RC" = 2 ] && grep -q "^$T/deep.xml:4: " "$T/err" &&
	[ "$(listing "$T/out")" = "$BEFORE" ]; then
	ok "100 000 nested elements: exit 2 at line 4 (\"$(head -n 1 "$T/err" | sed "s|^$T/||")\"), output unchanged"
else
	fail "100 000 nested elements: exit $RC" "$(head -c 600 "$T/err")"
fi
rss_below "100 000 nested elements" $((64 * 1024))

# A 50 MB attribute value.
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<services xmlns="urn:tlsgen:services:1" domain="'
	head -c 50000000 /dev/zero | tr '\0' a
	echo '"/>'
} >"$T/attr.xml"
run 20 "$TLSGEN" generate "$T/attr.xml" -o "$T/out" --no-cert-check
if [ "$RC" = 2 ] && grep -q "^$T/attr.xml:2: " "$T/err" &&
	[ "$(listing "$T/out")" = "$BEFORE" ]; then
	ok "50 MB attribute value: exit 2 at line 2 (\"$(head -n 1 "$T/err" | sed "s|^$T/||")\"), output unchanged"
else
	fail "50 MB attribute value: exit $RC" "$(head -c 600 "$T/err")"
fi
rss_below "50 MB attribute value" $((256 * 1024))
rm -f "$T/attr.xml"

e2e_finish
