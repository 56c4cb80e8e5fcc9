/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <unistd.h>

#include "macro.h"
#include "path-util.h"

int path_normalize(const char *path, char **ret) {
        _cleanup_free_ char *out = NULL;
        size_t n = 0;

        if (!path || path[0] != '/')
                return -EINVAL;
        out = malloc(strlen(path) + 1);
        if (!out)
                return -ENOMEM;

        for (const char *p = path; *p;) {
                size_t l;

                p += strspn(p, "/");
                l = strcspn(p, "/");
                if (l == 0)
                        break;
                if (l == 2 && p[0] == '.' && p[1] == '.')
                        return -EINVAL;
                if (!(l == 1 && p[0] == '.')) {
                        out[n++] = '/';
                        memcpy(out + n, p, l);
                        n += l;
                }
                p += l;
        }
        if (n == 0)
                out[n++] = '/';
        out[n] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

int find_executable(const char *name, const char *search, char **ret) {
        for (const char *p = search ?: ""; *p;) {
                size_t n = strcspn(p, ":");
                if (n > 0) {
                        _cleanup_free_ char *f = NULL;
                        if (asprintf(&f, "%.*s/%s", (int) n, p, name) < 0)
                                return -ENOMEM;
                        if (access(f, X_OK) == 0) {
                                *ret = TAKE_PTR(f);
                                return 0;
                        }
                }
                p += n + (p[n] == ':');
        }
        return -ENOENT;
}
