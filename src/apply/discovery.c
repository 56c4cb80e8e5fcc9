/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <sys/random.h>

#include "apply/discovery.h"
#include "basic/buf.h"
#include "basic/json-util.h"
#include "basic/log.h"
#include "basic/sha1.h"
#include "basic/strformat.h"
#include "basic/strv.h"
#include "basic/time-util.h"
#include "net/retry.h"

#define DISCOVERY_TIMEOUT_DEFAULT_USEC (60ULL * 1000ULL * 1000ULL)
#define DISCOVERY_REQUEST_TIMEOUT_DEFAULT_USEC (10ULL * 1000ULL * 1000ULL)
#define DISCOVERY_MAX_BODY (4U * 1024U * 1024U)
/* etcd 0.4 registers for a week and refreshes daily (platform.md §5.2). */
#define ETCD04_TTL "604800"
#define ETCD_ERROR_KEY_NOT_FOUND 100

static const char *const discovery_status_table[_DISCOVERY_STATUS_MAX] = {
        [DISCOVERY_REGISTERED] = "registered",
        [DISCOVERY_UNCHANGED] = "unchanged",
        [DISCOVERY_OPEN] = "open",
        [DISCOVERY_FULL] = "full",
        [DISCOVERY_SELF_REGISTERED] = "self-registered",
        [DISCOVERY_DUPLICATE] = "duplicate",
        [DISCOVERY_NO_TOKEN] = "no-token",
        [DISCOVERY_BAD_RESPONSE] = "bad-response",
        [DISCOVERY_UNREACHABLE] = "unreachable",
        [DISCOVERY_ERROR] = "error",
};
DEFINE_STRING_TABLE_LOOKUP(discovery_status, DiscoveryStatus, _DISCOVERY_STATUS_MAX);

void discovery_peers_free(DiscoveryPeer *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(p[i].key);
                free(p[i].value);
        }
        free(p);
}

void discovery_result_done(DiscoveryResult *r) {
        if (!r)
                return;
        discovery_peers_free(r->peers, r->n_peers);
        free(r->member_id);
        free(r->message);
        *r = (DiscoveryResult) {};
}

/* ---- pure helpers ---- */

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

uint64_t etcd_member_id(const char *peer_urls_comma, const char *token) {
        _cleanup_strv_free_ char **urls = NULL;
        _cleanup_(buf_done) Buf b = {};
        uint8_t d[SHA1_DIGEST_SIZE];

        for (const char *p = peer_urls_comma ?: ""; *p;) {
                while (*p == ',' || *p == ' ')
                        p++;
                size_t l = strcspn(p, ", ");
                if (l == 0)
                        break;
                char *u = strndup(p, l);
                if (!u || strv_consume(&urls, u) < 0)
                        return 0;
                p += l;
        }
        if (urls)
                qsort(urls, strv_length(urls), sizeof(char *), cmp_str);
        STRV_FOREACH(u, urls)
                if (buf_puts(&b, *u) < 0)
                        return 0;
        if (buf_puts(&b, strempty(token)) < 0)
                return 0;

        sha1(b.data ?: "", b.len, d);
        uint64_t id = 0;
        for (unsigned i = 0; i < 8; i++)
                id = id << 8 | d[i];
        return id;
}

char *discovery_form_escape(const char *s) {
        static const char hex[] = "0123456789ABCDEF";
        _cleanup_(buf_done) Buf b = {};

        if (buf_puts(&b, "") < 0)
                return NULL;
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                int r;
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr("-_.~", *p))
                        r = buf_putc(&b, (char) *p);
                else {
                        char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
                        r = buf_append(&b, e, 3);
                }
                if (r < 0)
                        return NULL;
        }
        return buf_steal(&b, NULL);
}

static json_object *parse_json(const char *json) {
        json_object *o = json ? json_tokener_parse(json) : NULL;
        if (o && !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return NULL;
        }
        return o;
}

int discovery_parse_error_code(const char *json) {
        _cleanup_(json_object_putp) json_object *o = parse_json(json);
        json_object *code;
        int r = -EBADMSG;

        if (o && json_object_object_get_ex(o, "errorCode", &code) && json_object_is_type(code, json_type_int))
                r = json_object_get_int(code);
        return r;
}

