/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>

#include "basic/buf.h"
#include "basic/coreos-env.h"
#include "basic/utf8.h"
#include "plan/planner.h"

/* Renderers for the files coreos-cloudinit generates. Each is a pure
 * function of the model (and, for merges, the current text); byte layout is
 * coreos-cloudinit's (docs/coreos-cloudinit.md §4) except where a fix is
 * documented. */

static const char * const plan_address_env_table[_PLAN_ADDRESS_MAX] = {
        [PLAN_PUBLIC_IPV4] = COREOS_ENV_PUBLIC_IPV4,
        [PLAN_PRIVATE_IPV4] = COREOS_ENV_PRIVATE_IPV4,
        [PLAN_PUBLIC_IPV6] = COREOS_ENV_PUBLIC_IPV6,
        [PLAN_PRIVATE_IPV6] = COREOS_ENV_PRIVATE_IPV6,
};

const char *plan_address_env(PlanAddress a) {
        if ((int) a < 0 || a >= _PLAN_ADDRESS_MAX)
                return NULL;
        return plan_address_env_table[a];
}

bool plan_address_valid(PlanAddress a, const char *value) {
        unsigned char buf[sizeof(struct in6_addr)];

        if (isempty(value))
                return false;
        switch (a) {
        case PLAN_PUBLIC_IPV4:
        case PLAN_PRIVATE_IPV4:
                return inet_pton(AF_INET, value, buf) == 1;
        case PLAN_PUBLIC_IPV6:
        case PLAN_PRIVATE_IPV6:
                return inet_pton(AF_INET6, value, buf) == 1;
        default:
                return false;
        }
}

