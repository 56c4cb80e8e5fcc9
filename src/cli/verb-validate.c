/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>

#include "basic/compress.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "config/model.h"
#include "report/validate.h"
#include "cli/source-args.h"
#include "userdata/userdata.h"
#include "cli/verbs.h"

typedef enum OutputFormat {
        OUTPUT_TEXT,
        OUTPUT_JSON,
} OutputFormat;

static int validate_cloud_config(const char *text, size_t len, unsigned line_offset, DiagList *diags) {
        _cleanup_(diag_list_done) DiagList local = {};
        CloudConfig c = {};

        int r = cloud_config_parse(text, len, &c, &local);
        if (r == -ENOMEM)
                return r;
        if (r >= 0)
                cloud_config_done(&c);
        return diag_list_merge(diags, &local, line_offset);
}

static int validate_multipart(const char *data, size_t size, ValidateResult *res) {
        _cleanup_(userdata_done) UserData ud = {};
        int r;

        r = userdata_decode(data, size, &ud, &res->diags);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0; /* the decoder said what is wrong */

        for (size_t i = 0; i < ud.n_parts; i++) {
                const UserDataPart *p = ud.parts + i;
                if (p->kind == USER_DATA_UNKNOWN) {
                        r = diag_add(&res->diags, DIAG_ERROR, p->part_line, 0,
                                     "MIME part %zu (%s) is neither a cloud-config nor a script", i + 1,
                                     strna(p->content_type));
                        if (r < 0)
                                return r;
                        continue;
                }
                if (p->kind != USER_DATA_CLOUD_CONFIG)
                        continue;

                if (p->verbatim) {
                        r = validate_cloud_config(p->content, p->size, p->line_offset, &res->diags);
                        if (r < 0)
                                return r;
                        continue;
                }

                /* An encoded part has no lines in the file: name the part. */
                _cleanup_(diag_list_done) DiagList part = {};
                r = validate_cloud_config(p->content, p->size, 0, &part);
                if (r < 0)
                        return r;
                for (size_t j = 0; j < part.n; j++) {
                        const Diag *d = part.items + j;
                        r = diag_add(&res->diags, d->kind, p->part_line, 0,
                                     "in encoded MIME part %zu, at its line %u, column %u: %s", i + 1, d->line,
                                     d->column, d->message);
                        if (r < 0)
                                return r;
                }
        }
        diag_list_sort(&res->diags);
        return 0;
}

/* Classifies and validates one input, in coreos-cloudinit's order: empty,
 * script, Ignition, cloud-config (and, beyond it, MIME multipart). */
static int validate_data(const char *data, size_t size, ValidateResult *res) {
        _cleanup_free_ char *unzipped = NULL;
        int r;

        if (is_gzip(data, size)) {
                size_t n;
                r = gunzip_buffer(data, size, USERDATA_MAX_DECOMPRESSED, &unzipped, &n);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        res->what = "gzip data";
                        return diag_add(&res->diags, DIAG_ERROR, 0, 0, "%s",
                                        r == -EFBIG ? "gzip user-data decompresses to more than the size limit"
                                                    : "gzip user-data is corrupt or truncated");
                }
                data = unzipped;
                size = n;
        }

        switch (userdata_classify(data, size)) {
        case USER_DATA_EMPTY:
                res->what = "(empty user-data)";
                return 0;
        case USER_DATA_SCRIPT:
                res->what = "(#! script, not validated)";
                return 0;
        case USER_DATA_IGNITION:
                res->what = "(Ignition config, not validated: nodeinit does not apply Ignition)";
                return 0;
        case USER_DATA_CLOUD_CONFIG:
                res->what = "cloud-config";
                return validate_cloud_config(data, size, 0, &res->diags);
        case USER_DATA_MULTIPART:
                res->what = "MIME multipart user-data";
                return validate_multipart(data, size, res);
        default:
                return diag_add(&res->diags, DIAG_ERROR, 1, 1, "must be \"#cloud-config\" or begin with \"#!\"");
        }
}

static int validate_path(const char *path, ValidateResult *res) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        res->path = strdup(path);
        if (!res->path)
                return -ENOMEM;

        if (streq(path, "-"))
                r = read_full_stream(stdin, USERDATA_MAX_SIZE, &data, &size);
        else
                r = read_full_file_at(AT_FDCWD, path, USERDATA_MAX_SIZE, &data, &size);
        if (r == -EFBIG)
                return diag_add(&res->diags, DIAG_ERROR, 0, 0, "input is larger than the limit of %u bytes",
                                USERDATA_MAX_SIZE);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                res->unreadable = true;
                res->what = "(cannot be read)";
                log_error_errno(r, "Cannot read %s: %m", streq(path, "-") ? "standard input" : path);
                return 0;
        }

        return validate_data(data, size, res);
}

