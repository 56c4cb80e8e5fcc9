/* SPDX-License-Identifier: Apache-2.0 */
#include "source/source-internal.h"

/* DigitalOcean and Packet: one JSON metadata document (the availability
 * probe) plus the user-data. */

typedef int (*ParseFn)(const char *json, Metadata *ret, char **reterr);

static int json_source_fetch(SourceContext *c, const char *base, const char *md_path, const char *ud_path,
                             ParseFn parse, SourceResult *ret) {
        _cleanup_(http_response_done) HttpResponse md = {}, ud = {};
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *md_url = NULL, *ud_url = NULL, *err = NULL;
        int r;

        if (asprintf(&md_url, "%s%s", base, md_path) < 0 || asprintf(&ud_url, "%s%s", base, ud_path) < 0)
                return -ENOMEM;

        r = source_http_get(c, md_url, NULL, SOURCE_DOCUMENT_MAX_SIZE, false, false, &md);
        if (r < 0)
                return r;
        if (md.status != 200)
                return source_fail(c, -ENOENT, "%s: HTTP %ld", md_url, md.status);
        r = parse(md.body, &m, &err);
        if (r < 0)
                return source_fail(c, r, "%s: %s", md_url, err ?: strerror(-r));

        r = source_http_get(c, ud_url, NULL, SOURCE_USER_DATA_MAX_SIZE, true, false, &ud);
        if (r < 0)
                return r;
        if (ud.status != 200 && ud.status != 404)
                return source_fail(c, -EBADMSG, "%s: HTTP %ld", ud_url, ud.status);

        ret->metadata = m;
        m = (Metadata) {};
        if (ud.status == 200) {
                ret->have_user_data = true;
                ret->user_data_size = ud.size;
                ret->user_data = TAKE_PTR(ud.body);
        }
        return 0;
}

int source_digitalocean_fetch(SourceContext *c, const char *base, SourceResult *ret) {
        return json_source_fetch(c, base, "metadata/v1.json", "metadata/v1/user-data",
                                 digitalocean_parse_metadata, ret);
}

int source_packet_fetch(SourceContext *c, const char *base, SourceResult *ret) {
        return json_source_fetch(c, base, "metadata", "userdata", packet_parse_metadata, ret);
}
