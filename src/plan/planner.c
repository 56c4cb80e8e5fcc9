/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "basic/strv.h"
#include "plan/plan-internal.h"

/* Turns cloud-config models and metadata into a Plan, in coreos-cloudinit's
 * order: hostname, users and their keys, core's keys, write_files, the
 * generated files, /etc/environment, units, discovery, scripts. A step that
 * cannot be planned becomes a PlanIssue and the others go on. */

void plan_node_done(PlanNode *n) {
        free(n->content);
        *n = (PlanNode) {};
}

int planner_stat(Planner *P, const char *path, bool want_content, PlanNode *ret) {
        const PlanReader *rd = P->in->reader;

        *ret = (PlanNode) { .kind = PLAN_NODE_ABSENT };
        if (!rd || !rd->stat)
                return 0;
        return rd->stat(rd->userdata, path, want_content, ret);
}

int planner_issue(Planner *P, bool warning, const char *origin, const char *fmt, ...) {
        _cleanup_free_ char *m = NULL;
        va_list ap;

        va_start(ap, fmt);
        int r = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        return plan_add_issue(P->plan, warning, origin, "%s", m);
}

static bool owner_matches(Planner *P, const char *owner, const PlanNode *n) {
        const PlanReader *rd = P->in->reader;
        uid_t uid = 0;
        gid_t gid = 0;

        if (rd && rd->owner) {
                if (rd->owner(rd->userdata, owner, &uid, &gid) < 0)
                        return false;
        } else if (owner)
                return false;
        return n->uid == uid && n->gid == gid;
}

int planner_add_write(Planner *P, const char *path, char *content, size_t size, mode_t mode, const char *owner,
                      const char *origin, int secret) {
        _cleanup_free_ char *c = content;
        _cleanup_(plan_node_done) PlanNode n = {};
        int r;

        r = planner_stat(P, path, true, &n);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));

        PlanFile f = {
                .action = PLAN_FILE_WRITE,
                .size = size,
                .mode = mode,
                /* what is there now may be private even if the new file is not */
                .secret = secret == SECRET_YES ||
                          (secret == SECRET_NO && n.kind == PLAN_NODE_REGULAR && !(n.mode & 0004)),
                .old_exists = n.kind != PLAN_NODE_ABSENT,
                .old_mode = n.mode,
        };
        if (n.kind == PLAN_NODE_ABSENT)
                f.change = PLAN_CHANGE_CREATE;
        else if (n.kind == PLAN_NODE_REGULAR && n.size == size && (size == 0 || memcmp(n.content, c, size) == 0) &&
                 n.mode == mode && owner_matches(P, owner, &n))
                f.change = PLAN_CHANGE_NONE;
        else
                f.change = PLAN_CHANGE_UPDATE;
        if (n.kind == PLAN_NODE_REGULAR) {
                f.old_content = TAKE_PTR(n.content);
                f.old_size = n.size;
        }

        f.content = c ? TAKE_PTR(c) : strdup("");
        f.path = strdup(path);
        f.origin = strdup(origin);
        f.owner = owner ? strdup(owner) : NULL;
        if (!f.content || !f.path || !f.origin || (owner && !f.owner)) {
                plan_file_done(&f);
                return -ENOMEM;
        }
        r = plan_add_file(P->plan, &f);
        if (r < 0)
                plan_file_done(&f);
        return r;
}

static int add_simple(Planner *P, PlanFileAction action, const char *path, PlanChange change, mode_t mode,
                      const char *owner, const char *origin, const PlanNode *n) {
        PlanFile f = {
                .action = action,
                .change = change,
                .mode = mode,
                .old_exists = n->kind != PLAN_NODE_ABSENT,
                .old_mode = n->mode,
        };
        f.path = strdup(path);
        f.origin = strdup(origin);
        f.owner = owner ? strdup(owner) : NULL;
        if (!f.path || !f.origin || (owner && !f.owner)) {
                plan_file_done(&f);
                return -ENOMEM;
        }
        int r = plan_add_file(P->plan, &f);
        if (r < 0)
                plan_file_done(&f);
        return r;
}

