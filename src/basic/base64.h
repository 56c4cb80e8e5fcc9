/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/* Standard alphabet with padding, as Go's base64.StdEncoding: CR and LF are
 * skipped, anything else that is not part of the encoding is -EBADMSG.
 * The output is NUL-terminated (not counted). */
int base64_decode(const char *s, size_t len, char **ret, size_t *ret_len);
/* Encodes with the standard alphabet and padding. */
char *base64_encode(const void *p, size_t len);
