/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "apply/fs.h"

/* The state of the machine that the planner needs and that only apply may
 * read: the current hostname, where user units live, and the run lock. */

/* The running host's name for the host root; else the root's /etc/hostname
 * (first word), "localhost" when it has none. */
int apply_current_hostname(const FsRoot *root, char **ret);

/* --systemd=user: $XDG_CONFIG_HOME/systemd/user (or
 * ~/.config/systemd/user) and $XDG_RUNTIME_DIR/systemd/user. -ENXIO when
 * the environment does not say. */
int apply_user_unit_dirs(char **ret_persistent, char **ret_runtime);

/* One run at a time per root: temporary names are fixed per file. Blocks
 * until the lock is free; it is held as long as root->fd is open. */
int apply_lock_root(const FsRoot *root);
