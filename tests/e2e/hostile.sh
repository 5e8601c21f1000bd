#!/bin/bash
# hostile.sh -- no value of a description can carry syntax into a config.
#
# A baseline description uses every element and attribute that holds a
# value (one "slot" per place: every host name, path, port, address, URL,
# size, duration, id, version, boolean, and the cipher strings, groups and
# protocols of <tls>, site-wide and per service).  Its output is generated
# once.  Then, slot by slot, the slot's value is replaced by each attack of
# its kind -- a valid value of the kind with a fragment appended (newline,
# ; { } quotes # space tab CR, NUL as the raw byte and as &#0;, backslash,
# backquotes, "/../", non-UTF-8, non-ASCII, YAML "key: value", "- x", &a,
# *a, !!python, [x], %x, Postfix $var ${var} "a, b" "x = y", nginx and
# Apache "};", ";include /etc/passwd", "}\nserver {", <Directory />,
# </VirtualHost>), then the kind's own edge cases (overlong, "..", bad
# forms) -- and `generate` runs into the same output again.  Each attempt
# must:
#   - exit 2 with a diagnostic carrying the slot's FILE:LINE (NUL: from the
#     XML parser itself);
#   - leave the output unchanged (inode, size, mtime and mode of every entry
#     after each attempt; the SHA-256 listing after each slot);
#   - leave no file containing the attack: the whole tree is searched after
#     every attempt, whatever servers it holds, so new servers are covered.
# Then:
#   - the second wall: paths may hold ',' and '=', which Postfix reads as
#     syntax; they must never reach a Postfix file as a list separator, and
#     a refusal must still name the description's line;
#   - host names YAML would read as null, booleans or numbers must come out
#     as strings in every YAML file (python3 with PyYAML, else SKIPPED);
#   - the hostile XML files of tests/data/hostile/ (DTDs, entities,
#     XInclude) are refused, the output unchanged.
#
# Slots run in parallel workers (HOSTILE_JOBS, default the number of cores,
# at most 4), each with its own copy of the output.  Writes only below its
# temp dir.

set -u
shopt -u patsub_replacement 2>/dev/null	# '&' in ${v//x/y} is literal
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

tlsgen_bin
export TLSGEN_DATADIR=${TLSGEN_DATADIR:-$ROOT}
unset TLSGEN_FAULT

e2e_init
T=$E2E_TMP
OUT=$T/out
H=$T/hostile.xml

# --- the baseline, one @@slot@@ per place a value can be ---------------------

