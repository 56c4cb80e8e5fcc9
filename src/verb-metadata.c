/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <math.h>

#include "basic/buf.h"
#include "basic/log.h"
#include "report/metadata.h"
#include "source/source.h"
#include "userdata/userdata.h"
#include "verb-metadata.h"

typedef struct SpecList {
        SourceSpec *specs;
        size_t n;
} SpecList;

static void spec_list_done(SpecList *l) {
        source_spec_array_free(l->specs, l->n);
        *l = (SpecList) {};
}

static int spec_list_add(SpecList *l, SourceSpec *s) {
        SourceSpec *n = realloc(l->specs, sizeof(SourceSpec) * (l->n + 1));
        if (!n)
                return -ENOMEM;
        l->specs = n;
        l->specs[l->n++] = *s;
        *s = (SourceSpec) {};
        return 0;
}

static void help(void) {
        printf("nodeinit metadata [OPTIONS] [SOURCE...]\n\n"
               "Fetch metadata and user-data and print what was found as JSON\n"
               "(never the user-data itself, never key material).\n\n"
               "Sources: ec2[:URL] file:PATH url:URL cmdline configdrive[:DIR]\n"
               "         gce[:URL] digitalocean[:URL] packet[:URL] waagent[:DIR]\n\n"
               "  --from-ec2-metadata=URL  --from-metadata-service  --from-file=PATH\n"
               "  --from-url=URL  --from-proc-cmdline  --from-configdrive=DIR\n"
               "  --from-gce-metadata=URL  --from-digitalocean-metadata=URL\n"
               "  --from-packet-metadata=URL  --from-waagent=DIR\n"
               "                          coreos-cloudinit's flags (one dash works too)\n"
               "  --oem=NAME              coreos-cloudinit's presets\n"
               "  --timeout=SEC           overall deadline (default 300)\n"
               "  --request-timeout=SEC   per HTTP request (default 10)\n"
               "  --imds=v2|v1            EC2: tokens (default; v1 only if the service has none) or never\n"
               "  --debug                 log every step\n");
}

static int parse_seconds(const char *s, uint64_t *ret) {
        char *end = NULL;
        errno = 0;
        double d = strtod(s, &end);
        if (errno != 0 || !end || *end || end == s || !isfinite(d) || d <= 0 || d > 86400.0 * 365)
                return -EINVAL;
        *ret = (uint64_t) (d * 1e6);
        return 0;
}

enum {
        ARG_OEM = 0x100,
        ARG_TIMEOUT,
        ARG_REQUEST_TIMEOUT,
        ARG_IMDS,
        ARG_DEBUG,
        ARG_FROM, /* every --from-* flag, told apart by name */
};

