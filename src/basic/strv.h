/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "macro.h"

/* NULL-terminated string arrays. */
char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char * const *l);
/* Appends a copy of s. */
int strv_extend(char ***l, const char *s);
/* Appends s itself, taking ownership (freed on failure too). */
int strv_consume(char ***l, char *s);
bool strv_contains(char * const *l, const char *s);
char *strv_join(char * const *l, const char *sep);

#define STRV_FOREACH(s, l) for (char * const *s = (l); s && *s; s++)
