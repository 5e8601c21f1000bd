#!/usr/bin/env bash
# Runs every end-to-end script in tests/e2e/ (each boots real servers on
# 127.0.0.x high ports or drives the CLI, and ends with a line
# "N passed, N failed, N skipped"), then prints the sum of those lines.
# Exit status: non-zero when any script failed.
set -u
cd "$(dirname "$0")/.."
: "${TLSGEN:=$PWD/tlsgen}"
export TLSGEN

pass=0 fail=0 skip=0 bad=0
logdir=$(mktemp -d /tmp/tlsgen-e2e.XXXXXX)
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	# The hand-written reference trees are the templates' model and the
	# benchmark's baseline, not tlsgen's output: run them on request.
	case $name in *-handwritten)
		[ -n "${E2E_HANDWRITTEN:-}" ] || continue ;;
	esac
	start=$(date +%s)
	bash "$t" >"$logdir/$name.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logdir/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "e2e $name: no summary line (exit $rc, ${secs}s)"
		bad=$((bad + 1))
	else
		echo "e2e $name: $line (${secs}s)"
		set -- $line
		pass=$((pass + $1)); fail=$((fail + $3))
		[ "${6:-}" = skipped ] && skip=$((skip + $5))
		[ "$rc" -ne 0 ] && [ "$3" -eq 0 ] && bad=$((bad + 1))
	fi
	if [ "$rc" -ne 0 ]; then
		grep -E '^(not ok|FAIL|fail)' "$logdir/$name.log" | head -n 20 | sed 's/^/    /'
		echo "    (full log: $logdir/$name.log)"
	fi
done
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$bad" -eq 0 ]
