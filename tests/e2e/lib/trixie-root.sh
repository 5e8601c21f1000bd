#!/usr/bin/env bash
# tests/e2e/lib/trixie-root.sh -- a Debian 13 (trixie) root holding the five
# servers and OpenSSL 3.5, made once with debootstrap from Debian's package
# archive (the mirror this machine's apt uses) and reused by every test that
# proves tlsgen's output for Debian 13 (tests/e2e/trixie.sh).
#
#     tests/e2e/lib/trixie-root.sh          prints the root's path
#
# The root lives in ${TLSGEN_CACHE:-/var/cache/tlsgen-test}/trixie. It is
# built in a sibling directory and renamed into place, and a stamp file is
# written only when every package is installed, so an interrupted build is
# never taken for a good one. Concurrent callers wait on one flock; the
# second finds the stamp. Services are never started inside it (a
# policy-rc.d that forbids it), and nothing stays mounted afterwards.
#
# Exit status: 0 the root is ready (path on stdout); 3 it cannot be made
# here (no debootstrap, not root, archive unreachable: the reason on
# stderr, for the caller's SKIPPED line); 1 the build failed.
#
# Environment: TLSGEN_CACHE (cache directory), TLSGEN_MIRROR (archive URL;
# default: the first Debian archive in /etc/apt/sources.list{,.d/*}).

set -u

CACHE=${TLSGEN_CACHE:-/var/cache/tlsgen-test}
ROOT=$CACHE/trixie
STAMP=$ROOT/.tlsgen-root-ok
PACKAGES="nginx apache2 postfix dovecot-imapd ejabberd openssl ca-certificates"

say() { echo "trixie-root: $*" >&2; }

# The Debian archive apt uses here: "URIs:" of a deb822 source whose
# suites are Debian's, or the URL of a one-line "deb" entry.
mirror() {
	local f url
	if [ -n "${TLSGEN_MIRROR:-}" ]; then
		echo "$TLSGEN_MIRROR"
		return
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		url=$(awk '
			/^URIs:/ { u = $2 }
			/^Suites:/ && u != "" {
				for (i = 2; i <= NF; i++)
					if ($i ~ /^(bookworm|trixie|stable|testing)$/) { print u; exit }
			}
			/^$/ { u = "" }' "$f")
		[ -n "$url" ] && { echo "$url"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		url=$(awk '$1 == "deb" && $0 !~ /security/ {
			for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' "$f")
		[ -n "$url" ] && { echo "$url"; return; }
	done
	echo http://deb.debian.org/debian
}

# unmount_below DIR -- every mount point at or below DIR, deepest first.
unmount_below() {
	local m
	for m in $(awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' \
		/proc/self/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}

build() {
	local tmp=$1 url=$2 start
	start=$(date +%s)
	unmount_below "$tmp"
	rm -rf --one-file-system "$tmp"
	say "debootstrap trixie from $url into $tmp"
	if ! debootstrap --variant=minbase trixie "$tmp" "$url" \
		>"$CACHE/trixie-debootstrap.log" 2>&1; then
		say "debootstrap failed; last lines of $CACHE/trixie-debootstrap.log:"
		tail -n 15 "$CACHE/trixie-debootstrap.log" >&2
		return 1
	fi
	# No service may start inside the root, now or when a test runs.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 0755 "$tmp/usr/sbin/policy-rc.d"
	cp /etc/resolv.conf "$tmp/etc/resolv.conf"
	mount -t proc proc "$tmp/proc" || return 1
	chroot "$tmp" /bin/sh -c '
		set -e
		export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
		echo "postfix postfix/main_mailer_type select No configuration" |
			debconf-set-selections
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends '"$PACKAGES"'
		apt-get clean
		rm -rf /var/lib/apt/lists/*
	' >"$CACHE/trixie-install.log" 2>&1
	local rc=$?
	umount "$tmp/proc" 2>/dev/null || umount -l "$tmp/proc"
	if [ "$rc" -ne 0 ]; then
		say "package install failed; last lines of $CACHE/trixie-install.log:"
		tail -n 15 "$CACHE/trixie-install.log" >&2
		return 1
	fi
	say "built in $(($(date +%s) - start)) s, $(du -sm --one-file-system "$tmp" | cut -f1) MB"
}

main() {
	local url
	if [ -f "$STAMP" ]; then
		echo "$ROOT"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		say "needs root (debootstrap, chroot)"
		return 3
	fi
	if ! command -v debootstrap >/dev/null 2>&1; then
		say "no debootstrap (tools/install-deps.sh installs it)"
		return 3
	fi
	mkdir -p "$CACHE" || return 3
	exec 9>"$CACHE/trixie.lock"
	flock 9
	# Another caller may have finished while this one waited.
	if [ -f "$STAMP" ]; then
		echo "$ROOT"
		return 0
	fi
	url=$(mirror)
	if ! curl -fsS -o /dev/null --max-time 20 "$url/dists/trixie/InRelease" \
		2>"$CACHE/trixie-reach.log"; then
		say "the archive $url cannot be reached: $(head -c 200 "$CACHE/trixie-reach.log")"
		return 3
	fi
	trap 'unmount_below "$ROOT.new"' EXIT
	build "$ROOT.new" "$url" || return 1
	unmount_below "$ROOT"
	rm -rf --one-file-system "$ROOT"
	mv "$ROOT.new" "$ROOT" || return 1
	date -u +%Y-%m-%dT%H:%M:%SZ >"$STAMP"
	echo "$ROOT"
}

main "$@"
