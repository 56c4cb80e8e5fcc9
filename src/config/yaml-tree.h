/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "basic/arena.h"
#include "basic/macro.h"

/* Limits that keep hostile input from hurting the node. */
#define CONFIG_MAX_SIZE (16U * 1024U * 1024U)
#define YAML_MAX_DEPTH 64U
/* Nodes that alias expansion may add on top of the document (billion laughs). */
#define YAML_ALIAS_BUDGET 100000U

typedef enum NodeType {
        NODE_SCALAR,
        NODE_SEQUENCE,
        NODE_MAPPING,
} NodeType;

/* YAML 1.1 resolution of a scalar, as go-yaml v1 (coreos-cloudinit's parser)
 * does it: plain text is a null, bool, int or float when it looks like one;
 * quoted text and !!str are strings; !!binary is base64-decoded to a string. */
typedef enum ScalarKind {
        SCALAR_NULL,
        SCALAR_BOOL,
        SCALAR_INT,
        SCALAR_FLOAT,
        SCALAR_STRING,
        _SCALAR_KIND_MAX,
} ScalarKind;

typedef struct Node Node;
struct Node {
        NodeType type;
        ScalarKind kind;
        bool binary_invalid;  /* !!binary whose text is not base64 */
        unsigned line, column; /* 1-based position of the node's first character */
        const char *tag;       /* explicit tag as written (resolved), or NULL */
        const char *value;     /* scalar text, NUL-terminated */
        size_t len;
        union {
                bool b;
                int64_t i;
                double f;
        };
        Node **children;       /* sequence: items; mapping: key, value, key, value… */
        size_t n_children;
        size_t weight;         /* nodes in this subtree, aliases counted in full */
};

typedef struct YamlDoc {
        Arena arena;
        Node *root;            /* NULL for an empty document */
} YamlDoc;

typedef struct YamlError {
        unsigned line, column;
        char message[256];
} YamlError;

/* Parses the first document of text (len bytes, need not be NUL-terminated
 * beyond len). On failure returns a negative errno and fills *reterr with the
 * real 1-based position and a message. */
int yaml_doc_parse(const char *text, size_t len, YamlDoc *ret, YamlError *reterr);
void yaml_doc_done(YamlDoc *d);

static inline size_t node_mapping_size(const Node *n) {
        return n->type == NODE_MAPPING ? n->n_children / 2 : 0;
}

/* Resolves plain scalar text; exposed for tests. */
ScalarKind yaml_resolve_plain(const char *s, size_t len, bool *ret_b, int64_t *ret_i, double *ret_f);
