#!/bin/bash
# jail.sh -- the output root (-o, --against) and the build root (--root)
# are jails: every path below them resolves inside, as if the directory
# were "/".  An attacker with write access to the tree (or an image whose
# /etc holds absolute links) tries to make tlsgen write, read or remove a
# file outside it:
#
#   - DIR/etc/nginx a link out of DIR, absolute and relative (../../..):
#     refused while its target is missing inside DIR, confined to DIR when
#     it is there;
#   - manifest lines naming lnk/keep.txt (lnk a link out of DIR), a file
#     inside whose hash does not match, "../x", "/etc/passwd";
#   - a journal naming paths through a link, and a corrupt journal;
#   - DIR itself a link (followed: the user named it), with a link out
#     below it (not followed out);
#   - --root with absolute and relative links for a certificate, key and
#     trust bundle (read inside the root, never outside);
#   - diff --against over the same trees.
# After each: the sentinel directory outside (listing, SHA-256 and access
# times of its files) is unchanged, nothing appeared outside, and the
# message says what happened.
#
# Then the edited-file rules: a stale file edited by hand is kept and
# reported (an error under --strict, output untouched); a file about to be
# replaced that was edited is refused (exit 1, output untouched) unless
# --force; a stock file tlsgen never wrote (Debian's nginx.conf on the
# first run) is replaced as before.
#
# The attacks run twice: with openat2(2) and with the walk by hand
# (TLSGEN_JAIL=walk).  Needs openssl for the --root cases (SKIPPED
# otherwise).  Prints "N passed, N failed, N skipped".

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

tlsgen_bin
export TLSGEN_DATADIR=${TLSGEN_DATADIR:-$TOP}
unset TLSGEN_FAULT TLSGEN_JAIL

e2e_init
T=$E2E_TMP
SENT=$T/sentinel
# From any directory below $T/x/etc: enough ".." to reach the real "/".
UP=$(printf '../%.0s' $(seq 1 40))
UP=${UP%/}

# --- descriptions -----------------------------------------------------------

web() {
	cat <<EOF
  <web id="$1" server="nginx" certificate="web" listen="192.0.2.10" http-port="80" https-port="443">
    <host>$1.example.org</host>
    <root>/srv/$1</root>
  </web>
EOF
}

desc() {
	local f=$1
	shift
	{
		cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<services xmlns="urn:tlsgen:services:1" domain="example.org">
  <policy profile="intermediate"><ocsp-stapling mode="off"/></policy>
  <target openssl="3.0" nginx="1.22"/>
  <trust bundle="/etc/ssl/bundle.pem"/>
  <certificate id="web">
    <pair cert="/etc/ssl/web.pem" key="/etc/ssl/web.key"/>
  </certificate>
EOF
		printf '%s\n' "$@"
		echo '</services>'
	} >"$f"
}

mkdir -p "$T/d"
A=$T/d/a.xml B=$T/d/b.xml
desc "$A" "$(web s1)" "$(web s2)"
desc "$B" "$(web s1)"

# --- helpers ----------------------------------------------------------------

