/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>

#include <curl/curl.h>

#include "basic/buf.h"
#include "basic/log.h"
#include "basic/strv.h"
#include "net/http.h"
#include "net/retry.h"

/* Only the functions we use, looked up once. */
typedef struct CurlFunctions {
        void *dl;
        CURLcode (*global_init)(long flags);
        CURL *(*easy_init)(void);
        CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
        CURLcode (*easy_perform)(CURL *h);
        CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
        void (*easy_cleanup)(CURL *h);
        void (*easy_reset)(CURL *h);
        const char *(*easy_strerror)(CURLcode code);
        struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
        void (*slist_free_all)(struct curl_slist *l);
        /* http_request_first(): transfers driven together, one connection cache */
        CURLM *(*multi_init)(void);
        CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
        CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
        CURLMcode (*multi_perform)(CURLM *m, int *running);
        CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *fds, unsigned n, int timeout_ms, int *numfds);
        CURLMsg *(*multi_info_read)(CURLM *m, int *left);
        CURLMcode (*multi_cleanup)(CURLM *m);
        CURLSH *(*share_init)(void);
        CURLSHcode (*share_setopt)(CURLSH *s, CURLSHoption option, ...);
        CURLSHcode (*share_cleanup)(CURLSH *s);
} CurlFunctions;

struct HttpClient {
        CurlFunctions f;
        CURL *easy;
        /* Made by the first http_request_first(): the connection cache the
         * racing handles and easy share, so the winner's connection serves
         * the requests that follow. */
        CURLSH *share;
        unsigned n_requests;
        unsigned n_connections;
        char errbuf[CURL_ERROR_SIZE];
        char *noproxy;
        char last_error[CURL_ERROR_SIZE + 64];
};

typedef struct WriteState {
        Buf buf;
        size_t max;
        bool too_big;
} WriteState;

static int curl_load(CurlFunctions *f) {
        /* RTLD_LAZY, not RTLD_NOW: libcurl pulls in ~35 libraries (TLS, Kerberos,
         * LDAP, SSH...) whose thousands of function relocations we would
         * resolve eagerly and never call; lazy binding saves ~15% of the
         * instructions of loading it (callgrind). The functions we use are
         * checked by dlsym() below, so a broken libcurl still fails here. */
        void *dl = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
        if (!dl)
                return log_debug_errno(-ENOSYS, "Cannot load libcurl.so.4: %s", dlerror()), -ENOSYS;

#define SYM(field, name)                                        \
        do {                                                    \
                *(void **) &f->field = dlsym(dl, name);         \
                if (!f->field) {                                \
                        log_debug("libcurl lacks %s", name);    \
                        dlclose(dl);                            \
                        return -ENOSYS;                         \
                }                                               \
        } while (0)

        SYM(global_init, "curl_global_init");
        SYM(easy_init, "curl_easy_init");
        SYM(easy_setopt, "curl_easy_setopt");
        SYM(easy_perform, "curl_easy_perform");
        SYM(easy_getinfo, "curl_easy_getinfo");
        SYM(easy_cleanup, "curl_easy_cleanup");
        SYM(easy_reset, "curl_easy_reset");
        SYM(easy_strerror, "curl_easy_strerror");
        SYM(slist_append, "curl_slist_append");
        SYM(slist_free_all, "curl_slist_free_all");
        SYM(multi_init, "curl_multi_init");
        SYM(multi_add_handle, "curl_multi_add_handle");
        SYM(multi_remove_handle, "curl_multi_remove_handle");
        SYM(multi_perform, "curl_multi_perform");
        SYM(multi_poll, "curl_multi_poll");
        SYM(multi_info_read, "curl_multi_info_read");
        SYM(multi_cleanup, "curl_multi_cleanup");
        SYM(share_init, "curl_share_init");
        SYM(share_setopt, "curl_share_setopt");
        SYM(share_cleanup, "curl_share_cleanup");
#undef SYM

        f->dl = dl;
        return 0;
}

