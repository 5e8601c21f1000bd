#!/usr/bin/env bash
# bench/run.sh -- the benchmark behind `make bench` (issue 8).  Prints a
# table and writes it, with the machine and the exact commands, to
# BENCHMARKS.md.  Work files go below bench/out/ (kept: the PKI is reused).
#
#   scale       tlsgen generate on synthetic descriptions of 1,000, 10,000
#               and 100,000 web services (+ a mail and an XMPP service), with
#               --no-cert-check and with the certificates checked; beside it,
#               in the same run, a Jinja2 renderer of the same per-site files
#               (bench/peer/) and `cp -r` of the finished tree (the floor)
#   certs       tlsgen certs over 1,000 distinct ECDSA and RSA pairs
#   handshakes  nginx and Apache booted from generated files and from the
#               hand-written Mozilla intermediate configuration: new and
#               resumed connections per second, ECDSA and RSA, TLS 1.2 and
#               1.3, and s_client -sess_out/-sess_in resumption counts
#
# Environment (defaults in brackets):
#   TLSGEN          the binary [./tlsgen]
#   BENCH_SIZES     web services per description ["1000 10000 100000"]
#   BENCH_CERTS     certificates, each an ECDSA and an RSA pair [500]
#   BENCH_REPS      repetitions of a run (median kept) [3]; a run longer than
#                   BENCH_REPS_UNDER seconds [10] is not repeated
#   BENCH_TIMEOUT   seconds before a run is stopped and reported as such [60]
#   BENCH_HS_TIME   seconds per handshake measurement [2]
#   BENCH_RESUME_N  resumption attempts per server and version [10]
#   BENCH_PARTS     "scale certs handshakes" (any subset)
#   BENCH_MD        the report [BENCHMARKS.md]
#   BENCH_HANDWRITTEN  hand-written trees [tests/e2e/handwritten/web, else
#                   bench/mozilla]
#   PYTHON          interpreter with Jinja2 [/usr/bin/python3]
set -u
cd "$(dirname "$0")/.."
REPO=$PWD

TLSGEN=${TLSGEN:-$REPO/tlsgen}
SIZES=${BENCH_SIZES:-1000 10000 100000}
NCERT=${BENCH_CERTS:-500}
REPS=${BENCH_REPS:-3}
REPS_UNDER=${BENCH_REPS_UNDER:-10}
TO=${BENCH_TIMEOUT:-60}
HS_TIME=${BENCH_HS_TIME:-2}
RESUME_N=${BENCH_RESUME_N:-10}
PARTS=${BENCH_PARTS:-scale certs handshakes}
MD=${BENCH_MD:-$REPO/BENCHMARKS.md}
PYTHON=${PYTHON:-/usr/bin/python3}
B=$REPO/bench/out
R=$B/results
START=$(date +%s)

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
has_part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

