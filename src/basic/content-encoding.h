/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* Generous, but bounded: decoded content is held in memory (a gzip bomb
 * stops here). */
#define FILE_CONTENT_MAX (64U * 1024U * 1024U)

/* Decodes content per a write_files encoding name ("" or NULL = raw;
 * base64, b64, gzip, gz, and their "+base64"/"+b64" forms), as
 * coreos-cloudinit's write_files and VMware's coreos.config.data.encoding
 * take them. -EOPNOTSUPP for another name. */
int file_content_decode(const char *encoding, const char *content, size_t len, char **ret, size_t *ret_len);
