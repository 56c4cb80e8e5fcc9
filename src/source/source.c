/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "basic/log.h"
#include "basic/strv.h"
#include "source/source-internal.h"

static const char *const source_kind_table[_SOURCE_KIND_MAX] = {
        [SOURCE_EC2] = "ec2",
        [SOURCE_FILE] = "file",
        [SOURCE_URL] = "url",
        [SOURCE_CMDLINE] = "cmdline",
        [SOURCE_CONFIGDRIVE] = "configdrive",
        [SOURCE_GCE] = "gce",
        [SOURCE_DIGITALOCEAN] = "digitalocean",
        [SOURCE_PACKET] = "packet",
        [SOURCE_WAAGENT] = "waagent",
        [SOURCE_VMWARE_GUESTINFO] = "vmware-guestinfo",
        [SOURCE_VMWARE_OVF] = "vmware-ovf-env",
        [SOURCE_CLOUDSIGMA] = "cloudsigma",
};

DEFINE_STRING_TABLE_LOOKUP(source_kind, SourceKind, _SOURCE_KIND_MAX);

static const char *const source_netconf_table[_SOURCE_NETCONF_MAX] = {
        [SOURCE_NETCONF_NONE] = "none",
        [SOURCE_NETCONF_DEBIAN] = "debian",
        [SOURCE_NETCONF_PACKET] = "packet",
        [SOURCE_NETCONF_VMWARE] = "vmware",
};

DEFINE_STRING_TABLE_LOOKUP(source_netconf, SourceNetconf, _SOURCE_NETCONF_MAX);

void source_spec_done(SourceSpec *s) {
        s->arg = mfree(s->arg);
}

void source_spec_array_free(SourceSpec *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                source_spec_done(&s[i]);
        free(s);
}

static bool kind_is_base_url(SourceKind k) {
        return k == SOURCE_EC2 || k == SOURCE_GCE || k == SOURCE_DIGITALOCEAN || k == SOURCE_PACKET;
}

static bool kind_is_http(SourceKind k) {
        return kind_is_base_url(k) || k == SOURCE_URL;
}

static bool is_http_url(const char *s) {
        const char *rest = startswith(s, "http://") ?: startswith(s, "https://");
        return rest && rest[0] && rest[0] != '/' && !strpbrk(s, " \t\r\n");
}

/* Validates arg for kind and builds the spec; base URLs get their trailing '/'
 * as coreos-cloudinit adds it. */
static int spec_make(SourceKind kind, const char *arg, SourceSpec *ret) {
        _cleanup_free_ char *a = NULL;

        if (kind == SOURCE_CMDLINE || kind == SOURCE_VMWARE_GUESTINFO) {
                if (arg)
                        return -EBADMSG;
        } else if (kind == SOURCE_CLOUDSIGMA && !arg) {
                /* The device of the options, else the default, is used. */
        } else {
                if (isempty(arg))
                        return -EBADMSG;
                if (kind_is_http(kind) && !is_http_url(arg))
                        return -EBADMSG;
                if (kind_is_base_url(kind) && !endswith(arg, "/")) {
                        if (asprintf(&a, "%s/", arg) < 0)
                                return -ENOMEM;
                } else {
                        a = strdup(arg);
                        if (!a)
                                return -ENOMEM;
                }
        }

        *ret = (SourceSpec) {
                .kind = kind,
                .arg = TAKE_PTR(a),
        };
        return 0;
}

static const char *default_arg(SourceKind k) {
        switch (k) {
        case SOURCE_EC2:
                return SOURCE_EC2_DEFAULT_URL;
        case SOURCE_GCE:
                return SOURCE_GCE_DEFAULT_URL;
        case SOURCE_DIGITALOCEAN:
                return SOURCE_DIGITALOCEAN_DEFAULT_URL;
        case SOURCE_PACKET:
                return SOURCE_PACKET_DEFAULT_URL;
        case SOURCE_CONFIGDRIVE:
                return SOURCE_CONFIGDRIVE_DEFAULT_DIR;
        case SOURCE_WAAGENT:
                return SOURCE_WAAGENT_DEFAULT_DIR;
        default:
                return NULL;
        }
}

