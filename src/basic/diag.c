/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "basic/buf.h"
#include "basic/diag.h"

static const char * const diag_kind_table[_DIAG_KIND_MAX] = {
        [DIAG_ERROR] = "error",
        [DIAG_WARNING] = "warning",
        [DIAG_INFO] = "info",
};

DEFINE_STRING_TABLE_LOOKUP(diag_kind, DiagKind, _DIAG_KIND_MAX);

static int diag_push(DiagList *l, DiagKind kind, unsigned line, unsigned column, char *message) {
        if (!message)
                return -ENOMEM;
        if (l->max > 0 && l->n >= l->max) {
                l->hidden[kind]++;
                free(message);
                return 0;
        }
        if (l->n >= l->allocated) {
                size_t a = MAX(l->allocated * 2, (size_t) 8);
                Diag *n = reallocarray(l->items, a, sizeof(Diag));
                if (!n) {
                        free(message);
                        return -ENOMEM;
                }
                l->items = n;
                l->allocated = a;
        }
        l->items[l->n++] = (Diag) { .kind = kind, .line = line, .column = column, .message = message };
        return 0;
}

int diag_add(DiagList *l, DiagKind kind, unsigned line, unsigned column, const char *fmt, ...) {
        Buf b = {};
        va_list ap;

        if (l->max > 0 && l->n >= l->max) {
                l->hidden[kind]++;
                return 0;
        }

        va_start(ap, fmt);
        int r = buf_vprintf(&b, fmt, ap);
        va_end(ap);
        if (r < 0) {
                buf_done(&b);
                return r;
        }
        return diag_push(l, kind, line, column, buf_steal(&b, NULL));
}

int diag_list_merge(DiagList *dst, const DiagList *src, unsigned line_offset) {
        for (size_t i = 0; i < src->n; i++) {
                const Diag *d = src->items + i;
                int r = diag_push(dst, d->kind, d->line > 0 ? d->line + line_offset : 0, d->column,
                                  strdup(d->message));
                if (r < 0)
                        return r;
        }
        for (DiagKind k = 0; k < _DIAG_KIND_MAX; k++)
                dst->hidden[k] += src->hidden[k];
        return 0;
}

void diag_list_sort(DiagList *l) {
        /* Insertion sort: stable, and linear on the nearly sorted lists the
         * validator produces (it walks the document in order). */
        for (size_t i = 1; i < l->n; i++) {
                Diag t = l->items[i];
                size_t j = i;
                while (j > 0 && (l->items[j - 1].line > t.line ||
                                 (l->items[j - 1].line == t.line && l->items[j - 1].column > t.column))) {
                        l->items[j] = l->items[j - 1];
                        j--;
                }
                l->items[j] = t;
        }
}

size_t diag_list_count(const DiagList *l, DiagKind kind) {
        size_t n = 0;
        for (size_t i = 0; i < l->n; i++)
                n += l->items[i].kind == kind;
        return n + l->hidden[kind];
}

size_t diag_list_hidden(const DiagList *l) {
        size_t n = 0;
        for (DiagKind k = 0; k < _DIAG_KIND_MAX; k++)
                n += l->hidden[k];
        return n;
}

void diag_list_done(DiagList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].message);
        free(l->items);
        *l = (DiagList) {};
}
