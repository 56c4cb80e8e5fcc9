/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "basic/macro.h"
#include "source/metadata.h"

/* What `nodeinit metadata` prints: what a datasource gave, never the
 * user-data itself nor SSH key material. Plain values so that report/ does
 * not depend on the source stage's code. */
typedef struct MetadataReport {
        const char *source;             /* datasource kind */
        const char *where;              /* its URL or path, may be NULL */
        const Metadata *metadata;
        bool have_user_data;
        const char *user_data_type;     /* userdata_classify() name, NULL if absent */
        size_t user_data_size;
        unsigned requests;              /* HTTP requests sent */
        unsigned token_requests;        /* of which IMDSv2 token PUTs */
        unsigned connections;           /* TCP/TLS connections opened */
        unsigned retries;               /* backoff waits */
} MetadataReport;

/* One JSON object, pretty-printed, with a trailing newline. */
int metadata_report_json(const MetadataReport *r, FILE *f);
/* "name: value" lines for a person; every value escaped. */
int metadata_report_text(const MetadataReport *r, FILE *f);