int source_spec_parse(const char *word, SourceSpec *ret) {
        if (isempty(word))
                return -EINVAL;

        const char *colon = strchr(word, ':');
        _cleanup_free_ char *name = colon ? strndup(word, colon - word) : strdup(word);
        if (!name)
                return -ENOMEM;

        /* coreos-cloudinit's own datasource type names work too. */
        static const struct {
                const char *alias;
                SourceKind kind;
        } aliases[] = {
                { "ec2-metadata-service", SOURCE_EC2 },
                { "local-file", SOURCE_FILE },
                { "proc-cmdline", SOURCE_CMDLINE },
                { "cloud-drive", SOURCE_CONFIGDRIVE },
                { "gce-metadata-service", SOURCE_GCE },
                { "digitalocean-metadata-service", SOURCE_DIGITALOCEAN },
                { "packet-metadata-service", SOURCE_PACKET },
                { "vmware", SOURCE_VMWARE_GUESTINFO },
                { "server-context", SOURCE_CLOUDSIGMA },
        };
        SourceKind kind = source_kind_from_string(name);
        for (size_t i = 0; kind < 0 && i < ELEMENTSOF(aliases); i++)
                if (streq(aliases[i].alias, name))
                        kind = aliases[i].kind;
        if (kind < 0)
                return -EINVAL;

        const char *arg = colon ? colon + 1 : default_arg(kind);
        int r = spec_make(kind, arg, ret);
        if (r >= 0)
                ret->implicit = !colon;
        return r;
}

static int parse_bool_flag(const char *value) {
        if (!value || streq(value, "") || streq(value, "true") || streq(value, "1") ||
            streq(value, "t") || streq(value, "T") || streq(value, "TRUE") || streq(value, "True"))
                return 1;
        if (streq(value, "false") || streq(value, "0") || streq(value, "f") ||
            streq(value, "F") || streq(value, "FALSE") || streq(value, "False"))
                return 0;
        return -EBADMSG;
}

int source_spec_from_flag(const char *flag, const char *value, SourceSpec *ret) {
        static const struct {
                const char *flag;
                SourceKind kind;
        } string_flags[] = {
                { "from-ec2-metadata", SOURCE_EC2 },
                { "from-file", SOURCE_FILE },
                { "from-url", SOURCE_URL },
                { "from-configdrive", SOURCE_CONFIGDRIVE },
                { "from-gce-metadata", SOURCE_GCE },
                { "from-digitalocean-metadata", SOURCE_DIGITALOCEAN },
                { "from-packet-metadata", SOURCE_PACKET },
                { "from-waagent", SOURCE_WAAGENT },
                { "from-vmware-ovf-env", SOURCE_VMWARE_OVF },
        };
        int b;

        if (!flag)
                return -EINVAL;

        for (size_t i = 0; i < ELEMENTSOF(string_flags); i++)
                if (streq(flag, string_flags[i].flag))
                        return spec_make(string_flags[i].kind, value, ret);

        if (streq(flag, "from-metadata-service") || streq(flag, "from-proc-cmdline") ||
            streq(flag, "from-cloudsigma-metadata") || streq(flag, "from-vmware-guestinfo")) {
                b = parse_bool_flag(value);
                if (b < 0)
                        return b;
                if (b == 0)
                        return -ENOENT;
                if (streq(flag, "from-proc-cmdline"))
                        return spec_make(SOURCE_CMDLINE, NULL, ret);
                if (streq(flag, "from-cloudsigma-metadata"))
                        return spec_make(SOURCE_CLOUDSIGMA, NULL, ret);
                if (streq(flag, "from-vmware-guestinfo"))
                        return spec_make(SOURCE_VMWARE_GUESTINFO, NULL, ret);
                b = spec_make(SOURCE_EC2, SOURCE_EC2_DEFAULT_URL, ret);
                if (b >= 0)
                        ret->implicit = true;
                return b;
        }

        return -EINVAL;
}

