/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <getopt.h>

#include "source/source.h"

/* The datasource options of every verb that fetches (apply, metadata,
 * coreos-cloudinit's -validate): coreos-cloudinit's -from-* flags and -oem,
 * nodeinit's timeouts, and SOURCE words. One table, one meaning. */

enum {
        ARG_SOURCE_FLAG = 0x1000, /* every -from-* flag, told apart by name */
        ARG_SOURCE_OEM,
        ARG_SOURCE_TIMEOUT,
        ARG_SOURCE_REQUEST_TIMEOUT,
        ARG_SOURCE_CLOUDSIGMA_DEVICE,
        ARG_SOURCE_DMI_DIR,
        ARG_SOURCE_IMDS,
        ARG_SOURCE_IMDS_ENDPOINT,
};

#define SOURCE_ARGS_OPTIONS                                                                     \
        { "oem",                        required_argument, NULL, ARG_SOURCE_OEM },              \
        { "timeout",                    required_argument, NULL, ARG_SOURCE_TIMEOUT },          \
        { "request-timeout",            required_argument, NULL, ARG_SOURCE_REQUEST_TIMEOUT },  \
        { "imds",                       required_argument, NULL, ARG_SOURCE_IMDS },             \
        { "imds-endpoint",              required_argument, NULL, ARG_SOURCE_IMDS_ENDPOINT },    \
        { "cloudsigma-device",          required_argument, NULL, ARG_SOURCE_CLOUDSIGMA_DEVICE },\
        { "dmi-dir",                    required_argument, NULL, ARG_SOURCE_DMI_DIR },          \
        { "from-ec2-metadata",          required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-file",                  required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-url",                   required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-configdrive",           required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-gce-metadata",          required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-digitalocean-metadata", required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-packet-metadata",       required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-waagent",               required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-vmware-ovf-env",        required_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-metadata-service",      optional_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-proc-cmdline",          optional_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-cloudsigma-metadata",   optional_argument, NULL, ARG_SOURCE_FLAG },             \
        { "from-vmware-guestinfo",      optional_argument, NULL, ARG_SOURCE_FLAG }

#define SOURCE_ARGS_HELP                                                                        \
        "Datasources (coreos-cloudinit's flags take one dash or two):\n"                        \
        "  SOURCE words: ec2[:URL] file:PATH url:URL cmdline configdrive[:DIR] gce[:URL]\n"     \
        "                digitalocean[:URL] packet[:URL] waagent[:DIR] vmware-guestinfo\n"      \
        "                vmware-ovf-env:PATH cloudsigma[:DEVICE]\n"                              \
        "  --from-ec2-metadata=URL --from-metadata-service --from-file=PATH --from-url=URL\n"   \
        "  --from-proc-cmdline --from-configdrive=DIR --from-gce-metadata=URL\n"                \
        "  --from-digitalocean-metadata=URL --from-packet-metadata=URL --from-waagent=DIR\n"    \
        "  --from-vmware-guestinfo --from-vmware-ovf-env=PATH --from-cloudsigma-metadata\n"     \
        "  --oem=NAME              a preset of the above (ec2-compat, gce, digitalocean, ...)\n"\
        "  --timeout=SEC           give up waiting for a datasource after SEC (default 300)\n"  \
        "  --request-timeout=SEC   one HTTP request (default 10)\n"                             \
        "  --imds=v1|v2            EC2: v2 with a token (default, falls back to v1 on 404/405)\n"\
        "  --imds-endpoint=ipv4|ipv6|auto  EC2 without a URL: 169.254.169.254, [fd00:ec2::254],\n"\
        "                          or both at once, the first to answer (default auto)\n"  \
        "  --cloudsigma-device=DEV CloudSigma's server context line (default /dev/ttyS1)\n"     \
        "  --dmi-dir=DIR           where VMware and CloudSigma are recognised (sys_vendor,\n"   \
        "                          product_name; default /sys/class/dmi/id; for tests)\n"

static inline bool source_args_is_option(int c) {
        return c >= ARG_SOURCE_FLAG && c <= ARG_SOURCE_IMDS_ENDPOINT;
}

typedef struct SourceArgs {
        SourceSpec *specs;
        size_t n_specs;
        const char *oem;
        SourceOptions options;
        bool coreos_output;   /* invoked as coreos-cloudinit: its messages where it printed them */
} SourceArgs;

void source_args_done(SourceArgs *a);

/* Takes one option of SOURCE_ARGS_OPTIONS (name is the long option's
 * name). 0, or a negative errno after logging why (-ENOMEM: out of memory;
 * anything else: a usage error). */
int source_args_handle(SourceArgs *a, int c, const char *name, const char *arg);

/* After option parsing: the -oem preset (last, as coreos-cloudinit applies
 * it), then SOURCE words; with files_as_words an existing path is taken as
 * file:PATH. -ENODATA (logged) when no source was given at all. */
int source_args_finish(SourceArgs *a, char * const *words, size_t n_words, bool files_as_words);

/* Exit status for a negative errno of the two functions above. */
static inline int source_args_exit_status(int r) {
        return r == -ENOMEM ? 1 : 2;
}