# Every start tag on one line: diagnostics cite the start tag's line.
TEMPLATE='<?xml version="1.0" encoding="UTF-8"?>
<services xmlns="urn:tlsgen:services:1" domain="@@domain@@">
  <policy profile="@@policy_profile@@">
    <hsts max-age="@@policy_hsts_age@@" include-subdomains="@@policy_hsts_sub@@" preload="@@policy_hsts_preload@@"/>
    <ocsp-stapling mode="auto"/>
    <session-cache size="@@policy_cache_size@@" timeout="@@policy_cache_timeout@@" tickets="@@policy_cache_tickets@@"/>
    <tls protocols="@@policy_protocols@@" ciphers="@@policy_ciphers@@" suites="@@policy_suites@@" groups="@@policy_groups@@" server-order="@@policy_order@@"/>
  </policy>
  <trust bundle="@@trust_bundle@@"/>
  <layout run-dir="@@layout_run@@" log-dir="@@layout_log@@" state-dir="@@layout_state@@" spool-dir="@@layout_spool@@" acme-dir="@@layout_acme@@"/>
  <target openssl="@@target_openssl@@" nginx="@@target_nginx@@" apache="@@target_apache@@" postfix="@@target_postfix@@" dovecot="@@target_dovecot@@" ejabberd="@@target_ejabberd@@"/>
  <certificate id="@@cert_id@@">
    <pair cert="@@pair_cert@@" key="@@pair_key@@"/>
  </certificate>
  <certificate id="other">
    <pair cert="/etc/ssl/other.pem" key="/etc/ssl/other.key"/>
  </certificate>
  <web id="@@web1_id@@" server="nginx" certificate="@@web1_cert@@" profile="@@web1_profile@@" listen="@@web1_listen@@" http-port="@@web1_http@@" https-port="@@web1_https@@">
    <host>@@web1_host@@</host>
    <host>www.example.org</host>
    <root>@@web1_root@@</root>
    <hsts max-age="@@web1_hsts_age@@" include-subdomains="@@web1_hsts_sub@@"/>
    <session-cache size="@@web1_cache_size@@" timeout="@@web1_cache_timeout@@"/>
    <tls protocols="@@web1_protocols@@" ciphers="@@web1_ciphers@@" suites="@@web1_suites@@" groups="@@web1_groups@@"/>
  </web>
  <web id="@@web2_id@@" server="apache" certificate="other" listen="@@web2_listen@@" http-port="@@web2_http@@" https-port="@@web2_https@@">
    <host>@@web2_host@@</host>
    <proxy to="@@web2_proxy@@"/>
  </web>
  <mail id="@@mail_id@@" certificate="@@mail_cert@@" profile="@@mail_profile@@">
    <host>@@mail_host@@</host>
    <smtp server="postfix" listen="@@smtp_listen@@" port="@@smtp_port@@" submission-port="@@smtp_submission@@" submissions-port="@@smtp_submissions@@" validating-resolver="@@smtp_dane@@"/>
    <imap server="dovecot" listen="@@imap_listen@@" port="@@imap_port@@" imaps-port="@@imap_imaps@@"/>
  </mail>
  <xmpp id="@@xmpp_id@@" server="ejabberd" certificate="@@xmpp_cert@@" listen="@@xmpp_listen@@" c2s-port="@@xmpp_c2s@@" c2s-tls-port="@@xmpp_c2s_tls@@" s2s-port="@@xmpp_s2s@@">
    <host>@@xmpp_host@@</host>
    <host>conference.example.org</host>
  </xmpp>
</services>
'

# slot kind context(attr|text) baseline ('~' stands for a space)
SLOTS="
domain           hostname attr example.org
policy_profile   id       attr intermediate
policy_hsts_age  seconds  attr 63072000
policy_hsts_sub  bool     attr true
policy_hsts_preload bool  attr false
policy_cache_size size    attr 10m
policy_cache_timeout seconds attr 86400
policy_cache_tickets bool attr false
policy_protocols protocols attr TLSv1.2~TLSv1.3
policy_ciphers   ciphers  attr ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
policy_suites    suites   attr TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
policy_groups    groups   attr X25519:prime256v1
policy_order     bool     attr false
trust_bundle     path     attr /etc/ssl/certs/ca-certificates.crt
layout_run       path     attr /run
layout_log       path     attr /var/log
layout_state     path     attr /var/lib
layout_spool     path     attr /var/spool
layout_acme      path     attr /var/www/acme
target_openssl   version  attr 3.0.2
target_nginx     version  attr 1.22.1
target_apache    version  attr 2.4.57
target_postfix   version  attr 3.7.11
target_dovecot   version  attr 2.3.19
target_ejabberd  version  attr 23.01
cert_id          id       attr web
pair_cert        path     attr /etc/ssl/web.fullchain.pem
pair_key         path     attr /etc/ssl/web.key
web1_id          id       attr www
web1_cert        id       attr web
web1_profile     id       attr intermediate
web1_listen      address  attr 192.0.2.10
web1_http        port     attr 80
web1_https       port     attr 443
web1_host        hostname text example.org
web1_root        path     text /srv/www
web1_hsts_age    seconds  attr 63072000
web1_hsts_sub    bool     attr false
web1_cache_size  size     attr 20m
web1_cache_timeout seconds attr 3600
web1_protocols   protocols attr TLSv1.3~TLSv1.2
web1_ciphers     ciphers  attr ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384
web1_suites      suites   attr TLS_AES_256_GCM_SHA384
web1_groups      groups   attr X25519
web2_id          id       attr bugs
web2_listen      address  attr 2001:db8::11
web2_http        port     attr 8080
web2_https       port     attr 8443
web2_host        hostname text bugs.example.org
web2_proxy       url      attr http://127.0.0.1:8081/app/
mail_id          id       attr mail
mail_cert        id       attr web
mail_profile     id       attr intermediate
mail_host        hostname text mail.example.org
smtp_listen      address  attr 0.0.0.0
smtp_port        port     attr 25
smtp_submission  port     attr 587
smtp_submissions port     attr 465
smtp_dane        bool     attr false
imap_listen      address  attr ::
imap_port        port     attr 143
imap_imaps       port     attr 993
xmpp_id          id       attr chat
xmpp_cert        id       attr web
xmpp_listen      address  attr 0.0.0.0
xmpp_c2s         port     attr 5222
xmpp_c2s_tls     port     attr 5223
xmpp_s2s         port     attr 5269
xmpp_host        hostname text example.org
"

