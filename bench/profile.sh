#!/usr/bin/env bash
# bench/profile.sh [N] -- where `tlsgen generate --no-cert-check` spends its
# time on the N-service synthetic description (default 100000): perf record
# with DWARF call graphs, output in memory (/dev/shm) so the disk does not
# hide the CPU.  Prints the functions by inclusive and by self time; the
# data stays in bench/out/perf-N.data for `perf report -i`.
# Needs linux-perf (apt-get install linux-perf).  Not part of `make bench`.
set -eu
cd "$(dirname "$0")/.."
N=${1:-100000}
TLSGEN=${TLSGEN:-$PWD/tlsgen}
B=$PWD/bench/out
mkdir -p "$B"
command -v perf >/dev/null || { echo "profile: no perf (apt-get install linux-perf)" >&2; exit 2; }
[ -s "$B/desc-$N.xml" ] || /usr/bin/python3 bench/gen-desc.py "$N" 500 >"$B/desc-$N.xml"
out=$(mktemp -d /dev/shm/tlsgen-profile.XXXXXX)
trap 'rm -rf "$out"' EXIT
exec > >(tee "$B/profile-$N.txt")
echo "tlsgen $("$TLSGEN" --version | cut -d' ' -f2) ($(git rev-parse --short HEAD)), $(date -u '+%Y-%m-%d %H:%M UTC'), $N services"
perf record -q -F 99 --call-graph dwarf,8192 -o "$B/perf-$N.data" \
	/usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KiB' \
	"$TLSGEN" generate "$B/desc-$N.xml" -o "$out/gen" --no-cert-check \
	2>&1 >/dev/null | grep -E '^wall' || true
echo "== inclusive (children), tlsgen's own frames"
perf report -i "$B/perf-$N.data" --children --sort sym --stdio -g none \
	2>/dev/null | grep -E '^ +[0-9]' | grep -v '\[k\]' | head -40
echo "== self"
perf report -i "$B/perf-$N.data" --no-children --sort dso,sym --stdio \
	-g none 2>/dev/null | grep -E '^ +[0-9]' | head -25
