/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "config/schema.h"

/* The words that document the schema table, written once for every output
 * that shows them: nodeinit-cloud-config(5) and the JSON Schema an editor
 * shows on hover. Text comes in pieces, each with its kind, so that each
 * output marks names up its own way (roff bold, plain JSON). */
typedef enum SchemaDocKind {
        SCHEMA_DOC_TEXT, /* running text */
        SCHEMA_DOC_NAME, /* a literal the user types or looks for: key, variable, path, unit */
} SchemaDocKind;

typedef void (*schema_doc_emit_t)(SchemaDocKind kind, const char *s, void *userdata);

/* What a cloud-config is, and the spelling and typing rules of all keys. */
void schema_doc_intro(schema_doc_emit_t emit, void *userdata);
/* What becomes of a section (drop-in, environment file...); nothing for
 * sections that are applied key by key. */
void schema_doc_section(const SchemaStruct *s, schema_doc_emit_t emit, void *userdata);
/* One key: type, variable, allowed values, deprecation. */
void schema_doc_field(const SchemaField *f, schema_doc_emit_t emit, void *userdata);
