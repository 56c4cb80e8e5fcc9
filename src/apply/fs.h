/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "plan/plan.h"
#include "plan/planner.h"

/* Everything apply writes goes through an FsRoot: the --root directory (or
 * "/"), opened once. Every path is resolved inside it with
 * openat2(RESOLVE_IN_ROOT) — or, where the kernel lacks it, component by
 * component with O_NOFOLLOW and symlinks resolved by hand against the same
 * root — so neither ".." nor an absolute symlink planted under the root
 * leads out of it.
 *
 * A symlink is followed only inside a directory owned by root, by whoever
 * runs nodeinit, or by the owner of the root directory: one inside another
 * user's directory (~bob/.ssh -> /etc/...) is refused with -ELOOP, so a
 * local user cannot choose where root writes or what it reads. Paths
 * without symlinks take openat2(RESOLVE_NO_SYMLINKS) alone. */
typedef struct FsDirCache FsDirCache;

typedef struct FsRoot {
        int fd;
        FsDirCache *dirs;  /* directories already resolved for reading */
        char *path;        /* canonical path of the root ("/" for the host) */
        bool host;         /* no --root */
        bool no_openat2;   /* use the fallback resolver */
        uid_t owner;       /* of the root directory: trusted like root */
        size_t dir_cache_max; /* bounded by RLIMIT_NOFILE */
} FsRoot;

/* Also raises RLIMIT_NOFILE's soft limit to the hard one (as systemd does
 * for its own tools): a run that writes has the descriptors the kernel
 * allows. The batch stays within whatever limit it finds. */
int fs_root_open(const char *path, FsRoot *ret);
void fs_root_done(FsRoot *r);

/* Opens path (absolute, taken relative to the root) inside the root. Returns
 * the fd or a negative errno (-ELOOP: a symlink in another user's
 * directory). */
int fs_open(const FsRoot *r, const char *path, int flags, mode_t mode);

/* The PlanReader callbacks over this root (owner resolution comes from
 * accounts.c). */
int fs_stat_node(const FsRoot *r, const char *path, bool want_content, PlanNode *ret);
int fs_list_files(const FsRoot *r, const char *dir, char ***ret);
int fs_read_file(const FsRoot *r, const char *path, size_t max, char **ret, size_t *ret_size);

typedef enum FsOutcome {
        FS_WRITTEN,      /* created or replaced (also: masked, directory made) */
        FS_UNCHANGED,    /* already as planned: not touched */
        FS_REMOVED,      /* unmasked */
        FS_FAILED,
        _FS_OUTCOME_MAX,
        _FS_OUTCOME_INVALID = -EINVAL,
} FsOutcome;

const char *fs_outcome_to_string(FsOutcome o) _const_;

typedef struct FsResult {
        FsOutcome outcome;
        int error;           /* FAILED: negative errno */
        const char *what;    /* FAILED: the operation ("creating the parent directory", "fsync", ...);
                              * UNCHANGED: why, when not simply equal ("not a mask") */
        bool no_owner;       /* FAILED: the entry's owner is not in the root's passwd/group */
} FsResult;

/* owner NULL: the default owner (see accounts_resolve_owner()). */
typedef int (*FsOwnerFn)(void *userdata, const char *owner, uid_t *ret_uid, gid_t *ret_gid);

/* Applies the file entries of a plan in one batch: every changed file is
 * written to a temp file next to it (mode and owner set before anything is
 * renamed), then all temps are fsync()ed, then renamed into place, then
 * each touched directory is fsync()ed once. Unchanged files (same bytes,
 * mode, owner) are not touched. One entry failing does not stop the others.
 * Entries go in chunks whose open descriptors stay within RLIMIT_NOFILE,
 * so any number of entries works at any limit. results has n entries.
 * Returns the number of failures, or -ENOMEM; whatever it returns, no
 * temporary file is left behind. */
int fs_commit(const FsRoot *r, const PlanFile *files, size_t n, FsOwnerFn owner, void *owner_userdata,
              bool durable, FsResult *results);
