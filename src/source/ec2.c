/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/log.h"
#include "basic/strv.h"
#include "source/source-internal.h"

/* EC2 instance metadata: IMDSv2 (token) by default, IMDSv1 only when the
 * token endpoint does not exist or when asked to. Only the attributes nodeinit
 * uses are read: 1 PUT + 7 GETs + 1 per key, no directory crawl. */

#define EC2_TOKEN_TTL_HEADER "X-aws-ec2-metadata-token-ttl-seconds: 21600"
#define EC2_TOKEN_MAX 4096

static const char *const source_imds_endpoint_table[_SOURCE_IMDS_ENDPOINT_MAX] = {
        [SOURCE_IMDS_ENDPOINT_AUTO] = "auto",
        [SOURCE_IMDS_ENDPOINT_IPV4] = "ipv4",
        [SOURCE_IMDS_ENDPOINT_IPV6] = "ipv6",
};

DEFINE_STRING_TABLE_LOOKUP(source_imds_endpoint, SourceImdsEndpoint, _SOURCE_IMDS_ENDPOINT_MAX);

typedef struct Ec2 {
        SourceContext *c;
        const char *base;
        /* Without a URL from the user: the addresses the first request goes
         * to at once (IPv6-only subnets reach IMDS only at [fd00:ec2::254]);
         * base becomes the one that answered. */
        const char *candidates[2];
        size_t n_candidates;
        char *token;            /* NULL with IMDSv1 */
        bool v1;
} Ec2;

static void ec2_done(Ec2 *e) {
        free(e->token);
}

static char *ec2_url(const Ec2 *e, const char *path) {
        char *u = NULL;

        /* Always "latest": dated paths refuse tokens (403 on PUT). */
        if (asprintf(&u, "%slatest/%s", e->base, path) < 0)
                return NULL;
        return u;
}

/* The first contact with two candidate addresses: one attempt to each at
 * once, the first HTTP answer wins and sets e->base; the other request is
 * dropped. Both failing transiently is "not up yet" (-EAGAIN). */
static int ec2_race(Ec2 *e, const char *method, const char *path, char * const *headers, size_t max,
                    HttpResponse *ret) {
        _cleanup_(http_response_done) HttpResponse resp = {};
        _cleanup_free_ char *u0 = NULL, *u1 = NULL, *cond = NULL;
        SourceContext *c = e->c;
        HttpClient *h = NULL;
        size_t winner = 0;
        int r;

        if (asprintf(&u0, "%slatest/%s", e->candidates[0], path) < 0 ||
            asprintf(&u1, "%slatest/%s", e->candidates[1], path) < 0)
                return -ENOMEM;
        r = source_context_http(c, &h);
        if (r < 0)
                return r;

        uint64_t t = source_request_timeout(c);
        if (t == 0)
                return source_fail(c, -ETIMEDOUT, "%s%s, no answer in time", strempty(c->last_wait),
                                   c->last_wait ? "" : "instance metadata service");
        HttpRequest reqs[2] = {
                { .method = method, .url = u0, .headers = headers, .timeout_usec = t, .max_body = max },
                { .method = method, .url = u1, .headers = headers, .timeout_usec = t, .max_body = max },
        };
        if (streq(method, "PUT"))
                c->puts++; /* the second; the caller counts one */

        r = http_request_first(h, reqs, 2, &resp, &winner);
        if (r < 0 && !http_error_is_transient(r))
                return source_fail(c, r, "%s and %s: %s", u0, u1, source_http_error(c, r));
        if (r < 0 || http_status_class(resp.status) == HTTP_CLASS_5XX) {
                if (r < 0 ? asprintf(&cond, "%s and %s: %s", u0, u1, strerror(-r)) < 0
                          : asprintf(&cond, "%s: HTTP %ld", winner == 0 ? u0 : u1, resp.status) < 0)
                        return -ENOMEM;
                log_debug("%s", cond);
                free(c->last_wait);
                c->last_wait = strdup(cond);
                free(c->error);
                c->error = TAKE_PTR(cond);
                return -EAGAIN;
        }
        if (http_status_class(resp.status) != HTTP_CLASS_2XX && http_status_class(resp.status) != HTTP_CLASS_4XX)
                return source_fail(c, -EPROTO, "%s: unexpected HTTP %ld", winner == 0 ? u0 : u1, resp.status);

        e->base = e->candidates[winner];
        e->n_candidates = 0;
        log_info("Instance metadata service answered at %s", e->base);
        *ret = resp;
        resp = (HttpResponse) {};
        return 0;
}

