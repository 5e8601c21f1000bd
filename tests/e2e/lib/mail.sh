# tests/e2e/lib/mail.sh -- check, boot and stop PRIVATE Postfix, Dovecot and
# ejabberd instances (never the machine's own /etc/* or services). Source
# common.sh first (wait_port, wait_pidfile, pid_alive, daemon_stop).
#
#   postfix_prepare CONFDIR          queue/data/log dirs named by main.cf
#   postfix_check CONFDIR            postconf -n, postconf -M, postfix check:
#                                    status 1 and the messages if any warns
#   postfix_start CONFDIR [TENTHS]   start, wait for every inet listener
#   postfix_stop CONFDIR             stop, wait for the master pid to go
#   postfix_log CONFDIR              the maillog_file
#
#   dovecot_prepare CONF             base_dir, state_dir, log dir named by CONF
#   dovecot_check CONF               doveconf -n and -x: status 1 on warnings
#   dovecot_start CONF [TENTHS]      start, wait for every inet_listener
#   dovecot_stop CONF
#   dovecot_log CONF
#
#   ejabberd_start YML TMP [TENTHS]  private node (ctl config, spool, logs,
#                                    pid under TMP), wait for every listener
#   ejabberd_stop TMP
#   ejabberd_log TMP
#   ejabberd_check TMP               ejabberd has no offline checker: its log
#                                    after a boot must have no warning/error
#
#   postfix_log_problems CONFDIR [IGNORE_ERE]   warning/error/fatal/panic
#   dovecot_log_problems CONF [IGNORE_ERE]      lines of each server's log
#   ejabberd_log_problems TMP [IGNORE_ERE]      (status 1 if any)
#
# Layout and facts these rely on: see docs/notes-mail.md.

# shellcheck shell=bash

# --- shared --------------------------------------------------------------------

# mail_fill SRC DST NAME=VALUE... -- copy SRC to DST with every @NAME@
# replaced by VALUE (VALUE must not contain '|').
mail_fill() {
	local src=$1 dst=$2 kv
	local -a sed_args=()
	shift 2
	for kv in "$@"; do
		sed_args+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
	done
	sed "${sed_args[@]}" "$src" >"$dst"
	if grep -n '@[A-Z_]*@' "$dst" >&2; then
		echo "mail_fill: unfilled placeholder in $dst" >&2
		return 1
	fi
}

# log_problems FILE ERE [IGNORE_ERE] -- print the lines of FILE that match
# ERE (the server's spelling of warning/error/fatal) minus those matching
# IGNORE_ERE; status 0 if there is none. Use the per-server wrappers.
log_problems() {
	local f=$1 re=$2 ignore=${3:-} hits n
	[ -f "$f" ] || return 0
	hits=$(grep -E "$re" "$f" | { if [ -n "$ignore" ]; then grep -vE "$ignore"; else cat; fi; })
	[ -z "$hits" ] && return 0
	n=$(printf '%s\n' "$hits" | wc -l)
	printf '%s\n' "$hits" | head -n 20
	[ "$n" -gt 20 ] && echo "($((n - 20)) more in $f)"
	return 1
}

# _mail_listeners_wait TENTHS ADDR:PORT... -- wait for every listener.
_mail_listeners_wait() {
	local n=$1 l
	shift
	for l in "$@"; do
		wait_port "${l%:*}" "${l##*:}" "$n" || {
			echo "no listener on $l" >&2
			return 1
		}
	done
}

# --- Postfix -------------------------------------------------------------------
# A private instance is `postfix -c CONFDIR`: as root no
# alternate_config_directories entry is needed. Its own queue_directory
# (root-owned; `postfix check` creates the subdirectories), data_directory
# (owned by mail_owner, else postfix-script warns "not owned by postfix")
# and maillog_file (postlogd: master.cf "postlog" service, file under
# maillog_file_prefixes) make it independent of /var/spool/postfix and
# syslog.

_pf() { postconf -c "$1" -h "$2"; }

postfix_prepare() {
	local c=$1 q d l
	q=$(_pf "$c" queue_directory) || return 1
	d=$(_pf "$c" data_directory) || return 1
	l=$(_pf "$c" maillog_file) || return 1
	mkdir -p "$q" "$d" || return 1
	chown "$(_pf "$c" mail_owner):" "$d" || return 1
	if [ -n "$l" ]; then
		mkdir -p "$(dirname "$l")" && touch "$l"
	fi
}