static const struct {
        const char *oem;
        SourceKind kinds[2];
        size_t n;
        SourceNetconf netconf;
} oem_presets[] = {
        { "digitalocean",      { SOURCE_DIGITALOCEAN },            1 },
        /* Both raced, first available wins. */
        { "ec2-compat",        { SOURCE_EC2, SOURCE_CONFIGDRIVE }, 2 },
        { "gce",               { SOURCE_GCE },                     1 },
        { "rackspace-onmetal", { SOURCE_CONFIGDRIVE },             1, SOURCE_NETCONF_DEBIAN },
        { "azure",             { SOURCE_WAAGENT },                 1 },
        { "cloudsigma",        { SOURCE_CLOUDSIGMA },              1 },
        { "packet",            { SOURCE_PACKET },                  1 },
        { "vmware",            { SOURCE_VMWARE_GUESTINFO },        1, SOURCE_NETCONF_VMWARE },
};

const char *const source_oem_names[] = {
        "digitalocean", "ec2-compat", "gce", "rackspace-onmetal", "azure", "cloudsigma", "packet", "vmware", NULL,
};

SourceNetconf source_oem_netconf(const char *oem) {
        for (size_t i = 0; oem && i < ELEMENTSOF(oem_presets); i++)
                if (streq(oem_presets[i].oem, oem))
                        return oem_presets[i].netconf;
        return SOURCE_NETCONF_NONE;
}

int source_oem_preset(const char *oem, SourceSpec **ret, size_t *ret_n) {
        for (size_t i = 0; oem && i < ELEMENTSOF(oem_presets); i++) {
                if (!streq(oem_presets[i].oem, oem))
                        continue;
                SourceSpec *s = new0(SourceSpec, oem_presets[i].n);
                if (!s)
                        return -ENOMEM;
                for (size_t j = 0; j < oem_presets[i].n; j++) {
                        SourceKind k = oem_presets[i].kinds[j];
                        int r = spec_make(k, default_arg(k), &s[j]);
                        if (r < 0) {
                                source_spec_array_free(s, j);
                                return r;
                        }
                        s[j].implicit = true;
                }
                *ret = s;
                *ret_n = oem_presets[i].n;
                return 0;
        }
        return -EINVAL;
}

/* --- shared helpers for the implementations --- */

int source_fail(SourceContext *c, int error, const char *fmt, ...) {
        va_list ap;
        char *m = NULL;

        va_start(ap, fmt);
        if (vasprintf(&m, fmt, ap) < 0)
                m = NULL;
        va_end(ap);
        free(c->error);
        c->error = m;
        return error < 0 ? error : -EIO;
}

void source_result_take(SourceResult *ret, Metadata *m, char **user_data, size_t user_data_size) {
        ret->metadata = *m;
        *m = (Metadata) {};
        ret->have_user_data = !!*user_data;
        ret->user_data_size = user_data_size;
        ret->user_data = TAKE_PTR(*user_data);
}

int source_context_http(SourceContext *c, HttpClient **ret) {
        if (!c->http) {
                int r = http_client_new(&c->http);
                if (r < 0)
                        return source_fail(c, r, "cannot load libcurl.so.4 for HTTP");
        }
        *ret = c->http;
        return 0;
}

uint64_t source_request_timeout(const SourceContext *c) {
        return MIN(c->request_timeout_usec, retry_left_usec(&c->retry));
}

const char *source_http_error(const SourceContext *c, int error) {
        return http_client_last_error(c->http) ?: strerror(-error);
}

