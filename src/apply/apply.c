/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdarg.h>

#include "apply/apply.h"
#include "apply/discovery.h"
#include "basic/log.h"
#include "basic/time-util.h"

static const char * const apply_status_table[_APPLY_STATUS_MAX] = {
        [APPLY_DONE] = "done",
        [APPLY_UNCHANGED] = "unchanged",
        [APPLY_SKIPPED] = "skipped",
        [APPLY_FAILED] = "failed",
};

DEFINE_STRING_TABLE_LOOKUP(apply_status, ApplyStatus, _APPLY_STATUS_MAX);

void apply_result_done(ApplyResult *r) {
        for (size_t i = 0; i < r->n_steps; i++) {
                free(r->steps[i].kind);
                free(r->steps[i].target);
                free(r->steps[i].action);
                free(r->steps[i].detail);
        }
        free(r->steps);
        *r = (ApplyResult) {};
}

int apply_result_add(ApplyResult *r, const char *kind, const char *target, const char *action, ApplyStatus status,
                     const char *detail_fmt, ...) {
        ApplyStep s = { .status = status };
        va_list ap;

        if (detail_fmt) {
                va_start(ap, detail_fmt);
                int q = vasprintf(&s.detail, detail_fmt, ap);
                va_end(ap);
                if (q < 0)
                        return -ENOMEM;
        }
        s.kind = strdup(kind);
        s.target = strdup(strempty(target));
        s.action = strdup(strempty(action));
        ApplyStep *n = realloc(r->steps, sizeof(ApplyStep) * (r->n_steps + 1));
        if (!n || !s.kind || !s.target || !s.action) {
                free(s.kind);
                free(s.target);
                free(s.action);
                free(s.detail);
                if (n)
                        r->steps = n;
                return -ENOMEM;
        }
        s.end_usec = now_monotonic_usec();
        s.start_usec = r->step_start_usec ?: s.end_usec;
        r->step_start_usec = s.end_usec;
        r->steps = n;
        r->steps[r->n_steps++] = s;
        r->n_failed += status == APPLY_FAILED;
        return 0;
}

static int reader_stat(void *userdata, const char *path, bool want_content, PlanNode *ret) {
        Accounts *a = userdata;
        return fs_stat_node(a->root, path, want_content, ret);
}

static int reader_list(void *userdata, const char *dir, char ***ret) {
        Accounts *a = userdata;
        return fs_list_files(a->root, dir, ret);
}

PlanReader apply_plan_reader(const FsRoot *root, Accounts *accounts) {
        accounts->root = root;
        return (PlanReader) {
                .stat = reader_stat,
                .list = reader_list,
                .owner = accounts_resolve_owner,
                .userdata = accounts,
        };
}

static int apply_hostname(const Plan *p, const ApplyContext *ctx, ApplyResult *res) {
        char cur[256] = {};

        if (!p->hostname)
                return 0;
        /* with --root the running kernel's name is not ours to change:
         * /etc/hostname (a plan file) is all */
        if (!ctx->root->host)
                return 0;
        if (gethostname(cur, sizeof cur - 1) >= 0 && streq(cur, p->hostname))
                return apply_result_add(res, "hostname", p->hostname, "set", APPLY_UNCHANGED, NULL);
        if (sethostname(p->hostname, strlen(p->hostname)) < 0)
                return apply_result_add(res, "hostname", p->hostname, "set", APPLY_FAILED, "sethostname: %s",
                                        strerror(errno));
        log_info("Set hostname to %s", p->hostname);
        return apply_result_add(res, "hostname", p->hostname, "set", APPLY_DONE, NULL);
}