# run ARGS... -- tlsgen; stdout in $T/out, stderr in $T/err, status in $RC
run() {
	"$TLSGEN" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# gen DESC DIR [ARGS...] -- generate without the certificate checks
gen() {
	local d=$1 o=$2
	shift 2
	run generate "$d" -o "$o" --no-cert-check "$@"
}

# listing DIR -- every entry: type, mode, size, path; SHA-256 of files
listing() {
	[ -d "$1" ] || { echo "(no directory)"; return; }
	(
		cd "$1" || exit 1
		find . -printf '%y %m %s %p -> %l\n' | LC_ALL=C sort
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
	)
}

# The sentinel: files outside every root that a naive tlsgen would write,
# remove or read.  Access times are set in the past, so a read shows.
mkdir -p "$SENT/sub"
echo "keep me" >"$SENT/keep.txt"
echo "old copy" >"$SENT/.other.txt.tlsgen-old"
echo "other" >"$SENT/other.txt"
echo "not a certificate" >"$SENT/web.pem"
echo "not a key" >"$SENT/web.key"
echo "not a bundle" >"$SENT/bundle.pem"
echo "deep" >"$SENT/sub/f"
sent_reset() {
	find "$SENT" ! -type d -exec touch -a -h -d '2001-01-01 00:00:00' {} +
}
sent_state() {
	# access times first: the hashes below read the files
	(cd "$SENT" && find . \( -type d -printf 'd %m %p\n' \) -o \
		-printf '%y %m %s %A@ %p\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
	sent_reset
}
sent_reset
SENT_BEFORE=$(sent_state)
# What exists next to the sentinel (nothing may appear beside it).
top_state() {
	find "$T" -maxdepth 1 | LC_ALL=C sort
	[ -e /outside ] && echo "/outside exists"
}

# expect NAME WANT_RC TEXT [DIR BEFORE] -- exit WANT_RC, stderr holds TEXT
# (fixed string; "" for none), the sentinel untouched, and DIR's listing
# still BEFORE when given
expect() {
	local name=$1 want=$2 text=$3 dir=${4:-} before=${5:-} why= now
	[ "$RC" = "$want" ] || why="exit $RC, not $want"
	if [ -n "$text" ] && ! grep -qF -- "$text" "$T/err"; then
		why="$why; no message: $text"
	fi
	now=$(sent_state)
	[ "$now" = "$SENT_BEFORE" ] || why="$why; the sentinel outside changed:
$(diff <(echo "$SENT_BEFORE") <(echo "$now") | head -n 12)"
	if [ -n "$dir" ] && [ "$(listing "$dir")" != "$before" ]; then
		why="$why; $dir changed:
$(diff <(echo "$before") <(listing "$dir") | head -n 12)"
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		fail "$name" "${why#; }
stderr: $(head -c 1500 "$T/err")"
	fi
}

# --- the build root of the --root cases (and of the --strict case) ---------

# R/etc/ssl/{web.pem,web.key,bundle.pem} are links out of R (absolute,
# relative climbing, a link to a link); their targets exist both inside R
# (the good pair) and outside, in the sentinel (garbage).
R=
if need openssl "--root: links to a certificate, key and bundle resolve inside the root" \
	"--strict: a stale file edited by hand is an error"; then
	PKI=$T/pki
	mkdir -p "$PKI"
	if ! out=$(cd "$PKI" && {
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -keyout ca.key -out bundle.pem -subj /CN=jail-ca \
			-days 30 -addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
				-nodes -keyout web.key -out web.csr \
				-subj /CN=s1.example.org &&
			printf '%s\n' 'subjectAltName=DNS:*.example.org' \
				'basicConstraints=CA:FALSE' \
				'keyUsage=critical,digitalSignature' \
				'extendedKeyUsage=serverAuth' >ext &&
			openssl x509 -req -in web.csr -CA bundle.pem -CAkey ca.key \
				-CAcreateserial -days 30 -extfile ext -out web.pem
	} 2>&1); then
		fail "--root: make the test certificate" "$out"
	else
		R=$T/broot
		mkdir -p "$R/etc/ssl" "$R$SENT"
		cp "$PKI/web.pem" "$R$SENT/web.pem"
		cp "$PKI/web.key" "$R$SENT/web.key"
		chmod 600 "$R$SENT/web.key"
		cp "$PKI/bundle.pem" "$R$SENT/bundle.pem"
		ln -s "$SENT/web.pem" "$R/etc/ssl/web.pem"
		ln -s "$UP$SENT/web.key" "$R/etc/ssl/web.key"
		ln -s "/etc/ssl/ca" "$R/etc/ssl/bundle.pem"
		ln -s "$SENT/bundle.pem" "$R/etc/ssl/ca"
	fi
fi

TOP_BEFORE=$(top_state)

# --- the attacks, with openat2 and with the walk ------------------------------

attacks() {
	local m=$1 O before sha

	# A directory of the tree that is an absolute link out of it.  Its
	# target is not inside: refused, nothing made anywhere.
	O=$T/o-abs-$m
	mkdir -p "$O/etc"
	ln -s "$SENT" "$O/etc/nginx"
	before=$(listing "$O")
	gen "$B" "$O"
	expect "$m: etc/nginx -> $SENT (absolute, not inside): refused" 2 \
		"$O/etc/nginx: cannot create directory: No such file or directory (a symbolic link; links below the output directory resolve inside it, and its target is not there)" \
		"$O" "$before"
	# Its target inside: the files land there, and a note says so.
	mkdir -p "$O$SENT"
	gen "$B" "$O"
	expect "$m: etc/nginx -> $SENT (absolute): written inside DIR, said in a note" 0 \
		"tlsgen: note: $O/etc/nginx: a symbolic link to $SENT, followed inside $O: to $O$SENT"
	check "$m: absolute link: nginx.conf is at DIR$SENT/nginx.conf" \
		test -s "$O$SENT/nginx.conf" -a -s "$O$SENT/tlsgen/s1.conf"
	run diff "$B" --against "$O" --no-cert-check
	expect "$m: diff through the absolute link: reads inside DIR, no change" 0 ""
	check_eq "$m: diff through the absolute link: no output" "" "$(cat "$T/out")"

	# Relative, climbing far above DIR: ".." stops at DIR.
	O=$T/o-rel-$m
	mkdir -p "$O/etc"
	ln -s "$UP$SENT" "$O/etc/nginx"
	before=$(listing "$O")
	gen "$B" "$O"
	expect "$m: etc/nginx -> ../../..$SENT (relative, not inside): refused" 2 \
		"$O/etc/nginx: cannot create directory" "$O" "$before"
	mkdir -p "$O$SENT"
	gen "$B" "$O"
	expect "$m: etc/nginx -> ../../..$SENT (relative): written inside DIR" 0 \
		"tlsgen: note: $O/etc/nginx: a symbolic link to $UP$SENT"
	check "$m: relative link: nginx.conf is at DIR$SENT/nginx.conf" \
		test -s "$O$SENT/nginx.conf"

	# The manifest names files through a link out of DIR, with the
	# right hash: they resolve inside DIR, where there is nothing.
	O=$T/o-man-$m
	gen "$A" "$O"
	ln -s "$SENT" "$O/lnk"
	sha=$(sha256sum <"$SENT/keep.txt" | cut -d' ' -f1)
	sent_reset	# (that read was the test's own)
	echo "file 0644 $sha lnk/keep.txt" >>"$O/var/lib/tlsgen/manifest"
	echo "file 0644 $sha lnk/sub/f" >>"$O/var/lib/tlsgen/manifest"
	# and a file inside DIR whose bytes are not what the manifest says
	echo "root:x:0:0::/root:/bin/sh" >"$O/etc/passwd"
	echo "file 0644 $sha etc/passwd" >>"$O/var/lib/tlsgen/manifest"
	gen "$A" "$O"
	expect "$m: manifest names lnk/keep.txt, lnk/sub/f (lnk -> $SENT): nothing outside removed" 0 \
		"tlsgen: warning: $O/etc/passwd: edited since tlsgen wrote it; kept"
	check "$m: manifest names etc/passwd with another hash: kept" \
		test -s "$O/etc/passwd"
	run diff "$A" --against "$O" --no-cert-check
	expect "$m: diff over that manifest: nothing outside read or shown" 0 \
		"$O/etc/passwd: edited since tlsgen wrote it; generate would keep it"
	check_eq "$m: diff over that manifest: no output" "" "$(cat "$T/out")"

	# Lines that leave DIR are corrupt: an error naming file, line and
	# reason, nothing changed (diff too).  Parsing does not depend on
	# how paths resolve: once.
	if [ "$m" = openat2 ]; then
		O=$T/o-bad
		gen "$A" "$O"
		cp "$O/var/lib/tlsgen/manifest" "$T/d/manifest.good"
		for bad in '../x:".." in path' '/etc/passwd:absolute path'; do
			cp "$T/d/manifest.good" "$O/var/lib/tlsgen/manifest"
			echo "file 0644 $sha ${bad%%:*}" >>"$O/var/lib/tlsgen/manifest"
			n=$(wc -l <"$O/var/lib/tlsgen/manifest")
			before=$(listing "$O")
			gen "$B" "$O"
			expect "manifest line \"${bad%%:*}\": exit 2 naming the line, nothing changed" 2 \
				"tlsgen: $O/var/lib/tlsgen/manifest:$n: ${bad#*:}; the manifest is corrupt: nothing was changed (fix or remove that line)" \
				"$O" "$before"
			run diff "$B" --against "$O" --no-cert-check
			expect "diff over manifest line \"${bad%%:*}\": exit 2 naming the line" 2 \
				"tlsgen: $O/var/lib/tlsgen/manifest:$n: ${bad#*:}" "$O" "$before"
		done
	fi

	# A journal (a killed run) naming paths through a link out of DIR:
	# recovery resolves them inside DIR.
	O=$T/o-jnl-$m
	gen "$A" "$O"
	ln -s "$SENT" "$O/lnk"
	printf 'dir lnk/sub\nnew lnk/keep.txt\nold lnk/other.txt\nnew lnk/sub/f\n' \
		>"$O/var/lib/tlsgen/journal"
	gen "$A" "$O"
	expect "$m: journal names lnk/keep.txt, lnk/other.txt (lnk -> $SENT): recovered inside DIR" 0 \
		"$O/var/lib/tlsgen/journal: an earlier run did not finish"
	check "$m: journal through a link: the journal is gone" \
		test ! -e "$O/var/lib/tlsgen/journal"
	printf 'new etc/nginx/nginx.conf\nnew ../x\n' >"$O/var/lib/tlsgen/journal"
	before=$(listing "$O")
	gen "$A" "$O"
	expect "$m: corrupt journal (\"../x\"): exit 2 naming it, nothing changed" 2 \
		"tlsgen: $O/var/lib/tlsgen/journal:2: \"..\" in path; the journal of an earlier run is corrupt: nothing was changed" \
		"$O" "$before"

	# A killed first run: the journal names the directories it made;
	# recovery removes them, and this run makes them again.
	O=$T/o-first-$m
	mkdir -p "$O/etc/nginx/tlsgen" "$O/var/lib/tlsgen"
	: >"$O/etc/nginx/tlsgen/.s1.conf.tlsgen-new"
	printf '%s\n' "dir etc" "dir etc/nginx" "dir etc/nginx/tlsgen" "dir var" \
		"dir var/lib" "dir var/lib/tlsgen" "new etc/nginx/nginx.conf" \
		"new etc/nginx/tlsgen/s1.conf" "new var/lib/tlsgen/manifest" \
		>"$O/var/lib/tlsgen/journal"
	gen "$B" "$O"
	expect "$m: a killed first run: recovered, then written whole" 0 \
		"$O/var/lib/tlsgen/journal: an earlier run did not finish"
	check_eq "$m: a killed first run: the tree a fresh run writes" \
		"$(gen "$B" "$T/fresh-$m" && listing "$T/fresh-$m")" "$(listing "$O")"

	# DIR itself a link: followed (the user named it); below it, not out.
	mkdir -p "$T/real-$m/etc"
	ln -s "$T/real-$m" "$T/dirlink-$m"
	ln -s "$SENT" "$T/real-$m/etc/nginx"
	mkdir -p "$T/real-$m$SENT"
	gen "$B" "$T/dirlink-$m"
	expect "$m: DIR a link to real/, real/etc/nginx -> $SENT: written below real/, inside" 0 ""
	check "$m: DIR a link: the files are in the directory it names" \
		test -s "$T/real-$m$SENT/nginx.conf" -a -s "$T/real-$m/var/lib/tlsgen/manifest"
}

attacks openat2
TLSGEN_JAIL=walk
export TLSGEN_JAIL
attacks walk
unset TLSGEN_JAIL

# --- --root -----------------------------------------------------------------

if [ -n "$R" ]; then
	for m in openat2 walk; do
		[ "$m" = walk ] && export TLSGEN_JAIL=walk
		run certs "$B" --root "$R"
		expect "--root ($m): cert, key and bundle links (absolute, ../.., a link to a link) read inside the root: certs exit 0" 0 ""
		run generate "$B" --root "$R" -o "$T/rootout-$m"
		expect "--root ($m): generate with the checks: exit 0" 0 ""
		unset TLSGEN_JAIL
	done
	# Only the outside copy is there: not found, never read.
	mv "$R$SENT/web.pem" "$R$SENT/web.pem.away"
	run certs "$B" --root "$R"
	expect "--root: the link's target missing inside the root: certs exit 1 naming the path, the outside file not read" 1 \
		"cannot read $R/etc/ssl/web.pem: No such file or directory"
	mv "$R$SENT/web.pem.away" "$R$SENT/web.pem"
fi

check_eq "nothing appeared beside the sentinel, no /outside" "$TOP_BEFORE" \
	"$(top_state | grep -v -e "/o-" -e "/real-" -e "/dirlink-" -e "/fresh-" \
		-e "/rootout-" -e '/out$' -e '/err$')"

# --- edited files -----------------------------------------------------------

O=$T/edited
gen "$A" "$O"
echo "# tuned by hand" >>"$O/etc/nginx/tlsgen/s2.conf"
before=$(listing "$O")
if [ -n "$R" ]; then
	# (--strict fails on any warning: the certificates are checked)
	run generate "$B" -o "$O" --root "$R" --strict
	expect "--strict: a stale file edited by hand is an error (exit 1), output untouched" 1 \
		"tlsgen: $O/etc/nginx/tlsgen/s2.conf: edited since tlsgen wrote it; kept" "$O" "$before"
fi
gen "$B" "$O"
expect "a stale file edited by hand: kept, with a warning naming it (exit 0)" 0 \
	"tlsgen: warning: $O/etc/nginx/tlsgen/s2.conf: edited since tlsgen wrote it; kept (remove it, or --force removes it)"
check "a stale edited file: still there, with the edit" \
	grep -q "tuned by hand" "$O/etc/nginx/tlsgen/s2.conf"
check "a stale edited file: still in the manifest (a later run knows it)" \
	grep -q " etc/nginx/tlsgen/s2.conf$" "$O/var/lib/tlsgen/manifest"
run diff "$B" --against "$O" --no-cert-check
expect "diff: the kept file is reported, not shown as removed (exit 0)" 0 \
	"tlsgen: warning: $O/etc/nginx/tlsgen/s2.conf: edited since tlsgen wrote it; generate would keep it"
check_eq "diff: the kept file: no output" "" "$(cat "$T/out")"

sed -i 's/^/#/' "$O/etc/nginx/nginx.conf"
before=$(listing "$O")
gen "$B" "$O"
expect "a file about to be replaced, edited by hand: refused (exit 1), output untouched" 1 \
	"tlsgen: $O/etc/nginx/nginx.conf: edited since tlsgen wrote it; not replaced (--force replaces it)" \
	"$O" "$before"
run diff "$B" --against "$O" --no-cert-check
expect "diff: the edited file is shown, with a warning that generate refuses" 1 \
	"tlsgen: warning: $O/etc/nginx/nginx.conf: edited since tlsgen wrote it; generate would refuse to replace it (--force replaces it)"
gen "$B" "$O" --force
expect "--force: the edited file is replaced, the kept one removed (exit 0)" 0 ""
check_eq "--force: the tree is what a fresh run writes" \
	"$(gen "$B" "$T/fresh" && listing "$T/fresh")" "$(listing "$O")"

# The appliance case: the first run over Debian's stock files (no manifest)
# replaces them, as it always did.
O=$T/stock
mkdir -p "$O/etc/nginx"
cp "$TOP/tests/e2e/handwritten/nginx/etc/nginx/nginx.conf" "$O/etc/nginx/nginx.conf" 2>/dev/null ||
	echo "user www-data; # Debian's stock file" >"$O/etc/nginx/nginx.conf"
gen "$B" "$O"
expect "first run over a stock nginx.conf (no manifest): replaced (exit 0)" 0 ""
check_eq "first run over a stock nginx.conf: it is tlsgen's now" \
	"$(cat "$T/fresh/etc/nginx/nginx.conf")" "$(cat "$O/etc/nginx/nginx.conf")"

e2e_finish
