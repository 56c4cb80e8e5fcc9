/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/escape.h"
#include "report/discovery.h"

int report_discovery_text(FILE *f, const DiscoveryResult *r) {
        escape_fprintf(f, "status: %s\n", discovery_status_to_string(r->status));
        if (r->size > 0)
                escape_fprintf(f, "size: %u\n", r->size);
        if (r->member_id)
                escape_fprintf(f, "member-id: %s\n", r->member_id);
        escape_fprintf(f, "registered: %zu\n", r->n_peers);
        for (size_t i = 0; i < r->n_peers; i++)
                escape_fprintf(f, "  %s %s\n", r->peers[i].key, r->peers[i].value);
        escape_fprintf(f, "%s\n", strempty(r->message));
        return fflush(f) != 0 || ferror(f) ? -EIO : 0;
}
