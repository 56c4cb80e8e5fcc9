/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "apply/systemd-hooks.h"
#include "basic/log.h"
#include "basic/time-util.h"
#include "cli/verb-status.h"
#include "cli/verbs.h"
#include "report/run-result.h"

/* nodeinit status [--wait]: what the last apply run did, for scripts that
 * must wait for provisioning (as `cloud-init status --wait` in Packer and
 * Terraform).
 *
 * When --wait stops waiting (the rule, as cloud-init's: wait while a run
 * is running or one is still coming, never for a hook that will not run):
 *   - the result says running: until its writer ends (a writer that dies
 *     without a final result is reported as an interrupted run: error);
 *   - on the host (no --root), no result, or a final one: until no boot
 *     hook (systemd-hooks.h: nodeinit-ec2.service, system-cloudinit@ ...)
 *     has a start job queued or running in the service manager. A hook that
 *     is disabled, masked, fails its condition or dependency, or is
 *     cancelled has no job, so it never makes --wait hang: with no result
 *     then, the answer is "not run". Without systemd there is no boot hook:
 *     "not run" at once.
 *   - with --root DIR: DIR's runs are not the host manager's business:
 *     until a run in DIR has finished.
 * Everything is waited for by events: inotify on the result's directory,
 * a pidfd on the writer, the manager's JobRemoved signals. */

typedef struct Args {
        bool wait;
        bool json;
        const char *root;
} Args;

static void help(void) {
        printf("Usage: nodeinit status [--wait] [--format=text|json] [--root=DIR]\n\n"
               "Show the result of the last apply run (%s/%s).\n\n"
               "  --wait              block until the boot run has finished, also when it has\n"
               "                      not started yet; returns when no boot hook is going to run\n"
               "  --format=text|json  output format (default text)\n"
               "  --root=DIR          the result of runs with --root=DIR (DIR%s)\n\n"
               "Exit status: 0 done (or running, without --wait), 1 finished with errors,\n"
               "2 not run or usage.\n",
               RUN_RESULT_DIR, RUN_RESULT_FILE, RUN_RESULT_DIR);
}

enum {
        ARG_WAIT = 0x100,
        ARG_FORMAT,
        ARG_ROOT,
};

int status_parse_argv(int argc, char *argv[], bool *wait, bool *json, const char **root, void (*help_fn)(void)) {
        static const struct option options[] = {
                { "help",   no_argument,       NULL, 'h' },
                { "wait",   no_argument,       NULL, ARG_WAIT },
                { "format", required_argument, NULL, ARG_FORMAT },
                { "root",   required_argument, NULL, ARG_ROOT },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "hw", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help_fn();
                        return 0;
                case 'w':
                case ARG_WAIT:
                        if (!wait) {
                                log_error("%s has no --wait.", argv[0]);
                                return 2;
                        }
                        *wait = true;
                        break;
                case ARG_FORMAT:
                        if (!streq(optarg, "text") && !streq(optarg, "json")) {
                                log_error("Unknown --format \"%s\": want text or json.", optarg);
                                return 2;
                        }
                        *json = streq(optarg, "json");
                        break;
                case ARG_ROOT:
                        *root = optarg;
                        break;
                default:
                        return 2;
                }
        if (optind < argc) {
                log_error("%s takes no arguments (\"%s\").", argv[0], argv[optind]);
                return 2;
        }
        return -1;
}

static bool on_host(const Args *a) {
        return isempty(a->root) || streq(a->root, "/");
}

/* A "running" result whose writer is gone will never be final. */
static int mark_interrupted(RunResult *r) {
        r->state = RUN_STATE_ERROR;
        return run_result_add_error(r, NULL, 0, 0, "interrupted: the run (PID %d) ended without a final result",
                                    (int) r->pid);
}

/* 1 and *ret filled: a result; 0: none; negative: unreadable. */
static int load(const Args *a, RunResult *ret) {
        _cleanup_(run_result_done) RunResult r = {};
        int q;

        q = run_result_read(a->root, &r);
        if (q == -ENOENT)
                return 0;
        if (q < 0)
                return q;
        if (r.state == RUN_STATE_RUNNING && !run_result_writer_alive(&r)) {
                q = mark_interrupted(&r);
                if (q < 0)
                        return q;
        }
        *ret = r;
        r = (RunResult) {};
        return 1;
}

static void format_duration(uint64_t usec, char *buf, size_t size) {
        snprintf(buf, size, "%llu.%03llus", (unsigned long long) (usec / USEC_PER_SEC),
                 (unsigned long long) (usec % USEC_PER_SEC / USEC_PER_MSEC));
}