int discovery_parse_value(const char *json, char **ret) {
        _cleanup_(json_object_putp) json_object *o = parse_json(json);
        json_object *node, *value;
        int r = -EBADMSG;

        if (o && json_object_object_get_ex(o, "node", &node) && json_object_object_get_ex(node, "value", &value) &&
            json_object_is_type(value, json_type_string)) {
                char *s = strdup(json_object_get_string(value));
                r = s ? 0 : -ENOMEM;
                if (s)
                        *ret = s;
        }
        return r;
}

static int cmp_peer(const void *a, const void *b) {
        const DiscoveryPeer *x = a, *y = b;
        return x->created_index < y->created_index ? -1 : x->created_index > y->created_index;
}

int discovery_parse_dir(const char *json, DiscoveryPeer **ret, size_t *ret_n) {
        _cleanup_(json_object_putp) json_object *o = parse_json(json);
        json_object *node, *nodes, *dir;
        DiscoveryPeer *peers = NULL;
        size_t n = 0;
        int r = -EBADMSG;

        if (!o || !json_object_object_get_ex(o, "node", &node) || !json_object_is_type(node, json_type_object))
                goto finish;
        /* an empty directory has no "nodes" at all */
        if (!json_object_object_get_ex(node, "nodes", &nodes)) {
                if (!json_object_object_get_ex(node, "dir", &dir) || !json_object_get_boolean(dir))
                        goto finish;
                r = 0;
                goto finish;
        }
        if (!json_object_is_type(nodes, json_type_array))
                goto finish;

        size_t len = json_object_array_length(nodes);
        peers = new0(DiscoveryPeer, len);
        if (!peers) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < len; i++) {
                json_object *c = json_object_array_get_idx(nodes, i), *key, *value, *idx;
                if (!json_object_object_get_ex(c, "key", &key))
                        continue;
                if (json_object_object_get_ex(c, "dir", &dir) && json_object_get_boolean(dir))
                        continue;
                const char *k = json_object_get_string(key), *slash = strrchr(k, '/');
                k = slash ? slash + 1 : k;
                if (k[0] == '_')
                        continue;       /* _config, _state: the protocol's, not members */
                peers[n] = (DiscoveryPeer) {
                        .key = strdup(k),
                        .value = strdup(json_object_object_get_ex(c, "value", &value) ?
                                        json_object_get_string(value) : ""),
                        .created_index = json_object_object_get_ex(c, "createdIndex", &idx) ?
                                         (uint64_t) json_object_get_int64(idx) : 0,
                };
                if (!peers[n].key || !peers[n].value) {
                        n++;
                        r = -ENOMEM;
                        goto finish;
                }
                n++;
        }
        qsort(peers, n, sizeof(DiscoveryPeer), cmp_peer);
        r = 0;

finish:
        if (r < 0) {
                discovery_peers_free(peers, n);
                return r;
        }
        *ret = peers;
        *ret_n = n;
        return 0;
}

/* ---- requests ---- */

typedef struct Ctx {
        HttpClient *http;
        Retry retry;
        uint64_t request_timeout;
        unsigned requests;
        char *last_error;
} Ctx;

static void ctx_done(Ctx *c) {
        retry_done(&c->retry);
        free(c->last_error);
}

/* One request, retried on transport errors and 5xx until the deadline.
 * -ETIMEDOUT: nothing usable came in time (c->last_error says why). */
