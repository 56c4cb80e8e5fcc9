/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/buf.h"
#include "config/model.h"

/* Parses text and returns its diagnostics as "LINE:COL: KIND: MESSAGE"
 * lines, so a test states exactly what a user would read. */
static inline char *diags_of(const char *text) {
        DiagList l = {};
        CloudConfig c = {};
        Buf b = {};

        int r = cloud_config_parse(text, strlen(text), &c, &l);
        if (r >= 0)
                cloud_config_done(&c);
        for (size_t i = 0; i < l.n; i++)
                assert_int_equal(buf_printf(&b, "%u:%u: %s: %s\n", l.items[i].line, l.items[i].column,
                                            diag_kind_to_string(l.items[i].kind), l.items[i].message), 0);
        diag_list_done(&l);
        return buf_steal(&b, NULL);
}

#define assert_diags(text, expected)                            \
        do {                                                    \
                char *_d = diags_of(text);                      \
                assert_string_equal(_d, expected);              \
                free(_d);                                       \
        } while (0)

/* True if one of the diagnostics is exactly this line. */
#define assert_has_diag(text, line)                             \
        do {                                                    \
                char *_d = diags_of(text);                      \
                if (!strstr(_d, line "\n"))                     \
                        fail_msg("missing \"%s\" in:\n%s", line, _d); \
                free(_d);                                       \
        } while (0)
