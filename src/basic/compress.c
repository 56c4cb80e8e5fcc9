/* SPDX-License-Identifier: Apache-2.0 */
#include <zlib.h>

#include "buf.h"
#include "compress.h"

static void inflate_endp(z_stream **z) {
        inflateEnd(*z);
}

int gunzip_buffer(const void *in, size_t in_len, size_t max_out, char **ret, size_t *ret_len) {
        if (in_len > UINT_MAX)
                return -EFBIG;

        z_stream z = {
                .next_in = (Bytef *) in,
                .avail_in = (uInt) in_len,
        };
        /* 16 + MAX_WBITS: gzip wrapper only, as Go's gzip.NewReader */
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
                return -ENOMEM;
        _cleanup_(inflate_endp) _unused_ z_stream *zp = &z;
        _cleanup_(buf_done) Buf b = {};

        for (;;) {
                int r = buf_reserve(&b, 64 * 1024);
                if (r < 0)
                        return r;
                size_t room = b.cap - b.len - 1;
                z.next_out = (Bytef *) b.data + b.len;
                z.avail_out = (uInt) MIN(room, (size_t) UINT_MAX);
                int zr = inflate(&z, Z_NO_FLUSH);
                b.len = (size_t) ((char *) z.next_out - b.data);
                b.data[b.len] = 0;
                if (b.len > max_out)
                        return -EFBIG;
                if (zr == Z_STREAM_END) {
                        /* Concatenated members are one stream, as for gzip(1)
                         * and Go's gzip.Reader; anything else after the end
                         * is corruption. */
                        if (z.avail_in == 0)
                                break;
                        if (!is_gzip(z.next_in, z.avail_in))
                                return -EBADMSG;
                        if (inflateReset(&z) != Z_OK)
                                return -EBADMSG;
                        continue;
                }
                if (zr == Z_BUF_ERROR && z.avail_in == 0)
                        return -EBADMSG; /* truncated */
                if (zr != Z_OK && zr != Z_BUF_ERROR)
                        return zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
        }

        *ret = buf_steal(&b, ret_len);
        return *ret ? 0 : -ENOMEM;
}
