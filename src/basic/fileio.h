/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "macro.h"

/* Reads a whole stream; -EFBIG past max_size. The result is NUL-terminated
 * (the terminator is not counted in *ret_size). */
int read_full_stream(FILE *f, size_t max_size, char **ret, size_t *ret_size);
/* dir_fd may be AT_FDCWD; path "-" is not special here. */
int read_full_file_at(int dir_fd, const char *path, size_t max_size, char **ret, size_t *ret_size);
