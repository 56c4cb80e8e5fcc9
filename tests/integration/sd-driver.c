/* SPDX-License-Identifier: Apache-2.0 */
/* Test driver for src/apply/systemd-*.c: what the apply stage does with a plan's
 * units and scripts, against a real manager, with results as TSV on stdout:
 *   step<TAB>unit<TAB>outcome<TAB>job_result<TAB>error_name<TAB>message
 *
 * usage: sd-driver [--mode system|user|none] [--address ADDR] [--timeout-ms N]
 *                  [--self-unit U] [--deadline-ms N]
 *                  [--root DIR --workspace DIR --script FILE]...
 *                  UNIT[:FLAG[,FLAG...]]...
 * FLAGs: enable runtime mask unmask changed network, and a command: start stop
 * restart reload try-restart reload-or-restart reload-or-try-restart.
 * Exit: 0 all steps succeeded, 1 some failed, 2 usage/connection error.
 * Timings (connect, each step) go to stderr as "time<TAB>what<TAB>usec". */
#include <fcntl.h>
#include <getopt.h>
#include <time.h>

#include "apply/systemd.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/strv.h"

static const char *const commands[_UNIT_COMMAND_MAX] = {
        [UNIT_COMMAND_START] = "start",
        [UNIT_COMMAND_STOP] = "stop",
        [UNIT_COMMAND_RESTART] = "restart",
        [UNIT_COMMAND_RELOAD] = "reload",
        [UNIT_COMMAND_TRY_RESTART] = "try-restart",
        [UNIT_COMMAND_RELOAD_OR_RESTART] = "reload-or-restart",
        [UNIT_COMMAND_RELOAD_OR_TRY_RESTART] = "reload-or-try-restart",
};

static uint64_t now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

static int parse_unit(const char *spec, PlanUnit *u) {
        _cleanup_free_ char *s = strdup(spec);
        if (!s)
                return -ENOMEM;
        *u = (PlanUnit) { .command = _UNIT_COMMAND_INVALID };

        char *flags = strchr(s, ':');
        if (flags)
                *flags++ = 0;
        u->name = strdup(s);
        if (!u->name)
                return -ENOMEM;
        for (char *f = flags ? strtok(flags, ",") : NULL; f; f = strtok(NULL, ",")) {
                bool found = false;
                for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                        if (streq(f, commands[i])) {
                                u->command = (UnitCommand) i;
                                found = true;
                        }
                if (found)
                        continue;
                if (streq(f, "enable"))
                        u->enable = true;
                else if (streq(f, "runtime"))
                        u->runtime = true;
                else if (streq(f, "mask"))
                        u->mask = true;
                else if (streq(f, "unmask"))
                        u->unmask = true;
                else if (streq(f, "changed"))
                        u->changed = true;
                else if (streq(f, "network"))
                        u->network = true;
                else {
                        fprintf(stderr, "unknown flag %s\n", f);
                        return -EINVAL;
                }
        }
        return 0;
}

static void print_result(const UnitResult *r) {
        const char *step = unit_step_to_string(r->step);
        if (r->step == UNIT_STEP_COMMAND && r->command >= 0 && r->command < _UNIT_COMMAND_MAX)
                step = commands[r->command];
        printf("%s\t%s\t%s\t%s\t%s\t%s\n", step, r->unit ?: "-", unit_outcome_to_string(r->outcome),
               r->job_result ?: "-", r->error_name ?: "-", r->message ?: "-");
        fprintf(stderr, "time\t%s %s\t%llu\n", step, r->unit ?: "-", (unsigned long long) r->usec);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "mode", required_argument, NULL, 'm' },
                { "address", required_argument, NULL, 'a' },
                { "timeout-ms", required_argument, NULL, 't' },
                { "self-unit", required_argument, NULL, 's' },
                { "deadline-ms", required_argument, NULL, 'd' },
                { "root", required_argument, NULL, 'r' },
                { "workspace", required_argument, NULL, 'w' },
                { "script", required_argument, NULL, 'S' },
                { "verbose", no_argument, NULL, 'v' },
                {}
        };
        SystemdMode mode = SYSTEMD_MODE_USER;
        SystemdOptions o = {};
        const char *address = NULL, *root = "/", *workspace = "/var/lib/nodeinit";
        _cleanup_strv_free_ char **scripts = NULL;
        int c;

        log_set_max_level(LOG_WARNING);
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'm':
                        mode = systemd_mode_from_string(optarg);
                        if (mode < 0)
                                return 2;
                        break;
                case 'a':
                        address = optarg;
                        break;
                case 't':
                        o.job_timeout_usec = strtoull(optarg, NULL, 10) * 1000ULL;
                        break;
                case 's':
                        o.self_unit = optarg;
                        break;
                case 'd':
                        o.deadline_usec = now_us() + strtoull(optarg, NULL, 10) * 1000ULL;
                        break;
                case 'r':
                        root = optarg;
                        break;
                case 'w':
                        workspace = optarg;
                        break;
                case 'S':
                        if (strv_extend(&scripts, optarg) < 0)
                                return 2;
                        break;
                case 'v':
                        log_set_max_level(LOG_DEBUG);
                        break;
                default:
                        return 2;
                }

        size_t n_units = (size_t) (argc - optind);
        PlanUnit *units = new0(PlanUnit, n_units);
        if (!units)
                return 2;
        for (size_t i = 0; i < n_units; i++)
                if (parse_unit(argv[optind + (int) i], &units[i]) < 0)
                        return 2;

        uint64_t t0 = now_us();
        _cleanup_(systemd_bus_freep) SystemdBus *bus = NULL;
        int r = systemd_connect(mode, address, &bus);
        if (r < 0) {
                fprintf(stderr, "connect: %s\n", strerror(-r));
                return 2;
        }
        fprintf(stderr, "time\tconnect %s\t%llu\n", systemd_bus_description(bus),
                (unsigned long long) (now_us() - t0));

        UnitResult *results = NULL;
        size_t n_results = 0;
        int failed = systemd_apply_units(bus, units, n_units, &o, &results, &n_results);
        if (failed < 0) {
                fprintf(stderr, "apply: %s\n", strerror(-failed));
                return 2;
        }
        for (size_t i = 0; i < n_results; i++)
                print_result(&results[i]);
        unit_results_free(results, n_results);

        _cleanup_(fs_root_done) FsRoot fsroot = { .fd = -EBADF };
        if (scripts && fs_root_open(streq(root, "/") ? NULL : root, &fsroot) < 0)
                return 2;
        STRV_FOREACH(s, scripts) {
                _cleanup_free_ char *content = NULL;
                size_t size;
                if (read_full_file_at(AT_FDCWD, *s, 1 << 20, &content, &size) < 0)
                        return 2;
                PlanScript ps = { .content = content, .size = size };
                UnitResult res;
                r = systemd_run_script(bus, &ps, &fsroot, workspace, &o, &res);
                if (r < 0)
                        return 2;
                failed += r;
                print_result(&res);
                unit_result_done(&res);
        }
        fprintf(stderr, "time\ttotal\t%llu\n", (unsigned long long) (now_us() - t0));

        for (size_t i = 0; i < n_units; i++)
                free(units[i].name);
        free(units);
        return failed > 0 ? 1 : 0;
}
