/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "macro.h"

/* Lookups in /etc/passwd and /etc/group text, for a root directory that is
 * not the running system's (getpwnam() would answer for the host). */
typedef struct PasswdEntry {
        char *name;
        uid_t uid;
        gid_t gid;
        char *home;
} PasswdEntry;

void passwd_entry_done(PasswdEntry *e);

/* -ENOENT when name is not in text. */
int passwd_lookup(const char *text, size_t size, const char *name, PasswdEntry *ret);
int group_lookup(const char *text, size_t size, const char *name, gid_t *ret);
/* Decimal id below 2^32-1; -EINVAL otherwise. */
int parse_id(const char *s, size_t n, unsigned *ret);