int source_http_request(SourceContext *c, const char *method, const char *url, char * const *headers,
                        size_t max_body, bool retry, bool follow, HttpResponse *ret) {
        HttpClient *h = NULL;
        unsigned attempt = 0;
        int r;

        _cleanup_free_ char *shown = http_url_redact(url);
        if (!shown)
                return -ENOMEM;

        r = source_context_http(c, &h);
        if (r < 0)
                return r;

        for (;;) {
                _cleanup_(http_response_done) HttpResponse resp = {};
                _cleanup_free_ char *cond = NULL;

                uint64_t t = source_request_timeout(c);
                if (t == 0) {
                        if (c->last_wait)
                                return source_fail(c, -ETIMEDOUT, "%s, no answer in time", c->last_wait);
                        return source_fail(c, -ETIMEDOUT, "%s: no answer in time", shown);
                }

                HttpRequest req = {
                        .method = method,
                        .url = url,
                        .headers = headers,
                        .timeout_usec = t,
                        .max_body = max_body,
                        .follow_redirects = follow,
                };
                r = http_request(h, &req, &resp);
                if (r < 0) {
                        if (!http_error_is_transient(r))
                                return source_fail(c, r, "%s: %s", shown, source_http_error(c, r));
                        /* strerror(), not libcurl's text: that carries timings, and a
                         * wait condition is logged once per distinct text. */
                        if (asprintf(&cond, "%s: %s", shown, strerror(-r)) < 0)
                                return -ENOMEM;
                } else if (http_status_class(resp.status) == HTTP_CLASS_5XX) {
                        if (asprintf(&cond, "%s: HTTP %ld", shown, resp.status) < 0)
                                return -ENOMEM;
                } else if (http_status_class(resp.status) == HTTP_CLASS_2XX ||
                           http_status_class(resp.status) == HTTP_CLASS_4XX) {
                        *ret = resp;
                        resp = (HttpResponse) {};
                        return 0;
                } else
                        return source_fail(c, -EPROTO, "%s: unexpected HTTP %ld", shown, resp.status);

                free(c->last_wait);
                c->last_wait = strdup(cond);

                if (!retry) {
                        /* Availability probe: the caller polls again later. */
                        log_debug("%s", cond);
                        free(c->error);
                        c->error = TAKE_PTR(cond);
                        return -EAGAIN;
                }
                r = retry_wait(&c->retry, &attempt, cond);
                if (r < 0)
                        return source_fail(c, -ETIMEDOUT, "%s (gave up at the deadline)", cond);
        }
}

int source_http_get(SourceContext *c, const char *url, char * const *headers,
                    size_t max_body, bool retry, bool follow, HttpResponse *ret) {
        return source_http_request(c, "GET", url, headers, max_body, retry, follow, ret);
}

/* --- the driver --- */

typedef int (*SourceFetchFn)(SourceContext *c, const char *arg, SourceResult *ret);

static const SourceFetchFn fetch_table[_SOURCE_KIND_MAX] = {
        [SOURCE_EC2] = source_ec2_fetch,
        [SOURCE_FILE] = source_file_fetch,
        [SOURCE_URL] = source_url_fetch,
        [SOURCE_CMDLINE] = source_cmdline_fetch,
        [SOURCE_CONFIGDRIVE] = source_configdrive_fetch,
        [SOURCE_GCE] = source_gce_fetch,
        [SOURCE_DIGITALOCEAN] = source_digitalocean_fetch,
        [SOURCE_PACKET] = source_packet_fetch,
        [SOURCE_WAAGENT] = source_waagent_fetch,
        [SOURCE_VMWARE_GUESTINFO] = source_vmware_guestinfo_fetch,
        [SOURCE_VMWARE_OVF] = source_vmware_ovf_fetch,
        [SOURCE_CLOUDSIGMA] = source_cloudsigma_fetch,
};

void source_result_done(SourceResult *r) {
        if (!r)
                return;
        free(r->where);
        metadata_done(&r->metadata);
        free(r->user_data);
        free(r->error);
        *r = (SourceResult) {};
}

static void source_context_done(SourceContext *c) {
        http_client_free(c->http);
        retry_done(&c->retry);
        free(c->error);
        free(c->last_wait);
}

static void counters_fill(const SourceContext *c, SourceCounters *ret) {
        *ret = (SourceCounters) {
                .requests = http_client_requests(c->http),
                .puts = c->puts,
                .retries = c->retry.waits,
                .connections = http_client_connections(c->http),
        };
}

/* n strings, any of them NULL (unlike a strv). */
typedef struct StringArray {
        char **v;
        size_t n;
} StringArray;

static void string_array_done(StringArray *a) {
        for (size_t i = 0; a->v && i < a->n; i++)
                free(a->v[i]);
        free(a->v);
}

