# Mozilla "Modern" configuration, Server Side TLS guidelines 6.0.
# Values copied from the guidelines JSON (mozilla/ssl-config-generator,
# src/static/guidelines/6.0.json, configurations.modern; the two stored revisions
# of that file, commits 8debe30f and fa845d85, agree on every modern value).
# Format: "key value", one per line; see docs/ARCHITECTURE.md.

name          modern
source        Mozilla Server Side TLS 6.0, https://ssl-config.mozilla.org/guidelines/6.0.json
# tls_versions
protocols     TLSv1.3
# ciphers.openssl is empty: no TLS 1.2 at all
ciphers       -
# ciphersuites, in the JSON's order
ciphersuites  TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
# tls_curves (X25519MLKEM768 needs OpenSSL >= 3.5; dropped for older targets)
groups        X25519MLKEM768 X25519 prime256v1 secp384r1
# server_preferred_order false
server-order  off
# hsts_min_age
hsts-min      63072000
# certificate_types / certificate_curves
cert-types    ecdsa
cert-curves   prime256v1 secp384r1
# rsa_key_size is null in the JSON (no RSA certificate is allowed: cert-types is
# ecdsa only); 2048 is written only so the key is present, it never applies.
rsa-min-bits  2048
# dh_param_size null
dh            none
aead-only     yes
# Checked against custom cipher strings.  EXPORT LOW RC4 3DES DES SEED IDEA GOST
# match nothing in Debian's OpenSSL 3.0 build ("no cipher match"), they are kept
# for targets built with them.  Note: the alias RSA means kRSA in OpenSSL.
forbid        aNULL eNULL EXPORT LOW RC4 3DES DES MD5 SHA1 SHA256 SHA384 kRSA kDHE PSK SRP DSS CAMELLIA ARIA SEED IDEA AESCCM8 GOST
# oldest_clients, as the JSON writes them
oldest-clients Firefox 63, Android 10.0, Chrome 70, Edge 75, Java 11, OpenSSL 1.1.1, Opera 57, Safari 12.1
