/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"
#include "basic/diag.h"

/* Inflates one gzip stream of user-data, at most max_out bytes. Failures
 * become a DIAG_ERROR at line (0: no position): -EFBIG past max_out (a gzip
 * bomb), -EBADMSG for corrupt or truncated data. Output NUL-terminated. */
int userdata_gunzip(const char *data, size_t size, size_t max_out, unsigned line,
                    char **ret, size_t *ret_size, DiagList *diags);
