/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "basic/log.h"
#include "cli/verbs.h"
#include "config/schema-json.h"

static void help(void) {
        printf("Usage: nodeinit schema\n\n"
               "Print the cloud-config schema as a JSON Schema (draft 2020-12), for editors\n"
               "and validators. Installed as /usr/share/nodeinit/cloud-config.schema.json.\n\n"
               "  -h --help  show this help\n");
}

int verb_schema(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                default:
                        return 2;
                }
        if (optind < argc) {
                log_error("schema takes no arguments. See nodeinit schema --help.");
                return 2;
        }

        r = schema_json_write(stdout);
        if (r >= 0 && fflush(stdout) != 0)
                r = -errno;
        if (r < 0) {
                log_error_errno(r, "Cannot write the schema: %m");
                return 1;
        }
        return 0;
}
