/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "config/model.h"
#include "basic/diag.h"

/* The rules that look across fields of a decoded model: encodings that must
 * decode, write_files targets, entries that need a name. Run by
 * cloud_config_parse(); exposed for tests. */
int cloud_config_check(CloudConfig *c, DiagList *diags);

/* file_content_decode(): shared with the planner, which writes the decoded bytes. */
#include "basic/content-encoding.h"
