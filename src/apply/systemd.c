/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include <systemd/sd-bus.h>

#include "apply/systemd.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/sha1.h"
#include "basic/strv.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_UNIT "org.freedesktop.systemd1.Unit"
#define SD_JOB "org.freedesktop.systemd1.Job"

/* How many jobs we walk when checking whether a new job waits for our own
 * unit: a boot transaction has a few hundred at most. */
#define SELF_WAIT_MAX_JOBS 512

/* Only the functions we use, looked up once per connection. The types come
 * from the headers, so a wrong prototype does not compile. */
typedef struct SdBusFunctions {
        void *dl;
        __typeof__(sd_bus_new) *bus_new;
        __typeof__(sd_bus_set_address) *set_address;
        __typeof__(sd_bus_set_bus_client) *set_bus_client;
        __typeof__(sd_bus_start) *start;
        __typeof__(sd_bus_open_system) *open_system;
        __typeof__(sd_bus_open_user) *open_user;
        __typeof__(sd_bus_flush_close_unref) *flush_close_unref;
        __typeof__(sd_bus_call_method) *call_method;
        __typeof__(sd_bus_call) *call;
        __typeof__(sd_bus_get_property) *get_property;
        __typeof__(sd_bus_get_property_string) *get_property_string;
        __typeof__(sd_bus_get_property_trivial) *get_property_trivial;
        __typeof__(sd_bus_match_signal) *match_signal;
        __typeof__(sd_bus_slot_unref) *slot_unref;
        __typeof__(sd_bus_process) *process;
        __typeof__(sd_bus_wait) *wait;
        __typeof__(sd_bus_message_new_method_call) *message_new_method_call;
        __typeof__(sd_bus_message_append) *message_append;
        __typeof__(sd_bus_message_open_container) *message_open_container;
        __typeof__(sd_bus_message_close_container) *message_close_container;
        __typeof__(sd_bus_message_enter_container) *message_enter_container;
        __typeof__(sd_bus_message_exit_container) *message_exit_container;
        __typeof__(sd_bus_message_read) *message_read;
        __typeof__(sd_bus_message_unref) *message_unref;
        __typeof__(sd_bus_error_free) *error_free;
        __typeof__(sd_bus_error_has_name) *error_has_name;
} SdBusFunctions;

struct SystemdBus {
        SdBusFunctions f;
        SystemdMode mode;
        bool direct;            /* peer-to-peer to the manager's private socket */
        sd_bus *bus;
        sd_bus_slot *job_removed_slot;
        char *description;

        /* The JobRemoved we are waiting for, filled by the signal handler. */
        const char *wait_job;
        char *wait_result;

        /* Our own unit (for "does this job wait for us?"), looked up once. */
        bool self_looked_up;
        char *self_unit_path;
        char *self_unit;
};

static const char *const systemd_mode_table[_SYSTEMD_MODE_MAX] = {
        [SYSTEMD_MODE_SYSTEM] = "system",
        [SYSTEMD_MODE_USER] = "user",
        [SYSTEMD_MODE_NONE] = "none",
};
DEFINE_STRING_TABLE_LOOKUP(systemd_mode, SystemdMode, _SYSTEMD_MODE_MAX);

static const char *const unit_step_table[_UNIT_STEP_MAX] = {
        [UNIT_STEP_ENABLE] = "enable",
        [UNIT_STEP_RELOAD] = "reload",
        [UNIT_STEP_MASK] = "mask",
        [UNIT_STEP_NETWORKD] = "networkd",
        [UNIT_STEP_COMMAND] = "command",
        [UNIT_STEP_SCRIPT] = "script",
};
DEFINE_STRING_TABLE_LOOKUP(unit_step, UnitStep, _UNIT_STEP_MAX);

static const char *const unit_outcome_table[_UNIT_OUTCOME_MAX] = {
        [UNIT_OUTCOME_DONE] = "done",
        [UNIT_OUTCOME_FAILED] = "failed",
        [UNIT_OUTCOME_DEPENDENCY] = "dependency",
        [UNIT_OUTCOME_CANCELED] = "canceled",
        [UNIT_OUTCOME_TIMEOUT] = "timeout",
        [UNIT_OUTCOME_SKIPPED] = "skipped",
        [UNIT_OUTCOME_QUEUED] = "queued",
        [UNIT_OUTCOME_WARNING] = "warning",
        [UNIT_OUTCOME_ERROR] = "error",
        [UNIT_OUTCOME_OTHER] = "other",
};
DEFINE_STRING_TABLE_LOOKUP(unit_outcome, UnitOutcome, _UNIT_OUTCOME_MAX);

/* Manager methods per UnitCommand (plan.h order). */
static const char *const command_method_table[_UNIT_COMMAND_MAX] = {
        [UNIT_COMMAND_START] = "StartUnit",
        [UNIT_COMMAND_STOP] = "StopUnit",
        [UNIT_COMMAND_RESTART] = "RestartUnit",
        [UNIT_COMMAND_RELOAD] = "ReloadUnit",
        [UNIT_COMMAND_TRY_RESTART] = "TryRestartUnit",
        [UNIT_COMMAND_RELOAD_OR_RESTART] = "ReloadOrRestartUnit",
        [UNIT_COMMAND_RELOAD_OR_TRY_RESTART] = "ReloadOrTryRestartUnit",
};

