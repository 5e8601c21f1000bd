# Mozilla "Old" configuration, Server Side TLS guidelines 5.8 (6.0 keeps an
# identical "old" in one revision and drops it in the other, hence 5.8).
# Values from the published 5.8 JSON.  Three revisions of 5.8.json are stored:
#  - mozilla/ssl-config-generator@54e0500e: the first copy of 5.7 renamed 5.8
#    (still DHE suites, dh 1024, the 5.7 oldest clients) - superseded;
#  - gstrauss/ssl-config-generator@80b7ad96: DHE removed, dh 2048, no ML-KEM;
#  - westurner/ssl-config-generator@ff988664 (href data.tlsref.org, the
#    repository's successor): as the previous one plus X25519MLKEM768 first in
#    tls_curves, matching what downstream users of 5.8 (OpenShift's
#    TLSSecurityProfile) ship.  This file follows that last revision.

name          old
source        Mozilla Server Side TLS 5.8, https://ssl-config.mozilla.org/guidelines/5.8.json
protocols     TLSv1 TLSv1.1 TLSv1.2 TLSv1.3
# ciphers.openssl, in the JSON's order.  DES-CBC3-SHA is not available in
# Debian's OpenSSL 3.0 (built without 3DES).  TLS 1.0/1.1 need @SECLEVEL=0 on
# OpenSSL 3 (SHA-1/MD5-SHA1 handshake signatures): Mozilla's generator adds it
# to "old" for OpenSSL 3, and so does this file, so the versions listed here
# are the versions clients get.
ciphers       ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0
ciphersuites  TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
groups        X25519MLKEM768 X25519 prime256v1 secp384r1
# server_preferred_order true
server-order  on
hsts-min      63072000
cert-types    rsa
cert-curves   prime256v1 secp384r1
rsa-min-bits  2048
# dh_param_size is 2048 (ffdhe2048) in 5.8, but 5.8 removed every DHE suite,
# so no DH parameters are configured.
dh            none
aead-only     no
# Mozilla old keeps RSA key exchange (AES128-SHA ...) for the oldest clients.
forward-secret no
forbid        aNULL eNULL EXPORT LOW RC4 DES MD5 kDHE PSK SRP DSS CAMELLIA ARIA SEED IDEA AESCCM8 GOST
oldest-clients Firefox 1, Android 2.3, Chrome 1, Edge 12, IE8 on Windows XP, Java 6, OpenSSL 0.9.8, Opera 5, Safari 1
