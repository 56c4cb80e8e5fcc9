/* SPDX-License-Identifier: Apache-2.0 */
#include "apply/systemd-internal.h"
#include "basic/log.h"
#include "basic/strv.h"
#include "basic/time-util.h"


/* How many jobs we walk when checking whether a new job waits for our own
 * unit: a boot transaction has a few hundred at most. */
#define SELF_WAIT_MAX_JOBS 512

int unit_object_path(SystemdBus *b, const char *method, const char *unit, char **ret) {
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
void job_follow(SystemdBus *b, const char *job, const SystemdOptions *o, UnitResult *res) {
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

void run_job_method(SystemdBus *b, const char *method, const char *unit, const SystemdOptions *o,
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
