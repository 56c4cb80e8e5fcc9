/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"
#include "report/diag.h"

/* Limits that keep hostile user-data from exhausting the node. */
#define USERDATA_MAX_SIZE (16U * 1024U * 1024U)       /* raw input */
#define USERDATA_MAX_DECOMPRESSED (64U * 1024U * 1024U) /* after gunzip, per stream */
#define USERDATA_MAX_PARTS 256U

typedef enum UserDataKind {
        USER_DATA_EMPTY,
        USER_DATA_CLOUD_CONFIG,
        USER_DATA_SCRIPT,
        USER_DATA_IGNITION,
        USER_DATA_MULTIPART,
        USER_DATA_GZIP,
        USER_DATA_UNKNOWN,
        _USER_DATA_KIND_MAX,
        _USER_DATA_KIND_INVALID = -EINVAL,
} UserDataKind;

const char *user_data_kind_to_string(UserDataKind k) _const_;
UserDataKind user_data_kind_from_string(const char *s) _pure_;

/* Classifies already-decompressed bytes, in coreos-cloudinit's validator order:
 * empty (only whitespace counts as empty), "#!" script, Ignition JSON
 * (ignitionVersion number or ignition.version string), "#cloud-config" first
 * line (trailing whitespace trimmed), MIME multipart/mixed, else unknown.
 * Gzip magic is reported as USER_DATA_GZIP. */
UserDataKind userdata_classify(const char *data, size_t size);

typedef struct UserDataPart {
        UserDataKind kind;      /* never MULTIPART or GZIP: those are unpacked */
        char *content;          /* decoded bytes, NUL-terminated */
        size_t size;
        char *content_type;     /* as given in the MIME part, or NULL */
        char *filename;         /* Content-Disposition filename, or NULL */
        unsigned line_offset;   /* lines before this part's first line in the
                                 * original text, when the part is stored
                                 * verbatim; 0 otherwise */
        bool verbatim;          /* content is a byte range of the original */
} UserDataPart;

typedef struct UserData {
        UserDataPart *parts;
        size_t n_parts;
} UserData;

/* Turns raw user-data (possibly gzip, possibly multipart with gzip or base64
 * parts) into an ordered list of parts. A single non-multipart document
 * becomes one part. Problems with the input become diagnostics (with line
 * where known) and a negative return (-EBADMSG, -EFBIG). */
int userdata_decode(const char *data, size_t size, UserData *ret, DiagList *diags);
void userdata_done(UserData *u);
