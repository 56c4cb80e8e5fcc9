/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <yaml.h>

#include "basic/buf.h"
#include "basic/coreos-env.h"
#include "userdata/substitute.h"

static const char * const substitute_token_table[_SUBSTITUTE_TOKEN_MAX] = {
        [SUBSTITUTE_PUBLIC_IPV4] = "public_ipv4",
        [SUBSTITUTE_PRIVATE_IPV4] = "private_ipv4",
        [SUBSTITUTE_PUBLIC_IPV6] = "public_ipv6",
        [SUBSTITUTE_PRIVATE_IPV6] = "private_ipv6",
        [SUBSTITUTE_HOSTNAME] = "hostname",
        [SUBSTITUTE_INSTANCE_ID] = "instance_id",
};

DEFINE_STRING_TABLE_LOOKUP(substitute_token, SubstituteToken, _SUBSTITUTE_TOKEN_MAX);

static const char * const substitute_env_table[_SUBSTITUTE_TOKEN_MAX] = {
        [SUBSTITUTE_PUBLIC_IPV4] = COREOS_ENV_PUBLIC_IPV4,
        [SUBSTITUTE_PRIVATE_IPV4] = COREOS_ENV_PRIVATE_IPV4,
        [SUBSTITUTE_PUBLIC_IPV6] = COREOS_ENV_PUBLIC_IPV6,
        [SUBSTITUTE_PRIVATE_IPV6] = COREOS_ENV_PRIVATE_IPV6,
};

const char *substitute_token_env(SubstituteToken t) {
        if ((int) t < 0 || t >= _SUBSTITUTE_TOKEN_MAX)
                return NULL;
        return substitute_env_table[t];
}

void substitute_values_done(SubstituteValues *v) {
        for (size_t i = 0; i < _SUBSTITUTE_TOKEN_MAX; i++)
                v->values[i] = mfree(v->values[i]);
}

/* Go's net.IP.String() for a 16-byte address: IPv4-mapped as dotted quad,
 * else lowercase hex groups without leading zeros and the first longest run
 * of two or more zero groups as "::". */
static char *format_ipv6(const struct in6_addr *a) {
        char s[INET6_ADDRSTRLEN + 1];
        const uint8_t *b = a->s6_addr;

        if (IN6_IS_ADDR_V4MAPPED(a))
                return inet_ntop(AF_INET, b + 12, s, sizeof s) ? strdup(s) : NULL;

        unsigned g[8];
        for (size_t i = 0; i < 8; i++)
                g[i] = (unsigned) b[2 * i] << 8 | b[2 * i + 1];

        int best = -1, best_len = 0;
        for (int i = 0; i < 8;) {
                int j = i;
                while (j < 8 && g[j] == 0)
                        j++;
                if (j - i > best_len && j - i >= 2) {
                        best = i;
                        best_len = j - i;
                }
                i = j > i ? j : i + 1;
        }

        char *p = s;
        for (int i = 0; i < 8; i++) {
                if (i == best) {
                        *p++ = ':';
                        *p++ = ':';
                        i += best_len - 1;
                        continue;
                }
                if (i > 0 && i != best + best_len)
                        *p++ = ':';
                p += sprintf(p, "%x", g[i]);
        }
        *p = 0;
        return strdup(s);
}

static char *format_address(SubstituteToken t, const char *s) {
        bool v6 = t == SUBSTITUTE_PUBLIC_IPV6 || t == SUBSTITUTE_PRIVATE_IPV6;
        char buf[INET_ADDRSTRLEN];
        struct in6_addr a6;
        struct in_addr a4;

        if (v6 || t == SUBSTITUTE_PUBLIC_IPV4 || t == SUBSTITUTE_PRIVATE_IPV4) {
                if (inet_pton(AF_INET, s, &a4) == 1)
                        return inet_ntop(AF_INET, &a4, buf, sizeof buf) ? strdup(buf) : NULL;
                if (inet_pton(AF_INET6, s, &a6) == 1)
                        return format_ipv6(&a6);
        }
        return strdup(s);
}

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 1123 §2.1 (RFC 952 relaxed): dot-separated labels of 1 to 63
 * letters, digits and '-', neither first nor last a '-'; 253 at most. */
static bool is_hostname(const char *v) {
        size_t n = strlen(v);

        if (n == 0 || n > 253)
                return false;
        for (const char *p = v; *p;) {
                size_t l = 0;
                while (is_alnum(p[l]) || p[l] == '-')
                        l++;
                if (l == 0 || l > 63 || p[0] == '-' || p[l - 1] == '-')
                        return false;
                p += l;
                if (*p == 0)
                        return true;
                if (*p != '.' || p[1] == 0)
                        return false;
                p++;
        }
        return true;
}

#define INSTANCE_ID_MAX 255U

