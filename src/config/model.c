/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <math.h>

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
} Decoder;

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

static int report_check(Decoder *d, const FieldCheck *c, const char *value, const Node *at) {
        DiagKind kind = c->warning_only ? DIAG_WARNING : DIAG_ERROR;

        if (!c->message)
                return diag_add(d->diags, kind, at->line, at->column, "invalid value %s", value);

        /* message carries at most one %s: the value */
        const char *p = strstr(c->message, "%s");
        if (!p)
                return diag_add(d->diags, kind, at->line, at->column, "%s", c->message);
        return diag_add(d->diags, kind, at->line, at->column, "%.*s%s%s", (int) (p - c->message), c->message,
                        value, p + 2);
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

static int decode_strv(Decoder *d, const Node *seq, const SchemaField *f, Value *v) {
        const char **l = arena_new0(d->arena, const char *, seq->n_children + 1);
        size_t n = 0;

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < seq->n_children; i++) {
                const Node *e = seq->children[i];
                if (!type_compatible(e, FIELD_STRING)) {
                        int r = diag_add(d->diags, DIAG_WARNING, e->line, e->column,
                                         "incorrect type for \"%s[%zu]\" (want string)", f->key, i);
                        if (r < 0)
                                return r;
                        continue;
                }
                l[n++] = e->value;
        }
        v->strv = l;
        v->n_strv = n;
        return 0;
}

static int decode_field(Decoder *d, const Node *key, const Node *val, const SchemaField *f, void *base) {
        int r;

        if (f->deprecated) {
                r = diag_add(d->diags, DIAG_WARNING, key->line, key->column, "deprecated key \"%s\" (%s)", f->key,
                             f->deprecated);
                if (r < 0)
                        return r;
        }

        if (!type_compatible(val, f->type))
                return diag_add(d->diags, DIAG_WARNING, key->line, key->column, "incorrect type for \"%s\" (want %s)",
                                f->key, field_type_to_string(f->type));

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
                return diag_add(d->diags, DIAG_ERROR, val->line, val->column,
                                "content cannot be decoded as \"!!binary\"");
        }
        if (f->check && v->len > 0 && !field_check_passes(f->check, v->str))
                return report_check(d, f->check, v->str, val);
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

static int decode_pairs(Decoder *d, const Node *map, const SchemaStruct *s, void *base, unsigned *seen, bool merged);

/* YAML 1.1 merge keys ("<<: *defaults"), which go-yaml v1 honours: merged
 * pairs come first so the mapping's own keys override them. */
static int decode_merge(Decoder *d, const Node *val, const SchemaStruct *s, void *base, unsigned *seen) {
        if (val->type == NODE_MAPPING)
                return decode_pairs(d, val, s, base, seen, true);
        if (val->type == NODE_SEQUENCE)
                for (size_t i = val->n_children; i > 0; i--) {
                        const Node *m = val->children[i - 1];
                        if (m->type != NODE_MAPPING)
                                return diag_add(d->diags, DIAG_ERROR, m->line, m->column,
                                                "a merge key (<<) takes mappings only");
                        int r = decode_pairs(d, m, s, base, seen, true);
                        if (r < 0)
                                return r;
                }
        else
                return diag_add(d->diags, DIAG_ERROR, val->line, val->column, "a merge key (<<) takes a mapping");
        return 0;
}

static bool is_merge_key(const Node *k) {
        return k->type == NODE_SCALAR && k->kind == SCALAR_STRING && !k->tag && streq(k->value, "<<");
}

static int decode_pairs(Decoder *d, const Node *map, const SchemaStruct *s, void *base, unsigned *seen, bool merged) {
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
                char *name;

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
                        if (merged)
                                continue; /* reported where the merged mapping is defined */
                        r = key_text(d, k, &name);
                        if (r < 0)
                                return r;
                        const char *hint = schema_suggest(s, name);
                        r = hint ? diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                            "unrecognized key \"%s\" (did you mean \"%s\"?)", name, hint)
                                 : diag_add(d->diags, DIAG_WARNING, k->line, k->column, "unrecognized key \"%s\"", name);
                        if (r < 0)
                                return r;
                        if (s == &schema_ConfigCoreos && streq(name, "write_files")) {
                                r = diag_add(d->diags, DIAG_INFO, k->line, k->column,
                                             "write_files doesn't belong under coreos");
                                if (r < 0)
                                        return r;
                        }
                        continue;
                }

                size_t idx = (size_t) (f - s->fields);
                if (!merged && seen[idx] > 0) {
                        r = diag_add(d->diags, DIAG_WARNING, k->line, k->column,
                                     "duplicate key \"%s\" (also at line %u); this one wins", f->key, seen[idx]);
                        if (r < 0)
                                return r;
                }
                if (!merged)
                        seen[idx] = k->line;

                r = decode_field(d, k, v, f, base);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int decode_struct(Decoder *d, const Node *map, const SchemaStruct *s, void *base) {
        Value *self = base;
        _cleanup_free_ unsigned *seen = new0(unsigned, s->n_fields);

        if (!seen)
                return -ENOMEM;
        self->set = true;
        value_at(self, map);
        return decode_pairs(d, map, s, base, seen, false);
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
                                r = cloud_config_check(&c.cc, diags);
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
 * exponent is below -4 or at least 6 (so 1e8 prints "1e+08"). */
static void format_go_float(double f, char *buf, size_t size) {
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
        for (; *p && *p != 'e'; p++)
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

        Buf b = {};
        if (neg)
                buf_putc(&b, '-');
        if (exp < 0) {
                buf_puts(&b, "0.");
                for (int i = -1; i > exp; i--)
                        buf_putc(&b, '0');
                buf_puts(&b, digits);
        } else {
                for (int i = 0; i <= exp || (size_t) i < nd; i++) {
                        if (i == exp + 1)
                                buf_putc(&b, '.');
                        buf_putc(&b, (size_t) i < nd ? digits[i] : '0');
                }
        }
        snprintf(buf, size, "%s", b.data ?: "0");
        buf_done(&b);
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