UnitOutcome unit_outcome_from_job_result(const char *result) {
        if (!result)
                return UNIT_OUTCOME_OTHER;
        /* "done", "failed", ... share our names; the rest are "other". */
        UnitOutcome o = unit_outcome_from_string(result);
        switch (o) {
        case UNIT_OUTCOME_DONE:
        case UNIT_OUTCOME_FAILED:
        case UNIT_OUTCOME_DEPENDENCY:
        case UNIT_OUTCOME_CANCELED:
        case UNIT_OUTCOME_TIMEOUT:
        case UNIT_OUTCOME_SKIPPED:
                return o;
        default:
                return UNIT_OUTCOME_OTHER;
        }
}

bool unit_outcome_is_success(UnitOutcome o) {
        switch (o) {
        case UNIT_OUTCOME_DONE:
        case UNIT_OUTCOME_SKIPPED:
        case UNIT_OUTCOME_QUEUED:
        case UNIT_OUTCOME_WARNING:
                return true;
        default:
                return false;
        }
}

void unit_result_done(UnitResult *r) {
        if (!r)
                return;
        free(r->unit);
        free(r->job_result);
        free(r->error_name);
        free(r->message);
        *r = (UnitResult) { .command = _UNIT_COMMAND_INVALID };
}

void unit_results_free(UnitResult *r, size_t n) {
        for (size_t i = 0; i < n; i++)
                unit_result_done(&r[i]);
        free(r);
}

static uint64_t now_monotonic_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

/* ---- loading libsystemd ---- */

static int sd_bus_load(SdBusFunctions *f) {
        void *dl = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
                log_debug("Cannot load libsystemd.so.0: %s", dlerror());
                return -ENOSYS;
        }

#define SYM(field, name)                                                \
        do {                                                            \
                *(void **) &f->field = dlsym(dl, name);                 \
                if (!f->field) {                                        \
                        log_debug("libsystemd lacks %s", name);         \
                        dlclose(dl);                                    \
                        return -ENOSYS;                                 \
                }                                                       \
        } while (0)

        SYM(bus_new, "sd_bus_new");
        SYM(set_address, "sd_bus_set_address");
        SYM(set_bus_client, "sd_bus_set_bus_client");
        SYM(start, "sd_bus_start");
        SYM(open_system, "sd_bus_open_system");
        SYM(open_user, "sd_bus_open_user");
        SYM(flush_close_unref, "sd_bus_flush_close_unref");
        SYM(call_method, "sd_bus_call_method");
        SYM(call, "sd_bus_call");
        SYM(get_property, "sd_bus_get_property");
        SYM(get_property_string, "sd_bus_get_property_string");
        SYM(get_property_trivial, "sd_bus_get_property_trivial");
        SYM(match_signal, "sd_bus_match_signal");
        SYM(slot_unref, "sd_bus_slot_unref");
        SYM(process, "sd_bus_process");
        SYM(wait, "sd_bus_wait");
        SYM(message_new_method_call, "sd_bus_message_new_method_call");
        SYM(message_append, "sd_bus_message_append");
        SYM(message_open_container, "sd_bus_message_open_container");
        SYM(message_close_container, "sd_bus_message_close_container");
        SYM(message_enter_container, "sd_bus_message_enter_container");
        SYM(message_exit_container, "sd_bus_message_exit_container");
        SYM(message_read, "sd_bus_message_read");
        SYM(message_unref, "sd_bus_message_unref");
        SYM(error_free, "sd_bus_error_free");
        SYM(error_has_name, "sd_bus_error_has_name");
#undef SYM

        f->dl = dl;
        return 0;
}

/* Cleanup helpers bound to the dlsym'ed functions of one connection. */
typedef struct Reply {
        SystemdBus *b;
        sd_bus_message *m;
} Reply;

static void reply_done(Reply *r) {
        if (r->m)
                r->b->f.message_unref(r->m);
        r->m = NULL;
}

typedef struct BusError {
        SystemdBus *b;
        sd_bus_error e;
} BusError;

static void bus_error_done(BusError *e) {
        e->b->f.error_free(&e->e);
}

#define REPLY(name, bus) _cleanup_(reply_done) Reply name = { .b = (bus) }
#define BUS_ERROR(name, bus) _cleanup_(bus_error_done) BusError name = { .b = (bus), .e = SD_BUS_ERROR_NULL }

/* ---- connection ---- */

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        SystemdBus *b = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        if (!b->wait_job || b->wait_result)
                return 0;
        if (b->f.message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (streq(path, b->wait_job))
                b->wait_result = strdup(result);
        return 0;
}

SystemdBus *systemd_bus_free(SystemdBus *b) {
        if (!b)
                return NULL;
        if (b->job_removed_slot)
                b->f.slot_unref(b->job_removed_slot);
        if (b->bus)
                b->f.flush_close_unref(b->bus);
        /* libsystemd stays loaded: it may have registered thread-locals. */
        free(b->description);
        free(b->wait_result);
        free(b->self_unit_path);
        free(b->self_unit);
        free(b);
        return NULL;
}

const char *systemd_bus_description(const SystemdBus *b) {
        return b ? b->description : "none";
}

static int connect_address(SystemdBus *b, const char *address, bool bus_client) {
        sd_bus *bus = NULL;
        int r;

        r = b->f.bus_new(&bus);
        if (r < 0)
                return r;
        r = b->f.set_address(bus, address);
        if (r >= 0 && bus_client)
                r = b->f.set_bus_client(bus, 1);
        if (r >= 0)
                r = b->f.start(bus);
        if (r < 0) {
                b->f.flush_close_unref(bus);
                return r;
        }
        b->bus = bus;
        return 0;
}

