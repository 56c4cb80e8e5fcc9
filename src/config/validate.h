/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "config/model.h"
#include "basic/diag.h"

/* The rules that look across fields of a decoded model: encodings that must
 * decode, write_files targets, entries that need a name. Run by
 * cloud_config_parse(); exposed for tests. */
int cloud_config_check(CloudConfig *c, DiagList *diags);

/* Decodes write_files content per its encoding ("" = raw). Shared with the
 * planner, which writes the decoded bytes. */
int file_content_decode(const char *encoding, const char *content, size_t len, char **ret, size_t *ret_len);
