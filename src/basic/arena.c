/* SPDX-License-Identifier: Apache-2.0 */
#include "arena.h"

#define ARENA_CHUNK_SIZE (64U * 1024U)

struct ArenaChunk {
        ArenaChunk *next;
        size_t size;
        max_align_t data[];
};

void *arena_alloc(Arena *a, size_t size) {
        size = (size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
        if (size == 0)
                size = _Alignof(max_align_t);

        if (!a->chunks || a->chunks->size - a->used < size) {
                size_t csize = MAX((size_t) ARENA_CHUNK_SIZE, size);
                if (csize > SIZE_MAX - sizeof(ArenaChunk))
                        return NULL;
                ArenaChunk *c = malloc(sizeof(ArenaChunk) + csize);
                if (!c)
                        return NULL;
                c->size = csize;
                /* A large block gets its own chunk behind the current one, so
                 * the free space of the current chunk is not abandoned. */
                if (csize > ARENA_CHUNK_SIZE && a->chunks) {
                        c->next = a->chunks->next;
                        a->chunks->next = c;
                        a->total += size;
                        return c->data;
                }
                c->next = a->chunks;
                a->chunks = c;
                a->used = 0;
        }

        void *p = (char *) a->chunks->data + a->used;
        a->used += size;
        a->total += size;
        return p;
}

void *arena_alloc0(Arena *a, size_t size) {
        void *p = arena_alloc(a, size);
        if (p)
                memset(p, 0, size);
        return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
        char *p = arena_alloc(a, n + 1);
        if (!p)
                return NULL;
        memcpy(p, s, n);
        p[n] = 0;
        return p;
}

void arena_done(Arena *a) {
        while (a->chunks) {
                ArenaChunk *n = a->chunks->next;
                free(a->chunks);
                a->chunks = n;
        }
        *a = (Arena) {};
}
