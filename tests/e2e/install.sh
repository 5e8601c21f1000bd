#!/bin/bash
# tests/e2e/install.sh -- `make install` and `make uninstall`.
#
# A copy of the source is built (first with the default PREFIX, as a user
# would run `make`), then `make install PREFIX=/usr DESTDIR=$tmp/dest`
# stages the binary, templates, schema, profiles, client table and the two
# manual pages.  The staged binary must then work without any flag or
# environment: it finds its data at <bindir>/../share/tlsgen, and the
# DATADIR compiled into it is /usr/share/tlsgen (PREFIX reached main.o even
# though `make` ran before).  Its output must be the build tree's, byte for
# byte.  The pages must render without a warning, and `make uninstall`
# must remove every file it installed.
#
# Needs: make and a C compiler (the build's own prerequisites); man(1)
# for the page checks (SKIPPED without it).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

cd "$SRC" || exit 1
TLSGEN=${TLSGEN:-./tlsgen}
case $TLSGEN in /*) ;; *) TLSGEN=$SRC/${TLSGEN#./} ;; esac

e2e_init
T=$E2E_TMP
COPY=$T/src
DEST=$T/dest
BIN=$DEST/usr/bin/tlsgen
SHARE=$DEST/usr/share/tlsgen
MAN=$DEST/usr/share/man

# The build happens in a copy, so the tree's own build is not disturbed.
mkdir -p "$COPY"
cp -r Makefile generator include templates schemas profiles data docs \
	"$COPY"/
start=$(date +%s)
if ! out=$(make -C "$COPY" -j4 2>&1); then
	fail "make in a copy of the source" "$(printf '%s\n' "$out" | tail -20)"
	e2e_finish
fi
ok "make in a copy of the source ($(($(date +%s) - start)) s)"

if out=$(make -C "$COPY" install PREFIX=/usr DESTDIR="$DEST" 2>&1); then
	ok "make install PREFIX=/usr DESTDIR=..."
else
	fail "make install PREFIX=/usr DESTDIR=..." \
		"$(printf '%s\n' "$out" | tail -20)"
	e2e_finish
fi

# --- what is installed ------------------------------------------------------
check_eq "the binary, mode 755" 755 "$(stat -c %a "$BIN" 2>&1)"
for f in schemas/services.rng data/clients.tsv; do
	check "installed: $f" cmp "$SRC/$f" "$SHARE/$f"
done
for f in profiles/*.profile; do
	check "installed: $f" cmp "$SRC/$f" "$SHARE/$f"
done
for f in templates/*/*; do
	[ -f "$f" ] || continue
	check "installed: $f" cmp "$SRC/$f" "$SHARE/$f"
done
check "installed: man1/tlsgen.1" cmp docs/tlsgen.1 "$MAN/man1/tlsgen.1"
check "installed: man5/tlsgen-description.5" \
	cmp docs/tlsgen-description.5 "$MAN/man5/tlsgen-description.5"
check_eq "data and pages are mode 644" "" \
	"$(find "$SHARE" "$MAN" -type f ! -perm 0644)"

# --- the staged binary, with no flag and no environment ---------------------
mkdir -p "$T/work" "$T/out-installed" "$T/out-build"
cp examples/example.org.xml "$T/work/"
rc=$(cd "$T/work" && env -u TLSGEN_DATADIR "$BIN" generate example.org.xml \
	-o "$T/out-installed" --no-cert-check >"$T/out" 2>"$T/err"; echo $?)
check_eq "the installed tlsgen generates the example" 0 "$rc"
check "it wrote nginx.conf" test -s "$T/out-installed/etc/nginx/nginx.conf"
if [ -x "$TLSGEN" ]; then
	(cd "$T/work" && env -u TLSGEN_DATADIR "$TLSGEN" generate \
		example.org.xml -o "$T/out-build" --no-cert-check 2>/dev/null)
	if out=$(diff -r "$T/out-build" "$T/out-installed" 2>&1); then
		ok "the same bytes as the build tree's tlsgen"
	else
		fail "the same bytes as the build tree's tlsgen" "$out"
	fi
else
	skip "the same bytes as the build tree's tlsgen" "no $TLSGEN"
fi

rc=$(env -u TLSGEN_DATADIR "$BIN" --help >"$T/out" 2>&1; echo $?)
check_eq "tlsgen --help: exit 0" 0 "$rc"
check "tlsgen --help: the usage names every command" \
	grep -q 'tlsgen diff FILE --against DIR' "$T/out"
rc=$(env -u TLSGEN_DATADIR "$BIN" --version >"$T/out" 2>&1; echo $?)
check_eq "tlsgen --version: exit 0" 0 "$rc"
check "tlsgen --version: prints the version" \
	grep -qE '^tlsgen [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"

# Moved away from its data, the binary falls back to the DATADIR compiled
# in: /usr/share/tlsgen, although `make` ran with the default PREFIX first.
mkdir -p "$T/moved/bin"
cp "$BIN" "$T/moved/bin/tlsgen"
rc=$(cd "$T/work" && env -u TLSGEN_DATADIR "$T/moved/bin/tlsgen" validate \
	example.org.xml >/dev/null 2>"$T/err"; echo $?)
if [ -d /usr/share/tlsgen/templates ]; then
	skip "the compiled-in DATADIR is /usr/share/tlsgen" \
		"a tlsgen is installed in /usr on this host"
else
	check_eq "moved away from its data: exit 2" 2 "$rc"
	check "the compiled-in DATADIR is /usr/share/tlsgen" \
		grep -qF '/usr/share/tlsgen: no templates here' "$T/err"
fi

# --- the manual pages -------------------------------------------------------
if need man "man renders tlsgen(1) without warnings" \
	"man renders tlsgen-description(5) without warnings" \
	"man -M finds both installed pages"; then
	for page in man1/tlsgen.1 man5/tlsgen-description.5; do
		warn=$(MANWIDTH=80 man --warnings -l "$MAN/$page" 2>&1 \
			>/dev/null)
		check_eq "man renders $(basename "$page") without warnings" \
			"" "$warn"
	done
	if MANWIDTH=80 man -M "$MAN" 1 tlsgen 2>/dev/null |
		grep -q 'DIFF OUTPUT' &&
		MANWIDTH=80 man -M "$MAN" 5 tlsgen-description 2>/dev/null |
		grep -q 'VALUES'; then
		ok "man -M finds both installed pages"
	else
		fail "man -M finds both installed pages"
	fi
fi

# --- uninstall --------------------------------------------------------------
if out=$(make -C "$COPY" uninstall PREFIX=/usr DESTDIR="$DEST" 2>&1); then
	ok "make uninstall"
else
	fail "make uninstall" "$out"
fi
check_eq "no installed file is left" "" "$(find "$DEST" ! -type d)"

e2e_finish
