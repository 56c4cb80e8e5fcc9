/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>

#include "basic/escape.h"
#include "basic/json-writer.h"

static void put_string(JsonWriter *w, const char *s) {
        w->scratch.len = 0;
        int r = escape_json_append(&w->scratch, s, strlen(s));
        if (r < 0) {
                w->error = w->error ?: r;
                return;
        }
        fwrite(w->scratch.data, 1, w->scratch.len, w->f);
}

static void indent(JsonWriter *w, unsigned depth) {
        for (unsigned i = 0; i < depth; i++)
                fputs("  ", w->f);
}

/* Separator, newline and indentation before a value, then its key. */
static void item_start(JsonWriter *w, const char *key) {
        if (w->depth > 0) {
                uint64_t bit = UINT64_C(1) << w->depth;
                if (w->has_members & bit)
                        fputc(',', w->f);
                fputc('\n', w->f);
                indent(w, w->depth);
                w->has_members |= bit;
        }
        if (key) {
                put_string(w, key);
                fputs(": ", w->f);
        }
}

static void begin(JsonWriter *w, const char *key, char open) {
        if (w->depth >= JSON_WRITER_MAX_DEPTH) {
                w->error = w->error ?: -EINVAL;
                return;
        }
        item_start(w, key);
        fputc(open, w->f);
        w->depth++;
        w->has_members &= ~(UINT64_C(1) << w->depth);
}

static void end(JsonWriter *w, char close) {
        if (w->depth == 0) {
                w->error = w->error ?: -EINVAL;
                return;
        }
        if (w->has_members & (UINT64_C(1) << w->depth)) {
                fputc('\n', w->f);
                indent(w, w->depth - 1);
        } else
                fputc(' ', w->f);
        fputc(close, w->f);
        w->depth--;
}

void json_writer_object_begin(JsonWriter *w, const char *key) {
        begin(w, key, '{');
}

void json_writer_object_end(JsonWriter *w) {
        end(w, '}');
}

void json_writer_array_begin(JsonWriter *w, const char *key) {
        begin(w, key, '[');
}

void json_writer_array_end(JsonWriter *w) {
        end(w, ']');
}

void json_writer_string(JsonWriter *w, const char *key, const char *value) {
        item_start(w, key);
        if (value)
                put_string(w, value);
        else
                fputs("null", w->f);
}

void json_writer_int(JsonWriter *w, const char *key, int64_t value) {
        item_start(w, key);
        fprintf(w->f, "%" PRId64, value);
}

void json_writer_bool(JsonWriter *w, const char *key, bool value) {
        item_start(w, key);
        fputs(value ? "true" : "false", w->f);
}

int json_writer_finish(JsonWriter *w) {
        if (w->depth != 0)
                w->error = w->error ?: -EINVAL;
        fputc('\n', w->f);
        if ((fflush(w->f) != 0 || ferror(w->f)) && w->error == 0)
                w->error = -EIO;
        json_writer_done(w);
        return w->error;
}

void json_writer_done(JsonWriter *w) {
        buf_done(&w->scratch);
}
