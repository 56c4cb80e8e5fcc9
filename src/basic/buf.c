/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int buf_reserve(Buf *b, size_t extra) {
        if (b->len + extra + 1 <= b->cap && b->data)
                return 0;
        if (extra > SIZE_MAX / 2 - b->len)
                return -ENOMEM;

        size_t want = MAX(b->len + extra + 1, MAX(b->cap * 2, (size_t) 64));
        char *n = realloc(b->data, want);
        if (!n)
                return -ENOMEM;
        b->data = n;
        b->cap = want;
        return 0;
}

int buf_append(Buf *b, const void *p, size_t n) {
        int r = buf_reserve(b, n);
        if (r < 0)
                return r;
        if (n > 0)
                memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = 0;
        return 0;
}

int buf_puts(Buf *b, const char *s) {
        return buf_append(b, s, strlen(s));
}

int buf_putc(Buf *b, char c) {
        return buf_append(b, &c, 1);
}

int buf_vprintf(Buf *b, const char *fmt, va_list ap) {
        va_list aq;
        va_copy(aq, ap);
        int n = vsnprintf(NULL, 0, fmt, aq);
        va_end(aq);
        if (n < 0)
                return -EINVAL;

        int r = buf_reserve(b, (size_t) n);
        if (r < 0)
                return r;
        vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
        b->len += (size_t) n;
        return 0;
}

int buf_printf(Buf *b, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = buf_vprintf(b, fmt, ap);
        va_end(ap);
        return r;
}

char *buf_steal(Buf *b, size_t *ret_len) {
        if (!b->data) {
                if (buf_reserve(b, 0) < 0)
                        return NULL;
                b->data[0] = 0;
        }
        if (ret_len)
                *ret_len = b->len;
        char *p = b->data;
        *b = (Buf) {};
        return p;
}

void buf_done(Buf *b) {
        free(b->data);
        *b = (Buf) {};
}
