/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>

#include "apply/apply.h"
#include "apply/host.h"
#include "basic/deadline.h"
#include "basic/escape.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/site-config.h"
#include "basic/user-name.h"
#include "basic/time-util.h"
#include "cli/inputs.h"
#include "cli/run-record.h"
#include "cli/source-args.h"
#include "cli/verbs.h"
#include "plan/planner.h"
#include "report/plan.h"
#include "source/source.h"
#include "userdata/substitute.h"

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
        const char *config;           /* --config: the site configuration, a host path */
        const char *default_user;     /* --default-user: overrides the site configuration's */
        RunRecord *record;            /* the run's result and journal events */
} Args;

static void args_done(Args *a) {
        source_args_done(&a->src);
        *a = (Args) {};
}

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
               "  --strict                all or nothing: a cloud-config with any error or\n"
               "                          warning is not applied (default: an error skips only\n"
               "                          the item that holds it)\n"
               "  --default-user=NAME     who gets the metadata SSH keys and top-level\n"
               "                          ssh_authorized_keys (default: the site configuration's,\n"
               "                          else %s)\n"
               "  --config=FILE           the site configuration (default %s, under --root\n"
               "                          read from the root)\n"
               "  --convert-netconf=debian|packet|vmware\n"
               "                          the datasource's network description (a config\n"
               "                          drive's interfaces file, Packet's network, VMware's\n"
               "                          interface keys) as networkd units in\n"
               "                          /run/systemd/network (-oem rackspace-onmetal, vmware)\n"
               "  --verbose               also list what is unchanged\n"
               "  --run-timeout=SEC       deadline of the whole run (default: --timeout + %u s):\n"
               "                          discovery (at most 60 s) and every unit job wait stay\n"
               "                          inside it; a job still running then is reported as\n"
               "                          queued. Keep the boot unit's TimeoutStartSec= above it\n"
               "                          (nodeinit-ec2.service: 10min)\n"
               "\n" SOURCE_ARGS_HELP "  (a path to a file is taken as file:PATH)\n\n"
               "Exit status: 0 all applied, 1 something failed (or malformed user-data), 2 usage.\n",
               PLAN_WORKSPACE_DEFAULT, PLAN_SSH_KEY_NAME_DEFAULT, SITE_CONFIG_DEFAULT_USER, SITE_CONFIG_PATH,
               (unsigned) (RUN_APPLY_BUDGET_USEC / USEC_PER_SEC));
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
        ARG_CONFIG,
        ARG_DEFAULT_USER,
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
                { "config",                     required_argument, NULL, ARG_CONFIG },
                { "default-user",               required_argument, NULL, ARG_DEFAULT_USER },
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
                case ARG_CONVERT_NETCONF: {
                        SourceNetconf n = source_netconf_from_string(optarg);
                        if (n < 0 || n == SOURCE_NETCONF_NONE) {
                                escape_fprintf(stdout, "Invalid option to -convert-netconf: '%s'. Supported options: 'debian, packet, vmware'\n",
                                               optarg);
                                return 2;
                        }
                        a->src.options.convert_netconf = n;
                        break;
                }
                case ARG_RUN_TIMEOUT:
                        if (parse_seconds(optarg, &a->run_timeout_usec) < 0) {
                                log_error("-%s=%s: not a number of seconds", options[idx].name, optarg);
                                return 2;
                        }
                        break;
                case ARG_CONFIG:
                        a->config = optarg;
                        break;
                case ARG_DEFAULT_USER:
                        if (!user_name_valid(optarg)) {
                                log_error("--default-user=%s: not a user name ([a-z_][a-z0-9_-]*, at most 32)", optarg);
                                return 2;
                        }
                        a->default_user = optarg;
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

/* The site configuration: --config's file (a host path, which must exist),
 * else SITE_CONFIG_PATH in the root, when there is one. Errors are usage
 * errors: they are reported as FILE:LINE before anything is fetched. */
