/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "apply/accounts.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/passwd.h"
#include "basic/strv.h"

#define ACCOUNTS_FILE_MAX (16U * 1024U * 1024U)

void accounts_invalidate(Accounts *a) {
        a->passwd = mfree(a->passwd);
        a->group = mfree(a->group);
        a->passwd_size = a->group_size = 0;
        a->loaded = false;
}

void accounts_done(Accounts *a) {
        accounts_invalidate(a);
}

static int accounts_load(Accounts *a) {
        int r;

        if (a->loaded)
                return 0;
        r = fs_read_file(a->root, "/etc/passwd", ACCOUNTS_FILE_MAX, &a->passwd, &a->passwd_size);
        if (r < 0 && r != -ENOENT)
                return r;
        r = fs_read_file(a->root, "/etc/group", ACCOUNTS_FILE_MAX, &a->group, &a->group_size);
        if (r < 0 && r != -ENOENT)
                return r;
        a->loaded = true;
        return 0;
}

bool accounts_user_exists(Accounts *a, const char *name) {
        PasswdEntry e = {};
        if (accounts_load(a) < 0 || passwd_lookup(a->passwd, a->passwd_size, name, &e) < 0)
                return false;
        passwd_entry_done(&e);
        return true;
}

int accounts_resolve_owner(void *userdata, const char *owner, uid_t *ret_uid, gid_t *ret_gid) {
        Accounts *a = userdata;

        if (!owner) {
                /* no owner given: whoever runs nodeinit (root, or the user
                 * of --systemd=user) */
                *ret_uid = geteuid();
                *ret_gid = getegid();
                return 0;
        }

        const char *colon = strchr(owner, ':');
        size_t ul = colon ? (size_t) (colon - owner) : strlen(owner);
        unsigned uid, gid = 0;
        int r;

        r = accounts_load(a);
        if (r < 0)
                return r;

        _cleanup_free_ char *user = strndup(owner, ul);
        if (!user)
                return -ENOMEM;
        PasswdEntry e = {};
        bool have_entry = false;
        if (parse_id(user, ul, &uid) < 0) {
                r = passwd_lookup(a->passwd, a->passwd_size, user, &e);
                /* root is 0 everywhere, also in a tree that has no passwd
                 * file yet (an image being built) */
                if (r == -ENOENT && streq(user, "root"))
                        uid = 0;
                else if (r < 0)
                        return r;
                else {
                        uid = e.uid;
                        have_entry = true;
                }
        }

        if (colon && colon[1]) {
                if (parse_id(colon + 1, strlen(colon + 1), &gid) < 0) {
                        gid_t g;
                        r = group_lookup(a->group, a->group_size, colon + 1, &g);
                        if (r == -ENOENT && streq(colon + 1, "root")) {
                                g = 0;
                                r = 0;
                        }
                        if (r < 0) {
                                passwd_entry_done(&e);
                                return r;
                        }
                        gid = g;
                }
        } else if (colon) {
                /* "user:": the login group */
                if (!have_entry && passwd_lookup(a->passwd, a->passwd_size, user, &e) >= 0)
                        have_entry = true;
                gid = have_entry ? e.gid : uid;
        }
        passwd_entry_done(&e);

        *ret_uid = uid;
        *ret_gid = gid;
        return 0;
}

int accounts_useradd_argv(const PlanUser *u, const char *root, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r = 0;

#define ADD(s) do { if (r >= 0) r = strv_extend(&l, (s)); } while (0)
        if (root) {
                ADD("--root");
                ADD(root);
        }
        /* the hash goes through chpasswd's stdin, not through argv where
         * every local user could read it in /proc */
        ADD("--password");
        ADD("*");
        if (u->gecos) {
                ADD("--comment");
                ADD(u->gecos);
        }
        if (u->homedir) {
                ADD("--home-dir");
                ADD(u->homedir);
        }
        ADD(u->no_create_home ? "--no-create-home" : "--create-home");
        if (u->primary_group) {
                ADD("--gid");
                ADD(u->primary_group);
        }
        if (strv_length(u->groups) > 0) {
                _cleanup_free_ char *g = strv_join(u->groups, ",");
                if (!g)
                        return -ENOMEM;
                ADD("--groups");
                ADD(g);
        }
        if (u->no_user_group)
                ADD("--no-user-group");
        if (u->system)
                ADD("--system");
        if (u->no_log_init)
                ADD("--no-log-init");
        if (u->shell) {
                ADD("--shell");
                ADD(u->shell);
        }
        ADD(u->name);
#undef ADD
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

static const char *find_tool(const char *name) {
        static const char * const dirs[] = { "/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/" };
        static char buf[64];
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                snprintf(buf, sizeof buf, "%s%s", dirs[i], name);
                if (access(buf, X_OK) == 0)
                        return buf;
        }
        return NULL;
}

