/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdarg.h>

#include <yaml.h>

#include "basic/base64.h"
#include "basic/utf8.h"
#include "config/yaml-tree.h"

typedef struct Frame {
        Node *node;
        Node **items;
        size_t n_items, allocated;
        const char *anchor;
} Frame;

typedef struct Anchor {
        struct Anchor *next;
        const char *name;
        Node *node;
} Anchor;

#define ANCHOR_BUCKETS 256U

typedef struct Builder {
        Arena *arena;
        Frame stack[YAML_MAX_DEPTH + 1];
        size_t depth;
        Anchor *anchors[ANCHOR_BUCKETS];
        size_t alias_weight;
        Node *root;
} Builder;

static void builder_done(Builder *b) {
        for (size_t i = 0; i < b->depth; i++)
                free(b->stack[i].items);
}

static void parser_deletep(yaml_parser_t **p) {
        if (*p)
                yaml_parser_delete(*p);
}

static void set_error(YamlError *e, unsigned line, unsigned column, const char *fmt, ...) _printf_(4, 5);
static void set_error(YamlError *e, unsigned line, unsigned column, const char *fmt, ...) {
        va_list ap;

        e->line = line;
        e->column = column;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
}

static unsigned anchor_hash(const char *s) {
        uint32_t h = 2166136261U;
        for (; *s; s++)
                h = (h ^ (uint8_t) *s) * 16777619U;
        return h % ANCHOR_BUCKETS;
}

static int anchor_add(Builder *b, const char *name, Node *node) {
        Anchor *a = arena_new0(b->arena, Anchor, 1);
        if (!a)
                return -ENOMEM;
        unsigned h = anchor_hash(name);
        /* redefinition shadows: later aliases see the newest anchor */
        *a = (Anchor) { .next = b->anchors[h], .name = name, .node = node };
        b->anchors[h] = a;
        return 0;
}

static Node *anchor_find(Builder *b, const char *name) {
        for (Anchor *a = b->anchors[anchor_hash(name)]; a; a = a->next)
                if (streq(a->name, name))
                        return a->node;
        return NULL;
}

static bool text_in(const char *s, size_t len, const char * const *set) {
        for (; *set; set++)
                if (strlen(*set) == len && memcmp(*set, s, len) == 0)
                        return true;
        return false;
}

/* go-yaml v1's float shape ^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$, applied
 * after '_' removal. */
static bool looks_like_float(const char *s) {
        if (*s == '+' || *s == '-')
                s++;
        size_t before = strspn(s, "0123456789");
        s += before;
        if (*s == '.') {
                s++;
                size_t after = strspn(s, "0123456789");
                if (after == 0)
                        return false;
                s += after;
        } else if (before == 0)
                return false;
        if (*s == 'e' || *s == 'E') {
                s++;
                if (*s != '+' && *s != '-')
                        return false;
                s++;
                size_t exp = strspn(s, "0123456789");
                if (exp == 0)
                        return false;
                s += exp;
        }
        return *s == 0;
}

static bool parse_int(const char *s, int64_t *ret) {
        bool neg = false;
        int base = 10;

        if (*s == '+' || *s == '-')
                neg = *s++ == '-';
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
                base = 16, s += 2;
        else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
                base = 2, s += 2;
        else if (s[0] == '0' && s[1])
                base = 8, s++;
        if (!*s)
                return false;

        uint64_t v = 0;
        for (; *s; s++) {
                int d;
                if (*s >= '0' && *s <= '9')
                        d = *s - '0';
                else if (*s >= 'a' && *s <= 'f')
                        d = *s - 'a' + 10;
                else if (*s >= 'A' && *s <= 'F')
                        d = *s - 'A' + 10;
                else
                        return false;
                if (d >= base)
                        return false;
                if (v > (UINT64_MAX - (uint64_t) d) / (uint64_t) base)
                        return false;
                v = v * (uint64_t) base + (uint64_t) d;
        }
        if (neg ? v > (uint64_t) INT64_MAX + 1 : v > (uint64_t) INT64_MAX)
                return false;
        *ret = neg ? (int64_t) (0 - v) : (int64_t) v;
        return true;
}

