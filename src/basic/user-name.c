/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/user-name.h"

bool user_name_valid(const char *s) {
        size_t n;

        if (!s || !((*s >= 'a' && *s <= 'z') || *s == '_'))
                return false;
        n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");
        if (s[n] == '$')
                n++;
        return s[n] == 0 && n <= USER_NAME_MAX;
}