int verb_metadata(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help",                       no_argument,       NULL, 'h' },
                { "oem",                        required_argument, NULL, ARG_OEM },
                { "timeout",                    required_argument, NULL, ARG_TIMEOUT },
                { "request-timeout",            required_argument, NULL, ARG_REQUEST_TIMEOUT },
                { "imds",                       required_argument, NULL, ARG_IMDS },
                { "debug",                      no_argument,       NULL, ARG_DEBUG },
                { "from-ec2-metadata",          required_argument, NULL, ARG_FROM },
                { "from-file",                  required_argument, NULL, ARG_FROM },
                { "from-url",                   required_argument, NULL, ARG_FROM },
                { "from-configdrive",           required_argument, NULL, ARG_FROM },
                { "from-gce-metadata",          required_argument, NULL, ARG_FROM },
                { "from-digitalocean-metadata", required_argument, NULL, ARG_FROM },
                { "from-packet-metadata",       required_argument, NULL, ARG_FROM },
                { "from-waagent",               required_argument, NULL, ARG_FROM },
                { "from-vmware-ovf-env",        required_argument, NULL, ARG_FROM },
                { "from-metadata-service",      optional_argument, NULL, ARG_FROM },
                { "from-proc-cmdline",          optional_argument, NULL, ARG_FROM },
                { "from-cloudsigma-metadata",   optional_argument, NULL, ARG_FROM },
                { "from-vmware-guestinfo",      optional_argument, NULL, ARG_FROM },
                {}
        };
        _cleanup_(spec_list_done) SpecList list = {};
        _cleanup_(source_result_done) SourceResult res = {};
        SourceOptions o = {};
        int c, idx, r;

        optind = 0;
        /* _only: Go's flag package takes -from-file as well as --from-file. */
        while ((c = getopt_long_only(argc, argv, "h", options, &idx)) >= 0) {
                SourceSpec s = {};

                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_OEM: {
                        SourceSpec *p = NULL;
                        size_t n = 0;
                        r = source_oem_preset(optarg, &p, &n);
                        if (r == -EOPNOTSUPP) {
                                log_error("-oem %s: its datasources are not supported by nodeinit", optarg);
                                return 2;
                        }
                        if (r < 0) {
                                _cleanup_free_ char *names = NULL;
                                Buf b = {};
                                for (size_t i = 0; source_oem_names[i]; i++)
                                        (void) buf_printf(&b, "%s%s", i ? " " : "", source_oem_names[i]);
                                names = buf_steal(&b, NULL);
                                log_error("Invalid option to -oem: \"%s\". Supported options: [%s]", optarg, strempty(names));
                                return 2;
                        }
                        for (size_t i = 0; i < n; i++)
                                if (spec_list_add(&list, &p[i]) < 0) {
                                        source_spec_array_free(p, n);
                                        return log_error("Out of memory"), 1;
                                }
                        free(p);
                        break;
                }
                case ARG_TIMEOUT:
                        if (parse_seconds(optarg, &o.timeout_usec) < 0) {
                                log_error("--timeout=%s: not a number of seconds", optarg);
                                return 2;
                        }
                        break;
                case ARG_REQUEST_TIMEOUT:
                        if (parse_seconds(optarg, &o.request_timeout_usec) < 0) {
                                log_error("--request-timeout=%s: not a number of seconds", optarg);
                                return 2;
                        }
                        break;
                case ARG_IMDS:
                        if (streq(optarg, "v1"))
                                o.imds_v1_only = true;
                        else if (streq(optarg, "v2"))
                                o.imds_v1_only = false;
                        else {
                                log_error("--imds=%s: expected v1 or v2", optarg);
                                return 2;
                        }
                        break;
                case ARG_DEBUG:
                        log_set_max_level(LOG_DEBUG);
                        break;
                case ARG_FROM: {
                        const char *flag = options[idx].name;
                        r = source_spec_from_flag(flag, optarg, &s);
                        if (r == -ENOENT)
                                break; /* a boolean flag set to false */
                        if (r == -EOPNOTSUPP) {
                                log_error("-%s: this datasource is not supported by nodeinit", flag);
                                return 2;
                        }
                        if (r < 0) {
                                log_error("-%s=%s: invalid value", flag, strempty(optarg));
                                return 2;
                        }
                        if (spec_list_add(&list, &s) < 0)
                                return log_error("Out of memory"), 1;
                        break;
                }
                default:
                        return 2;
                }
        }

        for (int i = optind; i < argc; i++) {
                SourceSpec s = {};
                r = source_spec_parse(argv[i], &s);
                if (r < 0) {
                        log_error("%s: not a datasource (try ec2, ec2:URL, file:PATH, url:URL, cmdline, "
                                  "configdrive[:DIR], gce[:URL], digitalocean[:URL], packet[:URL], waagent[:DIR])",
                                  argv[i]);
                        return 2;
                }
                if (spec_list_add(&list, &s) < 0)
                        return log_error("Out of memory"), 1;
        }

        if (list.n == 0) {
                log_error("Provide at least one datasource: a SOURCE word or one of --from-file, --from-configdrive, "
                          "--from-ec2-metadata, --from-gce-metadata, --from-packet-metadata, "
                          "--from-digitalocean-metadata, --from-waagent, --from-url or --from-proc-cmdline");
                return 2;
        }

        r = source_fetch(list.specs, list.n, &o, &res);
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
        r = metadata_report_json(&rep, stdout);
        if (r < 0 || fflush(stdout) != 0) {
                log_error("Cannot write the report");
                return 1;
        }
        return 0;
}
