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
        if (r == 0)
                r = planner_add_dir(P, dir, 0700, owner, origin);
        if (r != 0)
                return r < 0 ? r : 0;

        if (P->in->reader && P->in->reader->list) {
                r = P->in->reader->list(P->in->reader->userdata, dir, &names);
                if (r < 0 && r != -ENOENT)
                        return planner_issue(P, false, origin, "cannot list %s: %s; SSH keys not installed", dir,
                                             strerror(-r));
        }

        if (strv_length(names) == 0) {
                _cleanup_(plan_node_done) PlanNode old = {};
                r = planner_stat(P, merged_path, true, &old);
                if (r < 0)
                        return planner_issue(P, false, origin, "cannot read %s: %s; SSH keys not installed", merged_path,
                                             strerror(-r));
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
                                return planner_issue(P, false, origin, "cannot read %s: %s; SSH keys not installed", path,
                                                     strerror(-r));
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

/* One entry, one key line: surrounding whitespace is trimmed (as
 * update-ssh-keys did); a control character left inside would start a
 * second line in authorized_keys (options, another key). 1: a key line,
 * 0: blank (ignored, as before), -EINVAL: not one line. */
static int key_line(const char *k) {
        const char *e = k + strlen(k);
        while (e > k && strchr(" \t\r\n", e[-1]))
                e--;
        k += strspn(k, " \t\r\n");
        if (k >= e)
                return 0;
        for (const char *c = k; c < e; c++)
                if (((unsigned char) *c < 0x20 && *c != '\t') || *c == 0x7f)
                        return -EINVAL;
        return 1;
}

/* Appends the keys of v that are one line each (not already there); the
 * others are reported under item and left out. */
static int add_keys(Planner *P, char ***keys, const char *const *list, size_t n, const char *item) {
        for (size_t i = 0; i < n; i++) {
                int r;
                r = key_line(list[i]);
                if (r == 0)
                        continue;
                if (r < 0) {
                        r = planner_issue(P, false, item,
                                          "SSH key %zu is not a single line (it holds a newline or control "
                                          "character); that key is not installed",
                                          i + 1);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (!strv_contains(*keys, list[i]) && (r = strv_extend(keys, list[i])) < 0)
                        return r;
        }
        return 0;
}

static int user_item(const ConfigUser *u, size_t i, char **ret) {
        char base[32];
        snprintf(base, sizeof base, "users[%zu]", i);
        return planner_item_name(base, &u->name, ret);
}

const char *planner_default_user(const Planner *P) {
        return P->in->default_user ?: PLAN_DEFAULT_USER;
}

int plan_users(Planner *P) {
        const char *default_user = planner_default_user(P);
        int r;

        for (P->config = 0; P->config < P->in->n_configs; P->config++) {
                const ConfigCloudConfig *cc = P->in->configs[P->config];

                for (size_t i = 0; i < cc->n_users; i++) {
                        const ConfigUser *u = cc->users + i;
                        _cleanup_free_ char *origin = NULL;

                        r = user_item(u, i, &origin);
                        if (r < 0)
                                return r;
                        r = planner_skip_marked(P, &u->self, origin);
                        if (r < 0)
                                return r;
                        if (r > 0)
                                continue;
                        if (!u->name.set || u->name.len == 0 || !field_check_passes(&check_user_name, u->name.str)) {
                                r = planner_issue(P, false, origin,
                                                  "no \"name\", or not a user name (lower case letters, digits, '_' "
                                                  "and '-'; at most 32); user not created");
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
                        PlanUser *planned = P->plan->users + P->plan->n_users - 1;
                        /* /etc/passwd and /etc/shadow are ':'- and line-separated:
                         * such a value would be structure, not data */
                        if (planned->gecos && strpbrk(planned->gecos, ":\n\r")) {
                                planned->gecos = mfree(planned->gecos);
                                r = planner_issue(P, false, planned->origin,
                                                  "gecos contains ':' or a newline, which /etc/passwd cannot hold; "
                                                  "it is left out");
                                if (r < 0)
                                        return r;
                        }
                        if (planned->passwd && (strpbrk(planned->passwd, ":\n\r") || key_line(planned->passwd) <= 0)) {
                                planned->passwd = mfree(planned->passwd);
                                r = planner_issue(P, false, planned->origin,
                                                  "passwd contains ':' or a control character, which /etc/shadow cannot "
                                                  "hold; the password is not set");
                                if (r < 0)
                                        return r;
                        }

                        /* the default user's keys are merged with the
                         * top-level ones below */
                        if (streq(planned->name, default_user) || !u->ssh_authorized_keys.set)
                                continue;
                        _cleanup_strv_free_ char **keys = NULL;
                        r = add_keys(P, &keys, u->ssh_authorized_keys.strv, u->ssh_authorized_keys.n_strv, planned->origin);
                        if (r >= 0 && keys)
                                r = plan_user_keys(P, planned->name, planned->homedir, keys, planned->origin);
                        if (r < 0)
                                return r;
                }
        }
        P->config = 0;
        return 0;
}

/* The groups among want that exist in the root's /etc/group; with
 * report, the missing ones are named in a warning. */
static int existing_groups(Planner *P, const char *const *want, bool report, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        for (const char *const *g = want; g && *g; g++) {
                gid_t gid;
                int r = group_lookup(P->group, P->group_size, *g, &gid);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0)
                        r = strv_extend(&l, *g);
                else if (report)
                        r = planner_issue(P, true, "default user",
                                          "group %s does not exist in the root's /etc/group; the user is created without it",
                                          *g);
                else
                        r = 0;
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* Creates the default user as cloud-init creates a distribution's default
 * user (its "default_user" in cloud.cfg): home directory, /bin/bash,
 * locked password, the administrative groups the root has, and
 * passwordless sudo. Returns 1 when planned, 0 when it exists or was
 * already planned by a users[] entry. */
static int plan_default_user_account(Planner *P, const char *name) {
        static const char *const admin_groups[] = { PLAN_DEFAULT_USER_GROUPS, NULL };
        _cleanup_(plan_user_done) PlanUser pu = { .create = true };
        _cleanup_free_ char *sudoers = NULL, *rule = NULL;
        int r;

        for (size_t i = 0; i < P->plan->n_users; i++)
                if (streq(P->plan->users[i].name, name))
                        return 0;
        PasswdEntry e = {};
        r = passwd_lookup(P->passwd, P->passwd_size, name, &e);
        passwd_entry_done(&e);
        if (r == -ENOMEM)
                return r;
        if (r >= 0)
                return 0;

        if (P->in->default_user_no_create)
                return -ESRCH;

        r = existing_groups(P, P->in->default_user_groups ?: admin_groups, !!P->in->default_user_groups, &pu.groups);
        if (r < 0)
                return r;
        pu.name = strdup(name);
        pu.shell = strdup("/bin/bash");
        pu.origin = strdup("default user");
        /* said, not left to useradd's defaults: the keys are planned there */
        r = home_of(P, name, NULL, &pu.homedir);
        if (r < 0)
                return r;
        if (!pu.name || !pu.shell || !pu.origin)
                return -ENOMEM;

        /* the user is created locked (useradd --password '*'): sudo must
         * not ask for a password it cannot have */
        if (asprintf(&sudoers, "/etc/sudoers.d/90-nodeinit-%s", name) < 0 ||
            asprintf(&rule, "%s ALL=(ALL) NOPASSWD:ALL\n", name) < 0)
                return -ENOMEM;
        size_t n = strlen(rule);
        r = planner_add_write(P, sudoers, TAKE_PTR(rule), n, 0440, NULL, "default user", SECRET_NO);
        if (r < 0)
                return r;

        PlanUser *u = realloc(P->plan->users, sizeof(PlanUser) * (P->plan->n_users + 1));
        if (!u)
                return -ENOMEM;
        P->plan->users = u;
        P->plan->users[P->plan->n_users++] = pu;
        pu = (PlanUser) {};
        return 1;
}

/* The default user (PlanInput.default_user, "core" unless the site says
 * otherwise) gets the union of every part's ssh_authorized_keys, the keys of
 * a users[] entry of that name and the metadata's keys, as one key set (in
 * coreos-cloudinit the top-level set replaced users[core]'s set, which had
 * the same name). */
int plan_default_user_keys(Planner *P) {
        const char *name = planner_default_user(P);
        _cleanup_strv_free_ char **keys = NULL;
        const char *homedir = NULL;
        int r;

        for (P->config = 0; P->config < P->in->n_configs; P->config++) {
                const ConfigCloudConfig *cc = P->in->configs[P->config];
                for (size_t i = 0; i < cc->n_users; i++) {
                        const ConfigUser *u = cc->users + i;
                        _cleanup_free_ char *item = NULL;
                        if (u->self.error || !u->name.set || !streq(u->name.str, name))
                                continue; /* a marked entry was reported by plan_users() */
                        r = user_item(u, i, &item);
                        if (r >= 0)
                                r = add_keys(P, &keys, u->ssh_authorized_keys.set ? u->ssh_authorized_keys.strv : NULL,
                                             u->ssh_authorized_keys.set ? u->ssh_authorized_keys.n_strv : 0, item);
                        if (r < 0)
                                return r;
                        if (u->homedir.set && u->homedir.len > 0)
                                homedir = u->homedir.str;
                }
                r = planner_skip_marked(P, &cc->ssh_authorized_keys, "ssh_authorized_keys");
                if (r == 0 && cc->ssh_authorized_keys.set)
                        r = add_keys(P, &keys, cc->ssh_authorized_keys.strv, cc->ssh_authorized_keys.n_strv,
                                     "ssh_authorized_keys");
                if (r < 0)
                        return r;
        }
        P->config = 0;
        size_t n_md = 0;
        for (const char *const *k = P->in->metadata_keys; k && *k; k++)
                n_md++;
        r = add_keys(P, &keys, P->in->metadata_keys, n_md, "metadata");
        if (r < 0)
                return r;

        if (strv_length(keys) == 0)
                return 0;

        r = plan_default_user_account(P, name);
        if (r == -ESRCH)
                return planner_issue(P, false, "ssh_authorized_keys",
                                     "the default user %s does not exist and the site configuration says not to "
                                     "create it; SSH keys not installed",
                                     name);
        if (r < 0)
                return r;
        return plan_user_keys(P, name, homedir, keys, "ssh_authorized_keys");
}
