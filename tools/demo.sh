#!/usr/bin/env bash
# The bundled example, end to end: a demo PKI laid out where
# examples/example.org.xml expects its certificates (below demo/root, used
# as the build root), then `tlsgen generate` into demo/out.
set -eu
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
make -s
root=demo/root
pki=demo/pki
rm -rf demo
bash tests/pki/mkpki.sh "$pki" >/dev/null
install -d -m 0755 "$root/etc/ssl/example.org" "$root/etc/ssl/certs"
cp "$pki/bundle.pem" "$root/etc/ssl/certs/ca-certificates.crt"
put() {	# put LEAF NAME: the leaf's fullchain and key under the example's names
	cp "$pki/$1.fullchain.pem" "$root/etc/ssl/example.org/$2.fullchain.pem"
	install -m 0600 "$pki/$1.key" "$root/etc/ssl/example.org/$2.key"
}
put ecdsa web-ecdsa
put rsa web-rsa
put ecdsa mail
put ecdsa xmpp

./tlsgen generate examples/example.org.xml --root "$root" -o demo/out
echo
echo "demo: generated into demo/out:"
find demo/out -type f | sort | sed 's/^/  /'