postfix_log() {
	_pf "$1" maillog_file
}

# "postfix/smtpd[123]: warning: ..."
postfix_log_problems() {
	log_problems "$(postfix_log "$1")" \
		'postfix[^ ]*\[[0-9]+\]: (warning|error|fatal|panic): ' "${2:-}"
}

# _pf_run CONFDIR ARGS... -- `postfix -c CONFDIR ARGS`, messages on stdout:
# postfix(1) writes them to stderr only when that is a terminal, hence
# script(1); they also go to maillog_file.
_pf_run() {
	local c=$1
	shift
	if have script; then
		script -qec "postfix -c '$c' $*" /dev/null </dev/null | tr -d '\r'
		return "${PIPESTATUS[0]}"
	fi
	postfix -c "$c" "$@" 2>&1
}

postfix_check() {
	local c=$1 out rc=0 log before=0
	log=$(postfix_log "$c")
	[ -f "$log" ] && before=$(wc -l <"$log")
	# postconf prints "warning: ...: unused parameter: ..." and the like on
	# stderr; stdout is the settings.
	out=$(postconf -c "$c" -n 2>&1 >/dev/null) || rc=1
	[ -n "$out" ] && { echo "postconf -n: $out"; rc=1; }
	out=$(postconf -c "$c" -M 2>&1 >/dev/null) || rc=1
	[ -n "$out" ] && { echo "postconf -M: $out"; rc=1; }
	# Debian's postfix-script copies /etc/hosts and the like into the
	# queue directory's jail on the first check ("updating /etc/hosts =>
	# ..."; Debian 13 says so, 12 silently): information, not a warning.
	out=$(_pf_run "$c" check) || { echo "postfix check failed"; rc=1; }
	out=$(printf '%s\n' "$out" | grep -v '^updating /etc/[^ ]* => ')
	[ -n "$out" ] && { echo "postfix check: $out"; rc=1; }
	if [ -f "$log" ]; then
		out=$(tail -n +"$((before + 1))" "$log" | grep -iE 'warning|fatal|error')
		[ -n "$out" ] && { echo "maillog: $out"; rc=1; }
	fi
	return "$rc"
}

# postfix_listeners CONFDIR -- ADDR:PORT of every "ADDR:PORT inet" service.
postfix_listeners() {
	postconf -c "$1" -M 2>/dev/null |
		awk '$2 == "inet" && $1 ~ /:[0-9]+$/ { print $1 }'
}

postfix_pidfile() {
	echo "$(_pf "$1" queue_directory)/pid/master.pid"
}

# Daemons are started with their output in a file, never a pipe: a
# daemon that keeps a captured stdout open would hang "$(...)" forever.
postfix_start() {
	local c=$1 n=${2:-100} out
	out=$(mktemp "${TMPDIR:-/tmp}/postfix-start.XXXXXX") || return 1
	if ! postfix -c "$c" start </dev/null >"$out" 2>&1; then
		cat "$out" >&2
		tail -n 5 "$(postfix_log "$c")" >&2
		rm -f -- "$out"
		return 1
	fi
	rm -f -- "$out"
	wait_pidfile "$(postfix_pidfile "$c")" "$n" >/dev/null || {
		echo "postfix: no master pid" >&2
		return 1
	}
	# shellcheck disable=SC2046
	_mail_listeners_wait "$n" $(postfix_listeners "$c")
}

postfix_stop() {
	local c=$1 pidf pid i
	pidf=$(postfix_pidfile "$c")
	pid=$(tr -dc '0-9' 2>/dev/null <"$pidf")
	pid_alive "$pid" || return 0
	_pf_run "$c" stop >/dev/null
	for ((i = 0; i < 50; i++)); do
		pid_alive "$pid" || return 0
		sleep 0.1
	done
	daemon_stop "$pid"
}

# --- Dovecot -------------------------------------------------------------------
# `dovecot -c CONF` with its own base_dir (sockets, master.pid), state_dir,
# log_path and instance_name; the master runs as root and drops to
# default_internal_user / default_login_user per service.

_dv() { doveconf -c "$1" -h "$2" 2>/dev/null; }

dovecot_prepare() {
	local c=$1 d
	for d in "$(_dv "$c" base_dir)" "$(_dv "$c" state_dir)" \
		"$(dirname "$(_dv "$c" log_path)")"; do
		case $d in '' | . | /) continue ;; esac
		mkdir -p "$d" || return 1
	done
}

