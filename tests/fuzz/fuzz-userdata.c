/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: user-data decoding (gzip, MIME, classification) and
 * variable substitution of every part, as a boot would run them. */
#include <stddef.h>
#include <stdint.h>

#include "userdata/substitute.h"
#include "userdata/userdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* some values present, some not, so both paths run */
        static const SubstituteValues values = {
                .values = {
                        [SUBSTITUTE_PRIVATE_IPV4] = (char *) "10.0.0.1",
                        [SUBSTITUTE_PUBLIC_IPV6] = (char *) "2001:db8::1",
                        [SUBSTITUTE_HOSTNAME] = (char *) "$hostname\\$private_ipv4",
                },
        };
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(userdata_done) UserData u = {};

        if (userdata_decode((const char *) data, size, &u, &diags) < 0)
                return 0;

        for (size_t i = 0; i < u.n_parts; i++) {
                const UserDataPart *p = u.parts + i;
                _cleanup_free_ char *out = NULL;
                size_t n;

                if (p->kind == USER_DATA_GZIP || p->kind == USER_DATA_MULTIPART || p->kind < 0 ||
                    p->kind >= _USER_DATA_KIND_MAX || p->content[p->size] != 0)
                        __builtin_trap();
                if (userdata_substitute(p->content, p->size, &values,
                                        p->kind == USER_DATA_CLOUD_CONFIG ? SUBSTITUTE_YAML : 0, &out, &n, &diags) < 0)
                        continue;
                if (out[n] != 0)
                        __builtin_trap();
                (void) userdata_classify(out, n);
        }
        return 0;
}