# --- attacks ----------------------------------------------------------------

# Fragments every kind gets, appended to a valid value of the kind (so only
# the fragment is wrong).  @@NUL@@ becomes a raw NUL byte in the file,
# @@NULREF@@ the character reference &#0; (both must be refused at load).
FRAGMENTS=(
	$'\nserver_name evil' ';' '{' '}' '"' "'" '#x' ' x' $'\tx' $'\rx'
	'@@NUL@@x' '@@NULREF@@x' '\x' '`id`' '/../x'
	$'\xff' $'\xc0\xaf' $'\xed\xa0\x80' 'é' $'\uff1b'
	'key: value' $'\n- x' ' &a' '*a' ' !!python/object:os.system' '[x]'
	'%x' '$var' '${var}' ', b' ' = y'
	'};' ';include /etc/passwd' $'\n}\nserver {' '<Directory />'
	'</VirtualHost>'
)

# Valid values the fragments are appended to: each holds a marker that the
# baseline output does not, so the marker found in OUT means an attack got
# in whatever happened to the rest of it.
declare -A BASE=(
	[hostname]=zqx.example.org [path]=/srv/zqx [port]=4711
	[address]=198.51.100.77 [url]=http://zqx.example.org:8081/zqx/
	[size]=7777k [seconds]=86411 [id]=zqxid [bool]=true [version]=3.0.7
	[ciphers]=ECDHE+AESGCM:ZQX [suites]=TLS_AES_128_GCM_SHA256
	[groups]=P-521 [protocols]=TLSv1.2
)
declare -A MARK=(
	[hostname]=zqx [path]=zqx [port]=4711 [address]=198.51.100.77
	[url]=zqx [size]=7777 [seconds]=86411 [id]=zqxid [bool]=''
	[version]=3.0.7 [ciphers]=ZQX [suites]='' [groups]=P-521 [protocols]=''
)

rep() { printf "%${2}s" '' | tr ' ' "$1"; }
LONG_LABEL=$(rep a 64)
LONG_HOST=$(for i in 1 2 3 4; do printf '%s.' "$(rep b 63)"; done)zqx

