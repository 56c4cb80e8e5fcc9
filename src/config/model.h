/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "config/schema.h"
#include "config/yaml-tree.h"
#include "basic/diag.h"

/* A scalar or string-list setting as the user wrote it. `set` says the key
 * was present with a value of the right type, so an explicit `false` or `0`
 * is distinguishable from an absent key (coreos-cloudinit could not). */
typedef struct Value {
        bool set;
        unsigned line, column; /* of the value (or of the key when there is no value) */
        const char *str;       /* STRING: raw scalar text, !!binary decoded */
        size_t len;
        int64_t i;             /* INT */
        double f;              /* FLOAT */
        bool b;                /* BOOL */
        const char **strv;     /* STRV: NULL-terminated */
        size_t n_strv;
        /* Isolation: the first error found in this value (or, on an item's
         * `self`, anywhere inside the item), with its position. NULL when
         * clean. The planner leaves out exactly the item that holds it. */
        const char *error;
        unsigned error_line, error_column;
} Value;

/* Every model struct starts with `self`: presence and position of the
 * mapping (or list element) itself. */
#define MODEL_MEMBER_STRING(key, sub) Value key;
#define MODEL_MEMBER_INT(key, sub) Value key;
#define MODEL_MEMBER_FLOAT(key, sub) Value key;
#define MODEL_MEMBER_BOOL(key, sub) Value key;
#define MODEL_MEMBER_STRV(key, sub) Value key;
#define MODEL_MEMBER_STRUCT(key, sub) sub key;
#define MODEL_MEMBER_LIST(key, sub) sub *key; size_t n_##key;
#define MODEL_MEMBER(T, key, TYPE, env, check, dep, sub) MODEL_MEMBER_##TYPE(key, sub)

#define DEFINE_MODEL_STRUCT(name, FIELDS)       \
        typedef struct name {                   \
                Value self;                     \
                FIELDS(MODEL_MEMBER, name)      \
        } name

DEFINE_MODEL_STRUCT(ConfigDropIn, CONFIG_DROPIN_FIELDS);
DEFINE_MODEL_STRUCT(ConfigUnit, CONFIG_UNIT_FIELDS);
DEFINE_MODEL_STRUCT(ConfigEtcd, CONFIG_ETCD_FIELDS);
DEFINE_MODEL_STRUCT(ConfigEtcd2, CONFIG_ETCD2_FIELDS);
DEFINE_MODEL_STRUCT(ConfigFleet, CONFIG_FLEET_FIELDS);
DEFINE_MODEL_STRUCT(ConfigFlannel, CONFIG_FLANNEL_FIELDS);
DEFINE_MODEL_STRUCT(ConfigLocksmith, CONFIG_LOCKSMITH_FIELDS);
DEFINE_MODEL_STRUCT(ConfigUpdate, CONFIG_UPDATE_FIELDS);
DEFINE_MODEL_STRUCT(ConfigOem, CONFIG_OEM_FIELDS);
DEFINE_MODEL_STRUCT(ConfigCoreos, CONFIG_COREOS_FIELDS);
DEFINE_MODEL_STRUCT(ConfigFile, CONFIG_FILE_FIELDS);
DEFINE_MODEL_STRUCT(ConfigUser, CONFIG_USER_FIELDS);
DEFINE_MODEL_STRUCT(ConfigCloudConfig, CONFIG_CLOUD_CONFIG_FIELDS);

/* A parsed cloud-config: the model borrows all strings from the document's
 * arena, so the two are freed together. */
typedef struct CloudConfig {
        YamlDoc doc;
        ConfigCloudConfig cc;
} CloudConfig;

/* Parses and validates cloud-config text (header included; line numbers
 * count it as line 1). Every problem becomes a diagnostic; the model keeps
 * what coreos-cloudinit would have kept (unknown keys ignored, wrongly typed
 * values left unset). Returns 0 even with error diagnostics when a model
 * could be built; negative errno (and an error diagnostic) when the text is
 * not YAML at all or breaks a limit. */
int cloud_config_parse(const char *text, size_t len, CloudConfig *ret, DiagList *diags);
void cloud_config_done(CloudConfig *c);

/* Base on the section table: the Value of field f inside struct base. */
static inline Value *model_value(void *base, const SchemaField *f) {
        return (Value *) ((char *) base + f->offset);
}

static inline const Value *model_value_const(const void *base, const SchemaField *f) {
        return (const Value *) ((const char *) base + f->offset);
}

/* Reports an error about the user's input and marks it for isolation
 * (issue 9): on v (may be NULL) and on item, the `self` of the enclosing
 * item (may be NULL: the error then cannot be isolated). The first mark
 * wins; the message is copied into arena, so it lives as long as the model. */
int config_error(Arena *arena, DiagList *diags, Value *v, Value *item, unsigned line, unsigned column,
                 const char *fmt, ...) _printf_(7, 8);

/* Large enough for any value_format() result of a number. */
#define VALUE_FORMAT_MAX 64U

/* Renders a set scalar as coreos-cloudinit's Go %v does: strings raw, ints
 * decimal, bools true/false, floats shortest %g with Go's exponent rule.
 * Returns a string in buf (size ≥ VALUE_FORMAT_MAX; numbers never need
 * more, and no allocation is involved) or v->str. */
const char *value_format(const Value *v, FieldType type, char *buf, size_t size);
