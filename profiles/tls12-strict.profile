# tls12-strict: the policy of a 2017 TLS-only review.
#   TLS 1.2 only; AES-256/AES-128 in GCM, or CBC with SHA-384/SHA-256 (no SHA-1
#   CBC); ChaCha20-Poly1305; ECDHE key exchange only, with ECDSA or RSA
#   certificates; groups X25519, P-256, P-384; server cipher order.
# Its price, as the review wrote it: Firefox 26 and older, Chrome 29 and older,
# IE 10 and older, Opera 16 and older, Safari 8 and older, Android 4 and older
# are locked out.  data/clients.tsv (tools/check-clients.py) agrees except for
# Safari: Safari 8 (OS X 10.10, iOS 8), Safari 7 on OS X 10.9 and Safari on
# iOS 5-7 offer TLS 1.2 with ECDHE-*-AES*-SHA384/SHA256 CBC suites and do
# connect; only Safari 5.1/6.0 on OS X 10.6/10.8 (TLS 1.0 only) are locked out.
# "Android 4": 4.0-4.3 are locked out, 4.4 connects (TLS 1.2, ECDHE-GCM).

name          tls12-strict
source        2017 TLS-only review policy (TLS 1.2, ECDHE, AEAD or SHA-2 CBC)
protocols     TLSv1.2
# Server order: AES-256-GCM, ChaCha20-Poly1305, AES-128-GCM, then SHA-2 CBC;
# ECDSA before RSA at each step.
ciphers       ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256
# No TLS 1.3 in this policy.
ciphersuites  -
groups        X25519 prime256v1 secp384r1
server-order  on
# 15768000 s = 182.5 days: the HSTS minimum of the time (Mozilla Server Side TLS
# before 5.0 used 15768000; 5.0 raised it to 63072000 in 2019).
hsts-min      15768000
cert-types    ecdsa rsa
cert-curves   prime256v1 secp384r1
rsa-min-bits  2048
dh            none
# The SHA-256/SHA-384 CBC suites are not AEAD.
aead-only     no
forbid        aNULL eNULL EXPORT LOW RC4 3DES DES MD5 SHA1 kRSA kDHE PSK SRP DSS CAMELLIA ARIA SEED IDEA AESCCM GOST
# The review names who is locked out, not the oldest client that connects.
oldest-clients locked out: Firefox 26 and older, Chrome 29 and older, IE 10 and older, Opera 16 and older, Safari 8 and older, Android 4 and older