/* probe=true: first contact; a transient failure means "not up yet" (-EAGAIN). */
static int ec2_get_token(Ec2 *e, bool probe) {
        _cleanup_(http_response_done) HttpResponse resp = {};
        _cleanup_free_ char *url = NULL;
        char *headers[] = { (char *) EC2_TOKEN_TTL_HEADER, NULL };
        int r;

        e->c->puts++;
        if (probe && e->n_candidates > 1)
                r = ec2_race(e, "PUT", "api/token", headers, EC2_TOKEN_MAX, &resp);
        else {
                url = ec2_url(e, "api/token");
                if (!url)
                        return -ENOMEM;
                r = source_http_request(e->c, "PUT", url, headers, EC2_TOKEN_MAX, !probe, false, &resp);
        }
        if (r < 0)
                return r;
        if (!url) {
                url = ec2_url(e, "api/token");
                if (!url)
                        return -ENOMEM;
        }

        switch (resp.status) {
        case 200: {
                char *t = metadata_first_line(resp.body);
                if (!metadata_is_word(t, EC2_TOKEN_MAX))
                        return source_fail(e->c, -EBADMSG, "%s: the token received is malformed", url);
                free(e->token);
                e->token = strdup(t);
                return e->token ? 0 : -ENOMEM;
        }
        case 404:
        case 405:
                /* An EC2 look-alike without tokens. */
                log_info("%s answered HTTP %ld: no IMDSv2 here, using IMDSv1", url, resp.status);
                e->v1 = true;
                e->token = mfree(e->token);
                return 0;
        case 403:
                return source_fail(e->c, -EACCES,
                                   "%s: HTTP 403: the instance metadata service is disabled or refuses tokens", url);
        default:
                return source_fail(e->c, -EBADMSG, "%s: token request refused with HTTP %ld", url, resp.status);
        }
}

/* GETs latest/<path>. *ret is NULL when the attribute is absent (404). */
static int ec2_get(Ec2 *e, const char *path, size_t max, bool probe, char **ret, size_t *ret_size) {
        bool refreshed = false;
        int r;

        for (;;) {
                _cleanup_(http_response_done) HttpResponse resp = {};
                _cleanup_free_ char *hdr = NULL;
                _cleanup_free_ char *url = NULL;

                if (e->token && asprintf(&hdr, "X-aws-ec2-metadata-token: %s", e->token) < 0)
                        return -ENOMEM;
                char *headers[] = { hdr, NULL };

                if (probe && e->n_candidates > 1)
                        r = ec2_race(e, "GET", path, headers, max, &resp);
                else {
                        url = ec2_url(e, path);
                        if (!url)
                                return -ENOMEM;
                        r = source_http_get(e->c, url, headers, max, !probe, false, &resp);
                }
                if (r < 0)
                        return r;
                if (!url) { /* after a race: the address that answered */
                        url = ec2_url(e, path);
                        if (!url)
                                return -ENOMEM;
                }

                switch (resp.status) {
                case 200:
                        if (ret_size)
                                *ret_size = resp.size;
                        *ret = TAKE_PTR(resp.body);
                        return 0;
                case 404:
                        *ret = NULL;
                        if (ret_size)
                                *ret_size = 0;
                        return 0;
                case 401:
                        if (e->v1)
                                return source_fail(e->c, -EACCES,
                                                   "%s: HTTP 401: the metadata service requires IMDSv2 tokens%s", url,
                                                   e->c->imds_v1_only ? " (--imds=v1 was given)" : "");
                        if (refreshed)
                                return source_fail(e->c, -EACCES, "%s: HTTP 401 even with a new token", url);
                        /* The token expired (or the service restarted): one new token, then once more. */
                        log_info("%s: HTTP 401, requesting a new token", url);
                        refreshed = true;
                        r = ec2_get_token(e, false);
                        if (r < 0)
                                return r;
                        continue;
                case 403:
                        return source_fail(e->c, -EACCES,
                                           "%s: HTTP 403: the instance metadata service is disabled", url);
                default:
                        return source_fail(e->c, -EBADMSG, "%s: HTTP %ld", url, resp.status);
                }
        }
}