ScalarKind yaml_resolve_plain(const char *s, size_t len, bool *ret_b, int64_t *ret_i, double *ret_f) {
        static const char * const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
        static const char * const trues[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL };
        static const char * const falses[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL };
        static const char * const infs[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
        static const char * const ninfs[] = { "-.inf", "-.Inf", "-.INF", NULL };
        static const char * const nans[] = { ".nan", ".NaN", ".NAN", NULL };

        /* every word in these sets has at most five characters: long
         * scalars (most of a cloud-config) skip the comparisons */
        if (len > 5)
                goto number;
        if (text_in(s, len, nulls))
                return SCALAR_NULL;
        if (text_in(s, len, trues)) {
                *ret_b = true;
                return SCALAR_BOOL;
        }
        if (text_in(s, len, falses)) {
                *ret_b = false;
                return SCALAR_BOOL;
        }
        if (text_in(s, len, infs) || text_in(s, len, ninfs) || text_in(s, len, nans)) {
                *ret_f = text_in(s, len, nans) ? NAN : text_in(s, len, ninfs) ? -INFINITY : INFINITY;
                return SCALAR_FLOAT;
        }
number:
        if (!strchr("+-.0123456789", s[0]) || len > 64 || memchr(s, 0, len))
                return SCALAR_STRING;

        char plain[65];
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
                if (s[i] != '_')
                        plain[n++] = s[i];
        plain[n] = 0;

        if (parse_int(plain, ret_i))
                return SCALAR_INT;
        if (looks_like_float(plain)) {
                *ret_f = strtod(plain, NULL);
                return SCALAR_FLOAT;
        }
        return SCALAR_STRING;
}

static void resolve_scalar(Node *n, const yaml_event_t *e, Arena *arena) {
        const char *tag = (const char *) e->data.scalar.tag;
        bool plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

        n->kind = SCALAR_STRING;
        if (!tag || streq(tag, "!")) {
                if (plain && !tag)
                        n->kind = yaml_resolve_plain(n->value, n->len, &n->b, &n->i, &n->f);
                return;
        }

        n->tag = arena_strndup(arena, tag, strlen(tag));
        if (streq(tag, YAML_STR_TAG))
                return;
        if (streq(tag, "tag:yaml.org,2002:binary")) {
                _cleanup_free_ char *d = NULL;
                size_t dl;
                /* YAML allows white space inside !!binary; base64_decode skips
                 * line breaks, so only drop blanks here. */
                _cleanup_free_ char *t = malloc(n->len + 1);
                size_t tl = 0;
                if (!t) {
                        n->binary_invalid = true;
                        return;
                }
                for (size_t i = 0; i < n->len; i++)
                        if (n->value[i] != ' ' && n->value[i] != '\t')
                                t[tl++] = n->value[i];
                if (base64_decode(t, tl, &d, &dl) < 0) {
                        n->binary_invalid = true;
                        return;
                }
                const char *v = arena_strndup(arena, d, dl);
                if (v) {
                        n->value = v;
                        n->len = dl;
                }
                return;
        }

        bool b;
        int64_t i;
        double f;
        ScalarKind k = yaml_resolve_plain(n->value, n->len, &b, &i, &f);
        if ((streq(tag, YAML_BOOL_TAG) && k == SCALAR_BOOL) ||
            (streq(tag, YAML_INT_TAG) && k == SCALAR_INT) ||
            (streq(tag, YAML_NULL_TAG) && k == SCALAR_NULL)) {
                n->kind = k;
                n->b = b;
                n->i = i;
        } else if (streq(tag, YAML_FLOAT_TAG) && (k == SCALAR_FLOAT || k == SCALAR_INT)) {
                n->kind = SCALAR_FLOAT;
                n->f = k == SCALAR_INT ? (double) i : f;
        }
}

static int push_child(Builder *b, Node *child, YamlError *reterr) {
        if (b->depth == 0) {
                if (!b->root)
                        b->root = child;
                return 0;
        }

        Frame *f = &b->stack[b->depth - 1];
        if (f->n_items >= f->allocated) {
                size_t a = MAX(f->allocated * 2, (size_t) 8);
                Node **n = reallocarray(f->items, a, sizeof(Node *));
                if (!n)
                        return -ENOMEM;
                f->items = n;
                f->allocated = a;
        }
        f->items[f->n_items++] = child;
        return 0;
}

static Node *node_new(Builder *b, NodeType type, yaml_mark_t mark) {
        Node *n = arena_new0(b->arena, Node, 1);
        if (!n)
                return NULL;
        n->type = type;
        n->line = (unsigned) mark.line + 1;
        n->column = (unsigned) mark.column + 1;
        n->weight = 1;
        return n;
}

static int handle_event(Builder *b, const yaml_event_t *e, YamlError *reterr) {
        unsigned line = (unsigned) e->start_mark.line + 1, column = (unsigned) e->start_mark.column + 1;
        const char *anchor = NULL;
        Node *n;

        switch (e->type) {
        case YAML_SCALAR_EVENT:
                n = node_new(b, NODE_SCALAR, e->start_mark);
                if (!n)
                        return -ENOMEM;
                n->value = arena_strndup(b->arena, (const char *) e->data.scalar.value, e->data.scalar.length);
                if (!n->value)
                        return -ENOMEM;
                n->len = e->data.scalar.length;
                resolve_scalar(n, e, b->arena);
                if (e->data.scalar.anchor) {
                        anchor = arena_strndup(b->arena, (const char *) e->data.scalar.anchor,
                                               strlen((const char *) e->data.scalar.anchor));
                        if (!anchor || anchor_add(b, anchor, n) < 0)
                                return -ENOMEM;
                }
                return push_child(b, n, reterr);

        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
                bool seq = e->type == YAML_SEQUENCE_START_EVENT;
                if (b->depth >= YAML_MAX_DEPTH) {
                        set_error(reterr, line, column, "nesting deeper than %u levels", YAML_MAX_DEPTH);
                        return -ELOOP;
                }
                n = node_new(b, seq ? NODE_SEQUENCE : NODE_MAPPING, e->start_mark);
                if (!n)
                        return -ENOMEM;
                const yaml_char_t *a = seq ? e->data.sequence_start.anchor : e->data.mapping_start.anchor;
                const yaml_char_t *t = seq ? e->data.sequence_start.tag : e->data.mapping_start.tag;
                if (t)
                        n->tag = arena_strndup(b->arena, (const char *) t, strlen((const char *) t));
                if (a) {
                        anchor = arena_strndup(b->arena, (const char *) a, strlen((const char *) a));
                        if (!anchor)
                                return -ENOMEM;
                }
                b->stack[b->depth++] = (Frame) { .node = n, .anchor = anchor };
                return 0;
        }

        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
                Frame f = b->stack[--b->depth];
                _cleanup_free_ Node **items = f.items;

                n = f.node;
                n->n_children = f.n_items;
                n->children = arena_new0(b->arena, Node *, f.n_items);
                if (!n->children)
                        return -ENOMEM;
                for (size_t i = 0; i < f.n_items; i++) {
                        n->children[i] = items[i];
                        n->weight += items[i]->weight;
                }
                if (f.anchor && anchor_add(b, f.anchor, n) < 0)
                        return -ENOMEM;
                return push_child(b, n, reterr);
        }

        case YAML_ALIAS_EVENT: {
                const char *name = (const char *) e->data.alias.anchor;
                n = anchor_find(b, name);
                if (!n) {
                        set_error(reterr, line, column, "unknown anchor '%s' referenced", name);
                        return -EBADMSG;
                }
                b->alias_weight += n->weight;
                if (b->alias_weight > YAML_ALIAS_BUDGET) {
                        set_error(reterr, line, column,
                                  "alias expansion grows past %u nodes; refusing (billion-laughs style input?)",
                                  YAML_ALIAS_BUDGET);
                        return -E2BIG;
                }
                /* Shared, not copied: the budget above bounds every walk. */
                return push_child(b, n, reterr);
        }

        default:
                return 0;
        }
}

