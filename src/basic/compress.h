/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

static inline bool is_gzip(const void *p, size_t len) {
        const unsigned char *s = p;
        return len >= 2 && s[0] == 0x1f && s[1] == 0x8b;
}

/* Inflates gzip data (concatenated members included). -EFBIG when the output would pass max_out (a gzip
 * bomb), -EBADMSG on corrupt or truncated data. Output NUL-terminated. */
int gunzip_buffer(const void *in, size_t in_len, size_t max_out, char **ret, size_t *ret_len);