static int ec2_get_value(Ec2 *e, const char *attr, bool (*check)(const char *s), char **field) {
        _cleanup_free_ char *path = NULL, *v = NULL;
        int r;

        if (asprintf(&path, "meta-data/%s", attr) < 0)
                return -ENOMEM;
        r = ec2_get(e, path, SOURCE_METADATA_MAX_SIZE, false, &v, NULL);
        if (r < 0)
                return r;
        if (!v)
                return 0;

        metadata_first_line(v);
        /* With several domain names in the VPC's DHCP options, EC2's hostname
         * lists one name per domain, space-separated; the first is the
         * node's (coreos-cloudinit took it too). */
        if (check == metadata_is_hostname)
                v[strcspn(v, " \t")] = 0;
        r = metadata_set_checked(field, v, check);
        if (r == -EBADMSG)
                return source_fail(e->c, r, "meta-data/%s: unexpected value \"%.64s\"", attr, v);
        return r;
}

static bool check_instance_id(const char *s) {
        return metadata_is_word(s, 64);
}

void ec2_keys_free(Ec2Key *k, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(k[i].name);
        free(k);
}

static int ec2_key_cmp(const void *a, const void *b) {
        const Ec2Key *x = a, *y = b;

        return x->index < y->index ? -1 : x->index > y->index;
}

int ec2_parse_key_listing(const char *text, Ec2Key **ret, size_t *ret_n, char **reterr_line) {
        Ec2Key *keys = NULL;
        size_t n = 0;

        for (const char *p = text; p && *p;) {
                size_t len = strcspn(p, "\n");
                _cleanup_free_ char *line = strndup(p, len);
                if (!line)
                        goto oom;
                p += len + (p[len] == '\n');

                metadata_first_line(line);
                if (line[0] == 0)
                        continue;

                /* "N=name": N decimal, name printable. */
                char *eq = strchr(line, '=');
                char *end = NULL;
                errno = 0;
                unsigned long idx = eq && eq > line && line[0] >= '0' && line[0] <= '9' ? strtoul(line, &end, 10) : 0;
                if (!eq || end != eq || errno != 0 || idx > 4096 || !metadata_is_line(eq + 1) ||
                    strchr(eq + 1, '/')) {
                        ec2_keys_free(keys, n);
                        if (reterr_line)
                                *reterr_line = TAKE_PTR(line);
                        return -EBADMSG;
                }
                for (size_t i = 0; i < n; i++)
                        if (keys[i].index == idx) {
                                ec2_keys_free(keys, n);
                                if (reterr_line)
                                        *reterr_line = TAKE_PTR(line);
                                return -EBADMSG;
                        }

                Ec2Key *nk = realloc(keys, sizeof(Ec2Key) * (n + 1));
                if (!nk)
                        goto oom;
                keys = nk;
                keys[n].index = (unsigned) idx;
                keys[n].name = strdup(eq + 1);
                if (!keys[n].name)
                        goto oom;
                n++;
        }

        if (n > 0)
                qsort(keys, n, sizeof(Ec2Key), ec2_key_cmp);
        *ret = keys;
        *ret_n = n;
        return 0;

oom:
        ec2_keys_free(keys, n);
        return -ENOMEM;
}

