#!/bin/bash
# faults.sh -- `tlsgen generate` writes all files or none, whatever goes
# wrong while it writes.  Every fault below must end with exit 2, a message
# naming the path, and the previous output byte-identical (the listing of
# every non-directory entry with its mode and SHA-256 unchanged, no
# *.tlsgen-new / *.tlsgen-old / journal left behind):
#
#   - valgrind memcheck is clean on the bundled example (first run, rerun
#     over existing output, a refused description);
#   - TLSGEN_FAULT=N fails the Nth write/link/rename, for every N until the
#     run succeeds (a fresh directory and an existing output);
#   - a real SIGKILL (strace --inject) at every write, link, rename and
#     unlink: the next run finds the journal, restores, and completes;
#   - a full file system (tmpfs of 64 KiB), a read-only one (tmpfs remounted
#     ro, a read-only bind mount), an immutable directory (chattr +i);
#   - the output directory replaced or removed while a run is in flight;
#   - an unreadable certificate or key (a finding: output untouched);
#   - two runs into one directory at once, many times: the result is always
#     exactly one of the two expected trees.
#
# Needs root for the mounts and chattr (each such check is SKIPPED
# otherwise, as is anything needing valgrind, strace or openssl).  Leaves
# nothing mounted or running.  Prints "N passed, N failed, N skipped".

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

tlsgen_bin
export TLSGEN_DATADIR=${TLSGEN_DATADIR:-$ROOT}
unset TLSGEN_FAULT

e2e_init
T=$E2E_TMP
IS_ROOT=
[ "$(id -u)" = 0 ] && IS_ROOT=1

# --- descriptions -----------------------------------------------------------

# web ID SERVER ADDR [EXTRA] -- one <web> service
web() {
	cat <<EOF
  <web id="$1" server="$2" certificate="web" listen="$3" http-port="80" https-port="443">
    <host>$1.example.org</host>
    <root>/srv/$1</root>${4:-}
  </web>
EOF
}

# desc FILE BODY... -- a description with the usual head and certificates
desc() {
	local f=$1
	shift
	{
		cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<services xmlns="urn:tlsgen:services:1" domain="example.org">
  <policy profile="intermediate">
    <session-cache size="10m" timeout="86400" tickets="false"/>
  </policy>
  <certificate id="web">
    <pair cert="/etc/ssl/web.pem" key="/etc/ssl/web.key"/>
  </certificate>
  <certificate id="mail">
    <pair cert="/etc/ssl/mail.pem" key="/etc/ssl/mail.key"/>
  </certificate>
EOF
		printf '%s\n' "$@"
		echo '</services>'
	} >"$f"
}

MAIL='  <mail id="mail" certificate="mail">
    <host>mail.example.org</host>
    <smtp server="postfix" listen="0.0.0.0" port="25" submission-port="587" submissions-port="465"/>
    <imap server="dovecot" listen="0.0.0.0" port="143" imaps-port="993"/>
  </mail>'
XMPP='  <xmpp id="chat" server="ejabberd" certificate="mail" listen="0.0.0.0" c2s-port="5222" c2s-tls-port="5223" s2s-port="5269">
    <host>example.org</host>
  </xmpp>'

# A and B differ in every way a run can: B changes a file (a1's policy),
# drops files (a2, all of Apache) and adds one (a3).
mkdir -p "$T/d"
A=$T/d/desc-a.xml B=$T/d/desc-b.xml
desc "$A" "$(web a1 nginx 192.0.2.10)" "$(web a2 nginx 192.0.2.10)" \
	"$(web b1 apache 192.0.2.11)" "$MAIL" "$XMPP"
desc "$B" "$(web a1 nginx 192.0.2.10 '
    <hsts max-age="126144000"/>')" "$(web a3 nginx 192.0.2.10)" "$MAIL" "$XMPP"
SMALL=$T/d/small.xml BIG=$T/d/big.xml
desc "$SMALL" "$(web s1 nginx 192.0.2.10)"
big=()
for i in $(seq 1 60); do big+=("$(web "big$i" nginx 192.0.2.10)"); done
desc "$BIG" "${big[@]}"

# --- helpers ----------------------------------------------------------------

