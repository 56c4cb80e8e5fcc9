/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/buf.h"
#include "basic/path-util.h"
#include "config/validate.h"
#include "plan/plan-internal.h"

/* The files the user asks for (write_files) and those generated from the
 * config: /etc/hostname, oem-release, update.conf, /etc/hosts, flannel's
 * options.env. */

/* Letters, digits and inner hyphens: a label hostnamed takes as it is. */
static bool hostname_is_ldh(const char *s) {
        size_t n = strlen(s);
        return n > 0 && s[0] != '-' && s[n - 1] != '-' &&
               strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* systemd's hostname_cleanup() for one label: other characters dropped,
 * no hyphen first or last. */
static void hostname_cleanup_ldh(char *s) {
        static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        char *d = s;
        for (const char *p = s; *p; p++)
                if (*p == '-' ? d > s : strchr(alnum, *p) != NULL)
                        *d++ = *p;
        while (d > s && d[-1] == '-')
                d--;
        *d = 0;
}

/* PRETTY_HOSTNAME in /etc/machine-info as hostnamed writes it: the line
 * replaced, other lines kept. name holds only [A-Za-z0-9_-] here, so it
 * needs no quoting. */
static int plan_pretty_hostname(Planner *P, const char *name, const char *origin) {
        _cleanup_(plan_node_done) PlanNode old = {};
        _cleanup_(buf_done) Buf b = {};
        int r;

        r = planner_stat(P, "/etc/machine-info", true, &old);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read /etc/machine-info: %s; pretty hostname not set",
                                     strerror(-r));
        for (const char *l = old.kind == PLAN_NODE_REGULAR && old.content ? old.content : ""; *l;) {
                size_t n = strcspn(l, "\n");
                if (!startswith(l, "PRETTY_HOSTNAME=") && (r = buf_append(&b, l, n)) >= 0)
                        r = buf_putc(&b, '\n');
                if (r < 0)
                        return r;
                l += n + (l[n] == '\n');
        }
        r = buf_printf(&b, "PRETTY_HOSTNAME=%s\n", name);
        if (r < 0)
                return r;
        size_t size;
        char *content = buf_steal(&b, &size);
        if (!content)
                return -ENOMEM;
        return planner_add_write(P, "/etc/machine-info", content, size, 0644, NULL, origin, false);
}

int plan_hostname(Planner *P) {
        const char *h = NULL, *origin = "hostname";
        int r;

        /* a marked user-data hostname is left out, and the metadata's
         * applies as if it had not been given */
        for (P->config = 0; P->config < P->in->n_configs && !h; P->config++) {
                const Value *v = &P->in->configs[P->config]->hostname;
                r = planner_skip_marked(P, v, "hostname");
                if (r < 0)
                        return r;
                if (r == 0 && v->set && v->len > 0)
                        h = v->str;
        }
        P->config = 0;
        bool overrides = h && !isempty(P->in->metadata_hostname) && !streq(h, P->in->metadata_hostname);
        if (!h && !isempty(P->in->metadata_hostname)) {
                h = P->in->metadata_hostname;
                origin = "metadata hostname";
        }
        if (!h)
                return 0;

        _cleanup_free_ char *name = NULL;
        r = hostname_normalize(h, &name);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                /* never echo a rejected value: it may hold anything */
                return planner_issue(P, false, origin, "not a host name; the hostname is left as it is");
        if (overrides) {
                /* as coreos-cloudinit's "Warning: user-data hostname (%s)
                 * overrides metadata hostname (%s)"; the metadata value is
                 * not echoed (it is not checked) */
                r = planner_issue(P, true, "hostname",
                                  "user-data hostname \"%s\" overrides the metadata hostname", name);
                if (r < 0)
                        return r;
        }

        /* coreos-cloudinit ran `hostnamectl set-hostname NAME`: a name that is
         * not a valid host name (coreos_001) becomes the pretty name in
         * /etc/machine-info, and its cleaned form (coreos001) the static one */
        if (!hostname_is_ldh(name)) {
                r = plan_pretty_hostname(P, name, origin);
                if (r < 0)
                        return r;
                hostname_cleanup_ldh(name);
                if (isempty(name))
                        return planner_issue(P, false, origin, "not a host name; the hostname is left as it is");
        }

        _cleanup_free_ char *content = NULL;
        if (asprintf(&content, "%s\n", name) < 0)
                return -ENOMEM;
        r = planner_add_write(P, "/etc/hostname", TAKE_PTR(content), strlen(name) + 1, 0644, NULL, origin, false);
        if (r < 0)
                return r;
        P->plan->hostname = TAKE_PTR(name);
        return 0;
}

