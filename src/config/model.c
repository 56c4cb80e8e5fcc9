/* SPDX-License-Identifier: Apache-2.0 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>

#include "basic/buf.h"
#include "config/model.h"
#include "config/validate.h"

/* Walks the YAML tree along the schema, filling the model and reporting
 * every structural problem: unknown, deprecated, duplicate and wrongly typed
 * keys, and values outside a field's allowed set. Everything is reported
 * where it stands, and the walk always goes on. */

typedef struct Decoder {
        Arena *arena;
        DiagList *diags;
        Value *item; /* self of the isolation item being decoded, or NULL */
} Decoder;

static void value_mark(Value *v, const char *message, unsigned line, unsigned column) {
        if (!v || v->error)
                return;
        v->error = message;
        v->error_line = line;
        v->error_column = column;
}

int config_error(Arena *arena, DiagList *diags, Value *v, Value *item, unsigned line, unsigned column,
                 const char *fmt, ...) {
        _cleanup_(buf_done) Buf b = {};
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = buf_vprintf(&b, fmt, ap);
        va_end(ap);
        if (r < 0)
                return r;
        r = diag_add(diags, DIAG_ERROR, line, column, "%s", b.data ?: "");
        if (r < 0)
                return r;
        const char *m = arena_strndup(arena, b.data ?: "", b.len);
        if (!m)
                return -ENOMEM;
        value_mark(v, m, line, column);
        value_mark(item, m, line, column);
        return 0;
}

static void value_at(Value *v, const Node *n) {
        v->line = n->line;
        v->column = n->column;
}

static bool node_is_null(const Node *n) {
        return n->type == NODE_SCALAR && n->kind == SCALAR_NULL;
}

static bool type_compatible(const Node *n, FieldType t) {
        switch (t) {
        case FIELD_STRING:
                return n->type == NODE_SCALAR && n->kind != SCALAR_NULL;
        case FIELD_INT:
                return n->type == NODE_SCALAR && n->kind == SCALAR_INT;
        case FIELD_FLOAT:
                return n->type == NODE_SCALAR && (n->kind == SCALAR_FLOAT || n->kind == SCALAR_INT);
        case FIELD_BOOL:
                return n->type == NODE_SCALAR && n->kind == SCALAR_BOOL;
        case FIELD_STRV:
        case FIELD_LIST:
                return n->type == NODE_SEQUENCE;
        case FIELD_STRUCT:
                return n->type == NODE_MAPPING;
        default:
                return false;
        }
}

/* A value outside a field's allowed set. Checks with problem() say why and
 * name the key (the value may hold a control character or a secret); the
 * others keep coreos-cloudinit's "invalid value X" or their own message. */
static int report_check(Decoder *d, const FieldCheck *c, const char *key, const char *value, const Node *at,
                        Value *v) {
        _cleanup_(buf_done) Buf m = {};
        int r;

        if (c->problem)
                r = buf_printf(&m, "invalid \"%s\": %s", key, c->problem(value) ?: "is not allowed");
        else if (!c->message)
                r = buf_printf(&m, "invalid value %s", value);
        else {
                /* message carries at most one %s: the value */
                const char *p = strstr(c->message, "%s");
                r = p ? buf_printf(&m, "%.*s%s%s", (int) (p - c->message), c->message, value, p + 2)
                      : buf_puts(&m, c->message);
        }
        if (r < 0)
                return r;
        if (c->warning_only)
                return diag_add(d->diags, DIAG_WARNING, at->line, at->column, "%s", m.data);
        return config_error(d->arena, d->diags, v, d->item, at->line, at->column, "%s", m.data);
}

/* A value that passes c but cannot work where it goes: warned about and
 * dropped (1), its item kept. 0 when it is usable. */
static int drop_unusable(Decoder *d, const FieldCheck *c, const char *key, const char *value, const Node *at) {
        const char *why = c && c->unusable ? c->unusable(value) : NULL;
        if (!why)
                return 0;
        int r = diag_add(d->diags, DIAG_WARNING, at->line, at->column, "\"%s\" %s, %s", key, why,
                         c->unusable_effect ?: "not used");
        return r < 0 ? r : 1;
}