/* Runs tool with argv (no shell), stdin from input, stderr collected. */
static int run_tool(const char *name, char **args, const char *input, char **ret_error) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_(buf_done) Buf err = {};
        int in[2] = { -1, -1 }, errp[2] = { -1, -1 };
        posix_spawn_file_actions_t fa;
        pid_t pid;
        int r;

        const char *path = find_tool(name);
        if (!path) {
                *ret_error = strdup("not installed");
                return -ENOENT;
        }
        if (strv_extend(&argv, path) < 0)
                return -ENOMEM;
        STRV_FOREACH(a, args)
                if (strv_extend(&argv, *a) < 0)
                        return -ENOMEM;

        if (pipe2(in, O_CLOEXEC) < 0)
                return -errno;
        if (pipe2(errp, O_CLOEXEC) < 0) {
                r = -errno;
                close(in[0]);
                close(in[1]);
                return r;
        }
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
        posix_spawn_file_actions_adddup2(&fa, errp[1], 1);
        char *envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "LC_ALL=C", NULL };
        r = posix_spawn(&pid, path, &fa, NULL, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        close(in[0]);
        close(errp[1]);
        if (r != 0) {
                close(in[1]);
                close(errp[0]);
                return -r;
        }

        /* small input: fits a pipe buffer; a SIGPIPE must not kill us */
        if (input) {
                struct sigaction sa = { .sa_handler = SIG_IGN }, old;
                sigaction(SIGPIPE, &sa, &old);
                size_t n = strlen(input);
                while (n > 0) {
                        ssize_t w = write(in[1], input, n);
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w <= 0)
                                break;
                        input += w;
                        n -= (size_t) w;
                }
                sigaction(SIGPIPE, &old, NULL);
        }
        close(in[1]);

        for (;;) {
                char buf[1024];
                ssize_t n = read(errp[0], buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (err.len < 4096)
                        (void) buf_append(&err, buf, (size_t) n);
        }
        close(errp[0]);

        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;

        /* the last line says why; earlier ones are warnings */
        const char *msg = err.data ?: "";
        size_t l = strlen(msg);
        while (l > 0 && msg[l - 1] == '\n')
                l--;
        const char *last = msg;
        for (const char *p = msg; p < msg + l; p++)
                if (*p == '\n')
                        last = p + 1;
        l -= (size_t) (last - msg);
        if (asprintf(ret_error, "%s exited with %d%s%.*s", name, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                     l ? ": " : "", (int) l, last) < 0)
                *ret_error = NULL;
        return WIFEXITED(status) ? -(1000 + WEXITSTATUS(status)) : -EPROTO;
}

int accounts_apply_user(Accounts *a, const PlanUser *u, char **ret_error) {
        const char *root = a->root->host ? NULL : a->root->path;
        bool changed = false;
        int r;

        *ret_error = NULL;
        if (!accounts_user_exists(a, u->name)) {
                _cleanup_strv_free_ char **args = NULL;
                r = accounts_useradd_argv(u, root, &args);
                if (r < 0)
                        return r;
                r = run_tool("useradd", args, NULL, ret_error);
                accounts_invalidate(a);
                gid_t g;
                if (r == -(1000 + 9) && !u->primary_group && !u->no_user_group && !accounts_user_exists(a, u->name) &&
                    group_lookup(a->group, a->group_size, u->name, &g) >= 0) {
                        /* a useradd killed half-way left the user's group
                         * without the user: adopt it, as the next run of a
                         * finished useradd would have */
                        _cleanup_strv_free_ char **again = NULL;
                        PlanUser v = *u;
                        v.primary_group = u->name;
                        r = accounts_useradd_argv(&v, root, &again);
                        if (r < 0)
                                return r;
                        *ret_error = mfree(*ret_error);
                        r = run_tool("useradd", again, NULL, ret_error);
                        accounts_invalidate(a);
                }
                if (r < -1000)
                        r = -EPROTO;
                if (r < 0)
                        return r;
                changed = true;
        }

        if (u->passwd) {
                /* chpasswd -e always rewrites shadow: skip it when the hash
                 * is already the one there */
                _cleanup_free_ char *shadow = NULL;
                size_t size = 0;
                bool same = false;
                if (fs_read_file(a->root, "/etc/shadow", ACCOUNTS_FILE_MAX, &shadow, &size) >= 0) {
                        size_t nl = strlen(u->name);
                        for (const char *p = shadow; p && *p;) {
                                if (strneq(p, u->name, nl) && p[nl] == ':') {
                                        const char *h = p + nl + 1, *e = strchr(h, ':');
                                        same = e && (size_t) (e - h) == strlen(u->passwd) &&
                                                strneq(h, u->passwd, strlen(u->passwd));
                                        break;
                                }
                                p = strchr(p, '\n');
                                p = p ? p + 1 : NULL;
                        }
                        explicit_bzero(shadow, size);
                }
                if (!same) {
                        _cleanup_strv_free_ char **args = NULL;
                        _cleanup_free_ char *line = NULL;
                        if (root && (strv_extend(&args, "--root") < 0 || strv_extend(&args, root) < 0))
                                return -ENOMEM;
                        if (strv_extend(&args, "-e") < 0)
                                return -ENOMEM;
                        if (asprintf(&line, "%s:%s\n", u->name, u->passwd) < 0)
                                return -ENOMEM;
                        r = run_tool("chpasswd", args, line, ret_error);
                        explicit_bzero(line, strlen(line));
                        if (r < -1000)
                                r = -EPROTO;
                        if (r < 0)
                                return r;
                        changed = true;
                }
        }
        return changed;
}
