/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sys/file.h>
#include <time.h>

#include "apply/apply.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/strv.h"
#include "basic/time-util.h"
#include "config/model.h"
#include "plan/planner.h"
#include "report/plan.h"
#include "cli/source-args.h"
#include "source/source.h"
#include "userdata/substitute.h"
#include "userdata/userdata.h"
#include "cli/verbs.h"

/* nodeinit apply, and coreos-cloudinit's flag form: fetch → decode →
 * substitute → parse → plan → dry-run print | apply → report. */

typedef enum OutputFormat {
        OUTPUT_TEXT,
        OUTPUT_JSON,
} OutputFormat;

typedef struct Args {
        SourceArgs src;
        const char *root;
        bool dry_run;
        OutputFormat format;
        SystemdMode systemd;
        const char *workspace;
        const char *ssh_key_name;
        uint64_t run_timeout_usec;    /* 0: the datasource deadline + APPLY_BUDGET_USEC */
        bool ignore_failure;
        bool strict;
        bool verbose;
} Args;

static void args_done(Args *a) {
        source_args_done(&a->src);
        *a = (Args) {};
}

/* What the run may take after the datasource deadline: discovery (60 s at
 * most) and the unit job waits. 300 s + 240 s = 9 min by default, under the
 * boot unit's TimeoutStartSec=10min, so nodeinit gives up on a job and
 * reports first, instead of being killed half-way. */
#define APPLY_BUDGET_USEC (240ULL * 1000000ULL)

static void help(void) {
        printf("Usage: nodeinit apply [OPTIONS] [SOURCE...]\n"
               "       nodeinit -from-file=F | -from-ec2-metadata=URL | ...   (coreos-cloudinit flags)\n\n"
               "Fetch user-data and metadata, plan every change and apply it.\n\n"
               "  --root=DIR              apply under DIR (image builds, tests): nothing outside\n"
               "                          changes: no discovery request, unit actions and scripts\n"
               "                          only planned (as --systemd=none)\n"
               "  --dry-run               print the plan with diffs; change nothing\n"
               "  --format=text|json      output format (default text)\n"
               "  --systemd=system|user|none\n"
               "                          which manager runs unit actions (default system; none:\n"
               "                          write only; discovery still runs on the live node)\n"
               "  --workspace=DIR         where scripts are kept (default %s)\n"
               "  --ssh-key-name=NAME     key set name in authorized_keys.d (default %s)\n"
               "  --ignore-failure        exit 0 even when the user-data was malformed\n"
               "  --strict                a cloud-config with warnings is not applied\n"
               "  --verbose               also list what is unchanged\n"
               "  --run-timeout=SEC       deadline of the whole run (default: --timeout + %u s):\n"
               "                          discovery (at most 60 s) and every unit job wait stay\n"
               "                          inside it; a job still running then is reported as\n"
               "                          queued. Keep the boot unit's TimeoutStartSec= above it\n"
               "                          (nodeinit-ec2.service: 10min)\n"
               "\n" SOURCE_ARGS_HELP "  (a path to a file is taken as file:PATH)\n\n"
               "Exit status: 0 all applied, 1 something failed (or malformed user-data), 2 usage.\n",
               PLAN_WORKSPACE_DEFAULT, PLAN_SSH_KEY_NAME_DEFAULT, (unsigned) (APPLY_BUDGET_USEC / 1000000ULL));
}

