#!/bin/bash
# tests/e2e/diff.sh -- `tlsgen diff` over a real output tree.
#
# Generate the bundled example into ROOT; change the description (add a
# web site, change a max-age, remove a web site); `diff` must show exactly
# those three files, in path order, exit 1, and leave ROOT untouched; its
# output applied with patch(1) must give the tree `generate` then writes.
# After `generate`, `diff` prints nothing and exits 0, and the removed
# site's file is gone (generate removes the stale files of its own, and
# only those).  Then the edges: a mode change, a hand edit, a missing root,
# a bad description.
#
# Needs: the tlsgen binary ($TLSGEN, default ./tlsgen); patch(1) for the
# apply check (SKIPPED without it).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

cd "$SRC" || exit 1
tlsgen_bin

e2e_init
T=$E2E_TMP
ROOT=$T/root
DESC=$T/desc/example.org.xml
mkdir -p "$ROOT" "$T/desc"
cp examples/example.org.xml "$DESC"

# tlsgen ARGS... -- runs the binary; stdout in $T/out, stderr in $T/err,
# status in $RC.
run() {
	"$TLSGEN" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# A listing of a tree (mode, size, checksum, path), to see it unchanged.
tree_sum() {
	(cd "$1" && find . -printf '%m %s %p\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# The file paths a diff names in its ---/+++ headers, in order.
headers() {
	grep -E '^(\-\-\-|\+\+\+) ' "$1" | cut -c5-
}

# --- the first tree ---------------------------------------------------------
run generate "$DESC" -o "$ROOT" --no-cert-check
check_eq "generate into an empty root" 0 "$RC"
run diff "$DESC" --against "$ROOT" --no-cert-check
check_eq "diff right after generate: exit 0" 0 "$RC"
check_eq "diff right after generate: no output" "" "$(cat "$T/out")"

# A file tlsgen did not write must be neither shown nor removed.
echo "# the administrator's own" >"$ROOT/etc/nginx/tlsgen/local.conf"

# --- change the description -------------------------------------------------
#  - people's HSTS max-age 31536000 -> 63072000
#  - the "downloads" site removed
#  - a "wiki" site added (nginx, same socket as www)
sed -i -e 's/max-age="31536000"/max-age="63072000"/' \
	-e '/<web id="downloads"/,/<\/web>/d' "$DESC"
wiki='  <web id="wiki" server="nginx" certificate="web" listen="192.0.2.10"
       http-port="80" https-port="443">
    <host>wiki.example.org</host>
    <root>/srv/wiki</root>
  </web>'
awk -v add="$wiki" '/^<\/services>/ { print add } { print }' "$DESC" \
	>"$DESC.new" && mv "$DESC.new" "$DESC"
if grep -q 'id="downloads"' "$DESC" || ! grep -q 'id="wiki"' "$DESC" ||
	grep -q 'max-age="31536000"' "$DESC"; then
	fail "edit the description" "sed did not apply: $(cat "$DESC")"
	e2e_finish
fi

before=$(tree_sum "$ROOT")
start=$(date +%s%N)
run diff "$DESC" --against "$ROOT" --no-cert-check
ms=$((($(date +%s%N) - start) / 1000000))
cp "$T/out" "$T/changes.diff"
check_eq "diff after the edit: exit 1" 1 "$RC"
check_eq "diff changed nothing below the root" "$before" "$(tree_sum "$ROOT")"
check_eq "diff names exactly the three files, in path order" \
	"a/etc/apache2/tlsgen/people.conf
b/etc/apache2/tlsgen/people.conf
a/etc/nginx/tlsgen/downloads.conf
/dev/null
/dev/null
b/etc/nginx/tlsgen/wiki.conf" "$(headers "$T/changes.diff")"
check_eq "the only changed lines of people.conf are the max-age" \
	"-    Header always set Strict-Transport-Security \"max-age=31536000\"
+    Header always set Strict-Transport-Security \"max-age=63072000\"" \
	"$(sed -n '/^+++ b\/etc\/apache2\/tlsgen\/people.conf/,/^--- /p' \
		"$T/changes.diff" | grep -E '^[-+][^-+]')"
if grep -q 'manifest' "$T/changes.diff"; then
	fail "the manifest is not shown" "$(grep -n manifest "$T/changes.diff")"
else
	ok "the manifest is not shown"
fi
check_eq "the removal shows all of downloads.conf" \
	"$(sed 's/^/-/' "$ROOT/etc/nginx/tlsgen/downloads.conf")" \
	"$(sed -n '/^--- a\/etc\/nginx\/tlsgen\/downloads.conf/,/^--- /p' \
		"$T/changes.diff" | grep -E '^-' | grep -v '^--- ')"
# Where diff -u puts them: three lines of context around the max-age line
# of people.conf, and the whole of downloads.conf (wiki.conf is as long).
hsts_line=$(grep -n 'max-age=31536000' "$ROOT/etc/apache2/tlsgen/people.conf" | cut -d: -f1)
dl_lines=$(wc -l <"$ROOT/etc/nginx/tlsgen/downloads.conf")
check_eq "hunk headers as diff -u writes them" \
	"@@ -$((hsts_line - 3)),7 +$((hsts_line - 3)),7 @@
@@ -1,$dl_lines +0,0 @@
@@ -0,0 +1,$dl_lines @@" "$(grep '^@@' "$T/changes.diff" |
		sed 's/^\(@@ [^@]* @@\).*/\1/')"
echo "diff of the example took ${ms} ms"

# --- apply it, then generate: the same tree ---------------------------------
if need patch "the diff applies with patch -p1 and gives generate's tree"; then
	cp -a "$ROOT" "$T/patched"
	if out=$(cd "$T/patched" && patch -p1 -s -f <"$T/changes.diff" 2>&1)
	then
		ok "patch -p1 applies the diff"
	else
		fail "patch -p1 applies the diff" "$out"
	fi
fi

run generate "$DESC" -o "$ROOT" --no-cert-check
check_eq "generate after the edit" 0 "$RC"
if [ -d "$T/patched" ]; then
	if out=$(diff -r -x manifest "$T/patched" "$ROOT" 2>&1); then
		ok "the patched tree is what generate wrote"
	else
		fail "the patched tree is what generate wrote" "$out"
	fi
fi
if [ -e "$ROOT/etc/nginx/tlsgen/downloads.conf" ]; then
	fail "generate removed the stale downloads.conf" "still there"
else
	ok "generate removed the stale downloads.conf"
fi
check "generate wrote wiki.conf" test -s "$ROOT/etc/nginx/tlsgen/wiki.conf"
check "the administrator's own file is still there" \
	test -s "$ROOT/etc/nginx/tlsgen/local.conf"
check_eq "the manifest no longer lists downloads.conf" "" \
	"$(grep downloads "$ROOT/var/lib/tlsgen/manifest")"
check_eq "no temporary, old or journal file is left" "" \
	"$(cd "$ROOT" && find . -name '*.tlsgen-*' -o -name journal)"
run diff "$DESC" --against "$ROOT" --no-cert-check
check_eq "diff after generate: exit 0" 0 "$RC"
check_eq "diff after generate: no output" "" "$(cat "$T/out")"

# --- edges ------------------------------------------------------------------
# A mode change alone: shown as git writes it, exit 1; generate repairs it.
chmod 0600 "$ROOT/etc/nginx/nginx.conf"
run diff "$DESC" --against "$ROOT" --no-cert-check
check_eq "a mode change: exit 1" 1 "$RC"
check_eq "a mode change: shown as git writes it" \
	"diff --git a/etc/nginx/nginx.conf b/etc/nginx/nginx.conf
old mode 100600
new mode 100644" "$(cat "$T/out")"
run generate "$DESC" -o "$ROOT" --no-cert-check
check_eq "generate restores the mode" 644 \
	"$(stat -c %a "$ROOT/etc/nginx/nginx.conf")"

# A hand edit is shown as what generate would undo.
sed -i 's/max-age=63072000/max-age=1/' "$ROOT/etc/apache2/tlsgen/people.conf"
run diff "$DESC" --against "$ROOT" --no-cert-check
check_eq "a hand edit: exit 1" 1 "$RC"
check_eq "a hand edit: shown as generate would undo it" \
	"-    Header always set Strict-Transport-Security \"max-age=1\"
+    Header always set Strict-Transport-Security \"max-age=63072000\"" \
	"$(grep -E '^[-+][^-+]' "$T/out")"

# A file lost from the tree is new again.
rm "$ROOT/etc/nginx/tlsgen/www.conf"
run diff "$DESC" --against "$ROOT" --no-cert-check
check_eq "a lost file is new again (after the hand edit, by path)" \
	"a/etc/apache2/tlsgen/people.conf
b/etc/apache2/tlsgen/people.conf
/dev/null
b/etc/nginx/tlsgen/www.conf" "$(headers "$T/out")"

# A missing root whose parent exists: generate would make it, so every
# file is new.  Without even the parent: an error, as for generate.
run diff "$DESC" --against "$T/new" --no-cert-check
check_eq "a missing root: exit 1" 1 "$RC"
check_eq "a missing root: every file is new" \
	"$(awk '$1 == "file" { print $4 }' "$ROOT/var/lib/tlsgen/manifest" |
		sort | sed 's#^#/dev/null\nb/#')" "$(headers "$T/out")"
check "a missing root is not created by diff" test ! -e "$T/new"

# Errors: exit 2, nothing on stdout.
run diff "$DESC" --against "$T/no/such" --no-cert-check
check_eq "no root and no parent: exit 2" 2 "$RC"
check_eq "no root and no parent: no output" "" "$(cat "$T/out")"
echo '<services xmlns="urn:tlsgen:services:1"><web/></services>' >"$T/bad.xml"
run diff "$T/bad.xml" --against "$ROOT" --no-cert-check
check_eq "an invalid description: exit 2" 2 "$RC"
run diff "$DESC" --no-cert-check
check_eq "diff without --against: exit 2" 2 "$RC"

e2e_finish
