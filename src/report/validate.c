/* SPDX-License-Identifier: Apache-2.0 */
#include <time.h>

#include "basic/escape.h"
#include "report/validate.h"

void validate_result_done(ValidateResult *r) {
        free(r->path);
        diag_list_done(&r->diags);
        *r = (ValidateResult) {};
}

bool validate_result_failed(const ValidateResult *r, bool strict) {
        return r->unreadable || diag_list_count(&r->diags, DIAG_ERROR) > 0 ||
                (strict && diag_list_count(&r->diags, DIAG_WARNING) > 0);
}

static const char *display_path(const char *path) {
        return streq(path, "-") ? "<stdin>" : path;
}

static void count_phrase(Buf *b, size_t n, const char *what) {
        if (n == 0)
                return;
        (void) buf_printf(b, "%s%zu %s%s", b->len > 0 ? ", " : "", n, what, n == 1 ? "" : "s");
}

void report_validate_begin(ValidateReport *rep, FILE *f, bool json, bool strict) {
        *rep = (ValidateReport) { .f = f, .json = json, .strict = strict, .w = { .f = f } };
        if (json)
                json_writer_array_begin(&rep->w, NULL);
}

static int add_text(ValidateReport *rep, const ValidateResult *r) {
        const char *p = display_path(r->path);
        FILE *f = rep->f;

        for (size_t j = 0; j < r->diags.n; j++) {
                const Diag *d = r->diags.items + j;
                const char *kind = diag_kind_to_string(d->kind);
                int q;

                if (d->line > 0 && d->column > 0)
                        q = escape_fprintf(f, "%s:%u:%u: %s: %s\n", p, d->line, d->column, kind, d->message);
                else if (d->line > 0)
                        q = escape_fprintf(f, "%s:%u: %s: %s\n", p, d->line, kind, d->message);
                else
                        q = escape_fprintf(f, "%s: %s: %s\n", p, kind, d->message);
                if (q < 0)
                        return q;
        }
        if (diag_list_hidden(&r->diags) > 0)
                escape_fprintf(f, "%s: info: %zu more diagnostics not shown\n", p, diag_list_hidden(&r->diags));

        _cleanup_(buf_done) Buf counts = {};
        size_t errors = diag_list_count(&r->diags, DIAG_ERROR), warnings = diag_list_count(&r->diags, DIAG_WARNING);
        bool failed = validate_result_failed(r, rep->strict);

        count_phrase(&counts, errors, "error");
        count_phrase(&counts, warnings, "warning");
        count_phrase(&counts, diag_list_count(&r->diags, DIAG_INFO), "info");
        return escape_fprintf(f, "%s: %s%s%s%s%s%s\n", p, failed ? "invalid" : "valid", r->what ? " " : "",
                              strempty(r->what), counts.len > 0 ? " (" : "", strempty(counts.data),
                              counts.len == 0 ? "" : failed && errors == 0 && rep->strict ? "; warnings fail with --strict)" : ")");
}

static void add_json(ValidateReport *rep, const ValidateResult *r) {
        JsonWriter *w = &rep->w;

        json_writer_object_begin(w, NULL);
        json_writer_string(w, "path", r->path);
        json_writer_bool(w, "valid", !validate_result_failed(r, rep->strict));
        if (r->what)
                json_writer_string(w, "type", r->what);
        json_writer_array_begin(w, "entries");
        for (size_t j = 0; j < r->diags.n; j++) {
                const Diag *d = r->diags.items + j;
                json_writer_object_begin(w, NULL);
                json_writer_string(w, "kind", diag_kind_to_string(d->kind));
                json_writer_int(w, "line", d->line);
                json_writer_int(w, "column", d->column);
                json_writer_string(w, "message", d->message);
                json_writer_object_end(w);
        }
        json_writer_array_end(w);
        /* entries past the cap are counted, not listed */
        json_writer_int(w, "errors", (int64_t) diag_list_count(&r->diags, DIAG_ERROR));
        json_writer_int(w, "warnings", (int64_t) diag_list_count(&r->diags, DIAG_WARNING));
        json_writer_int(w, "infos", (int64_t) diag_list_count(&r->diags, DIAG_INFO));
        json_writer_int(w, "entries_not_shown", (int64_t) diag_list_hidden(&r->diags));
        json_writer_object_end(w);
}

int report_validate_add(ValidateReport *rep, const ValidateResult *r) {
        if (rep->json) {
                add_json(rep, r);
                return rep->w.error;
        }
        return add_text(rep, r);
}

int report_validate_end(ValidateReport *rep) {
        if (rep->json) {
                json_writer_array_end(&rep->w);
                return json_writer_finish(&rep->w);
        }
        return fflush(rep->f) != 0 || ferror(rep->f) ? -EIO : 0;
}

void report_validate_compat(FILE *f, const ValidateResult *r) {
        /* coreos-cloudinit logs each entry with Go's log.Println */
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S", localtime_r(&t, &tm));

        for (size_t j = 0; j < r->diags.n; j++) {
                const Diag *d = r->diags.items + j;
                (void) escape_fprintf(f, "%s line %u: %s: %s\n", stamp, d->line, diag_kind_to_string(d->kind),
                                      d->message);
        }
}
