/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

/* ELF notes that declare a library the program dlopen()s, so packaging
 * tools see a dependency the dynamic section cannot show. The format is the
 * one systemd uses (https://systemd.io/ELF_DLOPEN_METADATA/): a note of
 * owner "FDO", type 0x407c0c0a, whose descriptor is a JSON array of
 * {feature, description, priority, soname[]}. `readelf -n` lists them. */

#define ELF_NOTE_DLOPEN_VENDOR "FDO"
#define ELF_NOTE_DLOPEN_TYPE UINT32_C(0x407c0c0a)

#define ELF_NOTE_DLOPEN_CONCAT_(a, b) a##b
#define ELF_NOTE_DLOPEN_CONCAT(a, b) ELF_NOTE_DLOPEN_CONCAT_(a, b)

#define ELF_NOTE_DLOPEN(json)                                                                           \
        __attribute__((used, section(".note.dlopen"))) _Alignas(sizeof(uint32_t)) static const struct { \
                struct {                                                                                \
                        uint32_t n_namesz, n_descsz, n_type;                                            \
                } nhdr;                                                                                 \
                char name[sizeof(ELF_NOTE_DLOPEN_VENDOR)];                                              \
                _Alignas(sizeof(uint32_t)) char dlopen_json[sizeof(json)];                              \
        } ELF_NOTE_DLOPEN_CONCAT(elf_note_dlopen_, __COUNTER__) = {                                     \
                .nhdr = {                                                                               \
                        .n_namesz = sizeof(ELF_NOTE_DLOPEN_VENDOR),                                     \
                        .n_descsz = sizeof(json),                                                       \
                        .n_type = ELF_NOTE_DLOPEN_TYPE,                                                 \
                },                                                                                      \
                .name = ELF_NOTE_DLOPEN_VENDOR,                                                         \
                .dlopen_json = json,                                                                    \
        }