static int request(Ctx *c, const char *method, const char *url, const char *form, HttpResponse *ret) {
        unsigned attempt = 0;

        for (;;) {
                HttpResponse resp = {};
                uint64_t left = retry_left_usec(&c->retry);
                if (left == 0)
                        return -ETIMEDOUT;
                HttpRequest req = {
                        .method = method,
                        .url = url,
                        .timeout_usec = MIN(c->request_timeout, left),
                        .max_body = DISCOVERY_MAX_BODY,
                        /* form values go in the body, as etcd's own client sends them */
                        .body = form,
                        .body_size = form ? strlen(form) : 0,
                        .content_type = form ? "application/x-www-form-urlencoded" : NULL,
                };

                c->requests++;
                int r = http_request(c->http, &req, &resp);
                Buf why = {};
                if (r >= 0 && http_status_class(resp.status) != HTTP_CLASS_5XX) {
                        *ret = resp;
                        return 0;
                }
                if (r >= 0)
                        (void) buf_printf(&why, "HTTP %ld from the discovery service", resp.status);
                else if (r == -ENOSYS || r == -EINVAL || r == -ENOMEM || r == -EFBIG || r == -EPROTO) {
                        free(c->last_error);
                        c->last_error = strdup(strempty(http_client_last_error(c->http)));
                        return r;
                } else
                        (void) buf_printf(&why, "discovery service unreachable: %s",
                                          http_client_last_error(c->http) ?: strerror(-r));
                http_response_done(&resp);
                free(c->last_error);
                c->last_error = buf_steal(&why, NULL);
                buf_done(&why);
                if (retry_wait(&c->retry, &attempt, c->last_error) < 0)
                        return -ETIMEDOUT;
        }
}

static char *strjoin3(const char *a, const char *b, const char *c) {
        Buf buf = {};
        if (buf_printf(&buf, "%s%s%s", a, b, c) < 0) {
                buf_done(&buf);
                return NULL;
        }
        return buf_steal(&buf, NULL);
}

static void set_request_failure(DiscoveryResult *res, Ctx *c, int r, const char *url) {
        res->ok = false;
        if (r == -ETIMEDOUT) {
                res->status = DISCOVERY_UNREACHABLE;
                (void) strprintf_set(&res->message, "%s: %s", url, c->last_error ?: "no answer before the deadline");
        } else {
                res->status = DISCOVERY_ERROR;
                (void) strprintf_set(&res->message,
                                     "%s: %s", url, !isempty(c->last_error) ? c->last_error : strerror(-r));
        }
}

/* "name=url,name=url2" -> does it name `name`, or share one of urls? */
static bool value_has_name(const char *value, const char *name) {
        size_t l = strlen(name);
        for (const char *p = value; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL)
                if (strneq(p, name, l) && p[l] == '=')
                        return true;
        return false;
}

static bool value_has_url(const char *value, const char *urls_comma) {
        _cleanup_free_ char *copy = strdup(strempty(urls_comma));
        char *save = NULL;

        if (!copy)
                return false;
        for (char *u = strtok_r(copy, ", ", &save); u; u = strtok_r(NULL, ", ", &save))
                for (const char *p = value; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL) {
                        const char *eq = strchr(p, '=');
                        const char *end = strchr(p, ',') ?: p + strlen(p);
                        if (eq && eq < end && (size_t) (end - eq - 1) == strlen(u) && strneq(eq + 1, u, strlen(u)))
                                return true;
                }
        return false;
}

static void append_peer_list(Buf *b, const DiscoveryResult *res) {
        for (size_t i = 0; i < res->n_peers; i++)
                (void) buf_printf(b, "%s%s", i ? ", " : "", res->peers[i].value);
}

/* ---- etcd 0.4 ---- */

