/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The property of issue 8: substituting metadata never changes a
 * document's structure. A document with the values substituted must parse
 * to the same tree as the document with each token replaced by a plain
 * word: same node types, same number of children, same keys (equal but for
 * the substituted letters). Shared by the fuzz target (fuzz-substitute.c)
 * and the unit property test.
 *
 * The plain word for a value is 'q' repeated to the value's length, so that
 * YAML's 1024-character limit on a key sees the same lengths; a refused
 * value is "" in both. Left out of the comparison (return 0), as lexical
 * choices of the author rather than structure: a token inside an anchor or
 * alias name (&$hostname), in a %-directive line, or right after a "\x",
 * "\u" or "\U" escape. */

#include <string.h>

#include "basic/buf.h"
#include "config/yaml-tree.h"
#include "userdata/substitute.h"

static inline bool structure_hex(char c) {
        return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
}

/* userdata_substitute()'s token rule, without its value check, so that a
 * plain word can be put where a value would go. Checked against the real
 * one on every input (structure_check()). */
static inline int structure_substitute(const char *in, size_t len, char * const values[], Buf *out) {
        size_t copied = 0;
        int r;

        for (size_t at = 0; at < len; at++) {
                SubstituteToken t;
                size_t tl = 0;

                if (in[at] != '$')
                        continue;
                for (t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++) {
                        tl = strlen(substitute_token_to_string(t));
                        if (len - at - 1 >= tl && memcmp(in + at + 1, substitute_token_to_string(t), tl) == 0)
                                break;
                }
                if (t == _SUBSTITUTE_TOKEN_MAX)
                        continue;
                if (at > 0 && in[at - 1] == '\\') {
                        r = buf_append(out, in + copied, at - 1 - copied);
                        if (r >= 0)
                                r = buf_append(out, in + at, 1 + tl);
                } else {
                        r = buf_append(out, in + copied, at - copied);
                        if (r >= 0 && values[t])
                                r = buf_puts(out, values[t]);
                }
                if (r < 0)
                        return r;
                copied = at + 1 + tl;
                at = copied - 1;
        }
        return buf_append(out, in + copied, len - copied);
}

static inline bool structure_same_key(const Node *a, const Node *b) {
        if (a->type != NODE_SCALAR || b->type != NODE_SCALAR || a->tag || b->tag)
                return a->type == b->type;
        if (a->len != b->len)
                return false;
        /* b is the plain-word side: its 'q's stand for the value's characters */
        for (size_t i = 0; i < a->len; i++)
                if (a->value[i] != b->value[i] && b->value[i] != 'q')
                        return false;
        return true;
}

static inline bool structure_same(const Node *a, const Node *b, unsigned depth) {
        if (!a || !b)
                return a == b;
        if (a->type != b->type || a->n_children != b->n_children || depth > YAML_MAX_DEPTH + 1)
                return false;
        for (size_t i = 0; i < a->n_children; i++) {
                if (a->type == NODE_MAPPING && i % 2 == 0 && !structure_same_key(a->children[i], b->children[i]))
                        return false;
                if (!structure_same(a->children[i], b->children[i], depth + 1))
                        return false;
        }
        return true;
}

/* A token that names an anchor, sits in a directive or ends an escape. */
static inline bool structure_lexical_only(const char *doc, size_t len) {
        for (size_t i = 0; i < len; i++) {
                if (doc[i] != '$')
                        continue;
                size_t j = i;
                while (j > 0 && !strchr(" \t\r\n,[]{}", doc[j - 1]) && doc[j - 1] != 0)
                        j--;
                if (doc[j] == '&' || doc[j] == '*')
                        return true;
                size_t l = i;
                while (l > 0 && doc[l - 1] != '\n')
                        l--;
                if (doc[l] == '%')
                        return true;
                size_t h = i;
                while (h > 0 && i - h < 8 && structure_hex(doc[h - 1]))
                        h--;
                for (; h <= i; h++)
                        if (h >= 2 && doc[h - 2] == '\\' && strchr("xuU", doc[h - 1]))
                                return true;
        }
        return false;
}

/* 1: the structures were compared and are the same; 0: nothing to compare
 * (the plain-word document is no YAML, or structure_lexical_only());
 * -EUCLEAN: substitution changed the structure; -EBADE: the reference
 * substitution disagrees with userdata_substitute(); other negative errno. */
static inline int structure_check(const char *doc, size_t len, const SubstituteValues *values) {
        char *taken[_SUBSTITUTE_TOKEN_MAX] = {}, *words[_SUBSTITUTE_TOKEN_MAX] = {};
        _cleanup_free_ char *out = NULL;
        _cleanup_(buf_done) Buf ref = {}, plain = {};
        size_t n_out;
        YamlDoc a = {}, b = {};
        YamlError e;
        int r;

        for (SubstituteToken t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++) {
                const char *v = values->values[t];
                if (!v || substitute_value_problem(t, v))
                        continue; /* "" in both */
                taken[t] = values->values[t];
                words[t] = strdup(v);
                if (!words[t]) {
                        r = -ENOMEM;
                        goto finish;
                }
                memset(words[t], 'q', strlen(v));
        }

        r = userdata_substitute(doc, len, values, 0, &out, &n_out, NULL);
        if (r >= 0)
                r = structure_substitute(doc, len, taken, &ref);
        if (r >= 0)
                r = structure_substitute(doc, len, words, &plain);
        if (r < 0)
                goto finish;
        if (ref.len != n_out || memcmp(ref.data ?: "", out, n_out) != 0) {
                r = -EBADE;
                goto finish;
        }
        r = 0;
        if (plain.len != n_out) {
                r = -EUCLEAN;
                goto finish;
        }
        if (structure_lexical_only(doc, len) || yaml_doc_parse(plain.data ?: "", plain.len, &b, &e) < 0)
                goto finish;

        r = yaml_doc_parse(out, n_out, &a, &e);
        if (r == -ENOMEM) {
                yaml_doc_done(&b);
                goto finish;
        }
        /* a document that parses with plain words must parse with values */
        bool same = r >= 0 && structure_same(a.root, b.root, 0);
        if (r >= 0)
                yaml_doc_done(&a);
        yaml_doc_done(&b);
        r = same ? 1 : -EUCLEAN;
finish:
        for (SubstituteToken t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++)
                free(words[t]);
        return r;
}