static bool is_instance_id(const char *v) {
        const char *hex = startswith(v, "i-");
        size_t n = strlen(v);

        /* EC2's: "i-" and 8 or 17 lowercase hex digits; any length here */
        if (hex)
                return *hex && strspn(hex, "0123456789abcdef") == strlen(hex);
        /* GCE's and DigitalOcean's are numbers, Azure's and OpenStack's UUIDs */
        if (n == 0 || n > INSTANCE_ID_MAX || !is_alnum(v[0]))
                return false;
        for (const char *p = v; *p; p++)
                if (!is_alnum(*p) && !strchr("._-", *p))
                        return false;
        return true;
}

const char *substitute_value_problem(SubstituteToken t, const char *value) {
        struct in6_addr a6;
        struct in_addr a4;

        switch (t) {
        case SUBSTITUTE_PUBLIC_IPV4:
        case SUBSTITUTE_PRIVATE_IPV4:
                return inet_pton(AF_INET, value, &a4) == 1 ? NULL : "is not an IPv4 address";
        case SUBSTITUTE_PUBLIC_IPV6:
        case SUBSTITUTE_PRIVATE_IPV6:
                /* Go's net.IP prints an IPv4-mapped address as a dotted quad */
                if (inet_pton(AF_INET, value, &a4) == 1)
                        return NULL;
                if (inet_pton(AF_INET6, value, &a6) != 1)
                        return "is not an IPv6 address";
                /* "::1" opens a flow mapping's value, "x::" ends in a ':' that
                 * a following blank turns into a key: the unspecified,
                 * loopback and subnet-router anycast addresses are no
                 * node's address anyway */
                if (value[0] == ':' || value[strlen(value) - 1] == ':')
                        return "begins or ends with ':', which YAML could read as syntax";
                return NULL;
        case SUBSTITUTE_HOSTNAME:
                return is_hostname(value) ? NULL : "is not a host name (RFC 1123: labels of letters, digits and '-')";
        case SUBSTITUTE_INSTANCE_ID:
                return is_instance_id(value) ? NULL
                                             : "is not an instance id (\"i-\" and hex digits, or letters, digits, "
                                               "'.', '_' and '-' starting with a letter or digit)";
        default:
                return "is not a known variable";
        }
}

int substitute_values_from_metadata(const Metadata *md, SubstituteValues *ret) {
        _cleanup_(substitute_values_done) SubstituteValues v = {};
        const char *from_md[_SUBSTITUTE_TOKEN_MAX] = {};

        if (md) {
                from_md[SUBSTITUTE_PUBLIC_IPV4] = md->public_ipv4;
                from_md[SUBSTITUTE_PRIVATE_IPV4] = md->private_ipv4;
                from_md[SUBSTITUTE_PUBLIC_IPV6] = md->public_ipv6;
                from_md[SUBSTITUTE_PRIVATE_IPV6] = md->private_ipv6;
                from_md[SUBSTITUTE_HOSTNAME] = md->hostname;
                from_md[SUBSTITUTE_INSTANCE_ID] = md->instance_id;
        }

        for (SubstituteToken t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++) {
                const char *env = substitute_env_table[t] ? getenv(substitute_env_table[t]) : NULL;

                if (!isempty(from_md[t]))
                        v.values[t] = format_address(t, from_md[t]);
                else if (!isempty(env))
                        v.values[t] = strdup(env);
                else
                        continue;
                if (!v.values[t])
                        return -ENOMEM;
                v.refused[t] = substitute_value_problem(t, v.values[t]);
                if (v.refused[t])
                        v.values[t] = mfree(v.values[t]);
        }

        *ret = v;
        v = (SubstituteValues) {};
        return 0;
}

static SubstituteToken match_token(const char *s, size_t n, size_t *ret_len) {
        /* no name is a prefix of another, so the first match is the match */
        for (SubstituteToken t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++) {
                size_t l = strlen(substitute_token_table[t]);
                if (n >= l && memcmp(s, substitute_token_table[t], l) == 0) {
                        *ret_len = l;
                        return t;
                }
        }
        return _SUBSTITUTE_TOKEN_INVALID;
}

/* Line and column at a position, counted forward from the last one asked
 * for, so that a long document costs one pass. */
typedef struct Position {
        size_t at;
        unsigned line, column;
} Position;

static void position_advance(Position *p, const char *s, size_t to) {
        for (; p->at < to; p->at++) {
                unsigned char c = (unsigned char) s[p->at];
                if (c == '\n') {
                        p->line++;
                        p->column = 1;
                } else if ((c & 0xc0) != 0x80) /* UTF-8 continuation bytes are not characters */
                        p->column++;
        }
}

