#!/usr/bin/env bash
# Installs, as root on Debian, what tlsgen needs to build and to test: the
# compiler and libraries, Check, and the real servers the end-to-end tests
# boot (nginx, Apache, Postfix, Dovecot, ejabberd) with the clients that
# probe them.  Server packages are installed without starting their system
# services (policy-rc.d), so nothing binds the machine's own ports.
set -eu

packages=(
	gcc make pkg-config libxml2-dev libssl-dev check libxml2-utils
	openssl ca-certificates curl python3 procps iproute2 util-linux
	bsdutils e2fsprogs
	nginx-light apache2 postfix dovecot-imapd ejabberd
	# the fault and limit tests: memcheck, kills at each system call,
	# peak memory, YAML parsing of ejabberd.yml, man pages, patch
	valgrind strace time python3-yaml man-db patch
	# tests/e2e/trixie.sh: the Debian 13 root its servers run in
	debootstrap
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "install-deps: all packages present"; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root" >&2
	exit 2
fi
echo "install-deps: installing ${missing[*]}"
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 0755 /usr/sbin/policy-rc.d
	created_policy=1
fi
trap '[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
