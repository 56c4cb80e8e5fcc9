/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* For unit tests that work on a scratch root tree: a shell step that must
 * succeed, and a per-test-file scratch directory (SCRATCH_TEMPLATE, defined
 * by the includer before this header) holding root_dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "basic/macro.h"

static char base[] = SCRATCH_TEMPLATE;
static char root_dir[128];

static void sh(const char *fmt, ...) _printf_(1, 2);
static void sh(const char *fmt, ...) {
        char *cmd;
        va_list ap;
        va_start(ap, fmt);
        assert_true(vasprintf(&cmd, fmt, ap) >= 0);
        va_end(ap);
        int r = system(cmd);
        if (r != 0)
                fail_msg("command failed (%d): %s", r, cmd);
        free(cmd);
}

static int setup(void **state) {
        assert_non_null(mkdtemp(base));
        snprintf(root_dir, sizeof root_dir, "%s/root", base);
        return 0;
}

static int teardown(void **state) {
        sh("rm -rf '%s'", base);
        return 0;
}
