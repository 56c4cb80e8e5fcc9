/* SPDX-License-Identifier: Apache-2.0 */
/* The libraries nodeinit dlopen()s by soname (net/http.c, apply/systemd-*.c),
 * declared in the binary: the linker records no dependency on them, so
 * without these notes a package build (dh_shlibdeps) would not know them.
 * debian/control states the same in Depends. */
#include "basic/dlopen-note.h"

ELF_NOTE_DLOPEN("[{\"feature\":\"http\",\"description\":\"fetch user-data and metadata, etcd discovery\","
                "\"priority\":\"required\",\"soname\":[\"libcurl.so.4\"]}]");
ELF_NOTE_DLOPEN("[{\"feature\":\"systemd\",\"description\":\"start, enable and mask units over the bus\","
                "\"priority\":\"required\",\"soname\":[\"libsystemd.so.0\"]}]");
