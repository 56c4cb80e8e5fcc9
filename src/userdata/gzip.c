/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/compress.h"
#include "userdata/gzip.h"

int userdata_gunzip(const char *data, size_t size, size_t max_out, unsigned line,
                    char **ret, size_t *ret_size, DiagList *diags) {
        char *out;
        size_t n;
        int r;

        r = gunzip_buffer(data, size, max_out, &out, &n);
        if (r == -EFBIG)
                return diag_add(diags, DIAG_ERROR, line, 0,
                                "gzip data expands to more than %zu bytes; refusing it (a gzip bomb?)",
                                max_out) ?: -EFBIG;
        if (r == -EBADMSG)
                return diag_add(diags, DIAG_ERROR, line, 0, "gzip data is corrupt or truncated") ?: -EBADMSG;
        if (r < 0)
                return r;

        *ret = out;
        *ret_size = n;
        return 0;
}
