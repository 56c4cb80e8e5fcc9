/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "apply/fs.h"
#include "plan/plan.h"

/* Users and ownership inside the target root. Names are resolved against
 * the root's own /etc/passwd and /etc/group (parsed here: getpwnam() would
 * answer for the host), and users are made with useradd/chpasswd --root, so
 * with --root the host's accounts are never touched. */
typedef struct Accounts {
        const FsRoot *root;
        char *passwd;
        size_t passwd_size;
        char *group;
        size_t group_size;
        bool loaded;
        /* CLOCK_MONOTONIC end of the run: useradd and chpasswd are killed
         * (their whole process group) when it passes. 0: none. */
        uint64_t deadline_usec;
} Accounts;

/* How an external tool ended. */
typedef struct ToolResult {
        int status;          /* exit status; -1 when killed by a signal or not run */
        bool killed;         /* at the run's deadline */
        char *message;       /* "useradd exited with status 9: ...", NULL on success */
} ToolResult;

void tool_result_done(ToolResult *t);

void accounts_done(Accounts *a);
/* After useradd: the files changed under us. */
void accounts_invalidate(Accounts *a);

/* "user" (uid of user, gid 0: what chown user does to a root-made file),
 * "user:" (the user's login group), "user:group", "uid[:gid]"; NULL: the
 * effective uid and gid of this process. An FsOwnerFn
 * and PlanReader owner callback; userdata is the Accounts. */
int accounts_resolve_owner(void *userdata, const char *owner, uid_t *ret_uid, gid_t *ret_gid);

bool accounts_user_exists(Accounts *a, const char *name);

/* useradd (new user) and chpasswd -e (password hash, given on stdin, never
 * on a command line), each under a->deadline_usec. Names are checked again
 * (user_name_valid()), and the root's account files must be regular files
 * before any tool runs. Fills *ret_error with why on failure (the tool's
 * last message line). Returns 1 when something changed, 0 when nothing
 * needed doing. */
int accounts_apply_user(Accounts *a, const PlanUser *u, char **ret_error);

/* The useradd argv for u (without the binary), for tests and dry runs:
 * coreos-cloudinit's options in its order, GECOS without added quotes. */
int accounts_useradd_argv(const PlanUser *u, const char *root, char ***ret);