int source_fetch(const SourceSpec *specs, size_t n, const SourceOptions *o, SourceResult *ret) {
        _cleanup_(source_context_done) SourceContext c = {
                .request_timeout_usec = o && o->request_timeout_usec ? o->request_timeout_usec
                                                                     : SOURCE_REQUEST_TIMEOUT_DEFAULT_USEC,
                .imds_v1_only = o && o->imds_v1_only,
                .imds_endpoint = o ? o->imds_endpoint : SOURCE_IMDS_ENDPOINT_AUTO,
                .cloudsigma_device = o && o->cloudsigma_device ? o->cloudsigma_device
                                                               : SOURCE_CLOUDSIGMA_DEFAULT_DEVICE,
                .dmi_dir = o && o->dmi_dir ? o->dmi_dir : SOURCE_DMI_DEFAULT_DIR,
        };
        _cleanup_free_ bool *gave_up = NULL;
        _cleanup_(string_array_done) StringArray last_waits = { .n = n };
        _cleanup_strv_free_ char **errors = NULL;
        unsigned attempt = 0;
        int r, last = -ENODATA;

        *ret = (SourceResult) {};
        if (n == 0) {
                ret->error = strdup("no datasource given");
                return -EINVAL;
        }

        retry_init(&c.retry, o && o->timeout_usec ? o->timeout_usec : SOURCE_TIMEOUT_DEFAULT_USEC);
        gave_up = new0(bool, n);
        last_waits.v = new0(char *, n);
        if (!gave_up || !last_waits.v)
                return -ENOMEM;

        /* Sequential polling: each round asks every source still in the race
         * once; the first that answers wins. Sources that cannot appear any
         * more drop out. */
        for (;;) {
                size_t alive = 0;
                _cleanup_free_ char *waiting = NULL;

                for (size_t i = 0; i < n; i++) {
                        _cleanup_(source_result_done) SourceResult res = {};

                        if (gave_up[i])
                                continue;

                        /* Each source keeps its own last transient failure across rounds. */
                        c.error = mfree(c.error);
                        free(c.last_wait);
                        c.last_wait = TAKE_PTR(last_waits.v[i]);
                        c.implicit = specs[i].implicit;
                        r = fetch_table[specs[i].kind](&c, specs[i].arg, &res);
                        last_waits.v[i] = TAKE_PTR(c.last_wait);
                        if (r >= 0) {
                                res.kind = specs[i].kind;
                                /* URLs without credentials: where is printed. */
                                const char *where = specs[i].arg ?:
                                        specs[i].kind == SOURCE_CLOUDSIGMA ? c.cloudsigma_device : NULL;
                                /* a source that chose its address (EC2's) says which */
                                if (res.where)
                                        where = NULL;
                                else if (where)
                                        res.where = specs[i].kind == SOURCE_URL || kind_is_base_url(specs[i].kind) ?
                                                    http_url_redact(where) : strdup(where);
                                if (where && !res.where)
                                        return -ENOMEM;
                                counters_fill(&c, &res.counters);
                                log_debug("Datasource %s (%s) answered", source_kind_to_string(res.kind),
                                          strna(res.where));
                                *ret = res;
                                res = (SourceResult) {};
                                return 0;
                        }
                        if (r == -EAGAIN) {
                                /* Every source's wait is logged (once), not just the first's. */
                                const char *why = c.error ?: source_kind_to_string(specs[i].kind);
                                alive++;
                                retry_log_once(&c.retry, why);
                                free(waiting);
                                waiting = strdup(why);
                                if (!waiting)
                                        return -ENOMEM;
                                continue;
                        }

                        gave_up[i] = true;
                        last = r;
                        char *e = NULL;
                        if (asprintf(&e, "%s: %s", source_kind_to_string(specs[i].kind),
                                     c.error ?: strerror(-r)) < 0)
                                return -ENOMEM;
                        r = strv_consume(&errors, e);
                        if (r < 0)
                                return r;
                }

                if (alive == 0)
                        break;

                r = retry_wait(&c.retry, &attempt, NULL);
                if (r < 0) {
                        char *e = NULL;
                        last = -ETIMEDOUT;
                        if (asprintf(&e, "no datasource available in time (last: %s)", strna(waiting)) < 0)
                                return -ENOMEM;
                        r = strv_consume(&errors, e);
                        if (r < 0)
                                return r;
                        break;
                }
        }

        counters_fill(&c, &ret->counters);
        ret->error = strv_join(errors, "; ");
        return last;
}