static bool has_control(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f)
                        return true;
        return false;
}

/* "/etc/x/" and "/etc/x/." name a directory: no file can be written there. */
static bool names_directory(const char *path) {
        size_t n = strlen(path);
        return n > 0 && (path[n - 1] == '/' || (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/'));
}

/* Two entries for one file ("/etc/x" and "/etc//x"): the later is written
 * whole, so mode and owner never come from one entry and content from the
 * other; the warning says which entry wins and what the earlier asked for. */
static int warn_same_file(Planner *P, const ConfigFile *f, const char *item, const char *path, mode_t mode,
                          const char *owner) {
        const PlanFile *old = plan_find_file(P->plan, path);
        if (!old || !startswith(old->origin, "write_files["))
                return 0;

        _cleanup_free_ char *was = NULL;
        if (old->mode != mode && asprintf(&was, " (%s asked for %04o)", old->origin, (unsigned) old->mode) < 0)
                return -ENOMEM;
        return planner_issue_at(P, true, &f->self, item,
                                "%s is also written by %s; this later entry is written whole: its content, mode "
                                "%04o%s and owner %s",
                                path, old->origin, (unsigned) mode, strempty(was), owner ?: "root");
}

int plan_write_files(Planner *P, const ConfigCloudConfig *cc) {
        int r;

        for (size_t i = 0; i < cc->n_write_files; i++) {
                const ConfigFile *f = cc->write_files + i;
                _cleanup_free_ char *origin = NULL, *item = NULL, *path = NULL, *content = NULL;
                size_t size;
                mode_t mode;

                if (asprintf(&origin, "write_files[%zu]", i) < 0)
                        return -ENOMEM;
                r = planner_item_name(origin, &f->path, &item);
                if (r < 0)
                        return r;
                r = planner_skip_marked(P, &f->self, item);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;

                if (!f->path.set || !field_check_passes(&check_file_path, f->path.str)) {
                        r = planner_issue_at(P, false, f->path.set ? &f->path : &f->self, item,
                                             "no \"path\", or not an absolute path without \"..\"; file not written");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (names_directory(f->path.str)) {
                        r = planner_issue_at(P, false, &f->path, item,
                                             "the path names a directory, not a file; file not written");
                        if (r < 0)
                                return r;
                        continue;
                }
                r = path_normalize(f->path.str, &path);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        r = planner_issue_at(P, false, &f->path, item,
                                             "not an absolute path without \"..\"; file not written");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (parse_permissions(f->permissions.set ? f->permissions.str : NULL, &mode) < 0) {
                        r = planner_issue_at(P, false, &f->permissions, item,
                                             "permissions are not an octal mode such as \"0644\"; file not written");
                        if (r < 0)
                                return r;
                        continue;
                }
                const char *owner = f->owner.set && f->owner.len > 0 ? f->owner.str : NULL;
                if (owner && !field_check_passes(&check_owner, owner)) {
                        r = planner_issue_at(P, false, &f->owner, item,
                                             "owner is not user, user:group, uid or uid:gid; file not written");
                        if (r < 0)
                                return r;
                        continue;
                }
                r = file_content_decode(f->encoding.set ? f->encoding.str : NULL, f->content.set ? f->content.str : "",
                                        f->content.set ? f->content.len : 0, &content, &size);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        r = planner_issue_at(P, false, &f->content, item,
                                             "content cannot be decoded with its encoding; file not written");
                        if (r < 0)
                                return r;
                        continue;
                }
                r = warn_same_file(P, f, item, path, mode, owner);
                if (r < 0)
                        return r;
                /* a file the config itself keeps from other users is
                 * treated as a secret: its bytes are never shown */
                r = planner_add_write(P, path, TAKE_PTR(content), size, mode, owner, origin, !(mode & 0004));
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

        r = planner_skip_section(P, &schema_ConfigOem, &co->oem, "coreos.oem");
        if (r != 0)
                text = NULL;
        else
                r = render_oem_release(&co->oem, &text);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                r = planner_issue(P, false, "coreos.oem",
                                  "id or version_id holds a control character, a quote or backslash, or edge "
                                  "whitespace, which os-release readers take apart; %s not written",
                                  schema_ConfigOem.path);
        else if (text)
                r = planner_add_write(P, schema_ConfigOem.path, text, strlen(text), 0644, NULL, "coreos.oem", false);
        if (r < 0)
                return r;

        /* update's keys are items each: a marked one is left out of the file */
        r = planner_skip_section(P, &schema_ConfigUpdate, &co->update, "coreos.update");
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
                        return planner_issue(P, false, "coreos.update", "cannot read the current %s: %s; not written",
                                             schema_ConfigUpdate.path, strerror(-r));
        }
        text = NULL;
        r = render_update_conf(&co->update, planned ? planned->content : base.content,
                               planned ? planned->size : base.kind == PLAN_NODE_REGULAR ? base.size : 0, &text, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                const SchemaField *f = schema_find(&schema_ConfigUpdate, key, strlen(key));
                const Value *v = model_value_const(&co->update, f);
                /* a value with control characters is not echoed */
                if (has_control(v->str, v->len))
                        r = planner_issue_at(P, false, v, "coreos.update",
                                             "%s contains a control character; %s not written", key,
                                             schema_ConfigUpdate.path);
                else if (f->check && !field_check_passes(f->check, v->str))
                        r = planner_issue_at(P, false, v, "coreos.update",
                                             "invalid value \"%s\" for %s (valid: %s); %s not written", v->str, key,
                                             f->check->describe, schema_ConfigUpdate.path);
                else
                        r = planner_issue_at(P, false, v, "coreos.update",
                                             "%s cannot be written bare (it starts or ends with a space or tab, "
                                             "starts with a quote, or holds a backslash), and update_engine does not "
                                             "read quotes; %s not written",
                                             key, schema_ConfigUpdate.path);
        } else if (text)
                r = planner_add_write(P, schema_ConfigUpdate.path, text, strlen(text), 0644, NULL, "coreos.update", false);
        if (r < 0)
                return r;

        r = planner_skip_marked(P, &cc->manage_etc_hosts, "manage_etc_hosts");
        if (r < 0)
                return r;
        if (r == 0 && cc->manage_etc_hosts.set && cc->manage_etc_hosts.len > 0) {
                const char *h = P->plan->hostname ?: P->in->current_hostname;
                if (!streq(cc->manage_etc_hosts.str, "localhost"))
                        r = planner_issue_at(P, false, &cc->manage_etc_hosts, "manage_etc_hosts",
                                             "the only value is \"localhost\"; /etc/hosts not written");
                else if (isempty(h) || strpbrk(h, " \t\r\n"))
                        r = planner_issue_at(P, false, &cc->manage_etc_hosts, "manage_etc_hosts",
                                             "no hostname is set or known to put in it; /etc/hosts not written");
                else if (asprintf(&text, "127.0.0.1 %s\n", h) < 0)
                        return -ENOMEM;
                else
                        r = planner_add_write(P, "/etc/hosts", text, strlen(text), 0644, NULL, "manage_etc_hosts", false);
                if (r < 0)
                        return r;
        }

        text = NULL;
        r = planner_skip_section(P, &schema_ConfigFlannel, &co->flannel, "coreos.flannel");
        if (r == 0)
                r = render_env_lines(&schema_ConfigFlannel, &co->flannel, &text, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                r = planner_issue(P, false, "coreos.flannel",
                                  "\"%s\" contains a control character or invalid UTF-8, which an EnvironmentFile= "
                                  "cannot carry; %s not written",
                                  key, schema_ConfigFlannel.path);
        else if (r > 0)
                r = 0;
        else if (text)
                r = planner_add_write(P, schema_ConfigFlannel.path, text, strlen(text), 0644, NULL, "coreos.flannel",
                                      strstr(text, "_PASSWORD=") ? SECRET_YES : SECRET_NO);
        return r;
}