# gen DESC OUT [ENV=V...] -- generate, stderr in $T/err, status in $RC
gen() {
	local d=$1 o=$2
	shift 2
	env "$@" "$TLSGEN" generate "$d" -o "$o" --no-cert-check \
		>/dev/null 2>"$T/err"
	RC=$?
}

# listing DIR -- every non-directory entry: type, mode, size, path, SHA-256
listing() {
	[ -d "$1" ] || { echo "(no directory)"; return; }
	(
		cd "$1" || exit 1
		find . ! -type d -printf '%y %m %s %p\n' | LC_ALL=C sort
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
	)
}

# strays DIR -- transaction leftovers (temp files, old copies, journal)
strays() {
	[ -d "$1" ] || return 0
	find "$1" \( -name '*.tlsgen-new' -o -name '*.tlsgen-old' -o \
		-name 'journal*' \) -print 2>/dev/null
}

# expect_refused NAME DIR BEFORE PATH -- exit 2, a message naming PATH,
# DIR's listing still BEFORE, nothing left behind
expect_refused() {
	local name=$1 dir=$2 before=$3 path=$4 why=
	[ "$RC" = 2 ] || why="exit $RC, not 2"
	grep -qF -- "$path" "$T/err" || why="$why; no message names $path"
	[ "$(listing "$dir")" = "$before" ] || why="$why; the output changed:
$(diff <(echo "$before") <(listing "$dir") | head -n 20)"
	[ -z "$(strays "$dir")" ] || why="$why; left behind: $(strays "$dir")"
	if [ -z "$why" ]; then
		ok "$name"
	else
		fail "$name" "${why#; }
stderr: $(head -c 1500 "$T/err")"
	fi
}

# The expected trees, each generated alone into a fresh directory.
gen "$A" "$T/ref-a"
[ "$RC" = 0 ] || { fail "generate A" "$(cat "$T/err")"; e2e_finish; }
gen "$B" "$T/ref-b"
[ "$RC" = 0 ] || { fail "generate B" "$(cat "$T/err")"; e2e_finish; }
LA=$(listing "$T/ref-a")
LB=$(listing "$T/ref-b")
NFILES=$(find "$T/ref-a" -type f | wc -l)
ok "reference trees: A has $NFILES files, B $(find "$T/ref-b" -type f | wc -l)"

# fresh DIR DESC -- DIR holds exactly DESC's output
fresh() {
	rm -rf -- "$1"
	gen "$2" "$1"
	[ "$RC" = 0 ] || fail "setup: generate $2 into $1" "$(cat "$T/err")"
}

# --- valgrind ---------------------------------------------------------------

if need valgrind "valgrind memcheck on examples/example.org.xml"; then
	vg() {
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
			--error-exitcode=9 "$TLSGEN" "$@" >/dev/null 2>"$T/vg"
	}
	vg generate "$ROOT/examples/example.org.xml" -o "$T/vg-out" --no-cert-check
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "valgrind memcheck: generate examples/example.org.xml (clean, exit 0)"
	else
		fail "valgrind memcheck: generate examples/example.org.xml (exit $rc)" \
			"$(grep -v '^tlsgen\|example.org.xml' "$T/vg" | head -n 40)"
	fi
	# again over its own output (old copies, manifest, stale files), then
	# with B over it, then a refused description
	vg generate "$ROOT/examples/example.org.xml" -o "$T/vg-out" --no-cert-check
	rc1=$?
	vg generate "$B" -o "$T/vg-out" --no-cert-check
	rc2=$?
	printf '<services xmlns="urn:tlsgen:services:1" domain="a;b"/>\n' >"$T/d/bad.xml"
	vg validate "$T/d/bad.xml"
	rc3=$?
	if [ "$rc1$rc2$rc3" = 002 ]; then
		ok "valgrind memcheck: rerun, stale files, refused input (clean)"
	else
		fail "valgrind memcheck: rerun, stale files, refused input (exits $rc1 $rc2 $rc3, want 0 0 2)" \
			"$(head -n 40 "$T/vg")"
	fi
fi

# --- TLSGEN_FAULT=N ---------------------------------------------------------

