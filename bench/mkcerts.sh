#!/bin/bash
# mkcerts.sh ROOT NCERT -- the benchmark PKI, below ROOT/etc/ssl/bench/:
#
#   root.pem root.key       self-signed root CA (ECDSA P-256); bundle.pem = root
#   int.pem int.key         intermediate CA, signed by root
#   cK-ecdsa.{key,pem,fullchain.pem}   K = 0000 .. NCERT-1: ECDSA P-256 leaf
#   cK-rsa.{key,pem,fullchain.pem}     and RSA 2048 leaf, both for
#                                      zK.bench.example and *.zK.bench.example
#   mail-ecdsa.*  xmpp-ecdsa.*         for the <mail> and <xmpp> services
#
# That is 2 x NCERT distinct pairs, each with a chain (leaf + intermediate),
# as bench/gen-desc.py names them.  No leaf names an OCSP responder.  Only
# the openssl CLI (3.0+: `req -CA`) is used, one process per leaf, as many
# in parallel as there are cores.  A finished PKI (ROOT/.../done-NCERT) is
# kept: run again with a new NCERT or remove ROOT to remake it.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 ROOT NCERT" >&2
	exit 2
fi
ROOT=$1
NCERT=$2
D=$ROOT/etc/ssl/bench
[ -f "$D/done-$NCERT" ] && exit 0

rm -rf "$D"
mkdir -p "$D"
cd "$D"

cat >leaf.cnf <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ leaf_ec ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_rsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

q() { "$@" >/dev/null 2>err.log || { cat err.log >&2; exit 1; }; }

q openssl req -config leaf.cnf -x509 -new -newkey ec \
	-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
	-subj '/O=tlsgen bench/CN=tlsgen bench root CA' -extensions ca \
	-days 3650 -out root.pem
cp root.pem bundle.pem
q openssl req -config leaf.cnf -new -newkey ec \
	-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key \
	-subj '/O=tlsgen bench/CN=tlsgen bench intermediate CA' \
	-CA root.pem -CAkey root.key -extensions ca -days 3650 -out int.pem

# leaf NAME KEY SAN -- KEY: ec (P-256) or rsa (2048); SAN: comma-separated
# DNS names, the first also the CN.  Key, leaf (signed by int), fullchain.
leaf() {
	local name=$1 san=$3 spec
	case $2 in
	ec) spec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -extensions leaf_ec) ;;
	rsa) spec=(-newkey rsa:2048 -extensions leaf_rsa) ;;
	esac
	openssl req -config leaf.cnf -new "${spec[@]}" -nodes \
		-keyout "$name.key" -subj "/O=tlsgen bench/CN=${san%%,*}" \
		-addext "subjectAltName=DNS:${san//,/,DNS:}" \
		-CA int.pem -CAkey int.key -days 825 -out "$name.pem" \
		>/dev/null 2>&1 || { echo "mkcerts: $name failed" >&2; return 1; }
	chmod 0600 "$name.key"
	cat "$name.pem" int.pem >"$name.fullchain.pem"
}
export -f leaf

{
	for k in $(seq -f %04g 0 $((NCERT - 1))); do
		z=z$((10#$k)).bench.example
		echo "c$k-rsa rsa $z,*.$z"
		echo "c$k-ecdsa ec $z,*.$z"
	done
	echo "mail-ecdsa ec mail.bench.example"
	echo "xmpp-ecdsa ec bench.example,conference.bench.example"
} | xargs -n 3 -P "$(nproc)" bash -c 'leaf "$@"' _
rm -f jobs.txt err.log
n=$(ls -- *.fullchain.pem | wc -l)
if [ "$n" -ne $((2 * NCERT + 2)) ]; then
	echo "mkcerts: made $n leaves, expected $((2 * NCERT + 2))" >&2
	exit 1
fi
touch "done-$NCERT"
