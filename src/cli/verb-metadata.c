/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "basic/log.h"
#include "report/metadata.h"
#include "cli/source-args.h"
#include "source/source.h"
#include "userdata/userdata.h"
#include "cli/verb-metadata.h"

static void help(void) {
        printf("nodeinit metadata [OPTIONS] [SOURCE...]\n\n"
               "Fetch metadata and user-data and print what was found as JSON\n"
               "(never the user-data itself, never key material).\n\n"
               SOURCE_ARGS_HELP
               "  --format=json|text      output format (default json)\n"
               "  --debug                 log every step\n");
}

enum {
        ARG_DEBUG = 0x100,
        ARG_FORMAT,
};

int verb_metadata(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help",  no_argument, NULL, 'h' },
                { "debug", no_argument, NULL, ARG_DEBUG },
                { "format", required_argument, NULL, ARG_FORMAT },
                SOURCE_ARGS_OPTIONS,
                {}
        };
        _cleanup_(source_args_done) SourceArgs args = {};
        _cleanup_(source_result_done) SourceResult res = {};
        bool text = false;
        int c, idx, r;

        optind = 0;
        /* _only: Go's flag package takes -from-file as well as --from-file. */
        while ((c = getopt_long_only(argc, argv, "h", options, &idx)) >= 0) {
                if (source_args_is_option(c)) {
                        r = source_args_handle(&args, c, options[idx].name, optarg);
                        if (r < 0)
                                return source_args_exit_status(r);
                        continue;
                }
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_DEBUG:
                        log_set_max_level(LOG_DEBUG);
                        break;
                case ARG_FORMAT:
                        if (!streq(optarg, "json") && !streq(optarg, "text")) {
                                log_error("Unknown --format \"%s\": want json or text.", optarg);
                                return 2;
                        }
                        text = streq(optarg, "text");
                        break;
                default:
                        return 2;
                }
        }

        r = source_args_finish(&args, argv + optind, (size_t) (argc - optind), false);
        if (r < 0)
                return source_args_exit_status(r);

        r = source_fetch(args.specs, args.n_specs, &args.options, &res);
        if (r < 0) {
                log_error("No metadata: %s", res.error ?: strerror(-r));
                return 1;
        }

        MetadataReport rep = {
                .source = source_kind_to_string(res.kind),
                .where = res.where,
                .metadata = &res.metadata,
                .have_user_data = res.have_user_data,
                .user_data_type = res.have_user_data ?
                        user_data_kind_to_string(userdata_classify(res.user_data, res.user_data_size)) : NULL,
                .user_data_size = res.user_data_size,
                .requests = res.counters.requests,
                .token_requests = res.counters.puts,
                .connections = res.counters.connections,
                .retries = res.counters.retries,
        };
        r = text ? metadata_report_text(&rep, stdout) : metadata_report_json(&rep, stdout);
        if (r < 0 || fflush(stdout) != 0) {
                log_error("Cannot write the report");
                return 1;
        }
        return 0;
}
