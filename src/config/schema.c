/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>

#include "basic/ssh-key.h"
#include "basic/user-name.h"
#include "config/model.h"
#include "config/schema.h"

static const char * const field_type_table[_FIELD_TYPE_MAX] = {
        [FIELD_STRING] = "string",
        [FIELD_INT] = "int",
        [FIELD_FLOAT] = "float64",
        [FIELD_BOOL] = "bool",
        [FIELD_STRV] = "[]string",
        [FIELD_STRUCT] = "struct",
        [FIELD_LIST] = "[]struct",
};

DEFINE_STRING_TABLE_LOOKUP(field_type, FieldType, _FIELD_TYPE_MAX);

/* ---- allowed values ---------------------------------------------------- */

static bool is_octal_permissions(const char *v) {
        /* ^0?[0-7]{3,4}$ */
        size_t n = strlen(v);
        if (n == 5 && v[0] == '0')
                v++, n--;
        if (n < 3 || n > 4)
                return false;
        return strspn(v, "01234567") == n;
}

/* Leading zeros, then a number up to max ("0*([0-9]|1[0-9]|2[0-3])"). */
static bool clock_number(const char *s, size_t n, unsigned max) {
        if (n == 0 || strspn(s, "0123456789") < n)
                return false;
        while (n > 1 && *s == '0')
                s++, n--;
        if (n > 2)
                return false;
        unsigned v = 0;
        for (size_t i = 0; i < n; i++)
                v = v * 10 + (unsigned) (s[i] - '0');
        return v <= max;
}

static bool is_window_start(const char *v) {
        static const char * const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

        for (size_t i = 0; i < ELEMENTSOF(days); i++)
                if (strncasecmp(v, days[i], 3) == 0 && v[3] == ' ') {
                        v += 4;
                        break;
                }

        const char *colon = strchr(v, ':');
        if (!colon)
                return false;
        return clock_number(v, (size_t) (colon - v), 23) && clock_number(colon + 1, strlen(colon + 1), 59);
}

static bool is_window_length(const char *v) {
        /* ^[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+$ */
        if (*v == '+' || *v == '-')
                v++;
        if (!*v)
                return false;
        while (*v) {
                v += strspn(v, "0123456789");
                if (*v == '.') {
                        v++;
                        v += strspn(v, "0123456789");
                }
                size_t letters = strspn(v, "abcdefghijklmnopqrstuvwxyz");
                if (letters == 0)
                        return false;
                v += letters;
        }
        return true;
}

static bool has_control_chars(const char *v) {
        for (; *v; v++)
                if ((unsigned char) *v < 0x20 || *v == 0x7f)
                        return true;
        return false;
}

/* Go's url.ParseRequestURI: an absolute URI or an absolute path. */
static bool is_request_uri(const char *v) {
        if (!*v || has_control_chars(v) || strpbrk(v, " \t"))
                return false;
        for (const char *p = strchr(v, '%'); p; p = strchr(p + 1, '%'))
                if (!isxdigit((unsigned char) p[1]) || !isxdigit((unsigned char) p[2]))
                        return false;
        if (v[0] == '/')
                return true;
        if (!isalpha((unsigned char) v[0]))
                return false;
        size_t scheme = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
        return v[scheme] == ':' && v[scheme + 1] != 0;
}

static bool is_http_url(const char *v) {
        const char *rest = startswith(v, "http://") ?: startswith(v, "https://");
        return rest && *rest && *rest != '/' && is_request_uri(v);
}

static const char * const unit_suffixes[] = {
        ".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target", ".path",
        ".timer", ".slice", ".scope", ".network", ".netdev", ".link", NULL,
};

/* systemd's unit_name_is_valid(), plus the networkd file types coreos-cloudinit
 * accepts in coreos.units. */
static bool is_unit_name(const char *v) {
        size_t n = strlen(v);
        if (n == 0 || n > 255 || v[0] == '.' || v[0] == '@')
                return false;

        const char *dot = strrchr(v, '.');
        bool known = false;
        for (const char * const *s = unit_suffixes; *s; s++)
                if (dot && streq(dot, *s))
                        known = true;
        if (!known)
                return false;

        const char *at = strchr(v, '@');
        if (at && strchr(at + 1, '@'))
                return false;
        for (const char *p = v; p < dot; p++)
                if (!isalnum((unsigned char) *p) && !strchr(":-_.\\@", *p))
                        return false;
        return true;
}

