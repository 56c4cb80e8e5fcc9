/* SPDX-License-Identifier: Apache-2.0 */
#include "config/schema-doc.h"
#include "config/schema-json.h"

/* The schema is for readers that load YAML 1.2, as editors do: there `off`
 * and `yes` are strings and `0744` is a number, where nodeinit (YAML 1.1,
 * go-yaml v1) reads them as booleans and keeps the text. So string fields
 * take any scalar, as coreos-cloudinit's validator does, and bool fields
 * also take the YAML 1.1 words that only nodeinit reads as booleans.
 *
 * Unknown keys are rejected (additionalProperties: false): coreos-cloudinit's
 * validator warns about each one ("unrecognized key"), which is what an
 * editor's squiggle is for. Both spellings of a key are listed, the '-' one
 * referring to the '_' one; mixed spellings (peer-ca_file) are flagged,
 * though nodeinit reads them. */

#define SCHEMA_ID "https://json-schema.org/draft/2020-12/schema"

/* Regular expressions for checks that are C predicates. Given where the
 * expression says exactly what the predicate accepts, or is implied by it
 * (drop-in names, paths), so an editor never flags what nodeinit takes. */
static const struct {
        const FieldCheck *check;
        const char *pattern;
} check_patterns[] = {
        { &check_permissions, "^0?[0-7]{3,4}$" },
        { &check_window_start,
          "^(([Ss][Uu][Nn]|[Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]) )?"
          "0*([0-9]|1[0-9]|2[0-3]):0*([0-9]|[1-5][0-9])$" },
        { &check_window_length, "^[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+$" },
        { &check_dropin_name, "^[^./][^/]*\\.conf$" },
        { &check_file_path, "^/" },
};

/* go-yaml v1's booleans that YAML 1.2 reads as strings */
static const char * const yaml11_bools[] = {
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF", NULL,
};

typedef struct Writer {
        FILE *f;
        unsigned depth;
        bool first; /* nothing written yet at this depth */
} Writer;

static void put_escaped(FILE *f, const char *s) {
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c == '\n')
                        fputs("\\n", f);
                else if (c < 0x20)
                        fprintf(f, "\\u%04x", c);
                else
                        putc(c, f);
        }
}

static void doc_emit(SchemaDocKind kind, const char *s, void *userdata) {
        put_escaped(userdata, s);
}

/* Starts a member (key != NULL) or an array element. */
static void begin(Writer *w, const char *key) {
        fputs(w->first ? "\n" : ",\n", w->f);
        for (unsigned i = 0; i < w->depth; i++)
                fputs("  ", w->f);
        if (key) {
                putc('"', w->f);
                put_escaped(w->f, key);
                fputs("\": ", w->f);
        }
        w->first = false;
}

static void open_(Writer *w, const char *key, char bracket) {
        begin(w, key);
        putc(bracket, w->f);
        w->depth++;
        w->first = true;
}

static void close_(Writer *w, char bracket) {
        w->depth--;
        if (!w->first) {
                putc('\n', w->f);
                for (unsigned i = 0; i < w->depth; i++)
                        fputs("  ", w->f);
        }
        putc(bracket, w->f);
        w->first = false;
}

static void string(Writer *w, const char *key, const char *value) {
        begin(w, key);
        putc('"', w->f);
        put_escaped(w->f, value);
        putc('"', w->f);
}

static void raw(Writer *w, const char *key, const char *value) {
        begin(w, key);
        fputs(value, w->f);
}

/* A list of strings on one line: enums stay readable. */
static void string_list(Writer *w, const char *key, const char * const *l) {
        begin(w, key);
        putc('[', w->f);
        for (const char * const *s = l; *s; s++) {
                fputs(s == l ? "\"" : ", \"", w->f);
                put_escaped(w->f, *s);
                putc('"', w->f);
        }
        putc(']', w->f);
}

static const char *check_pattern(const FieldCheck *c) {
        for (size_t i = 0; i < ELEMENTSOF(check_patterns); i++)
                if (check_patterns[i].check == c)
                        return check_patterns[i].pattern;
        return NULL;
}

static void description(Writer *w, const SchemaField *f) {
        begin(w, "description");
        putc('"', w->f);
        schema_doc_field(f, doc_emit, w->f);
        /* sections that render as a whole say how */
        if (f->sub && f->sub->render != SCHEMA_RENDER_NONE) {
                putc(' ', w->f);
                schema_doc_section(f->sub, doc_emit, w->f);
        }
        putc('"', w->f);
}

