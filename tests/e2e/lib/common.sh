# tests/e2e/lib/common.sh -- bookkeeping shared by every end-to-end script.
#
# Source it from a bash script:
#
#     . "$(dirname "$0")/lib/common.sh"
#     e2e_init                      # temp dir in $E2E_TMP, cleanup trap
#     ok "nginx -t"                 # or: fail NAME DETAIL / skip NAME WHY
#     ...
#     e2e_finish                    # prints "N passed, N failed, N skipped"
#                                   # and exits 1 if anything failed
#
# Daemons are started by the caller and stopped by pid file or pid
# (daemon_stop), never by name. Every wait is bounded.
#
# Environment:
#   E2E_KEEP=1      keep the temp dir (its path is printed) for post-mortems
#   E2E_VERBOSE=1   print the detail of passing checks too (see check_eq)

# shellcheck shell=bash

E2E_PASSED=0
E2E_FAILED=0
E2E_SKIPPED=0
E2E_TMP=
E2E_CLEANUPS=()		# commands run (last first) by the EXIT trap

# --- results -----------------------------------------------------------------

ok() {
	E2E_PASSED=$((E2E_PASSED + 1))
	printf 'ok      %s\n' "$1"
}

# fail NAME [DETAIL...] -- DETAIL may span lines; it is indented.
fail() {
	local name=$1
	shift
	E2E_FAILED=$((E2E_FAILED + 1))
	printf 'FAILED  %s\n' "$name"
	if [ $# -gt 0 ] && [ -n "$*" ]; then
		printf '%s\n' "$*" | sed 's/^/        | /'
	fi
}

# skip NAME WHY -- WHY is usually the missing tool: "SKIPPED NAME (no python3)".
skip() {
	E2E_SKIPPED=$((E2E_SKIPPED + 1))
	printf 'SKIPPED %s (%s)\n' "$1" "$2"
}

# check NAME COMMAND... -- ok if COMMAND succeeds, else fail with its output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		fail "$name" "$out"
	fi
}

# check_eq NAME EXPECTED ACTUAL -- string equality, both shown on failure.
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
		if [ "${E2E_VERBOSE:-}" = 1 ]; then
			printf '%s\n' "$3" | sed 's/^/        | /'
		fi
	else
		fail "$1" "expected: $2
actual:   $3"
	fi
}

# have TOOL -- true if TOOL is on PATH.
have() {
	command -v "$1" >/dev/null 2>&1
}

# need TOOL NAME... -- true if TOOL exists, else one skip per NAME.
need() {
	local tool=$1 n
	shift
	have "$tool" && return 0
	for n in "$@"; do
		skip "$n" "no $tool"
	done
	return 1
}