mkdir -p "$B" "$R"
rm -f "$R"/*.tsv "$R"/commands.txt
# Every command whose cost or result is reported, as run ($B written as
# bench/out); the report lists them.
note_cmd() {
	local s="$*"
	s=${s//$B/bench/out}
	[ -n "${SHM:-}" ] && s=${s//$SHM//dev/shm/tlsgen-bench.X}
	printf '%s\n' "${s//$REPO\//./}" >>"$R/commands.txt"
}

# --- tools ------------------------------------------------------------------

need_pkgs=()
[ -x /usr/bin/time ] || need_pkgs+=(time)
"$PYTHON" -c 'import jinja2' 2>/dev/null || need_pkgs+=(python3-jinja2)
if [ ${#need_pkgs[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		log "installing ${need_pkgs[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${need_pkgs[@]}" >/dev/null ||
			die "cannot install ${need_pkgs[*]}"
	else
		die "missing ${need_pkgs[*]} (apt-get install them)"
	fi
fi
[ -x "$TLSGEN" ] || die "$TLSGEN: not built (make)"
command -v openssl >/dev/null || die "no openssl"

# --- machine ----------------------------------------------------------------

machine() { printf '%s\t%s\n' "$1" "$2" >>"$R/machine.tsv"; }
{
	. /etc/os-release 2>/dev/null
	machine date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	machine nproc "$(nproc)"
	machine cpu "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
	machine memory "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	machine os "${PRETTY_NAME:-?} (debian_version $(cat /etc/debian_version 2>/dev/null)), kernel $(uname -r)"
	machine fs "$(df -T "$B" | awk 'NR == 2 { print $2 }') ($B)"
	machine openssl "$(openssl version)"
	machine nginx "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
	machine apache "$(apache2 -v 2>/dev/null | sed -n 's/^Server version: //p')"
	machine libxml2 "$(pkg-config --modversion libxml-2.0 2>/dev/null)"
	machine python "$("$PYTHON" -c 'import sys, jinja2; print("Python %s, Jinja2 %s" % (sys.version.split()[0], jinja2.__version__))')"
	machine tlsgen "$("$TLSGEN" --version) ($(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- generator include templates 2>/dev/null || echo '+uncommitted changes'))"
	machine reps "$REPS"
	machine reps_under "$REPS_UNDER"
	machine timeout "$TO"
	machine cflags "$(sed -n 's/^CFLAGS[^=]*= *//p' Makefile | head -1) (Makefile default)"
}

# --- measuring ---------------------------------------------------------------

# measure TAG CMD... -- one run under /usr/bin/time and BENCH_TIMEOUT;
# prints "wall user sys maxrss_kb status" (status ok, timeout or exit N).
measure() {
	local tag=$1 tf=$B/time.$1 rc
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tf" timeout -k 5 "$TO" "$@" \
		>"$B/log.$tag" 2>&1
	rc=$?
	local t
	t=$(tail -n 1 "$tf")
	case $rc in
	0) echo "$t ok" ;;
	124|137) echo "$t timeout" ;;
	*) echo "$t exit$rc" ;;
	esac
}

# bench_run KIND SIZE PREP CMD... -- REPS runs of CMD (PREP before each,
# not timed, then sync); appends the median run to scale.tsv.
bench_run() {
	local kind=$1 size=$2 prep=$3 i n=$REPS runs=() line
	shift 3
	note_cmd "$*"
	for ((i = 0; i < n; i++)); do
		eval "$prep"
		sync
		line=$(measure "$kind.$size" "$@")
		runs+=("$line")
		log "  $kind $size: $line"
		case $line in *' ok') ;; *) break ;; esac
		awk -v w="${line%% *}" -v m="$REPS_UNDER" \
			'BEGIN { exit !(w > m) }' && break
	done
	# median by wall time
	line=$(printf '%s\n' "${runs[@]}" | sort -n -k1,1 |
		awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')
	printf '%s\t%s\t%s\t%s\n' "$size" "$kind" "${#runs[@]}" \
		"$(echo "$line" | tr ' ' '\t')" >>"$R/scale.tsv"
}

# --- cleanup ---------------------------------------------------------------

