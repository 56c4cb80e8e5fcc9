/* SPDX-License-Identifier: Apache-2.0 */
/* Writes nodeinit-cloud-config(5) from the schema table, so the manual can
 * never list a key the parser does not know, or miss one it does. */
#include <stdio.h>

#include "config/schema.h"

static void roff_text(const char *s) {
        for (; *s; s++) {
                if (*s == '\\')
                        fputs("\\e", stdout);
                else if (*s == '-')
                        fputs("\\-", stdout);
                else
                        putchar(*s);
        }
}

static void section(const char *path, const SchemaStruct *s) {
        printf(".SS %s\n", path);
        if (s->dropin_unit) {
                printf("Rendered as Environment= lines of the drop-in\n.IR /run/systemd/system/%s.d/20-cloudinit.conf ,\nin this order.\n",
                       s->dropin_unit);
        }
        for (size_t i = 0; i < s->n_fields; i++) {
                const SchemaField *f = s->fields + i;
                printf(".TP\n.B %s\n", f->key);
                printf("Type: %s.", field_type_to_string(f->type));
                if (f->env) {
                        printf(" Variable: \\fB");
                        roff_text(f->env);
                        printf("\\fR.");
                }
                if (f->check) {
                        printf(" Allowed: ");
                        roff_text(f->check->describe);
                        printf(".");
                }
                if (f->deprecated) {
                        printf(" Deprecated: ");
                        roff_text(f->deprecated);
                        printf(".");
                }
                putchar('\n');
        }
        for (size_t i = 0; i < s->n_fields; i++) {
                const SchemaField *f = s->fields + i;
                if (f->type == FIELD_STRUCT || f->type == FIELD_LIST) {
                        char sub[256];
                        snprintf(sub, sizeof sub, "%s%s%s%s", path, *path ? "." : "", f->key,
                                 f->type == FIELD_LIST ? "[]" : "");
                        section(sub, f->sub);
                }
        }
}

int main(void) {
        printf(".TH NODEINIT-CLOUD-CONFIG 5 \"\" \"nodeinit\" \"File Formats\"\n"
               ".SH NAME\nnodeinit-cloud-config \\- the cloud-config keys nodeinit understands\n"
               ".SH DESCRIPTION\nA cloud-config is YAML whose first line is \\fB#cloud-config\\fR. "
               "In every key, \\fB-\\fR and \\fB_\\fR are the same (\\fBpeer-addr\\fR is \\fBpeer_addr\\fR). "
               "String fields keep the text as written (\\fBoff\\fR, \\fB0744\\fR); bool fields take YAML 1.1 booleans "
               "(yes, no, on, off, true, false). This page is generated from the table nodeinit's parser, "
               "validator and renderers use.\n.SH KEYS\n");
        section("", &schema_ConfigCloudConfig);
        printf(".SH SEE ALSO\n.BR nodeinit (1)\n");
        return 0;
}