static int default_private_address(SystemdMode mode, char **ret) {
        const char *dir = "/run";

        if (mode == SYSTEMD_MODE_USER) {
                dir = getenv("XDG_RUNTIME_DIR");
                if (isempty(dir))
                        return -ENXIO;
        } else if (geteuid() != 0)
                /* PID 1 accepts only root on its private socket. */
                return -EPERM;

        Buf buf = {};
        if (buf_printf(&buf, "%s/systemd/private", dir) < 0) {
                buf_done(&buf);
                return -ENOMEM;
        }
        char *path = buf_steal(&buf, NULL);
        if (!path)
                return -ENOMEM;
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
                free(path);
                return -ENOENT;
        }

        Buf a = {};
        int r = buf_printf(&a, "unix:path=%s", path);
        free(path);
        if (r < 0) {
                buf_done(&a);
                return -ENOMEM;
        }
        *ret = buf_steal(&a, NULL);
        return *ret ? 0 : -ENOMEM;
}

static char *strjoin2(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        char *s = malloc(la + lb + 1);
        if (!s)
                return NULL;
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
        return s;
}

int systemd_connect(SystemdMode mode, const char *address, SystemdBus **ret) {
        _cleanup_(systemd_bus_freep) SystemdBus *b = NULL;
        _cleanup_free_ char *def = NULL;
        int r;

        if (mode < 0 || mode >= _SYSTEMD_MODE_MAX)
                return -EINVAL;
        if (mode == SYSTEMD_MODE_NONE) {
                *ret = NULL;
                return 0;
        }

        b = new0(SystemdBus, 1);
        if (!b)
                return -ENOMEM;
        b->mode = mode;

        r = sd_bus_load(&b->f);
        if (r < 0)
                return r;

        if (!address)
                address = getenv("NODEINIT_SYSTEMD_ADDRESS");
        if (!isempty(address)) {
                const char *a = startswith(address, "bus:");
                r = connect_address(b, a ?: address, a != NULL);
                if (r < 0)
                        return log_debug_errno(r, "Cannot connect to %s: %s", address, strerror(-r)), r;
                b->direct = !a;
                b->description = strjoin2(a ? "bus " : "direct ", a ?: address);
        } else {
                /* The private socket first: it needs no dbus-daemon (which may
                 * not run yet this early in boot) and is the fastest way in. */
                r = default_private_address(mode, &def);
                if (r >= 0)
                        r = connect_address(b, def, false);
                if (r >= 0) {
                        b->direct = true;
                        b->description = strjoin2("direct ", def);
                } else {
                        sd_bus *bus = NULL;
                        r = mode == SYSTEMD_MODE_USER ? b->f.open_user(&bus) : b->f.open_system(&bus);
                        if (r < 0)
                                return log_debug_errno(r, "Cannot connect to the %s manager: %s",
                                                       systemd_mode_to_string(mode), strerror(-r)), r;
                        b->bus = bus;
                        b->description = strdup(mode == SYSTEMD_MODE_USER ? "user bus" : "system bus");
                }
        }
        if (!b->description)
                return -ENOMEM;

        /* The match goes in before any job is queued, so that no JobRemoved
         * can slip by. */
        r = b->f.match_signal(b->bus, &b->job_removed_slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                              on_job_removed, b);
        if (r < 0)
                return r;

        /* Subscribe makes the manager send its signals to bus clients. Direct
         * peers get them unconditionally: skipping it saves a round trip to
         * a PID 1 that is busy booting. */
        if (!b->direct) {
                BUS_ERROR(e, b);
                r = b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &e.e, NULL, NULL);
                if (r < 0 && !b->f.error_has_name(&e.e, "org.freedesktop.systemd1.AlreadySubscribed"))
                        return log_debug_errno(r, "Subscribe failed: %s", e.e.message ?: strerror(-r)), r;
        }

        *ret = TAKE_PTR(b);
        return 0;
}

/* ---- results ---- */

typedef struct Results {
        UnitResult *items;
        size_t n;
        size_t allocated;
        int failed;
} Results;

static UnitResult *results_add(Results *rs, UnitStep step, const char *unit, UnitCommand command) {
        if (rs->n == rs->allocated) {
                size_t na = MAX(rs->allocated * 2, (size_t) 8);
                UnitResult *n = realloc(rs->items, na * sizeof(UnitResult));
                if (!n)
                        return NULL;
                rs->items = n;
                rs->allocated = na;
        }

        char *u = NULL;
        if (unit) {
                u = strdup(unit);
                if (!u)
                        return NULL;
        }
        UnitResult *r = &rs->items[rs->n++];
        *r = (UnitResult) {
                .step = step,
                .unit = u,
                .command = command,
                .outcome = UNIT_OUTCOME_DONE,
        };
        return r;
}

static void result_set_message(UnitResult *r, const char *fmt, ...) _printf_(2, 3);
static void result_set_message(UnitResult *r, const char *fmt, ...) {
        Buf buf = {};
        va_list ap;

        va_start(ap, fmt);
        int k = buf_vprintf(&buf, fmt, ap);
        va_end(ap);
        free(r->message);
        r->message = k < 0 ? NULL : buf_steal(&buf, NULL);
        buf_done(&buf);
}

static void result_set_error(UnitResult *r, const sd_bus_error *e, int error) {
        r->outcome = UNIT_OUTCOME_ERROR;
        free(r->error_name);
        r->error_name = e && e->name ? strdup(e->name) : NULL;
        if (e && e->message)
                result_set_message(r, "%s", e->message);
        else
                result_set_message(r, "%s", strerror(error < 0 ? -error : EIO));
}

