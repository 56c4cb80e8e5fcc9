/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

/* Writes the cloud-config schema table as a JSON Schema (draft 2020-12) for
 * editors (yaml-language-server) and other validators. Depends on nothing
 * but the table, so a build-machine tool can write it too. Returns 0 or
 * -EIO. */
int schema_json_write(FILE *f);