int planner_add_mask(Planner *P, const char *path, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = planner_stat(P, path, false, &n);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));
        return add_simple(P, PLAN_FILE_MASK, path,
                          n.kind == PLAN_NODE_NULL ? PLAN_CHANGE_NONE :
                          n.kind == PLAN_NODE_ABSENT ? PLAN_CHANGE_CREATE : PLAN_CHANGE_UPDATE,
                          0, NULL, origin, &n);
}

int planner_add_unmask(Planner *P, const char *path, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = planner_stat(P, path, false, &n);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));
        if (plan_find_file(P->plan, path))
                return 0; /* written or masked in this run */
        if (!(n.kind == PLAN_NODE_NULL || (n.kind == PLAN_NODE_REGULAR && n.size == 0)))
                return 0;
        r = add_simple(P, PLAN_FILE_UNMASK, path, PLAN_CHANGE_REMOVE, 0, NULL, origin, &n);
        return r < 0 ? r : 1;
}

int planner_add_dir(Planner *P, const char *path, mode_t mode, const char *owner, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = planner_stat(P, path, false, &n);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));
        if (n.kind != PLAN_NODE_ABSENT && n.kind != PLAN_NODE_DIRECTORY)
                return planner_issue(P, false, origin, "%s exists and is not a directory", path);
        return add_simple(P, PLAN_FILE_DIR, path, n.kind == PLAN_NODE_DIRECTORY ? PLAN_CHANGE_NONE : PLAN_CHANGE_CREATE,
                          mode, owner, origin, &n);
}

bool planner_changed(const Plan *p, const char *path) {
        const PlanFile *f = plan_find_file(p, path);
        return f && f->change != PLAN_CHANGE_NONE;
}

int planner_strdup_value(const Value *v, char **ret) {
        *ret = NULL;
        if (!v->set || v->len == 0)
                return 0;
        *ret = strndup(v->str, v->len);
        return *ret ? 0 : -ENOMEM;
}

int plan_build(const PlanInput *in, Plan *ret) {
        _cleanup_(plan_done) Plan plan = {};
        Planner P = {
                .in = in,
                .plan = &plan,
                .unit_dir = in->unit_dir ?: "/etc/systemd/system",
                .runtime_unit_dir = in->runtime_unit_dir ?: "/run/systemd/system",
        };
        int r;

        if (in->ssh_key_name) {
                const char *k = in->ssh_key_name;
                if (!k[0] || k[0] == '.' || strchr(k, '/') || strlen(k) > 255)
                        return -EINVAL;
                for (const char *c = k; *c; c++)
                        if ((unsigned char) *c <= ' ' || *c == 0x7f)
                                return -EINVAL;
        }

        _cleanup_(plan_node_done) PlanNode pw = {};
        r = planner_stat(&P, "/etc/passwd", true, &pw);
        if (r < 0)
                return r;
        if (pw.kind == PLAN_NODE_REGULAR) {
                P.passwd = pw.content;
                P.passwd_size = pw.size;
        }

        r = plan_hostname(&P);
        if (r >= 0)
                r = plan_users(&P);
        if (r >= 0)
                r = plan_core_keys(&P);
        for (size_t i = 0; r >= 0 && i < in->n_configs; i++)
                r = plan_write_files(&P, in->configs[i]);
        for (size_t i = 0; r >= 0 && i < in->n_configs; i++)
                r = plan_generated(&P, in->configs[i]);
        if (r >= 0)
                r = plan_environment(&P);
        for (size_t i = 0; r >= 0 && i < in->n_configs; i++)
                r = plan_units(&P, in->configs[i]);
        for (size_t i = 0; r >= 0 && i < in->n_configs; i++)
                r = plan_discovery(&P, in->configs[i]);
        if (r >= 0)
                r = plan_scripts(&P);
        if (r < 0)
                return r;

        *ret = plan;
        plan = (Plan) {};
        return 0;
}
