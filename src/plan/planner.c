/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "basic/buf.h"
#include "basic/passwd.h"
#include "basic/strv.h"
#include "config/validate.h"
#include "plan/planner.h"

/* Turns cloud-config models and metadata into a Plan, in coreos-cloudinit's
 * order: hostname, users and their keys, core's keys, write_files, the
 * generated files, /etc/environment, units, discovery, scripts. A step that
 * cannot be planned becomes a PlanIssue and the others go on. */

typedef struct Planner {
        const PlanInput *in;
        Plan *plan;
        const char *unit_dir;
        const char *runtime_unit_dir;
        char *passwd;              /* the target's /etc/passwd, NULL if absent */
        size_t passwd_size;
} Planner;

void plan_node_done(PlanNode *n) {
        free(n->content);
        *n = (PlanNode) {};
}

static int node_get(Planner *P, const char *path, bool want_content, PlanNode *ret) {
        const PlanReader *rd = P->in->reader;

        *ret = (PlanNode) { .kind = PLAN_NODE_ABSENT };
        if (!rd || !rd->stat)
                return 0;
        return rd->stat(rd->userdata, path, want_content, ret);
}

static int issue(Planner *P, bool warning, const char *origin, const char *fmt, ...) _printf_(4, 5);
static int issue(Planner *P, bool warning, const char *origin, const char *fmt, ...) {
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

/* secret: SECRET_NO (but an existing private file still hides its old
 * bytes), SECRET_YES, SECRET_PUBLIC (public key material: always shown). */
enum { SECRET_PUBLIC = -1, SECRET_NO = 0, SECRET_YES = 1 };

/* Takes content (may be NULL for an empty file). */
static int add_write(Planner *P, const char *path, char *content, size_t size, mode_t mode, const char *owner,
                     const char *origin, int secret) {
        _cleanup_free_ char *c = content;
        _cleanup_(plan_node_done) PlanNode n = {};
        int r;

        r = node_get(P, path, true, &n);
        if (r < 0)
                return issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));

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

static int add_mask(Planner *P, const char *path, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = node_get(P, path, false, &n);
        if (r < 0)
                return issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));
        return add_simple(P, PLAN_FILE_MASK, path,
                          n.kind == PLAN_NODE_NULL ? PLAN_CHANGE_NONE :
                          n.kind == PLAN_NODE_ABSENT ? PLAN_CHANGE_CREATE : PLAN_CHANGE_UPDATE,
                          0, NULL, origin, &n);
}

/* Only a mask is removed (an empty file or a /dev/null link); a real unit
 * file there is left alone, so nothing is planned. Returns 1 if planned. */
static int add_unmask(Planner *P, const char *path, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = node_get(P, path, false, &n);
        if (r < 0)
                return issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));
        if (plan_find_file(P->plan, path))
                return 0; /* written or masked in this run */
        if (!(n.kind == PLAN_NODE_NULL || (n.kind == PLAN_NODE_REGULAR && n.size == 0)))
                return 0;
        r = add_simple(P, PLAN_FILE_UNMASK, path, PLAN_CHANGE_REMOVE, 0, NULL, origin, &n);
        return r < 0 ? r : 1;
}

static int add_dir(Planner *P, const char *path, mode_t mode, const char *owner, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = node_get(P, path, false, &n);
        if (r < 0)
                return issue(P, false, origin, "cannot read the current %s: %s", path, strerror(-r));
        if (n.kind != PLAN_NODE_ABSENT && n.kind != PLAN_NODE_DIRECTORY)
                return issue(P, false, origin, "%s exists and is not a directory", path);
        return add_simple(P, PLAN_FILE_DIR, path, n.kind == PLAN_NODE_DIRECTORY ? PLAN_CHANGE_NONE : PLAN_CHANGE_CREATE,
                          mode, owner, origin, &n);
}

static bool changed(const Plan *p, const char *path) {
        const PlanFile *f = plan_find_file(p, path);
        return f && f->change != PLAN_CHANGE_NONE;
}

/* ---- hostname ----------------------------------------------------------- */

static int plan_hostname(Planner *P) {
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
                r = issue(P, true, "hostname", "user-data hostname \"%s\" overrides the metadata hostname", h);
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
                return issue(P, false, origin, "not a host name; the hostname is left as it is");

        _cleanup_free_ char *content = NULL;
        if (asprintf(&content, "%s\n", name) < 0)
                return -ENOMEM;
        r = add_write(P, "/etc/hostname", TAKE_PTR(content), strlen(name) + 1, 0644, NULL, origin, false);
        if (r < 0)
                return r;
        P->plan->hostname = TAKE_PTR(name);
        return 0;
}

