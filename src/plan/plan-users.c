/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/buf.h"
#include "basic/passwd.h"
#include "basic/strv.h"
#include "config/validate.h"
#include "plan/plan-internal.h"

/* users[] and SSH keys: the accounts to create and the authorized_keys
 * files update-ssh-keys would write. */

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

        r = planner_add_dir(P, ssh, 0700, owner, origin);
        if (r < 0)
                return r;
        r = planner_add_dir(P, dir, 0700, owner, origin);
        if (r < 0)
                return r;

        if (P->in->reader && P->in->reader->list) {
                r = P->in->reader->list(P->in->reader->userdata, dir, &names);
                if (r < 0 && r != -ENOENT)
                        return planner_issue(P, false, origin, "cannot list %s: %s", dir, strerror(-r));
        }

        if (strv_length(names) == 0) {
                _cleanup_(plan_node_done) PlanNode old = {};
                r = planner_stat(P, merged_path, true, &old);
                if (r < 0)
                        return planner_issue(P, false, origin, "cannot read %s: %s", merged_path, strerror(-r));
                if (old.kind == PLAN_NODE_REGULAR && old.size > 0 && !streq(name, "orig_authorized_keys")) {
                        _cleanup_free_ char *orig = NULL;
                        if (asprintf(&orig, "%s/orig_authorized_keys", dir) < 0)
                                return -ENOMEM;
                        r = planner_add_write(P, orig, TAKE_PTR(old.content), old.size, 0600, owner, origin, SECRET_PUBLIC);
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
                        r = planner_stat(P, path, true, &n);
                        if (r < 0)
                                return planner_issue(P, false, origin, "cannot read %s: %s", path, strerror(-r));
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

        r = planner_add_write(P, keyfile, TAKE_PTR(content), size, 0600, owner, origin, SECRET_PUBLIC);
        if (r < 0)
                return r;
        size_t msize;
        char *m = buf_steal(&merged, &msize);
        if (!m)
                return -ENOMEM;
        return planner_add_write(P, merged_path, m, msize, 0600, owner, origin, SECRET_PUBLIC);
}

static int strv_from_value(const Value *v, char ***l) {
        for (size_t i = 0; v->set && i < v->n_strv; i++) {
                int r = strv_extend(l, v->strv[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int plan_users(Planner *P) {
        int r;

        for (size_t c = 0; c < P->in->n_configs; c++) {
                const ConfigCloudConfig *cc = P->in->configs[c];

                for (size_t i = 0; i < cc->n_users; i++) {
                        const ConfigUser *u = cc->users + i;
                        _cleanup_free_ char *origin = NULL;

                        if (asprintf(&origin, "users[%zu]", i) < 0)
                                return -ENOMEM;
                        if (!u->name.set || u->name.len == 0 || !field_check_passes(&check_user_name, u->name.str)) {
                                r = planner_issue(P, false, origin, "no valid \"name\"; user skipped");
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        if (u->coreos_ssh_import_github.set || u->coreos_ssh_import_github_users.set ||
                            u->coreos_ssh_import_url.set) {
                                r = planner_issue(P, true, origin, "remote SSH key import is not supported; ignored");
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
                        r = planner_strdup_value(&u->name, &pu.name);
                        if (r >= 0)
                                r = planner_strdup_value(&u->passwd, &pu.passwd);
                        if (r >= 0)
                                r = planner_strdup_value(&u->gecos, &pu.gecos);
                        if (r >= 0)
                                r = planner_strdup_value(&u->homedir, &pu.homedir);
                        if (r >= 0)
                                r = planner_strdup_value(&u->primary_group, &pu.primary_group);
                        if (r >= 0)
                                r = planner_strdup_value(&u->shell, &pu.shell);
                        if (r >= 0)
                                r = strv_from_value(&u->groups, &pu.groups);
                        pu.origin = TAKE_PTR(origin);
                        P->plan->users[P->plan->n_users++] = pu;
                        if (r < 0)
                                return r;
                        if (pu.gecos && strpbrk(pu.gecos, ":\n")) {
                                r = planner_issue(P, false, pu.origin, "gecos must not contain ':' or a newline");
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
int plan_core_keys(Planner *P) {
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
                        r = planner_issue(P, false, "metadata", "an SSH key from the metadata is not a single line; left out");
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
