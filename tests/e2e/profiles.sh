#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# profiles.sh -- every profile's output loads in every server: the web and
# the mail variants generated under modern, intermediate, tls12-strict and
# old each pass nginx -t, apache2 -t, postconf -n/-M and postfix check
# (no warning), doveconf -n/-x, ejabberd.yml parses as YAML and ejabberd
# boots from it. (The boot
# and probe of each server under intermediate is web.sh's and mail.sh's.)

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/mail.sh"
tlsgen_bin

e2e_init
T=$E2E_TMP
PKI=$T/pki
bash "$HERE/../pki/mkpki.sh" "$PKI" >/dev/null 2>&1 || {
	fail "test PKI"
	e2e_finish
}

# ejabberd runs as user ejabberd: its pairs are copies it may read.
EJ=$T/ejcerts
mkdir -p "$EJ"
cp "$PKI"/ecdsa.fullchain.pem "$PKI"/ecdsa.key "$PKI"/rsa.fullchain.pem \
	"$PKI"/rsa.key "$EJ/"
chown -R ejabberd: "$EJ" 2>/dev/null || true

for profile in modern intermediate tls12-strict old; do
	d=$T/$profile
	mkdir -p "$d"
	for v in web mail; do
		src=$HERE/handwritten/web/variant.xml
		[ "$v" = mail ] && src=$HERE/mail/variant.xml
		# Under modern only ECDSA pairs can be served: point the RSA
		# ones at ECDSA leaves (a dual RSA pair is an error there).
		sed -e "s#@T@#$d#g" -e "s#@PKI@#$PKI#g" -e "s#@EJCERTS@#$EJ#g" \
			-e "s#profile=\"intermediate\"#profile=\"$profile\"#" \
			"$src" >"$d/$v.xml"
		if [ "$profile" = modern ]; then
			sed -i -e '/rsa\(-noocsp\)\?\.fullchain/d' "$d/$v.xml"
		fi
		if [ "$profile" = old ]; then
			# Mozilla old serves RSA: drop the ECDSA pairs.
			sed -i -e '/ecdsa\(-noocsp\)\?\.fullchain/d' "$d/$v.xml"
		fi
		# One output root each: a run removes the files of the last.
		if "$TLSGEN" generate "$d/$v.xml" -o "$d/$v" >"$d/$v.log" 2>&1; then
			ok "$profile: $v variant generates"
		else
			fail "$profile: $v variant generates" "$(cat "$d/$v.log")"
		fi
	done
	o=$d/web/etc
	mkdir -p "$d/log/nginx" "$d/log/apache2" "$d/run/apache2" "$d/lib/nginx"
	cp /etc/nginx/mime.types "$o/nginx/"
	if need nginx "$profile: nginx -t"; then
		check "$profile: nginx -t" nginx -q -t -c "$o/nginx/nginx.conf" -e "$d/log/nginx/e.log"
	fi
	if need apache2 "$profile: apache2 -t"; then
		check "$profile: apache2 -t" apache2 -d "$o/apache2" -f "$o/apache2/apache2.conf" -t
	fi
	o=$d/mail/etc
	if need postfix "$profile: postfix check"; then
		postfix_prepare "$o/postfix" && 
			check "$profile: postconf -n, -M, postfix check: no warning" postfix_check "$o/postfix"
	fi
	if need doveconf "$profile: doveconf"; then
		dovecot_prepare "$o/dovecot/dovecot.conf" &&
			check "$profile: doveconf -n, -x: no warning" dovecot_check "$o/dovecot/dovecot.conf"
	fi
	if need python3 "$profile: ejabberd.yml parses"; then
		check "$profile: ejabberd.yml parses as YAML" python3 -c '
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert doc["listen"] and doc["certfiles"], "listen and certfiles"
' "$o/ejabberd/ejabberd.yml"
	fi
	# ejabberd has no offline checker: it boots from the file (cipher
	# strings of old and tls12-strict are longer than an atom may be).
	if need ejabberdctl "$profile: ejabberd boots"; then
		at_exit "ejabberd_stop '$d'"
		if out=$(ejabberd_start "$o/ejabberd/ejabberd.yml" "$d" 2>&1); then
			check "$profile: ejabberd boots, its log has no warning" ejabberd_check "$d"
		else
			fail "$profile: ejabberd boots" "$out
$(tail -n 20 "$(ejabberd_log "$d")" 2>/dev/null)"
		fi
		ejabberd_stop "$d"
	fi
done
e2e_finish
