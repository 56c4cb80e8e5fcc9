/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/buf.h"
#include "config/validate.h"
#include "plan/plan-internal.h"

/* The files the user asks for (write_files) and those generated from the
 * config: /etc/hostname, oem-release, update.conf, /etc/hosts, flannel's
 * options.env. */

int plan_hostname(Planner *P) {
        const char *h = NULL, *origin = "hostname";
        int r;

        for (size_t i = 0; i < P->in->n_configs && !h; i++) {
                const Value *v = &P->in->configs[i]->hostname;
                if (v->set && v->len > 0)
                        h = v->str;
        }
        if (!h && !isempty(P->in->metadata_hostname)) {
                h = P->in->metadata_hostname;
                origin = "metadata hostname";
        } else if (h && !isempty(P->in->metadata_hostname) && !streq(h, P->in->metadata_hostname)) {
                /* as coreos-cloudinit's "Warning: user-data hostname (%s)
                 * overrides metadata hostname (%s)"; the metadata value is
                 * not echoed (it is not checked yet) */
                r = planner_issue(P, true, "hostname", "user-data hostname \"%s\" overrides the metadata hostname", h);
                if (r < 0)
                        return r;
        }
        if (!h)
                return 0;

        _cleanup_free_ char *name = NULL;
        r = hostname_normalize(h, &name);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                /* never echo a rejected metadata value: it may hold anything */
                return planner_issue(P, false, origin, "not a host name; the hostname is left as it is");

        _cleanup_free_ char *content = NULL;
        if (asprintf(&content, "%s\n", name) < 0)
                return -ENOMEM;
        r = planner_add_write(P, "/etc/hostname", TAKE_PTR(content), strlen(name) + 1, 0644, NULL, origin, false);
        if (r < 0)
                return r;
        P->plan->hostname = TAKE_PTR(name);
        return 0;
}

int plan_write_files(Planner *P, const ConfigCloudConfig *cc) {
        int r;

        for (size_t i = 0; i < cc->n_write_files; i++) {
                const ConfigFile *f = cc->write_files + i;
                _cleanup_free_ char *origin = NULL, *content = NULL;
                size_t size;
                mode_t mode;

                if (asprintf(&origin, "write_files[%zu]", i) < 0)
                        return -ENOMEM;
                if (!f->path.set || !field_check_passes(&check_file_path, f->path.str)) {
                        r = planner_issue(P, false, origin, "no valid absolute \"path\"; file skipped");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (parse_permissions(f->permissions.set ? f->permissions.str : NULL, &mode) < 0) {
                        r = planner_issue(P, false, origin, "%s: permissions \"%s\" are not octal; file skipped", f->path.str,
                                          f->permissions.str);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (f->owner.set && f->owner.len > 0 && !field_check_passes(&check_owner, f->owner.str)) {
                        r = planner_issue(P, false, origin, "%s: invalid owner; file skipped", f->path.str);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = file_content_decode(f->encoding.set ? f->encoding.str : NULL, f->content.set ? f->content.str : "",
                                        f->content.set ? f->content.len : 0, &content, &size);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        r = planner_issue(P, false, origin, "%s: content cannot be decoded; file skipped", f->path.str);
                        if (r < 0)
                                return r;
                        continue;
                }
                /* a file the config itself keeps from other users is
                 * treated as a secret: its bytes are never shown */
                r = planner_add_write(P, f->path.str, TAKE_PTR(content), size, mode,
                                      f->owner.set && f->owner.len > 0 ? f->owner.str : NULL, origin, !(mode & 0004));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* In coreos-cloudinit's write order: oem-release, update.conf, /etc/hosts,
 * options.env; the paths are the schema's. */
int plan_generated(Planner *P, const ConfigCloudConfig *cc) {
        const ConfigCoreos *co = &cc->coreos;
        const char *key = NULL;
        char *text = NULL;
        int r;

        r = render_oem_release(&co->oem, &text);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                r = planner_issue(P, false, "coreos.oem", "id or version_id contains a control character; not written");
        else if (text)
                r = planner_add_write(P, schema_ConfigOem.path, text, strlen(text), 0644, NULL, "coreos.oem", false);
        if (r < 0)
                return r;

        /* base: what this run already plans, else the node's file, else the
         * image default, else nothing (coreos-cloudinit failed there) */
        _cleanup_(plan_node_done) PlanNode base = {};
        const PlanFile *planned = plan_find_file(P->plan, schema_ConfigUpdate.path);
        if (!planned) {
                r = planner_stat(P, schema_ConfigUpdate.path, true, &base);
                if (r >= 0 && base.kind != PLAN_NODE_REGULAR) {
                        plan_node_done(&base);
                        r = planner_stat(P, "/usr/share/coreos/update.conf", true, &base);
                }
                if (r < 0)
                        return planner_issue(P, false, "coreos.update", "cannot read the current update.conf: %s", strerror(-r));
        }
        text = NULL;
        r = render_update_conf(&co->update, planned ? planned->content : base.content,
                               planned ? planned->size : base.kind == PLAN_NODE_REGULAR ? base.size : 0, &text, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                const SchemaField *f = schema_find(&schema_ConfigUpdate, key, strlen(key));
                const Value *v = model_value_const(&co->update, f);
                if (strpbrk(v->str, "\n\r"))
                        r = planner_issue(P, false, "coreos.update", "%s contains a newline; update.conf not written", key);
                else
                        r = planner_issue(P, false, "coreos.update",
                                          "invalid value \"%s\" for %s (valid: %s); update.conf not written", v->str, key,
                                          f->check ? f->check->describe : "no control characters");
        } else if (text)
                r = planner_add_write(P, schema_ConfigUpdate.path, text, strlen(text), 0644, NULL, "coreos.update", false);
        if (r < 0)
                return r;

        if (cc->manage_etc_hosts.set && cc->manage_etc_hosts.len > 0) {
                const char *h = P->plan->hostname ?: P->in->current_hostname;
                if (!streq(cc->manage_etc_hosts.str, "localhost"))
                        r = planner_issue(P, false, "manage_etc_hosts", "Invalid option to manage_etc_hosts (want \"localhost\")");
                else if (isempty(h) || strpbrk(h, " \t\r\n"))
                        r = planner_issue(P, false, "manage_etc_hosts", "no valid current hostname; /etc/hosts not written");
                else if (asprintf(&text, "127.0.0.1 %s\n", h) < 0)
                        return -ENOMEM;
                else
                        r = planner_add_write(P, "/etc/hosts", text, strlen(text), 0644, NULL, "manage_etc_hosts", false);
                if (r < 0)
                        return r;
        }

        text = NULL;
        r = render_env_lines(&schema_ConfigFlannel, &co->flannel, &text, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                r = planner_issue(P, false, "coreos.flannel", "%s contains a newline or control character; options.env not written",
                                  key);
        else if (text)
                r = planner_add_write(P, schema_ConfigFlannel.path, text, strlen(text), 0644, NULL, "coreos.flannel",
                                      strstr(text, "_PASSWORD=") ? SECRET_YES : SECRET_NO);
        return r;
}