static bool check_fails(const FieldCheck *c, const char *value) {
        /* a legacy value passes here; legacy_rewrite() replaces it */
        return c && !field_check_passes(c, value) && !field_check_legacy(c, value);
}

/* A byte no environment variable written to a unit or an env file can hold:
 * a control character other than tab, or NUL (!!binary can carry one). */
static bool has_env_unsafe_byte(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++)
                if (((unsigned char) s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
                        return true;
        return false;
}

static int decode_struct(Decoder *d, const Node *map, const SchemaStruct *s, void *base);

static int decode_list(Decoder *d, const Node *seq, const SchemaField *f, void *base) {
        char *items = arena_alloc0_array(d->arena, f->sub->size, seq->n_children);
        size_t n = 0;
        int r;

        if (!items && seq->n_children > 0)
                return -ENOMEM;

        for (size_t i = 0; i < seq->n_children; i++) {
                const Node *e = seq->children[i];
                if (e->type != NODE_MAPPING) {
                        /* coreos-cloudinit drops such elements; say so */
                        r = diag_add(d->diags, DIAG_WARNING, e->line, e->column,
                                     "incorrect type for \"%s[%zu]\" (want struct)", f->key, i);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = decode_struct(d, e, f->sub, items + n++ * f->sub->size);
                if (r < 0)
                        return r;
        }

        *(void **) ((char *) base + f->offset) = items;
        *(size_t *) ((char *) base + f->count_offset) = n;
        return 0;
}

/* write_files content is bytes (!!binary may hold any); every other string
 * is text that reaches a C string, a path, a tool or a unit file. */
static bool field_takes_bytes(const SchemaStruct *s, const SchemaField *f) {
        return s == &schema_ConfigFile && streq(f->key, "content");
}

static int decode_strv(Decoder *d, const Node *seq, const SchemaField *f, Value *v) {
        const char **l = arena_new0(d->arena, const char *, seq->n_children + 1);
        size_t n = 0;
        int r;

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < seq->n_children; i++) {
                const Node *e = seq->children[i];
                if (!type_compatible(e, FIELD_STRING)) {
                        r = diag_add(d->diags, DIAG_WARNING, e->line, e->column,
                                     "incorrect type for \"%s[%zu]\" (want string)", f->key, i);
                        if (r < 0)
                                return r;
                        continue;
                }

                const char *s = e->value;
                size_t len = e->len;
                if (f->check && f->check->one_line) {
                        /* "- |" blocks end in a line break that is no part of the line */
                        while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
                                len--;
                        if (len != e->len && !(s = arena_strndup(d->arena, s, len)))
                                return -ENOMEM;
                }
                char key[64];
                snprintf(key, sizeof key, "%s[%zu]", f->key, i);
                if (memchr(s, 0, len) || (f->check && check_fails(f->check, s))) {
                        /* the entry is dropped as well as marked: it can reach
                         * nothing even where marks are not honoured */
                        r = memchr(s, 0, len) ? config_error(d->arena, d->diags, v, d->item, e->line, e->column,
                                                             "invalid \"%s\": contains a NUL byte", key)
                                              : report_check(d, f->check, key, s, e, v);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = drop_unusable(d, f->check, key, s, e);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                l[n++] = s;
        }
        v->strv = l;
        v->n_strv = n;
        return 0;
}

/* A quoted "2" or "true" for a field that coreos-cloudinit read as text
 * before it typed it (CONFIG_KEY_ALIASES' WAS_TEXT rows): true, and in *ret
 * the typed scalar it spells. */
static bool was_text_resolve(const SchemaStruct *s, const SchemaField *f, const Node *val, Node *ret) {
        if (val->type != NODE_SCALAR || val->kind != SCALAR_STRING || val->binary_invalid ||
            !(f->type == FIELD_INT || f->type == FIELD_FLOAT || f->type == FIELD_BOOL))
                return false;
        const SchemaAlias *a = schema_find_alias(s, f->key, strlen(f->key));
        if (!a || a->kind != SCHEMA_ALIAS_WAS_TEXT)
                return false;

        *ret = *val;
        ret->tag = NULL;
        ret->kind = yaml_resolve_plain(val->value, val->len, &ret->b, &ret->i, &ret->f);
        return type_compatible(ret, f->type);
}

/* Whether decode_field() takes val for f. */
static bool usable(const SchemaStruct *s, const SchemaField *f, const Node *val) {
        Node n;
        return type_compatible(val, f->type) || was_text_resolve(s, f, val, &n);
}

static int decode_field(Decoder *d, const Node *key, const Node *val, const SchemaStruct *s, const SchemaField *f,
                        void *base) {
        int r;

        if (f->deprecated) {
                r = diag_add(d->diags, DIAG_WARNING, key->line, key->column, "deprecated key \"%s\" (%s)", f->key,
                             f->deprecated);
                if (r < 0)
                        return r;
        }

        if (!type_compatible(val, f->type)) {
                Node n;
                if (!was_text_resolve(s, f, val, &n))
                        return diag_add(d->diags, DIAG_WARNING, key->line, key->column,
                                        "incorrect type for \"%s\" (want %s)", f->key, field_type_to_string(f->type));
                r = diag_add(d->diags, DIAG_WARNING, val->line, val->column,
                             "deprecated quoted value for \"%s\" (%s); read as the %s %s", f->key,
                             schema_find_alias(s, f->key, strlen(f->key))->note, field_type_to_string(f->type),
                             val->value);
                if (r < 0)
                        return r;
                Node *typed = arena_new0(d->arena, Node, 1);
                if (!typed)
                        return -ENOMEM;
                *typed = n;
                val = typed;
        }

        if (f->type == FIELD_STRUCT)
                return decode_struct(d, val, f->sub, (char *) base + f->offset);
        if (f->type == FIELD_LIST)
                return decode_list(d, val, f, base);

        Value *v = model_value(base, f);
        *v = (Value) { .set = true };
        value_at(v, val);

        switch (f->type) {
        case FIELD_STRV:
                return decode_strv(d, val, f, v);
        case FIELD_INT:
                v->i = val->i;
                break;
        case FIELD_FLOAT:
                v->f = val->kind == SCALAR_INT ? (double) val->i : val->f;
                break;
        case FIELD_BOOL:
                v->b = val->b;
                break;
        default:
                break;
        }
        /* every scalar keeps its text: string fields want exactly that
         * ("off", "0744"), and messages print it */
        v->str = val->value;
        v->len = val->len;

        if (val->binary_invalid) {
                v->set = false;
                return config_error(d->arena, d->diags, v, d->item, val->line, val->column,
                                    "content cannot be decoded as \"!!binary\"");
        }
        if (memchr(v->str, 0, v->len) && !field_takes_bytes(s, f)) {
                /* a "\0" escape or !!binary can carry a NUL, which no check
                 * below would see, and every user of the value but a file's
                 * bytes would read it as the value's end (/etc/shadow\0.x) */
                v->set = false;
                return config_error(d->arena, d->diags, v, d->item, val->line, val->column,
                                    "invalid \"%s\": contains a NUL byte", f->key);
        }
        if (f->env && f->type == FIELD_STRING && has_env_unsafe_byte(v->str, v->len)) {
                /* an Environment= line or an env file cannot carry it: the
                 * section goes whole (its unit is not started half-configured) */
                v->set = false;
                return config_error(d->arena, d->diags, v, d->item, val->line, val->column,
                                    "invalid \"%s\": contains a control character, which its %s variable cannot carry",
                                    f->key, f->env);
        }
        if (f->check && v->len > 0 && check_fails(f->check, v->str)) {
                /* what would be injected goes, beside the mark */
                if (f->check->problem)
                        v->set = false;
                return report_check(d, f->check, f->key, v->str, val, v);
        }
        if (f->check && v->len > 0) {
                r = drop_unusable(d, f->check, f->key, v->str, val);
                if (r > 0)
                        v->set = false;
                return MIN(r, 0);
        }
        return 0;
}

static int key_text(Decoder *d, const Node *k, char **ret) {
        char *t = arena_strndup(d->arena, k->value, k->len);
        if (!t)
                return -ENOMEM;
        for (char *p = t; *p; p++)
                if (*p == '-')
                        *p = '_';
        *ret = t;
        return 0;
}

typedef struct Seen Seen;
static int decode_pairs(Decoder *d, const Node *map, const SchemaStruct *s, void *base, Seen *seen, bool merged);

/* YAML 1.1 merge keys ("<<: *defaults"), which go-yaml v1 honours: merged
 * pairs come first so the mapping's own keys override them. */
static int decode_merge(Decoder *d, const Node *val, const SchemaStruct *s, void *base, Seen *seen) {
        if (val->type == NODE_MAPPING)
                return decode_pairs(d, val, s, base, seen, true);
        if (val->type == NODE_SEQUENCE)
                for (size_t i = val->n_children; i > 0; i--) {
                        const Node *m = val->children[i - 1];
                        if (m->type != NODE_MAPPING)
                                return config_error(d->arena, d->diags, NULL, d->item, m->line, m->column,
                                                    "a merge key (<<) takes mappings only");
                        int r = decode_pairs(d, m, s, base, seen, true);
                        if (r < 0)
                                return r;
                }
        else
                return config_error(d->arena, d->diags, NULL, d->item, val->line, val->column,
                                    "a merge key (<<) takes a mapping");
        return 0;
}

static bool is_merge_key(const Node *k) {
        return k->type == NODE_SCALAR && k->kind == SCALAR_STRING && !k->tag && streq(k->value, "<<");
}

/* Duplicate keys follow one rule: the later key wins, except that an empty
 * (null) later value does not erase an earlier one, and two mappings merge
 * (go-yaml's behaviour, so snippets pasted one after the other keep working)
 * with the later one's keys winning. The warning says which line's value is
 * used. A later value of the wrong type is not used either; decode_field()
 * says why. */
static int report_duplicate(Decoder *d, const SchemaStruct *s, const SchemaField *f, const Node *k, const Node *v,
                            unsigned also_at, unsigned used) {
        if (node_is_null(v))
                return used > 0 ? diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                           "duplicate key \"%s\" (also at line %u); this one is empty, the value at line %u is used",
                                           f->key, also_at, used)
                                : diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                           "duplicate key \"%s\" (also at line %u); both are empty", f->key, also_at);
        if (!usable(s, f, v))
                return used > 0 ? diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                           "duplicate key \"%s\" (also at line %u); this one has the wrong type, the value at line %u is used",
                                           f->key, also_at, used)
                                : diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                           "duplicate key \"%s\" (also at line %u)", f->key, also_at);
        if (f->type == FIELD_STRUCT && used > 0)
                return diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                "duplicate key \"%s\" (also at line %u); the two are merged, and where both set a key the value at line %u is used",
                                f->key, also_at, k->line);
        return diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                        "duplicate key \"%s\" (also at line %u); the value at line %u is used", f->key, also_at,
                        k->line);
}