/* A $token without a value, to be reported. */
typedef struct Missing {
        unsigned line, column;
        SubstituteToken token;
        const char *why;        /* why its value was refused; NULL: it has none */
        bool in_value;
} Missing;

/* m[] is 1-based, libyaml's marks are 0-based; both count characters */
static bool before_mark(const Missing *m, const yaml_mark_t *mark) {
        return m->line - 1 < mark->line || (m->line - 1 == mark->line && m->column - 1 < mark->column);
}

/* Sets in_value on each of m[] (in document order) that lies in a scalar of
 * the YAML document in[0..len): the others are in comments, which
 * coreos-cloudinit substituted too but nobody reads. When in[] does not
 * scan as YAML every one counts as in a value: the parser reports the
 * syntax error and nothing is lost by saying more. */
static int mark_in_values(const char *in, size_t len, Missing *m, size_t n) {
        yaml_parser_t parser;
        size_t i = 0;
        bool done = false;

        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *) in, len);
        while (i < n && !done) {
                yaml_token_t token;
                if (!yaml_parser_scan(&parser, &token)) {
                        for (; i < n; i++)
                                m[i].in_value = true;
                        break;
                }
                done = token.type == YAML_STREAM_END_TOKEN;
                if (token.type == YAML_SCALAR_TOKEN) {
                        while (i < n && before_mark(m + i, &token.start_mark))
                                i++;
                        for (; i < n && before_mark(m + i, &token.end_mark); i++)
                                m[i].in_value = true;
                }
                yaml_token_delete(&token);
        }
        yaml_parser_delete(&parser);
        return 0;
}

static int report_missing(const char *in, size_t len, SubstituteFlags flags, Missing *m, size_t n,
                          DiagList *diags) {
        int r;

        if (flags & SUBSTITUTE_YAML) {
                r = mark_in_values(in, len, m, n);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < n; i++) {
                if ((flags & SUBSTITUTE_YAML) && !m[i].in_value)
                        continue;
                r = m[i].why ? diag_add(diags, DIAG_WARNING, m[i].line, m[i].column,
                                        "variable $%s not substituted: its value %s; substituted an empty string",
                                        substitute_token_table[m[i].token], m[i].why)
                             : diag_add(diags, DIAG_WARNING, m[i].line, m[i].column,
                                        "variable $%s has no value; substituted an empty string",
                                        substitute_token_table[m[i].token]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int userdata_substitute(const char *in, size_t len, const SubstituteValues *v, SubstituteFlags flags,
                        char **ret, size_t *ret_len, DiagList *diags) {
        _cleanup_(buf_done) Buf b = {};
        _cleanup_free_ Missing *missing = NULL;
        size_t n_missing = 0, allocated = 0;
        Position pos = { .line = 1, .column = 1 };
        size_t copied = 0, i = 0;
        int r;

        r = buf_reserve(&b, len);
        if (r < 0)
                return r;

        while (i < len) {
                const char *dollar = memchr(in + i, '$', len - i);
                if (!dollar)
                        break;
                size_t at = (size_t) (dollar - in), tlen;

                SubstituteToken t = match_token(dollar + 1, len - at - 1, &tlen);
                if (t < 0) {
                        i = at + 1;
                        continue;
                }

                if (at > 0 && in[at - 1] == '\\') {
                        /* escaped: drop the backslash, keep "$token" */
                        r = buf_append(&b, in + copied, at - 1 - copied);
                        if (r >= 0)
                                r = buf_append(&b, dollar, 1 + tlen);
                } else {
                        const char *value = v ? v->values[t] : NULL;
                        const char *why = value ? substitute_value_problem(t, value) : v ? v->refused[t] : NULL;
                        if (why)
                                value = NULL;
                        r = buf_append(&b, in + copied, at - copied);
                        if (r >= 0 && value)
                                r = buf_puts(&b, value);
                        if (r >= 0 && !value && diags) {
                                position_advance(&pos, in, at);
                                if (n_missing == allocated) {
                                        size_t want = allocated ? allocated * 2 : 8;
                                        Missing *m = reallocarray(missing, want, sizeof(Missing));
                                        if (!m)
                                                return -ENOMEM;
                                        missing = m;
                                        allocated = want;
                                }
                                missing[n_missing++] = (Missing) {
                                        .line = pos.line,
                                        .column = pos.column,
                                        .token = t,
                                        .why = why,
                                };
                        }
                }
                if (r < 0)
                        return r;
                copied = i = at + 1 + tlen;
        }

        r = buf_append(&b, in + copied, len - copied);
        if (r < 0)
                return r;
        if (n_missing > 0) {
                r = report_missing(in, len, flags, missing, n_missing, diags);
                if (r < 0)
                        return r;
        }

        *ret = buf_steal(&b, ret_len);
        return *ret ? 0 : -ENOMEM;
}