SHM=
STARTED=()	# pid files of servers we started
stop_pidfile() {
	local pf=$1 pid i
	[ -s "$pf" ] || return 0
	pid=$(cat "$pf")
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}
cleanup() {
	local pf
	for pf in "${STARTED[@]}"; do
		stop_pidfile "$pf"
	done
	[ -n "$SHM" ] && rm -rf "$SHM"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- scale ---------------------------------------------------------------------

PKIROOT=$B/pki
if has_part scale || has_part certs; then
	log "PKI: $NCERT certificates x (ECDSA P-256 + RSA 2048) in $PKIROOT"
	note_cmd "bench/mkcerts.sh $PKIROOT $NCERT"
	bash bench/mkcerts.sh "$PKIROOT" "$NCERT" || die "mkcerts failed"
	for n in $SIZES; do
		[ -s "$B/desc-$n.xml" ] && [ "$B/desc-$n.xml" -nt bench/gen-desc.py ] ||
			"$PYTHON" bench/gen-desc.py "$n" "$NCERT" >"$B/desc-$n.xml"
	done
	note_cmd "$PYTHON bench/gen-desc.py N $NCERT > $B/desc-N.xml   # N = ${SIZES// /, }"
fi

# Scratch space in memory: the same runs without the disk's cost.
if has_part scale && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	SHM=$(mktemp -d /dev/shm/tlsgen-bench.XXXXXX)
fi

if has_part scale; then
	for n in $SIZES; do
		d=$B/desc-$n.xml o=$B/gen-$n p=$B/peer-$n
		log "scale: $n services"
		bench_run tlsgen-check "$n" "rm -rf $o" \
			"$TLSGEN" generate "$d" -o "$o" --root "$PKIROOT"
		bench_run tlsgen-nocheck "$n" "rm -rf $o" \
			"$TLSGEN" generate "$d" -o "$o" --no-cert-check
		ok=$(tail -n 1 "$R/scale.tsv" | cut -f 8)
		# Again over its own output: what a re-run after an edit costs.
		[ "$ok" = ok ] && bench_run tlsgen-update "$n" : \
			"$TLSGEN" generate "$d" -o "$o" --no-cert-check
		bench_run jinja2 "$n" "rm -rf $p" \
			"$PYTHON" bench/peer/render.py "$d" "$p"
		# The floor copies the tree tlsgen made (or, when tlsgen did not
		# finish, the peer's: the same per-site files, no main files).
		src=$o
		if [ "$ok" != ok ]; then
			src=$p
			printf '%s\tfloor-src\tpeer\n' "$n" >>"$R/notes.tsv"
		fi
		files=$(find "$src" -type f | wc -l)
		bytes=$(find "$src" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
		printf '%s\t%s\t%s\n' "$n" "$files" "$bytes" >>"$R/tree.tsv"
		bench_run floor "$n" "rm -rf $B/copy-$n" cp -r "$src" "$B/copy-$n"
		# The peer's files must be tlsgen's (the --no-cert-check ones).
		if [ "$ok" = ok ]; then
			nd=$(diff -r "$o/etc/nginx/tlsgen" "$p/etc/nginx/tlsgen" | grep -c '^[<>]')
			na=$(diff -r "$o/etc/apache2/tlsgen" "$p/etc/apache2/tlsgen" | grep -c '^[<>]')
			np=$(find "$p" -type f | wc -l)
			printf '%s\t%s\t%s\n' "$n" "$np" "$((nd + na))" >>"$R/equiv.tsv"
		fi
		rm -rf "$B/copy-$n" "$p" "$o"
		# In memory (tmpfs): tlsgen and the floor without the disk.
		if [ -n "$SHM" ]; then
			bench_run tlsgen-nocheck-shm "$n" "rm -rf $SHM/gen" \
				"$TLSGEN" generate "$d" -o "$SHM/gen" --no-cert-check
			ok=$(tail -n 1 "$R/scale.tsv" | cut -f 8)
			bench_run jinja2-shm "$n" "rm -rf $SHM/peer" \
				"$PYTHON" bench/peer/render.py "$d" "$SHM/peer"
			src=$SHM/gen
			[ "$ok" = ok ] || src=$SHM/peer
			bench_run floor-shm "$n" "rm -rf $SHM/copy" \
				cp -r "$src" "$SHM/copy"
			rm -rf "${SHM:?}"/*
		fi
	done
	note_cmd "diff -r bench/out/gen-N/etc/nginx/tlsgen bench/out/peer-N/etc/nginx/tlsgen (and etc/apache2/tlsgen)"
fi

# --- certificates ----------------------------------------------------------------

if has_part certs; then
	n1=$(echo "$SIZES" | awk '{ print $1 }')
	d=$B/desc-$n1.xml
	# Every certificate is used when there are at least 2 x NCERT services.
	pairs=$(grep -c '<pair ' "$d")
	log "certs: $pairs pairs"
	bench_run certs "$pairs" : "$TLSGEN" certs "$d" --root "$PKIROOT"
	bench_run validate "$pairs" : "$TLSGEN" validate "$d"
	mv "$R/scale.tsv" "$R/scale.tmp"
	grep -P '^\d+\t(certs|validate)\t' "$R/scale.tmp" >"$R/certs.tsv"
	grep -vP '^\d+\t(certs|validate)\t' "$R/scale.tmp" >"$R/scale.tsv"
	rm -f "$R/scale.tmp"
fi

# --- handshakes --------------------------------------------------------------------


wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# layout_dirs L -- what the packages would create for a <layout> into L.
layout_dirs() {
	mkdir -p "$1"/run/apache2 "$1"/log/nginx "$1"/log/apache2 \
		"$1"/lib/nginx "$1"/spool "$1"/acme/.well-known/acme-challenge \
		"$1"/srv/www "$1"/srv/mirror "$1"/srv/people
	echo ok >"$1/srv/www/index.html"
	echo ok >"$1/srv/people/index.html"
	chmod -R a+rX "$1"
}

# boot SERVER OUT L ADDR -- start nginx or Apache from OUT, wait for it.
boot() {
	local server=$1 out=$2 l=$3 addr=$4 pf
	if [ "$server" = nginx ]; then
		pf=$l/run/nginx.pid
		[ -f "$out/etc/nginx/mime.types" ] ||
			cp /etc/nginx/mime.types "$out/etc/nginx/"
		note_cmd "nginx -e $l/log/nginx/error.log -c $out/etc/nginx/nginx.conf"
		STARTED+=("$pf")
		nginx -e "$l/log/nginx/error.log" -c "$out/etc/nginx/nginx.conf" \
			>"$l/boot.log" 2>&1 || return 1
	else
		pf=$l/run/apache2/apache2.pid
		note_cmd "apache2 -d $out/etc/apache2 -f $out/etc/apache2/apache2.conf -k start"
		STARTED+=("$pf")
		apache2 -d "$out/etc/apache2" -f "$out/etc/apache2/apache2.conf" \
			-k start >"$l/boot.log" 2>&1 || return 1
	fi
	wait_file "$pf" && wait_port "$addr" "$HS_HTTPS"
}

HS_HTTP=28080 HS_HTTPS=28443 HS_BACKEND=28081
machine hs_time "$HS_TIME"
HSTIME=$B/hstime

# client_opts KEY TLS -- how the client picks the server's ECDSA or RSA pair.
client_opts() {
	case $1-$2 in
	ecdsa-tls1_2) echo "-cipher ECDHE-ECDSA-AES128-GCM-SHA256" ;;
	rsa-tls1_2) echo "-cipher ECDHE-RSA-AES128-GCM-SHA256" ;;
	ecdsa-tls1_3) echo "-sigalgs ECDSA+SHA256:ECDSA+SHA384" ;;
	rsa-tls1_3) echo "-sigalgs rsa_pss_rsae_sha256:rsa_pss_rsae_sha384" ;;
	esac
}

# rates SERVER HOST GEN_ADDR HAND_ADDR -- connections per second against
# the generated and the hand-written server, both running: ROUNDS segments
# of HS_TIME/ROUNDS seconds each, alternating, so that whatever else the
# machine does weighs on both alike.  One line per segment in hs.tsv.
ROUNDS=4
machine hs_rounds "$ROUNDS"
rates() {
	local server=$1 host=$2 ga=$3 ha=$4 key tls mode r config addr out seg
	seg=$(awk -v t="$HS_TIME" -v r="$ROUNDS" 'BEGIN { printf "%.3f", t / r }')
	# warm-up (first handshakes, OCSP attempts): not counted
	for addr in "$ga" "$ha"; do
		"$HSTIME" -connect "$addr:$HS_HTTPS" -servername "$host" -new \
			-tls1_3 -time 0.3 >/dev/null 2>&1
	done
	for key in ecdsa rsa; do
		for tls in tls1_2 tls1_3; do
			for mode in new reuse; do
				for ((r = 1; r <= ROUNDS; r++)); do
					for config in generated handwritten; do
						addr=$ga
						[ $config = handwritten ] && addr=$ha
						# shellcheck disable=SC2046
						out=$("$HSTIME" -connect "$addr:$HS_HTTPS" \
							-servername "$host" -$mode -$tls \
							$(client_opts $key $tls) -time "$seg" 2>&1 |
							tail -n 1)
						printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$server" \
							"$config" "$key" "$tls" "$mode" "$out" \
							>>"$R/hs.tsv"
					done
				done
				log "  $server $key $tls $mode: $(grep -P "^$server\t\w+\t$key\t$tls\t$mode\t" "$R/hs.tsv" |
					awk -F'\t' '{ split($6, a, /[ =]/); c[$2] += a[2]; s[$2] += a[4] }
					END { for (k in c) printf "%s %.0f/s  ", k, c[k] / s[k] }')"
			done
		done
	done
}

# resumes SERVER CONFIG ADDR HOST L -- s_client: a first session, then
# RESUME_N attempts, each offering the session the previous one ended with.
resumes() {
	local server=$1 config=$2 addr=$3 host=$4 l=$5 key tls i res s0 s1 ok_n
	for key in ecdsa rsa; do
		for tls in tls1_2 tls1_3; do
			s0=$l/sess.0
			rm -f "$l"/sess.*
			# shellcheck disable=SC2046
			printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" |
				timeout 10 openssl s_client -connect "$addr:$HS_HTTPS" \
				-servername "$host" -$tls $(client_opts $key $tls) \
				-sess_out "$s0" -ign_eof >/dev/null 2>&1
			ok_n=0
			for ((i = 1; i <= RESUME_N; i++)); do
				s1=$l/sess.$i
				# shellcheck disable=SC2046
				res=$(printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" |
					timeout 10 openssl s_client -connect "$addr:$HS_HTTPS" \
					-servername "$host" -$tls $(client_opts $key $tls) \
					-sess_in "$s0" -sess_out "$s1" -ign_eof 2>/dev/null |
					grep -c '^Reused, ')
				[ "$res" -ge 1 ] && ok_n=$((ok_n + 1))
				[ -s "$s1" ] && s0=$s1
			done
			log "  $server $config $key $tls: resumed $ok_n of $RESUME_N"
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$config" "$key" \
				"$tls" "$RESUME_N" "$ok_n" >>"$R/resume.tsv"
		done
	done
}

if has_part handshakes; then
	H=$B/hs
	rm -rf "$H"
	mkdir -p "$H"
	chmod 755 "$H"
	log "handshakes: building bench/hstime, test PKI"
	cc -O2 -o "$HSTIME" bench/hstime.c $(pkg-config --cflags --libs openssl) ||
		die "cannot build bench/hstime.c"
	OCSP_URL=http://127.0.0.1:28888/ bash tests/pki/mkpki.sh "$H/pki" \
		>/dev/null || die "tests/pki/mkpki.sh failed"
	note_cmd "OCSP_URL=http://127.0.0.1:28888/ tests/pki/mkpki.sh $H/pki"
	chmod -R a+rX "$H/pki"

	# generated: one description, nginx on .61, Apache on .62
	L=$H/gen
	layout_dirs "$L"
	sed -e "s#@T@#$L#g" -e "s#@PKI@#$H/pki#g" -e 's#@NGINX@#127.0.0.61#g' \
		-e 's#@APACHE@#127.0.0.62#g' -e "s#@HTTP@#$HS_HTTP#g" \
		-e "s#@HTTPS@#$HS_HTTPS#g" -e "s#@BACKEND@#$HS_BACKEND#g" \
		bench/handshake.xml.in >"$H/handshake.xml"
	note_cmd "$TLSGEN generate $H/handshake.xml -o $L/out"
	"$TLSGEN" generate "$H/handshake.xml" -o "$L/out" >"$H/generate.log" 2>&1 ||
		{ cat "$H/generate.log" >&2; die "tlsgen generate (handshakes) failed"; }

	# hand-written: the e2e reference trees, or bench/mozilla/ without them
	HW=${BENCH_HANDWRITTEN:-tests/e2e/handwritten/web}
	if [ -f "$HW/nginx/etc/nginx/nginx.conf" ] &&
	    [ -f "$HW/apache/etc/apache2/apache2.conf" ]; then
		machine handwritten "$HW/"
	else
		HW=bench/mozilla
		machine handwritten "$HW/ (minimal fallback)"
	fi
	for s in nginx apache; do
		L=$H/hand-$s
		layout_dirs "$L"
		mkdir -p "$L/out"
		cp -R "$HW/$s/." "$L/out/"
		find "$L/out" -type f -print0 | xargs -0 sed -i -e "s#@T@#$L#g" \
			-e "s#@PKI@#$H/pki#g" -e 's#127\.0\.0\.2\([:_]\)#127.0.0.63\1#g' \
			-e 's#127\.0\.0\.3\([:_]\)#127.0.0.64\1#g' \
			-e "s#18080#$HS_HTTP#g" -e "s#18443#$HS_HTTPS#g" \
			-e "s#18081#$HS_BACKEND#g"
	done

	for s in nginx apache; do
		if [ $s = nginx ]; then
			ga=127.0.0.61 ha=127.0.0.63 host=www.example.org
			gpf=$H/gen/run/nginx.pid hpf=$H/hand-$s/run/nginx.pid
		else
			ga=127.0.0.62 ha=127.0.0.64 host=people.example.org
			gpf=$H/gen/run/apache2/apache2.pid
			hpf=$H/hand-$s/run/apache2/apache2.pid
		fi
		log "handshakes: $s, generated on $ga, hand-written on $ha ($host)"
		up=
		if boot $s "$H/gen/out" "$H/gen" "$ga"; then
			up="$up generated"
		else
			log "  $s generated did not start:"
			sed 's/^/    /' "$H/gen/boot.log" >&2
			printf '%s\t%s\tboot failed\n' $s generated >>"$R/hsfail.tsv"
		fi
		if boot $s "$H/hand-$s/out" "$H/hand-$s" "$ha"; then
			up="$up handwritten"
		else
			log "  $s handwritten did not start:"
			sed 's/^/    /' "$H/hand-$s/boot.log" >&2
			printf '%s\t%s\tboot failed\n' $s handwritten >>"$R/hsfail.tsv"
		fi
		[ "$up" = " generated handwritten" ] && rates $s "$host" "$ga" "$ha"
		case $up in *generated*)
			resumes $s generated "$ga" "$host" "$H/gen" ;; esac
		case $up in *handwritten*)
			resumes $s handwritten "$ha" "$host" "$H/hand-$s" ;; esac
		stop_pidfile "$gpf"
		stop_pidfile "$hpf"
	done
	note_cmd "$HSTIME -connect ADDR:$HS_HTTPS -servername HOST -new|-reuse -tls1_2|-tls1_3 (-cipher ECDHE-ECDSA-AES128-GCM-SHA256 | -cipher ECDHE-RSA-AES128-GCM-SHA256 | -sigalgs ECDSA+SHA256:ECDSA+SHA384 | -sigalgs rsa_pss_rsae_sha256:rsa_pss_rsae_sha384) -time \$((HS_TIME / ROUNDS))   # $ROUNDS times, alternating generated and hand-written; HS_TIME=$HS_TIME"
	note_cmd "printf 'GET / HTTP/1.0\\r\\nHost: HOST\\r\\n\\r\\n' | openssl s_client -connect ADDR:$HS_HTTPS -servername HOST -tls1_2|-tls1_3 (same -cipher/-sigalgs) [-sess_in PREV] -sess_out NEXT -ign_eof | grep -c '^Reused, '   # $RESUME_N times, each offering the previous session"
fi

machine elapsed "$(($(date +%s) - START)) s"
"$PYTHON" bench/report.py "$R" "$MD" || die "report failed"
log "wrote $MD"
