# Mozilla "Intermediate" configuration, Server Side TLS guidelines 6.0.
# Values copied from the guidelines JSON (mozilla/ssl-config-generator,
# src/static/guidelines/6.0.json, configurations.intermediate; the two stored
# revisions of that file, commits 8debe30f and fa845d85, agree on every
# intermediate value).

name          intermediate
source        Mozilla Server Side TLS 6.0, https://ssl-config.mozilla.org/guidelines/6.0.json
protocols     TLSv1.2 TLSv1.3
# ciphers.openssl, in the JSON's order (6.0 has no DHE suites any more)
ciphers       ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305
ciphersuites  TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
groups        X25519MLKEM768 X25519 prime256v1 secp384r1
server-order  off
hsts-min      63072000
cert-types    ecdsa rsa
cert-curves   prime256v1 secp384r1
rsa-min-bits  2048
# The JSON still says dh_param_size 2048, but no cipher above uses DHE, so no DH
# parameters are configured.
dh            none
aead-only     yes
forbid        aNULL eNULL EXPORT LOW RC4 3DES DES MD5 SHA1 SHA256 SHA384 kRSA kDHE PSK SRP DSS CAMELLIA ARIA SEED IDEA AESCCM8 GOST
oldest-clients Firefox 31.3.0, Android 4.4.2, Chrome 49, Edge 15 on Windows 10, IE 11 on Windows 10, Java 8u161, OpenSSL 1.0.1l, Opera 20, Safari 9