static int parse_bool_arg(const char *v, bool *ret) {
        /* Go's strconv.ParseBool */
        static const char * const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
        static const char * const no[] = { "0", "f", "F", "false", "FALSE", "False" };
        if (!v) {
                *ret = true;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (streq(v, yes[i])) {
                        *ret = true;
                        return 0;
                }
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (streq(v, no[i])) {
                        *ret = false;
                        return 0;
                }
        return -EINVAL;
}

enum {
        ARG_ROOT = 0x100,
        ARG_DRY_RUN,
        ARG_FORMAT,
        ARG_SYSTEMD,
        ARG_WORKSPACE,
        ARG_SSH_KEY_NAME,
        ARG_IGNORE_FAILURE,
        ARG_STRICT,
        ARG_VERBOSE,
        ARG_DEBUG,
        ARG_CONVERT_NETCONF,
        ARG_RUN_TIMEOUT,
};

/* Returns -1 to go on, else an exit status. */
static int parse_argv(int argc, char *argv[], Args *a) {
        static const struct option options[] = {
                { "help",                       no_argument,       NULL, 'h' },
                { "root",                       required_argument, NULL, ARG_ROOT },
                { "dry-run",                    optional_argument, NULL, ARG_DRY_RUN },
                { "format",                     required_argument, NULL, ARG_FORMAT },
                { "systemd",                    required_argument, NULL, ARG_SYSTEMD },
                { "workspace",                  required_argument, NULL, ARG_WORKSPACE },
                { "ssh-key-name",               required_argument, NULL, ARG_SSH_KEY_NAME },
                { "ignore-failure",             optional_argument, NULL, ARG_IGNORE_FAILURE },
                { "strict",                     optional_argument, NULL, ARG_STRICT },
                { "verbose",                    no_argument,       NULL, ARG_VERBOSE },
                { "debug",                      no_argument,       NULL, ARG_DEBUG },
                { "convert-netconf",            required_argument, NULL, ARG_CONVERT_NETCONF },
                { "run-timeout",                required_argument, NULL, ARG_RUN_TIMEOUT },
                SOURCE_ARGS_OPTIONS,
                {}
        };
        int c, idx, r;
        bool b;

        /* main hands over the raw argv of coreos-cloudinit's flag form */
        a->src.coreos_output = !streq(argv[0], "apply");
        optind = 0;
        /* _only: Go's flag package takes -from-file as well as --from-file */
        while ((c = getopt_long_only(argc, argv, "h", options, &idx)) >= 0) {
                if (source_args_is_option(c)) {
                        r = source_args_handle(&a->src, c, options[idx].name, optarg);
                        if (r < 0)
                                return source_args_exit_status(r);
                        continue;
                }

                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_ROOT:
                        a->root = optarg;
                        break;
                case ARG_DRY_RUN:
                case ARG_IGNORE_FAILURE:
                case ARG_STRICT:
                        if (parse_bool_arg(optarg, &b) < 0) {
                                log_error("-%s=%s: not a boolean", options[idx].name, optarg);
                                return 2;
                        }
                        *(c == ARG_DRY_RUN ? &a->dry_run : c == ARG_STRICT ? &a->strict : &a->ignore_failure) = b;
                        break;
                case ARG_FORMAT:
                        if (streq(optarg, "text"))
                                a->format = OUTPUT_TEXT;
                        else if (streq(optarg, "json"))
                                a->format = OUTPUT_JSON;
                        else {
                                log_error("Unknown --format \"%s\": want text or json.", optarg);
                                return 2;
                        }
                        break;
                case ARG_SYSTEMD:
                        a->systemd = systemd_mode_from_string(optarg);
                        if (a->systemd < 0) {
                                log_error("Unknown --systemd \"%s\": want system, user or none.", optarg);
                                return 2;
                        }
                        break;
                case ARG_WORKSPACE:
                        if (optarg[0] != '/') {
                                log_error("--workspace=%s: want an absolute path", optarg);
                                return 2;
                        }
                        a->workspace = optarg;
                        break;
                case ARG_SSH_KEY_NAME:
                        if (!optarg[0] || optarg[0] == '.' || strchr(optarg, '/') || strpbrk(optarg, " \t\n")) {
                                log_error("--ssh-key-name=%s: want a file name", optarg);
                                return 2;
                        }
                        a->ssh_key_name = optarg;
                        break;
                case ARG_VERBOSE:
                        a->verbose = true;
                        break;
                case ARG_DEBUG:
                        log_set_max_level(LOG_DEBUG);
                        break;
                case ARG_CONVERT_NETCONF:
                        if (!streq(optarg, "debian") && !streq(optarg, "packet") && !streq(optarg, "vmware")) {
                                printf("Invalid option to -convert-netconf: '%s'. Supported options: 'debian, packet, vmware'\n",
                                       optarg);
                                return 2;
                        }
                        log_error("-convert-netconf=%s is not supported by nodeinit.", optarg);
                        return 2;
                case ARG_RUN_TIMEOUT:
                        if (parse_seconds(optarg, &a->run_timeout_usec) < 0) {
                                log_error("-%s=%s: not a number of seconds", options[idx].name, optarg);
                                return 2;
                        }
                        break;
                default:
                        return 2;
                }
        }

        /* files given as words are what `nodeinit apply user-data.yml` means */
        r = source_args_finish(&a->src, argv + optind, (size_t) (argc - optind), true);
        if (r < 0)
                return source_args_exit_status(r);
        return -1;
}

