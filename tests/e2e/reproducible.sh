#!/bin/bash
# tests/e2e/reproducible.sh -- the same description gives the same bytes.
#
# The bundled example is generated twice (--no-cert-check), each run from
# its own copy of the description in a different directory, named by a
# relative path in one run and an absolute one in the other, under a
# different umask (022 / 077), time zone (UTC / Asia/Tokyo) and locale.
# The two trees must be identical: contents (diff -r) and the mode of
# every file and directory (find -printf '%m %p').  A third run over the
# first tree must change nothing.
#
# Needs: the tlsgen binary ($TLSGEN, default ./tlsgen).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

cd "$SRC" || exit 1
tlsgen_bin

e2e_init
T=$E2E_TMP
mkdir -p "$T/one" "$T/two/a/much/deeper/place" "$T/out1" "$T/out2"
cp examples/example.org.xml "$T/one/example.org.xml"
cp examples/example.org.xml "$T/two/a/much/deeper/place/example.org.xml"

# Run 1: relative path, umask 022, UTC, C locale.
rc1=$(cd "$T/one" && umask 022 && TZ=UTC LC_ALL=C \
	"$TLSGEN" generate example.org.xml -o ../out1 --no-cert-check \
	2>"$T/err1"; echo $?)
# Run 2: absolute path, umask 077, Tokyo, a UTF-8 locale when there is one.
loc=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || loc=C
rc2=$(cd "$T" && umask 077 && TZ=Asia/Tokyo LC_ALL=$loc \
	"$TLSGEN" generate "$T/two/a/much/deeper/place/example.org.xml" \
	-o "$T/out2" --no-cert-check 2>"$T/err2"; echo $?)
check_eq "run 1 (umask 022, TZ=UTC, relative path)" 0 "$rc1"
check_eq "run 2 (umask 077, TZ=Asia/Tokyo, absolute path)" 0 "$rc2"

if out=$(diff -r "$T/out1" "$T/out2" 2>&1); then
	ok "the two trees hold the same files and bytes (diff -r)"
else
	fail "the two trees hold the same files and bytes (diff -r)" "$out"
fi

listing() {
	(cd "$1" && find . "$2" "$3" -printf '%m %p\n' | sort)
}
check_eq "every file has the same mode" \
	"$(listing "$T/out1" -type f)" "$(listing "$T/out2" -type f)"
# Directories tlsgen creates: 0755 whatever the umask, as the servers'
# users must reach the files below them.
check_eq "every directory has the same mode" \
	"$(listing "$T/out1" -type d)" "$(listing "$T/out2" -type d)"
check_eq "the whole listing (find -printf '%m %p')" \
	"$(cd "$T/out1" && find . -printf '%m %p\n' | sort)" \
	"$(cd "$T/out2" && find . -printf '%m %p\n' | sort)"
# Diagnostics cite the description as the user named it; beyond that
# they must match too.
check_eq "the two runs said the same" "$(cat "$T/err1")" \
	"$(sed "s#^$T/two/a/much/deeper/place/##" "$T/err2")"

# Nothing of the run's time or place in the output.
year=$(date +%Y)
hits=$(grep -rlE "$year-[0-9]{2}-[0-9]{2}|[0-9]{2}:[0-9]{2}:[0-9]{2}|$T" \
	"$T/out1" 2>/dev/null)
check_eq "no date, time or temporary path in the output" "" "$hits"

# A third run over the first tree: nothing changes.
before=$(cd "$T/out1" && find . -printf '%m %s %p\n' | sort)
rc3=$(cd "$T/one" && "$TLSGEN" diff example.org.xml --against ../out1 \
	--no-cert-check >"$T/diff3" 2>/dev/null; echo $?)
check_eq "diff against the first tree: exit 0" 0 "$rc3"
check_eq "diff against the first tree: no output" "" "$(cat "$T/diff3")"
rc4=$(cd "$T/one" && umask 077 && TZ=Asia/Tokyo "$TLSGEN" generate \
	example.org.xml -o ../out1 --no-cert-check 2>/dev/null; echo $?)
check_eq "a third run over the first tree" 0 "$rc4"
if out=$(diff -r "$T/out1" "$T/out2" 2>&1); then
	ok "the third run wrote the same bytes"
else
	fail "the third run wrote the same bytes" "$out"
fi
after=$(cd "$T/out1" && find . -printf '%m %s %p\n' | sort)
check_eq "the third run kept every mode and size" "$before" "$after"

e2e_finish
