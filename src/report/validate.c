/* SPDX-License-Identifier: Apache-2.0 */
#include <time.h>

#include <json-c/json.h>

#include "report/validate.h"

void validate_result_done(ValidateResult *r) {
        free(r->path);
        diag_list_done(&r->diags);
}

bool validate_result_failed(const ValidateResult *r, bool strict) {
        return r->unreadable || diag_list_count(&r->diags, DIAG_ERROR) > 0 ||
                (strict && diag_list_count(&r->diags, DIAG_WARNING) > 0);
}

static const char *display_path(const char *path) {
        return streq(path, "-") ? "<stdin>" : path;
}

static void count_phrase(FILE *f, size_t n, const char *what, bool *first) {
        if (n == 0)
                return;
        fprintf(f, "%s%zu %s%s", *first ? "" : ", ", n, what, n == 1 ? "" : "s");
        *first = false;
}

void report_validate_text(FILE *f, const ValidateResult *results, size_t n, bool strict) {
        for (size_t i = 0; i < n; i++) {
                const ValidateResult *r = results + i;
                const char *p = display_path(r->path);

                for (size_t j = 0; j < r->diags.n; j++) {
                        const Diag *d = r->diags.items + j;
                        if (d->line > 0 && d->column > 0)
                                fprintf(f, "%s:%u:%u: %s: %s\n", p, d->line, d->column,
                                        diag_kind_to_string(d->kind), d->message);
                        else if (d->line > 0)
                                fprintf(f, "%s:%u: %s: %s\n", p, d->line, diag_kind_to_string(d->kind), d->message);
                        else
                                fprintf(f, "%s: %s: %s\n", p, diag_kind_to_string(d->kind), d->message);
                }

                size_t errors = diag_list_count(&r->diags, DIAG_ERROR),
                       warnings = diag_list_count(&r->diags, DIAG_WARNING),
                       infos = diag_list_count(&r->diags, DIAG_INFO);
                bool failed = validate_result_failed(r, strict), first = true;

                fprintf(f, "%s: %s%s", p, failed ? "invalid" : "valid", r->what ? " " : "");
                if (r->what)
                        fprintf(f, "%s", r->what);
                if (errors + warnings + infos > 0) {
                        fputs(" (", f);
                        count_phrase(f, errors, "error", &first);
                        count_phrase(f, warnings, "warning", &first);
                        count_phrase(f, infos, "info", &first);
                        fputs(failed && errors == 0 && strict ? "; warnings fail with --strict)" : ")", f);
                }
                fputc('\n', f);
        }
}

static void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

int report_validate_json(FILE *f, const ValidateResult *results, size_t n, bool strict) {
        _cleanup_(json_object_putp) json_object *array = json_object_new_array();
        if (!array)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                const ValidateResult *r = results + i;
                json_object *o = json_object_new_object(), *entries = json_object_new_array();
                if (!o || !entries || json_object_array_add(array, o) < 0) {
                        json_object_put(o);
                        json_object_put(entries);
                        return -ENOMEM;
                }

                json_object_object_add(o, "path", json_object_new_string(r->path));
                json_object_object_add(o, "valid", json_object_new_boolean(!validate_result_failed(r, strict)));
                if (r->what)
                        json_object_object_add(o, "type", json_object_new_string(r->what));
                json_object_object_add(o, "entries", entries);

                for (size_t j = 0; j < r->diags.n; j++) {
                        const Diag *d = r->diags.items + j;
                        json_object *e = json_object_new_object();
                        if (!e || json_object_array_add(entries, e) < 0) {
                                json_object_put(e);
                                return -ENOMEM;
                        }
                        json_object_object_add(e, "kind", json_object_new_string(diag_kind_to_string(d->kind)));
                        json_object_object_add(e, "line", json_object_new_int((int) d->line));
                        json_object_object_add(e, "column", json_object_new_int((int) d->column));
                        json_object_object_add(e, "message", json_object_new_string(d->message));
                }
        }

        fputs(json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE), f);
        fputc('\n', f);
        return 0;
}

void report_validate_compat(FILE *f, const ValidateResult *r) {
        /* coreos-cloudinit logs each entry with Go's log.Println */
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S", localtime_r(&t, &tm));

        for (size_t j = 0; j < r->diags.n; j++) {
                const Diag *d = r->diags.items + j;
                fprintf(f, "%s line %u: %s: %s\n", stamp, d->line, diag_kind_to_string(d->kind), d->message);
        }
}