int http_client_new(HttpClient **ret) {
        _cleanup_free_ HttpClient *c = new0(HttpClient, 1);
        uint64_t t0 = now_usec();
        if (!c)
                return -ENOMEM;

        int r = curl_load(&c->f);
        if (r < 0)
                return r;

        /* Not thread-safe, but we are single-threaded and call it once per client. */
        if (c->f.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                dlclose(c->f.dl);
                return -EIO;
        }

        const char *env = secure_getenv("no_proxy") ?: secure_getenv("NO_PROXY");
        if (asprintf(&c->noproxy, "169.254.0.0/16,fd00:ec2::254,metadata.google.internal,localhost,127.0.0.0/8,::1%s%s",
                     isempty(env) ? "" : ",", strempty(env)) < 0) {
                c->noproxy = NULL;
                dlclose(c->f.dl);
                return -ENOMEM;
        }

        c->easy = c->f.easy_init();
        if (!c->easy) {
                free(c->noproxy);
                dlclose(c->f.dl);
                return -ENOMEM;
        }

        log_debug("libcurl loaded and initialised in %.3f ms", (now_usec() - t0) / 1000.0);
        *ret = TAKE_PTR(c);
        return 0;
}

HttpClient *http_client_free(HttpClient *c) {
        if (!c)
                return NULL;
        if (c->easy)
                c->f.easy_cleanup(c->easy);
        /* after the handles that use it */
        if (c->share)
                c->f.share_cleanup(c->share);
        free(c->noproxy);
        /* libcurl is not unloaded: its TLS backend registers atexit handlers. */
        free(c);
        return NULL;
}

const char *http_client_last_error(const HttpClient *c) {
        return c && c->last_error[0] ? c->last_error : NULL;
}

unsigned http_client_requests(const HttpClient *c) {
        return c ? c->n_requests : 0;
}

unsigned http_client_connections(const HttpClient *c) {
        return c ? c->n_connections : 0;
}

char *http_url_redact(const char *url) {
        const char *scheme_end = strstr(url, "://");
        const char *host = scheme_end ? scheme_end + 3 : url;
        size_t authority = strcspn(host, "/?#");
        const char *at = memchr(host, '@', authority);
        size_t path = strcspn(host + authority, "?#");
        char *r = NULL;

        if (asprintf(&r, "%.*s%.*s%s", (int) (host - url), url,
                     (int) (authority - (at ? (size_t) (at + 1 - host) : 0) + path),
                     at ? at + 1 : host, host[authority + path] ? "?..." : "") < 0)
                return NULL;
        return r;
}

void http_response_done(HttpResponse *r) {
        r->body = mfree(r->body);
        r->size = 0;
        r->status = 0;
}

HttpClass http_status_class(long status) {
        if (status >= 200 && status < 300)
                return HTTP_CLASS_2XX;
        if (status >= 400 && status < 500)
                return HTTP_CLASS_4XX;
        if (status >= 500 && status < 600)
                return HTTP_CLASS_5XX;
        if (status <= 0)
                return HTTP_CLASS_TRANSPORT;
        return HTTP_CLASS_OTHER;
}

bool http_error_is_transient(int error) {
        switch (error) {
        case -ECONNREFUSED:
        case -ETIMEDOUT:
        case -EHOSTUNREACH:
        case -ENETUNREACH:
        case -ECONNRESET:
        case -EAGAIN:
                return true;
        default:
                return false;
        }
}

static void write_state_done(WriteState *w) {
        buf_done(&w->buf);
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata) {
        WriteState *w = userdata;
        size_t n = size * nmemb;

        if (n > w->max || w->buf.len > w->max - n) {
                w->too_big = true;
                return 0; /* makes libcurl fail with CURLE_WRITE_ERROR */
        }
        if (buf_append(&w->buf, ptr, n) < 0)
                return 0;
        return n;
}

static int curl_code_to_errno(CURLcode code) {
        switch (code) {
        case CURLE_COULDNT_CONNECT:
                return -ECONNREFUSED;
        case CURLE_OPERATION_TIMEDOUT:
                return -ETIMEDOUT;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
                /* At boot, DNS may simply not be up yet. */
                return -EHOSTUNREACH;
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
                return -ECONNRESET;
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
                return -EINVAL;
        case CURLE_OUT_OF_MEMORY:
                return -ENOMEM;
        case CURLE_TOO_MANY_REDIRECTS:
                return -ELOOP;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ENGINE_NOTFOUND:
                return -EPROTO;
        default:
                return -EIO;
        }
}

/* One transfer's own state: what its easy handle points at until it ends. */
typedef struct Transfer {
        const HttpRequest *req;
        WriteState w;
        struct curl_slist *headers;
        char *ctype;
        char errbuf[CURL_ERROR_SIZE];
        uint64_t t0;
} Transfer;

static void transfer_done(HttpClient *c, Transfer *t) {
        write_state_done(&t->w);
        if (t->headers)
                c->f.slist_free_all(t->headers);
        t->headers = NULL;
        t->ctype = mfree(t->ctype);
}

