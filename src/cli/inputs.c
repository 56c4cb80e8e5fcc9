/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/compress.h"
#include "basic/run-span.h"
#include "basic/time-util.h"
#include "cli/inputs.h"
#include "source/source.h"
#include "userdata/userdata.h"

/* validate reads a file with userdata's limit, apply gets what a datasource
 * read with its own: they must be one limit, or the two verbs disagree about
 * a large input. */
_Static_assert(SOURCE_USER_DATA_MAX_SIZE == USERDATA_MAX_SIZE, "one size limit for validate and apply");

void inputs_done(Inputs *in) {
        for (size_t i = 0; i < in->n_configs; i++)
                cloud_config_done(in->configs + i);
        free(in->configs);
        free(in->origins);
        for (size_t i = 0; i < in->n_texts; i++)
                free(in->texts[i]);
        free(in->texts);
        for (size_t i = 0; i < in->n_scripts; i++)
                free((char *) in->scripts[i].origin);
        free(in->scripts);
        *in = (Inputs) {};
}

static int keep_text(Inputs *in, char *t) {
        char **n = reallocarray(in->texts, in->n_texts + 1, sizeof(char *));
        if (!n) {
                free(t);
                return -ENOMEM;
        }
        in->texts = n;
        in->texts[in->n_texts++] = t;
        return 0;
}

/* Copies one diagnostic of a part into dst, at its position in the original
 * data. */
static int keep_diag(DiagList *dst, const Diag *d, const UserDataPart *p, size_t index) {
        if (p->verbatim)
                return diag_add(dst, d->kind, d->line > 0 ? d->line + p->line_offset : 0, d->column, "%s",
                                d->message);
        /* a whole gzipped document: its own lines are the only ones there are */
        if (!p->content_type)
                return diag_add(dst, d->kind, d->line, d->column, "%s", d->message);
        return diag_add(dst, d->kind, p->part_line, 0, "in encoded MIME part %zu, at its line %u, column %u: %s",
                        index + 1, d->line, d->column, d->message);
}

static int merge_part_diags(DiagList *dst, const DiagList *src, const UserDataPart *p, size_t index) {
        for (size_t j = 0; j < src->n; j++) {
                int r = keep_diag(dst, src->items + j, p, index);
                if (r < 0)
                        return r;
        }
        for (DiagKind k = 0; k < _DIAG_KIND_MAX; k++)
                dst->hidden[k] += src->hidden[k];
        return 0;
}

static int add_script(Inputs *in, char *text, size_t len, size_t index, size_t n_parts) {
        _cleanup_free_ char *origin = NULL;
        int r;

        r = keep_text(in, text);
        if (r < 0)
                return r;
        if (n_parts > 1 ? asprintf(&origin, "part %zu", index + 1) < 0 : !(origin = strdup("user-data")))
                return -ENOMEM;
        PlanScriptInput *n = reallocarray(in->scripts, in->n_scripts + 1, sizeof(PlanScriptInput));
        if (!n)
                return -ENOMEM;
        in->scripts = n;
        in->scripts[in->n_scripts++] = (PlanScriptInput) { .content = text, .size = len, .origin = TAKE_PTR(origin) };
        return 0;
}

static int add_config(Inputs *in, CloudConfig *c, const UserDataPart *p, size_t index) {
        CloudConfig *n = reallocarray(in->configs, in->n_configs + 1, sizeof(CloudConfig));
        if (!n)
                return -ENOMEM;
        in->configs = n;
        InputsOrigin *o = reallocarray(in->origins, in->n_configs + 1, sizeof(InputsOrigin));
        if (!o)
                return -ENOMEM;
        in->origins = o;
        in->origins[in->n_configs] = (InputsOrigin) {
                .part = index,
                .line_offset = p->verbatim ? p->line_offset : 0,
                .part_line = p->part_line,
                .verbatim = p->verbatim,
                .encoded = !p->verbatim && p->content_type,
        };
        in->configs[in->n_configs++] = *c;
        *c = (CloudConfig) {};
        return 0;
}

void inputs_position(const Inputs *in, size_t config, unsigned *line, unsigned *column) {
        if (config >= in->n_configs || *line == 0)
                return;
        const InputsOrigin *o = in->origins + config;
        if (o->encoded) {
                *line = o->part_line;
                *column = 0;
        } else
                *line += o->line_offset;
}

