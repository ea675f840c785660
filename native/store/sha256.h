/* sha256.h - SHA-256 (FIPS 180-4), for ACL passwords: Redis stores and shows them hashed. */
#ifndef TM_STORE_SHA256_H
#define TM_STORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

/* The digest of n bytes at p. */
void sha256(const void *p, size_t n, uint8_t out[SHA256_LEN]);

#endif
