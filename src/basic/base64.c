/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>

#include "base64.h"
#include "macro.h"

static int unbase64char(char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -EINVAL;
}

int base64_decode(const char *s, size_t len, char **ret, size_t *ret_len) {
        _cleanup_free_ char *out = malloc(len / 4 * 3 + 4);
        if (!out)
                return -ENOMEM;

        size_t o = 0, q = 0, pad = 0;
        uint32_t acc = 0;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (c == '\r' || c == '\n')
                        continue;
                if (c == '=') {
                        /* padding only completes the last quantum */
                        if (q < 2)
                                return -EBADMSG;
                        pad++;
                        if (q + pad > 4)
                                return -EBADMSG;
                        continue;
                }
                if (pad > 0)
                        return -EBADMSG;
                int v = unbase64char(c);
                if (v < 0)
                        return -EBADMSG;
                acc = (acc << 6) | (uint32_t) v;
                if (++q == 4) {
                        out[o++] = (char) (acc >> 16);
                        out[o++] = (char) (acc >> 8);
                        out[o++] = (char) acc;
                        q = 0;
                        acc = 0;
                }
        }

        if (pad > 0) {
                if (q + pad != 4)
                        return -EBADMSG;
                if (q == 2)
                        out[o++] = (char) (acc >> 4);
                else {
                        out[o++] = (char) (acc >> 10);
                        out[o++] = (char) (acc >> 2);
                }
        } else if (q != 0)
                return -EBADMSG;

        out[o] = 0;
        if (ret_len)
                *ret_len = o;
        *ret = TAKE_PTR(out);
        return 0;
}

char *base64_encode(const void *p, size_t len) {
        static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const uint8_t *in = p;
        char *out = malloc((len + 2) / 3 * 4 + 1), *z = out;
        if (!out)
                return NULL;

        size_t i = 0;
        for (; i + 3 <= len; i += 3) {
                *z++ = table[in[i] >> 2];
                *z++ = table[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
                *z++ = table[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
                *z++ = table[in[i + 2] & 63];
        }
        if (len - i == 1) {
                *z++ = table[in[i] >> 2];
                *z++ = table[(in[i] & 3) << 4];
                *z++ = '=';
                *z++ = '=';
        } else if (len - i == 2) {
                *z++ = table[in[i] >> 2];
                *z++ = table[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
                *z++ = table[(in[i + 1] & 15) << 2];
                *z++ = '=';
        }
        *z = 0;
        return out;
}