# fault_sweep NAME DIR SETUP_DESC NEW_DESC WANT -- fail operation N for
# every N until a run gets through (its tree must be the listing WANT);
# each failed run must leave DIR as SETUP_DESC left it
fault_sweep() {
	local name=$1 dir=$2 setup=$3 new=$4 want=$5 n before bad=0 detail=
	if [ -n "$setup" ]; then fresh "$dir" "$setup"; else rm -rf -- "$dir"; fi
	before=$(listing "$dir")
	for ((n = 1; n <= 500; n++)); do
		gen "$new" "$dir" TLSGEN_FAULT=$n
		[ "$RC" = 0 ] && break
		local why=
		[ "$RC" = 2 ] || why="exit $RC"
		grep -q "$dir.*injected failure\|injected failure.*$dir" "$T/err" ||
			why="$why; no message naming the path"
		[ "$(listing "$dir")" = "$before" ] || why="$why; output changed"
		[ -z "$(strays "$dir")" ] || why="$why; left $(strays "$dir" | head -n 3)"
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			detail="$detail
N=$n: ${why#; }"
		fi
	done
	if [ "$RC" != 0 ]; then
		fail "$name: no run got through in 500 operations"
	elif [ "$bad" -gt 0 ]; then
		fail "$name: $bad of $((n - 1)) injected failures broke the output" \
			"$(echo "$detail" | head -n 20)"
	elif [ "$(listing "$dir")" != "$want" ]; then
		fail "$name: the run after the last fault did not write the new tree" \
			"$(diff <(echo "$want") <(listing "$dir") | head -n 20)"
	else
		ok "$name: TLSGEN_FAULT=1..$((n - 1)) each exit 2 naming the path, old output byte-identical; N=$n completes"
	fi
}
fault_sweep "fault: existing output A, new B" "$T/fault" "$A" "$B" "$LB"
fault_sweep "fault: first run (no output directory yet)" "$T/fault-new" "" "$B" "$LB"

# --- a real kill -9 at every file operation ---------------------------------

# After the kill: a journal is left if the run had reached phase 2; a run
# that fails at once (TLSGEN_FAULT=1) still recovers first, so its result
# shows what recovery alone restores: exactly A (killed before the commit)
# or exactly B (killed after it).  Then a normal run must give B.
if need strace "kill -9 at every file operation (strace --inject)"; then
	kills=0 journals=0 bad=0 detail=
	for sc in write link,linkat rename,renameat,renameat2 unlink,unlinkat; do
		for ((k = 1; k <= 200; k++)); do
			rm -rf "$T/kill"
			cp -a "$T/ref-a" "$T/kill"
			# (in $(...): the shell that reports "Killed" is muted)
			rc=$({
				strace -o /dev/null -e trace="$sc" \
					-e inject="$sc:signal=KILL:when=$k" \
					"$TLSGEN" generate "$B" -o "$T/kill" \
					--no-cert-check >/dev/null 2>"$T/err"
				echo $?
			} 2>/dev/null)
			[ "$rc" = 0 ] && break
			kills=$((kills + 1))
			why=
			[ "$rc" = 137 ] || why="strace/tlsgen exit $rc, not 137"
			[ -f "$T/kill/var/lib/tlsgen/journal" ] && journals=$((journals + 1))
			gen "$B" "$T/kill" TLSGEN_FAULT=1
			got=$(listing "$T/kill")
			if [ "$RC" != 2 ]; then
				why="$why; recovery run exit $RC"
			elif [ "$got" != "$LA" ] && [ "$got" != "$LB" ]; then
				why="$why; recovery left neither A nor B:
$(diff <(echo "$LA") <(echo "$got") | head -n 12)"
			elif [ -n "$(strays "$T/kill")" ]; then
				why="$why; recovery left $(strays "$T/kill" | head -n 3)"
			fi
			gen "$B" "$T/kill"
			if [ "$RC" != 0 ] || [ "$(listing "$T/kill")" != "$LB" ] ||
				[ -n "$(strays "$T/kill")" ]; then
				why="$why; the next run did not complete to B (exit $RC)"
			fi
			if [ -n "$why" ]; then
				bad=$((bad + 1))
				detail="$detail
kill at $sc #$k: ${why#; }"
			fi
		done
	done
	if [ "$bad" = 0 ] && [ "$kills" -gt 0 ] && [ "$journals" -gt 0 ]; then
		ok "kill -9 at each of $kills write/link/rename/unlink calls ($journals left a journal): the next run restores exactly A or B, then completes to B"
	else
		fail "kill -9: $bad of $kills kill points went wrong ($journals journals)" \
			"$(echo "$detail" | head -n 30)"
	fi
fi

# --- file systems that refuse -----------------------------------------------

if [ -z "$IS_ROOT" ]; then
	skip "full file system (tmpfs 64k)" "not root"
	skip "read-only file system" "not root"
	skip "immutable directory (chattr +i)" "not root"
else
	MNT=$T/mnt
	mkdir -p "$MNT"
	at_exit "umount -l '$MNT' 2>/dev/null"

	# Full: a small tree fits, a large one cannot; the small one survives
	# and the space the failed run used is given back.
	if mount -t tmpfs -o size=64k,mode=0755 tlsgen-full "$MNT"; then
		gen "$SMALL" "$MNT/out"
		if [ "$RC" != 0 ]; then
			fail "full file system: setup" "$(cat "$T/err")"
		else
			before=$(listing "$MNT/out")
			used=$(df --output=used "$MNT" | tail -n 1)
			gen "$BIG" "$MNT/out"
			expect_refused "full file system (tmpfs 64k): $(grep -o 'No space left on device' "$T/err" | head -n 1)" \
				"$MNT/out" "$before" "$MNT/out"
			check_eq "full file system: the failed run gave its space back (KiB used)" \
				"$used" "$(df --output=used "$MNT" | tail -n 1)"
			gen "$SMALL" "$MNT/out"
			check_eq "full file system: a run that fits still works" 0 "$RC"
		fi
		umount "$MNT"
	else
		skip "full file system (tmpfs 64k)" "mount -t tmpfs failed"
	fi

	# Read-only: a tmpfs remounted ro, and a read-only bind mount of a
	# directory on the main file system.
	if mount -t tmpfs -o size=4m,mode=0755 tlsgen-ro "$MNT"; then
		gen "$A" "$MNT/out"
		before=$(listing "$MNT/out")
		mount -o remount,ro "$MNT"
		gen "$B" "$MNT/out"
		expect_refused "read-only file system (tmpfs remount,ro)" "$MNT/out" "$before" "$MNT/out"
		umount "$MNT"
	else
		skip "read-only file system" "mount -t tmpfs failed"
	fi
	fresh "$T/bind-src" "$A"
	before=$(listing "$T/bind-src")
	if mount --bind "$T/bind-src" "$MNT" && mount -o remount,bind,ro "$MNT"; then
		gen "$B" "$MNT"
		expect_refused "read-only bind mount" "$MNT" "$before" "$MNT"
		umount "$MNT"
	else
		umount "$MNT" 2>/dev/null
		skip "read-only bind mount" "mount --bind failed"
	fi

	# Immutable: one directory of the tree refuses new names (even root's).
	fresh "$T/immut" "$A"
	before=$(listing "$T/immut")
	if chattr +i "$T/immut/etc/nginx/tlsgen" 2>/dev/null; then
		at_exit "chattr -i '$T/immut/etc/nginx/tlsgen' 2>/dev/null"
		gen "$B" "$T/immut"
		expect_refused "immutable directory (chattr +i etc/nginx/tlsgen)" \
			"$T/immut" "$before" "$T/immut/etc/nginx/tlsgen"
		chattr -i "$T/immut/etc/nginx/tlsgen"
	else
		skip "immutable directory (chattr +i)" "chattr +i not supported here"
	fi
fi

# --- the directory vanishing mid-run ------------------------------------------

# The run stops itself (TLSGEN_STOP_MID=1: SIGSTOP once the journal and
# every temporary file are durable, before anything is put in place).  The
# test waits for that stop (the run's state in /proc), swaps or removes the
# directory, then lets the run go on (SIGCONT): no sleep, no race, however
# slow the machine.

# held_run DIR -- starts generate into DIR (pid in HELD_PID) and waits
# until it has stopped itself; fails if it never does.
held_run() {
	TLSGEN_STOP_MID=1 "$TLSGEN" generate "$B" -o "$1" --no-cert-check \
		>/dev/null 2>"$T/err" &
	HELD_PID=$!
	wait_for 600 pid_stopped "$HELD_PID"
}

# pid_stopped PID -- PID is stopped by a signal (state T).
pid_stopped() {
	local st
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "${st%% *}" = T ]
}

