/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <strings.h>

#include "basic/escape.h"
#include "basic/site-config.h"
#include "basic/strv.h"
#include "basic/user-name.h"

void site_config_done(SiteConfig *c) {
        free(c->default_user);
        strv_free(c->default_user_groups);
        *c = (SiteConfig) SITE_CONFIG_INIT;
}

static int fail(unsigned line, unsigned *reterr_line, char **reterr_message, const char *fmt, ...) _printf_(4, 5);
static int fail(unsigned line, unsigned *reterr_line, char **reterr_message, const char *fmt, ...) {
        _cleanup_free_ char *m = NULL;
        va_list ap;

        va_start(ap, fmt);
        int r = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        *reterr_line = line;
        *reterr_message = TAKE_PTR(m);
        return -EINVAL;
}

static char *strip(char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
        *e = 0;
        return s;
}

static int parse_yes_no(const char *v) {
        static const char * const yes[] = { "yes", "true", "on", "1" }, * const no[] = { "no", "false", "off", "0" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(v, yes[i]) == 0)
                        return 1;
                if (strcasecmp(v, no[i]) == 0)
                        return 0;
        }
        return -EINVAL;
}

static int parse_groups(const char *v, char ***ret, const char **reterr_word) {
        _cleanup_free_ char *copy = strdup(v);
        char **l = NULL, *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
                if (!user_name_valid(w)) {
                        *reterr_word = v + (w - copy);
                        strv_free(l);
                        return -EINVAL;
                }
                if (strv_contains(l, w))
                        continue;
                if (strv_extend(&l, w) < 0) {
                        strv_free(l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

int site_config_parse(const char *text, size_t size, SiteConfig *c, unsigned *reterr_line, char **reterr_message) {
        _cleanup_free_ char *copy = NULL;
        bool in_default_user = false;
        unsigned line = 0;
        int r;

        if (memchr(text, 0, size))
                return fail(1, reterr_line, reterr_message, "contains a NUL byte");
        copy = strndup(text, size);
        if (!copy)
                return -ENOMEM;

        for (char *p = copy, *next; p; p = next) {
                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                line++;

                char *l = strip(p);
                if (!escape_is_clean(l, strlen(l)))
                        return fail(line, reterr_line, reterr_message,
                                    "control characters or invalid UTF-8");
                if (l[0] == 0 || l[0] == '#' || l[0] == ';')
                        continue;

                if (l[0] == '[') {
                        if (!streq(l, "[DefaultUser]"))
                                return fail(line, reterr_line, reterr_message,
                                            "unknown section %s (the one section is [DefaultUser])", l);
                        in_default_user = true;
                        continue;
                }

                char *eq = strchr(l, '=');
                if (!eq)
                        return fail(line, reterr_line, reterr_message, "expected KEY=VALUE or [Section], got \"%s\"", l);
                *eq = 0;
                char *key = strip(l), *value = strip(eq + 1);
                if (!in_default_user)
                        return fail(line, reterr_line, reterr_message, "%s= outside of a section", key);

                if (streq(key, "Name")) {
                        if (!user_name_valid(value))
                                return fail(line, reterr_line, reterr_message,
                                            "Name=%s is not a user name ([a-z_][a-z0-9_-]*, at most 32)", value);
                        char *n = strdup(value);
                        if (!n)
                                return -ENOMEM;
                        free(c->default_user);
                        c->default_user = n;
                } else if (streq(key, "Groups")) {
                        char **g = NULL;
                        const char *bad = NULL;
                        r = parse_groups(value, &g, &bad);
                        if (r == -EINVAL)
                                return fail(line, reterr_line, reterr_message, "Groups=: \"%.*s\" is not a group name",
                                            (int) strcspn(bad, " \t,"), bad);
                        if (r < 0)
                                return r;
                        strv_free(c->default_user_groups);
                        c->default_user_groups = g;
                        c->default_user_groups_set = true;
                } else if (streq(key, "Create")) {
                        r = parse_yes_no(value);
                        if (r < 0)
                                return fail(line, reterr_line, reterr_message, "Create=%s: want yes or no", value);
                        c->default_user_create = r;
                } else
                        return fail(line, reterr_line, reterr_message,
                                    "unknown key %s= in [DefaultUser] (Name=, Groups=, Create=)", key);
        }
        return 0;
}