/* Sets every option of req on h afresh (after a reset, which keeps the
 * connection cache), so nothing of a previous request (method, headers)
 * leaks in. */
static int transfer_setup(HttpClient *c, CURL *h, const HttpRequest *req, Transfer *t) {
        bool put = req->method && streq(req->method, "PUT");

        t->req = req;
        t->w = (WriteState) { .max = req->max_body };
        t->errbuf[0] = 0;
        c->f.easy_reset(h);

        /* An empty "Accept:" keeps requests minimal; a bodyless PUT carries
         * no Content-Type; with a body, an empty "Expect:" stops libcurl
         * from waiting for a "100 Continue" the server may never send. */
        if (put && req->body) {
                if (asprintf(&t->ctype, "Content-Type: %s",
                             req->content_type ?: "application/x-www-form-urlencoded") < 0) {
                        t->ctype = NULL;
                        return -ENOMEM;
                }
                t->headers = c->f.slist_append(NULL, "Expect:");
                if (t->headers) {
                        struct curl_slist *n = c->f.slist_append(t->headers, t->ctype);
                        if (!n)
                                c->f.slist_free_all(t->headers);
                        t->headers = n;
                }
        } else
                t->headers = c->f.slist_append(NULL, put ? "Content-Type:" : "Accept:");
        if (!t->headers)
                return -ENOMEM;
        STRV_FOREACH(hdr, req->headers) {
                struct curl_slist *n = c->f.slist_append(t->headers, *hdr);
                if (!n)
                        return -ENOMEM;
                t->headers = n;
        }

        long timeout_ms = (long) MAX(req->timeout_usec / 1000, (uint64_t) 1);

        if (c->share)
                c->f.easy_setopt(h, CURLOPT_SHARE, c->share);
        c->f.easy_setopt(h, CURLOPT_URL, req->url);
        /* Only http(s): a metadata or user-data URL must not become file:// etc. */
        c->f.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        c->f.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        c->f.easy_setopt(h, CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
        c->f.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
        c->f.easy_setopt(h, CURLOPT_HTTPHEADER, t->headers);
        c->f.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
        c->f.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
        c->f.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        c->f.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        c->f.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        c->f.easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
        c->f.easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
        c->f.easy_setopt(h, CURLOPT_WRITEDATA, &t->w);
        c->f.easy_setopt(h, CURLOPT_USERAGENT, "nodeinit/" NODEINIT_VERSION);
        /* Environment proxies are honoured, but never for the link-local
         * metadata services or loopback: a proxy would answer with its own
         * node's metadata. The user's no_proxy list still applies. */
        c->f.easy_setopt(h, CURLOPT_NOPROXY, c->noproxy);
        if (put) {
                /* Without a body: an explicit zero length, as IMDS clients
                 * send it. The body is not copied: req outlives the call. */
                c->f.easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
                c->f.easy_setopt(h, CURLOPT_POSTFIELDS, req->body ?: "");
                c->f.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (req->body ? req->body_size : 0));
        } else
                c->f.easy_setopt(h, CURLOPT_HTTPGET, 1L);

        c->n_requests++;
        t->t0 = now_usec();
        return 0;
}

/* The outcome of a finished transfer, as http_request() returns it. */
static int transfer_finish(HttpClient *c, CURL *h, Transfer *t, CURLcode code, HttpResponse *ret) {
        const HttpRequest *req = t->req;
        bool put = req->method && streq(req->method, "PUT");
        uint64_t dt = now_usec() - t->t0;
        _cleanup_free_ char *shown = log_get_max_level() >= LOG_DEBUG ? http_url_redact(req->url) : NULL;

        long nconn = 0;
        if (c->f.easy_getinfo(h, CURLINFO_NUM_CONNECTS, &nconn) == CURLE_OK && nconn > 0)
                c->n_connections += (unsigned) nconn;

        if (code != CURLE_OK) {
                log_debug("%s %s: %s after %.3f ms", put ? "PUT" : "GET", strna(shown),
                          c->f.easy_strerror(code), dt / 1000.0);
                int r = t->w.too_big ? -EFBIG : curl_code_to_errno(code);
                snprintf(c->last_error, sizeof c->last_error, "%s",
                         t->w.too_big ? "response larger than allowed" :
                         t->errbuf[0] ? t->errbuf : c->f.easy_strerror(code));
                return r;
        }

        long status = 0;
        c->f.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        log_debug("%s %s: HTTP %ld, %zu bytes, %.3f ms", put ? "PUT" : "GET", strna(shown), status, t->w.buf.len,
                  dt / 1000.0);

        size_t size;
        char *body = buf_steal(&t->w.buf, &size);
        if (!body)
                return -ENOMEM;

        *ret = (HttpResponse) {
                .status = status,
                .body = body,
                .size = size,
        };
        return 0;
}

