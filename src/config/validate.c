/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/base64.h"
#include "basic/compress.h"
#include "config/validate.h"

/* Generous, but bounded: write_files content is held in memory. */
#define FILE_CONTENT_MAX (64U * 1024U * 1024U)

int file_content_decode(const char *encoding, const char *content, size_t len, char **ret, size_t *ret_len) {
        _cleanup_free_ char *b64 = NULL;
        size_t b64_len = 0;
        int r;

        if (isempty(encoding)) {
                char *c = strndup(content, len);
                if (!c)
                        return -ENOMEM;
                *ret = c;
                *ret_len = len;
                return 0;
        }

        bool base64 = streq(encoding, "base64") || streq(encoding, "b64") || endswith(encoding, "+base64") ||
                endswith(encoding, "+b64");
        bool gzip = startswith(encoding, "gz");
        if (!base64 && !gzip)
                return -EOPNOTSUPP;

        if (base64) {
                r = base64_decode(content, len, &b64, &b64_len);
                if (r < 0)
                        return r;
                content = b64;
                len = b64_len;
        }
        if (!gzip) {
                *ret = TAKE_PTR(b64);
                *ret_len = b64_len;
                return 0;
        }
        return gunzip_buffer(content, len, FILE_CONTENT_MAX, ret, ret_len);
}

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

static int check_files(const ConfigCloudConfig *cc, DiagList *diags) {
        int r;

        for (size_t i = 0; i < cc->n_write_files; i++) {
                const ConfigFile *f = cc->write_files + i;

                if (!f->path.set || f->path.len == 0) {
                        r = diag_add(diags, DIAG_ERROR, f->self.line, f->self.column,
                                     "write_files[%zu] has no \"path\"", i);
                        if (r < 0)
                                return r;
                } else if (under_usr(f->path.str)) {
                        r = diag_add(diags, DIAG_ERROR, f->path.line, f->path.column,
                                     "file cannot be written to a read-only filesystem");
                        if (r < 0)
                                return r;
                }

                if (f->encoding.set && f->encoding.len > 0 && field_check_passes(&check_encoding, f->encoding.str)) {
                        _cleanup_free_ char *out = NULL;
                        size_t out_len;
                        const Value *at = f->content.set ? &f->content : &f->encoding;
                        r = file_content_decode(f->encoding.str, f->content.str ?: "", f->content.len, &out, &out_len);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0) {
                                r = diag_add(diags, DIAG_ERROR, at->line, at->column,
                                             "content cannot be decoded as \"%s\"", f->encoding.str);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        return 0;
}

static int check_units(const ConfigCoreos *c, DiagList *diags) {
        int r;

        for (size_t i = 0; i < c->n_units; i++) {
                const ConfigUnit *u = c->units + i;

                if (!u->name.set || u->name.len == 0) {
                        r = diag_add(diags, DIAG_ERROR, u->self.line, u->self.column, "units[%zu] has no \"name\"", i);
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

static int check_users(const ConfigCloudConfig *cc, DiagList *diags) {
        for (size_t i = 0; i < cc->n_users; i++) {
                const ConfigUser *u = cc->users + i;
                if (u->name.set && u->name.len > 0)
                        continue;
                int r = diag_add(diags, DIAG_ERROR, u->self.line, u->self.column, "users[%zu] has no \"name\"", i);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cloud_config_check(const ConfigCloudConfig *cc, DiagList *diags) {
        int r;

        r = check_files(cc, diags);
        if (r < 0)
                return r;
        r = check_units(&cc->coreos, diags);
        if (r < 0)
                return r;
        return check_users(cc, diags);
}
