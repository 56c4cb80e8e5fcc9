/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"
#include "basic/diag.h"

/* Limits that keep hostile user-data from exhausting the node. */
#define USERDATA_MAX_SIZE (16U * 1024U * 1024U)       /* raw input */
#define USERDATA_MAX_DECOMPRESSED (64U * 1024U * 1024U) /* after gunzip, per stream */
#define USERDATA_MAX_PARTS 256U
/* Containers (gzip streams, multipart bodies) around one part, and gzip
 * streams directly inside each other ("gzip, possibly gzipped once more"). */
#define USERDATA_MAX_NESTING 4U
#define USERDATA_MAX_GZIP_RUN 2U

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
 * Gzip magic is reported as USER_DATA_GZIP.
 * Multipart means: the text starts with an RFC 822 header block ended by an
 * empty line, whose Content-Type media type is multipart/mixed (any case).
 * The boundary parameter is not required here, so that userdata_decode() can
 * say it is missing instead of calling the document unknown. */
UserDataKind userdata_classify(const char *data, size_t size);

typedef struct UserDataPart {
        UserDataKind kind;      /* never MULTIPART or GZIP: those are unpacked */
        char *content;          /* decoded bytes, NUL-terminated */
        size_t size;
        char *content_type;     /* as given in the MIME part, or NULL */
        char *filename;         /* Content-Disposition filename, or NULL */
        unsigned line_offset;   /* when verbatim: line N of content is line
                                 * N + line_offset of the original text;
                                 * 0 otherwise */
        bool verbatim;          /* content is a byte range of the original
                                 * (apart from an added header, below) */
        bool header_added;      /* "#cloud-config\n" was prepended to a
                                 * text/cloud-config part lacking it: content
                                 * line 1 is not in the original, and
                                 * line_offset already accounts for it */
        unsigned part_line;     /* 1-based line, in the original text, of
                                 * the MIME delimiter opening this part (or
                                 * the nearest enclosing part that is in the
                                 * original, when this one came out of a
                                 * gzip/base64 body); 0 when not in MIME */
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

/* True when the first line, trailing whitespace trimmed, is "#cloud-config". */
bool userdata_has_cloud_config_header(const char *data, size_t size) _pure_;
