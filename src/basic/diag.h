/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* A diagnostic about the user's input: a value, collected by the stage that
 * finds it and printed only by report/. */
typedef enum DiagKind {
        DIAG_ERROR,
        DIAG_WARNING,
        DIAG_INFO,
        _DIAG_KIND_MAX,
        _DIAG_KIND_INVALID = -EINVAL,
} DiagKind;

const char *diag_kind_to_string(DiagKind k) _const_;
DiagKind diag_kind_from_string(const char *s) _pure_;

typedef struct Diag {
        DiagKind kind;
        unsigned line;   /* 1-based; 0 when the problem has no position */
        unsigned column; /* 1-based; 0 when unknown */
        char *message;
} Diag;

typedef struct DiagList {
        Diag *items;
        size_t n;
        size_t allocated;
        /* 0: keep every entry. Else keep the first max and only count the
         * rest, so that a document of 200,000 mistakes is reported in
         * bounded memory. */
        size_t max;
        size_t hidden[_DIAG_KIND_MAX];
} DiagList;

int diag_add(DiagList *l, DiagKind kind, unsigned line, unsigned column, const char *fmt, ...) _printf_(5, 6);
/* Appends all of src to dst, shifting lines by line_offset (MIME parts);
 * src's hidden counts are added to dst's. */
int diag_list_merge(DiagList *dst, const DiagList *src, unsigned line_offset);
/* Stable sort by position: entries come out in document order. */
void diag_list_sort(DiagList *l);
/* Kept and hidden entries of a kind. */
size_t diag_list_count(const DiagList *l, DiagKind kind) _pure_;
size_t diag_list_hidden(const DiagList *l) _pure_;
void diag_list_done(DiagList *l);