static int run_etcd04(Ctx *c, const PlanDiscovery *d, DiscoveryResult *res) {
        _cleanup_(http_response_done) HttpResponse list = {};
        _cleanup_free_ char *key_url = NULL, *put_url = NULL, *esc = NULL, *old = NULL;
        int r;

        if (isempty(d->name) || isempty(d->peer_addr)) {
                res->status = DISCOVERY_ERROR;
                (void) strprintf_set(&res->message, "etcd 0.4 discovery needs the node's name and peer address");
                return 0;
        }

        r = request(c, "GET", d->url, NULL, &list);
        if (r < 0) {
                set_request_failure(res, c, r, d->url);
                return 0;
        }
        if (list.status == 200) {
                r = discovery_parse_dir(list.body, &res->peers, &res->n_peers);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        res->status = DISCOVERY_BAD_RESPONSE;
                        (void) strprintf_set(&res->message,
                                             "%s is not an etcd discovery endpoint (unexpected answer)", d->url);
                        return 0;
                }
        } else if (list.status != 404) {
                /* 404: nobody registered yet, the PUT creates the directory */
                res->status = DISCOVERY_ERROR;
                (void) strprintf_set(&res->message, "GET %s: HTTP %ld", d->url, list.status);
                return 0;
        }

        for (size_t i = 0; i < res->n_peers; i++)
                if (streq(res->peers[i].key, d->name) && !old) {
                        /* a copy: our entry's value is replaced below */
                        old = strdup(res->peers[i].value);
                        if (!old)
                                return -ENOMEM;
                }

        if (old && streq(old, d->peer_addr)) {
                /* Same value: nothing to do (etcd 0.4 itself refreshes the TTL). */
                res->status = DISCOVERY_UNCHANGED;
                res->ok = true;
        } else {
                _cleanup_(http_response_done) HttpResponse put = {};
                _cleanup_free_ char *form = NULL;
                key_url = strjoin3(d->url, "/", d->name);
                esc = discovery_form_escape(d->peer_addr);
                /* as etcd 0.4 does: the TTL in the query, the value in the form body */
                put_url = key_url ? strjoin3(key_url, "?ttl=", ETCD04_TTL) : NULL;
                form = esc ? strjoin3("value=", esc, "") : NULL;
                if (!put_url || !form)
                        return -ENOMEM;
                r = request(c, "PUT", put_url, form, &put);
                if (r < 0) {
                        set_request_failure(res, c, r, key_url);
                        return 0;
                }
                if (put.status != 200 && put.status != 201) {
                        res->status = DISCOVERY_ERROR;
                        (void) strprintf_set(&res->message,
                                             "PUT %s: HTTP %ld %s", key_url, put.status, strempty(put.body));
                        return 0;
                }
                res->status = DISCOVERY_REGISTERED;
                res->ok = true;

                /* our entry in the list, as the service now has it */
                DiscoveryPeer *self = NULL;
                for (size_t i = 0; i < res->n_peers; i++)
                        if (streq(res->peers[i].key, d->name))
                                self = &res->peers[i];
                if (!self) {
                        DiscoveryPeer *n = realloc(res->peers, (res->n_peers + 1) * sizeof(DiscoveryPeer));
                        if (!n)
                                return -ENOMEM;
                        res->peers = n;
                        self = &n[res->n_peers++];
                        *self = (DiscoveryPeer) { .key = strdup(d->name), .created_index = UINT64_MAX };
                        if (!self->key)
                                return -ENOMEM;
                }
                free(self->value);
                self->value = strdup(d->peer_addr);
                if (!self->value)
                        return -ENOMEM;
        }

        _cleanup_(buf_done) Buf b = {};
        size_t others = res->n_peers - 1;
        if (res->status == DISCOVERY_UNCHANGED)
                (void) buf_printf(&b, "already registered %s=%s", d->name, d->peer_addr);
        else if (old)
                (void) buf_printf(&b, "re-registered %s=%s (was %s)", d->name, d->peer_addr, old);
        else
                (void) buf_printf(&b, "registered %s=%s", d->name, d->peer_addr);
        (void) buf_printf(&b, "; %zu other peer%s", others, others == 1 ? "" : "s");
        for (size_t i = 0, k = 0; i < res->n_peers; i++)
                if (!streq(res->peers[i].key, d->name))
                        (void) buf_printf(&b, "%s%s=%s", k++ ? ", " : ": ", res->peers[i].key, res->peers[i].value);
        (void) strprintf_set(&res->message, "%s", strempty(b.data));
        return 0;
}

/* ---- v2 discovery: check only ---- */

