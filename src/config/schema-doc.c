/* SPDX-License-Identifier: Apache-2.0 */
#include "config/schema-doc.h"

void schema_doc_intro(schema_doc_emit_t emit, void *userdata) {
        emit(SCHEMA_DOC_TEXT, "A cloud-config is YAML whose first line is ", userdata);
        emit(SCHEMA_DOC_NAME, "#cloud-config", userdata);
        emit(SCHEMA_DOC_TEXT, ". In every key, ", userdata);
        emit(SCHEMA_DOC_NAME, "-", userdata);
        emit(SCHEMA_DOC_TEXT, " and ", userdata);
        emit(SCHEMA_DOC_NAME, "_", userdata);
        emit(SCHEMA_DOC_TEXT, " are the same (", userdata);
        emit(SCHEMA_DOC_NAME, "peer-addr", userdata);
        emit(SCHEMA_DOC_TEXT, " is ", userdata);
        emit(SCHEMA_DOC_NAME, "peer_addr", userdata);
        emit(SCHEMA_DOC_TEXT, "). String fields keep the text as written (", userdata);
        emit(SCHEMA_DOC_NAME, "off", userdata);
        emit(SCHEMA_DOC_TEXT, ", ", userdata);
        emit(SCHEMA_DOC_NAME, "0744", userdata);
        emit(SCHEMA_DOC_TEXT, "); bool fields take YAML 1.1 booleans (yes, no, on, off, true, false).", userdata);
}

/* ", which UNIT reads", for a file a unit reads */
static void emit_reader(const SchemaStruct *s, schema_doc_emit_t emit, void *userdata) {
        if (!s->unit)
                return;
        emit(SCHEMA_DOC_TEXT, ", which ", userdata);
        emit(SCHEMA_DOC_NAME, s->unit, userdata);
        emit(SCHEMA_DOC_TEXT, " reads", userdata);
}

void schema_doc_section(const SchemaStruct *s, schema_doc_emit_t emit, void *userdata) {
        switch (s->render) {
        case SCHEMA_RENDER_DROPIN:
                emit(SCHEMA_DOC_TEXT, "Rendered as Environment= lines of the drop-in ", userdata);
                emit(SCHEMA_DOC_NAME, "/run/systemd/system/", userdata);
                emit(SCHEMA_DOC_NAME, s->unit, userdata);
                emit(SCHEMA_DOC_NAME, ".d/20-cloudinit.conf", userdata);
                emit(SCHEMA_DOC_TEXT, ", in this order.", userdata);
                break;
        case SCHEMA_RENDER_ENV_FILE:
                emit(SCHEMA_DOC_TEXT, "Rendered as KEY=value lines of ", userdata);
                emit(SCHEMA_DOC_NAME, s->path, userdata);
                emit_reader(s, emit, userdata);
                emit(SCHEMA_DOC_TEXT, ", in this order.", userdata);
                break;
        case SCHEMA_RENDER_MERGE:
                emit(SCHEMA_DOC_TEXT, "Merged as KEY=value lines into ", userdata);
                emit(SCHEMA_DOC_NAME, s->path, userdata);
                emit_reader(s, emit, userdata);
                emit(SCHEMA_DOC_TEXT, ".", userdata);
                break;
        case SCHEMA_RENDER_OS_RELEASE:
                emit(SCHEMA_DOC_TEXT, "Rendered as os-release(5) lines of ", userdata);
                emit(SCHEMA_DOC_NAME, s->path, userdata);
                emit(SCHEMA_DOC_TEXT, ".", userdata);
                break;
        default:
                break;
        }
}

void schema_doc_field(const SchemaField *f, schema_doc_emit_t emit, void *userdata) {
        emit(SCHEMA_DOC_TEXT, "Type: ", userdata);
        emit(SCHEMA_DOC_TEXT, field_type_to_string(f->type), userdata);
        emit(SCHEMA_DOC_TEXT, ".", userdata);
        if (f->env) {
                emit(SCHEMA_DOC_TEXT, " Variable: ", userdata);
                emit(SCHEMA_DOC_NAME, f->env, userdata);
                emit(SCHEMA_DOC_TEXT, ".", userdata);
        }
        if (f->check) {
                emit(SCHEMA_DOC_TEXT, " Allowed: ", userdata);
                emit(SCHEMA_DOC_TEXT, f->check->describe, userdata);
                emit(SCHEMA_DOC_TEXT, ".", userdata);
        }
        if (f->deprecated) {
                emit(SCHEMA_DOC_TEXT, " Deprecated: ", userdata);
                emit(SCHEMA_DOC_TEXT, f->deprecated, userdata);
                emit(SCHEMA_DOC_TEXT, ".", userdata);
        }
}
