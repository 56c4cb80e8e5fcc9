/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "apply/accounts.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/passwd.h"
#include "basic/path-util.h"
#include "basic/strformat.h"
#include "basic/strv.h"
#include "basic/time-util.h"
#include "basic/user-name.h"

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
        /* all or nothing: a half-loaded state would be read again over
         * what it holds */
        accounts_invalidate(a);
        r = fs_read_file(a->root, "/etc/passwd", ACCOUNTS_FILE_MAX, &a->passwd, &a->passwd_size);
        if (r >= 0 || r == -ENOENT)
                r = fs_read_file(a->root, "/etc/group", ACCOUNTS_FILE_MAX, &a->group, &a->group_size);
        if (r < 0 && r != -ENOENT) {
                accounts_invalidate(a);
                return r;
        }
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
        /* a name that could be a path or a passwd field never gets looked up */
        if (!user_name_valid(user) && parse_id(user, ul, &uid) < 0)
                return -EINVAL;
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
        _cleanup_free_ char *groups = NULL;
        const char *a[32]; /* at most 19 below */
        size_t n = 0;

        if (strv_length(u->groups) > 0) {
                groups = strv_join(u->groups, ",");
                if (!groups)
                        return -ENOMEM;
        }

        /* coreos-cloudinit's options, in its order */
        if (root) {
                a[n++] = "--root";
                a[n++] = root;
        }
        /* the hash goes through chpasswd's stdin, not through argv where
         * every local user could read it in /proc */
        a[n++] = "--password";
        a[n++] = "*";
        if (u->gecos) {
                a[n++] = "--comment";
                a[n++] = u->gecos;
        }
        if (u->homedir) {
                a[n++] = "--home-dir";
                a[n++] = u->homedir;
        }
        a[n++] = u->no_create_home ? "--no-create-home" : "--create-home";
        if (u->primary_group) {
                a[n++] = "--gid";
                a[n++] = u->primary_group;
        }
        if (groups) {
                a[n++] = "--groups";
                a[n++] = groups;
        }
        if (u->no_user_group)
                a[n++] = "--no-user-group";
        if (u->system)
                a[n++] = "--system";
        if (u->no_log_init)
                a[n++] = "--no-log-init";
        if (u->shell) {
                a[n++] = "--shell";
                a[n++] = u->shell;
        }
        a[n++] = u->name;

        for (size_t i = 0; i < n; i++)
                if (strv_extend(&l, a[i]) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* The tool's path, in the directories useradd and chpasswd live in. */
/* How long a tool may take to act on SIGTERM before its group gets
 * SIGKILL. */
#define TOOL_KILL_GRACE_USEC (3ULL * USEC_PER_SEC)

/* Waits for the child's exit, collecting its output, until deadline (0:
 * none). The child is left a zombie (WNOWAIT): while it is, its pid and
 * process group id cannot be reused, so the group can still be killed
 * safely. -ETIME when the deadline passed first. */
static int tool_wait(pid_t pid, int pidfd, int out, uint64_t deadline, Buf *err) {
        for (;;) {
                siginfo_t si = {};
                if (waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR)
                        return -errno;
                if (si.si_pid == pid) {
                        /* what it wrote before exiting (not what a
                         * grandchild still writes) */
                        for (ssize_t n; out >= 0;) {
                                char buf[1024];
                                n = read(out, buf, sizeof buf);
                                if (n <= 0)
                                        break;
                                if (err->len < 4096)
                                        (void) buf_append(err, buf, (size_t) n);
                        }
                        return 0;
                }

                uint64_t now = now_monotonic_usec();
                if (deadline > 0 && now >= deadline)
                        return -ETIME;
                /* without a pidfd, exits are noticed within 50 ms */
                uint64_t wait = deadline > 0 ? deadline - now : UINT64_MAX;
                if (pidfd < 0)
                        wait = MIN(wait, 50 * USEC_PER_MSEC);
                struct pollfd pfd[2] = {
                        { .fd = out, .events = POLLIN },
                        { .fd = pidfd, .events = POLLIN },
                };
                int timeout = wait == UINT64_MAX ? -1 : (int) MIN(wait / USEC_PER_MSEC + 1, (uint64_t) INT_MAX);
                if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
                        return -errno;
                if (out >= 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
                        char buf[1024];
                        ssize_t n = read(out, buf, sizeof buf);
                        if (n > 0 && err->len < 4096)
                                (void) buf_append(err, buf, (size_t) n);
                        else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
                                out = -1; /* EOF: poll() ignores negative fds */
                }
        }
}

static int tool_reap(pid_t pid) {
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        return status;
}

/* The deadline passed: the whole process group goes, politely first; the
 * leader is reaped only after its group got SIGKILL. */
static int tool_kill(pid_t pid, int pidfd, Buf *err) {
        (void) kill(-pid, SIGTERM);
        (void) tool_wait(pid, pidfd, -1, now_monotonic_usec() + TOOL_KILL_GRACE_USEC, err);
        (void) kill(-pid, SIGKILL);
        return tool_reap(pid);
}

void tool_result_done(ToolResult *t) {
        t->message = mfree(t->message);
}

/* Runs tool with args (no shell) in its own process group, input on its
 * stdin, output collected, until deadline_usec. Returns 0 when it ran
 * (ret->status says how it ended), -ETIME when it was killed at the
 * deadline, -ENOENT when it is not installed. */
static int run_tool(const char *name, char **args, const char *input, uint64_t deadline_usec, ToolResult *ret) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *path = NULL;
        _cleanup_(buf_done) Buf err = {};
        _cleanup_close_ int in_r = -EBADF, in_w = -EBADF, out_r = -EBADF, out_w = -EBADF, pidfd = -EBADF;
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        int fds[2], status = 0;
        pid_t pid;
        int r;

        *ret = (ToolResult) { .status = -1 };
        if (deadline_usec > 0 && now_monotonic_usec() >= deadline_usec)
                return strprintf_set(&ret->message, "%s not run: the run's deadline has passed", name) < 0
                        ? -ENOMEM : -ETIME;
        r = find_executable(name, "/usr/sbin:/sbin:/usr/bin:/bin", &path);
        if (r == -ENOENT)
                return strprintf_set(&ret->message, "%s is not installed", name) < 0 ? -ENOMEM : -ENOENT;
        if (r < 0)
                return r;
        /* the input goes in one write that fits the pipe: no deadlock with
         * a tool that writes before it reads */
        if (input && strlen(input) >= PIPE_BUF)
                return -E2BIG;
        if (strv_extend(&argv, path) < 0)
                return -ENOMEM;
        STRV_FOREACH(a, args)
                if (strv_extend(&argv, *a) < 0)
                        return -ENOMEM;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        in_r = fds[0], in_w = fds[1];
        if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        out_r = fds[0], out_w = fds[1];
        /* the child's end blocks as usual */
        if (fcntl(out_w, F_SETFL, 0) < 0)
                return -errno;

        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in_r, 0);
        posix_spawn_file_actions_adddup2(&fa, out_w, 1);
        posix_spawn_file_actions_adddup2(&fa, out_w, 2);
        posix_spawnattr_init(&attr);
        /* its own group (pgid = its pid): at the deadline the tool and
         * whatever it started are killed together, never nodeinit */
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        char *envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "LC_ALL=C", NULL };
        r = posix_spawn(&pid, path, &fa, &attr, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (r != 0)
                return -r;
        in_r = safe_close(in_r);
        out_w = safe_close(out_w);
        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);

        if (input) {
                /* a tool that exits without reading must not kill us */
                struct sigaction sa = { .sa_handler = SIG_IGN }, old;
                sigaction(SIGPIPE, &sa, &old);
                (void) write(in_w, input, strlen(input));
                sigaction(SIGPIPE, &old, NULL);
        }
        in_w = safe_close(in_w);

        r = tool_wait(pid, pidfd, out_r, deadline_usec, &err);
        if (r == -ETIME) {
                (void) tool_kill(pid, pidfd, &err);
                ret->killed = true;
                return strprintf_set(&ret->message, "%s did not finish before the run's deadline: killed", name) < 0
                        ? -ENOMEM : -ETIME;
        }
        if (r < 0) {
                /* cannot wait for it: do not leave it running unwatched */
                (void) tool_kill(pid, pidfd, &err);
                return r;
        }
        status = tool_reap(pid);
        if (status == -1)
                return strprintf_set(&ret->message, "cannot wait for %s: %m", name) < 0 ? -ENOMEM : -ECHILD;
        ret->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (ret->status == 0)
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
        if (WIFEXITED(status))
                r = strprintf_set(&ret->message, "%s exited with status %d%s%.*s", name, ret->status,
                                  l ? ": " : "", (int) l, last);
        else
                r = strprintf_set(&ret->message, "%s was killed by signal %d%s%.*s", name,
                                  WIFSIGNALED(status) ? WTERMSIG(status) : 0, l ? ": " : "", (int) l, last);
        return r < 0 ? -ENOMEM : 0;
}

