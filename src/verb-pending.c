/* SPDX-License-Identifier: Apache-2.0 */
/* TEMPORARY (removed once every verb has landed): weak fallbacks so the
 * binary links while verbs are written in parallel. */
#include "basic/log.h"
#include "verbs.h"

#define PENDING(name)                                                           \
        __attribute__((weak)) int verb_##name(int argc, char *argv[]) {        \
                log_error("nodeinit " #name ": not available in this build.");  \
                return 2;                                                       \
        }

PENDING(apply)
PENDING(metadata)
PENDING(discovery)
