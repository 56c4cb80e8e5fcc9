/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* Longest user or group name shadow-utils' useradd/groupadd accept (LOGIN_NAME_MAX
 * is larger; utmp's ut_user is the limit that matters). */
#define USER_NAME_MAX 32U

/* shadow-utils' default rule for user and group names, [a-z_][a-z0-9_-]*[$]?
 * of at most USER_NAME_MAX characters. Such a name can be neither a path
 * component with a meaning ("..", ".") nor a field of passwd(5) or group(5)
 * (':', ','), nor an option of the tools ('-'). Checked by the validator and
 * again by whatever uses a name on the file system. */
bool user_name_valid(const char *s) _pure_;