/* ---- jobs ---- */

static int unit_object_path(SystemdBus *b, const char *method, const char *unit, char **ret) {
        BUS_ERROR(e, b);
        REPLY(reply, b);
        const char *path;
        int r;

        r = b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, method, &e.e, &reply.m, "s", unit);
        if (r < 0)
                return r;
        r = b->f.message_read(reply.m, "o", &path);
        if (r < 0)
                return r;
        *ret = strdup(path);
        return *ret ? 0 : -ENOMEM;
}

static void self_lookup(SystemdBus *b, const SystemdOptions *o) {
        BUS_ERROR(e, b);
        REPLY(reply, b);
        const char *path;
        int r;

        if (b->self_looked_up)
                return;
        b->self_looked_up = true;

        if (o && o->self_unit) {
                if (unit_object_path(b, "LoadUnit", o->self_unit, &b->self_unit_path) >= 0)
                        b->self_unit = strdup(o->self_unit);
                return;
        }

        /* Not in a unit of this manager (a shell, a test) is the common
         * case for by-hand runs: NoUnitForPID, nothing can wait for us. */
        r = b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnitByPID", &e.e, &reply.m, "u",
                             (uint32_t) getpid());
        if (r < 0 || b->f.message_read(reply.m, "o", &path) < 0)
                return;
        b->self_unit_path = strdup(path);
        if (b->self_unit_path)
                (void) b->f.get_property_string(b->bus, SD_DEST, b->self_unit_path, SD_UNIT, "Id", NULL,
                                                &b->self_unit);
        if (b->self_unit)
                log_debug("Running in %s", b->self_unit);
}

/* The job of our own unit, if it has one right now: jobs ordered after it
 * cannot finish before we exit. */
static int self_job(SystemdBus *b, char **ret) {
        REPLY(reply, b);
        const char *path;
        uint32_t id;
        int r;

        if (!b->self_unit_path)
                return 0;
        r = b->f.get_property(b->bus, SD_DEST, b->self_unit_path, SD_UNIT, "Job", NULL, &reply.m, "(uo)");
        if (r < 0)
                return 0;
        r = b->f.message_read(reply.m, "(uo)", &id, &path);
        if (r < 0 || id == 0)
                return 0;
        *ret = strdup(path);
        return *ret ? 1 : -ENOMEM;
}

/* Does job (transitively) wait for the job self? Walks Job.GetBefore
 * ("jobs that must finish before this one may start"). */
static bool job_waits_for(SystemdBus *b, const char *job, const char *self) {
        _cleanup_strv_free_ char **queue = NULL;
        size_t next = 0;

        if (strv_extend(&queue, job) < 0)
                return false;

        while (queue[next] && next < SELF_WAIT_MAX_JOBS) {
                BUS_ERROR(e, b);
                REPLY(reply, b);
                const char *cur = queue[next++];
                int r;

                r = b->f.call_method(b->bus, SD_DEST, cur, SD_JOB, "GetBefore", &e.e, &reply.m, NULL);
                if (r < 0)
                        continue;       /* the job finished meanwhile */
                r = b->f.message_enter_container(reply.m, 'a', "(usssoo)");
                if (r < 0)
                        continue;
                for (;;) {
                        const char *unit, *type, *state, *jpath, *upath;
                        uint32_t id;

                        r = b->f.message_read(reply.m, "(usssoo)", &id, &unit, &type, &state, &jpath, &upath);
                        if (r <= 0)
                                break;
                        if (streq(jpath, self))
                                return true;
                        /* a running job no longer waits for anything */
                        if (!streq(state, "waiting"))
                                continue;
                        if (!strv_contains(queue, jpath) && strv_extend(&queue, jpath) < 0)
                                return false;
                }
        }
        return false;
}

static void wait_reset(SystemdBus *b) {
        b->wait_job = NULL;
        b->wait_result = mfree(b->wait_result);
}

/* Follows job to its JobRemoved. -ETIMEDOUT when it is still there at the
 * deadline. */
static int job_wait(SystemdBus *b, const char *job, uint64_t timeout_usec, char **ret_result) {
        uint64_t deadline = now_monotonic_usec() + timeout_usec;
        int r;

        b->wait_job = job;
        for (;;) {
                r = b->f.process(b->bus, NULL);
                if (r < 0)
                        break;
                if (b->wait_result) {
                        *ret_result = TAKE_PTR(b->wait_result);
                        r = 0;
                        break;
                }
                if (r > 0)
                        continue;

                uint64_t n = now_monotonic_usec();
                if (n >= deadline) {
                        r = -ETIMEDOUT;
                        break;
                }
                r = b->f.wait(b->bus, deadline - n);
                if (r < 0)
                        break;
        }
        wait_reset(b);
        return r;
}

static uint64_t job_timeout(const SystemdOptions *o) {
        return o && o->job_timeout_usec > 0 ? o->job_timeout_usec : SYSTEMD_JOB_TIMEOUT_DEFAULT_USEC;
}

/* After the call queued job: wait for its result, up to the timeout. A job
 * that waits for our own unit cannot finish before we exit: it is left
 * queued at once. That is checked again while waiting, since a restart job
 * starts waiting only after its stop phase. */
