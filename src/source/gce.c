/* SPDX-License-Identifier: Apache-2.0 */
#include "source/source-internal.h"

/* GCE metadata server: every request carries Metadata-Flavor: Google. The
 * user-data GET doubles as the availability probe. */

static char *const gce_headers[] = { (char *) "Metadata-Flavor: Google", NULL };

static int gce_get(SourceContext *c, const char *base, const char *path, size_t max, bool probe,
                   char **ret, size_t *ret_size) {
        _cleanup_(http_response_done) HttpResponse resp = {};
        _cleanup_free_ char *url = NULL;
        int r;

        if (asprintf(&url, "%scomputeMetadata/v1/%s", base, path) < 0)
                return -ENOMEM;
        r = source_http_get(c, url, gce_headers, max, !probe, false, &resp);
        if (r < 0)
                return r;
        if (resp.status == 404) {
                *ret = NULL;
                return 0;
        }
        if (resp.status != 200)
                return source_fail(c, -EBADMSG, "%s: HTTP %ld", url, resp.status);
        if (ret_size)
                *ret_size = resp.size;
        *ret = TAKE_PTR(resp.body);
        return 0;
}

static int gce_value(SourceContext *c, const char *base, const char *path, bool (*check)(const char *s),
                     char **field) {
        _cleanup_free_ char *v = NULL;
        int r;

        r = gce_get(c, base, path, SOURCE_METADATA_MAX_SIZE, false, &v, NULL);
        if (r < 0 || !v)
                return r;
        metadata_first_line(v);
        if (isempty(v))
                return 0; /* an instance without external IP answers an empty string */
        r = metadata_set_checked(field, v, check);
        if (r == -EBADMSG)
                return source_fail(c, r, "%s: unexpected value \"%.64s\"", path, v);
        return r;
}

static bool check_id(const char *s) {
        return metadata_is_word(s, 128);
}

int source_gce_fetch(SourceContext *c, const char *base, SourceResult *ret) {
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *ud = NULL;
        size_t ud_size = 0;
        int r;

        r = gce_get(c, base, "instance/attributes/user-data", SOURCE_USER_DATA_MAX_SIZE, true, &ud, &ud_size);
        if (r < 0)
                return r;

        r = gce_value(c, base, "instance/network-interfaces/0/access-configs/0/external-ip", metadata_is_ipv4,
                      &m.public_ipv4);
        if (r < 0)
                return r;
        r = gce_value(c, base, "instance/network-interfaces/0/ip", metadata_is_ipv4, &m.private_ipv4);
        if (r < 0)
                return r;
        r = gce_value(c, base, "instance/hostname", metadata_is_hostname, &m.hostname);
        if (r < 0)
                return r;
        r = gce_value(c, base, "instance/id", check_id, &m.instance_id);
        if (r < 0)
                return r;

        source_result_take(ret, &m, &ud, ud_size);
        return 0;
}
