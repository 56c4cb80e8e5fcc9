/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/* Returns the byte offset of the first invalid UTF-8 sequence (overlong
 * forms, surrogates and code points past U+10FFFF are invalid), or len when
 * the whole buffer is valid. */
size_t utf8_invalid_offset(const char *s, size_t len);