static void job_follow(SystemdBus *b, const char *job, const SystemdOptions *o, UnitResult *res) {
        _cleanup_free_ char *result = NULL;
        uint64_t deadline = now_monotonic_usec() + job_timeout(o);
        uint64_t slice = 0;
        int r;

        if (o && o->deadline_usec > 0 && o->deadline_usec < deadline)
                deadline = o->deadline_usec;

        self_lookup(b, o);
        for (;;) {
                _cleanup_free_ char *self = NULL;

                if (self_job(b, &self) > 0 && !streq(self, job) && job_waits_for(b, job, self)) {
                        res->outcome = UNIT_OUTCOME_QUEUED;
                        result_set_message(res, "job %s waits for %s, which finishes only after nodeinit: left queued",
                                           job, b->self_unit ?: "our own unit");
                        return;
                }

                uint64_t n = now_monotonic_usec();
                if (n >= deadline) {
                        res->outcome = UNIT_OUTCOME_QUEUED;
                        if (o && o->deadline_usec > 0 && o->deadline_usec == deadline)
                                result_set_message(res, "job %s still running at the run's deadline: left queued",
                                                   job);
                        else
                                result_set_message(res, "job %s still running after %llu ms: left queued", job,
                                                   (unsigned long long) (job_timeout(o) / 1000));
                        return;
                }
                /* Without a unit of our own nothing can wait for us: one wait. */
                slice = !b->self_unit_path ? deadline - n :
                        slice == 0 ? 20 * 1000ULL : MIN(slice * 2, 1000 * 1000ULL);
                r = job_wait(b, job, MIN(slice, deadline - n), &result);
                if (r == -ETIMEDOUT)
                        continue;
                if (r < 0) {
                        result_set_error(res, NULL, r);
                        return;
                }
                break;
        }

        res->outcome = unit_outcome_from_job_result(result);
        res->job_result = TAKE_PTR(result);
}

static void run_job_method(SystemdBus *b, const char *method, const char *unit, const SystemdOptions *o,
                           UnitResult *res) {
        BUS_ERROR(e, b);
        REPLY(reply, b);
        const char *job;
        int r;

        r = b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, method, &e.e, &reply.m, "ss", unit,
                             "replace");
        if (r < 0) {
                result_set_error(res, &e.e, r);
                return;
        }
        r = b->f.message_read(reply.m, "o", &job);
        if (r < 0) {
                result_set_error(res, NULL, r);
                return;
        }
        job_follow(b, job, o, res);
}

/* ---- the steps ---- */

static bool unit_is_loaded(SystemdBus *b, const char *unit, char **ret_path) {
        _cleanup_free_ char *path = NULL;

        /* GetUnit (unlike LoadUnit) never loads: NoSuchUnit = not in memory. */
        if (unit_object_path(b, "GetUnit", unit, &path) < 0)
                return false;
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return true;
}

/* "…/multi-user.target.wants/x.service" -> "multi-user.target" */
static char *wants_dir_unit(const char *symlink) {
        const char *slash = strrchr(symlink, '/');
        if (!slash || slash == symlink)
                return NULL;
        const char *start = slash - 1;
        while (start > symlink && *start != '/')
                start--;
        if (*start == '/')
                start++;
        size_t l = (size_t) (slash - start);
        static const char *const suffixes[] = { ".wants", ".requires", ".upholds" };
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t sl = strlen(suffixes[i]);
                if (l > sl && memcmp(start + l - sl, suffixes[i], sl) == 0)
                        return strndup(start, l - sl);
        }
        return NULL;
}

/* EnableUnitFiles; *ret_reload_reason is set when a loaded unit (the
 * target it was added to) needs a Reload to see the new dependency. */
static void step_enable(SystemdBus *b, const PlanUnit *u, UnitResult *res, char **reload_reason) {
        BUS_ERROR(e, b);
        REPLY(reply, b);
        _cleanup_(buf_done) Buf msg = {};
        int carries_install_info = 0;
        char *names[] = { u->name, NULL };
        int r;

        {
                REPLY(call, b);
                r = b->f.message_new_method_call(b->bus, &call.m, SD_DEST, SD_PATH, SD_MANAGER, "EnableUnitFiles");
                if (r >= 0)
                        r = b->f.message_append(call.m, "as", 1, names[0]);
                if (r >= 0)
                        r = b->f.message_append(call.m, "bb", (int) u->runtime, 1);
                if (r >= 0)
                        r = b->f.call(b->bus, call.m, 0, &e.e, &reply.m);
                if (r < 0) {
                        result_set_error(res, &e.e, r);
                        return;
                }
        }

        r = b->f.message_read(reply.m, "b", &carries_install_info);
        if (r >= 0)
                r = b->f.message_enter_container(reply.m, 'a', "(sss)");
        if (r < 0) {
                result_set_error(res, NULL, r);
                return;
        }
        for (;;) {
                const char *type, *path, *source;

                r = b->f.message_read(reply.m, "(sss)", &type, &path, &source);
                if (r <= 0)
                        break;
                (void) buf_printf(&msg, "%s%s %s -> %s", msg.len ? "; " : "", type, path, source);

                _cleanup_free_ char *target = wants_dir_unit(path);
                if (target && !*reload_reason && unit_is_loaded(b, target, NULL)) {
                        Buf why = {};
                        if (buf_printf(&why, "%s was enabled into %s, which is loaded", u->name, target) >= 0)
                                *reload_reason = buf_steal(&why, NULL);
                        buf_done(&why);
                }
        }

        if (msg.len)
                result_set_message(res, "%s", msg.data);
        else if (!carries_install_info) {
                res->outcome = UNIT_OUTCOME_WARNING;
                result_set_message(res, "unit has no [Install] section: nothing to enable");
        } else
                result_set_message(res, "already enabled");
}