/* A string field's value, or a []string field's element. */
static void string_value(Writer *w, const FieldCheck *check) {
        const char *pattern;

        if (check && check->one_of) {
                string_list(w, "enum", check->one_of);
                return;
        }
        /* coreos-cloudinit: a string field takes any scalar but null */
        string_list(w, "type", (const char * const[]) { "string", "number", "boolean", NULL });
        pattern = check ? check_pattern(check) : NULL;
        if (pattern)
                string(w, "pattern", pattern);
}

static void scalar_type(Writer *w, const SchemaField *f) {
        switch (f->type) {
        case FIELD_STRING:
                string_value(w, f->check);
                break;
        case FIELD_INT:
                string(w, "type", "integer");
                break;
        case FIELD_FLOAT:
                string(w, "type", "number");
                break;
        case FIELD_BOOL:
                open_(w, "anyOf", '[');
                open_(w, NULL, '{');
                string(w, "type", "boolean");
                close_(w, '}');
                open_(w, NULL, '{');
                string_list(w, "enum", yaml11_bools);
                close_(w, '}');
                close_(w, ']');
                break;
        case FIELD_STRV:
                string(w, "type", "array");
                open_(w, "items", '{');
                string_value(w, f->check);
                close_(w, '}');
                break;
        default:
                break;
        }
}

static void struct_ref(Writer *w, const char *key, const SchemaStruct *s) {
        char ref[128];

        snprintf(ref, sizeof ref, "#/$defs/%s", s->name);
        string(w, key, ref);
}

static void field(Writer *w, const SchemaField *f) {
        open_(w, f->key, '{');
        description(w, f);
        if (f->deprecated) {
                raw(w, "deprecated", "true");
                /* VS Code's own keyword: shown instead of the bare flag */
                string(w, "deprecationMessage", f->deprecated);
        }
        if (f->type == FIELD_STRUCT)
                struct_ref(w, "$ref", f->sub);
        else if (f->type == FIELD_LIST) {
                string(w, "type", "array");
                open_(w, "items", '{');
                struct_ref(w, "$ref", f->sub);
                close_(w, '}');
        } else
                scalar_type(w, f);
        close_(w, '}');
}

/* "properties" of a section, both spellings, and no others. */
static void properties(Writer *w, const SchemaStruct *s, const char *pointer) {
        open_(w, "properties", '{');
        for (size_t i = 0; i < s->n_fields; i++)
                field(w, s->fields + i);
        for (size_t i = 0; i < s->n_fields; i++) {
                const char *key = s->fields[i].key;
                char dashed[128], ref[256];

                if (!strchr(key, '_') || strlen(key) >= sizeof dashed)
                        continue;
                for (size_t j = 0; j <= strlen(key); j++)
                        dashed[j] = key[j] == '_' ? '-' : key[j];
                snprintf(ref, sizeof ref, "%s/properties/%s", pointer, key);
                open_(w, dashed, '{');
                string(w, "$ref", ref);
                close_(w, '}');
        }
        close_(w, '}');
        raw(w, "additionalProperties", "false");
}

/* Every section once under $defs, in table order, depth first. */
static void defs(Writer *w, const SchemaStruct *s) {
        for (size_t i = 0; i < s->n_fields; i++) {
                const SchemaStruct *sub = s->fields[i].sub;
                char pointer[128];

                if (!sub)
                        continue;
                snprintf(pointer, sizeof pointer, "#/$defs/%s", sub->name);
                open_(w, sub->name, '{');
                string(w, "type", "object");
                properties(w, sub, pointer);
                close_(w, '}');
                defs(w, sub);
        }
}

int schema_json_write(FILE *f) {
        Writer w = { .f = f, .first = true };

        open_(&w, NULL, '{');
        string(&w, "$schema", SCHEMA_ID);
        string(&w, "title", "nodeinit cloud-config");
        begin(&w, "description");
        putc('"', f);
        schema_doc_intro(doc_emit, f);
        putc('"', f);
        string(&w, "$comment",
               "Generated from nodeinit's schema table (nodeinit schema). For YAML 1.2 readers: "
               "string fields take any scalar; bool fields also take YAML 1.1's yes/no/on/off. "
               "Unknown keys are rejected because nodeinit validate warns about them.");
        string(&w, "type", "object");
        properties(&w, &schema_ConfigCloudConfig, "#");
        open_(&w, "$defs", '{');
        defs(&w, &schema_ConfigCloudConfig);
        close_(&w, '}');
        close_(&w, '}');
        putc('\n', f);

        return ferror(f) ? -EIO : 0;
}
