#!/bin/bash
# mkpki.sh OUTDIR -- build the throw-away test PKI used by the tlsgen tests.
#
# Everything is generated at test time (validity windows are relative to
# "now"), only the openssl CLI (OpenSSL 3.0+) is used, and every run wipes and
# recreates the files below in OUTDIR.
#
#   root.pem root.key        self-signed root CA (ECDSA P-256)
#   bundle.pem               trust bundle (root only)
#   int.pem int.key          intermediate CA (CA:TRUE pathlen:0), signed by root
#   ocsp.pem ocsp.key        OCSP responder (EKU OCSPSigning), signed by int
#   index.txt                `openssl ca` database of everything int issued
#                            (all leaves except selfsigned, plus ocsp.pem),
#                            for `openssl ocsp -index` (ocsp-responder.sh)
#   NAME.pem                 leaf certificate only
#   NAME.fullchain.pem       leaf + int (unless the case says otherwise)
#   NAME.key                 leaf key, PKCS#8 PEM, mode 0600
#
# Leaves (NAME): ecdsa ecdsa-p384 rsa ecdsa-noocsp rsa-noocsp expired notyet
# mismatch mismatch-rsa wronghost wildcard rsa1024 p521 sha1 selfsigned noint
# disorder withroot muststaple clientonly.
#
# Every leaf issued by int carries the AIA OCSP URL $OCSP_URL (default
# http://127.0.0.1:18888/), except ecdsa-noocsp and rsa-noocsp.
# CAs are back-dated 3 years so that "expired" only fails on its own dates.