static int load_site_config(const Args *a, const FsRoot *root, SiteConfig *ret) {
        _cleanup_free_ char *text = NULL, *msg = NULL;
        const char *path = a->config ?: SITE_CONFIG_PATH;
        unsigned line = 0;
        size_t n;
        int r;

        if (a->config)
                r = read_full_file_at(AT_FDCWD, a->config, 1024 * 1024, &text, &n);
        else
                r = fs_read_file(root, SITE_CONFIG_PATH, 1024 * 1024, &text, &n);
        if (r == -ENOENT && !a->config)
                return 0;
        /* messages name the file as the host sees it */
        const char *prefix = a->config || root->host || streq(root->path, "/") ? "" : root->path;
        if (r < 0)
                return log_error_errno(r, "%s%s: cannot read: %m", prefix, path);

        r = site_config_parse(text, n, ret, &line, &msg);
        if (r == -EINVAL)
                return log_error_errno(r, "%s%s:%u: error: %s", prefix, path, line, msg);
        return r;
}

/* The metadata addresses the planner writes to /etc/environment, mapped by
 * name: without a default, -Wswitch (an error here) refuses a PlanAddress
 * that has not been given its substitution token. */
static SubstituteToken plan_address_token(PlanAddress a) {
        switch (a) {
        case PLAN_PUBLIC_IPV4:
                return SUBSTITUTE_PUBLIC_IPV4;
        case PLAN_PRIVATE_IPV4:
                return SUBSTITUTE_PRIVATE_IPV4;
        case PLAN_PUBLIC_IPV6:
                return SUBSTITUTE_PUBLIC_IPV6;
        case PLAN_PRIVATE_IPV6:
                return SUBSTITUTE_PRIVATE_IPV6;
        case _PLAN_ADDRESS_MAX:
        case _PLAN_ADDRESS_INVALID:
                break;
        }
        return _SUBSTITUTE_TOKEN_INVALID;
}

static int read_inputs(const Args *a, const SourceResult *res, const SubstituteValues *vals, Inputs *in,
                       size_t *ret_errors) {
        _cleanup_(diag_list_done) DiagList diags = {};
        const char *where = res->where ?: source_kind_to_string(res->kind);
        InputsOptions o = { .values = vals, .keep = true, .strict = a->strict };
        int r;

        *ret_errors = 0;
        if (!res->have_user_data || res->user_data_size == 0)
                return 0;

        r = inputs_read(res->user_data, res->user_data_size, &o, in, &diags);
        if (r < 0)
                return r;
        run_record_diags(a->record, where, &diags);
        *ret_errors = diag_list_count(&diags, DIAG_ERROR);
        if (diag_list_hidden(&diags) > 0)
                log_warning("%s: %zu more diagnostics not shown.", where, diag_list_hidden(&diags));

        if (in->undecodable)
                log_error("Failed to decode user-data from %s; continuing with metadata only.", where);
        if (in->n_unknown > 0)
                log_error("Failed to parse user-data%s: Unrecognized user-data format. Continuing...",
                          in->n_configs + in->n_scripts + in->n_unknown > 1 ? " part" : "");
        if (in->n_dropped > 0)
                log_error("%s: %zu cloud-config%s not applied (%s); metadata-derived settings still are.", where,
                          in->n_dropped, in->n_dropped == 1 ? "" : "s",
                          a->strict ? "errors or warnings with --strict" : "not valid YAML, or not a mapping");
        return 0;
}

/* -convert-netconf: the description only from a source that has that kind
 * (coreos-cloudinit panicked on any other); the plan says what is missing. */
