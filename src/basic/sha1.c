/* SPDX-License-Identifier: Apache-2.0 */
#include "sha1.h"

static inline uint32_t rol32(uint32_t x, unsigned n) {
        return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const uint8_t *p) {
        uint32_t w[80];

        for (unsigned i = 0; i < 16; i++)
                w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 |
                       (uint32_t) p[4 * i + 2] << 8 | (uint32_t) p[4 * i + 3];
        for (unsigned i = 16; i < 80; i++)
                w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (unsigned i = 0; i < 80; i++) {
                uint32_t f, k;
                if (i < 20) {
                        f = (b & c) | (~b & d);
                        k = 0x5a827999;
                } else if (i < 40) {
                        f = b ^ c ^ d;
                        k = 0x6ed9eba1;
                } else if (i < 60) {
                        f = (b & c) | (b & d) | (c & d);
                        k = 0x8f1bbcdc;
                } else {
                        f = b ^ c ^ d;
                        k = 0xca62c1d6;
                }
                uint32_t t = rol32(a, 5) + f + e + k + w[i];
                e = d;
                d = c;
                c = rol32(b, 30);
                b = a;
                a = t;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
}

void sha1(const void *data, size_t size, uint8_t ret[static SHA1_DIGEST_SIZE]) {
        uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
        const uint8_t *p = data;
        uint8_t block[64];
        size_t left = size;

        for (; left >= 64; p += 64, left -= 64)
                sha1_block(h, p);

        /* padding: 0x80, zeros, then the length in bits, big-endian */
        memset(block, 0, sizeof block);
        if (left > 0)
                memcpy(block, p, left);
        block[left] = 0x80;
        if (left >= 56) {
                sha1_block(h, block);
                memset(block, 0, sizeof block);
        }
        uint64_t bits = (uint64_t) size * 8;
        for (unsigned i = 0; i < 8; i++)
                block[63 - i] = (uint8_t) (bits >> (8 * i));
        sha1_block(h, block);

        for (unsigned i = 0; i < 5; i++) {
                ret[4 * i] = (uint8_t) (h[i] >> 24);
                ret[4 * i + 1] = (uint8_t) (h[i] >> 16);
                ret[4 * i + 2] = (uint8_t) (h[i] >> 8);
                ret[4 * i + 3] = (uint8_t) h[i];
        }
}