static int use_part(const InputsOptions *o, const UserDataPart *p, size_t index, size_t n_parts, Inputs *in,
                    DiagList *diags) {
        _cleanup_(diag_list_done) DiagList local = { .max = INPUTS_MAX_DIAGS };
        _cleanup_free_ char *text = NULL;
        size_t len = p->size;
        int r;

        if (o->values) {
                r = userdata_substitute(p->content, p->size, o->values,
                                        p->kind == USER_DATA_CLOUD_CONFIG ? SUBSTITUTE_YAML : 0, &text, &len, &local);
                if (r < 0)
                        return r;
        } else if (o->keep) {
                text = strndup(p->content, p->size);
                if (!text)
                        return -ENOMEM;
        }

        if (p->kind == USER_DATA_SCRIPT) {
                r = merge_part_diags(diags, &local, p, index);
                if (r < 0 || !o->keep)
                        return r;
                return add_script(in, TAKE_PTR(text), len, index, n_parts);
        }

        _cleanup_(cloud_config_done) CloudConfig c = {};
        /* validate parses the part in place; apply keeps its own copy,
         * which the models point into */
        uint64_t t = now_monotonic_usec();
        int parsed = cloud_config_parse(text ?: p->content, len, &c, &local);
        run_span_add("validate", "decode+validate", t, now_monotonic_usec());
        if (parsed == -ENOMEM)
                return parsed;
        r = merge_part_diags(diags, &local, p, index);
        if (r < 0)
                return r;

        /* Without --strict an error skips only the item that holds it (the
         * planner leaves marked items out); what cannot be isolated — not
         * YAML, not a mapping — drops the part. */
        if (parsed < 0 || (o->strict && (diag_list_count(&local, DIAG_ERROR) > 0 ||
                                         diag_list_count(&local, DIAG_WARNING) > 0))) {
                in->n_dropped++;
                return 0;
        }
        if (!o->keep)
                return 0;
        r = keep_text(in, TAKE_PTR(text));
        if (r < 0)
                return r;
        return add_config(in, &c, p, index);
}

static const char *describe(UserDataKind k) {
        switch (k) {
        case USER_DATA_EMPTY:
                return "(empty user-data)";
        case USER_DATA_SCRIPT:
                return "(#! script, not validated)";
        case USER_DATA_IGNITION:
                return "(Ignition config, not validated: nodeinit does not apply Ignition)";
        case USER_DATA_CLOUD_CONFIG:
                return "cloud-config";
        default:
                return NULL;
        }
}

int inputs_read(const char *data, size_t size, const InputsOptions *o, Inputs *ret, DiagList *diags) {
        _cleanup_(userdata_done) UserData ud = {};
        _cleanup_(inputs_done) Inputs in = {};
        int r;

        diags->max = INPUTS_MAX_DIAGS;
        uint64_t t = now_monotonic_usec();
        r = userdata_decode(data, size, &ud, diags);
        run_span_add("decode", "decode+validate", t, now_monotonic_usec());
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                in.undecodable = true;
                in.what = is_gzip(data, size) ? "gzip data" : "user-data";
                *ret = in;
                in = (Inputs) {};
                return 0;
        }

        bool multipart = ud.n_parts != 1 || ud.parts[0].content_type;
        in.what = multipart ? "MIME multipart user-data" : describe(ud.parts[0].kind);

        for (size_t i = 0; i < ud.n_parts; i++) {
                const UserDataPart *p = ud.parts + i;

                switch (p->kind) {
                case USER_DATA_IGNITION:
                        if (!multipart) {
                                in.ignition = true;
                                break;
                        }
                        r = diag_add(diags, DIAG_WARNING, p->part_line, 0,
                                     "MIME part %zu is an Ignition config; ignored", i + 1);
                        break;
                case USER_DATA_UNKNOWN:
                        in.n_unknown++;
                        if (multipart)
                                r = diag_add(diags, DIAG_ERROR, p->part_line, 0,
                                             "MIME part %zu (%s) is neither a cloud-config nor a script", i + 1,
                                             strna(p->content_type));
                        else
                                r = diag_add(diags, DIAG_ERROR, 1, 1,
                                             "must be \"#cloud-config\" or begin with \"#!\"");
                        break;
                case USER_DATA_CLOUD_CONFIG:
                case USER_DATA_SCRIPT:
                        r = use_part(o, p, i, ud.n_parts, &in, diags);
                        break;
                default:
                        r = 0;
                }
                if (r < 0)
                        return r;
        }

        diag_list_sort(diags);
        *ret = in;
        in = (Inputs) {};
        return 0;
}