static void plan_input_netconf(const Args *a, const SourceResult *res, PlanInput *pi) {
        static char *const no_keys[] = { NULL };
        SourceNetconf n = a->src.options.convert_netconf;

        if (n <= SOURCE_NETCONF_NONE)
                return;
        pi->netconf = source_netconf_to_string(n);
        if ((n == SOURCE_NETCONF_DEBIAN && res->kind == SOURCE_CONFIGDRIVE) ||
            (n == SOURCE_NETCONF_PACKET && res->kind == SOURCE_PACKET)) {
                pi->network_config = res->metadata.network_config;
                pi->network_config_size = res->metadata.network_config_size;
        }
        /* a VMware source without interface keys has no interfaces */
        if (n == SOURCE_NETCONF_VMWARE && (res->kind == SOURCE_VMWARE_GUESTINFO || res->kind == SOURCE_VMWARE_OVF))
                pi->network_keys = res->metadata.network_keys ?: no_keys;
}

static size_t plan_count_skipped(const Plan *p) {
        size_t n = 0;
        for (size_t i = 0; i < p->n_issues; i++)
                n += p->issues[i].skipped && !p->issues[i].warning;
        return n;
}

int verb_apply(int argc, char *argv[]) {
        _cleanup_(run_record_done) RunRecord rec = {};
        _cleanup_(args_done) Args a = { .systemd = SYSTEMD_MODE_SYSTEM, .record = &rec };
        _cleanup_(source_result_done) SourceResult res = {};
        _cleanup_(substitute_values_done) SubstituteValues vals = {};
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_(fs_root_done) FsRoot root = { .fd = -EBADF };
        _cleanup_(site_config_done) SiteConfig site = SITE_CONFIG_INIT;
        _cleanup_(accounts_done) Accounts acc = {};
        _cleanup_(plan_done) Plan plan = {};
        _cleanup_(apply_result_done) ApplyResult result = {};
        _cleanup_free_ char *hostname = NULL, *unit_dir = NULL, *runtime_dir = NULL;
        _cleanup_free_ const ConfigCloudConfig **ccs = NULL;
        size_t input_errors = 0;
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

        uint64_t t_start = now_monotonic_usec();
        RunDeadline deadline = run_deadline_make(t_start, a.src.options.timeout_usec ?: SOURCE_TIMEOUT_DEFAULT_USEC,
                                                 a.run_timeout_usec);
        a.src.options.timeout_usec = deadline.source_timeout_usec;

        /* the root and the site configuration first: a mistake in either is
         * reported before minutes of waiting for a datasource */
        r = fs_root_open(a.root, &root);
        if (r < 0)
                return log_error_errno(r, "Cannot open the root %s: %m", a.root ?: "/"), 1;
        r = load_site_config(&a, &root, &site);
        if (r < 0)
                return r == -ENOMEM ? 1 : 2;
        if (a.systemd == SYSTEMD_MODE_USER) {
                r = apply_user_unit_dirs(&unit_dir, &runtime_dir);
                if (r < 0)
                        return log_error_errno(r, "--systemd=user needs $XDG_RUNTIME_DIR and $HOME or $XDG_CONFIG_HOME"), 2;
        }

        if (!a.dry_run)
                run_record_start(&rec, a.root);
        uint64_t t_fetch = now_monotonic_usec();
        r = source_fetch(a.src.specs, a.src.n_specs, &a.src.options, &res);
        run_record_source(&rec, &res, r, t_fetch);
        if (r < 0) {
                log_error("No datasources available in time: %s", res.error ?: strerror(-r));
                return 1;
        }
        log_info("Fetched user-data from datasource of type \"%s\"%s%s", source_kind_to_string(res.kind),
                 res.where ? " at " : "", strempty(res.where));

        r = substitute_values_from_metadata(&res.metadata, &vals);
        if (r < 0)
                return log_error_errno(r, "Out of memory."), 1;

        uint64_t t_inputs = now_monotonic_usec();
        r = read_inputs(&a, &res, &vals, &in, &input_errors);
        run_record_stage(&rec, "decode+validate", NULL, r < 0 || inputs_failed(&in) || input_errors > 0, t_inputs);
        if (r < 0)
                return log_error_errno(r, "Failed to read the user-data: %m"), 1;
        if (in.ignition) {
                printf("Detected an Ignition config. Exiting...");
                fflush(stdout);
                run_record_finish(&rec, 0);
                return 0;
        }

        uint64_t t_parsed = now_monotonic_usec();
        if (!a.dry_run) {
                r = apply_lock_root(&root);
                if (r < 0)
                        return log_error_errno(r, "Cannot lock %s: %m", root.path), 1;
        }
        r = apply_current_hostname(&root, &hostname);
        if (r < 0)
                return log_error_errno(r, "Cannot read the current hostname: %m"), 1;

        ccs = new0(const ConfigCloudConfig *, in.n_configs);
        if (!ccs)
                return log_error("Out of memory."), 1;
        for (size_t i = 0; i < in.n_configs; i++)
                ccs[i] = &in.configs[i].cc;

        static const char *const no_groups[] = { NULL };
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
                .default_user = a.default_user ?: site.default_user,
                /* Groups= given but empty: no supplementary groups at all */
                .default_user_groups = !site.default_user_groups_set ? NULL
                        : site.default_user_groups ? (const char *const *) site.default_user_groups : no_groups,
                .default_user_no_create = site.default_user_create == 0,
        };
        for (PlanAddress i = 0; i < _PLAN_ADDRESS_MAX; i++) {
                SubstituteToken t = plan_address_token(i);
                pi.addresses[i] = t >= 0 ? vals.values[t] : NULL;
        }
        plan_input_netconf(&a, &res, &pi);

        uint64_t t_plan = now_monotonic_usec();
        r = plan_build(&pi, &plan);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m"), 1;
        /* positions in the user-data as fetched, not in its parts */
        for (size_t i = 0; i < plan.n_issues; i++)
                inputs_position(&in, plan.issues[i].config, &plan.issues[i].line, &plan.issues[i].column);

        uint64_t t_planned = now_monotonic_usec();
        log_debug("timing: fetch+decode+parse %llu us, plan %llu us", (unsigned long long) (t_parsed - t_start),
                  (unsigned long long) (t_planned - t_parsed));
        const char *where = res.where ?: source_kind_to_string(res.kind);
        /* malformed user-data (an item skipped for a validation error
         * included) is coreos-cloudinit's soft failure, which
         * --ignore-failure forgives; a step the plan could not make is not */
        bool soft = (inputs_failed(&in) || input_errors > 0 || plan_count_skipped(&plan) > 0) && !a.ignore_failure;
        bool hard = plan_count_errors(&plan) > plan_count_skipped(&plan);
        run_record_stage(&rec, "plan", NULL, false, t_plan);
        run_record_plan(&rec, &plan, where);
        if (a.dry_run) {
                r = a.format == OUTPUT_JSON ? report_plan_json(stdout, &plan, where)
                                            : report_plan_text(stdout, &plan, where, a.verbose);
                if (r < 0 || fflush(stdout) != 0)
                        return log_error("Cannot write the report."), 1;
                return hard || soft ? 1 : 0;
        }

        ApplyContext ctx = {
                .root = &root,
                .accounts = &acc,
                .systemd = a.systemd,
                .workspace = a.workspace ?: PLAN_WORKSPACE_DEFAULT,
                .durable = true,
                .deadline_usec = deadline.deadline_usec,
        };
        r = apply_plan(&plan, &ctx, &result);
        if (r < 0)
                return log_error_errno(r, "Failed to apply: %m"), 1;
        run_record_apply(&rec, &result);

        r = a.format == OUTPUT_JSON ? report_apply_json(stdout, &plan, &result, where)
                                    : report_apply_text(stdout, &plan, &result, where, a.verbose);
        if (r < 0 || fflush(stdout) != 0)
                return log_error("Cannot write the report."), 1;

        r = result.n_failed > 0 || hard || soft ? 1 : 0;
        run_record_finish(&rec, r);
        return r;
}