set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
OUTDIR=$1
OCSP_URL=${OCSP_URL:-http://127.0.0.1:18888/}

mkdir -p -- "$OUTDIR"
cd -- "$OUTDIR"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkpki.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT
LOG=$TMP/log

# Idempotence: remove everything a previous run produced. ocsp.pid/ocsp.log
# belong to ocsp-responder.sh and are left alone (stop it before re-running).
rm -f -- ./*.pem ./*.key ./*.csr index.txt index.txt.attr index.txt.old \
	index.txt.attr.old

# Run openssl quietly; on failure show its output and stop.
ossl() {
	if ! openssl "$@" >"$LOG" 2>&1; then
		echo "mkpki.sh: openssl $* failed:" >&2
		cat "$LOG" >&2
		exit 1
	fi
}

# UTCTime (YYMMDDHHMMSSZ) relative to now; fine until 2049.
when() {
	date -u -d "$1" +%y%m%d%H%M%SZ
}
NOW=$(when '1 hour ago')	# small margin for clock skew
TEN_YEARS=$(when '10 years')
CA_START=$(when '3 years ago')

# genkey SPEC FILE -- SPEC is ec:CURVE or rsa:BITS; PKCS#8 PEM, mode 0600.
genkey() {
	case $1 in
	ec:*) ossl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${1#ec:}" \
		-pkeyopt ec_param_enc:named_curve -out "$2" ;;
	rsa:*) ossl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${1#rsa:}" \
		-out "$2" ;;
	*) echo "mkpki.sh: bad key spec $1" >&2; exit 1 ;;
	esac
	chmod 0600 "$2"
}

CNF=$TMP/ca.cnf
mkdir "$TMP/newcerts"
# Relative paths are relative to OUTDIR (the cwd). The serial files are
# required by `openssl ca` but unused: -rand_serial picks random serials.
cat >"$CNF" <<EOF
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused

[ root_ca ]
database = $TMP/root-index.txt
serial = $TMP/root.srl
new_certs_dir = $TMP/newcerts
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
preserve = yes
copy_extensions = none

[ int_ca ]
database = index.txt
serial = $TMP/int.srl
new_certs_dir = $TMP/newcerts
certificate = int.pem
private_key = int.key
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
preserve = yes
copy_extensions = none

[ policy_any ]
organizationName = optional
organizationalUnitName = optional
commonName = supplied

[ v3_root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[ v3_int ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ocsp ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
: >"$TMP/root-index.txt"
: >index.txt
echo 'unique_subject = no' >index.txt.attr

O='/O=tlsgen test PKI'

# --- root (self-signed, back-dated) ------------------------------------------
genkey ec:P-256 root.key
ossl req -config "$CNF" -new -key root.key -subj "$O/CN=tlsgen test root CA" \
	-out "$TMP/root.csr"
ossl ca -config "$CNF" -name root_ca -batch -notext -rand_serial -selfsign \
	-keyfile root.key -in "$TMP/root.csr" -extensions v3_root \
	-startdate "$CA_START" -enddate "$(when '20 years')" -out root.pem
cp root.pem bundle.pem

# --- intermediate ------------------------------------------------------------
genkey ec:P-256 int.key
ossl req -config "$CNF" -new -key int.key \
	-subj "$O/CN=tlsgen test intermediate CA" -out "$TMP/int.csr"
ossl ca -config "$CNF" -name root_ca -batch -notext -rand_serial \
	-cert root.pem -keyfile root.key -in "$TMP/int.csr" -extensions v3_int \
	-startdate "$CA_START" -enddate "$(when '15 years')" -out int.pem

# --- OCSP responder ----------------------------------------------------------
genkey ec:P-256 ocsp.key
ossl req -config "$CNF" -new -key ocsp.key \
	-subj "$O/CN=tlsgen test OCSP responder" -out "$TMP/ocsp.csr"
ossl ca -config "$CNF" -name int_ca -batch -notext -rand_serial \
	-in "$TMP/ocsp.csr" -extensions v3_ocsp \
	-startdate "$NOW" -enddate "$TEN_YEARS" -out ocsp.pem

# --- leaves ------------------------------------------------------------------
SAN_VALID='DNS:example.org,DNS:www.example.org,DNS:downloads.example.org'
SAN_VALID=$SAN_VALID',DNS:bugs.example.org,DNS:people.example.org'
SAN_VALID=$SAN_VALID',DNS:mail.example.org,DNS:conference.example.org'
SAN_VALID=$SAN_VALID',DNS:localhost,IP:127.0.0.1'

# Per-leaf knobs, reset to the "valid leaf" defaults by defaults().
defaults() {
	KEY=ec:P-256          # ec:CURVE | rsa:BITS
	CN=example.org
	SAN=$SAN_VALID
	EKU=serverAuth
	OCSP=yes
	TLSFEATURE=
	MD=sha256
	START=$NOW
	END=$TEN_YEARS
}

# extfile NAME FILE -- write the leaf's extension section "ext" to FILE.
extfile() {
	local ku=digitalSignature
	case $KEY in rsa:*) ku=$ku,keyEncipherment ;; esac
	{
		echo '[ ext ]'
		echo 'basicConstraints = critical,CA:FALSE'
		echo "keyUsage = critical,$ku"
		echo "extendedKeyUsage = $EKU"
		echo "subjectAltName = $SAN"
		echo 'subjectKeyIdentifier = hash'
		if [ "$1" != selfsigned ]; then
			echo 'authorityKeyIdentifier = keyid:always'
		fi
		if [ "$OCSP" = yes ]; then
			echo "authorityInfoAccess = OCSP;URI:$OCSP_URL"
		fi
		if [ -n "$TLSFEATURE" ]; then
			echo "tlsfeature = $TLSFEATURE"
		fi
	} >"$2"
}

# leaf NAME -- key, cert (signed by int) and leaf+int fullchain.
leaf() {
	genkey "$KEY" "$1.key"
	extfile "$1" "$TMP/$1.ext"
	ossl req -config "$CNF" -new -key "$1.key" -subj "$O/OU=$1/CN=$CN" \
		-out "$TMP/$1.csr"
	ossl ca -config "$CNF" -name int_ca -batch -notext -rand_serial \
		-md "$MD" -in "$TMP/$1.csr" \
		-extfile "$TMP/$1.ext" -extensions ext \
		-startdate "$START" -enddate "$END" -out "$1.pem"
	cat "$1.pem" int.pem >"$1.fullchain.pem"
}

defaults; leaf ecdsa
defaults; KEY=ec:P-384; leaf ecdsa-p384
defaults; KEY=rsa:2048; leaf rsa
defaults; OCSP=no; leaf ecdsa-noocsp
defaults; KEY=rsa:2048; OCSP=no; leaf rsa-noocsp
defaults; START=$(when '2 years ago'); END=$(when '1 year ago'); leaf expired
defaults; START=$(when '1 year'); leaf notyet
defaults; CN=other.invalid; SAN=DNS:other.invalid; leaf wronghost
defaults; CN='*.example.org'; SAN='DNS:*.example.org'; leaf wildcard
defaults; KEY=rsa:1024; leaf rsa1024
defaults; KEY=ec:P-521; leaf p521
defaults; MD=sha1; leaf sha1
defaults; TLSFEATURE=status_request; leaf muststaple
defaults; EKU=clientAuth; leaf clientonly

defaults; leaf noint
cp noint.pem noint.fullchain.pem

defaults; leaf disorder
cat int.pem disorder.pem >disorder.fullchain.pem

defaults; leaf withroot
cat withroot.pem int.pem root.pem >withroot.fullchain.pem

# mismatch*: the ecdsa / rsa certificates with an unrelated key.
for pair in mismatch:ecdsa:ec:P-256 mismatch-rsa:rsa:rsa:2048; do
	name=${pair%%:*}
	rest=${pair#*:}
	src=${rest%%:*}
	cp "$src.pem" "$name.pem"
	cp "$src.fullchain.pem" "$name.fullchain.pem"
	genkey "${rest#*:}" "$name.key"
done

# selfsigned: self-signed leaf (recorded in the scratch root database, not in
# index.txt), no AIA; fullchain is the leaf alone.
defaults
OCSP=no
genkey "$KEY" selfsigned.key
extfile selfsigned "$TMP/selfsigned.ext"
ossl req -config "$CNF" -new -key selfsigned.key \
	-subj "$O/OU=selfsigned/CN=$CN" -out "$TMP/selfsigned.csr"
ossl ca -config "$CNF" -name root_ca -batch -notext -rand_serial -selfsign \
	-keyfile selfsigned.key -in "$TMP/selfsigned.csr" \
	-extfile "$TMP/selfsigned.ext" -extensions ext \
	-startdate "$NOW" -enddate "$TEN_YEARS" -out selfsigned.pem
cp selfsigned.pem selfsigned.fullchain.pem

rm -f index.txt.old index.txt.attr.old