static int run_etcd2(Ctx *c, const PlanDiscovery *d, DiscoveryResult *res) {
        _cleanup_(http_response_done) HttpResponse sz = {}, list = {};
        _cleanup_free_ char *size_url = NULL, *size_value = NULL;
        int r;

        size_url = strjoin3(d->url, "/", "_config/size");
        if (!size_url)
                return -ENOMEM;
        r = request(c, "GET", size_url, NULL, &sz);
        if (r < 0) {
                set_request_failure(res, c, r, size_url);
                return 0;
        }
        if (sz.status == 404 && discovery_parse_error_code(sz.body) == ETCD_ERROR_KEY_NOT_FOUND) {
                res->status = DISCOVERY_NO_TOKEN;
                (void) strprintf_set(&res->message,
                                     "discovery token %s does not exist (no _config/size): etcd would fail; "
                                     "create it with `nodeinit discovery new`", d->url);
                return 0;
        }
        if (sz.status != 200 || discovery_parse_value(sz.body, &size_value) < 0) {
                res->status = sz.status == 200 || discovery_parse_error_code(sz.body) < 0 ?
                              DISCOVERY_BAD_RESPONSE : DISCOVERY_ERROR;
                (void) strprintf_set(&res->message,
                                     "GET %s: HTTP %ld: not an etcd v2 discovery endpoint", size_url, sz.status);
                return 0;
        }
        char *end;
        errno = 0;
        unsigned long size = strtoul(size_value, &end, 10);
        if (errno || *end || end == size_value || size == 0 || size > UINT32_MAX) {
                res->status = DISCOVERY_BAD_RESPONSE;
                (void) strprintf_set(&res->message,
                                     "discovery token %s has a bad size \"%s\": etcd would fail", d->url, size_value);
                return 0;
        }
        res->size = (unsigned) size;

        r = request(c, "GET", d->url, NULL, &list);
        if (r < 0) {
                set_request_failure(res, c, r, d->url);
                return 0;
        }
        r = list.status == 200 ? discovery_parse_dir(list.body, &res->peers, &res->n_peers) : -EBADMSG;
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                res->status = DISCOVERY_BAD_RESPONSE;
                (void) strprintf_set(&res->message, "GET %s: HTTP %ld: not a discovery directory", d->url, list.status);
                return 0;
        }

        if (!isempty(d->peer_addr)) {
                Buf b = {};
                if (buf_printf(&b, "%" PRIx64, etcd_member_id(d->peer_addr, d->url)) < 0) {
                        buf_done(&b);
                        return -ENOMEM;
                }
                res->member_id = buf_steal(&b, NULL);
                if (!res->member_id)
                        return -ENOMEM;
        }

        /* etcd's rule: the first `size` registrants by createdIndex are the cluster. */
        size_t self = SIZE_MAX, dup = SIZE_MAX;
        for (size_t i = 0; i < res->n_peers; i++) {
                const DiscoveryPeer *p = &res->peers[i];
                if (res->member_id && streq(p->key, res->member_id))
                        self = i;
                else if (dup == SIZE_MAX && ((!isempty(d->name) && value_has_name(p->value, d->name)) ||
                                             (!isempty(d->peer_addr) && value_has_url(p->value, d->peer_addr))))
                        dup = i;
        }
        size_t n = res->n_peers;
        bool full = n >= size;
        const char *fallback = isempty(d->fallback) ? "proxy" : d->fallback;
        _cleanup_(buf_done) Buf members = {};
        append_peer_list(&members, res);

        if (self != SIZE_MAX && self < size) {
                res->status = DISCOVERY_SELF_REGISTERED;
                res->ok = true;
                (void) strprintf_set(&res->message,
                                     "this member (%s, %s) is already registered (%zu of %lu): fine when etcd kept its "
                                     "data dir (it then skips discovery); a rebuilt node with an empty data dir will be "
                                     "refused (duplicate member ID): use a new token", res->member_id,
                                     res->peers[self].value, n, size);
        } else if (full) {
                res->status = DISCOVERY_FULL;
                res->ok = !streq(fallback, "exit");
                (void) strprintf_set(&res->message,
                                     "cluster full: %zu of %lu members registered (%s), none of them this node: etcd "
                                     "will %s (discovery_fallback=%s)", n, size, strempty(members.data),
                                     streq(fallback, "exit") ? "exit; generate a new token" : "run as a proxy", fallback);
        } else if (dup != SIZE_MAX) {
                res->status = DISCOVERY_DUPLICATE;
                res->ok = false;
                (void) strprintf_set(&res->message,
                                     "member %s=%s is already registered with this node's name or peer URL (%s): a "
                                     "stale registration; etcd would fail (duplicate name or peer URL): use a new token",
                                     res->peers[dup].key, res->peers[dup].value, strempty(d->name));
        } else {
                res->status = DISCOVERY_OPEN;
                res->ok = true;
                (void) strprintf_set(&res->message,
                                     "%zu of %lu members registered%s%s%s; this node will join%s%s", n, size,
                                     n ? " (" : "", n ? members.data : "", n ? ")" : "",
                                     res->member_id ? " as member " : "", strempty(res->member_id));
        }
        return 0;
}