static int apply_users(const Plan *p, const ApplyContext *ctx, ApplyResult *res) {
        int r;

        ctx->accounts->deadline_usec = ctx->deadline_usec;
        for (size_t i = 0; i < p->n_users; i++) {
                const PlanUser *u = p->users + i;
                _cleanup_free_ char *err = NULL;

                r = accounts_apply_user(ctx->accounts, u, &err);
                if (r == -ENOMEM)
                        return r;
                const char *action = u->create ? "create" : u->passwd ? "set password" : "check";
                if (r < 0) {
                        log_error("User %s: %s", u->name, err ?: strerror(-r));
                        r = apply_result_add(res, "user", u->name, action, APPLY_FAILED, "%s", err ?: strerror(-r));
                } else {
                        if (r > 0)
                                log_info("User %s: %s", u->name, action);
                        r = apply_result_add(res, "user", u->name, action, r > 0 ? APPLY_DONE : APPLY_UNCHANGED, NULL);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* For "Failed to VERB PATH": plan_file_action_to_string() names the
 * action, not what was being done ("directory"). */
static const char *file_action_verb(PlanFileAction a) {
        static const char * const verbs[_PLAN_FILE_ACTION_MAX] = {
                [PLAN_FILE_WRITE] = "write",
                [PLAN_FILE_MASK] = "mask",
                [PLAN_FILE_UNMASK] = "unmask",
                [PLAN_FILE_DIR] = "create directory",
        };
        return a >= 0 && a < _PLAN_FILE_ACTION_MAX ? verbs[a] : "handle";
}

static int apply_files(const Plan *p, const ApplyContext *ctx, ApplyResult *res) {
        if (p->n_files == 0)
                return 0;

        _cleanup_free_ FsResult *fr = new0(FsResult, p->n_files);
        if (!fr)
                return -ENOMEM;
        /* one durable batch: every file's step spans it */
        uint64_t batch = res->step_start_usec = now_monotonic_usec();
        int n = fs_commit(ctx->root, p->files, p->n_files, accounts_resolve_owner, ctx->accounts, ctx->durable, fr);
        if (n < 0)
                return n;

        for (size_t i = 0; i < p->n_files; i++) {
                const PlanFile *f = p->files + i;
                const char *action = plan_file_action_to_string(f->action);
                _cleanup_free_ char *why = NULL;
                int r;

                res->step_start_usec = batch;
                switch (fr[i].outcome) {
                case FS_FAILED:
                        /* paths and reasons only: never content */
                        if (fr[i].no_owner) {
                                size_t ol = strlen(strempty(f->owner));
                                /* "core:" is core and its login group */
                                r = asprintf(&why, "owner %.*s is not in the root's /etc/passwd or /etc/group",
                                             (int) (ol > 0 && f->owner[ol - 1] == ':' ? ol - 1 : ol),
                                             strempty(f->owner));
                        } else
                                r = asprintf(&why, "%s: %s", fr[i].what, strerror(-fr[i].error));
                        if (r < 0)
                                return -ENOMEM;
                        log_error("Failed to %s %s: %s", file_action_verb(f->action), f->path, why);
                        r = apply_result_add(res, "file", f->path, action, APPLY_FAILED, "%s", why);
                        break;
                case FS_UNCHANGED:
                        r = apply_result_add(res, "file", f->path, action, APPLY_UNCHANGED, fr[i].what ? "%s" : NULL,
                                             fr[i].what);
                        break;
                default:
                        log_debug("%s %s", fs_outcome_to_string(fr[i].outcome), f->path);
                        r = apply_result_add(res, "file", f->path, action, APPLY_DONE, "%s",
                                             fs_outcome_to_string(fr[i].outcome));
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static ApplyStatus status_of_unit(const UnitResult *u) {
        switch (u->outcome) {
        case UNIT_OUTCOME_SKIPPED:
                return APPLY_SKIPPED;
        default:
                return unit_outcome_is_success(u->outcome) ? APPLY_DONE : APPLY_FAILED;
        }
}

static int add_unit_result(ApplyResult *res, const UnitResult *u) {
        const char *action = u->step == UNIT_STEP_COMMAND ? unit_command_to_string(u->command) : unit_step_to_string(u->step);
        uint64_t start = res->step_start_usec;
        int r = apply_result_add(res, u->step == UNIT_STEP_SCRIPT ? "script" : "unit", u->unit ?: "(manager)", action,
                                 status_of_unit(u), "%s%s%s%s%s%s", unit_outcome_to_string(u->outcome),
                                 u->job_result ? " (job " : "", u->job_result ?: "", u->job_result ? ")" : "",
                                 u->message ? ": " : "", strempty(u->message));
        if (r < 0)
                return r;
        /* the steps ran one after another before their results came
         * back: lay them out from the stage's start by their own times */
        res->steps[res->n_steps - 1].start_usec = start;
        res->steps[res->n_steps - 1].end_usec = res->step_start_usec = start + u->usec;
        return 0;
}

static int apply_systemd(const Plan *p, const ApplyContext *ctx, ApplyResult *res) {
        _cleanup_(systemd_bus_freep) SystemdBus *bus = NULL;
        SystemdOptions opts = ctx->systemd_options ? *ctx->systemd_options : (SystemdOptions) {};
        const SystemdOptions *o = &opts;
        int r;

        /* no job is waited for past the run's own deadline */
        if (ctx->deadline_usec > 0 && (opts.deadline_usec == 0 || opts.deadline_usec > ctx->deadline_usec))
                opts.deadline_usec = ctx->deadline_usec;

        if (p->n_units == 0 && p->n_scripts == 0)
                return 0;

        r = systemd_connect(ctx->systemd, NULL, &bus);
        if (r < 0) {
                log_error_errno(r, "Cannot connect to the %s manager: %m", systemd_mode_to_string(ctx->systemd));
                for (size_t i = 0; i < p->n_units; i++)
                        if (p->units[i].command >= 0 || p->units[i].enable) {
                                r = apply_result_add(res, "unit", p->units[i].name, "connect", APPLY_FAILED,
                                                     "no connection to the service manager");
                                if (r < 0)
                                        return r;
                        }
                for (size_t i = 0; i < p->n_scripts; i++) {
                        r = apply_result_add(res, "script", p->scripts[i].origin, "run", APPLY_FAILED,
                                             "no connection to the service manager");
                        if (r < 0)
                                return r;
                }
                return 0;
        }

        UnitResult *ur = NULL;
        size_t n_ur = 0;
        res->step_start_usec = now_monotonic_usec();
        r = systemd_apply_units(bus, p->units, p->n_units, o, &ur, &n_ur);
        for (size_t i = 0; r >= 0 && i < n_ur; i++) {
                int q = add_unit_result(res, ur + i);
                if (q < 0)
                        r = q;
        }
        unit_results_free(ur, n_ur);
        if (r < 0)
                return r;

        for (size_t i = 0; i < p->n_scripts; i++) {
                UnitResult sr = {};
                if (!bus) {
                        /* only writes: not even the workspace copy */
                        r = apply_result_add(res, "script", p->scripts[i].origin, "run", APPLY_SKIPPED,
                                             "--systemd=none");
                        if (r < 0)
                                return r;
                        continue;
                }
                res->step_start_usec = now_monotonic_usec();
                r = systemd_run_script(bus, p->scripts + i, ctx->root, ctx->workspace, o, &sr);
                if (r < 0)
                        return r;
                r = add_unit_result(res, &sr);
                unit_result_done(&sr);
                if (r < 0)
                        return r;
        }
        return 0;
}

#define APPLY_DISCOVERY_TIMEOUT_USEC (60ULL * 1000000ULL)

static int apply_discovery(const Plan *p, const ApplyContext *ctx, ApplyResult *res) {
        _cleanup_(http_client_freep) HttpClient *http = NULL;
        int r;

        if (p->n_discovery == 0)
                return 0;
        /* --root prepares an image or a tree for another machine: the
         * discovery service is that machine's business when it boots.
         * --systemd=none does not matter: it only keeps units from running. */
        if (!ctx->root->host) {
                for (size_t i = 0; i < p->n_discovery; i++) {
                        r = apply_result_add(res, "discovery", p->discovery[i].url,
                                             discovery_kind_to_string(p->discovery[i].kind), APPLY_SKIPPED,
                                             "--root: not touching the network");
                        if (r < 0)
                                return r;
                }
                return 0;
        }

        r = http_client_new(&http);
        for (size_t i = 0; i < p->n_discovery; i++) {
                const PlanDiscovery *d = p->discovery + i;
                const char *kind = discovery_kind_to_string(d->kind);
                _cleanup_(discovery_result_done) DiscoveryResult dr = {};
                DiscoveryOptions o = { .timeout_usec = APPLY_DISCOVERY_TIMEOUT_USEC };

                if (r < 0) {
                        r = apply_result_add(res, "discovery", d->url, kind, APPLY_FAILED, "no HTTP client: %s",
                                             strerror(-r));
                        if (r < 0)
                                return r;
                        r = -ENOSYS;
                        continue;
                }
                if (ctx->deadline_usec > 0) {
                        uint64_t n = now_monotonic_usec();
                        /* less than a request's worth left: say so rather than try */
                        if (n + 1000 >= ctx->deadline_usec) {
                                int q = apply_result_add(res, "discovery", d->url, kind, APPLY_FAILED,
                                                         "not run: the run's deadline has passed");
                                if (q < 0)
                                        return q;
                                continue;
                        }
                        o.timeout_usec = MIN(o.timeout_usec, ctx->deadline_usec - n);
                        o.request_timeout_usec = MIN(10ULL * 1000000ULL, o.timeout_usec);
                }
                int q = discovery_run(http, d, &o, &dr);
                if (q == -ENOMEM)
                        return q;
                if (q < 0)
                        q = apply_result_add(res, "discovery", d->url, kind, APPLY_FAILED, "%s", strerror(-q));
                else
                        q = apply_result_add(res, "discovery", d->url, kind,
                                             !dr.ok ? APPLY_FAILED :
                                             dr.status == DISCOVERY_UNCHANGED ? APPLY_UNCHANGED : APPLY_DONE,
                                             "%s%s%s", discovery_status_to_string(dr.status),
                                             dr.message ? ": " : "", strempty(dr.message));
                if (q < 0)
                        return q;
        }
        return 0;
}

int apply_plan(const Plan *p, const ApplyContext *ctx, ApplyResult *ret) {
        _cleanup_(apply_result_done) ApplyResult res = {};
        uint64_t start = res.step_start_usec = now_monotonic_usec();
        int r;

        /* the order of coreos-cloudinit: hostname, users, files, units;
         * users first so that files can be owned by them. Discovery
         * before the units: the etcd2 check must run before etcd starts
         * and registers itself (else it sees its own fresh entry and
         * reports it as registered or the cluster as full), and an etcd
         * 0.4 node is announced before its units look for peers. */
        r = apply_hostname(p, ctx, &res);
        if (r >= 0)
                r = apply_users(p, ctx, &res);
        if (r >= 0)
                r = apply_files(p, ctx, &res);
        if (r >= 0)
                r = apply_discovery(p, ctx, &res);
        /* with --systemd=none these report their steps as skipped */
        if (r >= 0)
                r = apply_systemd(p, ctx, &res);
        if (r < 0)
                return r;

        res.usec = now_monotonic_usec() - start;
        *ret = res;
        res = (ApplyResult) {};
        return ret->n_failed > 0;
}
