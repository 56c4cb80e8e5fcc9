/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/base64.h"
#include "basic/compress.h"
#include "basic/content-encoding.h"

int file_content_decode(const char *encoding, const char *content, size_t len, char **ret, size_t *ret_len) {
        _cleanup_free_ char *b64 = NULL;
        size_t b64_len = 0;
        int r;

        if (isempty(encoding)) {
                char *c = strndup(content, len);
                if (!c)
                        return -ENOMEM;
                *ret = c;
                *ret_len = len;
                return 0;
        }

        bool base64 = streq(encoding, "base64") || streq(encoding, "b64") || endswith(encoding, "+base64") ||
                endswith(encoding, "+b64");
        bool gzip = startswith(encoding, "gz");
        if (!base64 && !gzip)
                return -EOPNOTSUPP;

        if (base64) {
                r = base64_decode(content, len, &b64, &b64_len);
                if (r < 0)
                        return r;
                content = b64;
                len = b64_len;
        }
        if (!gzip) {
                *ret = TAKE_PTR(b64);
                *ret_len = b64_len;
                return 0;
        }
        return gunzip_buffer(content, len, FILE_CONTENT_MAX, ret, ret_len);
}