static bool is_dropin_name(const char *v) {
        return !isempty(v) && v[0] != '.' && !strchr(v, '/') && !has_control_chars(v) && endswith(v, ".conf") &&
                strlen(v) > strlen(".conf") && strlen(v) <= 255;
}

static bool is_file_path(const char *v) {
        if (v[0] != '/' || has_control_chars(v) || strlen(v) >= 4096)
                return false;
        for (const char *p = v; (p = strstr(p, "..")); p += 2)
                if ((p == v || p[-1] == '/') && (p[2] == '/' || p[2] == 0))
                        return false;
        return true;
}

static bool is_account_name(const char *v, size_t n) {
        if (n == 0 || n > 32 || v[0] == '-')
                return false;
        if (strspn(v, "0123456789") == n)
                return true; /* numeric id */
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char) v[i]) && !strchr("_.-", v[i]) && !(v[i] == '$' && i == n - 1))
                        return false;
        return true;
}

static bool is_owner(const char *v) {
        const char *colon = strchr(v, ':');
        if (!colon)
                return is_account_name(v, strlen(v));
        return is_account_name(v, (size_t) (colon - v)) && is_account_name(colon + 1, strlen(colon + 1));
}

/* What goes to chpasswd -e and useradd: one line per user on chpasswd's
 * stdin, ':'-separated fields in /etc/passwd and /etc/shadow. A newline in a
 * hash replaced root's password (issue 8). */
static const char *passwd_field_problem(const char *v) {
        if (has_control_chars(v))
                return "contains a control character (the tools read one user per line)";
        if (strchr(v, ':'))
                return "contains ':' (the field separator of /etc/passwd and /etc/shadow)";
        return NULL;
}

static const char *homedir_problem(const char *v) {
        if (v[0] != '/')
                return "is not an absolute path";
        return passwd_field_problem(v);
}

/* A control character would make the entry two lines of authorized_keys
 * (issue 8): refused. A line that is no key (the documentation's
 * "ssh-rsa AAAAB3...") is one line sshd skips: coreos-cloudinit's validator
 * passed it, so it is a warning, and it is not installed. */
static const char *ssh_key_problem(const char *v) {
        const char *why = NULL;
        int r = ssh_key_line_check(v, &why);
        if (r == -ENOMEM)
                return "could not be checked (out of memory)";
        return r == -EBADMSG ? why : NULL;
}

static const char *ssh_key_unusable(const char *v) {
        const char *why = NULL;
        return ssh_key_line_check(v, &why) == -EINVAL ? why : NULL;
}

/* locksmith's best-effort: "etcd-lock" when etcd is running, else "reboot"
 * (coreos-cloudinit's Documentation/cloud-config.md before c36bcb8). What
 * runs is decided by the same cloud-config: any key of coreos.etcd or
 * coreos.etcd2. */
static bool section_configured(const SchemaStruct *s, const void *base) {
        for (size_t i = 0; i < s->n_fields; i++)
                if (s->fields[i].type != FIELD_LIST && model_value_const(base, s->fields + i)->set)
                        return true;
        return false;
}

static const char *resolve_best_effort(const ConfigCloudConfig *cc, const char **ret_why) {
        if (section_configured(&schema_ConfigEtcd2, &cc->coreos.etcd2)) {
                *ret_why = "this cloud-config configures coreos.etcd2";
                return "etcd-lock";
        }
        if (section_configured(&schema_ConfigEtcd, &cc->coreos.etcd)) {
                *ret_why = "this cloud-config configures coreos.etcd";
                return "etcd-lock";
        }
        *ret_why = "this cloud-config configures neither coreos.etcd nor coreos.etcd2";
        return "reboot";
}

static bool is_hostname(const char *v) {
        size_t n = strlen(v);
        if (n == 0 || n > 253 || v[0] == '.' || v[0] == '-')
                return false;
        for (const char *p = v; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("-._", *p))
                        return false;
        return !strstr(v, "..");
}

#define ONE_OF(...) ((const char * const[]) { __VA_ARGS__, NULL })

