/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "basic/strformat.h"

int strvprintf_set(char **p, const char *fmt, va_list ap) {
        char *s;

        /* formatted before the old value goes: it may be an argument */
        int k = vasprintf(&s, fmt, ap);
        free(*p);
        *p = k < 0 ? NULL : s;
        return k < 0 ? -ENOMEM : 0;
}

int strprintf_set(char **p, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        int r = strvprintf_set(p, fmt, ap);
        va_end(ap);
        return r;
}

int reterr_printf(char **reterr, int error, const char *fmt, ...) {
        va_list ap;

        if (reterr) {
                va_start(ap, fmt);
                if (vasprintf(reterr, fmt, ap) < 0)
                        *reterr = NULL;
                va_end(ap);
        }
        return error;
}