int http_request(HttpClient *c, const HttpRequest *req, HttpResponse *ret) {
        Transfer t = {};
        int r;

        c->last_error[0] = 0;
        r = transfer_setup(c, c->easy, req, &t);
        if (r >= 0)
                r = transfer_finish(c, c->easy, &t, c->f.easy_perform(c->easy), ret);
        transfer_done(c, &t);
        return r;
}

#define HTTP_RACE_MAX 4

typedef struct Race {
        HttpClient *c;
        CURLM *m;
        size_t n;
        CURL *h[HTTP_RACE_MAX];
        Transfer t[HTTP_RACE_MAX];
        bool active[HTTP_RACE_MAX];
} Race;

static void race_done(Race *race) {
        HttpClient *c = race->c;

        for (size_t i = 0; i < race->n; i++) {
                if (race->active[i])
                        c->f.multi_remove_handle(race->m, race->h[i]);
                transfer_done(c, race->t + i);
                /* h[0] is the client's own handle */
                if (i > 0 && race->h[i])
                        c->f.easy_cleanup(race->h[i]);
        }
        if (race->m)
                c->f.multi_cleanup(race->m);
}

/* The next finished transfer of the race: its index and libcurl result. */
static int race_next(Race *race, size_t *ret_i, CURLcode *ret_code) {
        HttpClient *c = race->c;

        for (;;) {
                int running = 0, queued = 0;
                CURLMsg *msg;

                if (c->f.multi_perform(race->m, &running) != CURLM_OK)
                        return -EIO;
                while ((msg = c->f.multi_info_read(race->m, &queued)))
                        for (size_t i = 0; msg->msg == CURLMSG_DONE && i < race->n; i++)
                                if (race->active[i] && race->h[i] == msg->easy_handle) {
                                        c->f.multi_remove_handle(race->m, race->h[i]);
                                        race->active[i] = false;
                                        *ret_i = i;
                                        *ret_code = msg->data.result;
                                        return 0;
                                }
                if (c->f.multi_poll(race->m, NULL, 0, 1000, NULL) != CURLM_OK)
                        return -EIO;
        }
}

int http_request_first(HttpClient *c, const HttpRequest *reqs, size_t n, HttpResponse *ret, size_t *ret_index) {
        _cleanup_(race_done) Race race = { .c = c };
        int r = -EIO;

        if (n == 0 || n > HTTP_RACE_MAX)
                return -EINVAL;
        if (n == 1) {
                r = http_request(c, reqs, ret);
                if (r >= 0 && ret_index)
                        *ret_index = 0;
                return r;
        }

        c->last_error[0] = 0;
        if (!c->share) {
                c->share = c->f.share_init();
                if (!c->share)
                        return -ENOMEM;
                c->f.share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
        }
        race.m = c->f.multi_init();
        if (!race.m)
                return -ENOMEM;

        /* the first request on the client's own handle, the others on
         * handles of their own; all share its connection cache */
        for (size_t i = 0; i < n; i++) {
                race.h[i] = i == 0 ? c->easy : c->f.easy_init();
                race.n = i + 1;
                if (!race.h[i])
                        return -ENOMEM;
                r = transfer_setup(c, race.h[i], reqs + i, race.t + i);
                if (r < 0)
                        return r;
                if (c->f.multi_add_handle(race.m, race.h[i]) != CURLM_OK)
                        return -ENOMEM;
                race.active[i] = true;
        }

        /* The first answer wins; a failure waits for the others. The losers
         * are removed unfinished by race_done(), which closes their
         * connections. */
        for (size_t left = n; left > 0; left--) {
                CURLcode code;
                size_t i;

                r = race_next(&race, &i, &code);
                if (r < 0)
                        return r;
                r = transfer_finish(c, race.h[i], race.t + i, code, ret);
                if (r >= 0) {
                        if (ret_index)
                                *ret_index = i;
                        return 0;
                }
                if (r == -ENOMEM)
                        return r;
        }
        return r;
}
