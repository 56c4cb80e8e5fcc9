/* SPDX-License-Identifier: Apache-2.0 */
#include "passwd.h"

void passwd_entry_done(PasswdEntry *e) {
        free(e->name);
        free(e->home);
        *e = (PasswdEntry) {};
}

int parse_id(const char *s, size_t n, unsigned *ret) {
        unsigned long long v = 0;

        if (n == 0 || n > 10)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned) (s[i] - '0');
        }
        if (v >= 0xffffffffULL)
                return -EINVAL;
        *ret = (unsigned) v;
        return 0;
}

/* Splits the line at [p, end) into at most max ':'-separated fields. */
static size_t split_fields(const char *p, const char *end, const char **f, size_t *len, size_t max) {
        size_t n = 0;
        while (n < max) {
                const char *c = memchr(p, ':', (size_t) (end - p));
                const char *e = c ?: end;
                f[n] = p;
                len[n++] = (size_t) (e - p);
                if (!c)
                        break;
                p = c + 1;
        }
        return n;
}

/* The line of name (first field), if any. */
static const char *find_line(const char *text, size_t size, const char *name, const char **ret_end) {
        size_t nl = strlen(name);
        for (const char *p = text, *end = text + size; p < end;) {
                const char *e = memchr(p, '\n', (size_t) (end - p)) ?: end;
                if ((size_t) (e - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == ':') {
                        *ret_end = e;
                        return p;
                }
                p = e + 1;
        }
        return NULL;
}

int passwd_lookup(const char *text, size_t size, const char *name, PasswdEntry *ret) {
        const char *end, *line = text ? find_line(text, size, name, &end) : NULL;
        const char *f[7];
        size_t len[7];
        unsigned uid, gid;

        if (!line)
                return -ENOENT;
        if (split_fields(line, end, f, len, 7) < 7)
                return -EBADMSG;
        if (parse_id(f[2], len[2], &uid) < 0 || parse_id(f[3], len[3], &gid) < 0)
                return -EBADMSG;

        PasswdEntry e = { .uid = uid, .gid = gid };
        e.name = strndup(f[0], len[0]);
        e.home = strndup(f[5], len[5]);
        if (!e.name || !e.home) {
                passwd_entry_done(&e);
                return -ENOMEM;
        }
        *ret = e;
        return 0;
}

int group_lookup(const char *text, size_t size, const char *name, gid_t *ret) {
        const char *end, *line = text ? find_line(text, size, name, &end) : NULL;
        const char *f[4];
        size_t len[4];
        unsigned gid;

        if (!line)
                return -ENOENT;
        if (split_fields(line, end, f, len, 4) < 3 || parse_id(f[2], len[2], &gid) < 0)
                return -EBADMSG;
        *ret = gid;
        return 0;
}
