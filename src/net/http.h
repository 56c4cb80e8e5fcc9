/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* The one libcurl user. libcurl is dlopen()ed on first use so that paths which
 * never touch the network never load it. One easy handle serves every request
 * of a run, so connections are reused. */

typedef struct HttpClient HttpClient;

typedef enum HttpClass {
        HTTP_CLASS_TRANSPORT,   /* no HTTP answer: refused, reset, timeout, DNS, TLS */
        HTTP_CLASS_2XX,
        HTTP_CLASS_4XX,
        HTTP_CLASS_5XX,
        HTTP_CLASS_OTHER,       /* 1xx/3xx left over after redirects */
        _HTTP_CLASS_MAX,
        _HTTP_CLASS_INVALID = -EINVAL,
} HttpClass;

typedef struct HttpRequest {
        const char *method;             /* "GET" (default when NULL) or "PUT" */
        const char *url;
        char * const *headers;          /* "Name: value" strings, may be NULL */
        /* PUT only: the request body (NULL: none, sent as Content-Length: 0)
         * and its type (NULL: application/x-www-form-urlencoded, what etcd's
         * v2 keys API and its discovery clients use). */
        const char *body;
        size_t body_size;
        const char *content_type;
        uint64_t timeout_usec;          /* whole request, connect included */
        size_t max_body;                /* larger bodies fail with -EFBIG */
        bool follow_redirects;
} HttpRequest;

typedef struct HttpResponse {
        long status;                    /* 0 on transport errors */
        char *body;                     /* NUL-terminated, never NULL on success */
        size_t size;
} HttpResponse;

int http_client_new(HttpClient **ret);
HttpClient *http_client_free(HttpClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(HttpClient *, http_client_free);

/* Returns 0 when an HTTP answer came (any status), or a negative errno for
 * transport failures: -ECONNREFUSED, -ETIMEDOUT, -EHOSTUNREACH, -ECONNRESET
 * (retryable, see http_error_is_transient()), -EFBIG (body too large),
 * -EPROTO (TLS), -EINVAL (bad URL), -ENOSYS (libcurl not loadable). The
 * libcurl text for the last error is in http_client_last_error(). */
int http_request(HttpClient *c, const HttpRequest *req, HttpResponse *ret);
/* The n requests (at most 4) sent at once; the first HTTP answer (any
 * status) is returned with *ret_index saying whose, and the others are
 * dropped. A transport failure of one waits for the rest; when every one
 * failed, the last failure, as http_request() returns it. Later requests
 * reuse the winner's connection. */
int http_request_first(HttpClient *c, const HttpRequest *reqs, size_t n, HttpResponse *ret, size_t *ret_index);
const char *http_client_last_error(const HttpClient *c);
unsigned http_client_requests(const HttpClient *c);
unsigned http_client_connections(const HttpClient *c);

/* The URL for messages: without user:password@ and without the query string
 * (pre-signed URLs carry their credentials there). NULL on OOM. */
char *http_url_redact(const char *url);

void http_response_done(HttpResponse *r);
HttpClass http_status_class(long status) _const_;
bool http_error_is_transient(int error) _const_;