# release_run -- lets the held run go on; its exit status in RC.
release_run() {
	kill -CONT "$HELD_PID" 2>/dev/null
	wait "$HELD_PID"
	RC=$?
}

{
	fresh "$T/swap" "$A"
	rm -rf "$T/swap.prev"
	held_run "$T/swap" || fail "output directory replaced mid-run: the run never stopped"
	mv "$T/swap" "$T/swap.prev" && mkdir "$T/swap"
	release_run
	expect_refused "output directory replaced mid-run: the previous output (moved away) is intact" \
		"$T/swap.prev" "$LA" "$T/swap"
	check_eq "output directory replaced mid-run: the new directory stays empty" \
		"" "$(find "$T/swap" -mindepth 1 | head -n 5)"

	fresh "$T/gone" "$A"
	held_run "$T/gone" || fail "output directory removed mid-run: the run never stopped"
	rm -rf "$T/gone"
	release_run
	why=
	[ "$RC" = 2 ] || why="exit $RC, not 2"
	grep -qF "$T/gone" "$T/err" || why="$why; no message names $T/gone"
	[ -e "$T/gone" ] && why="$why; something was recreated: $(find "$T/gone" | head -n 5)"
	if [ -z "$why" ]; then
		ok "output directory removed mid-run: exit 2 naming it, nothing recreated"
	else
		fail "output directory removed mid-run" "${why#; }
$(cat "$T/err")"
	fi
}