# tlsgen_bin -- set TLSGEN to an absolute path (default: the build tree's
# binary; a relative one is taken from the source tree), or fail and finish
# when it is not executable.
tlsgen_bin() {
	local src
	src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
	TLSGEN=${TLSGEN:-$src/tlsgen}
	case $TLSGEN in /*) ;; *) TLSGEN=$src/${TLSGEN#./} ;; esac
	if [ ! -x "$TLSGEN" ]; then
		fail "tlsgen binary" "$TLSGEN is not executable (run make)"
		e2e_finish
	fi
}

# e2e_finish -- summary line, exit status 1 on any failure.
e2e_finish() {
	printf '%d passed, %d failed, %d skipped\n' \
		"$E2E_PASSED" "$E2E_FAILED" "$E2E_SKIPPED"
	if [ "$E2E_FAILED" -gt 0 ]; then
		exit 1
	fi
	exit 0
}

# --- temp dir and cleanup ----------------------------------------------------

# at_exit COMMAND -- run COMMAND (a string, eval'd) when the script exits;
# the last registered runs first.
at_exit() {
	E2E_CLEANUPS+=("$1")
}

_e2e_cleanup() {
	local rc=$? i
	trap - EXIT INT TERM HUP
	for ((i = ${#E2E_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${E2E_CLEANUPS[i]}" || true
	done
	if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
		if [ "${E2E_KEEP:-}" = 1 ]; then
			echo "kept $E2E_TMP" >&2
		else
			rm -rf -- "$E2E_TMP"
		fi
	fi
	exit "$rc"
}

# e2e_init -- make $E2E_TMP (mode 0755: daemons drop privileges to
# www-data and must reach the content below it) and install the trap.
e2e_init() {
	E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tlsgen-e2e.XXXXXX") || {
		echo "e2e: mktemp failed" >&2
		exit 1
	}
	chmod 0755 "$E2E_TMP"
	trap _e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}

# --- waiting -----------------------------------------------------------------

# wait_for TENTHS COMMAND... -- retry COMMAND every 0.1 s until it succeeds,
# at most TENTHS times.
wait_for() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# port_listening ADDR PORT -- true if a TCP socket listens on ADDR:PORT or
# on the wildcard address with that port.
port_listening() {
	local a
	if have ss; then
		while read -r a; do
			case $a in
			"$1:$2" | "[$1]:$2" | "0.0.0.0:$2" | "*:$2" | "[::]:$2") return 0 ;;
			esac
		done < <(ss -Htln "sport = :$2" 2>/dev/null | awk '{print $4}')
		return 1
	fi
	# Without ss: a connect that succeeds (bash's /dev/tcp).
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_port ADDR PORT [TENTHS] -- wait (default 5 s) for a listener.
wait_port() {
	wait_for "${3:-50}" port_listening "$1" "$2"
}

# wait_port_free ADDR PORT [TENTHS] -- wait for no listener.
wait_port_free() {
	local i n=${3:-50}
	for ((i = 0; i < n; i++)); do
		port_listening "$1" "$2" || return 0
		sleep 0.1
	done
	return 1
}

# --- daemons -----------------------------------------------------------------

# pid_alive PID -- true if PID runs (and is not a zombie).
pid_alive() {
	[ -n "$1" ] || return 1
	kill -0 "$1" 2>/dev/null || return 1
	if [ -d /proc/self ]; then
		# field 3 of stat is the state; Z = zombie (exited, not reaped)
		local st
		st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
		case ${st%% *} in
		'' | Z | X) return 1 ;;
		esac
	fi
	return 0
}

# pid_children PID -- direct children of PID (from /proc), one per line.
pid_children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true
}

# wait_pidfile FILE [TENTHS] -- wait (default 5 s) until FILE names a live
# process; prints the pid.
wait_pidfile() {
	local f=$1 n=${2:-50} i pid
	for ((i = 0; i < n; i++)); do
		if [ -s "$f" ]; then
			pid=$(tr -dc '0-9' <"$f")
			if pid_alive "$pid"; then
				echo "$pid"
				return 0
			fi
		fi
		sleep 0.1
	done
	return 1
}

# daemon_stop PID|PIDFILE [TENTHS] -- TERM the process and wait (default
# 5 s) for it and its direct children (worker processes) to be gone; KILL
# whatever is left after that. Returns 1 if KILL was needed or the pid file
# names no process.
daemon_stop() {
	local pid=$1 n=${2:-50} i p left rc=0
	if [ -f "$pid" ]; then
		pid=$(tr -dc '0-9' <"$pid")
	fi
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	pid_alive "$pid" || return 1
	local procs=("$pid")
	while read -r p; do
		[ -n "$p" ] && procs+=("$p")
	done < <(pid_children "$pid")
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < n; i++)); do
		left=
		for p in "${procs[@]}"; do
			pid_alive "$p" && left="$left $p"
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "e2e: pids$left still running after TERM, sending KILL" >&2
	for p in $left; do
		kill -KILL "$p" 2>/dev/null || true
	done
	return 1
}

# run_bg PIDVAR LOG COMMAND... -- start COMMAND in the background (stdin
# from /dev/null, output to LOG); stores its pid in the variable PIDVAR.
run_bg() {
	local var=$1 log=$2
	shift 2
	"$@" </dev/null >"$log" 2>&1 &
	printf -v "$var" '%s' "$!"
}