/* What the user-data turned into: parsed cloud-configs and scripts. */
typedef struct Inputs {
        CloudConfig *configs;
        size_t n_configs;
        char **texts;                 /* substituted texts, owned */
        size_t n_texts;
        PlanScriptInput *scripts;
        size_t n_scripts;
        bool soft_failure;            /* malformed user-data */
        bool ignition;
} Inputs;

static void inputs_done(Inputs *in) {
        for (size_t i = 0; i < in->n_configs; i++)
                cloud_config_done(in->configs + i);
        free(in->configs);
        for (size_t i = 0; i < in->n_texts; i++)
                free(in->texts[i]);
        free(in->texts);
        for (size_t i = 0; i < in->n_scripts; i++)
                free((char *) in->scripts[i].origin);
        free(in->scripts);
        *in = (Inputs) {};
}

static int keep_text(Inputs *in, char *t) {
        char **n = realloc(in->texts, sizeof(char *) * (in->n_texts + 1));
        if (!n) {
                free(t);
                return -ENOMEM;
        }
        in->texts = n;
        in->texts[in->n_texts++] = t;
        return 0;
}

static int use_part(const Args *a, const char *where, const UserDataPart *part, size_t index, size_t n_parts,
                    const SubstituteValues *vals, Inputs *in) {
        _cleanup_(diag_list_done) DiagList diags = {};
        char *text = NULL;
        size_t len;
        int r;

        if (part->kind != USER_DATA_CLOUD_CONFIG && part->kind != USER_DATA_SCRIPT)
                return 0;

        r = userdata_substitute(part->content, part->size, vals, &text, &len, &diags);
        if (r < 0)
                return r;
        r = keep_text(in, text);
        if (r < 0)
                return r;

        if (part->kind == USER_DATA_SCRIPT) {
                PlanScriptInput *n = realloc(in->scripts, sizeof(PlanScriptInput) * (in->n_scripts + 1));
                if (!n)
                        return -ENOMEM;
                in->scripts = n;
                char *origin = NULL;
                if (n_parts > 1 ? asprintf(&origin, "part %zu", index + 1) < 0 : !(origin = strdup("user-data")))
                        return -ENOMEM;
                in->scripts[in->n_scripts++] = (PlanScriptInput) { .content = text, .size = len, .origin = origin };
                report_diags_text(stderr, where, &diags);
                return 0;
        }

        CloudConfig c = {};
        r = cloud_config_parse(text, len, &c, &diags);
        if (r == -ENOMEM)
                return r;

        /* positions in the original text */
        _cleanup_(diag_list_done) DiagList shown = {};
        if (diag_list_merge(&shown, &diags, part->verbatim ? part->line_offset : 0) < 0)
                return -ENOMEM;
        report_diags_text(stderr, where, &shown);

        bool bad = r < 0 || diag_list_count(&diags, DIAG_ERROR) > 0 ||
                (a->strict && diag_list_count(&diags, DIAG_WARNING) > 0);
        if (bad) {
                log_error("%s%s: cloud-config not applied (%s); metadata-derived settings still are.", where,
                          n_parts > 1 ? " (a MIME part)" : "",
                          r < 0 ? "not valid YAML" : diag_list_count(&diags, DIAG_ERROR) > 0 ? "errors above"
                                                                                          : "warnings with --strict");
                if (r >= 0)
                        cloud_config_done(&c);
                in->soft_failure = true;
                return 0;
        }

        CloudConfig *n = realloc(in->configs, sizeof(CloudConfig) * (in->n_configs + 1));
        if (!n) {
                cloud_config_done(&c);
                return -ENOMEM;
        }
        in->configs = n;
        in->configs[in->n_configs++] = c;
        return 0;
}

