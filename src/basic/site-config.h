/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* The site configuration, /etc/nodeinit/nodeinit.conf: what differs between
 * distributions rather than between nodes. systemd's unit-file syntax:
 *
 *     # comment
 *     [DefaultUser]
 *     Name=admin                  the user that gets the metadata SSH keys and
 *                                 the top-level ssh_authorized_keys (core)
 *     Groups=sudo adm docker      its supplementary groups, by spaces or commas
 *     Create=yes                  create it when the root has no such user
 *
 * A later assignment of a key replaces an earlier one; an empty Groups=
 * clears the list. Unknown sections and keys are errors: a misspelt key
 * must not leave a node without its login. */

#define SITE_CONFIG_PATH "/etc/nodeinit/nodeinit.conf"
#define SITE_CONFIG_DEFAULT_USER "core"

typedef struct SiteConfig {
        char *default_user;             /* NULL: SITE_CONFIG_DEFAULT_USER */
        char **default_user_groups;     /* NULL: not set */
        bool default_user_groups_set;   /* Groups= was given (perhaps empty) */
        int default_user_create;        /* -1 not set, else 0/1 */
} SiteConfig;

#define SITE_CONFIG_INIT { .default_user_create = -1 }

void site_config_done(SiteConfig *c);

/* Parses text[0..size) into *c (keys given override what *c holds).
 * -EINVAL with *reterr_line (1-based) and *reterr_message (allocated, to be
 * freed) on the first error; -ENOMEM. */
int site_config_parse(const char *text, size_t size, SiteConfig *c, unsigned *reterr_line, char **reterr_message);
