/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "apply/systemd.h"

/* For `nodeinit status --wait`: is a boot hook still going to run? The boot
 * hooks are the units data/units ships to run nodeinit at boot:
 * nodeinit-*.service (not nodeinit-script-*, which a run starts itself),
 * system-cloudinit@*.service, user-cloudinit@*.service,
 * user-cloudinit-proc-cmdline.service and user-configdrive.service. */

bool unit_is_boot_hook(const char *unit) _pure_;

/* How many boot hooks have a start job queued or running in the manager
 * (0: none is coming; one that is disabled, masked, failed its condition
 * or dependency, or was cancelled has none). *ret_unit (optional): the
 * first such unit. */
int systemd_boot_hooks_pending(SystemdBus *b, char **ret_unit);

/* The connection's fd and poll events, for waiting on it beside other
 * fds; after it polls ready, systemd_bus_dispatch() handles what came
 * (JobRemoved signals: ask systemd_boot_hooks_pending() again). */
int systemd_bus_poll_fd(SystemdBus *b, short *ret_events);
int systemd_bus_dispatch(SystemdBus *b);