static void help(void) {
        printf("Usage: nodeinit validate [OPTIONS] FILE...\n\n"
               "Check cloud-config files (or any user-data) without applying them.\n"
               "FILE \"-\" reads standard input.\n\n"
               "  --format=text|json  output format (default text)\n"
               "  --strict            warnings make a file fail too\n"
               "  -h --help           show this help\n\n"
               "Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage or unreadable file.\n");
}

static void results_free(ValidateResult *r, size_t n) {
        for (size_t i = 0; i < n; i++)
                validate_result_done(r + i);
        free(r);
}

int verb_validate(int argc, char *argv[]) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                { "strict", no_argument, NULL, 's' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        OutputFormat format = OUTPUT_TEXT;
        bool strict = false;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        if (streq(optarg, "text"))
                                format = OUTPUT_TEXT;
                        else if (streq(optarg, "json"))
                                format = OUTPUT_JSON;
                        else {
                                log_error("Unknown --format \"%s\": want text or json.", optarg);
                                return 2;
                        }
                        break;
                case 's':
                        strict = true;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return 2;
                }

        if (optind >= argc) {
                log_error("No file given. Usage: nodeinit validate [--format=text|json] [--strict] FILE...");
                return 2;
        }

        size_t n = (size_t) (argc - optind);
        ValidateResult *results = new0(ValidateResult, n);
        if (!results)
                return log_error_errno(-ENOMEM, "Out of memory."), 2;

        bool unreadable = false, failed = false;
        for (size_t i = 0; i < n; i++) {
                int r = validate_path(argv[optind + (int) i], results + i);
                if (r < 0) {
                        log_error_errno(r, "Failed to validate %s: %m", argv[optind + (int) i]);
                        results_free(results, n);
                        return 2;
                }
                unreadable = unreadable || results[i].unreadable;
                failed = failed || validate_result_failed(results + i, strict);
        }

        if (format == OUTPUT_JSON)
                report_validate_json(stdout, results, n, strict);
        else
                report_validate_text(stdout, results, n, strict);
        fflush(stdout);

        results_free(results, n);
        return unreadable ? 2 : failed ? 1 : 0;
}

static int validate_fetched(SourceArgs *args, ValidateResult *res) {
        _cleanup_(source_result_done) SourceResult fetched = {};
        int r;

        /* A file is read as it is: waiting minutes for it to appear, as a
         * boot does, helps nobody who asked to validate it. */
        if (args->n_specs == 1 && args->specs[0].kind == SOURCE_FILE)
                return validate_path(args->specs[0].arg, res);

        res->path = strdup(args->specs[0].arg ?: source_kind_to_string(args->specs[0].kind));
        if (!res->path)
                return -ENOMEM;
        r = source_fetch(args->specs, args->n_specs, &args->options, &fetched);
        if (r < 0) {
                res->unreadable = true;
                log_error("No user-data to validate: %s", fetched.error ?: strerror(-r));
                return 0;
        }
        if (!fetched.have_user_data)
                return 0;
        return validate_data(fetched.user_data, fetched.user_data_size, res);
}

int verb_validate_compat(int argc, char *argv[]) {
        static const struct option options[] = {
                { "validate", optional_argument, NULL, 'v' },
                SOURCE_ARGS_OPTIONS,
                {}
        };
        _cleanup_(source_args_done) SourceArgs args = { .coreos_output = true };
        _cleanup_(validate_result_done) ValidateResult res = {};
        int c, idx, r;

        /* Go's flag package: -flag and --flag are the same; coreos-cloudinit
         * flags that do not matter for validation are accepted and ignored. */
        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "", options, &idx)) >= 0) {
                if (!source_args_is_option(c))
                        continue;
                r = source_args_handle(&args, c, options[idx].name, optarg);
                if (r < 0)
                        return source_args_exit_status(r);
        }
        opterr = 1;

        r = source_args_finish(&args, NULL, 0, false);
        if (r < 0)
                return source_args_exit_status(r);

        r = validate_fetched(&args, &res);
        if (r < 0)
                return log_error_errno(r, "Failed while validating user_data (%m)"), 1;
        if (res.unreadable)
                return 1;

        report_validate_compat(stderr, &res);
        return res.diags.n > 0 ? 1 : 0;
}
