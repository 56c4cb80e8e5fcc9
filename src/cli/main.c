/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "basic/log.h"
#include "basic/macro.h"
#include "cli/verbs.h"

/* main only wires: it picks the verb (or recognises coreos-cloudinit's flag
 * style) and hands over argv. */

typedef struct Verb {
        const char *name;
        int (*run)(int argc, char *argv[]);
        const char *help;
} Verb;

static const Verb verbs[] = {
        { "apply", verb_apply, "fetch user-data, plan and apply it (default for coreos-cloudinit flags)" },
        { "validate", verb_validate, "check cloud-config files" },
        { "metadata", verb_metadata, "fetch and show what a datasource knows about this node" },
        { "discovery", verb_discovery, "etcd discovery helpers (discovery new)" },
        { "status", verb_status, "show the last apply run's result; --wait for the boot run" },
        { "analyze", verb_analyze, "show where the last apply run's time went" },
        { "schema", verb_schema, "print the cloud-config JSON Schema, for editors" },
};

static void help(void) {
        printf("Usage: nodeinit VERB [OPTIONS...]\n"
               "       nodeinit -from-ec2-metadata=URL | -from-file=F | ... [-validate]   (coreos-cloudinit flags)\n\n"
               "Boot-time cloud-config bootstrapper, successor to coreos-cloudinit.\n\nVerbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-10s %s\n", verbs[i].name, verbs[i].help);
        printf("\n  --version  show the version\n  --help     show this help\n\n"
               "See `nodeinit VERB --help` and nodeinit(1).\n");
}

static bool is_compat_invocation(int argc, char *argv[]) {
        const char *base = strrchr(argv[0], '/');
        base = base ? base + 1 : argv[0];
        if (streq(base, "coreos-cloudinit"))
                return true;
        /* Go-style flags: "-from-file=x" (one dash, long name) or any
         * coreos-cloudinit flag with two dashes before the first verb. */
        return argc > 1 && argv[1][0] == '-' && !streq(argv[1], "--help") && !streq(argv[1], "-h") &&
                !streq(argv[1], "--version");
}

static bool has_validate_flag(int argc, char *argv[]) {
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                a += a[0] == '-';
                a += a[0] == '-';
                if (streq(a, "validate") || streq(a, "validate=true") || streq(a, "validate=1"))
                        return true;
        }
        return false;
}

static bool has_version_flag(int argc, char *argv[]) {
        for (int i = 1; i < argc; i++)
                if (streq(argv[i], "-version") || streq(argv[i], "--version"))
                        return true;
        return false;
}

int main(int argc, char *argv[]) {
        if (argc < 1)
                return 2;

        if (is_compat_invocation(argc, argv)) {
                if (has_version_flag(argc, argv)) {
                        printf("coreos-cloudinit %s (nodeinit)\n", NODEINIT_VERSION);
                        return 0;
                }
                if (has_validate_flag(argc, argv))
                        return verb_validate_compat(argc, argv);
                return verb_apply(argc, argv);
        }

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
                help();
                return argc < 2 ? 2 : 0;
        }
        if (streq(argv[1], "--version")) {
                printf("nodeinit %s\n", NODEINIT_VERSION);
                return 0;
        }

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(argv[1], verbs[i].name))
                        return verbs[i].run(argc - 1, argv + 1);

        log_error("Unknown verb \"%s\". See nodeinit --help.", argv[1]);
        return 2;
}