/* 1-based line and column (in characters) of byte offset off. */
static void offset_to_position(const char *text, size_t off, unsigned *ret_line, unsigned *ret_col) {
        unsigned line = 1, col = 1;
        for (size_t i = 0; i < off; i++) {
                if (text[i] == '\n') {
                        line++;
                        col = 1;
                } else if (((unsigned char) text[i] & 0xc0) != 0x80)
                        col++;
        }
        *ret_line = line;
        *ret_col = col;
}

int yaml_doc_parse(const char *text, size_t len, YamlDoc *ret, YamlError *reterr) {
        if (len > CONFIG_MAX_SIZE) {
                set_error(reterr, 0, 0, "input is %zu bytes, more than the limit of %u", len, CONFIG_MAX_SIZE);
                return -EFBIG;
        }

        const char *nul = memchr(text, 0, len);
        size_t bad = utf8_invalid_offset(text, nul ? (size_t) (nul - text) : len);
        if (nul || bad < len) {
                unsigned l, c;
                size_t off = nul && bad >= (size_t) (nul - text) ? (size_t) (nul - text) : bad;
                offset_to_position(text, off, &l, &c);
                set_error(reterr, l, c, off == (size_t) (nul - text) && nul ? "NUL byte in input" : "invalid UTF-8 byte sequence");
                return -EBADMSG;
        }

        YamlDoc doc = {};
        _cleanup_(builder_done) Builder b = { .arena = &doc.arena };
        yaml_parser_t parser;

        if (!yaml_parser_initialize(&parser)) {
                arena_done(&doc.arena);
                return -ENOMEM;
        }
        _cleanup_(parser_deletep) _unused_ yaml_parser_t *pp = &parser;
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, len);
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

        for (;;) {
                yaml_event_t e;
                if (!yaml_parser_parse(&parser, &e)) {
                        /* libyaml's problem mark is where it noticed; for an
                         * unfinished simple key the key's own line is where the
                         * user has to look (coreos-cloudinit#323). */
                        yaml_mark_t m = parser.problem_mark;
                        if (parser.context && parser.context_mark.line < m.line &&
                            strstr(parser.context, "simple key"))
                                m = parser.context_mark;
                        set_error(reterr, (unsigned) m.line + 1, (unsigned) m.column + 1, "%s",
                                  parser.problem ?: "invalid YAML");
                        arena_done(&doc.arena);
                        return -EBADMSG;
                }

                bool end = e.type == YAML_DOCUMENT_END_EVENT || e.type == YAML_STREAM_END_EVENT;
                int r = end ? 0 : handle_event(&b, &e, reterr);
                yaml_event_delete(&e);
                if (r == -ENOMEM)
                        set_error(reterr, 0, 0, "out of memory");
                if (r < 0) {
                        arena_done(&doc.arena);
                        return r;
                }
                if (end)
                        break;
        }

        doc.root = b.root;
        *ret = doc;
        return 0;
}

void yaml_doc_done(YamlDoc *d) {
        arena_done(&d->arena);
        d->root = NULL;
}