const FieldCheck check_encoding = {
        .describe = "base64, b64, gz, gzip, gz+base64, gzip+base64, gz+b64, gzip+b64",
        .one_of = ONE_OF("base64", "b64", "gz", "gzip", "gz+base64", "gzip+base64", "gz+b64", "gzip+b64"),
};
const FieldCheck check_permissions = {
        .describe = "octal mode of 3 or 4 digits, optionally with a leading 0 (^0?[0-7]{3,4}$)",
        .valid = is_octal_permissions,
};
const FieldCheck check_etcd2_proxy = {
        .describe = "on, off, readonly",
        .one_of = ONE_OF("on", "off", "readonly"),
};
const FieldCheck check_window_start = {
        .describe = "[day ]HH:MM, day one of sun mon tue wed thu fri sat",
        .valid = is_window_start,
};
const FieldCheck check_window_length = {
        .describe = "a duration such as 1h, 30m, 1h30m",
        .valid = is_window_length,
};
const FieldCheck check_unit_command = {
        .describe = "start, stop, restart, reload, try-restart, reload-or-restart, reload-or-try-restart",
        .one_of = ONE_OF("start", "stop", "restart", "reload", "try-restart", "reload-or-restart",
                         "reload-or-try-restart"),
};
#define FALSE_WAS_OFF "coreos-cloudinit d02aa18 (Nov 2014) read every YAML false as \"false\", 40d943f (Dec 2014) refused it"
static const LegacyValue legacy_reboot_strategy[] = {
        { "best-effort", .resolve = resolve_best_effort,
          .history = "coreos-cloudinit c36bcb8 (Nov 2017, v1.14) dropped it with locksmith's support" },
        /* YAML 1.1's spellings of false but "off", which stays valid */
        { "false", "off", .history = FALSE_WAS_OFF },
        { "False", "off", .history = FALSE_WAS_OFF },
        { "FALSE", "off", .history = FALSE_WAS_OFF },
        { "Off", "off", .history = FALSE_WAS_OFF },
        { "OFF", "off", .history = FALSE_WAS_OFF },
        { "no", "off", .history = FALSE_WAS_OFF },
        { "No", "off", .history = FALSE_WAS_OFF },
        { "NO", "off", .history = FALSE_WAS_OFF },
        { "n", "off", .history = FALSE_WAS_OFF },
        { "N", "off", .history = FALSE_WAS_OFF },
        {}
};

const FieldCheck check_reboot_strategy = {
        .describe = "etcd-lock, reboot, off",
        .one_of = ONE_OF("etcd-lock", "reboot", "off"),
        .legacy = legacy_reboot_strategy,
};
const FieldCheck check_manage_etc_hosts = {
        .describe = "localhost",
        .one_of = ONE_OF("localhost"),
};
const FieldCheck check_discovery_url = {
        .describe = "an absolute URL",
        .valid = is_request_uri,
        .warning_only = true,
        .message = "discovery URL is not valid",
};
const FieldCheck check_discovery_url_v2 = {
        .describe = "an http:// or https:// URL",
        .valid = is_http_url,
        .warning_only = true,
        .message = "discovery URL is not valid",
};
const FieldCheck check_discovery_fallback = {
        .describe = "exit, proxy",
        .one_of = ONE_OF("exit", "proxy"),
        .warning_only = true,
        .message = "discovery_fallback must be \"exit\" or \"proxy\", not %s",
};
const FieldCheck check_unit_name = {
        .describe = "a systemd unit name with a known suffix (.service, .socket, .timer, …)",
        .valid = is_unit_name,
        .message = "invalid unit name \"%s\": want a name like foo.service or foo@bar.service, without \"/\"",
};
const FieldCheck check_dropin_name = {
        .describe = "a file name ending in .conf",
        .valid = is_dropin_name,
        .message = "invalid drop-in name \"%s\": want a file name ending in \".conf\", without \"/\"",
};
const FieldCheck check_file_path = {
        .describe = "an absolute path without \"..\" components",
        .valid = is_file_path,
        .message = "invalid path \"%s\": want an absolute path without \"..\" components",
};
const FieldCheck check_owner = {
        .describe = "user, user:group, uid or uid:gid",
        .valid = is_owner,
        .message = "invalid owner \"%s\": want user, user:group, uid or uid:gid",
};
const FieldCheck check_user_name = {
        .describe = "a user name: [a-z_][a-z0-9_-]*[$]?, at most 32 characters (shadow-utils)",
        .valid = user_name_valid,
        .message = "invalid user name \"%s\"",
};
const FieldCheck check_group_name = {
        .describe = "a group name: [a-z_][a-z0-9_-]*[$]?, at most 32 characters (shadow-utils)",
        .valid = user_name_valid,
        .message = "invalid group name \"%s\"",
};
const FieldCheck check_passwd = {
        .describe = "a password hash for chpasswd -e, without ':' or control characters",
        .problem = passwd_field_problem,
};
const FieldCheck check_passwd_field = {
        .describe = "text for a passwd(5) field, without ':' or control characters",
        .problem = passwd_field_problem,
};
const FieldCheck check_homedir = {
        .describe = "an absolute path, without ':' or control characters",
        .problem = homedir_problem,
};
const FieldCheck check_ssh_key = {
        .describe = "one OpenSSH public key line: [options] type base64 [comment]",
        .problem = ssh_key_problem,
        .unusable = ssh_key_unusable,
        .unusable_effect = "so sshd would skip the line; not installed",
        .one_line = true,
};
const FieldCheck check_hostname = {
        .describe = "a host name",
        .valid = is_hostname,
        .message = "invalid hostname \"%s\"",
};