static int report_unknown(Decoder *d, const SchemaStruct *s, const Node *k, const SchemaAlias *alias) {
        char *name;
        int r;

        r = key_text(d, k, &name);
        if (r < 0)
                return r;
        const char *hint = schema_suggest(s, name);
        r = hint ? diag_add(d->diags, DIAG_WARNING, k->line, k->column, "unrecognized key \"%s\" (did you mean \"%s\"?)",
                            name, hint)
                 : diag_add(d->diags, DIAG_WARNING, k->line, k->column, "unrecognized key \"%s\"", name);
        if (r < 0)
                return r;
        if (alias)
                return diag_add(d->diags, DIAG_INFO, k->line, k->column, "%s", alias->note);
        return 0;
}

struct Seen {
        unsigned *at;   /* line of the latest occurrence of each field's key */
        unsigned *used; /* line whose value the model holds */
};

static int decode_pairs(Decoder *d, const Node *map, const SchemaStruct *s, void *base, Seen *seen, bool merged) {
        int r;

        for (size_t i = 0; i + 1 < map->n_children; i += 2) {
                const Node *k = map->children[i], *v = map->children[i + 1];
                if (is_merge_key(k)) {
                        r = decode_merge(d, v, s, base, seen);
                        if (r < 0)
                                return r;
                }
        }

        for (size_t i = 0; i + 1 < map->n_children; i += 2) {
                const Node *k = map->children[i], *v = map->children[i + 1];

                if (is_merge_key(k))
                        continue;
                if (k->type != NODE_SCALAR) {
                        r = diag_add(d->diags, DIAG_WARNING, k->line, k->column, "mapping key is not a scalar; ignored");
                        if (r < 0)
                                return r;
                        continue;
                }

                const SchemaField *f = schema_find(s, k->value, k->len);
                if (!f) {
                        const SchemaAlias *a = schema_find_alias(s, k->value, k->len);
                        if (a && a->kind == SCHEMA_ALIAS_RENAMED) {
                                f = schema_find(s, a->target, strlen(a->target));
                                assert(f);
                                r = diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                             "deprecated key \"%s\" (%s); read as \"%s\"", a->key, a->note, a->target);
                                if (r < 0)
                                        return r;
                        } else {
                                if (merged)
                                        continue; /* reported where the merged mapping is defined */
                                r = report_unknown(d, s, k, a);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                }

                size_t idx = (size_t) (f - s->fields);
                if (!merged && seen->at[idx] > 0) {
                        r = report_duplicate(d, s, f, k, v, seen->at[idx], seen->used[idx]);
                        if (r < 0)
                                return r;
                        seen->at[idx] = k->line;
                        if (node_is_null(v))
                                continue; /* keeps the earlier value, said above */
                }
                if (!merged) {
                        seen->at[idx] = k->line;
                        if (usable(s, f, v))
                                seen->used[idx] = k->line;
                }

                r = decode_field(d, k, v, s, f, base);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int decode_struct(Decoder *d, const Node *map, const SchemaStruct *s, void *base) {
        Value *self = base, *outer = d->item;
        size_t n_lines = 2 * s->n_fields;
        _cleanup_free_ unsigned *lines = new0(unsigned, n_lines);
        Seen seen = { .at = lines, .used = lines + s->n_fields };
        int r;

        if (!lines)
                return -ENOMEM;
        self->set = true;
        value_at(self, map);
        if (s->whole_item)
                d->item = self;
        r = decode_pairs(d, map, s, base, &seen, false);
        d->item = outer;
        return r;
}

/* Legacy values (schema.c's LegacyValue tables) are rewritten once the whole
 * document is known: best-effort depends on whether etcd is configured,
 * wherever in the document that is. */
static int legacy_rewrite(Decoder *d, const ConfigCloudConfig *cc, const SchemaStruct *s, void *base) {
        int r;

        for (size_t i = 0; i < s->n_fields; i++) {
                const SchemaField *f = s->fields + i;

                if (f->type == FIELD_STRUCT) {
                        r = legacy_rewrite(d, cc, f->sub, (char *) base + f->offset);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (f->type == FIELD_LIST) {
                        char *items = *(char **) ((char *) base + f->offset);
                        size_t n = *(size_t *) ((char *) base + f->count_offset);
                        for (size_t j = 0; j < n; j++) {
                                r = legacy_rewrite(d, cc, f->sub, items + j * f->sub->size);
                                if (r < 0)
                                        return r;
                        }
                        continue;
                }

                Value *v = model_value(base, f);
                if (f->type != FIELD_STRING || !f->check || !v->set || v->len == 0)
                        continue;
                const LegacyValue *l = field_check_legacy(f->check, v->str);
                if (!l)
                        continue;

                const char *why = NULL, *now = l->now ?: l->resolve(cc, &why);
                r = diag_add(d->diags, DIAG_WARNING, v->line, v->column,
                             "deprecated value \"%s\" for \"%s\" (%s); using \"%s\"%s%s", v->str, f->key, l->history,
                             now, why ? ": " : "", why ?: "");
                if (r < 0)
                        return r;
                v->str = now;
                v->len = strlen(now);
        }
        return 0;
}

int cloud_config_parse(const char *text, size_t len, CloudConfig *ret, DiagList *diags) {
        CloudConfig c = {};
        YamlError e = {};
        int r;

        r = yaml_doc_parse(text, len, &c.doc, &e);
        if (r < 0) {
                int q = diag_add(diags, DIAG_ERROR, e.line, e.column, "%s", e.message);
                return q < 0 ? q : r;
        }

        Decoder d = { .arena = &c.doc.arena, .diags = diags };
        const Node *root = c.doc.root;
        if (root && !node_is_null(root)) {
                if (root->type != NODE_MAPPING) {
                        r = diag_add(diags, DIAG_ERROR, root->line, root->column,
                                     "incorrect type for the document (want struct): a cloud-config is a mapping of keys to values");
                        if (r >= 0)
                                r = -EBADMSG;
                } else {
                        r = decode_struct(&d, root, &schema_ConfigCloudConfig, &c.cc);
                        if (r >= 0)
                                r = legacy_rewrite(&d, &c.cc, &schema_ConfigCloudConfig, &c.cc);
                        if (r >= 0)
                                r = cloud_config_check(&c, diags);
                }
                if (r < 0) {
                        cloud_config_done(&c);
                        return r;
                }
        }

        diag_list_sort(diags);
        *ret = c;
        return 0;
}

void cloud_config_done(CloudConfig *c) {
        yaml_doc_done(&c->doc);
        c->cc = (ConfigCloudConfig) {};
}

/* Go's %v of a float64, i.e. strconv.FormatFloat(f, 'g', -1, 64): the
 * shortest digits that round-trip, in exponent form when the decimal
 * exponent is below -4 or at least 6 (so 1e8 prints "1e+08"). Written into
 * buf (≥ VALUE_FORMAT_MAX): at most 17 digits, a sign, "0." and four zeros,
 * or a three-digit exponent, so nothing can fail. */
static void format_go_float(double f, char *buf, size_t size) {
        assert(size >= VALUE_FORMAT_MAX);

        if (isnan(f)) {
                snprintf(buf, size, "NaN");
                return;
        }
        if (isinf(f)) {
                snprintf(buf, size, f > 0 ? "+Inf" : "-Inf");
                return;
        }

        char e[64];
        int prec;
        for (prec = 1; prec <= 17; prec++) {
                snprintf(e, sizeof e, "%.*e", prec - 1, f);
                if (strtod(e, NULL) == f)
                        break;
        }

        /* e = "[-]d.ddde±XX": split digits and exponent */
        char digits[32];
        size_t nd = 0;
        const char *p = e;
        bool neg = *p == '-';
        if (neg)
                p++;
        for (; *p && *p != 'e' && nd < sizeof digits - 1; p++)
                if (*p != '.')
                        digits[nd++] = *p;
        digits[nd] = 0;
        int exp = atoi(p + 1);
        while (nd > 1 && digits[nd - 1] == '0')
                digits[--nd] = 0;

        if (exp < -4 || exp >= 6) {
                snprintf(buf, size, "%s%c%s%se%c%02d", neg ? "-" : "", digits[0], nd > 1 ? "." : "", digits + 1,
                         exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
                return;
        }

        size_t n = 0;
        if (neg)
                buf[n++] = '-';
        if (exp < 0) {
                buf[n++] = '0';
                buf[n++] = '.';
                for (int i = -1; i > exp; i--)
                        buf[n++] = '0';
                memcpy(buf + n, digits, nd);
                n += nd;
        } else
                for (int i = 0; i <= exp || (size_t) i < nd; i++) {
                        if (i == exp + 1)
                                buf[n++] = '.';
                        buf[n++] = (size_t) i < nd ? digits[i] : '0';
                }
        buf[n] = 0;
}

const char *value_format(const Value *v, FieldType type, char *buf, size_t size) {
        switch (type) {
        case FIELD_INT:
                snprintf(buf, size, "%" PRId64, v->i);
                return buf;
        case FIELD_FLOAT:
                format_go_float(v->f, buf, size);
                return buf;
        case FIELD_BOOL:
                return v->b ? "true" : "false";
        default:
                return v->str ?: "";
        }
}