/* ---- users and keys ---------------------------------------------------- */

static int strdup_value(const Value *v, char **ret) {
        *ret = NULL;
        if (!v->set || v->len == 0)
                return 0;
        *ret = strndup(v->str, v->len);
        return *ret ? 0 : -ENOMEM;
}

static int home_of(Planner *P, const char *user, const char *homedir, char **ret) {
        _cleanup_(passwd_entry_done) PasswdEntry e = {};
        int r = passwd_lookup(P->passwd, P->passwd_size, user, &e);
        if (r == -ENOMEM)
                return r;
        if (r >= 0 && !isempty(e.home)) {
                *ret = TAKE_PTR(e.home);
                return 0;
        }
        if (!isempty(homedir))
                *ret = strdup(homedir);
        else if (asprintf(ret, "/home/%s", user) < 0)
                *ret = NULL;
        return *ret ? 0 : -ENOMEM;
}

static int keys_text(char * const *keys, char **ret, size_t *ret_size) {
        _cleanup_(buf_done) Buf b = {};
        int r;

        STRV_FOREACH(k, keys) {
                const char *s = *k;
                size_t n = strlen(s);
                while (n > 0 && strchr(" \t\r\n", *s)) {
                        s++;
                        n--;
                }
                while (n > 0 && strchr(" \t\r\n", s[n - 1]))
                        n--;
                if (n == 0)
                        continue;
                r = buf_append(&b, s, n);
                if (r >= 0)
                        r = buf_putc(&b, '\n');
                if (r < 0)
                        return r;
        }
        if (!b.data && buf_reserve(&b, 1) < 0)
                return -ENOMEM;
        *ret = buf_steal(&b, ret_size);
        return 0;
}

/* What update-ssh-keys -u USER -a NAME does: the key set goes to
 * ~/.ssh/authorized_keys.d/NAME and authorized_keys becomes the
 * concatenation of every file there, in name order. The first time, an
 * existing authorized_keys is kept as authorized_keys.d/orig_authorized_keys
 * so no key the image had is lost. */
static int plan_user_keys(Planner *P, const char *user, const char *homedir, char * const *keys, const char *origin) {
        _cleanup_free_ char *home = NULL, *ssh = NULL, *dir = NULL, *keyfile = NULL, *merged_path = NULL,
                *content = NULL;
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_(buf_done) Buf merged = {};
        const char *name = P->in->ssh_key_name ?: PLAN_SSH_KEY_NAME_DEFAULT;
        size_t size;
        int r;

        _cleanup_free_ char *owner = NULL;
        if (asprintf(&owner, "%s:", user) < 0) /* the user and its login group */
                return -ENOMEM;
        r = keys_text(keys, &content, &size);
        if (r < 0)
                return r;
        if (size == 0)
                return 0;

        r = home_of(P, user, homedir, &home);
        if (r < 0)
                return r;
        if (asprintf(&ssh, "%s/.ssh", streq(home, "/") ? "" : home) < 0 ||
            asprintf(&dir, "%s/authorized_keys.d", ssh) < 0 || asprintf(&keyfile, "%s/%s", dir, name) < 0 ||
            asprintf(&merged_path, "%s/authorized_keys", ssh) < 0)
                return -ENOMEM;

        r = add_dir(P, ssh, 0700, owner, origin);
        if (r < 0)
                return r;
        r = add_dir(P, dir, 0700, owner, origin);
        if (r < 0)
                return r;

        if (P->in->reader && P->in->reader->list) {
                r = P->in->reader->list(P->in->reader->userdata, dir, &names);
                if (r < 0 && r != -ENOENT)
                        return issue(P, false, origin, "cannot list %s: %s", dir, strerror(-r));
        }

        if (strv_length(names) == 0) {
                _cleanup_(plan_node_done) PlanNode old = {};
                r = node_get(P, merged_path, true, &old);
                if (r < 0)
                        return issue(P, false, origin, "cannot read %s: %s", merged_path, strerror(-r));
                if (old.kind == PLAN_NODE_REGULAR && old.size > 0 && !streq(name, "orig_authorized_keys")) {
                        _cleanup_free_ char *orig = NULL;
                        if (asprintf(&orig, "%s/orig_authorized_keys", dir) < 0)
                                return -ENOMEM;
                        r = add_write(P, orig, TAKE_PTR(old.content), old.size, 0600, owner, origin, SECRET_PUBLIC);
                        if (r < 0)
                                return r;
                        r = strv_extend(&names, "orig_authorized_keys");
                        if (r < 0)
                                return r;
                }
        }
        if (!strv_contains(names, name)) {
                r = strv_extend(&names, name);
                if (r < 0)
                        return r;
                /* keep name order */
                size_t n = strv_length(names);
                for (size_t i = n - 1; i > 0 && strcmp(names[i - 1], names[i]) > 0; i--) {
                        char *t = names[i];
                        names[i] = names[i - 1];
                        names[i - 1] = t;
                }
        }

        STRV_FOREACH(k, names) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", dir, *k) < 0)
                        return -ENOMEM;
                const PlanFile *pf = plan_find_file(P->plan, path);
                const char *text;
                size_t tn;
                _cleanup_(plan_node_done) PlanNode n = {};

                if (streq(*k, name)) {
                        text = content;
                        tn = size;
                } else if (pf) {
                        text = pf->content;
                        tn = pf->size;
                } else {
                        r = node_get(P, path, true, &n);
                        if (r < 0)
                                return issue(P, false, origin, "cannot read %s: %s", path, strerror(-r));
                        if (n.kind != PLAN_NODE_REGULAR)
                                continue;
                        text = n.content;
                        tn = n.size;
                }
                r = buf_append(&merged, text, tn);
                if (r >= 0 && tn > 0 && text[tn - 1] != '\n')
                        r = buf_putc(&merged, '\n');
                if (r < 0)
                        return r;
        }

        r = add_write(P, keyfile, TAKE_PTR(content), size, 0600, owner, origin, SECRET_PUBLIC);
        if (r < 0)
                return r;
        size_t msize;
        char *m = buf_steal(&merged, &msize);
        if (!m)
                return -ENOMEM;
        return add_write(P, merged_path, m, msize, 0600, owner, origin, SECRET_PUBLIC);
}

