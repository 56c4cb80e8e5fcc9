/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* json-c ownership for _cleanup_: the one json_object_put() wrapper. Header
 * only, so that libbasic itself does not link json-c; includers need
 * $(JSONC_CFLAGS). */

#include <json-c/json.h>

#include "basic/macro.h"

static inline void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}
