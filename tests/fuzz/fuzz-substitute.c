/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: metadata values and a document together. The input is
 * up to six NUL-separated values ($public_ipv4, $private_ipv4, $public_ipv6,
 * $private_ipv6, $hostname, $instance_id; empty = none) and the document
 * after them. Substitution must never change the document's structure:
 * the parsed keys with the values substituted are those with each token
 * replaced by a plain word (substitute-structure.h). */
#include <stddef.h>
#include <stdint.h>

#include "substitute-structure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(substitute_values_done) SubstituteValues v = {};
        const char *p = (const char *) data, *end = p + size;

        for (SubstituteToken t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++) {
                const char *nul = memchr(p, 0, (size_t) (end - p));
                if (!nul)
                        break;
                if (nul > p && !(v.values[t] = strndup(p, (size_t) (nul - p))))
                        return 0;
                p = nul + 1;
        }

        int r = structure_check(p, (size_t) (end - p), &v);
        if (r == -EUCLEAN || r == -EINVAL)
                __builtin_trap();
        return 0;
}
