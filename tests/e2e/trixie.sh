#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# trixie.sh -- tlsgen's output for Debian 13 (trixie), proven on Debian 13's
# own servers: a trixie root (lib/trixie-root.sh: debootstrap from Debian's
# archive into a cache, reused) holds nginx, Apache, Postfix, Dovecot 2.4,
# ejabberd and OpenSSL 3.5. The descriptions of web.sh and mail.sh get a
# <target> naming the root's versions (read from its dpkg database), each
# server checks its files inside the root (nginx -t, apache2 -t, postconf,
# postfix check, doveconf) with no warning, then boots chrooted on
# loopback high ports and is probed exactly as Debian 12's output is
# (lib/web-suite.sh, lib/mail-suite.sh), with the root's OpenSSL 3.5 as
# the client, so X25519MLKEM768 is offered and must be negotiated.
#
# Everything runs in a private mount namespace: /proc, /dev and the temp
# dir are mounted into the root there and vanish with it, whatever happens;
# they are also unmounted on exit. Without the root (no debootstrap, not
# root, archive unreachable) the script prints SKIPPED with the reason.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
tlsgen_bin

# --- outside: the root, then a private mount namespace ----------------------------
if [ -z "${TRIXIE_INSIDE:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		skip "Debian 13 (trixie) servers" "not root"
		e2e_finish
	fi
	if ! have unshare || ! have chroot; then
		skip "Debian 13 (trixie) servers" "no unshare/chroot"
		e2e_finish
	fi
	start=$(date +%s)
	err=$(mktemp "${TMPDIR:-/tmp}/trixie-root.XXXXXX")
	root=$(bash "$HERE/lib/trixie-root.sh" 2>"$err")
	rc=$?
	case $rc in
	0) ;;
	3)
		skip "Debian 13 (trixie) servers" "$(tail -n 1 "$err")"
		rm -f "$err"
		e2e_finish
		;;
	*)
		fail "Debian 13 (trixie) root" "$(cat "$err")"
		rm -f "$err"
		e2e_finish
		;;
	esac
	rm -f "$err"
	echo "trixie root: $root ($(($(date +%s) - start)) s)"
	export TRIXIE_ROOT=$root TRIXIE_INSIDE=1 TLSGEN
	exec unshare -m --propagation private bash "$0" "$@"
fi

# --- inside the mount namespace ------------------------------------------------------
ROOT=$TRIXIE_ROOT
TMPD=$(cd "${TMPDIR:-/tmp}" && pwd -P)
START=$(date +%s)
MOUNTS=()

unmount_all() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null
	done
	MOUNTS=()
	[ -n "${W:-}" ] && rm -rf -- "$W"
}
trap unmount_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mount_in() {	# mount_in WHAT DEST ARGS...
	local dest=$2
	mkdir -p "$dest" || return 1
	mount "${@:3}" "$1" "$dest" && MOUNTS+=("$dest")
}
if ! mount_in proc "$ROOT/proc" -t proc ||
	! mount_in /dev "$ROOT/dev" --rbind ||
	! mount_in "$TMPD" "$ROOT$TMPD" --bind; then
	fail "mounts into the trixie root" "proc, /dev, $TMPD"
	e2e_finish
fi
# The test's files are below $TMPD, at the same path inside and outside.
mount --make-rslave "$ROOT/dev" 2>/dev/null

# Each server command, and the client (openssl), and chown (user names
# are the root's), run inside the root.
W=$(mktemp -d "$TMPD/trixie-bin.XXXXXX")
for cmd in nginx apache2 postfix postconf dovecot doveconf ejabberdctl \
	openssl chown; do
	# (in the caller's directory: mkpki.sh works with relative paths)
	cat >"$W/$cmd" <<-EOF
		#!/bin/sh
		PATH=/usr/sbin:/usr/bin:/sbin:/bin exec chroot '$ROOT' /bin/sh -c \\
		    'cd "\$1" 2>/dev/null; shift; exec "\$@"' sh "\$PWD" $cmd "\$@"
	EOF
	chmod 0755 "$W/$cmd"
done
chmod 0755 "$W"
export PATH=$W:$PATH

