/* SPDX-License-Identifier: Apache-2.0 */
/* Writes nodeinit-cloud-config(5) (--man) or the JSON Schema (--json) from
 * the schema table, so neither can list a key the parser does not know, or
 * miss one it does. A cross build takes both from the release tarball. */
#include <stdio.h>

#include "config/schema-doc.h"
#include "config/schema-json.h"

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

static void roff_emit(SchemaDocKind kind, const char *s, void *userdata) {
        if (kind == SCHEMA_DOC_NAME)
                fputs("\\fB", stdout);
        roff_text(s);
        if (kind == SCHEMA_DOC_NAME)
                fputs("\\fR", stdout);
}

static void section(const char *path, const SchemaStruct *s) {
        printf(".SS %s\n", path);
        if (s->render != SCHEMA_RENDER_NONE) {
                schema_doc_section(s, roff_emit, NULL);
                putchar('\n');
        }
        for (size_t i = 0; i < s->n_fields; i++) {
                const SchemaField *f = s->fields + i;
                printf(".TP\n.B %s\n", f->key);
                schema_doc_field(f, roff_emit, NULL);
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

static int man(void) {
        printf(".TH NODEINIT-CLOUD-CONFIG 5 \"\" \"nodeinit\" \"File Formats\"\n"
               ".SH NAME\nnodeinit-cloud-config \\- the cloud-config keys nodeinit understands\n"
               ".SH DESCRIPTION\n");
        schema_doc_intro(roff_emit, NULL);
        printf(" This page is generated from the table nodeinit's parser, validator and renderers use;\n"
               ".B nodeinit schema\n"
               "prints the same as a JSON Schema for editors.\n.SH KEYS\n");
        section("", &schema_ConfigCloudConfig);
        printf(".SH SEE ALSO\n.BR nodeinit (1)\n");
        return ferror(stdout) ? 1 : 0;
}

int main(int argc, char *argv[]) {
        if (argc == 2 && streq(argv[1], "--man"))
                return man();
        if (argc == 2 && streq(argv[1], "--json"))
                return schema_json_write(stdout) < 0 ? 1 : 0;
        fprintf(stderr, "Usage: %s --man|--json\n", argv[0]);
        return 2;
}