static int strv_from_value(const Value *v, char ***l) {
        for (size_t i = 0; v->set && i < v->n_strv; i++) {
                int r = strv_extend(l, v->strv[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_users(Planner *P) {
        int r;

        for (size_t c = 0; c < P->in->n_configs; c++) {
                const ConfigCloudConfig *cc = P->in->configs[c];

                for (size_t i = 0; i < cc->n_users; i++) {
                        const ConfigUser *u = cc->users + i;
                        _cleanup_free_ char *origin = NULL;

                        if (asprintf(&origin, "users[%zu]", i) < 0)
                                return -ENOMEM;
                        if (!u->name.set || u->name.len == 0 || !field_check_passes(&check_user_name, u->name.str)) {
                                r = issue(P, false, origin, "no valid \"name\"; user skipped");
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        if (u->coreos_ssh_import_github.set || u->coreos_ssh_import_github_users.set ||
                            u->coreos_ssh_import_url.set) {
                                r = issue(P, true, origin, "remote SSH key import is not supported; ignored");
                                if (r < 0)
                                        return r;
                        }

                        PasswdEntry e = {};
                        r = passwd_lookup(P->passwd, P->passwd_size, u->name.str, &e);
                        if (r == -ENOMEM)
                                return r;
                        passwd_entry_done(&e);

                        PlanUser pu = {
                                .create = r < 0,
                                .no_create_home = u->no_create_home.set && u->no_create_home.b,
                                .no_user_group = u->no_user_group.set && u->no_user_group.b,
                                .system = u->system.set && u->system.b,
                                .no_log_init = u->no_log_init.set && u->no_log_init.b,
                        };
                        PlanUser *n = realloc(P->plan->users, sizeof(PlanUser) * (P->plan->n_users + 1));
                        if (!n)
                                return -ENOMEM;
                        P->plan->users = n;
                        r = strdup_value(&u->name, &pu.name);
                        if (r >= 0)
                                r = strdup_value(&u->passwd, &pu.passwd);
                        if (r >= 0)
                                r = strdup_value(&u->gecos, &pu.gecos);
                        if (r >= 0)
                                r = strdup_value(&u->homedir, &pu.homedir);
                        if (r >= 0)
                                r = strdup_value(&u->primary_group, &pu.primary_group);
                        if (r >= 0)
                                r = strdup_value(&u->shell, &pu.shell);
                        if (r >= 0)
                                r = strv_from_value(&u->groups, &pu.groups);
                        pu.origin = TAKE_PTR(origin);
                        P->plan->users[P->plan->n_users++] = pu;
                        if (r < 0)
                                return r;
                        if (pu.gecos && strpbrk(pu.gecos, ":\n")) {
                                r = issue(P, false, pu.origin, "gecos must not contain ':' or a newline");
                                if (r < 0)
                                        return r;
                        }

                        /* core's keys are merged with the top-level ones below */
                        if (streq(pu.name, "core") || !u->ssh_authorized_keys.set)
                                continue;
                        _cleanup_strv_free_ char **keys = NULL;
                        r = strv_from_value(&u->ssh_authorized_keys, &keys);
                        if (r >= 0)
                                r = plan_user_keys(P, pu.name, pu.homedir, keys, pu.origin);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* core gets the union of every part's ssh_authorized_keys, the keys of a
 * users[] entry named core and the metadata's keys, as one key set (in
 * coreos-cloudinit the top-level set replaced users[core]'s set, which had
 * the same name). */
static int plan_core_keys(Planner *P) {
        _cleanup_strv_free_ char **keys = NULL;
        const char *homedir = NULL;
        int r;

        for (size_t c = 0; c < P->in->n_configs; c++) {
                const ConfigCloudConfig *cc = P->in->configs[c];
                for (size_t i = 0; i < cc->n_users; i++)
                        if (cc->users[i].name.set && streq(cc->users[i].name.str, "core")) {
                                r = strv_from_value(&cc->users[i].ssh_authorized_keys, &keys);
                                if (r < 0)
                                        return r;
                                if (cc->users[i].homedir.set && cc->users[i].homedir.len > 0)
                                        homedir = cc->users[i].homedir.str;
                        }
                r = strv_from_value(&cc->ssh_authorized_keys, &keys);
                if (r < 0)
                        return r;
        }
        for (const char *const *k = P->in->metadata_keys; k && *k; k++) {
                /* one key per line: a metadata value must not smuggle in
                 * a second line (options, another key) */
                if (strpbrk(*k, "\r\n") || strspn(*k, " \t") == strlen(*k)) {
                        r = issue(P, false, "metadata", "an SSH key from the metadata is not a single line; left out");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (!strv_contains(keys, *k) && (r = strv_extend(&keys, *k)) < 0)
                        return r;
        }

        if (strv_length(keys) == 0)
                return 0;
        return plan_user_keys(P, "core", homedir, keys, "ssh_authorized_keys");
}

/* ---- files -------------------------------------------------------------- */

static int plan_write_files(Planner *P, const ConfigCloudConfig *cc) {
        int r;

        for (size_t i = 0; i < cc->n_write_files; i++) {
                const ConfigFile *f = cc->write_files + i;
                _cleanup_free_ char *origin = NULL, *content = NULL;
                size_t size;
                mode_t mode;

                if (asprintf(&origin, "write_files[%zu]", i) < 0)
                        return -ENOMEM;
                if (!f->path.set || !field_check_passes(&check_file_path, f->path.str)) {
                        r = issue(P, false, origin, "no valid absolute \"path\"; file skipped");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (parse_permissions(f->permissions.set ? f->permissions.str : NULL, &mode) < 0) {
                        r = issue(P, false, origin, "%s: permissions \"%s\" are not octal; file skipped", f->path.str,
                                  f->permissions.str);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (f->owner.set && f->owner.len > 0 && !field_check_passes(&check_owner, f->owner.str)) {
                        r = issue(P, false, origin, "%s: invalid owner; file skipped", f->path.str);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = file_content_decode(f->encoding.set ? f->encoding.str : NULL, f->content.set ? f->content.str : "",
                                        f->content.set ? f->content.len : 0, &content, &size);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        r = issue(P, false, origin, "%s: content cannot be decoded; file skipped", f->path.str);
                        if (r < 0)
                                return r;
                        continue;
                }
                /* a file the config itself keeps from other users is
                 * treated as a secret: its bytes are never shown */
                r = add_write(P, f->path.str, TAKE_PTR(content), size, mode,
                              f->owner.set && f->owner.len > 0 ? f->owner.str : NULL, origin, !(mode & 0004));
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_generated(Planner *P, const ConfigCloudConfig *cc) {
        const ConfigCoreos *co = &cc->coreos;
        const char *key = NULL;
        char *text = NULL;
        int r;

        r = render_oem_release(&co->oem, &text);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                r = issue(P, false, "coreos.oem", "id or version_id contains a control character; not written");
        else if (text)
                r = add_write(P, "/etc/oem-release", text, strlen(text), 0644, NULL, "coreos.oem", false);
        if (r < 0)
                return r;

        /* base: what this run already plans, else the node's file, else the
         * image default, else nothing (coreos-cloudinit failed there) */
        _cleanup_(plan_node_done) PlanNode base = {};
        const PlanFile *planned = plan_find_file(P->plan, "/etc/coreos/update.conf");
        if (!planned) {
                r = node_get(P, "/etc/coreos/update.conf", true, &base);
                if (r >= 0 && base.kind != PLAN_NODE_REGULAR) {
                        plan_node_done(&base);
                        r = node_get(P, "/usr/share/coreos/update.conf", true, &base);
                }
                if (r < 0)
                        return issue(P, false, "coreos.update", "cannot read the current update.conf: %s", strerror(-r));
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
                        r = issue(P, false, "coreos.update", "%s contains a newline; update.conf not written", key);
                else
                        r = issue(P, false, "coreos.update",
                                  "invalid value \"%s\" for %s (valid: %s); update.conf not written", v->str, key,
                                  f->check ? f->check->describe : "no control characters");
        } else if (text)
                r = add_write(P, "/etc/coreos/update.conf", text, strlen(text), 0644, NULL, "coreos.update", false);
        if (r < 0)
                return r;

        if (cc->manage_etc_hosts.set && cc->manage_etc_hosts.len > 0) {
                const char *h = P->plan->hostname ?: P->in->current_hostname;
                if (!streq(cc->manage_etc_hosts.str, "localhost"))
                        r = issue(P, false, "manage_etc_hosts", "Invalid option to manage_etc_hosts (want \"localhost\")");
                else if (isempty(h) || strpbrk(h, " \t\r\n"))
                        r = issue(P, false, "manage_etc_hosts", "no valid current hostname; /etc/hosts not written");
                else if (asprintf(&text, "127.0.0.1 %s\n", h) < 0)
                        return -ENOMEM;
                else
                        r = add_write(P, "/etc/hosts", text, strlen(text), 0644, NULL, "manage_etc_hosts", false);
                if (r < 0)
                        return r;
        }

        text = NULL;
        r = render_env_lines(&schema_ConfigFlannel, &co->flannel, &text, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                r = issue(P, false, "coreos.flannel", "%s contains a newline or control character; options.env not written",
                          key);
        else if (text)
                r = add_write(P, "/run/flannel/options.env", text, strlen(text), 0644, NULL, "coreos.flannel",
                              strstr(text, "_PASSWORD=") ? SECRET_YES : SECRET_NO);
        return r;
}

static bool path_cleans_to(const char *p, const char *want) {
        /* path.Clean() for the cases that matter: duplicate slashes, "/./" */
        char buf[4096];
        size_t n = 0;
        for (const char *s = p; *s && n + 1 < sizeof buf; s++) {
                if (*s == '/' && n > 0 && buf[n - 1] == '/')
                        continue;
                if (*s == '.' && n > 0 && buf[n - 1] == '/' && (s[1] == '/' || s[1] == 0)) {
                        if (s[1] == '/')
                                s++;
                        continue;
                }
                buf[n++] = *s;
        }
        while (n > 1 && buf[n - 1] == '/')
                n--;
        buf[n] = 0;
        return streq(buf, want);
}

static int plan_environment(Planner *P) {
        const char *values[_PLAN_ADDRESS_MAX] = {};
        bool any = false;
        int r;

        for (size_t c = 0; c < P->in->n_configs; c++)
                for (size_t i = 0; i < P->in->configs[c]->n_write_files; i++) {
                        const Value *v = &P->in->configs[c]->write_files[i].path;
                        if (v->set && path_cleans_to(v->str, "/etc/environment"))
                                return 0; /* the user writes it */
                }

        for (PlanAddress a = 0; a < _PLAN_ADDRESS_MAX; a++) {
                const char *v = P->in->addresses[a];
                if (isempty(v))
                        continue;
                if (!plan_address_valid(a, v)) {
                        r = issue(P, false, "metadata", "%s is not an IP%s address; left out of /etc/environment",
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
        r = node_get(P, "/etc/environment", true, &old);
        if (r < 0)
                return issue(P, false, "/etc/environment", "cannot read it: %s", strerror(-r));

        char *text;
        size_t size;
        r = render_environment(old.kind == PLAN_NODE_REGULAR ? old.content : NULL,
                               old.kind == PLAN_NODE_REGULAR ? old.size : 0, values, &text, &size);
        if (r < 0)
                return r;

        /* an existing file keeps its mode and owner */
        char owner[64];
        if (old.kind == PLAN_NODE_REGULAR)
                snprintf(owner, sizeof owner, "%u:%u", (unsigned) old.uid, (unsigned) old.gid);
        return add_write(P, "/etc/environment", text, size, old.kind == PLAN_NODE_REGULAR ? old.mode : 0644,
                         old.kind == PLAN_NODE_REGULAR && (old.uid || old.gid) ? owner : NULL, "metadata", false);
}

/* ---- units -------------------------------------------------------------- */

static bool unit_is_network(const char *name) {
        return endswith(name, ".network") || endswith(name, ".netdev") || endswith(name, ".link");
}

static int unit_dir_for(Planner *P, const char *name, bool runtime, char **ret) {
        if (unit_is_network(name))
                return asprintf(ret, "%s/systemd/network", runtime ? "/run" : "/etc") < 0 ? -ENOMEM : 0;
        *ret = strdup(runtime ? P->runtime_unit_dir : P->unit_dir);
        return *ret ? 0 : -ENOMEM;
}

static int add_unit(Planner *P, PlanUnit *u) {
        PlanUnit *n = realloc(P->plan->units, sizeof(PlanUnit) * (P->plan->n_units + 1));
        if (!n) {
                plan_unit_done(u);
                return -ENOMEM;
        }
        P->plan->units = n;
        P->plan->units[P->plan->n_units++] = *u;
        *u = (PlanUnit) {};
        return 0;
}

static int plan_one_unit(Planner *P, const ConfigUnit *u, const char *origin) {
        _cleanup_free_ char *dir = NULL, *path = NULL;
        bool any_change = false;
        int r;

        if (!u->name.set || !field_check_passes(&check_unit_name, u->name.str))
                return issue(P, false, origin, "no valid unit \"name\"; unit skipped");
        const char *name = u->name.str;
        bool network = unit_is_network(name);
        bool runtime = u->runtime.set && u->runtime.b;

        if (network && P->in->user_units)
                return issue(P, false, origin, "%s: network units cannot be managed by a user manager", name);

        r = unit_dir_for(P, name, runtime, &dir);
        if (r < 0)
                return r;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;

        if (u->content.set && u->content.len > 0) {
                char *c = strndup(u->content.str, u->content.len);
                if (!c)
                        return -ENOMEM;
                r = add_write(P, path, c, u->content.len, 0644, NULL, origin, false);
                if (r < 0)
                        return r;
                any_change = any_change || changed(P->plan, path);
        }

        for (size_t j = 0; j < u->n_drop_ins; j++) {
                const ConfigDropIn *d = u->drop_ins + j;
                _cleanup_free_ char *dp = NULL;
                if (!d->name.set || d->name.len == 0 || !d->content.set || d->content.len == 0)
                        continue; /* as coreos-cloudinit: needs both */
                if (!field_check_passes(&check_dropin_name, d->name.str)) {
                        r = issue(P, false, origin, "%s: invalid drop-in name; drop-in skipped", name);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (asprintf(&dp, "%s/%s.d/%s", dir, name, d->name.str) < 0)
                        return -ENOMEM;
                char *c = strndup(d->content.str, d->content.len);
                if (!c)
                        return -ENOMEM;
                r = add_write(P, dp, c, d->content.len, 0644, NULL, origin, false);
                if (r < 0)
                        return r;
                any_change = any_change || changed(P->plan, dp);
        }

        bool mask = u->mask.set && u->mask.b, unmask = false;
        if (mask) {
                r = add_mask(P, path, origin);
                if (r < 0)
                        return r;
                any_change = any_change || changed(P->plan, path);
        } else if (runtime) {
                r = add_unmask(P, path, origin);
                if (r < 0)
                        return r;
                unmask = r > 0;
                any_change = any_change || unmask;
        }

        PlanUnit pu = {
                .runtime = runtime,
                .mask = mask,
                .unmask = unmask,
                .enable = u->enable.set && u->enable.b && !network,
                .command = u->command.set && u->command.len > 0 ? unit_command_from_string(u->command.str)
                                                                : _UNIT_COMMAND_INVALID,
                .changed = any_change,
                .network = network,
        };
        if (u->command.set && u->command.len > 0 && pu.command < 0)
                return issue(P, false, origin, "%s: unsupported command \"%s\"", name, u->command.str);
        pu.name = strdup(name);
        pu.path = TAKE_PTR(path);
        pu.origin = strdup(origin);
        if (!pu.name || !pu.origin) {
                plan_unit_done(&pu);
                return -ENOMEM;
        }
        return add_unit(P, &pu);
}

static int plan_service_dropin(Planner *P, const SchemaStruct *s, const void *section, const char *origin) {
        _cleanup_free_ char *text = NULL, *path = NULL, *unit_path = NULL;
        const char *key = NULL;
        bool secret = false;
        int r;

        r = render_dropin(s, section, &text, &secret, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return issue(P, false, origin, "value of \"%s\" contains a newline or control character; %s drop-in not written",
                             key, s->dropin_unit);

        if (asprintf(&unit_path, "%s/%s", P->runtime_unit_dir, s->dropin_unit) < 0 ||
            asprintf(&path, "%s/%s.d/20-cloudinit.conf", P->runtime_unit_dir, s->dropin_unit) < 0)
                return -ENOMEM;

        bool any_change = false, has_text = text != NULL;
        if (text) {
                size_t n = strlen(text);
                r = add_write(P, path, TAKE_PTR(text), n, 0644, NULL, origin, secret);
                if (r < 0)
                        return r;
                any_change = changed(P->plan, path);
        }
        /* coreos-cloudinit "ensures runtime unit file is unmasked" for these */
        r = add_unmask(P, unit_path, origin);
        if (r < 0)
                return r;
        if (!has_text && r == 0)
                return 0;

        PlanUnit pu = {
                .runtime = true,
                .unmask = r > 0,
                .command = _UNIT_COMMAND_INVALID,
                .changed = any_change || r > 0,
        };
        pu.name = strdup(s->dropin_unit);
        pu.path = TAKE_PTR(unit_path);
        pu.origin = strdup(origin);
        if (!pu.name || !pu.origin) {
                plan_unit_done(&pu);
                return -ENOMEM;
        }
        return add_unit(P, &pu);
}

static int plan_update_units(Planner *P, const ConfigUpdate *u) {
        int r;

        if (u->reboot_strategy.set && u->reboot_strategy.len > 0 &&
            field_check_passes(&check_reboot_strategy, u->reboot_strategy.str)) {
                bool off = streq(u->reboot_strategy.str, "off");
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/locksmithd.service", P->runtime_unit_dir) < 0)
                        return -ENOMEM;
                if (off) {
                        r = add_mask(P, path, "coreos.update");
                        if (r < 0)
                                return r;
                }
                PlanUnit pu = {
                        .runtime = true,
                        .mask = off,
                        .command = off ? UNIT_COMMAND_STOP : UNIT_COMMAND_RESTART,
                        .changed = off && changed(P->plan, path),
                };
                pu.name = strdup("locksmithd.service");
                pu.path = TAKE_PTR(path);
                pu.origin = strdup("coreos.update");
                if (!pu.name || !pu.origin) {
                        plan_unit_done(&pu);
                        return -ENOMEM;
                }
                r = add_unit(P, &pu);
                if (r < 0)
                        return r;
        }

        if ((u->group.set && u->group.len > 0) || (u->server.set && u->server.len > 0)) {
                PlanUnit pu = { .command = UNIT_COMMAND_RESTART };
                pu.name = strdup("update-engine.service");
                pu.origin = strdup("coreos.update");
                if (asprintf(&pu.path, "%s/update-engine.service", P->unit_dir) < 0)
                        pu.path = NULL;
                if (!pu.name || !pu.origin || !pu.path) {
                        plan_unit_done(&pu);
                        return -ENOMEM;
                }
                r = add_unit(P, &pu);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_units(Planner *P, const ConfigCloudConfig *cc) {
        const ConfigCoreos *co = &cc->coreos;
        int r;

        for (size_t i = 0; i < co->n_units; i++) {
                char origin[64];
                snprintf(origin, sizeof origin, "coreos.units[%zu]", i);
                r = plan_one_unit(P, co->units + i, origin);
                if (r < 0)
                        return r;
        }

        if (!P->in->user_units) {
                r = plan_service_dropin(P, &schema_ConfigEtcd, &co->etcd, "coreos.etcd");
                if (r >= 0)
                        r = plan_service_dropin(P, &schema_ConfigEtcd2, &co->etcd2, "coreos.etcd2");
                if (r >= 0)
                        r = plan_service_dropin(P, &schema_ConfigFleet, &co->fleet, "coreos.fleet");
                if (r >= 0)
                        r = plan_service_dropin(P, &schema_ConfigLocksmith, &co->locksmith, "coreos.locksmith");
                if (r >= 0)
                        r = plan_update_units(P, &co->update);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- discovery, scripts ------------------------------------------------- */

/* The member name and peer address etcd itself will use, so that the check
 * (v2) finds this node's member ID and the registration (0.4) announces what
 * the peers will dial. Values are already substituted ($private_ipv4, ...). */
static int add_discovery(Planner *P, DiscoveryKind kind, const Value *url, const Value *name, const Value *peer,
                         const Value *fallback) {
        PlanDiscovery *n = realloc(P->plan->discovery, sizeof(PlanDiscovery) * (P->plan->n_discovery + 1));
        if (!n)
                return -ENOMEM;
        P->plan->discovery = n;

        PlanDiscovery d = { .kind = kind };
        int r = strdup_value(url, &d.url);
        if (r >= 0)
                r = strdup_value(name, &d.name);
        if (r >= 0 && !d.name) {
                /* etcd 2.x/3.x without ETCD_NAME is called "default" (its
                 * --name default): that is the name it registers under.
                 * etcd 0.4 announces itself under its own name; ours is the
                 * node's entry, keyed by a stable per-machine identity — the
                 * instance id, else the hostname (CoreOS ran etcd 0.4 with
                 * ETCD_NAME=%m, the machine id, which the metadata lacks). */
                const char *fb = kind == DISCOVERY_ETCD2 ? "default" :
                                 P->in->instance_id ?: P->plan->hostname ?: P->in->current_hostname;
                if (fb && !(d.name = strdup(fb)))
                        r = -ENOMEM;
        }
        if (r >= 0 && peer)
                r = strdup_value(peer, &d.peer_addr);
        if (r >= 0 && fallback)
                r = strdup_value(fallback, &d.fallback);
        P->plan->discovery[P->plan->n_discovery++] = d;
        return r;
}

static int plan_discovery(Planner *P, const ConfigCloudConfig *cc) {
        const ConfigCoreos *co = &cc->coreos;
        int r = 0;

        if (co->etcd.discovery.set && co->etcd.discovery.len > 0)
                r = add_discovery(P, DISCOVERY_ETCD, &co->etcd.discovery, &co->etcd.name, &co->etcd.peer_addr, NULL);
        /* etcd2's member ID is derived from initial_advertise_peer_urls: the
         * check needs them to recognise this node among the registered */
        if (r >= 0 && co->etcd2.discovery.set && co->etcd2.discovery.len > 0)
                r = add_discovery(P, DISCOVERY_ETCD2, &co->etcd2.discovery, &co->etcd2.name,
                                  &co->etcd2.initial_advertise_peer_urls, &co->etcd2.discovery_fallback);
        return r;
}

/* Scripts are saved and started by the systemd stage (apply/systemd.c);
 * the plan only carries them. */
static int plan_scripts(Planner *P) {
        for (size_t i = 0; i < P->in->n_scripts; i++) {
                const PlanScriptInput *s = P->in->scripts + i;
                PlanScript ps = { .size = s->size };

                const char *line = s->content + 2, *end = s->content + s->size;
                const char *nl = memchr(line, '\n', (size_t) (end - line)) ?: end;
                while (line < nl && (*line == ' ' || *line == '\t'))
                        line++;
                size_t l = (size_t) (nl - line);
                while (l > 0 && strchr(" \t\r", line[l - 1]))
                        l--;
                ps.interpreter = strndup(line, l);
                ps.content = malloc(s->size + 1);
                ps.origin = strdup(s->origin ?: "user-data");
                if (ps.content) {
                        memcpy(ps.content, s->content, s->size);
                        ps.content[s->size] = 0;
                }
                PlanScript *n = realloc(P->plan->scripts, sizeof(PlanScript) * (P->plan->n_scripts + 1));
                if (n)
                        P->plan->scripts = n;
                if (!n || !ps.interpreter || !ps.content || !ps.origin) {
                        free(ps.interpreter);
                        free(ps.content);
                        free(ps.origin);
                        return -ENOMEM;
                }
                P->plan->scripts[P->plan->n_scripts++] = ps;
        }
        return 0;
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
        r = node_get(&P, "/etc/passwd", true, &pw);
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