const char *field_check_problem(const FieldCheck *c, const char *value) {
        if (c->problem)
                return c->problem(value);
        return field_check_passes(c, value) ? NULL : "is not allowed";
}

const LegacyValue *field_check_legacy(const FieldCheck *c, const char *value) {
        for (const LegacyValue *l = c->legacy; l && l->old; l++)
                if (streq(l->old, value))
                        return l;
        return NULL;
}

bool field_check_passes(const FieldCheck *c, const char *value) {
        if (c->problem)
                return !c->problem(value);
        if (c->one_of) {
                for (const char * const *s = c->one_of; *s; s++)
                        if (streq(*s, value))
                                return true;
                return false;
        }
        return c->valid(value);
}

/* ---- the tables -------------------------------------------------------- */

#define SCHEMA_SUB_STRING(sub) NULL
#define SCHEMA_SUB_INT(sub) NULL
#define SCHEMA_SUB_FLOAT(sub) NULL
#define SCHEMA_SUB_BOOL(sub) NULL
#define SCHEMA_SUB_STRV(sub) NULL
#define SCHEMA_SUB_STRUCT(sub) &schema_##sub
#define SCHEMA_SUB_LIST(sub) &schema_##sub
#define SCHEMA_COUNT_STRING(T, key) 0
#define SCHEMA_COUNT_INT(T, key) 0
#define SCHEMA_COUNT_FLOAT(T, key) 0
#define SCHEMA_COUNT_BOOL(T, key) 0
#define SCHEMA_COUNT_STRV(T, key) 0
#define SCHEMA_COUNT_STRUCT(T, key) 0
#define SCHEMA_COUNT_LIST(T, k) offsetof(T, n_##k)

#define SCHEMA_ROW(T, k, TYPE, env_, check_, dep, sub_)         \
        {                                                       \
                .key = #k,                                      \
                .type = FIELD_##TYPE,                           \
                .env = env_,                                    \
                .check = check_,                                \
                .deprecated = dep,                              \
                .sub = SCHEMA_SUB_##TYPE(sub_),                 \
                .offset = offsetof(T, k),                       \
                .count_offset = SCHEMA_COUNT_##TYPE(T, k),      \
        },

#define DEFINE_SCHEMA(T, FIELDS, section, whole, render_, unit_, path_)  \
        static const SchemaField schema_fields_##T[] = { FIELDS(SCHEMA_ROW, T) }; \
        const SchemaStruct schema_##T = {                               \
                .name = section,                                        \
                .fields = schema_fields_##T,                            \
                .n_fields = ELEMENTSOF(schema_fields_##T),              \
                .size = sizeof(T),                                      \
                .whole_item = whole,                                    \
                .dropin_unit = SCHEMA_RENDER_##render_ == SCHEMA_RENDER_DROPIN ? unit_ : NULL, \
                .render = SCHEMA_RENDER_##render_,                      \
                .unit = unit_,                                          \
                .path = path_,                                          \
        }

/* Where each section renders (coreos-cloudinit's system package): the drop-ins
 * are etcd, etcd2, fleet and locksmith's; flanneld.service reads
 * options.env; update.conf is update-engine's. The whole column is
 * isolation's item (issue 9): list entries and the etcd, etcd2, fleet and
 * flannel sections go as a whole (an etcd2 drop-in without its discovery
 * would bootstrap a cluster of one); update, locksmith and top-level keys
 * are lines that stand alone. */
