/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>

#include "basic/fileio.h"
#include "source/source-internal.h"

/* Fetches user-data from a URL; no metadata. probe=true: a transient failure
 * means "try again later" (the driver polls). Unlike coreos-cloudinit, a 4xx
 * is final at once instead of a five-minute wait for a URL that is wrong. */
static int url_fetch(SourceContext *c, const char *url, bool probe, SourceResult *ret) {
        _cleanup_(http_response_done) HttpResponse resp = {};
        int r;

        r = source_http_get(c, url, NULL, SOURCE_USER_DATA_MAX_SIZE, !probe, true, &resp);
        if (r < 0)
                return r;
        if (resp.status < 200 || resp.status >= 300) {
                _cleanup_free_ char *shown = http_url_redact(url);
                return source_fail(c, -ENOENT, "%s: HTTP %ld", strna(shown), resp.status);
        }

        ret->user_data = TAKE_PTR(resp.body);
        ret->user_data_size = resp.size;
        ret->have_user_data = true;
        return 0;
}

int source_url_fetch(SourceContext *c, const char *url, SourceResult *ret) {
        return url_fetch(c, url, true, ret);
}

int cmdline_find_url(const char *cmdline, char **ret) {
        _cleanup_free_ char *found = NULL;
        const char *p = cmdline;

        while (*p) {
                p += strspn(p, " \t\n");
                if (!*p)
                        break;

                const char *start = p;
                bool quoted = false;
                while (*p && (quoted || !strchr(" \t\n", *p))) {
                        if (*p == '"')
                                quoted = !quoted;
                        p++;
                }

                _cleanup_free_ char *word = strndup(start, p - start);
                if (!word)
                        return -ENOMEM;
                char *eq = strchr(word, '=');
                if (eq)
                        *eq = 0;
                /* As the kernel does, '-' and '_' are the same in the key. */
                for (char *k = word; *k; k++)
                        if (*k == '_')
                                *k = '-';
                if (!streq(word, "cloud-config-url") || !eq)
                        continue;

                char *v = eq + 1;
                size_t vl = strlen(v);
                if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
                        v[vl - 1] = 0;
                        v++;
                }
                if (isempty(v))
                        continue;
                /* The last one wins, as in coreos-cloudinit. */
                free(found);
                found = strdup(v);
                if (!found)
                        return -ENOMEM;
        }

        if (!found)
                return -ENOENT;
        *ret = TAKE_PTR(found);
        return 0;
}

int source_cmdline_fetch(SourceContext *c, const char *arg, SourceResult *ret) {
        _cleanup_free_ char *cmdline = NULL, *url = NULL;
        /* Overridable so that tests need not touch the real one. */
        const char *path = secure_getenv("NODEINIT_PROC_CMDLINE") ?: "/proc/cmdline";
        int r;

        r = read_full_file_at(AT_FDCWD, path, 64 * 1024, &cmdline, NULL);
        if (r < 0)
                return source_fail(c, r, "%s: %s", path, strerror(-r));

        r = cmdline_find_url(cmdline, &url);
        if (r == -ENOENT)
                return source_fail(c, r, "no cloud-config-url= on the kernel command line (%s)", path);
        if (r < 0)
                return r;
        if (!startswith(url, "http://") && !startswith(url, "https://"))
                return source_fail(c, -EINVAL, "cloud-config-url= on the kernel command line is not an http(s) URL");

        /* The URL is known now: wait for it under the deadline. */
        return url_fetch(c, url, false, ret);
}
