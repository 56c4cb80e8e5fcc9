/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "plan/planner.h"

/* Shared by the planner's files (planner.c and plan-*.c), not by other
 * stages. Each plan-*.c plans one concern; planner.c holds plan_build()
 * and the helpers that add entries to the plan. */

typedef struct Planner {
        const PlanInput *in;
        Plan *plan;
        const char *unit_dir;
        const char *runtime_unit_dir;
        char *passwd;              /* the target's /etc/passwd, NULL if absent */
        size_t passwd_size;
        char *group;               /* the target's /etc/group, NULL if absent */
        size_t group_size;
        size_t config;             /* index of the cloud-config being planned */
} Planner;

/* secret: SECRET_NO (but an existing private file still hides its old
 * bytes), SECRET_YES, SECRET_PUBLIC (public key material: always shown). */
enum { SECRET_PUBLIC = -1, SECRET_NO = 0, SECRET_YES = 1 };

/* The current state of path through the reader; absent without one. */
int planner_stat(Planner *P, const char *path, bool want_content, PlanNode *ret);
int planner_issue(Planner *P, bool warning, const char *origin, const char *fmt, ...) _printf_(4, 5);
/* The same, about the place of at in the cloud-config being planned, so that
 * the report names FILE:LINE:COL (none when at is NULL or has no position). */
int planner_issue_at(Planner *P, bool warning, const Value *at, const char *origin, const char *fmt, ...)
        _printf_(5, 6);

/* Takes content (may be NULL for an empty file). */
int planner_add_write(Planner *P, const char *path, char *content, size_t size, mode_t mode, const char *owner,
                      const char *origin, int secret);
int planner_add_mask(Planner *P, const char *path, const char *origin);
/* Only a mask is removed (an empty file or a /dev/null link); a real unit
 * file there is left alone, so nothing is planned. Returns 1 if planned. */
int planner_add_unmask(Planner *P, const char *path, const char *origin);
/* 1 when it cannot be planned (reported): nothing goes into it. */
int planner_add_dir(Planner *P, const char *path, mode_t mode, const char *owner, const char *origin);
/* path is planned and differs from what is there now. */
bool planner_changed(const Plan *p, const char *path) _pure_;
/* NULL for an unset or empty value. */
int planner_strdup_value(const Value *v, char **ret);

/* Isolation (issue 9). The validator marks the item holding an error
 * (Value.error on its self, or on a value for items that are one key); the
 * planner leaves the item out and says so. */

/* v marked: records a skip issue for item (in P->config) and returns 1;
 * 0 when v is clean. */
int planner_skip_marked(Planner *P, const Value *v, const char *item);
/* "base (value)", the value shown only when it is short and printable: it
 * may be the very thing that is wrong. */
int planner_item_name(const char *base, const Value *name, char **ret);
/* A section rendered for whole (s->render != NONE) at prefix ("coreos.etcd2"):
 * returns 1 after recording the skip when its self is marked; otherwise
 * records a skip for each marked key (the renderers leave those out) and
 * returns 0. */
int planner_skip_section(Planner *P, const SchemaStruct *s, const void *section, const char *prefix);
/* The key under coreos ("etcd2") of a section, in any cloud-config, that was
 * left out and renders for unit; NULL when none. */
const char *planner_unit_left_out(const Planner *P, const char *unit) _pure_;

/* PlanInput.default_user, else "core". */
const char *planner_default_user(const Planner *P) _pure_;

/* The concerns, in the order plan_build() calls them. */
int plan_hostname(Planner *P);                                   /* plan-files.c */
int plan_users(Planner *P);                                      /* plan-users.c */
int plan_default_user_keys(Planner *P);                          /* plan-users.c */
int plan_write_files(Planner *P, const ConfigCloudConfig *cc);   /* plan-files.c */
int plan_generated(Planner *P, const ConfigCloudConfig *cc);     /* plan-files.c */
int plan_environment(Planner *P);                                /* plan-environment.c */
int plan_units(Planner *P, const ConfigCloudConfig *cc);         /* plan-units.c */
int plan_discovery(Planner *P, const ConfigCloudConfig *cc);     /* plan-discovery.c */
int plan_scripts(Planner *P);                                    /* plan-scripts.c */
int plan_network(Planner *P);                                    /* plan-network.c */