/* Why a Reload is needed for u, or NULL. A unit that is not loaded is read
 * fresh on its next use; a loaded one keeps its old definition until a
 * Reload: changed file or drop-in (NeedDaemonReload says so), and masks or
 * unmasks (NeedDaemonReload stays "no" for those, measured). */
static char *reload_reason(SystemdBus *b, const PlanUnit *u) {
        _cleanup_free_ char *path = NULL, *load_state = NULL;
        int need = 0;
        Buf why = {};
        char *s;

        if (!unit_is_loaded(b, u->name, &path))
                return NULL;
        (void) b->f.get_property_string(b->bus, SD_DEST, path, SD_UNIT, "LoadState", NULL, &load_state);
        (void) b->f.get_property_trivial(b->bus, SD_DEST, path, SD_UNIT, "NeedDaemonReload", NULL, 'b', &need);

        /* A unit that was looked up and not found is retried on its next
         * use once its directory changed (systemd >= 245): no Reload. */
        if (streq_ptr(load_state, "not-found") && !need)
                return NULL;

        if (u->mask && u->changed)
                (void) buf_printf(&why, "%s was masked while loaded (%s)", u->name, strna(load_state));
        else if (u->unmask && u->changed)
                (void) buf_printf(&why, "%s was unmasked while loaded (%s)", u->name, strna(load_state));
        else if (need)
                (void) buf_printf(&why, "%s changed on disk while loaded (NeedDaemonReload)", u->name);
        else if (u->changed)
                (void) buf_printf(&why, "%s changed while loaded (%s)", u->name, strna(load_state));
        s = why.len ? buf_steal(&why, NULL) : NULL;
        buf_done(&why);
        return s;
}

static void step_reload(SystemdBus *b, UnitResult *res) {
        BUS_ERROR(e, b);
        int r;

        /* The manager answers once the reload is complete. */
        r = b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "Reload", &e.e, NULL, NULL);
        if (r < 0)
                result_set_error(res, &e.e, r);
}

/* A mask hides the unit only from a higher-priority directory: a runtime
 * mask in /run does nothing against a unit file in /etc. */
static void step_mask_check(SystemdBus *b, const PlanUnit *u, UnitResult *res) {
        _cleanup_free_ char *path = NULL, *load_state = NULL, *fragment = NULL;
        int r;

        r = unit_object_path(b, "LoadUnit", u->name, &path);
        if (r < 0) {
                result_set_error(res, NULL, r);
                return;
        }
        (void) b->f.get_property_string(b->bus, SD_DEST, path, SD_UNIT, "LoadState", NULL, &load_state);
        if (streq_ptr(load_state, "masked")) {
                result_set_message(res, "masked");
                return;
        }
        (void) b->f.get_property_string(b->bus, SD_DEST, path, SD_UNIT, "FragmentPath", NULL, &fragment);
        res->outcome = UNIT_OUTCOME_WARNING;
        if (u->runtime)
                result_set_message(res, "runtime mask has no effect: %s takes precedence (load state %s)",
                                   isempty(fragment) ? "a unit file in a higher-priority directory" : fragment,
                                   strna(load_state));
        else
                result_set_message(res, "mask has no effect: %s takes precedence (load state %s)",
                                   isempty(fragment) ? "another unit file" : fragment, strna(load_state));
}

static int count_failure(Results *rs, const UnitResult *r) {
        if (!unit_outcome_is_success(r->outcome))
                rs->failed++;
        return 0;
}

static void log_result(const UnitResult *r) {
        const char *what = r->step == UNIT_STEP_COMMAND ? (unit_command_to_string(r->command) ?: "command")
                                                        : unit_step_to_string(r->step);
        /* results are values the report prints: only a debug line here */
        log_debug("%s %s: %s%s%s%s%s (%llu.%03llu ms)", what, strempty(r->unit), unit_outcome_to_string(r->outcome),
                 r->error_name ? " " : "", strempty(r->error_name), r->message ? ": " : "", strempty(r->message),
                 (unsigned long long) (r->usec / 1000), (unsigned long long) (r->usec % 1000));
}

