/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "basic/macro.h"

/* The plan: plain data saying everything a run would change. Dry-run prints
 * it, tests assert on it, apply executes it. Paths are absolute paths on the
 * node; apply resolves them under --root. */

typedef enum PlanFileAction {
        PLAN_FILE_WRITE,    /* regular file with content, mode, owner */
        PLAN_FILE_MASK,     /* replace whatever is at path by a symlink to /dev/null */
        PLAN_FILE_UNMASK,   /* remove path if it is a mask (empty file or /dev/null link) */
        PLAN_FILE_DIR,      /* directory with mode and owner, created if missing (~/.ssh) */
        _PLAN_FILE_ACTION_MAX,
        _PLAN_FILE_ACTION_INVALID = -EINVAL,
} PlanFileAction;

typedef enum PlanChange {
        PLAN_CHANGE_CREATE,
        PLAN_CHANGE_UPDATE,
        PLAN_CHANGE_NONE,
        PLAN_CHANGE_REMOVE,
        _PLAN_CHANGE_MAX,
        _PLAN_CHANGE_INVALID = -EINVAL,
} PlanChange;

const char *plan_file_action_to_string(PlanFileAction a) _const_;
PlanFileAction plan_file_action_from_string(const char *s) _pure_;
const char *plan_change_to_string(PlanChange c) _const_;
PlanChange plan_change_from_string(const char *s) _pure_;

typedef struct PlanFile {
        char *path;
        PlanFileAction action;
        char *content;        /* WRITE: bytes to write (NUL-terminated, not counted) */
        size_t size;
        mode_t mode;
        char *owner;          /* "user", "user:group", "uid[:gid]"; NULL = root:root */
        char *origin;         /* what asked for it, e.g. "write_files[2]", "coreos.etcd2" */
        bool secret;          /* never log or diff the content */
        PlanChange change;    /* against the current state */
        char *old_content;    /* current content when it is a regular file, for diffs */
        size_t old_size;
        bool old_exists;      /* something is at path now */
        mode_t old_mode;      /* its permission bits, when a regular file */
} PlanFile;

typedef struct PlanUser {
        char *name;
        bool create;          /* does not exist yet: useradd */
        char *passwd;         /* hash; secret */
        char *gecos;
        char *homedir;
        bool no_create_home;
        char *primary_group;
        char **groups;
        bool no_user_group;
        bool system;
        bool no_log_init;
        char *shell;
        char *origin;         /* "users[0]" */
} PlanUser;

typedef enum UnitCommand {
        UNIT_COMMAND_START,
        UNIT_COMMAND_STOP,
        UNIT_COMMAND_RESTART,
        UNIT_COMMAND_RELOAD,
        UNIT_COMMAND_TRY_RESTART,
        UNIT_COMMAND_RELOAD_OR_RESTART,
        UNIT_COMMAND_RELOAD_OR_TRY_RESTART,
        _UNIT_COMMAND_MAX,
        _UNIT_COMMAND_INVALID = -EINVAL,
} UnitCommand;

const char *unit_command_to_string(UnitCommand c) _const_;
UnitCommand unit_command_from_string(const char *s) _pure_;

typedef struct PlanUnit {
        char *name;
        bool runtime;         /* /run/systemd/system rather than /etc/systemd/system */
        bool mask;
        bool unmask;
        bool enable;
        UnitCommand command;  /* _UNIT_COMMAND_INVALID: none */
        bool changed;         /* unit file, drop-in or mask state changes in this run */
        bool network;         /* .network/.netdev/.link: networkd's, not the manager's */
        char *path;           /* where the unit file (or mask) lives */
        char *origin;         /* "coreos.units[0]", "coreos.etcd", "coreos.update" */
} PlanUnit;

typedef enum DiscoveryKind {
        DISCOVERY_ETCD,       /* etcd 0.4: register the node ourselves */
        DISCOVERY_ETCD2,      /* v2 discovery: only check, etcd registers itself */
        _DISCOVERY_KIND_MAX,
        _DISCOVERY_KIND_INVALID = -EINVAL,
} DiscoveryKind;

const char *discovery_kind_to_string(DiscoveryKind k) _const_;
DiscoveryKind discovery_kind_from_string(const char *s) _pure_;

typedef struct PlanDiscovery {
        DiscoveryKind kind;
        char *url;
        char *name;           /* etcd2: etcd2.name, else etcd's default "default";
                               * etcd 0.4: etcd.name, else the root's machine id (ETCD_NAME=%m) */
        char *peer_addr;      /* etcd 0.4: the peer URL etcd registers under the name
                               * ("http://" + peer_addr, https with peer TLS files);
                               * etcd2: initial_advertise_peer_urls (its member ID) */
        char *fallback;       /* etcd2 discovery_fallback, for the message when full */
} PlanDiscovery;

typedef struct PlanScript {
        char *content;        /* substituted script text; secret */
        size_t size;
        char *interpreter;    /* from the #! line */
        char *origin;         /* "user-data", "part 2" */
} PlanScript;

/* Something the planner could not turn into an entry: the step is left out,
 * the rest of the plan stands, and the run ends non-zero. Warnings do not
 * change the exit status. */
typedef struct PlanIssue {
        bool warning;
        bool skipped;         /* isolation: origin is an item the validator marked, left
                               * out whole; message is the validator's error */
        char *origin;         /* "coreos.update", "metadata", "write_files[2] (/etc/x)" */
        char *message;        /* never contains secret values */
        unsigned line, column; /* in the cloud-config, 0 when not about a place in one */
        size_t config;        /* which of PlanInput.configs, when line > 0 */
} PlanIssue;

typedef struct Plan {
        char *hostname;               /* NULL: leave it */
        PlanUser *users;
        size_t n_users;
        PlanFile *files;              /* in write order */
        size_t n_files;
        PlanUnit *units;              /* in coreos-cloudinit's unit order */
        size_t n_units;
        PlanDiscovery *discovery;
        size_t n_discovery;
        PlanScript *scripts;
        size_t n_scripts;
        PlanIssue *issues;
        size_t n_issues;
} Plan;

void plan_file_done(PlanFile *f);
void plan_user_done(PlanUser *u);
void plan_unit_done(PlanUnit *u);
void plan_done(Plan *p);

size_t plan_count_errors(const Plan *p) _pure_;

/* Adds f (taking its members; *f is zeroed). A later entry for a path that
 * is already planned replaces the earlier one in place: the last writer
 * wins, and the file is still written once (idempotence). */
int plan_add_file(Plan *p, PlanFile *f);
const PlanFile *plan_find_file(const Plan *p, const char *path) _pure_;
/* Adds a copy of *issue (origin and message duplicated). */
int plan_add_issue_full(Plan *p, const PlanIssue *issue);
