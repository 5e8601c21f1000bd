#!/bin/bash
# ocsp-responder.sh start|stop DIR [PORT]
#
# Runs `openssl ocsp` as an OCSP responder for the test PKI that mkpki.sh
# built in DIR: it answers for the certificates int issued (DIR/index.txt),
# signing with DIR/ocsp.pem / DIR/ocsp.key, on 127.0.0.1:PORT (default 18888).
# "start" returns once the responder answers; its pid is in DIR/ocsp.pid and
# its output in DIR/ocsp.log. "stop" kills the process named in DIR/ocsp.pid.
#
# OpenSSL 3.0 caveats (openssl ocsp is a demo-grade server):
#  * -port takes a bare number; it listens on all addresses ([::], dual
#    stack), not just 127.0.0.1. Clients should use http://127.0.0.1:PORT/.
#  * It is single-threaded, and a client that connects and closes without
#    sending a request (a port check: nc -z, bash /dev/tcp, ...) sends it
#    into a 100% CPU loop where it never answers again (openssl/openssl
#    #23934, #31129). Never port-probe it; probe with a real OCSP request, as
#    "start" does. -ignore_err keeps it alive after a malformed request (it
#    exits otherwise).

set -eu

usage() {
	echo "usage: $0 start|stop DIR [PORT]" >&2
	exit 2
}

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	usage
fi
ACTION=$1
DIR=$2
PORT=${3:-18888}
PIDFILE=$DIR/ocsp.pid
LOG=$DIR/ocsp.log

# running PID -- true if PID exists and is not a zombie.
running() {
	local _pid _comm state
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		read -r _pid _comm state _ <"/proc/$1/stat" || return 1
		[ "$state" != Z ] || return 1
	fi
	return 0
}

# alive PID -- running, and (where /proc says) an openssl process.
alive() {
	running "$1" || return 1
	if [ -r "/proc/$1/comm" ]; then
		[ "$(cat "/proc/$1/comm")" = openssl ] || return 1
	fi
	return 0
}

# query -- true if something answers an OCSP query on PORT (for the
# responder's own certificate, which int issued).
query() {
	openssl ocsp -issuer "$DIR/int.pem" -cert "$DIR/ocsp.pem" \
		-url "http://127.0.0.1:$PORT/" -CAfile "$DIR/root.pem" \
		-timeout 2 >/dev/null 2>&1
}

stop() {
	[ -f "$PIDFILE" ] || return 0
	local pid i
	pid=$(cat "$PIDFILE")
	if [ -n "$pid" ] && alive "$pid"; then
		kill "$pid" 2>/dev/null || true
		for i in $(seq 50); do
			alive "$pid" || break
			sleep 0.1
		done
		if alive "$pid"; then
			echo "$0: pid $pid ignored TERM for $i tries; sending KILL" >&2
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$PIDFILE"
}

start() {
	local f pid i
	for f in index.txt int.pem ocsp.pem ocsp.key root.pem; do
		if [ ! -f "$DIR/$f" ]; then
			echo "$0: $DIR/$f missing (run mkpki.sh first)" >&2
			exit 1
		fi
	done
	if [ -f "$PIDFILE" ] && alive "$(cat "$PIDFILE")"; then
		echo "$0: already running (pid $(cat "$PIDFILE"))" >&2
		exit 1
	fi
	rm -f "$PIDFILE"

	nohup openssl ocsp -index "$DIR/index.txt" -CA "$DIR/int.pem" \
		-rsigner "$DIR/ocsp.pem" -rkey "$DIR/ocsp.key" \
		-port "$PORT" -ndays 7 -ignore_err \
		</dev/null >"$LOG" 2>&1 &
	pid=$!
	echo "$pid" >"$PIDFILE"

	# Ready = our process logged "ACCEPT ..." (so it holds the port; if the
	# port is taken it exits instead), is still running, and answers a real
	# OCSP query.
	for i in $(seq 100); do
		if ! running "$pid"; then
			echo "$0: openssl ocsp exited; log:" >&2
			cat "$LOG" >&2
			rm -f "$PIDFILE"
			exit 1
		fi
		if grep -q '^ACCEPT ' "$LOG" && query && running "$pid"; then
			return 0
		fi
		sleep 0.1
	done
	echo "$0: responder on port $PORT not answering after $i tries; log:" >&2
	cat "$LOG" >&2
	stop
	exit 1
}

case $ACTION in
start) start ;;
stop) stop ;;
*) usage ;;
esac