static int ec2_get_keys(Ec2 *e, Metadata *m) {
        _cleanup_free_ char *listing = NULL, *bad = NULL;
        Ec2Key *keys = NULL;
        size_t n = 0;
        int r;

        r = ec2_get(e, "meta-data/public-keys/", SOURCE_METADATA_MAX_SIZE, false, &listing, NULL);
        if (r < 0 || !listing)
                return r;

        r = ec2_parse_key_listing(listing, &keys, &n, &bad);
        if (r == -EBADMSG)
                return source_fail(e->c, r, "meta-data/public-keys/: malformed line \"%.64s\"", strempty(bad));
        if (r < 0)
                return r;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL, *key = NULL;

                if (asprintf(&path, "meta-data/public-keys/%u/openssh-key", keys[i].index) < 0) {
                        r = -ENOMEM;
                        break;
                }
                r = ec2_get(e, path, SOURCE_METADATA_MAX_SIZE, false, &key, NULL);
                if (r < 0)
                        break;
                if (!key)
                        continue;
                metadata_first_line(key);
                if (!metadata_is_line(key)) {
                        r = source_fail(e->c, -EBADMSG, "%s: not an SSH key line", path);
                        break;
                }
                r = metadata_add_key(m, keys[i].name, key);
                if (r < 0)
                        break;
        }

        ec2_keys_free(keys, n);
        return r < 0 ? r : 0;
}

int source_ec2_fetch(SourceContext *c, const char *base, SourceResult *ret) {
        _cleanup_(ec2_done) Ec2 e = {
                .c = c,
                .base = base,
                .v1 = c->imds_v1_only,
        };
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *ud = NULL;
        size_t ud_size = 0;
        int r;

        /* No URL from the user: --imds-endpoint's address, or both. */
        if (c->implicit) {
                if (c->imds_endpoint != SOURCE_IMDS_ENDPOINT_IPV6)
                        e.candidates[e.n_candidates++] = SOURCE_EC2_DEFAULT_URL;
                if (c->imds_endpoint != SOURCE_IMDS_ENDPOINT_IPV4)
                        e.candidates[e.n_candidates++] = SOURCE_EC2_IPV6_URL;
                e.base = e.candidates[0];
        }

        /* First contact is the availability probe: the token PUT, or with
         * IMDSv1 the user-data GET. */
        if (!e.v1) {
                r = ec2_get_token(&e, true);
                if (r < 0)
                        return r;
        }
        r = ec2_get(&e, "user-data", SOURCE_USER_DATA_MAX_SIZE, e.v1 && c->imds_v1_only, &ud, &ud_size);
        if (r < 0)
                return r;

        r = ec2_get_value(&e, "local-ipv4", metadata_is_ipv4, &m.private_ipv4);
        if (r < 0)
                return r;
        r = ec2_get_value(&e, "public-ipv4", metadata_is_ipv4, &m.public_ipv4);
        if (r < 0)
                return r;
        /* EC2's IPv6 addresses are global and sit on the interface: the same
         * address is the node's private and public one. */
        r = ec2_get_value(&e, "ipv6", metadata_is_ipv6, &m.private_ipv6);
        if (r < 0)
                return r;
        if (m.private_ipv6) {
                m.public_ipv6 = strdup(m.private_ipv6);
                if (!m.public_ipv6)
                        return -ENOMEM;
        }
        r = ec2_get_value(&e, "hostname", metadata_is_hostname, &m.hostname);
        if (r < 0)
                return r;
        r = ec2_get_value(&e, "instance-id", check_instance_id, &m.instance_id);
        if (r < 0)
                return r;
        r = ec2_get_keys(&e, &m);
        if (r < 0)
                return r;

        if (c->implicit) {
                ret->where = strdup(e.base);
                if (!ret->where)
                        return -ENOMEM;
        }
        source_result_take(ret, &m, &ud, ud_size);
        return 0;
}