DEFINE_SCHEMA(ConfigDropIn, CONFIG_DROPIN_FIELDS, "drop_ins", true, NONE, NULL, NULL);
DEFINE_SCHEMA(ConfigUnit, CONFIG_UNIT_FIELDS, "units", true, NONE, NULL, NULL);
DEFINE_SCHEMA(ConfigEtcd, CONFIG_ETCD_FIELDS, "etcd", true, DROPIN, "etcd.service", NULL);
DEFINE_SCHEMA(ConfigEtcd2, CONFIG_ETCD2_FIELDS, "etcd2", true, DROPIN, "etcd2.service", NULL);
DEFINE_SCHEMA(ConfigFleet, CONFIG_FLEET_FIELDS, "fleet", true, DROPIN, "fleet.service", NULL);
DEFINE_SCHEMA(ConfigFlannel, CONFIG_FLANNEL_FIELDS, "flannel", true, ENV_FILE, "flanneld.service", "/run/flannel/options.env");
DEFINE_SCHEMA(ConfigLocksmith, CONFIG_LOCKSMITH_FIELDS, "locksmith", false, DROPIN, "locksmithd.service", NULL);
DEFINE_SCHEMA(ConfigUpdate, CONFIG_UPDATE_FIELDS, "update", false, MERGE, "update-engine.service", "/etc/coreos/update.conf");
DEFINE_SCHEMA(ConfigOem, CONFIG_OEM_FIELDS, "oem", false, OS_RELEASE, NULL, "/etc/oem-release");
DEFINE_SCHEMA(ConfigCoreos, CONFIG_COREOS_FIELDS, "coreos", false, NONE, NULL, NULL);
DEFINE_SCHEMA(ConfigFile, CONFIG_FILE_FIELDS, "write_files", true, NONE, NULL, NULL);
DEFINE_SCHEMA(ConfigUser, CONFIG_USER_FIELDS, "users", true, NONE, NULL, NULL);
DEFINE_SCHEMA(ConfigCloudConfig, CONFIG_CLOUD_CONFIG_FIELDS, "", false, NONE, NULL, NULL);

#define SCHEMA_ALIAS_ROW(S, k, kind_, target_, note_) \
        { .section = &schema_##S, .key = #k, .kind = SCHEMA_ALIAS_##kind_, .target = target_, .note = note_ },
static const SchemaAlias schema_aliases[] = { CONFIG_KEY_ALIASES(SCHEMA_ALIAS_ROW) };

static bool key_equal(const char *canonical, const char *key, size_t keylen) {
        size_t i = 0;
        for (; i < keylen; i++) {
                char c = key[i] == '-' ? '_' : key[i];
                if (canonical[i] != c)
                        return false;
        }
        return canonical[i] == 0;
}

const SchemaField *schema_find(const SchemaStruct *s, const char *key, size_t keylen) {
        for (size_t i = 0; i < s->n_fields; i++)
                if (key_equal(s->fields[i].key, key, keylen))
                        return s->fields + i;
        return NULL;
}

const SchemaAlias *schema_find_alias(const SchemaStruct *s, const char *key, size_t keylen) {
        for (size_t i = 0; i < ELEMENTSOF(schema_aliases); i++)
                if (schema_aliases[i].section == s && key_equal(schema_aliases[i].key, key, keylen))
                        return schema_aliases + i;
        return NULL;
}

static size_t edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        size_t row[65];

        if (la > 64 || lb > 64)
                return SIZE_MAX;
        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t diag = row[0];
                row[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t up = row[j];
                        char ca = a[i - 1] == '-' ? '_' : a[i - 1];
                        row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + (ca != b[j - 1]));
                        diag = up;
                }
        }
        return row[lb];
}

const char *schema_suggest(const SchemaStruct *s, const char *key) {
        size_t len = strlen(key), best = SIZE_MAX;
        const char *found = NULL;

        for (size_t i = 0; i < s->n_fields; i++) {
                size_t d = edit_distance(key, s->fields[i].key);
                if (d < best) {
                        best = d;
                        found = s->fields[i].key;
                }
        }
        /* A third of the key may be wrong ("peer_adress" → "peer_addr"),
         * but never the whole of a short one. */
        if (best <= MAX((size_t) 2, (len + 2) / 3) && best < len)
                return found;
        return NULL;
}