# Whole values, per kind: the grammar's edges and what a kind must not be.
kind_attacks() {
	case $1 in
	hostname) printf '%s\n' "zqx..example.org" "-zqx.example.org" \
		"zqx-.example.org" "*.zqx.example.org" "zqx.example.org." \
		".zqx.example.org" "zqx_x.example.org" "198.51.100.77" "" \
		"$LONG_LABEL.zqx.org" "$LONG_HOST" "zqx.example.org:80" \
		"zqx.example.org/x" "[::1]" ;;
	path) printf '%s\n' "/srv/zqx/../etc" "/srv/zqx/./x" "/srv//zqx" \
		"/srv/zqx/" "srv/zqx" "/srv/zqx/.." \~/zqx "/srv/zqx*" \
		"/srv/zqx?" "" \
		"/srv/zqx/$(rep c 1100)" "/srv/zqx%0a" ;;
	port) printf '%s\n' 0 65536 -1 +4711 04711 4711.0 0x1267 " 4711" \
		"4711 " "" 99999999999999999999999 "4711,4712" ;;
	address) printf '%s\n' 198.51.100.77/24 198.51.100.077 198.51.100 \
		"[2001:db8::77]" "fe80::77%eth0" localhost 198.51.100.77:80 \
		0x7f.0.0.1 "" "2001:db8::zqx" ;;
	url) printf '%s\n' "http://zqx.example.org:8081/zqx/?q=1" \
		"http://zqx.example.org/zqx#f" "http://user@zqx.example.org/" \
		"ftp://zqx.example.org/" "http://zqx.example.org:0/" \
		"http://zqx.example.org/zqx/../x" "http://zqx.example.org" \
		"http://[::1/zqx" "http://zqx.example.org/%zz" \
		"javascript:zqx()" "http://zqx.example.org/$(rep d 2100)" \
		"http://zqx..example.org/" ;;
	size) printf '%s\n' 7777g -1 1.5m 7777kb 0x10 "" 2048m 4095 \
		"$(rep 9 40)" ;;
	seconds) printf '%s\n' 86411s -1 1e5 316224001 "" 0x10 "$(rep 9 40)" ;;
	id) printf '%s\n' "zqxid/../x" "../zqxid" "1zqxid" "zqxid.conf" \
		"zqxid/x" "-zqxid" "" "zqx$(rep e 70)" ;;
	bool) printf '%s\n' yes TRUE on 2 "" ;;
	version) printf '%s\n' 3.0.7.1 3.0.x 3..0 "" ;;
	ciphers) printf '%s\n' "!!python/object:os.system" "RC4-MD5" \
		"ECDHE+AESGCM:$(rep F 2100)" "" "NOSUCHCIPHER" ;;
	suites) printf '%s\n' "ECDHE-RSA-AES128-GCM-SHA256" "" "NOSUCH" ;;
	groups) printf '%s\n' "P-521:zqx" ":P-521" "P-521::X25519" "" \
		"brainpoolP512r1" ;;
	protocols) printf '%s\n' "SSLv3" "TLSv1.2,TLSv1.3" "TLSv1.4" "" ;;
	esac
}

# --- plumbing ---------------------------------------------------------------