static bool has_bad_control(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (((unsigned char) s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
                        return true;
        return false;
}

/* systemd drops an assignment whose value is not UTF-8 (env_value_is_valid()
 * for Environment=, check_utf8ness_and_warn() for EnvironmentFile=), and no
 * control character but tab survives every reader of these files. */
static bool env_value_acceptable(const char *s) {
        size_t n = strlen(s);
        return !has_bad_control(s, n) && utf8_invalid_offset(s, n) == n;
}

/* A value systemd's env-file parser (parse_env_file_internal()) reads back
 * as is when written bare: it strips leading and trailing whitespace, starts
 * a quoted string at a leading quote and takes a backslash as an escape
 * (a trailing one joins the next line); everything else is literal. */
static bool env_file_value_plain(const char *v) {
        size_t n = strlen(v);
        return n > 0 && !strchr(" \t'\"", v[0]) && !strchr(" \t", v[n - 1]) && !strchr(v, '\\');
}

/* The specifiers systemd 252 resolves in unit settings (systemd.unit(5),
 * "Specifiers"). */
#define UNIT_SPECIFIERS "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY"

int unit_env_quote(const char *value, char **ret) {
        _cleanup_(buf_done) Buf b = {};
        int r = 0;

        if (!env_value_acceptable(value))
                return -EINVAL;

        for (const char *p = value; *p && r >= 0; p++)
                switch (*p) {
                case '"':
                case '\\':
                        r = buf_putc(&b, '\\');
                        if (r >= 0)
                                r = buf_putc(&b, *p);
                        break;
                case '%':
                        /* A systemd specifier (%H, %m, ...) or an escaped %% is
                         * kept: coreos-cloudinit wrote '%' as is, and published
                         * configs rely on systemd expanding them (etcd2 name:
                         * '%H'). Any other '%' is one systemd would refuse, the
                         * whole setting with it: write it as a literal %%. */
                        if (p[1] == '%' || (p[1] && strchr(UNIT_SPECIFIERS, p[1]))) {
                                r = buf_putc(&b, '%');
                                if (r >= 0)
                                        r = buf_putc(&b, *++p);
                        } else
                                r = buf_puts(&b, "%%");
                        break;
                default:
                        r = buf_putc(&b, *p);
                }
        if (r < 0)
                return r;
        if (!b.data && buf_reserve(&b, 1) < 0)
                return -ENOMEM;
        *ret = buf_steal(&b, NULL);
        return 0;
}

static bool field_is_scalar(const SchemaField *f) {
        return f->type == FIELD_STRING || f->type == FIELD_INT || f->type == FIELD_FLOAT || f->type == FIELD_BOOL;
}

/* The set, non-empty, unmarked scalar fields of a section that have an
 * environment name, formatted as coreos-cloudinit's %v. An explicitly given false or 0
 * counts (coreos-cloudinit dropped them); an empty string does not (it
 * would override the unit's own default with nothing). */
static const char *field_text(const void *section, const SchemaField *f, char *buf, size_t size) {
        if (!f->env || !field_is_scalar(f))
                return NULL;
        const Value *v = model_value_const(section, f);
        if (!v->set || v->error) /* a marked key is left out (isolation) */
                return NULL;
        if (f->type == FIELD_STRING && v->len == 0)
                return NULL;
        return value_format(v, f->type, buf, size);
}

int env_file_quote(const char *value, char **ret) {
        _cleanup_(buf_done) Buf b = {};
        int r;

        if (!env_value_acceptable(value))
                return -EINVAL;
        if (env_file_value_plain(value)) {
                /* bare, as coreos-cloudinit wrote every value */
                *ret = strdup(value);
                return *ret ? 0 : -ENOMEM;
        }
        /* in double quotes the parser unescapes exactly these four and keeps
         * any other byte, whitespace included */
        r = buf_putc(&b, '"');
        for (const char *p = value; *p && r >= 0; p++) {
                if (strchr("\"\\`$", *p))
                        r = buf_putc(&b, '\\');
                if (r >= 0)
                        r = buf_putc(&b, *p);
        }
        if (r >= 0)
                r = buf_putc(&b, '"');
        if (r < 0)
                return r;
        *ret = buf_steal(&b, NULL);
        return 0;
}

/* The set, unmarked fields of a section as KEY=value lines, each value put
 * through quote: head, then "<open>KEY=value<close>" lines joined by sep.
 * NULL when nothing is set; -EINVAL names the field quote refused. */
static int render_lines(const SchemaStruct *s, const void *section, int (*quote)(const char *, char **),
                        const char *head, const char *open, const char *close, const char *sep, char **ret,
                        bool *ret_secret, const char **reterr_key) {
        _cleanup_(buf_done) Buf b = {};
        bool secret = false;
        int r;

        for (size_t i = 0; i < s->n_fields; i++) {
                const SchemaField *f = s->fields + i;
                char num[64];
                const char *text = field_text(section, f, num, sizeof num);
                if (!text)
                        continue;

                _cleanup_free_ char *q = NULL;
                r = quote(text, &q);
                if (r == -EINVAL) {
                        *reterr_key = f->key;
                        return r;
                }
                if (r < 0)
                        return r;

                r = buf_printf(&b, "%s%s%s=%s%s", b.len == 0 ? head : sep, open, f->env, q, close);
                if (r < 0)
                        return r;
                secret = secret || strstr(f->key, "password");
        }

        *ret = b.len > 0 ? buf_steal(&b, NULL) : NULL;
        if (ret_secret)
                *ret_secret = secret;
        return 0;
}

int render_dropin(const SchemaStruct *s, const void *section, char **ret, bool *ret_secret,
                  const char **reterr_key) {
        return render_lines(s, section, unit_env_quote, "[Service]\n", "Environment=\"", "\"\n", "", ret,
                            ret_secret, reterr_key);
}

int render_env_lines(const SchemaStruct *s, const void *section, char **ret, const char **reterr_key) {
        /* no trailing newline, as coreos-cloudinit wrote options.env */
        return render_lines(s, section, env_file_quote, "", "", "", "\n", ret, NULL, reterr_key);
}

int render_update_conf(const ConfigUpdate *u, const char *base, size_t base_size, char **ret,
                       const char **reterr_key) {
        const SchemaStruct *s = &schema_ConfigUpdate;
        const char *subs[8] = {}, *envs[8] = {};
        size_t n = 0;
        _cleanup_(buf_done) Buf b = {};
        int r;

        for (size_t i = 0; i < s->n_fields && n < ELEMENTSOF(subs); i++) {
                const SchemaField *f = s->fields + i;
                const Value *v = model_value_const(u, f);
                if (!v->set || v->len == 0 || v->error)
                        continue;
                /* update_engine reads the file with a plain KEY=VALUE split
                 * and locksmithd.service with EnvironmentFile=: only a bare
                 * value both read the same way can be written */
                if ((f->check && !field_check_passes(f->check, v->str)) || has_bad_control(v->str, v->len) ||
                    strlen(v->str) != v->len || !env_file_value_plain(v->str)) {
                        *reterr_key = f->key;
                        return -EINVAL;
                }
                subs[n] = v->str;
                envs[n++] = f->env;
        }
        if (n == 0) {
                *ret = NULL;
                return 0;
        }

        bool done[8] = {};
        const char *p = base ?: "", *end = p + (base ? base_size : 0);
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
                /* bufio.ScanLines drops a '\r' before the newline */
                size_t l = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
                bool replaced = false;

                for (size_t i = 0; i < n && !replaced; i++) {
                        size_t kl = strlen(envs[i]);
                        /* KEY= exactly: coreos-cloudinit's plain prefix match
                         * also clobbered GROUPX=... lines */
                        if (done[i] || l <= kl || memcmp(p, envs[i], kl) != 0 || p[kl] != '=')
                                continue;
                        r = buf_printf(&b, "%s=%s\n", envs[i], subs[i]);
                        if (r < 0)
                                return r;
                        done[i] = replaced = true;
                }
                if (!replaced) {
                        r = buf_append(&b, p, l);
                        if (r >= 0)
                                r = buf_putc(&b, '\n');
                        if (r < 0)
                                return r;
                }
                p += len + (nl ? 1 : 0);
        }

        /* the rest, sorted by name (GROUP, REBOOT_STRATEGY, SERVER) */
        for (;;) {
                ssize_t best = -1;
                for (size_t i = 0; i < n; i++)
                        if (!done[i] && (best < 0 || strcmp(envs[i], envs[best]) < 0))
                                best = (ssize_t) i;
                if (best < 0)
                        break;
                r = buf_printf(&b, "%s=%s\n", envs[best], subs[best]);
                if (r < 0)
                        return r;
                done[best] = true;
        }

        *ret = buf_steal(&b, NULL);
        return *ret ? 0 : -ENOMEM;
}

int go_quote(const char *s, char **ret) {
        _cleanup_(buf_done) Buf b = {};
        size_t n = strlen(s);
        int r = buf_putc(&b, '"');

        for (size_t i = 0; i < n && r >= 0;) {
                unsigned char c = (unsigned char) s[i];
                if (c >= 0x80) {
                        /* keep valid UTF-8 sequences, escape stray bytes */
                        size_t l = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
                        if (l > 1 && i + l <= n && utf8_invalid_offset(s + i, l) == l) {
                                r = buf_append(&b, s + i, l);
                                i += l;
                        } else {
                                r = buf_printf(&b, "\\x%02x", c);
                                i++;
                        }
                        continue;
                }
                switch (c) {
                case '"':  r = buf_puts(&b, "\\\""); break;
                case '\\': r = buf_puts(&b, "\\\\"); break;
                case '\a': r = buf_puts(&b, "\\a"); break;
                case '\b': r = buf_puts(&b, "\\b"); break;
                case '\f': r = buf_puts(&b, "\\f"); break;
                case '\n': r = buf_puts(&b, "\\n"); break;
                case '\r': r = buf_puts(&b, "\\r"); break;
                case '\t': r = buf_puts(&b, "\\t"); break;
                case '\v': r = buf_puts(&b, "\\v"); break;
                default:
                        if (c < 0x20 || c == 0x7f)
                                r = buf_printf(&b, "\\x%02x", c);
                        else
                                r = buf_putc(&b, (char) c);
                }
                i++;
        }
        if (r >= 0)
                r = buf_putc(&b, '"');
        if (r < 0)
                return r;
        *ret = buf_steal(&b, NULL);
        return 0;
}

/* A marked value is left out (isolation), as if unset. */
static const char *oem_value(const Value *v) {
        return v->set && !v->error ? v->str : "";
}

int render_oem_release(const ConfigOem *o, char **ret) {
        _cleanup_free_ char *name = NULL, *home = NULL, *bug = NULL;
        const char *id = oem_value(&o->id), *version = oem_value(&o->version_id);

        if (isempty(id)) {
                *ret = NULL;
                return 0;
        }
        /* the model's lengths: a NUL inside a value is a control character
         * too. ID and VERSION_ID are written bare, and os-release is read
         * with the env-file rules (systemd's parse_env_file()): only a value
         * they read back as is can be written */
        if (has_bad_control(id, o->id.len) || !env_file_value_plain(id) ||
            (*version && (has_bad_control(version, o->version_id.len) || !env_file_value_plain(version))))
                return -EINVAL;
        if (go_quote(oem_value(&o->name), &name) < 0 || go_quote(oem_value(&o->home_url), &home) < 0 ||
            go_quote(oem_value(&o->bug_report_url), &bug) < 0)
                return -ENOMEM;

        /* coreos-cloudinit's system/oem.go layout: ID and VERSION_ID bare,
         * the rest Go-quoted, in this order (not the schema's) */
        return asprintf(ret, "ID=%s\nVERSION_ID=%s\nNAME=%s\nHOME_URL=%s\nBUG_REPORT_URL=%s\n", id, version, name,
                        home, bug) < 0 ? -ENOMEM : 0;
}

static bool env_key_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int render_environment(const char *old, size_t old_size, const char *const values[_PLAN_ADDRESS_MAX],
                       char **ret, size_t *ret_size) {
        _cleanup_(buf_done) Buf norm = {}, b = {};
        bool pending[_PLAN_ADDRESS_MAX];
        int r;

        for (size_t i = 0; i < _PLAN_ADDRESS_MAX; i++)
                pending[i] = !isempty(values[i]);

        /* the values are written bare, as coreos-cloudinit did: pam_env and
         * units' EnvironmentFile= read this file, and an address is one
         * token either reads back as is */
        for (size_t i = 0; i < _PLAN_ADDRESS_MAX; i++)
                if (pending[i] && (has_bad_control(values[i], strlen(values[i])) || !env_file_value_plain(values[i])))
                        return -EINVAL;

        /* every '\r' goes, and the text ends with a newline */
        for (size_t i = 0; old && i < old_size; i++)
                if (old[i] != '\r' && (r = buf_putc(&norm, old[i])) < 0)
                        return r;
        if (norm.len > 0 && norm.data[norm.len - 1] != '\n' && (r = buf_putc(&norm, '\n')) < 0)
                return r;

        for (size_t off = 0; off < norm.len;) {
                const char *line = norm.data + off;
                const char *nl = memchr(line, '\n', norm.len - off);
                size_t len = (size_t) (nl - line) + 1;
                size_t k = 0;
                bool replaced = false;

                while (k < len && env_key_char(line[k]))
                        k++;
                if (k > 0 && k < len && line[k] == '=')
                        for (size_t i = 0; i < _PLAN_ADDRESS_MAX; i++) {
                                const char *key = plan_address_env_table[i];
                                if (!pending[i] || strlen(key) != k || memcmp(line, key, k) != 0)
                                        continue;
                                r = buf_printf(&b, "%s=%s\n", key, values[i]);
                                if (r < 0)
                                        return r;
                                pending[i] = false;
                                replaced = true;
                                break;
                        }
                if (!replaced && (r = buf_append(&b, line, len)) < 0)
                        return r;
                off += len;
        }

        /* sorted by name: PRIVATE_IPV4, PRIVATE_IPV6, PUBLIC_IPV4, PUBLIC_IPV6 */
        static const PlanAddress sorted[] = { PLAN_PRIVATE_IPV4, PLAN_PRIVATE_IPV6, PLAN_PUBLIC_IPV4, PLAN_PUBLIC_IPV6 };
        for (size_t i = 0; i < ELEMENTSOF(sorted); i++)
                if (pending[sorted[i]]) {
                        r = buf_printf(&b, "%s=%s\n", plan_address_env_table[sorted[i]], values[sorted[i]]);
                        if (r < 0)
                                return r;
                }

        if (!b.data && buf_reserve(&b, 1) < 0)
                return -ENOMEM;
        *ret = buf_steal(&b, ret_size);
        return 0;
}

int hostname_normalize(const char *in, char **ret) {
        if (isempty(in))
                return -EINVAL;

        size_t n = strcspn(in, ".");
        if (n == 0)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                char c = in[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_'))
                        return -EINVAL;
        }
        if (in[0] == '-')
                return -EINVAL;

        char *h = strndup(in, MIN(n, (size_t) 63));
        if (!h)
                return -ENOMEM;
        *ret = h;
        return 0;
}

int parse_permissions(const char *s, mode_t *ret) {
        if (isempty(s)) {
                *ret = 0644;
                return 0;
        }
        size_t n = strlen(s);
        if (n > 5 || strspn(s, "01234567") != n)
                return -EINVAL;
        unsigned long m = strtoul(s, NULL, 8);
        if (m > 07777)
                return -EINVAL;
        *ret = (mode_t) m;
        return 0;
}
