/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "macro.h"

/* A bump allocator: a parsed document and everything derived from it live
 * and die together, so there is one free for the lot and no per-node
 * bookkeeping on the hot path. */
typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
        ArenaChunk *chunks;
        size_t used;  /* bytes in the current chunk */
        size_t total; /* bytes handed out, for limits */
} Arena;

void *arena_alloc(Arena *a, size_t size);
void *arena_alloc0(Arena *a, size_t size);
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_done(Arena *a);

#define arena_new0(a, t, n) ((t *) arena_alloc0_array((a), sizeof(t), (n)))

static inline void *arena_alloc0_array(Arena *a, size_t size, size_t n) {
        if (n > 0 && size > SIZE_MAX / n)
                return NULL;
        return arena_alloc0(a, size * n);
}