dovecot_log() {
	_dv "$1" log_path
}

# "imap-login: Warning: ..." (TLS refusals are "Info: Disconnected: ...")
dovecot_log_problems() {
	log_problems "$(dovecot_log "$1")" ': (Warning|Error|Fatal|Panic): ' "${2:-}"
}

# doveconf prints "doveconf: Warning: ..." (obsolete or conflicting
# settings) on stderr and still exits 0; -x also reads every "<file".
dovecot_check() {
	local c=$1 out rc=0
	out=$(doveconf -c "$c" -n 2>&1 >/dev/null) || rc=1
	[ -n "$out" ] && { echo "doveconf -n: $out"; rc=1; }
	out=$(doveconf -c "$c" -x 2>&1 >/dev/null) || rc=1
	[ -n "$out" ] && { echo "doveconf -x: $out"; rc=1; }
	return "$rc"
}

# dovecot_listeners CONF -- ADDR:PORT of every inet_listener of a service
# whose protocol is enabled (doveconf also lists pop3-login, ... listeners
# of protocols not in "protocols"); port 0 disables a listener.
dovecot_listeners() {
	doveconf -c "$1" -S 2>/dev/null | awk -F= '
		$1 == "protocols" { n = split($2, p, / +/); for (i = 1; i <= n; i++) on[p[i]] = 1 }
		/^service\/[^\/]*\/protocol=/ {
			k = $1; sub(/^service\//, "", k); sub(/\/protocol$/, "", k); proto[k] = $2 }
		/^service\/[^\/]*\/inet_listener\/[^\/]*\/address=/ {
			k = $1; sub(/\/address$/, "", k); addr[k] = $2 }
		/^service\/[^\/]*\/inet_listener\/[^\/]*\/port=/ {
			k = $1; sub(/\/port$/, "", k); port[k] = $2 }
		END {
			for (k in port) {
				if (port[k] == 0) continue
				svc = k; sub(/^service\//, "", svc); sub(/\/.*/, "", svc)
				if (proto[svc] != "" && !on[proto[svc]]) continue
				n = split(addr[k] == "" ? "*" : addr[k], a, /[ ,]+/)
				for (i = 1; i <= n; i++)
					print (a[i] == "*" ? "0.0.0.0" : a[i]) ":" port[k]
			}
		}'
}

dovecot_pidfile() {
	echo "$(_dv "$1" base_dir)/master.pid"
}

dovecot_start() {
	local c=$1 n=${2:-100} out
	out=$(mktemp "${TMPDIR:-/tmp}/dovecot-start.XXXXXX") || return 1
	if ! dovecot -c "$c" </dev/null >"$out" 2>&1; then
		cat "$out" >&2
		rm -f -- "$out"
		return 1
	fi
	rm -f -- "$out"
	wait_pidfile "$(dovecot_pidfile "$c")" "$n" >/dev/null || {
		echo "dovecot: no master pid" >&2
		return 1
	}
	# shellcheck disable=SC2046
	_mail_listeners_wait "$n" $(dovecot_listeners "$c")
}

# The master waits for its children before it exits (about 1 s).
dovecot_stop() {
	local pidf
	pidf=$(dovecot_pidfile "$1")
	[ -s "$pidf" ] || return 0
	pid_alive "$(tr -dc '0-9' <"$pidf")" || return 0
	daemon_stop "$pidf" 100
}

# --- ejabberd ------------------------------------------------------------------
# ejabberdctl (Debian) runs the node as user "ejabberd" (su) when called by
# root, and SOURCES its ctl config after parsing the command line, so the
# ctl config is private too (--config-dir holds it, with inetrc). The
# node uses a fixed distribution port instead of epmd (ERL_DIST_PORT), a
# private cookie and its own node name, so it meets no other node.
# Certificates and keys must be readable by user ejabberd.

EJABBERD_DIST_PORT=${EJABBERD_DIST_PORT:-15999}
EJABBERD_NODE=${EJABBERD_NODE:-tlsgen-ejabberd@localhost}

# _ej TMP ARGS... -- ejabberdctl with the private instance's options.
_ej() {
	local t=$1
	shift
	ejabberdctl --config-dir "$t/ejabberd/ctl" \
		--config "$(cat "$t/ejabberd/ctl/config-path")" \
		--logs "$t/ejabberd/log" --spool "$t/ejabberd/spool" \
		--node "$EJABBERD_NODE" "$@"
}

ejabberd_log() {
	echo "$1/ejabberd/log/ejabberd.log"
}

# ejabberd_listeners YML -- ADDR:PORT of every listener (simple YAML:
# "port:" then "ip:" items under "listen:").
ejabberd_listeners() {
	awk '
		/^listen:/ { in_l = 1; next }
		/^[^ #-]/ { in_l = 0 }
		!in_l { next }
		/^ *-/ { if (port) print (ip ? ip : "0.0.0.0") ":" port; port = ""; ip = "" }
		/^ *-? *port:/ { v = $0; sub(/.*port: */, "", v); port = v }
		/^ *ip:/ { v = $0; sub(/.*ip: */, "", v); gsub(/["\047]/, "", v); ip = v }
		END { if (port) print (ip ? ip : "0.0.0.0") ":" port }' "$1" |
		sed 's/^:::/0.0.0.0:/'
}

ejabberd_start() {
	local yml=$1 t=$2 n=${3:-150} d cookie
	for d in ctl log spool run modules; do
		mkdir -p "$t/ejabberd/$d" || return 1
	done
	cookie=tlsgen$(od -An -N8 -tx8 /dev/urandom | tr -dc '0-9a-f')
	echo "$yml" >"$t/ejabberd/ctl/config-path"
	cat >"$t/ejabberd/ctl/ejabberdctl.cfg" <<-EOF
		# private ejabberd node (written by tests/e2e/lib/mail.sh)
		ERL_DIST_PORT=$EJABBERD_DIST_PORT
		INET_DIST_INTERFACE=127.0.0.1
		ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 -setcookie $cookie"
		EJABBERD_PID_PATH=$t/ejabberd/run/ejabberd.pid
		CONTRIB_MODULES_PATH=$t/ejabberd/modules
		CONTRIB_MODULES_CONF_DIR=$t/ejabberd/ctl/modules.d
		EJABBERD_BYPASS_WARNINGS=true
	EOF
	cat >"$t/ejabberd/ctl/inetrc" <<-'EOF'
		{lookup,["file","native"]}.
		{host,{127,0,0,1}, ["localhost"]}.
		{file, resolv, "/etc/resolv.conf"}.
	EOF
	mkdir -p "$t/ejabberd/ctl/modules.d"
	chown -R ejabberd: "$t/ejabberd/log" "$t/ejabberd/spool" \
		"$t/ejabberd/run" "$t/ejabberd/modules" || return 1
	if ! _ej "$t" start </dev/null >"$t/ejabberd/log/ctl-start.out" 2>&1; then
		cat "$t/ejabberd/log/ctl-start.out" >&2
		return 1
	fi
	wait_pidfile "$t/ejabberd/run/ejabberd.pid" "$n" >/dev/null || {
		echo "ejabberd: no pid file; log:" >&2
		tail -n 20 "$(ejabberd_log "$t")" >&2
		return 1
	}
	cp "$t/ejabberd/run/ejabberd.pid" "$t/ejabberd/pid"
	# shellcheck disable=SC2046
	_mail_listeners_wait "$n" $(ejabberd_listeners "$yml")
}

# "... [warning] <0.1.0>@module:..."
ejabberd_log_problems() {
	log_problems "$(ejabberd_log "$1")" '\[(warning|error|critical|alert|emergency)\]' "${2:-}"
}

# EJABBERD_KNOWN_WARNINGS: an ERE of start-up warnings a given ejabberd
# release always logs (ejabberd 24.12: captcha_cmd, whatever the modules).
ejabberd_check() {
	ejabberd_log_problems "$1" "${EJABBERD_KNOWN_WARNINGS:-}"
}

# ejabberd removes its pid file when it stops: the pid was saved at start.
ejabberd_stop() {
	local t=$1 pid i
	[ -s "$t/ejabberd/pid" ] || return 0
	pid=$(tr -dc '0-9' <"$t/ejabberd/pid")
	pid_alive "$pid" || return 0
	_ej "$t" stop >/dev/null 2>&1
	for ((i = 0; i < 100; i++)); do
		pid_alive "$pid" || return 0
		sleep 0.1
	done
	daemon_stop "$pid"
}
