/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "basic/time-util.h"

int parse_seconds(const char *s, uint64_t *ret_usec) {
        char *end = NULL;

        errno = 0;
        double d = strtod(s, &end);
        if (errno != 0 || !end || *end || end == s || !isfinite(d) || d <= 0 || d > 86400.0 * 365)
                return -EINVAL;
        *ret_usec = (uint64_t) (d * 1e6);
        return 0;
}

uint64_t now_monotonic_usec(void) {
        struct timespec ts;

        /* cannot fail for CLOCK_MONOTONIC with a valid pointer */
        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000ULL;
}