static const char *inode_type_to_string(mode_t m) {
        return S_ISFIFO(m) ? "FIFO" : S_ISCHR(m) ? "character device" : S_ISBLK(m) ? "block device" :
               S_ISSOCK(m) ? "socket" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" : "special file";
}

/* Files the tools read or rewrite: something other than a regular file
 * there (a FIFO makes useradd block forever, a device is worse) is refused
 * before any tool runs. Absent is fine: the tools create them. */
static const char * const account_files[] = {
        "passwd", "shadow", "group", "gshadow", "login.defs", "subuid", "subgid", "default/useradd",
};

static int check_account_files(Accounts *a, char **ret_error) {
        _cleanup_close_ int etc = fs_open(a->root, "/etc", O_PATH | O_DIRECTORY, 0);
        if (etc == -ENOENT)
                return 0;
        if (etc < 0)
                return strprintf_set(ret_error, "cannot open the root's /etc: %s", strerror(-etc)) < 0 ? -ENOMEM : etc;

        for (size_t i = 0; i < ELEMENTSOF(account_files); i++) {
                struct stat st;
                if (fstatat(etc, account_files[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno == ENOENT || errno == ENOTDIR)
                                continue;
                        int e = -errno;
                        return strprintf_set(ret_error, "cannot check the root's /etc/%s: %s", account_files[i],
                                             strerror(-e)) < 0 ? -ENOMEM : e;
                }
                if (!S_ISREG(st.st_mode))
                        return strprintf_set(ret_error,
                                             "the root's /etc/%s is a %s, not a regular file: not running "
                                             "useradd or chpasswd on it",
                                             account_files[i], inode_type_to_string(st.st_mode)) < 0
                                ? -ENOMEM : -EBADFD;
        }
        return 0;
}

/* Names reach useradd's argv and, through the home directory, paths: one
 * that the validator let through by mistake must stop here. */
static int check_names(const PlanUser *u, char **ret_error) {
        if (!user_name_valid(u->name))
                return strprintf_set(ret_error, "invalid user name (shadow-utils' [a-z_][a-z0-9_-]*[$]?, "
                                     "at most %u characters): not used", USER_NAME_MAX) < 0 ? -ENOMEM : -EINVAL;
        if (u->primary_group && !user_name_valid(u->primary_group) &&
            parse_id(u->primary_group, strlen(u->primary_group), &(unsigned) {0}) < 0)
                return strprintf_set(ret_error, "invalid primary group name: not used") < 0 ? -ENOMEM : -EINVAL;
        STRV_FOREACH(g, u->groups)
                if (!user_name_valid(*g))
                        return strprintf_set(ret_error, "invalid group name in groups: not used") < 0 ? -ENOMEM
                                                                                                   : -EINVAL;
        return 0;
}

/* Runs `TOOL [--root ROOT] NAME`; 0 when it exited 0, else the reason in
 * *ret_error. */
static int run_tool_on(Accounts *a, const char *tool, const char *root, const char *name, char **ret_error) {
        _cleanup_(tool_result_done) ToolResult t = {};
        _cleanup_strv_free_ char **args = NULL;
        int r;

        if (root && (strv_extend(&args, "--root") < 0 || strv_extend(&args, root) < 0))
                return -ENOMEM;
        if (strv_extend(&args, name) < 0)
                return -ENOMEM;
        r = run_tool(tool, args, NULL, a->deadline_usec, &t);
        accounts_invalidate(a);
        if (r >= 0 && t.status != 0)
                r = -EPROTO;
        if (r < 0)
                *ret_error = TAKE_PTR(t.message);
        return r;
}

/* useradd can fail after it wrote the account (status 12: the home
 * directory could not be made). That account is taken out again, with the
 * group useradd made for it: the entry is applied whole or not at all, and
 * a rerun does not take the half account for an existing user and give it
 * a password. Failures to undo are added to *message. */
static void useradd_undo(Accounts *a, const char *name, const char *root, bool group_existed, char **message) {
        _cleanup_free_ char *why = NULL;
        gid_t g;

        if (!accounts_user_exists(a, name))
                return;
        if (run_tool_on(a, "userdel", root, name, &why) < 0) {
                (void) strprintf_set(message, "%s; the half-made account is still there (%s)",
                                     *message ?: "useradd failed", why ?: "userdel failed");
                return;
        }
        (void) strprintf_set(message, "%s; the half-made account was removed", *message ?: "useradd failed");
        /* userdel leaves it when login.defs has USERGROUPS_ENAB no */
        if (!group_existed && accounts_load(a) >= 0 && group_lookup(a->group, a->group_size, name, &g) >= 0 &&
            run_tool_on(a, "groupdel", root, name, &why) < 0)
                (void) strprintf_set(message, "%s; the group made for it is still there (%s)",
                                     *message ?: "useradd failed", why ?: "groupdel failed");
}

static int useradd(Accounts *a, const PlanUser *u, const char *root, char **ret_error) {
        _cleanup_(tool_result_done) ToolResult t = {};
        _cleanup_strv_free_ char **args = NULL;
        gid_t g;
        int r;

        r = accounts_useradd_argv(u, root, &args);
        if (r < 0)
                return r;
        bool group_existed = accounts_load(a) >= 0 && group_lookup(a->group, a->group_size, u->name, &g) >= 0;
        r = run_tool("useradd", args, NULL, a->deadline_usec, &t);
        accounts_invalidate(a);
        if (r < 0 || (t.status != 0 && t.status != 9)) {
                useradd_undo(a, u->name, root, group_existed, &t.message);
                *ret_error = TAKE_PTR(t.message);
                return r < 0 ? r : -EPROTO;
        }

        /* 9: the name is taken. A useradd killed half-way left the user's
         * group without the user: adopt it, as the next run of a finished
         * useradd would have. */
        if (t.status == 9 && !u->primary_group && !u->no_user_group && !accounts_user_exists(a, u->name) &&
            group_lookup(a->group, a->group_size, u->name, &g) >= 0) {
                _cleanup_strv_free_ char **again = NULL;
                PlanUser v = *u;
                v.primary_group = u->name;
                r = accounts_useradd_argv(&v, root, &again);
                if (r < 0)
                        return r;
                tool_result_done(&t);
                r = run_tool("useradd", again, NULL, a->deadline_usec, &t);
                accounts_invalidate(a);
                if (r < 0) {
                        *ret_error = TAKE_PTR(t.message);
                        return r;
                }
        }
        if (t.status != 0) {
                *ret_error = TAKE_PTR(t.message);
                return -EPROTO;
        }
        return 0;
}

/* Is u's hash already the one in the root's shadow? chpasswd -e always
 * rewrites the file. */
static bool password_is_set(Accounts *a, const PlanUser *u) {
        _cleanup_free_ char *shadow = NULL;
        size_t size = 0;
        bool same = false;

        if (fs_read_file(a->root, "/etc/shadow", ACCOUNTS_FILE_MAX, &shadow, &size) < 0)
                return false;
        size_t nl = strlen(u->name);
        for (const char *p = shadow; p && *p;) {
                if (strneq(p, u->name, nl) && p[nl] == ':') {
                        const char *h = p + nl + 1, *e = strchr(h, ':');
                        same = e && (size_t) (e - h) == strlen(u->passwd) && strneq(h, u->passwd, strlen(u->passwd));
                        break;
                }
                p = strchr(p, '\n');
                p = p ? p + 1 : NULL;
        }
        explicit_bzero(shadow, size);
        return same;
}

static int chpasswd(Accounts *a, const PlanUser *u, const char *root, char **ret_error) {
        _cleanup_(tool_result_done) ToolResult t = {};
        _cleanup_strv_free_ char **args = NULL;
        _cleanup_free_ char *line = NULL;
        int r;

        /* one line, one user: a hash with a line break would set another
         * user's password */
        if (strpbrk(u->passwd, ":\n\r"))
                return strprintf_set(ret_error, "the password hash contains ':' or a line break: not used") < 0
                        ? -ENOMEM : -EINVAL;
        if (root && (strv_extend(&args, "--root") < 0 || strv_extend(&args, root) < 0))
                return -ENOMEM;
        if (strv_extend(&args, "-e") < 0)
                return -ENOMEM;
        if (asprintf(&line, "%s:%s\n", u->name, u->passwd) < 0)
                return -ENOMEM;
        r = run_tool("chpasswd", args, line, a->deadline_usec, &t);
        explicit_bzero(line, strlen(line));
        if (r >= 0 && t.status != 0)
                r = -EPROTO;
        if (r < 0)
                *ret_error = TAKE_PTR(t.message);
        return r;
}

int accounts_apply_user(Accounts *a, const PlanUser *u, char **ret_error) {
        const char *root = a->root->host ? NULL : a->root->path;
        bool changed = false;
        int r;

        *ret_error = NULL;
        r = check_names(u, ret_error);
        if (r < 0)
                return r;
        if (!accounts_user_exists(a, u->name) || u->passwd) {
                r = check_account_files(a, ret_error);
                if (r < 0)
                        return r;
        }

        if (!accounts_user_exists(a, u->name)) {
                r = useradd(a, u, root, ret_error);
                if (r < 0)
                        return r;
                changed = true;
        }

        if (u->passwd && !password_is_set(a, u)) {
                r = chpasswd(a, u, root, ret_error);
                if (r < 0)
                        return r;
                changed = true;
        }
        return changed;
}