# --- unreadable certificates and keys ---------------------------------------

# A finding, not a fault of the run: `certs` says which file (exit 1), and
# `generate` refuses (exit 1, the README's "found problems") without
# touching the output.
if need openssl "unreadable certificate" "unreadable key"; then
	P=$T/pki
	mkdir -p "$P"
	(
		cd "$P" &&
			openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout ca.key -out ca.pem -subj /CN=faults-ca -days 30 \
				-addext basicConstraints=critical,CA:TRUE \
				-addext keyUsage=critical,keyCertSign,cRLSign &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout leaf.key -out leaf.csr -subj /CN=c1.example.org &&
			printf 'subjectAltName=DNS:c1.example.org\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >ext &&
			openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 30 -extfile ext -out leaf.pem &&
			cat leaf.pem ca.pem >leaf.fullchain.pem
	) >"$T/pki.log" 2>&1 || fail "test certificate" "$(cat "$T/pki.log")"
	CD=$T/d/cert.xml
	cat >"$CD" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<services xmlns="urn:tlsgen:services:1">
  <policy><ocsp-stapling mode="off"/></policy>
  <trust bundle="$P/ca.pem"/>
  <certificate id="c"><pair cert="$P/use.pem" key="$P/use.key"/></certificate>
  <web id="c1" server="nginx" certificate="c" listen="127.0.0.1" http-port="80" https-port="443">
    <host>c1.example.org</host>
  </web>