int systemd_apply_units(
                SystemdBus *b,
                const PlanUnit *units,
                size_t n_units,
                const SystemdOptions *o,
                UnitResult **results,
                size_t *n_results) {

        Results rs = { .items = *results, .n = *n_results, .allocated = *n_results };
        _cleanup_free_ char *reload_why = NULL;
        bool networkd = false;
        UnitResult *res;
        uint64_t t;

#define ADD(step, unit, cmd)                                                    \
        ({                                                                      \
                res = results_add(&rs, (step), (unit), (cmd));                  \
                if (!res)                                                       \
                        goto oom;                                               \
                t = now_monotonic_usec();                                       \
                res;                                                            \
        })
#define FINISH()                                                                \
        do {                                                                    \
                res->usec = now_monotonic_usec() - t;                           \
                count_failure(&rs, res);                                        \
                log_result(res);                                                \
        } while (0)
#define SKIP(why)                                                               \
        do {                                                                    \
                res->outcome = UNIT_OUTCOME_SKIPPED;                            \
                result_set_message(res, "%s", (why));                           \
        } while (0)

        /* 1. enable (before the Reload, as coreos-cloudinit does) */
        for (size_t i = 0; i < n_units; i++) {
                const PlanUnit *u = &units[i];
                if (!u->enable || !u->name)
                        continue;
                ADD(UNIT_STEP_ENABLE, u->name, _UNIT_COMMAND_INVALID);
                if (!b)
                        SKIP("--systemd=none");
                else if (u->network)
                        SKIP("network unit: systemd-networkd reads it, nothing to enable");
                else
                        step_enable(b, u, res, &reload_why);
                FINISH();
        }

        /* 2. one Reload, only when a loaded unit would otherwise keep its
         * old definition */
        for (size_t i = 0; b && !reload_why && i < n_units; i++) {
                const PlanUnit *u = &units[i];
                /* only what this run changed: three calls per unit, to a
                 * PID 1 that is busy booting */
                if (u->name && !u->network && u->changed)
                        reload_why = reload_reason(b, u);
        }
        if (reload_why) {
                ADD(UNIT_STEP_RELOAD, NULL, _UNIT_COMMAND_INVALID);
                step_reload(b, res);
                if (res->outcome == UNIT_OUTCOME_DONE)
                        result_set_message(res, "%s", reload_why);
                FINISH();
        }

        /* 3. masks that cannot take effect */
        for (size_t i = 0; i < n_units; i++) {
                const PlanUnit *u = &units[i];
                if (!u->mask || !u->name || u->network)
                        continue;
                ADD(UNIT_STEP_MASK, u->name, _UNIT_COMMAND_INVALID);
                if (!b)
                        SKIP("--systemd=none");
                else
                        step_mask_check(b, u, res);
                FINISH();
        }

        /* 4. networkd re-reads its configuration only on restart */
        for (size_t i = 0; i < n_units; i++)
                if (units[i].network && units[i].changed)
                        networkd = true;
        if (networkd) {
                ADD(UNIT_STEP_NETWORKD, "systemd-networkd.service", UNIT_COMMAND_RESTART);
                if (!b)
                        SKIP("--systemd=none");
                else if (b->mode == SYSTEMD_MODE_USER)
                        SKIP("user manager: systemd-networkd is the system's");
                else
                        run_job_method(b, "RestartUnit", "systemd-networkd.service", o, res);
                FINISH();
        }

        /* 5. the commands, in order; a failure never stops the others */
        for (size_t i = 0; i < n_units; i++) {
                const PlanUnit *u = &units[i];
                if (!u->name || u->network || u->command < 0 || u->command >= _UNIT_COMMAND_MAX)
                        continue;
                ADD(UNIT_STEP_COMMAND, u->name, u->command);
                if (!b)
                        SKIP("--systemd=none");
                else
                        run_job_method(b, command_method_table[u->command], u->name, o, res);
                FINISH();
        }

        *results = rs.items;
        *n_results = rs.n;
        return rs.failed;

oom:
        *results = rs.items;
        *n_results = rs.n;
        return -ENOMEM;
#undef ADD
#undef FINISH
#undef SKIP
}

/* ---- scripts ---- */

int script_exec_argv(const char *content, size_t size, const char *path, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        const char *p, *end, *nl;

        if (!content || size < 2 || content[0] != '#' || content[1] != '!')
                return -EINVAL;
        nl = memchr(content, '\n', size);
        end = nl ?: content + size;
        p = content + 2;
        while (p < end && (*p == ' ' || *p == '\t'))
                p++;
        /* trailing blanks and a CR (DOS line ends) are not part of it */
        while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                end--;
        if (p >= end || *p != '/')
                return -EINVAL;

        const char *q = p;
        while (q < end && *q != ' ' && *q != '\t')
                q++;
        _cleanup_free_ char *interp = strndup(p, (size_t) (q - p));
        if (!interp || strv_consume(&argv, TAKE_PTR(interp)) < 0)
                return -ENOMEM;

        /* Linux passes the rest of the line as one argument. */
        while (q < end && (*q == ' ' || *q == '\t'))
                q++;
        if (q < end) {
                char *arg = strndup(q, (size_t) (end - q));
                if (!arg || strv_consume(&argv, arg) < 0)
                        return -ENOMEM;
        }
        if (strv_extend(&argv, path) < 0)
                return -ENOMEM;

        *ret = TAKE_PTR(argv);
        return 0;
}

static int append_exec_start(SystemdBus *b, sd_bus_message *m, char **argv) {
        int r;

        r = b->f.message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = b->f.message_append(m, "s", "ExecStart");
        if (r >= 0)
                r = b->f.message_open_container(m, 'v', "a(sasb)");
        if (r >= 0)
                r = b->f.message_open_container(m, 'a', "(sasb)");
        if (r >= 0)
                r = b->f.message_open_container(m, 'r', "sasb");
        if (r >= 0)
                r = b->f.message_append(m, "s", argv[0]);
        if (r >= 0)
                r = b->f.message_open_container(m, 'a', "s");
        STRV_FOREACH(a, argv)
                if (r >= 0)
                        r = b->f.message_append(m, "s", *a);
        if (r >= 0)
                r = b->f.message_close_container(m);
        if (r >= 0)
                r = b->f.message_append(m, "b", 0);
        for (int i = 0; i < 4 && r >= 0; i++)
                r = b->f.message_close_container(m);
        return r;
}

/* Saves the script at path through the root-confined writer: a symlink
 * planted under --root cannot redirect it, a crash leaves no half-written
 * file, and an unchanged script is not rewritten. */
