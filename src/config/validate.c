/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/buf.h"
#include "basic/path-util.h"
#include "config/validate.h"

static bool under_usr(const char *path) {
        /* path.Dir(path.Clean(p)) under /usr, without coreos-cloudinit's
         * plain-prefix false positive on /usrx */
        _cleanup_free_ char *dir = strdup(path);
        if (!dir)
                return false;
        char *slash = strrchr(dir, '/');
        if (!slash)
                return false;
        *slash = 0;
        /* collapse duplicate slashes so //usr/x counts too */
        char *w = dir;
        for (const char *p = dir; *p; p++)
                if (!(p[0] == '/' && p[1] == '/'))
                        *w++ = *p;
        *w = 0;
        return streq(dir, "/usr") || startswith(dir, "/usr/");
}

typedef struct PathEntry {
        char *path; /* normalised */
        size_t index;
} PathEntry;

static int path_entry_compare(const void *a, const void *b) {
        const PathEntry *x = a, *y = b;
        int c = strcmp(x->path, y->path);
        return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static unsigned long file_mode(const ConfigFile *f) {
        /* coreos-cloudinit writes 0644 when no permissions are given */
        if (!f->permissions.set || f->permissions.len == 0 || !field_check_passes(&check_permissions, f->permissions.str))
                return 0644;
        return strtoul(f->permissions.str, NULL, 8);
}

static const char *file_owner(const ConfigFile *f) {
        return f->owner.set && f->owner.len > 0 ? f->owner.str : "root";
}

/* "/etc/x" and "/etc//x" are one file: the batch failed to rename, and a
 * 0600 entry lost to a 0644 one without a word (issue 8). The later entry
 * is used, as it would have been written last; the planner drops the
 * earlier ones by the same path_normalize(). */
static int check_same_files(const ConfigCloudConfig *cc, DiagList *diags) {
        _cleanup_free_ PathEntry *e = new0(PathEntry, cc->n_write_files);
        size_t n = 0;
        int r = 0;

        if (!e && cc->n_write_files > 0)
                return -ENOMEM;
        for (size_t i = 0; i < cc->n_write_files; i++) {
                const ConfigFile *f = cc->write_files + i;
                if (!f->path.set || f->path.len == 0 || f->path.error)
                        continue;
                r = path_normalize(f->path.str, &e[n].path);
                if (r == -ENOMEM)
                        goto finish;
                if (r < 0)
                        continue;
                e[n++].index = i;
        }
        r = 0;
        qsort(e, n, sizeof *e, path_entry_compare);

        for (size_t i = 0; i + 1 < n; i++) {
                size_t last = i;
                while (last + 1 < n && streq(e[last + 1].path, e[i].path))
                        last++;
                const ConfigFile *w = cc->write_files + e[last].index;
                for (; i < last; i++) {
                        const ConfigFile *f = cc->write_files + e[i].index;
                        _cleanup_(buf_done) Buf b = {};
                        r = buf_printf(&b, "write_files[%zu] (%s) and write_files[%zu] (%s, line %u) are the same file; "
                                       "write_files[%zu] is used", e[i].index, f->path.str, e[last].index, w->path.str,
                                       w->path.line, e[last].index);
                        bool mode = file_mode(f) != file_mode(w), owner = !streq(file_owner(f), file_owner(w));
                        if (r >= 0 && (mode || owner))
                                r = buf_printf(&b, ", and write_files[%zu]'s", e[i].index);
                        if (r >= 0 && mode)
                                r = buf_printf(&b, " permissions %04lo", file_mode(f));
                        if (r >= 0 && mode && owner)
                                r = buf_puts(&b, " and");
                        if (r >= 0 && owner)
                                r = buf_printf(&b, " owner %s", file_owner(f));
                        if (r >= 0 && (mode || owner))
                                r = buf_puts(&b, owner && !mode ? " is not" : " are not");
                        if (r >= 0)
                                r = diag_add(diags, DIAG_WARNING, f->path.line, f->path.column, "%s", b.data);
                        if (r < 0)
                                goto finish;
                }
        }

finish:
        for (size_t i = 0; i < cc->n_write_files && e; i++)
                free(e[i].path);
        return r;
}

static int check_files(CloudConfig *c, DiagList *diags) {
        ConfigCloudConfig *cc = &c->cc;
        int r;

        for (size_t i = 0; i < cc->n_write_files; i++) {
                ConfigFile *f = cc->write_files + i;

                /* a refused path has its own error: it is not missing */
                if ((!f->path.set || f->path.len == 0) && !f->path.error) {
                        r = config_error(&c->doc.arena, diags, NULL, &f->self, f->self.line, f->self.column,
                                         "write_files[%zu] has no \"path\"", i);
                        if (r < 0)
                                return r;
                } else if (under_usr(f->path.str)) {
                        r = config_error(&c->doc.arena, diags, &f->path, &f->self, f->path.line, f->path.column,
                                         "file cannot be written to a read-only filesystem");
                        if (r < 0)
                                return r;
                }

                if (f->encoding.set && f->encoding.len > 0 && field_check_passes(&check_encoding, f->encoding.str)) {
                        _cleanup_free_ char *out = NULL;
                        size_t out_len;
                        Value *at = f->content.set ? &f->content : &f->encoding;
                        r = file_content_decode(f->encoding.str, f->content.str ?: "", f->content.len, &out, &out_len);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0) {
                                r = config_error(&c->doc.arena, diags, at, &f->self, at->line, at->column,
                                                 "content cannot be decoded as \"%s\"", f->encoding.str);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        return check_same_files(cc, diags);
}

static int check_units(CloudConfig *c, DiagList *diags) {
        ConfigCoreos *co = &c->cc.coreos;
        int r;

        for (size_t i = 0; i < co->n_units; i++) {
                ConfigUnit *u = co->units + i;

                if ((!u->name.set || u->name.len == 0) && !u->name.error) {
                        r = config_error(&c->doc.arena, diags, NULL, &u->self, u->self.line, u->self.column,
                                         "units[%zu] has no \"name\"", i);
                        if (r < 0)
                                return r;
                }
                for (size_t j = 0; j < u->n_drop_ins; j++) {
                        const ConfigDropIn *d = u->drop_ins + j;
                        if (d->name.set && d->name.len > 0 && d->content.set)
                                continue;
                        /* coreos-cloudinit skips these without a word */
                        r = diag_add(diags, DIAG_WARNING, d->self.line, d->self.column,
                                     "drop-in without both \"name\" and \"content\" is ignored");
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int check_users(CloudConfig *c, DiagList *diags) {
        for (size_t i = 0; i < c->cc.n_users; i++) {
                ConfigUser *u = c->cc.users + i;
                if ((u->name.set && u->name.len > 0) || u->name.error)
                        continue;
                int r = config_error(&c->doc.arena, diags, NULL, &u->self, u->self.line, u->self.column,
                                     "users[%zu] has no \"name\"", i);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cloud_config_check(CloudConfig *c, DiagList *diags) {
        int r;

        r = check_files(c, diags);
        if (r < 0)
                return r;
        r = check_units(c, diags);
        if (r < 0)
                return r;
        return check_users(c, diags);
}
