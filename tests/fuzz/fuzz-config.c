/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the cloud-config parser and validator on any bytes.
 * Besides not crashing: every isolation mark (issue 9) is an error the
 * user is told about, at the same place with the same words, since the
 * planner reports the mark and the validator the diagnostic. */
#include <stddef.h>
#include <stdint.h>

#include "config/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool reported(const DiagList *diags, const Value *v) {
        for (size_t i = 0; i < diags->n; i++)
                if (diags->items[i].kind == DIAG_ERROR && diags->items[i].line == v->error_line &&
                    diags->items[i].column == v->error_column && streq(diags->items[i].message, v->error))
                        return true;
        return false;
}

static void check_marks(const DiagList *diags, const SchemaStruct *s, const void *base, unsigned depth) {
        const Value *self = base;

        if (depth > 8)
                __builtin_trap(); /* the schema is not that deep */
        if (self->error && !reported(diags, self))
                __builtin_trap();
        for (size_t i = 0; i < s->n_fields; i++) {
                const SchemaField *f = s->fields + i;
                if (f->type == FIELD_STRUCT)
                        check_marks(diags, f->sub, (const char *) base + f->offset, depth + 1);
                else if (f->type == FIELD_LIST) {
                        const char *items = *(char * const *) ((const char *) base + f->offset);
                        size_t n = *(const size_t *) ((const char *) base + f->count_offset);
                        for (size_t j = 0; j < n; j++)
                                check_marks(diags, f->sub, items + j * f->sub->size, depth + 1);
                } else {
                        const Value *v = model_value_const(base, f);
                        if (v->error && !reported(diags, v))
                                __builtin_trap();
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        DiagList diags = {};
        CloudConfig c = {};

        if (cloud_config_parse((const char *) data, size, &c, &diags) >= 0) {
                check_marks(&diags, &schema_ConfigCloudConfig, &c.cc, 0);
                cloud_config_done(&c);
        }
        for (size_t i = 0; i < diags.n; i++)
                if (!diags.items[i].message || (diags.items[i].line == 0 && diags.items[i].column != 0))
                        __builtin_trap();
        diag_list_done(&diags);
        return 0;
}
