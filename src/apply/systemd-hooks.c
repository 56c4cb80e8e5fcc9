/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>
#include <fnmatch.h>

#include "apply/systemd-hooks.h"
#include "apply/systemd-internal.h"

bool unit_is_boot_hook(const char *unit) {
        static const char * const hooks[] = {
                "nodeinit-*.service",
                "system-cloudinit@*.service",
                "user-cloudinit@*.service",
                "user-cloudinit-proc-cmdline.service",
                "user-configdrive.service",
        };

        if (startswith(unit, "nodeinit-script-"))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(hooks); i++)
                if (fnmatch(hooks[i], unit, 0) == 0)
                        return true;
        return false;
}

int systemd_boot_hooks_pending(SystemdBus *b, char **ret_unit) {
        REPLY(reply, b);
        BUS_ERROR(e, b);
        const char *unit, *type, *state, *job_path, *unit_path;
        uint32_t id;
        int r, n = 0;

        r = b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "ListJobs", &e.e, &reply.m, NULL);
        if (r < 0)
                return r;
        r = b->f.message_enter_container(reply.m, 'a', "(usssoo)");
        if (r < 0)
                return r;
        while ((r = b->f.message_read(reply.m, "(usssoo)", &id, &unit, &type, &state, &job_path, &unit_path)) > 0) {
                /* a stop job (shutdown) does not bring a run */
                if (!unit_is_boot_hook(unit) || !(streq(type, "start") || streq(type, "restart")))
                        continue;
                if (n++ == 0 && ret_unit && !(*ret_unit = strdup(unit)))
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        return n;
}

/* Not in the shared table: only `status --wait` needs them. */
static void *bus_sym(SystemdBus *b, const char *name) {
        return dlsym(b->f.dl, name);
}

int systemd_bus_poll_fd(SystemdBus *b, short *ret_events) {
        __typeof__(sd_bus_get_fd) *get_fd = bus_sym(b, "sd_bus_get_fd");
        __typeof__(sd_bus_get_events) *get_events = bus_sym(b, "sd_bus_get_events");

        if (!get_fd || !get_events)
                return -ENOSYS;
        int ev = get_events(b->bus);
        if (ev < 0)
                return ev;
        *ret_events = (short) ev;
        return get_fd(b->bus);
}

int systemd_bus_dispatch(SystemdBus *b) {
        int r;

        /* everything that has arrived, without blocking */
        while ((r = b->f.process(b->bus, NULL)) > 0)
                ;
        return r;
}