# esc_attr V / esc_text V / esc CTX V -- V escaped for XML, in $REPLY (no
# subshell: this runs thousands of times)
esc_attr() {
	REPLY=$1
	REPLY=${REPLY//&/&amp;}
	REPLY=${REPLY//</&lt;}
	REPLY=${REPLY//\"/&quot;}
	REPLY=${REPLY//$'\n'/&#10;}
	REPLY=${REPLY//$'\t'/&#9;}
	REPLY=${REPLY//$'\r'/&#13;}
	REPLY=${REPLY//@@NULREF@@/&#0;}
}

esc_text() {
	REPLY=$1
	REPLY=${REPLY//&/&amp;}
	REPLY=${REPLY//</&lt;}
	REPLY=${REPLY//>/&gt;}
	REPLY=${REPLY//$'\r'/&#13;}
	REPLY=${REPLY//@@NULREF@@/&#0;}
}

esc() {
	if [ "$1" = text ]; then esc_text "$2"; else esc_attr "$2"; fi
}

# listing DIR -- every non-directory entry with its mode and checksum
listing() {
	(cd "$1" && find . ! -type d -printf '%y %m %P\n' -exec sha256sum {} +) |
		LC_ALL=C sort
}

# stamp DIR -- every entry with its inode, size and mtime (ns): a rename or
# a write changes it even when the bytes are the same, so it is a stricter
# "unchanged" than the checksums, and one process; the checksum listing is
# compared too, after each slot's attacks
stamp() {
	find "$1" -printf '%y %m %i %s %T@ %P\n'
}

# The baseline description, every slot at its baseline value except $1.
declare -A SLOT_KIND SLOT_CTX SLOT_LINE SLOT_BASE
SLOT_NAMES=()
while read -r name kind ctx base; do
	[ -n "$name" ] || continue
	SLOT_NAMES+=("$name")
	SLOT_KIND[$name]=$kind
	SLOT_CTX[$name]=$ctx
	SLOT_BASE[$name]=${base//\~/ }
	SLOT_LINE[$name]=$(printf '%s' "$TEMPLATE" | grep -n "@@$name@@" | cut -d: -f1)
done <<<"$SLOTS"

template_but() {
	local doc=$TEMPLATE n
	for n in "${SLOT_NAMES[@]}"; do
		[ "$n" = "$1" ] && continue
		esc "${SLOT_CTX[$n]}" "${SLOT_BASE[$n]}"
		doc=${doc//@@$n@@/$REPLY}
	done
	printf '%s' "$doc"
}

# write_desc FILE DOC -- NUL markers made real
write_desc() {
	printf '%s' "$2" >"$1"
	case $2 in *@@NUL@@*) perl -pi -e 's/\@\@NUL\@\@/\x00/g' "$1" ;; esac
}

# Every slot must be in the template exactly once.
for n in "${SLOT_NAMES[@]}"; do
	case ${SLOT_LINE[$n]} in
	'' | *[!0-9]*) fail "slot $n is not in the template (or twice)" ;;
	esac
done
if printf '%s' "$(template_but none)" | grep -q '@@'; then
	fail "template has slots the table does not list" \
		"$(printf '%s' "$(template_but none)" | grep -o '@@[a-z0-9_]*@@')"
fi

# --- baseline ---------------------------------------------------------------

write_desc "$T/baseline.xml" "$(template_but none)"
"$TLSGEN" generate "$T/baseline.xml" -o "$OUT" --no-cert-check >/dev/null 2>"$T/err"
rc=$?
if [ "$rc" != 0 ]; then
	fail "baseline description generates (exit $rc)" "$(cat "$T/err")"
	e2e_finish
fi
BEFORE=$(listing "$OUT")
NFILES=$(find "$OUT" -type f | wc -l)
ok "baseline description (${#SLOT_NAMES[@]} slots) generates $NFILES files: $(cd "$OUT" && find . -type f | sed 's|^\./||' | grep -v '^var/' | sort | paste -sd' ')"
cp -a "$OUT" "$T/baseline-out"

# restore DIR -- back to the baseline output after an attack got through
restore() {
	rm -rf "$1"
	cp -a "$T/baseline-out" "$1"
}

# --- the attacks --------------------------------------------------------------

# attack_slot SLOT W -- every attack of SLOT's kind into worker W's own
# description and output copy; the result goes to $T/res/SLOT: "ok" or
# "fail", the summary line, the detail, then "count N BAD"
attack_slot() {
	local slot=$1 w=$2 kind ctx line doc_but mark n=0 bad=0 detail='' v f
	local out=$T/out$w h=$T/hostile$w.xml errf=$T/err$w stamp0 rc why err
	kind=${SLOT_KIND[$slot]}
	ctx=${SLOT_CTX[$slot]}
	line=${SLOT_LINE[$slot]}
	doc_but=$(template_but "$slot")
	mark=${MARK[$kind]}
	stamp0=$(stamp "$out")
	local values=()
	for f in "${FRAGMENTS[@]}"; do
		# '*' is a URL path character; YAML reads it only at a start
		[ "$kind" = url ] && [ "$f" = '*a' ] && continue
		values+=("${BASE[$kind]}$f")
	done
	while IFS= read -r v; do values+=("$v"); done < <(kind_attacks "$kind")
	for v in "${values[@]}"; do
		n=$((n + 1))
		esc "$ctx" "$v"
		write_desc "$h" "${doc_but//@@$slot@@/$REPLY}"
		"$TLSGEN" generate "$h" -o "$out" --no-cert-check >/dev/null 2>"$errf"
		rc=$?
		why=
		[ "$rc" = 2 ] || why="exit $rc"
		err=
		IFS= read -r -d '' err <"$errf"
		[[ $err == *"$h:$line:"* ]] || why="$why; no diagnostic at line $line"
		# NUL is not XML at all: the parser itself must refuse it
		case $v in *@@NUL*)
			[[ $err == *"$h:$line: Char 0x0 out of allowed range"* ||
				$err == *"$h:$line: xmlParseCharRef: invalid xmlChar value 0"* ]] ||
				why="$why; NUL not refused by the XML parser" ;;
		esac
		# the whole tree, searched for the attack (its marker, and each of
		# its lines of four bytes or more), whatever the servers; a string
		# the baseline output already holds is no evidence
		local needles=() piece m leaked='' hits
		[ -n "$mark" ] && needles+=(-e "$mark")
		while IFS= read -r piece; do
			[ ${#piece} -ge 4 ] && needles+=(-e "$piece")
		done <<<"${v//@@NUL@@/}"
		if [ ${#needles[@]} -gt 0 ] &&
			hits=$(grep -rhoF "${needles[@]}" "$out" 2>/dev/null); then
			while IFS= read -r m; do
				[ -n "$m" ] || continue
				grep -rqF -- "$m" "$T/baseline-out" || leaked="$leaked \"$m\""
			done <<<"$hits"
		fi
		[ -n "$leaked" ] && why="$why; in the output:$leaked"
		if [ "$(stamp "$out")" != "$stamp0" ]; then
			why="$why; the output changed"
			restore "$out"
			stamp0=$(stamp "$out")
		fi
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			detail="$detail
[$(printf '%s' "$v" | head -c 60 | od -An -c | tr -s ' \n' ' ' | head -c 160)] ${why#; }: $(grep -v 'note: \|warning: ' "$errf" | head -n 2 | cut -c1-220)"
		fi
	done
	if [ "$(listing "$out")" != "$BEFORE" ]; then
		bad=$((bad + 1))
		detail="$detail
the checksum listing differs after the slot's attacks"
		restore "$out"
	fi
	{
		if [ "$bad" = 0 ]; then
			echo ok
			echo "$kind $slot (line $line, $ctx): $n attacks refused, exit 2 at line $line, output unchanged"
		else
			echo fail
			echo "$kind $slot (line $line, $ctx): $bad of $n attacks not refused cleanly"
		fi
		echo "$detail" | head -n 16
		echo "count $n $bad"
	} >"$T/res/$slot"
}

# Workers (one per core, at most 4), each with its own output copy.
JOBS=${HOSTILE_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$JOBS" -gt 4 ] && JOBS=4
[ "$JOBS" -lt 1 ] && JOBS=1
mkdir -p "$T/res"
pids=()
for ((w = 0; w < JOBS; w++)); do
	cp -a "$T/baseline-out" "$T/out$w"
	(
		for ((i = w; i < ${#SLOT_NAMES[@]}; i += JOBS)); do
			attack_slot "${SLOT_NAMES[i]}" "$w"
		done
	) &
	pids+=("$!")
done
for p in "${pids[@]}"; do wait "$p"; done

TOTAL=0 TOTAL_BAD=0
for slot in "${SLOT_NAMES[@]}"; do
	r=$T/res/$slot
	if [ ! -s "$r" ]; then
		fail "$slot: no result (the worker died)"
		continue
	fi
	read -r _ cnt cbad < <(tail -n 1 "$r")
	TOTAL=$((TOTAL + cnt))
	TOTAL_BAD=$((TOTAL_BAD + cbad))
	if [ "$(head -n 1 "$r")" = ok ]; then
		ok "$(sed -n 2p "$r")"
	else
		fail "$(sed -n 2p "$r")" "$(sed '1,2d;$d' "$r")"
	fi
done
OUT=$T/out0
STAMP=$(stamp "$OUT")

# --- the second wall: what the grammar allows but a syntax reserves ------------

# Paths may hold ',' and '=' (value.c), which Postfix reads as a list
# separator and the YAML wall refuses.  Such a value may be generated where
# it is harmless, but must never reach a Postfix file, and a refusal must
# still say where the value is (FILE:LINE), like every other error.
for slot in "${SLOT_NAMES[@]}"; do
	[ "${SLOT_KIND[$slot]}" = path ] || continue
	line=${SLOT_LINE[$slot]}
	doc_but=$(template_but "$slot")
	for v in /srv/zqx,b /srv/zqx=b; do
		esc "${SLOT_CTX[$slot]}" "$v"
		write_desc "$H" "${doc_but//@@$slot@@/$REPLY}"
		rm -rf "$T/wall"
		"$TLSGEN" generate "$H" -o "$T/wall" --no-cert-check >/dev/null 2>"$T/err"
		rc=$?
		why=
		case $rc in
		0)
			hits=$(grep -rlF "$v" "$T/wall/etc/postfix" 2>/dev/null | sed "s|^$T/wall/||")
			[ "$v" = /srv/zqx,b ] && [ -n "$hits" ] &&
				why="a Postfix list separator reached $hits"
			;;
		2)
			grep -qF "$H:$line:" "$T/err" ||
				why="refused without the description's line: $(grep -v 'note: \|warning: ' "$T/err" | head -n 1 | sed "s|^$T/||")"
			[ -e "$T/wall" ] && why="$why; wrote $(find "$T/wall" -type f | head -n 3)"
			;;
		*) why="exit $rc" ;;
		esac
		if [ -z "$why" ]; then
			[ "$rc" = 0 ] && r="generated (harmless where it lands)" ||
				r="refused at line $line"
			ok "second wall: path $slot=\"$v\": $r"
		else
			fail "second wall: path $slot=\"$v\"" "$why"
		fi
	done
done
rm -rf "$T/wall"

# --- hostile XML (no DTD, no entities, no XInclude) -----------------------------

for f in "$ROOT"/tests/data/hostile/*.xml; do
	[ -f "$f" ] || continue
	"$TLSGEN" generate "$f" -o "$OUT" --no-cert-check >/dev/null 2>"$T/err"
	rc=$?
	why=
	[ "$rc" = 2 ] || why="exit $rc"
	grep -qE "^$f(:[0-9]+)?: " "$T/err" || why="$why; no diagnostic naming the file"
	[ "$(stamp "$OUT")" = "$STAMP" ] && [ "$(listing "$OUT")" = "$BEFORE" ] ||
		{ why="$why; the output changed"; restore "$OUT"; STAMP=$(stamp "$OUT"); }
	if [ -z "$why" ]; then
		ok "hostile XML $(basename "$f"): refused, output unchanged"
	else
		fail "hostile XML $(basename "$f")" "${why#; }
$(head -n 3 "$T/err")"
	fi
done

# --- YAML: valid host names that YAML would read as something else --------------

# null, booleans, numbers: legal host names, so generated, but ejabberd.yml
# must hold them as strings (and every other file must too, trivially).
if have python3 && python3 -c 'import yaml' 2>/dev/null; then
	for h in null true yes on off no y n 1e3 0x1f 0o17 nan inf; do
		doc=$(template_but xmpp_host)
		write_desc "$H" "${doc//@@xmpp_host@@/$h}"
		"$TLSGEN" generate "$H" -o "$T/yaml" --no-cert-check >/dev/null 2>"$T/err"
		rc=$?
		if [ "$rc" != 0 ]; then
			fail "YAML-ambiguous host \"$h\": generate exit $rc" "$(head -n 3 "$T/err")"
			continue
		fi
		ymls=$(find "$T/yaml" -name '*.yml' -o -name '*.yaml')
		if [ -z "$ymls" ]; then
			skip "YAML-ambiguous host names" "no YAML file in the output (no ejabberd template yet)"
			break
		fi
		# every scalar that holds the host must be the string itself
		res=$(python3 - "$h" $ymls <<'EOF'
import sys, yaml
want = sys.argv[1]
bad = []
found = False
def walk(x, path):
    global found
    if isinstance(x, dict):
        for k, v in x.items():
            if not isinstance(k, str):
                bad.append("/".join(path) + ": key " + repr(k) + " is not a string")
            walk(v, path + [str(k)])
    elif isinstance(x, list):
        for i, v in enumerate(x):
            if path and path[-1] == "hosts":
                if not isinstance(v, str):
                    bad.append("/".join(path) + ": host " + repr(v) + " is not a string")
                elif v == want:
                    found = True
            walk(v, path + [str(i)])
for f in sys.argv[2:]:
    try:
        walk(yaml.safe_load(open(f)), [f.rsplit("/", 1)[-1]])
    except yaml.YAMLError as e:
        bad.append(f + ": " + str(e).replace("\n", " "))
if not found:
    bad.append("no 'hosts' list holds the string " + repr(want))
print("\n".join(bad))
EOF
)
		if [ -z "$res" ]; then
			ok "YAML-ambiguous host \"$h\": a string in the YAML output"
		else
			fail "YAML-ambiguous host \"$h\"" "$res"
		fi
		rm -rf "$T/yaml"
	done
else
	skip "YAML-ambiguous host names" "no python3 with PyYAML"
fi

echo "hostile: $TOTAL attack values, $TOTAL_BAD not refused cleanly"
e2e_finish
