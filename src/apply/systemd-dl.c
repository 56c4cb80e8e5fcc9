/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>

#include "apply/systemd-internal.h"
#include "basic/log.h"

/* libsystemd is dlopen()ed (see systemd.h): the table of what we use. */

int sd_bus_load(SdBusFunctions *f) {
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

void reply_done(Reply *r) {
        if (r->m)
                r->b->f.message_unref(r->m);
        r->m = NULL;
}

void bus_error_done(BusError *e) {
        e->b->f.error_free(&e->e);
}
