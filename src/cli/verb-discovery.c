/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <inttypes.h>

#include "apply/discovery.h"
#include "basic/escape.h"
#include "basic/log.h"
#include "basic/time-util.h"
#include "cli/verbs.h"
#include "report/discovery.h"

/* nodeinit discovery new|check|register: the discovery steps of `apply`,
 * by hand, plus creating a token on a self-hosted discovery etcd. */

static void help(void) {
        printf("Usage: nodeinit discovery new [--size N] PREFIX-URL\n"
               "       nodeinit discovery check [--name NAME] [--peer-urls URLS] [--fallback proxy|exit] URL\n"
               "       nodeinit discovery register --name NAME --peer-addr ADDR URL\n\n"
               "new       create a token on a self-hosted discovery etcd (--enable-v2), as\n"
               "          discovery.etcd.io/new does: PUT PREFIX/<token>/_config/size; prints the\n"
               "          discovery URL, e.g. PREFIX=http://10.0.0.5:2379/v2/keys/discovery\n"
               "check     etcd v2 discovery (coreos.etcd2.discovery): token, size, registered\n"
               "          members, and what etcd with this name/peer URLs will find (never registers)\n"
               "register  etcd 0.4 discovery (coreos.etcd.discovery): PUT URL/NAME?ttl=604800, idempotent\n\n"
               "  --timeout SEC   give up retrying after SEC seconds (default 60)\n"
               "Exit status: 0 fine, 1 etcd would not get going with this, 2 usage or internal error.\n");
}

int verb_discovery(int argc, char *argv[]) {
        enum { ARG_SIZE = 0x100, ARG_NAME, ARG_PEER_URLS, ARG_PEER_ADDR, ARG_FALLBACK, ARG_TIMEOUT };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "size", required_argument, NULL, ARG_SIZE },
                { "name", required_argument, NULL, ARG_NAME },
                { "peer-urls", required_argument, NULL, ARG_PEER_URLS },
                { "peer-addr", required_argument, NULL, ARG_PEER_ADDR },
                { "fallback", required_argument, NULL, ARG_FALLBACK },
                { "timeout", required_argument, NULL, ARG_TIMEOUT },
                {}
        };
        DiscoveryOptions o = {};
        const char *name = NULL, *peer = NULL, *fallback = NULL, *sub;
        unsigned long size = 3;
        char *end;
        int c;

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                help();
                return argc < 2 ? 2 : 0;
        }
        sub = argv[1];
        argc--;
        argv++;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_SIZE:
                        errno = 0;
                        size = strtoul(optarg, &end, 10);
                        if (errno || *end || size == 0 || size > 1000) {
                                log_error("--size: a number from 1 to 1000, not \"%s\"", optarg);
                                return 2;
                        }
                        break;
                case ARG_NAME:
                        name = optarg;
                        break;
                case ARG_PEER_URLS:
                case ARG_PEER_ADDR:
                        peer = optarg;
                        break;
                case ARG_FALLBACK:
                        if (!streq(optarg, "proxy") && !streq(optarg, "exit")) {
                                log_error("--fallback: proxy or exit");
                                return 2;
                        }
                        fallback = optarg;
                        break;
                case ARG_TIMEOUT:
                        /* one reading of "seconds" for every verb */
                        if (parse_seconds(optarg, &o.timeout_usec) < 0) {
                                log_error("--timeout: seconds, not \"%s\"", optarg);
                                return 2;
                        }
                        o.request_timeout_usec = MIN(o.timeout_usec, 10ULL * USEC_PER_SEC);
                        break;
                default:
                        return 2;
                }
        if (optind != argc - 1) {
                log_error("nodeinit discovery %s: one URL expected (see --help)", sub);
                return 2;
        }
        const char *url = argv[optind];

        _cleanup_(http_client_freep) HttpClient *http = NULL;
        int r = http_client_new(&http);
        if (r < 0) {
                log_error("Cannot set up HTTP (libcurl.so.4): %s", strerror(-r));
                return 2;
        }

        if (streq(sub, "new")) {
                _cleanup_free_ char *disc = NULL, *err = NULL;
                r = discovery_token_new(http, url, (unsigned) size, &o, &disc, &err);
                if (r == -EINVAL) {
                        log_error("nodeinit discovery new: an http(s) URL prefix expected, not \"%s\"", url);
                        return 2;
                }
                if (r < 0) {
                        log_error("Cannot create a discovery token under %s: %s", url, err ?: strerror(-r));
                        return 1;
                }
                /* the service's answer, so escaped as any value */
                if (escape_fprintf(stdout, "%s\n", disc) < 0 || fflush(stdout) != 0)
                        return log_error("Cannot write the discovery URL."), 1;
                return 0;
        }

        PlanDiscovery d = {
                .url = (char *) url,
                .name = (char *) name,
                .peer_addr = (char *) peer,
                .fallback = (char *) fallback,
        };
        if (streq(sub, "check"))
                d.kind = DISCOVERY_ETCD2;
        else if (streq(sub, "register")) {
                d.kind = DISCOVERY_ETCD;
                if (!name || !peer) {
                        log_error("nodeinit discovery register: --name and --peer-addr are needed");
                        return 2;
                }
        } else {
                log_error("nodeinit discovery: unknown command \"%s\" (new, check, register)", sub);
                return 2;
        }

        _cleanup_(discovery_result_done) DiscoveryResult res = {};
        r = discovery_run(http, &d, &o, &res);
        if (r == -EINVAL) {
                log_error("nodeinit discovery %s: an http(s) URL expected, not \"%s\"", sub, url);
                return 2;
        }
        if (r < 0) {
                log_error("nodeinit discovery %s: %s", sub, strerror(-r));
                return 2;
        }
        if (report_discovery_text(stdout, &res) < 0)
                return log_error("Cannot write the report."), 2;
        return res.ok ? 0 : 1;
}
