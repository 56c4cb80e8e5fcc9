/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/path-util.h"
#include "plan/plan-internal.h"

/* /etc/environment: the node's addresses from the metadata. */

/* coreos-cloudinit skipped the file when a write_files path "cleans to"
 * it (Go's path.Clean). */
static int written_by_user(Planner *P, bool *ret) {
        for (size_t c = 0; c < P->in->n_configs; c++)
                for (size_t i = 0; i < P->in->configs[c]->n_write_files; i++) {
                        const ConfigFile *f = P->in->configs[c]->write_files + i;
                        _cleanup_free_ char *p = NULL;
                        if (!f->path.set || f->self.error)
                                continue;
                        int r = path_normalize(f->path.str, &p);
                        if (r == -ENOMEM)
                                return r;
                        if (r >= 0 && streq(p, "/etc/environment")) {
                                *ret = true;
                                return 0;
                        }
                }
        *ret = false;
        return 0;
}

int plan_environment(Planner *P) {
        const char *values[_PLAN_ADDRESS_MAX] = {};
        bool any = false;
        int r;

        bool user = false;
        r = written_by_user(P, &user);
        if (r < 0 || user)
                return r;

        for (PlanAddress a = 0; a < _PLAN_ADDRESS_MAX; a++) {
                const char *v = P->in->addresses[a];
                if (isempty(v))
                        continue;
                if (!plan_address_valid(a, v)) {
                        r = planner_issue(P, false, "metadata", "%s is not an IP%s address; left out of /etc/environment",
                                          plan_address_env(a), a <= PLAN_PRIVATE_IPV4 ? "v4" : "v6");
                        if (r < 0)
                                return r;
                        continue;
                }
                values[a] = v;
                any = true;
        }
        if (!any)
                return 0;

        _cleanup_(plan_node_done) PlanNode old = {};
        r = planner_stat(P, "/etc/environment", true, &old);
        if (r < 0)
                return planner_issue(P, false, "metadata", "cannot read /etc/environment: %s; the addresses are not written",
                                     strerror(-r));

        char *text;
        size_t size;
        r = render_environment(old.kind == PLAN_NODE_REGULAR ? old.content : NULL,
                               old.kind == PLAN_NODE_REGULAR ? old.size : 0, values, &text, &size);
        if (r == -EINVAL) /* addresses are checked above: not reached */
                return planner_issue(P, false, "metadata",
                                     "an address cannot be written bare; /etc/environment not written");
        if (r < 0)
                return r;

        /* an existing file keeps its mode and owner */
        char owner[64];
        if (old.kind == PLAN_NODE_REGULAR)
                snprintf(owner, sizeof owner, "%u:%u", (unsigned) old.uid, (unsigned) old.gid);
        return planner_add_write(P, "/etc/environment", text, size, old.kind == PLAN_NODE_REGULAR ? old.mode : 0644,
                                 old.kind == PLAN_NODE_REGULAR && (old.uid || old.gid) ? owner : NULL, "metadata", false);
}