static int read_inputs(const Args *a, const SourceResult *res, const SubstituteValues *vals, Inputs *in) {
        _cleanup_(userdata_done) UserData ud = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        const char *where = res->where ?: source_kind_to_string(res->kind);
        int r;

        if (!res->have_user_data || res->user_data_size == 0)
                return 0;

        r = userdata_decode(res->user_data, res->user_data_size, &ud, &diags);
        report_diags_text(stderr, where, &diags);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                log_error("Failed to decode user-data from %s; continuing with metadata only.", where);
                in->soft_failure = true;
                return 0;
        }

        for (size_t i = 0; i < ud.n_parts; i++) {
                const UserDataPart *p = ud.parts + i;
                switch (p->kind) {
                case USER_DATA_IGNITION:
                        if (ud.n_parts == 1) {
                                in->ignition = true;
                                return 0;
                        }
                        log_warning("%s: MIME part %zu is an Ignition config; ignored.", where, i + 1);
                        break;
                case USER_DATA_UNKNOWN:
                        log_error("Failed to parse user-data%s: Unrecognized user-data format. Continuing...",
                                  ud.n_parts > 1 ? " part" : "");
                        in->soft_failure = true;
                        break;
                default:
                        r = use_part(a, where, p, i, ud.n_parts, vals, in);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int current_hostname(const FsRoot *root, char **ret) {
        char buf[256] = {};

        if (root->host) {
                if (gethostname(buf, sizeof buf - 1) < 0)
                        return -errno;
                *ret = strdup(buf);
                return *ret ? 0 : -ENOMEM;
        }
        _cleanup_free_ char *t = NULL;
        size_t n;
        int r = fs_read_file(root, "/etc/hostname", 4096, &t, &n);
        if (r < 0) {
                *ret = strdup("localhost");
                return *ret ? 0 : -ENOMEM;
        }
        t[strcspn(t, " \t\r\n")] = 0;
        *ret = strdup(isempty(t) ? "localhost" : t);
        return *ret ? 0 : -ENOMEM;
}

static int user_unit_dirs(char **ret_persistent, char **ret_runtime) {
        const char *cfg = getenv("XDG_CONFIG_HOME"), *run = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");

        if (isempty(run) || (isempty(cfg) && isempty(home)))
                return -ENXIO;
        if ((isempty(cfg) ? asprintf(ret_persistent, "%s/.config/systemd/user", home)
                          : asprintf(ret_persistent, "%s/systemd/user", cfg)) < 0)
                return -ENOMEM;
        if (asprintf(ret_runtime, "%s/systemd/user", run) < 0)
                return -ENOMEM;
        return 0;
}

static uint64_t mono_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

int verb_apply(int argc, char *argv[]) {
        _cleanup_(args_done) Args a = { .systemd = SYSTEMD_MODE_SYSTEM };
        _cleanup_(source_result_done) SourceResult res = {};
        _cleanup_(substitute_values_done) SubstituteValues vals = {};
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_(fs_root_done) FsRoot root = { .fd = -EBADF };
        _cleanup_(accounts_done) Accounts acc = {};
        _cleanup_(plan_done) Plan plan = {};
        _cleanup_(apply_result_done) ApplyResult result = {};
        _cleanup_free_ char *hostname = NULL, *unit_dir = NULL, *runtime_dir = NULL;
        _cleanup_free_ const ConfigCloudConfig **ccs = NULL;
        int r;

        r = parse_argv(argc, argv, &a);
        if (r >= 0)
                return r;

        /* Under --root nothing outside DIR changes, and the running manager
         * is not DIR's: unit actions and scripts are planned and reported,
         * never sent. */
        if (a.root && !streq(a.root, "/") && a.systemd != SYSTEMD_MODE_NONE) {
                log_debug("--root: unit actions are only planned (as --systemd=none)");
                a.systemd = SYSTEMD_MODE_NONE;
        }

        uint64_t t_start = mono_usec();
        /* one deadline for the whole run (see help()); the datasources'
         * own deadline stays inside it */
        if (a.run_timeout_usec == 0)
                a.run_timeout_usec = (a.src.options.timeout_usec ?: SOURCE_TIMEOUT_DEFAULT_USEC) + APPLY_BUDGET_USEC;
        else if ((a.src.options.timeout_usec ?: SOURCE_TIMEOUT_DEFAULT_USEC) > a.run_timeout_usec)
                a.src.options.timeout_usec = a.run_timeout_usec;
        uint64_t deadline = t_start + a.run_timeout_usec;
        r = source_fetch(a.src.specs, a.src.n_specs, &a.src.options, &res);
        if (r < 0) {
                log_error("No datasources available in time: %s", res.error ?: strerror(-r));
                return 1;
        }
        log_info("Fetched user-data from datasource of type \"%s\"%s%s", source_kind_to_string(res.kind),
                 res.where ? " at " : "", strempty(res.where));

        r = substitute_values_from_metadata(&res.metadata, &vals);
        if (r < 0)
                return log_error_errno(r, "Out of memory."), 1;

        r = read_inputs(&a, &res, &vals, &in);
        if (r < 0)
                return log_error_errno(r, "Failed to read the user-data: %m"), 1;
        if (in.ignition) {
                printf("Detected an Ignition config. Exiting...");
                fflush(stdout);
                return 0;
        }

        uint64_t t_parsed = mono_usec();
        r = fs_root_open(a.root, &root);
        if (r < 0)
                return log_error_errno(r, "Cannot open the root %s: %m", a.root ?: "/"), 1;
        /* one run at a time per root: temp names are fixed per file */
        if (!a.dry_run && flock(root.fd, LOCK_EX) < 0)
                return log_error_errno(-errno, "Cannot lock %s: %m", root.path), 1;

        r = current_hostname(&root, &hostname);
        if (r < 0)
                return log_error_errno(r, "Cannot read the current hostname: %m"), 1;
        if (a.systemd == SYSTEMD_MODE_USER) {
                r = user_unit_dirs(&unit_dir, &runtime_dir);
                if (r < 0)
                        return log_error_errno(r, "--systemd=user needs $XDG_RUNTIME_DIR and $HOME or $XDG_CONFIG_HOME"), 2;
        }

        ccs = new0(const ConfigCloudConfig *, in.n_configs);
        if (!ccs)
                return log_error("Out of memory."), 1;
        for (size_t i = 0; i < in.n_configs; i++)
                ccs[i] = &in.configs[i].cc;

        PlanReader reader = apply_plan_reader(&root, &acc);
        PlanInput pi = {
                .configs = ccs,
                .n_configs = in.n_configs,
                .scripts = in.scripts,
                .n_scripts = in.n_scripts,
                .metadata_hostname = res.metadata.hostname,
                .instance_id = res.metadata.instance_id,
                .metadata_keys = (const char *const *) res.metadata.ssh_public_keys,
                .current_hostname = hostname,
                .ssh_key_name = a.ssh_key_name,
                .workspace = a.workspace,
                .unit_dir = unit_dir,
                .runtime_unit_dir = runtime_dir,
                .user_units = a.systemd == SYSTEMD_MODE_USER,
                .reader = &reader,
        };
        for (PlanAddress i = 0; i < _PLAN_ADDRESS_MAX; i++)
                pi.addresses[i] = vals.values[i];

        r = plan_build(&pi, &plan);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m"), 1;

        uint64_t t_planned = mono_usec();
        log_debug("timing: fetch+decode+parse %llu us, plan %llu us", (unsigned long long) (t_parsed - t_start),
                  (unsigned long long) (t_planned - t_parsed));
        bool soft = in.soft_failure && !a.ignore_failure;
        if (a.dry_run) {
                r = a.format == OUTPUT_JSON ? report_plan_json(stdout, &plan) : report_plan_text(stdout, &plan, a.verbose);
                if (r < 0 || fflush(stdout) != 0)
                        return log_error("Cannot write the report."), 1;
                return plan_count_errors(&plan) > 0 || soft ? 1 : 0;
        }

        ApplyContext ctx = {
                .root = &root,
                .accounts = &acc,
                .systemd = a.systemd,
                .workspace = a.workspace ?: PLAN_WORKSPACE_DEFAULT,
                .durable = true,
                .deadline_usec = deadline,
        };
        r = apply_plan(&plan, &ctx, &result);
        if (r < 0)
                return log_error_errno(r, "Failed to apply: %m"), 1;

        r = a.format == OUTPUT_JSON ? report_apply_json(stdout, &plan, &result)
                                    : report_apply_text(stdout, &plan, &result, a.verbose);
        if (r < 0 || fflush(stdout) != 0)
                return log_error("Cannot write the report."), 1;

        return result.n_failed > 0 || plan_count_errors(&plan) > 0 || soft ? 1 : 0;
}