static int save_script(const FsRoot *root, const char *dir, const char *path, const PlanScript *script,
                       const char **reterr_what) {
        PlanFile files[2] = {
                { .path = (char *) dir, .action = PLAN_FILE_DIR, .mode = 0700, .origin = (char *) "script" },
                { .path = (char *) path, .action = PLAN_FILE_WRITE, .content = script->content,
                  .size = script->size, .mode = 0700, .origin = (char *) "script", .secret = true },
        };
        FsResult fr[2] = {};

        /* owner NULL everywhere: whoever runs nodeinit, as the manager that
         * executes it expects */
        int r = fs_commit(root, files, 2, NULL, NULL, true, fr);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < 2; i++)
                if (fr[i].outcome == FS_FAILED) {
                        *reterr_what = fr[i].what;
                        return fr[i].error;
                }
        return 0;
}

int systemd_run_script(
                SystemdBus *b,
                const PlanScript *script,
                const FsRoot *root,
                const char *workspace,
                const SystemdOptions *o,
                UnitResult *ret) {

        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *dir = NULL, *path = NULL, *unit = NULL;
        UnitResult res = { .step = UNIT_STEP_SCRIPT, .command = UNIT_COMMAND_START };
        uint64_t t = now_monotonic_usec();
        uint8_t digest[SHA1_DIGEST_SIZE];
        char id[13];
        Buf buf = {};
        int r;

        /* Named by content: a re-run with the same script reuses its file
         * (and unit name) instead of piling up copies; another script gets
         * another name. */
        sha1(script->content, script->size, digest);
        for (unsigned i = 0; i < 6; i++)
                snprintf(id + 2 * i, 3, "%02x", digest[i]);

        if (buf_printf(&buf, "nodeinit-script-%s.service", id) < 0 || !(unit = buf_steal(&buf, NULL)))
                goto oom;
        buf_done(&buf);
        if (buf_printf(&buf, "%s/scripts", workspace) < 0 || !(dir = buf_steal(&buf, NULL)))
                goto oom;
        buf_done(&buf);
        if (buf_printf(&buf, "%s/%s", dir, id) < 0 || !(path = buf_steal(&buf, NULL)))
                goto oom;
        buf_done(&buf);
        res.unit = strdup(unit);
        if (!res.unit)
                goto oom;

        r = script_exec_argv(script->content, script->size, path, &argv);
        if (r == -ENOMEM)
                goto oom;
        if (r < 0) {
                res.outcome = UNIT_OUTCOME_ERROR;
                result_set_message(&res, "no usable #! line (the interpreter must be an absolute path)");
                goto finish;
        }

        const char *what = NULL;
        r = save_script(root, dir, path, script, &what);
        if (r == -ENOMEM)
                goto oom;
        if (r < 0) {
                res.outcome = UNIT_OUTCOME_ERROR;
                result_set_message(&res, "cannot save script as %s: %s%s%s", path, strempty(what),
                                   what ? ": " : "", strerror(-r));
                goto finish;
        }

        if (!b) {
                res.outcome = UNIT_OUTCOME_SKIPPED;
                result_set_message(&res, "--systemd=none: saved as %s, not run", path);
                goto finish;
        }

        {
                BUS_ERROR(e, b);
                REPLY(call, b);
                REPLY(reply, b);
                _cleanup_free_ char *cmdline = strv_join(argv, " ");
                const char *job;

                /* The same script's unit of an earlier run stays loaded
                 * when it failed, and would make the name "exist": let it
                 * go (an error here only means there is nothing to reset). */
                {
                        BUS_ERROR(e2, b);
                        (void) b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", &e2.e,
                                                NULL, "s", unit);
                }
                r = b->f.message_new_method_call(b->bus, &call.m, SD_DEST, SD_PATH, SD_MANAGER,
                                                 "StartTransientUnit");
                if (r >= 0)
                        r = b->f.message_append(call.m, "ss", unit, "fail");
                if (r >= 0)
                        r = b->f.message_open_container(call.m, 'a', "(sv)");
                if (r >= 0)
                        r = b->f.message_append(call.m, "(sv)", "Description", "s",
                                                "User-data script run by nodeinit");
                /* exec: the start job fails when the interpreter cannot be
                 * executed, instead of "done" and a failed unit later. */
                if (r >= 0)
                        r = b->f.message_append(call.m, "(sv)", "Type", "s", "exec");
                if (r >= 0)
                        r = append_exec_start(b, call.m, argv);
                if (r >= 0)
                        r = b->f.message_close_container(call.m);
                if (r >= 0)
                        r = b->f.message_append(call.m, "a(sa(sv))", 0);
                if (r >= 0)
                        r = b->f.call(b->bus, call.m, 0, &e.e, &reply.m);
                if (r >= 0)
                        r = b->f.message_read(reply.m, "o", &job);
                if (r < 0 && e.e.name && streq(e.e.name, "org.freedesktop.systemd1.UnitExists")) {
                        /* still running since an earlier run: not started twice */
                        res.outcome = UNIT_OUTCOME_QUEUED;
                        result_set_message(&res, "already running (started by an earlier run): %s",
                                           cmdline ?: path);
                        goto finish;
                }
                if (r < 0) {
                        result_set_error(&res, &e.e, r);
                        goto finish;
                }
                job_follow(b, job, o, &res);
                if (res.outcome == UNIT_OUTCOME_DONE || !res.message)
                        result_set_message(&res, "%s%s%s", strempty(res.message), res.message ? "; " : "",
                                           cmdline ?: path);
        }

finish:
        res.usec = now_monotonic_usec() - t;
        log_result(&res);
        *ret = res;
        return unit_outcome_is_success(res.outcome) ? 0 : 1;

oom:
        buf_done(&buf);
        unit_result_done(&res);
        return -ENOMEM;
}