# The root's versions, from its dpkg database: "1:2.4.1+dfsg1-6" is 2.4.1.
dpkgv() {
	dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f='${Version}' "$1" \
		2>/dev/null | sed -E 's/^[0-9]+://; s/[-+~].*$//'
}
V_NGINX=$(dpkgv nginx) V_APACHE=$(dpkgv apache2-bin)
V_POSTFIX=$(dpkgv postfix) V_DOVECOT=$(dpkgv dovecot-core)
V_EJABBERD=$(dpkgv ejabberd) V_OPENSSL=$(dpkgv openssl)
TARGET="<target openssl=\"$V_OPENSSL\" nginx=\"$V_NGINX\" apache=\"$V_APACHE\" postfix=\"$V_POSTFIX\" dovecot=\"$V_DOVECOT\" ejabberd=\"$V_EJABBERD\"/>"
echo "trixie versions: $TARGET"
OPENSSL_SAYS=$(openssl version 2>&1)
echo "client: $OPENSSL_SAYS"

# start_part NAME FUNCTION -- one suite in a background subshell (each
# suite ends with e2e_finish); the web and mail suites use distinct
# addresses and ports (web-suite.sh's OCSP port is not mkpki's), so they
# run side by side. end_part NAME waits for it, shows its checks and adds
# its summary line to ours.
TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
declare -A PART_PID
start_part() {
	( "$2" ) >"$W/$1.log" 2>&1 &
	PART_PID[$1]=$!
}
end_part() {
	local name=$1 line log=$W/$1.log
	wait "${PART_PID[$1]}"
	cat "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" |
		tail -n 1)
	if [ -z "$line" ]; then
		fail "$name: no summary line"
		return
	fi
	echo "($name: $line)"
	set -- $line
	TOTAL_P=$((TOTAL_P + $1)) TOTAL_F=$((TOTAL_F + $3)) TOTAL_S=$((TOTAL_S + $5))
}

# gen_checked LOG ARGS... -- tlsgen generate; its log must name the trixie
# versions and hold no warning but the documented gaps of the servers.
gen_checked() {
	local log=$1
	shift
	"$TLSGEN" generate "$@" 2>"$log" || { cat "$log"; return 1; }
	grep -q "dovecot $V_DOVECOT (declared)\|nginx $V_NGINX (declared)" "$log" ||
		{ echo "versions not as declared:"; cat "$log"; return 1; }
	if grep 'warning:' "$log" | grep -v \
		-e 'session cache: Dovecot' -e 'ejabberd: ' \
		-e 'HSTS max-age 31536000 is below' >&2; then
		return 1
	fi
}

# --- web: nginx and Apache -----------------------------------------------------------
web_part() {
	. "$HERE/lib/tls.sh"
	. "$HERE/lib/web.sh"
	. "$HERE/lib/web-suite.sh"
	# OpenSSL 3.5 target: the profile's hybrid group first.
	WEB_GROUPS=X25519MLKEM768:X25519:prime256v1:secp384r1
	WEB_ALL_GROUPS="X25519MLKEM768 $WEB_ALL_GROUPS"
	web_produce() {
		local out=$1 l=$2 pki=$3
		sed -e "s#@T@#$l#g" -e "s#@PKI@#$pki#g" \
			-e "s#<trust #$TARGET\n  <trust #" \
			"$HERE/handwritten/web/variant.xml" >"$l/variant.xml" &&
			gen_checked "$l/generate.log" "$l/variant.xml" -o "$out"
	}
	web_check_trees() {
		check "nginx.conf written for nginx $V_NGINX" \
			grep -q "for nginx $V_NGINX\." "$1/etc/nginx/nginx.conf"
		check "nginx $V_NGINX: http2 directive, no listen flag" \
			bash -c "grep -q '^ *http2 on;' '$1/etc/nginx/nginx.conf' && ! grep -q 'ssl http2' '$1/etc/nginx/nginx.conf'"
	}
	# A default client of the root's OpenSSL negotiates the hybrid group.
	web_extra_probes() {
		local g
		if [ -n "$1" ]; then
			g=$(tls_sclient -sni www.example.org "$WEB_NGINX_ADDR:$WEB_HTTPS_PORT" -tls1_3 |
				sed -n 's/^Negotiated TLS1.3 group: //p')
			check_eq "nginx: default OpenSSL 3.5 client negotiates X25519MLKEM768" X25519MLKEM768 "$g"
		fi
		if [ -n "$2" ]; then
			g=$(tls_sclient -sni bugs.example.org "$WEB_APACHE_ADDR:$WEB_HTTPS_PORT" -tls1_3 |
				sed -n 's/^Negotiated TLS1.3 group: //p')
			check_eq "apache: default OpenSSL 3.5 client negotiates X25519MLKEM768" X25519MLKEM768 "$g"
		fi
	}
	web_suite "trixie web"
}

