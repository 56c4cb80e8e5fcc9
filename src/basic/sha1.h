/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "macro.h"

/* SHA-1 (FIPS 180-4), for identifiers other programs derive with it (etcd's
 * member IDs), never for security. */
#define SHA1_DIGEST_SIZE 20

void sha1(const void *data, size_t size, uint8_t ret[static SHA1_DIGEST_SIZE]);