static void print_text(const RunResult *r) {
        char t[64], d[64];
        size_t n_done = 0, n_unchanged = 0, n_skipped = 0, n_failed = 0;

        if (!r) {
                printf("status: not run\n");
                return;
        }
        printf("status: %s\n", run_state_to_string(r->state));
        if (r->datasource)
                printf("datasource: %s%s%s%s\n", r->datasource, r->where ? " (" : "", strempty(r->where),
                       r->where ? ")" : "");
        if (r->unit)
                printf("unit: %s\n", r->unit);
        if (format_timestamp_utc(r->start_realtime_usec, t, sizeof t) >= 0)
                printf("started: %s\n", t);
        if (r->end_realtime_usec > 0 && format_timestamp_utc(r->end_realtime_usec, t, sizeof t) >= 0) {
                format_duration(r->end_realtime_usec - MIN(r->start_realtime_usec, r->end_realtime_usec), d, sizeof d);
                printf("finished: %s (%s)\n", t, d);
        }
        for (size_t i = 0; i < r->n_steps; i++) {
                const char *res = strempty(r->steps[i].result);
                n_done += streq(res, "done");
                n_unchanged += streq(res, "unchanged");
                n_skipped += streq(res, "skipped");
                n_failed += streq(res, "failed");
        }
        if (r->n_steps > 0)
                printf("steps: %zu (%zu done, %zu unchanged, %zu skipped, %zu failed)\n", r->n_steps, n_done,
                       n_unchanged, n_skipped, n_failed);
        for (size_t i = 0; i < r->n_steps; i++) {
                const RunStep *s = r->steps + i;
                if (streq_ptr(s->result, "failed"))
                        printf("failed: %s%s%s%s%s%s%s\n", s->kind, s->target ? " " : "", strempty(s->target),
                               s->action ? " " : "", strempty(s->action), s->detail ? ": " : "",
                               strempty(s->detail));
        }
        if (r->n_errors > 0)
                printf("errors:\n");
        for (size_t i = 0; i < r->n_errors; i++) {
                const RunError *e = r->errors + i;
                if (e->file && e->line > 0 && e->column > 0)
                        printf("  %s:%u:%u: %s\n", e->file, e->line, e->column, e->message);
                else if (e->file && e->line > 0)
                        printf("  %s:%u: %s\n", e->file, e->line, e->message);
                else if (e->file)
                        printf("  %s: %s\n", e->file, e->message);
                else
                        printf("  %s\n", e->message);
        }
}

static int exit_status(const RunResult *r, bool have) {
        if (!have)
                return 2;
        return r->state == RUN_STATE_ERROR ? 1 : 0;
}

/* Watches dir for the result file, or, while dir does not exist, its
 * nearest existing ancestor for dir's creation. */
static int watch_result_dir(int ino, const char *dir) {
        _cleanup_free_ char *p = strdup(dir);
        if (!p)
                return -ENOMEM;
        for (;;) {
                uint32_t mask = IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF |
                        IN_ONLYDIR;
                if (inotify_add_watch(ino, p, mask) >= 0)
                        return 0;
                if (errno != ENOENT && errno != ENOTDIR)
                        return -errno;
                char *slash = strrchr(p, '/');
                if (!slash || slash == p) {
                        /* even / is missing (a --root that does not exist): watch it when it comes */
                        if (inotify_add_watch(ino, slash ? "/" : ".", mask) >= 0)
                                return 0;
                        return -errno;
                }
                *slash = 0;
        }
}

static void drain(int fd) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        while (read(fd, buf, sizeof buf) > 0)
                ;
}

static int pidfd_open_pid(pid_t pid) {
#ifdef SYS_pidfd_open
        int fd = (int) syscall(SYS_pidfd_open, pid, 0);
        return fd < 0 ? -errno : fd;
#else
        return -ENOSYS;
#endif
}

typedef struct Waiter {
        const Args *a;
        int ino;
        SystemdBus *bus;
        bool bus_failed;
        int pidfd;
        pid_t pidfd_of;
        bool writer_unwatched;  /* no pidfd (kernel < 5.3, valgrind): look again each second */
} Waiter;

static void waiter_done(Waiter *w) {
        safe_close(w->ino);
        safe_close(w->pidfd);
        systemd_bus_free(w->bus);
}

/* >0: a boot hook is still coming; 0: none; <0: cannot tell. */
static int hooks_pending(Waiter *w) {
        int r;

        if (access("/run/systemd/system", F_OK) < 0)
                return 0;   /* not booted with systemd: no boot hook */
        if (w->bus_failed)
                return -ENOTCONN;
        if (!w->bus) {
                r = systemd_connect(SYSTEMD_MODE_SYSTEM, NULL, &w->bus);
                if (r < 0) {
                        w->bus_failed = true;
                        return log_warning_errno(r, "Cannot ask the service manager about boot hooks (%m); "
                                                 "waiting for a run to finish.");
                }
        }
        _cleanup_free_ char *unit = NULL;
        r = systemd_boot_hooks_pending(w->bus, &unit);
        if (r < 0)
                return log_warning_errno(r, "Cannot list the service manager's jobs: %m");
        if (r > 0)
                log_debug("waiting for %s", unit);
        return r;
}

