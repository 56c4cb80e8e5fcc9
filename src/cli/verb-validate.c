/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "cli/inputs.h"
#include "report/validate.h"
#include "cli/source-args.h"
#include "userdata/userdata.h"
#include "cli/verbs.h"

typedef enum OutputFormat {
        OUTPUT_TEXT,
        OUTPUT_JSON,
} OutputFormat;

/* Validates one input on the path apply takes (cli/inputs.h): same
 * decoding, same limits, same diagnostics. */
static int validate_data(const char *data, size_t size, ValidateResult *res) {
        _cleanup_(inputs_done) Inputs in = {};
        InputsOptions o = {};
        int r;

        r = inputs_read(data, size, &o, &in, &res->diags);
        if (r < 0)
                return r;
        res->what = in.what;
        return 0;
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

        /* each input is reported and freed before the next is read */
        ValidateReport rep;
        bool unreadable = false, failed = false;
        report_validate_begin(&rep, stdout, format == OUTPUT_JSON, strict);
        for (int i = optind; i < argc; i++) {
                _cleanup_(validate_result_done) ValidateResult res = {};
                int r = validate_path(argv[i], &res);
                if (r < 0) {
                        (void) report_validate_end(&rep);
                        return log_error_errno(r, "Failed to validate %s: %m", argv[i]), 2;
                }
                unreadable = unreadable || res.unreadable;
                failed = failed || validate_result_failed(&res, strict);
                if (report_validate_add(&rep, &res) < 0)
                        break;
        }
        if (report_validate_end(&rep) < 0)
                return log_error("Cannot write the report."), 2;

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
