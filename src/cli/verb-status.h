/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* The options status and analyze share (--format, --root; wait NULL: no
 * --wait). Returns -1 to go on, else an exit status. */
int status_parse_argv(int argc, char *argv[], bool *wait, bool *json, const char **root, void (*help_fn)(void));
