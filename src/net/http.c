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
} CurlFunctions;

struct HttpClient {
        CurlFunctions f;
        CURL *easy;
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

int http_request(HttpClient *c, const HttpRequest *req, HttpResponse *ret) {
        _cleanup_(write_state_done) WriteState w = { .max = req->max_body };
        struct curl_slist *headers = NULL;
        CURL *h = c->easy;
        bool put = req->method && streq(req->method, "PUT");
        CURLcode code;

        c->last_error[0] = 0;
        c->errbuf[0] = 0;

        /* Reset keeps the connection cache: options are set afresh each time so
         * that nothing of the previous request (method, headers) leaks in. */
        c->f.easy_reset(h);

        /* An empty "Accept:" keeps requests minimal; a bodyless PUT carries
         * no Content-Type; with a body, an empty "Expect:" stops libcurl
         * from waiting for a "100 Continue" the server may never send. */
        _cleanup_free_ char *ctype = NULL;
        if (put && req->body) {
                if (asprintf(&ctype, "Content-Type: %s",
                             req->content_type ?: "application/x-www-form-urlencoded") < 0) {
                        ctype = NULL;
                        return -ENOMEM;
                }
                headers = c->f.slist_append(headers, "Expect:");
                if (headers) {
                        struct curl_slist *n = c->f.slist_append(headers, ctype);
                        if (!n)
                                c->f.slist_free_all(headers);
                        headers = n;
                }
        } else
                headers = c->f.slist_append(headers, put ? "Content-Type:" : "Accept:");
        if (!headers)
                return -ENOMEM;
        STRV_FOREACH(hdr, req->headers) {
                struct curl_slist *n = c->f.slist_append(headers, *hdr);
                if (!n) {
                        c->f.slist_free_all(headers);
                        return -ENOMEM;
                }
                headers = n;
        }

        long timeout_ms = (long) MAX(req->timeout_usec / 1000, (uint64_t) 1);

        c->f.easy_setopt(h, CURLOPT_URL, req->url);
        /* Only http(s): a metadata or user-data URL must not become file:// etc. */
        c->f.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        c->f.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        c->f.easy_setopt(h, CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
        c->f.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
        c->f.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        c->f.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
        c->f.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
        c->f.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        c->f.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        c->f.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        c->f.easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
        c->f.easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
        c->f.easy_setopt(h, CURLOPT_WRITEDATA, &w);
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
        uint64_t t0 = now_usec();
        code = c->f.easy_perform(h);
        uint64_t dt = now_usec() - t0;
        _cleanup_free_ char *shown = log_get_max_level() >= LOG_DEBUG ? http_url_redact(req->url) : NULL;
        c->f.slist_free_all(headers);

        long nconn = 0;
        if (c->f.easy_getinfo(h, CURLINFO_NUM_CONNECTS, &nconn) == CURLE_OK && nconn > 0)
                c->n_connections += (unsigned) nconn;

        if (code != CURLE_OK) {
                log_debug("%s %s: %s after %.3f ms", put ? "PUT" : "GET", strna(shown),
                          c->f.easy_strerror(code), dt / 1000.0);
                int r = w.too_big ? -EFBIG : curl_code_to_errno(code);
                snprintf(c->last_error, sizeof c->last_error, "%s",
                         w.too_big ? "response larger than allowed" :
                         c->errbuf[0] ? c->errbuf : c->f.easy_strerror(code));
                return r;
        }

        long status = 0;
        c->f.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        log_debug("%s %s: HTTP %ld, %zu bytes, %.3f ms", put ? "PUT" : "GET", strna(shown), status, w.buf.len,
                  dt / 1000.0);

        size_t size;
        char *body = buf_steal(&w.buf, &size);
        if (!body)
                return -ENOMEM;

        *ret = (HttpResponse) {
                .status = status,
                .body = body,
                .size = size,
        };
        return 0;
}