# --- mail: Postfix, Dovecot 2.4, ejabberd -------------------------------------------
mail_part() {
	. "$HERE/lib/tls.sh"
	. "$HERE/lib/mail.sh"
	. "$HERE/lib/mail-suite.sh"
	MAIL_EXTRA_GROUPS=X25519MLKEM768
	# ejabberd 24.12 warns at every start that captcha_cmd is unset,
	# though no module written here uses a CAPTCHA (23.01 did not).
	EJABBERD_KNOWN_WARNINGS='The option captcha_cmd is not configured, but some module wants to use the CAPTCHA feature'
	mail_produce() {
		local T=$1 PKI=$2 ej=$T/ejabberd/certs
		mkdir -p "$ej" "$T/dovecot/home"
		cp "$PKI"/ecdsa.fullchain.pem "$PKI"/ecdsa.key \
			"$PKI"/rsa.fullchain.pem "$PKI"/rsa.key "$ej/"
		chown -R ejabberd: "$ej"
		sed -e "s#@T@#$T#g" -e "s#@PKI@#$PKI#g" -e "s#@EJCERTS@#$ej#g" \
			-e "s#<trust #$TARGET\n  <trust #" \
			"$HERE/mail/variant.xml" >"$T/variant.xml"
		gen_checked "$T/generate.log" "$T/variant.xml" -o "$T/out" || return 1
		PFC=$T/out/etc/postfix
		DVC=$T/out/etc/dovecot/dovecot.conf
		EJY=$T/out/etc/ejabberd/ejabberd.yml
		echo 'alice:{PLAIN}secret' >"$T/dovecot/passwd"
		chown nobody:nogroup "$T/dovecot/home"
		# The site's user database, in Dovecot 2.4's syntax.
		cat >"$T/out/etc/dovecot/auth.local.conf" <<-CONF
			passdb passwd-file {
			  passwd_file_path = $T/dovecot/passwd
			}
			userdb static {
			  fields {
			    uid = nobody
			    gid = nogroup
			    home = $T/dovecot/home/%{user}
			  }
			}
		CONF
		mkdir -p "$T/log" "$T/run" "$T/lib" "$T/spool"
		at_exit "postfix_stop '$PFC'"
		at_exit "dovecot_stop '$DVC'"
		at_exit "ejabberd_stop '$T'"
	}
	mail_produce_dane() {
		local T=$1 dir=$2
		sed 's#<smtp server="postfix"#<smtp validating-resolver="true" server="postfix"#' \
			"$T/variant.xml" >"$T/variant-dane.xml"
		gen_checked "$T/generate-dane.log" "$T/variant-dane.xml" \
			-o "$T/out-dane" || return 1
		ln -s "$T/out-dane/etc/postfix" "$dir"
	}
	mail_extra_probes() {
		local g
		check "dovecot.conf is Dovecot 2.4's (dovecot_config_version first)" \
			bash -c "grep -v '^#' '$DVC' | grep -m1 . | grep -q '^dovecot_config_version = '"
		if [ -n "$HAVE_PF" ]; then
			g=$(tls_sclient 127.0.0.4:12465 -tls1_3 |
				sed -n 's/^Negotiated TLS1.3 group: //p')
			check_eq "postfix 465: default OpenSSL 3.5 client negotiates X25519MLKEM768" X25519MLKEM768 "$g"
		fi
		if [ -n "$HAVE_DV" ]; then
			g=$(tls_sclient 127.0.0.5:10993 -tls1_3 |
				sed -n 's/^Negotiated TLS1.3 group: //p')
			check_eq "dovecot 993: default OpenSSL 3.5 client negotiates X25519MLKEM768" X25519MLKEM768 "$g"
		fi
	}
	mail_suite "trixie mail"
}

case $OPENSSL_SAYS in
"OpenSSL 3.5"*) ok "client is the root's OpenSSL 3.5 ($OPENSSL_SAYS)" ;;
*) fail "client is the root's OpenSSL 3.5" "$OPENSSL_SAYS" ;;
esac
start_part web web_part
start_part mail mail_part
end_part web
end_part mail

unmount_all
left=$(awk -v r="$ROOT" 'index($2, r "/") == 1' /proc/self/mounts)
check_eq "nothing left mounted in the root" "" "$left"
echo "trixie.sh: $(($(date +%s) - START)) s"
E2E_PASSED=$((E2E_PASSED + TOTAL_P)) E2E_FAILED=$((E2E_FAILED + TOTAL_F))
E2E_SKIPPED=$((E2E_SKIPPED + TOTAL_S))
e2e_finish