int discovery_run(HttpClient *http, const PlanDiscovery *d, const DiscoveryOptions *o, DiscoveryResult *ret) {
        _cleanup_(ctx_done) Ctx c = { .http = http };
        DiscoveryResult res = { .kind = d->kind };
        uint64_t t = now_monotonic_usec();
        int r;

        if (isempty(d->url) || !(startswith(d->url, "http://") || startswith(d->url, "https://")))
                return -EINVAL;

        retry_init(&c.retry, o && o->timeout_usec ? o->timeout_usec : DISCOVERY_TIMEOUT_DEFAULT_USEC);
        c.request_timeout = o && o->request_timeout_usec ? o->request_timeout_usec :
                            DISCOVERY_REQUEST_TIMEOUT_DEFAULT_USEC;

        /* A trailing slash would make every key URL "//name". */
        _cleanup_free_ char *url = strdup(d->url);
        if (!url)
                return -ENOMEM;
        for (size_t l = strlen(url); l > 0 && url[l - 1] == '/'; l--)
                url[l - 1] = 0;
        PlanDiscovery dd = *d;
        dd.url = url;

        switch (d->kind) {
        case DISCOVERY_ETCD:
                r = run_etcd04(&c, &dd, &res);
                break;
        case DISCOVERY_ETCD2:
                r = run_etcd2(&c, &dd, &res);
                break;
        default:
                r = -EINVAL;
        }
        if (r < 0) {
                discovery_result_done(&res);
                return r;
        }
        res.requests = c.requests;
        res.usec = now_monotonic_usec() - t;
        /* the result is a value the report prints: only a debug line here */
        log_debug("discovery %s: %s: %s", url,
                 discovery_status_to_string(res.status), strempty(res.message));
        *ret = res;
        return 0;
}

int discovery_token_new(HttpClient *http, const char *prefix, unsigned size, const DiscoveryOptions *o,
                        char **ret_url, char **reterr_message) {
        _cleanup_(ctx_done) Ctx c = { .http = http };
        _cleanup_(http_response_done) HttpResponse resp = {};
        _cleanup_free_ char *base = NULL, *url = NULL, *put = NULL, *form = NULL;
        uint8_t rnd[16];
        char token[33];
        Buf b = {};
        int r;

        if (isempty(prefix) || !(startswith(prefix, "http://") || startswith(prefix, "https://")) || size == 0)
                return -EINVAL;

        /* 16 random bytes in hex, as discovery.etcd.io makes them */
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd)
                return negative_errno();
        for (unsigned i = 0; i < sizeof rnd; i++)
                snprintf(token + 2 * i, 3, "%02x", rnd[i]);

        base = strdup(prefix);
        if (!base)
                return -ENOMEM;
        for (size_t l = strlen(base); l > 0 && base[l - 1] == '/'; l--)
                base[l - 1] = 0;
        url = strjoin3(base, "/", token);
        if (!url || buf_printf(&b, "value=%u", size) < 0 || !(form = buf_steal(&b, NULL))) {
                buf_done(&b);
                return -ENOMEM;
        }
        buf_done(&b);
        put = strjoin3(url, "/", "_config/size");
        if (!put)
                return -ENOMEM;

        retry_init(&c.retry, o && o->timeout_usec ? o->timeout_usec : DISCOVERY_TIMEOUT_DEFAULT_USEC);
        c.request_timeout = o && o->request_timeout_usec ? o->request_timeout_usec :
                            DISCOVERY_REQUEST_TIMEOUT_DEFAULT_USEC;
        r = request(&c, "PUT", put, form, &resp);
        if (r < 0) {
                if (reterr_message)
                        *reterr_message = c.last_error ? TAKE_PTR(c.last_error) : strdup(strerror(-r));
                return r;
        }
        if (resp.status != 200 && resp.status != 201) {
                if (reterr_message && buf_printf(&b, "PUT %s/_config/size: HTTP %ld %s", url, resp.status,
                                                 strempty(resp.body)) >= 0)
                        *reterr_message = buf_steal(&b, NULL);
                buf_done(&b);
                return -EIO;
        }
        *ret_url = TAKE_PTR(url);
        return 0;
}
