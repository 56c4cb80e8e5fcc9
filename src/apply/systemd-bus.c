/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/stat.h>

#include "apply/systemd-internal.h"
#include "basic/buf.h"
#include "basic/log.h"

/* The one connection of a run: the manager's private socket, else the bus;
 * the JobRemoved match is in before any job is queued. */

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

        /* The tests' way to a manager that is not this machine's (a user
         * manager in a scratch cgroup, PID 1 of a container); documented in
         * nodeinit(1), ENVIRONMENT. */
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
