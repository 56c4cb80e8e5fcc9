/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Test data: gzip streams made with zlib. Include after <cmocka.h>. */
#include <zlib.h>

#include "basic/buf.h"

/* gzip-compresses `repeat` copies of p[0..n) (a stream, so that a gzip bomb
 * needs no big input buffer). */
static inline char *gzip_repeat(const void *p, size_t n, size_t repeat, size_t *ret_size) {
        z_stream z = {};
        Buf b = {};

        assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
        for (size_t i = 0; i <= repeat; i++) {
                int flush = i == repeat ? Z_FINISH : Z_NO_FLUSH, r;
                z.next_in = (Bytef *) p;
                z.avail_in = i == repeat ? 0 : (uInt) n;
                do {
                        assert_int_equal(buf_reserve(&b, 64 * 1024), 0);
                        z.next_out = (Bytef *) b.data + b.len;
                        z.avail_out = (uInt) (b.cap - b.len - 1);
                        r = deflate(&z, flush);
                        assert_true(r == Z_OK || r == Z_STREAM_END || r == Z_BUF_ERROR);
                        b.len = (size_t) ((char *) z.next_out - b.data);
                } while (flush == Z_FINISH ? r != Z_STREAM_END : z.avail_in > 0);
        }
        deflateEnd(&z);
        b.data[b.len] = 0;
        return buf_steal(&b, ret_size);
}
