/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the systemd-*.c files share: the dlopen()ed sd-bus functions, the
 * connection, and the result helpers. Not for use outside src/apply. */

#include <systemd/sd-bus.h>

#include "apply/systemd.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_UNIT "org.freedesktop.systemd1.Unit"
#define SD_JOB "org.freedesktop.systemd1.Job"

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

/* systemd-dl.c: looks up every function of SdBusFunctions. -ENOSYS when
 * libsystemd.so.0 or one of them is missing. */
int sd_bus_load(SdBusFunctions *f);

/* Cleanup helpers bound to the dlsym'ed functions of one connection. */
typedef struct Reply {
        SystemdBus *b;
        sd_bus_message *m;
} Reply;

typedef struct BusError {
        SystemdBus *b;
        sd_bus_error e;
} BusError;

void reply_done(Reply *r);
void bus_error_done(BusError *e);

#define REPLY(name, bus) _cleanup_(reply_done) Reply name = { .b = (bus) }
#define BUS_ERROR(name, bus) _cleanup_(bus_error_done) BusError name = { .b = (bus), .e = SD_BUS_ERROR_NULL }

/* systemd-result.c */
void result_set_message(UnitResult *r, const char *fmt, ...) _printf_(2, 3);
void result_set_error(UnitResult *r, const sd_bus_error *e, int error);
void log_result(const UnitResult *r);

/* systemd-job.c */
int unit_object_path(SystemdBus *b, const char *method, const char *unit, char **ret);
/* After the call that queued job: its result, within the job timeout and
 * the run's deadline (see SystemdOptions). */
void job_follow(SystemdBus *b, const char *job, const SystemdOptions *o, UnitResult *res);
/* Manager.<method>(unit, "replace"), then job_follow(). */
void run_job_method(SystemdBus *b, const char *method, const char *unit, const SystemdOptions *o,
                    UnitResult *res);
