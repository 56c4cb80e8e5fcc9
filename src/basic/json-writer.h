/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "basic/buf.h"

/* JSON written as it is produced, so that a report of any size costs no
 * more memory than its largest string. The layout is json-c's
 * JSON_C_TO_STRING_PRETTY|SPACED (two-space indent, "key": value, empty
 * containers as "[ ]" / "{ }"), which the reports used before. Strings are
 * escaped with escape_json_append(). Errors are sticky: check
 * json_writer_finish() once at the end. */

#define JSON_WRITER_MAX_DEPTH 63U

typedef struct JsonWriter {
        FILE *f;
        unsigned depth;
        uint64_t has_members;  /* bit d: the open container at depth d has a member */
        Buf scratch;           /* one string's escaped form */
        int error;
} JsonWriter;

/* key is the member name inside an object, NULL inside an array or at the top. */
void json_writer_object_begin(JsonWriter *w, const char *key);
void json_writer_object_end(JsonWriter *w);
void json_writer_array_begin(JsonWriter *w, const char *key);
void json_writer_array_end(JsonWriter *w);
/* NULL value: null. */
void json_writer_string(JsonWriter *w, const char *key, const char *value);
void json_writer_int(JsonWriter *w, const char *key, int64_t value);
void json_writer_bool(JsonWriter *w, const char *key, bool value);

/* Ends the document with a newline, flushes, frees the scratch buffer. 0, or
 * the first error (-ENOMEM, -EIO, -EINVAL for unbalanced nesting). */
int json_writer_finish(JsonWriter *w);
void json_writer_done(JsonWriter *w);
