/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

/* A growable byte buffer, always NUL-terminated so that text can be used as a
 * C string directly. */
typedef struct Buf {
        char *data;
        size_t len;
        size_t cap;
} Buf;

int buf_reserve(Buf *b, size_t extra);
int buf_append(Buf *b, const void *p, size_t n);
int buf_puts(Buf *b, const char *s);
int buf_putc(Buf *b, char c);
int buf_printf(Buf *b, const char *fmt, ...) _printf_(2, 3);
int buf_vprintf(Buf *b, const char *fmt, va_list ap) _printf_(2, 0);
/* Hand the bytes to the caller (never NULL on success, even when empty). */
char *buf_steal(Buf *b, size_t *ret_len);
void buf_done(Buf *b);
