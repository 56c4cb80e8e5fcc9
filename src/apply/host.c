/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/file.h>

#include "apply/host.h"

int apply_current_hostname(const FsRoot *root, char **ret) {
        _cleanup_free_ char *t = NULL;
        char *s;
        size_t n;

        if (root->host) {
                char buf[256] = {};
                if (gethostname(buf, sizeof buf - 1) < 0)
                        return -errno;
                s = strdup(buf);
        } else if (fs_read_file(root, "/etc/hostname", 4096, &t, &n) < 0)
                s = strdup("localhost");
        else {
                t[strcspn(t, " \t\r\n")] = 0;
                s = strdup(isempty(t) ? "localhost" : t);
        }
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int apply_user_unit_dirs(char **ret_persistent, char **ret_runtime) {
        const char *cfg = getenv("XDG_CONFIG_HOME"), *run = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");
        _cleanup_free_ char *p = NULL, *r = NULL;

        if (isempty(run) || (isempty(cfg) && isempty(home)))
                return -ENXIO;
        /* asprintf() leaves its pointer undefined on failure */
        if ((isempty(cfg) ? asprintf(&p, "%s/.config/systemd/user", home)
                          : asprintf(&p, "%s/systemd/user", cfg)) < 0)
                return (p = NULL), -ENOMEM;
        if (asprintf(&r, "%s/systemd/user", run) < 0)
                return (r = NULL), -ENOMEM;
        *ret_persistent = TAKE_PTR(p);
        *ret_runtime = TAKE_PTR(r);
        return 0;
}

int apply_lock_root(const FsRoot *root) {
        return RET_NERRNO(flock(root->fd, LOCK_EX));
}