</services>
EOF
	reset_pki() {
		rm -rf "$P/use.pem" "$P/use.key"
		cp "$P/leaf.fullchain.pem" "$P/use.pem"
		cp "$P/leaf.key" "$P/use.key"
	}
	reset_pki
	"$TLSGEN" generate "$CD" -o "$T/certout" >/dev/null 2>"$T/err"
	if [ $? != 0 ]; then
		fail "unreadable certificate: setup (a good pair must pass)" "$(cat "$T/err")"
	else
		before=$(listing "$T/certout")
		# the certificate checks (OpenSSL) under memcheck too
		if have valgrind; then
			valgrind -q --leak-check=full --error-exitcode=9 "$TLSGEN" certs "$CD" \
				>/dev/null 2>"$T/vg"
			rc1=$?
			valgrind -q --leak-check=full --error-exitcode=9 "$TLSGEN" generate "$CD" \
				-o "$T/certout-vg" >/dev/null 2>>"$T/vg"
			rc2=$?
			if [ "$rc1$rc2" = 00 ]; then
				ok "valgrind memcheck: certs and generate with certificates checked (clean)"
			else
				fail "valgrind memcheck: certs/generate with certificates (exits $rc1 $rc2)" \
					"$(head -n 40 "$T/vg")"
			fi
		fi
		# how a file can be unreadable, even for root
		for how in missing directory dangling-symlink fifo unreadable-to-user; do
			for which in pem key; do
				f=$P/use.$which
				reset_pki
				case $how in
				missing) rm -f "$f" ;;
				directory) rm -f "$f" && mkdir "$f" ;;
				dangling-symlink) rm -f "$f" && ln -s "$P/nothing" "$f" ;;
				fifo) rm -f "$f" && mkfifo "$f" ;;
				unreadable-to-user)
					# nobody owns both; the one under test has mode 000
					chown nobody "$P/use.pem" "$P/use.key" 2>/dev/null
					chmod 000 "$f" ;;
				esac
				as=()
				if [ "$how" = unreadable-to-user ]; then
					if [ -z "$IS_ROOT" ] || ! have setpriv; then
						skip "$which $how" "needs root and setpriv"
						continue
					fi
					# root reads anything: run as nobody, with a directory
					# nobody may write
					as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
					rm -rf "$T/certout-nobody"
					cp -a "$T/certout" "$T/certout-nobody"
					chown -R nobody:nogroup "$T/certout-nobody"
					chmod 0755 "$T" "$T/d"
				fi
				out=$T/certout
				[ "$how" = unreadable-to-user ] && out=$T/certout-nobody
				# both at once: a hang costs one timeout, not two
				timeout 3 "${as[@]}" "$TLSGEN" certs "$CD" >"$T/certs.out" 2>"$T/err" &
				pc=$!
				timeout 3 "${as[@]}" "$TLSGEN" generate "$CD" -o "$out" \
					>/dev/null 2>"$T/err.gen"
				RC=$?
				wait "$pc"
				rc_c=$?
				cat "$T/err.gen" >>"$T/err"
				why=
				[ "$rc_c" = 124 ] && why="certs hangs (killed after 3 s)"
				[ "$rc_c" = 124 ] || [ "$rc_c" = 1 ] || why="certs exit $rc_c, not 1"
				[ "$RC" = 124 ] && why="$why; generate hangs (killed after 3 s)"
				[ "$RC" = 1 ] || [ "$RC" = 124 ] || why="$why; generate exit $RC, not 1"
				cat "$T/certs.out" >>"$T/err"
				grep -qF "$f" "$T/err" || why="$why; no message names $f"
				[ "$(listing "$out")" = "$before" ] || why="$why; the output changed"
				[ -z "$(strays "$out")" ] || why="$why; left $(strays "$out")"
				if [ -z "$why" ]; then
					ok "unreadable $which ($how): certs exit 1 and generate exit 1 name it, output untouched"
				else
					fail "unreadable $which ($how)" "${why#; }
$(head -c 1200 "$T/err")"
				fi
			done
		done
		reset_pki
	fi
fi

# --- two runs at once -------------------------------------------------------

# Both runs render, then queue on the lock of the output directory: the
# tree is always exactly A's or exactly B's, never a mix.
fresh "$T/race" "$A"
wa=0 wb=0 bad=0 detail=
for i in $(seq 1 25); do
	"$TLSGEN" generate "$A" -o "$T/race" --no-cert-check >/dev/null 2>"$T/race-a.err" &
	pa=$!
	"$TLSGEN" generate "$B" -o "$T/race" --no-cert-check >/dev/null 2>"$T/race-b.err" &
	pb=$!
	wait "$pa"
	ra=$?
	wait "$pb"
	rb=$?
	got=$(listing "$T/race")
	if [ "$ra$rb" != 00 ]; then
		bad=$((bad + 1))
		detail="$detail
round $i: exits $ra $rb $(cat "$T/race-a.err" "$T/race-b.err" | head -n 3)"
	elif [ "$got" = "$LA" ]; then
		wa=$((wa + 1))
	elif [ "$got" = "$LB" ]; then
		wb=$((wb + 1))
	else
		bad=$((bad + 1))
		detail="$detail
round $i: a mixed tree:
$(diff <(echo "$LA") <(echo "$got") | head -n 10)"
	fi
	[ -z "$(strays "$T/race")" ] || { bad=$((bad + 1)); detail="$detail
round $i: left $(strays "$T/race")"; }
done
if [ "$bad" = 0 ]; then
	ok "two runs at once, 25 rounds: always exactly one tree (A last $wa times, B last $wb times)"
else
	fail "two runs at once: $bad of 25 rounds wrong" "$(echo "$detail" | head -n 30)"
fi

e2e_finish
