/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply/discovery.h"
#include "basic/sha1.h"

static void hex(const uint8_t *d, size_t n, char *out) {
        for (size_t i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_sha1(void **state) {
        uint8_t d[SHA1_DIGEST_SIZE];
        char h[2 * SHA1_DIGEST_SIZE + 1];

        sha1("abc", 3, d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
        sha1("", 0, d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        /* 56 bytes: the padding needs a second block */
        const char *s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        sha1(s, strlen(s), d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        char m[1000];
        memset(m, 'a', sizeof m);
        sha1(m, sizeof m, d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

static void test_member_id(void **state) {
        /* registered by a real etcd 3.4 member (test-discovery-etcd.sh) */
        const char *url = "http://127.0.0.1:24611/v2/keys/discovery/500ac903c3dc56eb6be756b1c9fc5b7e";
        assert_int_equal(etcd_member_id("http://127.0.0.11:24622", url), 0x19f628d9961f3307ULL);
        /* sorted before hashing: order does not matter */
        assert_int_equal(etcd_member_id("http://b:2380,http://a:2380", url),
                         etcd_member_id("http://a:2380, http://b:2380", url));
        assert_true(etcd_member_id("http://a:2380", url) != etcd_member_id("http://a:2380", "other"));
}

static void test_parse_dir(void **state) {
        const char *json =
                "{\"action\":\"get\",\"node\":{\"key\":\"/d/tok\",\"dir\":true,\"nodes\":["
                "{\"key\":\"/d/tok/_config\",\"dir\":true,\"createdIndex\":4},"
                "{\"key\":\"/d/tok/bbb\",\"value\":\"m2=http://b:2380\",\"createdIndex\":9},"
                "{\"key\":\"/d/tok/_state\",\"value\":\"started\",\"createdIndex\":5},"
                "{\"key\":\"/d/tok/aaa\",\"value\":\"m1=http://a:2380\",\"createdIndex\":7}]}}";
        DiscoveryPeer *p = NULL;
        size_t n = 0;

        assert_int_equal(discovery_parse_dir(json, &p, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(p[0].key, "aaa");   /* createdIndex order, as etcd picks members */
        assert_string_equal(p[0].value, "m1=http://a:2380");
        assert_int_equal(p[0].created_index, 7);
        assert_string_equal(p[1].key, "bbb");
        discovery_peers_free(p, n);

        /* a directory nobody registered in yet has no "nodes" */
        assert_int_equal(discovery_parse_dir("{\"action\":\"get\",\"node\":{\"key\":\"/d/t\",\"dir\":true}}", &p, &n), 0);
        assert_int_equal(n, 0);
        discovery_peers_free(p, n);

        assert_int_equal(discovery_parse_dir("404 page not found", &p, &n), -EBADMSG);
        assert_int_equal(discovery_parse_dir("[1,2]", &p, &n), -EBADMSG);
        assert_int_equal(discovery_parse_dir("{\"node\":{\"key\":\"/x\",\"value\":\"v\"}}", &p, &n), -EBADMSG);
        assert_int_equal(discovery_parse_dir(NULL, &p, &n), -EBADMSG);
}

static void test_parse_value_error(void **state) {
        char *v = NULL;
        assert_int_equal(discovery_parse_value("{\"action\":\"get\",\"node\":{\"key\":\"/t/_config/size\",\"value\":\"3\"}}",
                                               &v), 0);
        assert_string_equal(v, "3");
        free(v);
        assert_int_equal(discovery_parse_value("{\"node\":{\"key\":\"/t\",\"dir\":true}}", &v), -EBADMSG);
        assert_int_equal(discovery_parse_error_code(
                                 "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/d\",\"index\":3}"),
                         100);
        assert_int_equal(discovery_parse_error_code("{\"errorCode\":105}"), 105);
        assert_int_equal(discovery_parse_error_code("not json"), -EBADMSG);
}

static void test_form_escape(void **state) {
        char *e = discovery_form_escape("m1=http://10.0.0.1:2380,m1=http://[::1]:2380 x");
        assert_string_equal(e, "m1%3Dhttp%3A%2F%2F10.0.0.1%3A2380%2Cm1%3Dhttp%3A%2F%2F%5B%3A%3A1%5D%3A2380%20x");
        free(e);
        e = discovery_form_escape("");
        assert_string_equal(e, "");
        free(e);
}

static void test_status_table(void **state) {
        for (int i = 0; i < _DISCOVERY_STATUS_MAX; i++)
                assert_int_equal(discovery_status_from_string(discovery_status_to_string(i)), i);
}

/* A one-shot HTTP server on 127.0.0.1 in a child process: answers n
 * requests (GET: etcd's "key not found", PUT: created), one per connection,
 * and writes each raw request, NUL-separated, to the pipe. */
typedef struct Fake {
        pid_t pid;
        int port;
        int out;        /* read end */
} Fake;

static void fake_serve(int lfd, int out, unsigned n) {
        alarm(20);      /* never outlive a broken test */
        for (unsigned i = 0; i < n; i++) {
                char req[8192];
                size_t len = 0;
                int c = accept(lfd, NULL, NULL);
                if (c < 0)
                        _exit(2);
                for (;;) {
                        ssize_t k = read(c, req + len, sizeof req - 1 - len);
                        if (k <= 0)
                                break;
                        len += (size_t) k;
                        req[len] = 0;
                        char *end = strstr(req, "\r\n\r\n");
                        if (!end)
                                continue;
                        const char *cl = strcasestr(req, "\r\nContent-Length:");
                        size_t want = (size_t) (end + 4 - req) + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
                        if (len >= want)
                                break;
                }
                bool put = strncmp(req, "PUT ", 4) == 0;
                const char *body = put ? "{\"action\":\"set\",\"node\":{\"key\":\"/x\",\"value\":\"v\"}}"
                                       : "{\"errorCode\":100,\"message\":\"Key not found\"}";
                dprintf(c, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                        "Connection: close\r\n\r\n%s", put ? "201 Created" : "404 Not Found", strlen(body), body);
                close(c);
                if (write(out, req, len + 1) != (ssize_t) (len + 1))
                        _exit(3);
        }
        _exit(0);
}

static void fake_start(Fake *f, unsigned n) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t al = sizeof a;
        int p[2];
        int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(lfd >= 0);
        assert_int_equal(bind(lfd, (struct sockaddr *) &a, sizeof a), 0);
        assert_int_equal(listen(lfd, 8), 0);
        assert_int_equal(getsockname(lfd, (struct sockaddr *) &a, &al), 0);
        assert_int_equal(pipe(p), 0);
        f->port = ntohs(a.sin_port);
        f->pid = fork();
        assert_true(f->pid >= 0);
        if (f->pid == 0) {
                close(p[0]);
                fake_serve(lfd, p[1], n);
        }
        close(lfd);
        close(p[1]);
        f->out = p[0];
}

/* All requests, NUL-separated, once the server has exited. */
static size_t fake_finish(Fake *f, char *buf, size_t size) {
        size_t len = 0;
        ssize_t k;
        while (len < size && (k = read(f->out, buf + len, size - len)) > 0)
                len += (size_t) k;
        close(f->out);
        int st = 0;
        assert_int_equal(waitpid(f->pid, &st, 0), f->pid);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        return len;
}

/* etcd's client sends form values in the body: the peer address (and the
 * token size) must not ride in the query string. */
static void test_put_form_body(void **state) {
        HttpClient *http = NULL;
        char url[128], reqs[32768];
        Fake f;

        if (http_client_new(&http) == -ENOSYS)
                skip();
        assert_non_null(http);

        fake_start(&f, 2);
        snprintf(url, sizeof url, "http://127.0.0.1:%d/v2/keys/d04/tok", f.port);
        PlanDiscovery d = { .kind = DISCOVERY_ETCD, .url = url, .name = "n1", .peer_addr = "10.0.0.1:7001" };
        DiscoveryOptions o = { .timeout_usec = 10000000 };
        DiscoveryResult res = {};
        assert_int_equal(discovery_run(http, &d, &o, &res), 0);
        assert_int_equal(res.status, DISCOVERY_REGISTERED);
        discovery_result_done(&res);
        size_t len = fake_finish(&f, reqs, sizeof reqs);
        const char *get = reqs, *put = reqs + strlen(reqs) + 1;
        assert_true(put < reqs + len);
        assert_true(strncmp(get, "GET /v2/keys/d04/tok HTTP/1.1\r\n", 31) == 0);
        assert_true(strncmp(put, "PUT /v2/keys/d04/tok/n1?ttl=604800 HTTP/1.1\r\n", 45) == 0);
        assert_non_null(strcasestr(put, "\r\nContent-Type: application/x-www-form-urlencoded\r\n"));
        assert_non_null(strcasestr(put, "\r\nContent-Length: 21\r\n"));
        assert_string_equal(strstr(put, "\r\n\r\n") + 4, "value=10.0.0.1%3A7001");

        fake_start(&f, 1);
        snprintf(url, sizeof url, "http://127.0.0.1:%d/v2/keys/discovery", f.port);
        char *tok = NULL, *err = NULL;
        assert_int_equal(discovery_token_new(http, url, 3, &o, &tok, &err), 0);
        free(tok);
        free(err);
        fake_finish(&f, reqs, sizeof reqs);
        assert_true(strncmp(reqs, "PUT /v2/keys/discovery/", 23) == 0);
        assert_non_null(strstr(reqs, "/_config/size HTTP/1.1\r\n"));
        assert_string_equal(strstr(reqs, "\r\n\r\n") + 4, "value=3");
        http_client_free(http);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sha1),
                cmocka_unit_test(test_member_id),
                cmocka_unit_test(test_parse_dir),
                cmocka_unit_test(test_parse_value_error),
                cmocka_unit_test(test_form_escape),
                cmocka_unit_test(test_status_table),
                cmocka_unit_test(test_put_form_body),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