/* 1: answer now (have says whether *r holds a result); 0: wait. */
static int decide(Waiter *w, RunResult *r, bool *have) {
        int q;

        run_result_done(r);
        q = load(w->a, r);
        if (q < 0)
                return q;
        *have = q > 0;

        if (*have && r->state == RUN_STATE_RUNNING) {
                if (w->pidfd_of != r->pid) {
                        w->pidfd = safe_close(w->pidfd);
                        w->pidfd_of = r->pid;
                        /* the writer is alive (load() checked): its exit wakes us */
                        q = pidfd_open_pid(r->pid);
                        w->writer_unwatched = q < 0;
                        if (q >= 0)
                                w->pidfd = q;
                        else if (q == -ESRCH)
                                return decide(w, r, have);
                }
                return 0;
        }
        if (!on_host(w->a))
                return *have;
        q = hooks_pending(w);
        if (q > 0)
                return 0;
        if (q < 0)
                return *have;   /* cannot tell: a final result is the answer; none: wait for one */
        if (*have)
                return 1;
        /* no hook is coming: unless one finished between the read and the
         * question, nothing will be run */
        run_result_done(r);
        q = load(w->a, r);
        if (q < 0)
                return q;
        *have = q > 0;
        return !*have || r->state != RUN_STATE_RUNNING;
}

static int wait_for_result(const Args *a, RunResult *r, bool *have) {
        _cleanup_(waiter_done) Waiter w = { .a = a, .ino = -EBADF, .pidfd = -EBADF };
        _cleanup_free_ char *dir = NULL;
        int q;

        /* a run that has finished needs no watch: an inotify instance
         * costs milliseconds to tear down, more than the whole answer */
        q = decide(&w, r, have);
        if (q != 0)
                return q < 0 ? q : 0;

        q = run_result_dir(a->root, &dir);
        if (q < 0)
                return q;
        w.ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (w.ino < 0)
                return -errno;

        for (;;) {
                /* the watch first, then the look: nothing slips between */
                q = watch_result_dir(w.ino, dir);
                if (q < 0)
                        return log_error_errno(q, "Cannot watch %s: %m", dir);
                q = decide(&w, r, have);
                if (q != 0)
                        return q < 0 ? q : 0;

                struct pollfd p[3] = { { .fd = w.ino, .events = POLLIN } };
                nfds_t n = 1;
                if (w.pidfd >= 0)
                        p[n++] = (struct pollfd) { .fd = w.pidfd, .events = POLLIN };
                if (w.bus) {
                        short ev = 0;
                        int fd = systemd_bus_poll_fd(w.bus, &ev);
                        if (fd >= 0)
                                p[n++] = (struct pollfd) { .fd = fd, .events = ev };
                }
                /* without a pidfd a writer's death wakes nothing: load()
                 * notices it, so look again now and then */
                if (poll(p, n, w.pidfd < 0 && w.writer_unwatched ? 1000 : -1) < 0 && errno != EINTR)
                        return -errno;
                drain(w.ino);
                if (w.bus && systemd_bus_dispatch(w.bus) < 0) {
                        /* the manager went away (shutdown?): stop asking it */
                        w.bus = systemd_bus_free(w.bus);
                        w.bus_failed = true;
                }
        }
}

int verb_status(int argc, char *argv[]) {
        _cleanup_(run_result_done) RunResult r = {};
        Args a = {};
        bool have = false;
        int q;

        q = status_parse_argv(argc, argv, &a.wait, &a.json, &a.root, help);
        if (q >= 0)
                return q;

        if (a.wait)
                q = wait_for_result(&a, &r, &have);
        else {
                q = load(&a, &r);
                have = q > 0;
        }
        if (q < 0) {
                _cleanup_free_ char *dir = NULL;
                (void) run_result_dir(a.root, &dir);
                log_error_errno(q, "Cannot read the run's result in %s: %m", strna(dir));
                return 2;
        }

        if (a.json)
                q = run_result_print_json(have ? &r : NULL, have ? run_state_to_string(r.state) : "not run", stdout);
        else
                print_text(have ? &r : NULL);
        if (q < 0 || fflush(stdout) != 0)
                return log_error("Cannot write the status."), 2;
        return exit_status(&r, have);
}
