/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <zlib.h>

#include "gzip-test-helpers.h"
#include "basic/base64.h"
#include "basic/buf.h"
#include "userdata/userdata.h"

#define STRLEN_ARGS(s) (s), (sizeof(s) - 1)

static char *gzip_buf(const char *s, size_t n, size_t *ret_size) {
        return gzip_repeat(s, n, 1, ret_size);
}

/* base64 of gzip of s, wrapped at 76 columns as MIME does */
static char *gzip_base64(const char *s) {
        size_t n;
        char *gz = gzip_buf(s, strlen(s), &n), *b64 = base64_encode(gz, n);
        Buf b = {};

        for (size_t i = 0, l = strlen(b64); i < l; i += 76) {
                assert_int_equal(buf_append(&b, b64 + i, MIN(l - i, (size_t) 76)), 0);
                assert_int_equal(buf_putc(&b, '\n'), 0);
        }
        free(gz);
        free(b64);
        return buf_steal(&b, NULL);
}

static const char *nth_line(const char *s, size_t n, unsigned k, size_t *ret_len) {
        const char *end = s + n;

        for (unsigned i = 1; i < k; i++) {
                s = memchr(s, '\n', end - s);
                assert_non_null(s);
                s++;
        }
        const char *nl = memchr(s, '\n', end - s);
        *ret_len = (nl ?: end) - s;
        return s;
}

/* Every line of a verbatim part is the original's line + line_offset. */
static void check_lines(const char *original, size_t size, const UserDataPart *p) {
        unsigned lines = 1;

        assert_true(p->verbatim);
        for (size_t i = 0; i < p->size; i++)
                lines += p->content[i] == '\n';
        for (unsigned k = p->header_added ? 2 : 1; k <= lines; k++) {
                size_t a, b;
                const char *x = nth_line(p->content, p->size, k, &a);
                const char *y = nth_line(original, size, k + p->line_offset, &b);
                /* the last line may be cut short by the delimiter's CR LF */
                if (k < lines)
                        assert_int_equal(a, b);
                else
                        assert_true(a <= b);
                assert_memory_equal(x, y, a);
        }
}

static UserData decode_ok(const char *s, size_t n, size_t expect_parts) {
        UserData u = {};
        DiagList diags = {};

        int r = userdata_decode(s, n, &u, &diags);
        for (size_t i = 0; i < diags.n; i++)
                print_message("line %u: %s\n", diags.items[i].line, diags.items[i].message);
        assert_int_equal(r, 0);
        assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 0);
        assert_int_equal(u.n_parts, expect_parts);
        diag_list_done(&diags);
        return u;
}

/* Expects failure r with one error at line whose message contains what. */
static void decode_fail(const char *s, size_t n, int r, unsigned line, const char *what) {
        UserData u = { .n_parts = 4242 };
        DiagList diags = {};

        assert_int_equal(userdata_decode(s, n, &u, &diags), r);
        assert_int_equal(u.n_parts, 4242);
        assert_null(u.parts);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].kind, DIAG_ERROR);
        if (!strstr(diags.items[0].message, what))
                fail_msg("\"%s\" does not contain \"%s\"", diags.items[0].message, what);
        assert_int_equal(diags.items[0].line, line);
        diag_list_done(&diags);
}

static void test_single(void **state) {
        static const struct {
                const char *text;
                UserDataKind kind;
        } cases[] = {
                { "#cloud-config\nhostname: a\n", USER_DATA_CLOUD_CONFIG },
                { "#!/bin/bash\necho\n", USER_DATA_SCRIPT },
                { "{\"ignition\": {\"version\": \"3.0.0\"}}", USER_DATA_IGNITION },
                { "hostname: a\n", USER_DATA_UNKNOWN },
                { "", USER_DATA_EMPTY },
                { " \n\t\n", USER_DATA_EMPTY },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                UserData u = decode_ok(cases[i].text, strlen(cases[i].text), 1);
                assert_int_equal(u.parts[0].kind, cases[i].kind);
                assert_string_equal(u.parts[0].content, cases[i].text);
                assert_int_equal(u.parts[0].size, strlen(cases[i].text));
                assert_true(u.parts[0].verbatim);
                assert_false(u.parts[0].header_added);
                assert_int_equal(u.parts[0].line_offset, 0);
                assert_int_equal(u.parts[0].part_line, 0);
                assert_null(u.parts[0].content_type);
                assert_null(u.parts[0].filename);
                userdata_done(&u);
                assert_null(u.parts);
        }

        UserData u = decode_ok(NULL, 0, 1);
        assert_int_equal(u.parts[0].kind, USER_DATA_EMPTY);
        assert_string_equal(u.parts[0].content, "");
        userdata_done(&u);
}

static void test_gzip(void **state) {
        const char *text = "#cloud-config\nhostname: gz\n";
        size_t n1, n2, n3;
        char *g1 = gzip_buf(text, strlen(text), &n1), *g2 = gzip_buf(g1, n1, &n2), *g3 = gzip_buf(g2, n2, &n3);

        UserData u = decode_ok(g1, n1, 1);
        assert_int_equal(u.parts[0].kind, USER_DATA_CLOUD_CONFIG);
        assert_string_equal(u.parts[0].content, text);
        assert_false(u.parts[0].verbatim);
        assert_int_equal(u.parts[0].line_offset, 0);
        userdata_done(&u);

        /* gzipped once more is fine, thrice is not */
        u = decode_ok(g2, n2, 1);
        assert_string_equal(u.parts[0].content, text);
        userdata_done(&u);
        decode_fail(g3, n3, -EBADMSG, 0, "compressed more than 2 times");

        /* truncated */
        decode_fail(g1, n1 - 3, -EBADMSG, 0, "corrupt or truncated");
        free(g1);
        free(g2);
        free(g3);
}

static const char aws[] =
        "Content-Type: multipart/mixed; boundary=\"//\"\n"                  /* 1 */
        "MIME-Version: 1.0\n"                                               /* 2 */
        "\n"                                                                /* 3 */
        "--//\n"                                                            /* 4 */
        "Content-Type: text/cloud-config; charset=\"us-ascii\"\n"           /* 5 */
        "MIME-Version: 1.0\n"                                               /* 6 */
        "Content-Transfer-Encoding: 7bit\n"                                 /* 7 */
        "Content-Disposition: attachment; filename=\"cloud-config.txt\"\n"  /* 8 */
        "\n"                                                                /* 9 */
        "#cloud-config\n"                                                   /* 10 */
        "hostname: $private_ipv4\n"                                         /* 11 */
        "\n"                                                                /* 12 */
        "--//\n"                                                            /* 13 */
        "Content-Type: text/x-shellscript; charset=\"us-ascii\"\n"          /* 14 */
        "Content-Disposition: attachment; filename=userdata.txt\n"          /* 15 */
        "\n"                                                                /* 16 */
        "#!/bin/bash\n"                                                     /* 17 */
        "echo hi\n"                                                         /* 18 */
        "--//--\n";                                                         /* 19 */

static void check_aws(const char *doc, size_t n, const char *eol) {
        UserData u = decode_ok(doc, n, 2);
        char expect[128];

        assert_int_equal(u.parts[0].kind, USER_DATA_CLOUD_CONFIG);
        snprintf(expect, sizeof expect, "#cloud-config%shostname: $private_ipv4%s", eol, eol);
        assert_string_equal(u.parts[0].content, expect);
        assert_string_equal(u.parts[0].content_type, "text/cloud-config; charset=\"us-ascii\"");
        assert_string_equal(u.parts[0].filename, "cloud-config.txt");
        assert_int_equal(u.parts[0].line_offset, 9);
        assert_int_equal(u.parts[0].part_line, 4);
        assert_false(u.parts[0].header_added);
        check_lines(doc, n, &u.parts[0]);

        assert_int_equal(u.parts[1].kind, USER_DATA_SCRIPT);
        snprintf(expect, sizeof expect, "#!/bin/bash%secho hi", eol);
        assert_string_equal(u.parts[1].content, expect);
        assert_string_equal(u.parts[1].filename, "userdata.txt");
        assert_int_equal(u.parts[1].line_offset, 16);
        assert_int_equal(u.parts[1].part_line, 13);
        check_lines(doc, n, &u.parts[1]);
        userdata_done(&u);
}

static void test_multipart(void **state) {
        check_aws(aws, strlen(aws), "\n");

        Buf b = {};
        for (const char *c = aws; *c; c++)
                assert_int_equal(*c == '\n' ? buf_puts(&b, "\r\n") : buf_putc(&b, *c), 0);
        check_aws(b.data, b.len, "\r\n");
        buf_done(&b);

        /* the whole thing gzipped: same parts, no longer verbatim */
        size_t n;
        char *gz = gzip_buf(aws, strlen(aws), &n);
        UserData u = decode_ok(gz, n, 2);
        assert_false(u.parts[0].verbatim);
        assert_false(u.parts[1].verbatim);
        assert_int_equal(u.parts[0].line_offset, 0);
        assert_int_equal(u.parts[0].part_line, 0);
        assert_string_equal(u.parts[1].content, "#!/bin/bash\necho hi");
        userdata_done(&u);
        free(gz);
}

static void test_part_contents(void **state) {
        const char *doc =
                "Content-Type: multipart/mixed; boundary=b\n"   /* 1 */
                "\n"                                            /* 2 */
                "--b\n"                                         /* 3: no headers */
                "\n"                                            /* 4 */
                "#cloud-config   \n"                            /* 5 */
                "x: 1\n"                                        /* 6 */
                "--b\n"                                         /* 7: header present */
                "Content-Type: text/cloud-config\n"             /* 8 */
                "\n"                                            /* 9 */
                "#cloud-config   \n"                            /* 10 */
                "--b\n"                                         /* 11: header missing */
                "Content-Type: Text/Cloud-Config\n"             /* 12 */
                "\n"                                            /* 13 */
                "hostname: h\n"                                 /* 14 */
                "users: []\n"                                   /* 15 */
                "--b\n"                                         /* 16: classified by content */
                "Content-Type: text/x-shellscript\n"            /* 17 */
                "\n"                                            /* 18 */
                "echo no shebang\n"                             /* 19 */
                "--b\n"                                         /* 20 */
                "Content-Type: application/json\n"              /* 21 */
                "\n"                                            /* 22 */
                "{\"ignitionVersion\": 1}\n"                    /* 23 */
                "--b\n"                                         /* 24: empty */
                "--b--\n";

        UserData u = decode_ok(doc, strlen(doc), 6);

        assert_int_equal(u.parts[0].kind, USER_DATA_CLOUD_CONFIG);
        assert_null(u.parts[0].content_type);
        assert_string_equal(u.parts[0].content, "#cloud-config   \nx: 1");
        check_lines(doc, strlen(doc), &u.parts[0]);

        assert_int_equal(u.parts[1].kind, USER_DATA_CLOUD_CONFIG);
        assert_false(u.parts[1].header_added);
        assert_string_equal(u.parts[1].content, "#cloud-config   ");

        assert_int_equal(u.parts[2].kind, USER_DATA_CLOUD_CONFIG);
        assert_true(u.parts[2].header_added);
        assert_true(u.parts[2].verbatim);
        assert_string_equal(u.parts[2].content, "#cloud-config\nhostname: h\nusers: []");
        /* content line 2 is original line 14 */
        assert_int_equal(u.parts[2].line_offset, 12);
        assert_int_equal(u.parts[2].part_line, 11);
        check_lines(doc, strlen(doc), &u.parts[2]);

        assert_int_equal(u.parts[3].kind, USER_DATA_UNKNOWN);
        assert_string_equal(u.parts[3].content_type, "text/x-shellscript");
        assert_int_equal(u.parts[4].kind, USER_DATA_IGNITION);
        assert_int_equal(u.parts[5].kind, USER_DATA_EMPTY);
        assert_int_equal(u.parts[5].size, 0);
        userdata_done(&u);
}

static void test_encoded_parts(void **state) {
        _cleanup_free_ char *script = base64_encode("#!/bin/sh\necho b64\n", 19);
        _cleanup_free_ char *cc_gz = gzip_base64("#cloud-config\nhostname: gz\n");
        _cleanup_free_ char *inner_gz = gzip_base64(
                "MIME-Version: 1.0\n"
                "Content-Type: multipart/mixed; boundary=inner\n"
                "\n"
                "--inner\n"
                "Content-Type: text/cloud-config\n"
                "\n"
                "hostname: inner\n"
                "--inner\n"
                "Content-Type: text/x-shellscript\n"
                "\n"
                "#!/bin/sh\ninner\n"
                "--inner--\n");
        size_t raw_n;
        _cleanup_free_ char *raw = gzip_buf("#!/bin/sh\nraw\n", 14, &raw_n);
        Buf b = {};

        assert_int_equal(buf_printf(&b,
                                    "MIME-Version: 1.0\n"
                                    "Content-Type: multipart/mixed; boundary=\"==BOUNDARY==\"\n"
                                    "\n"
                                    "This is a multi-part message in MIME format.\n"
                                    "--==BOUNDARY==\n"
                                    "Content-Type: text/x-shellscript\n"
                                    "Content-Transfer-Encoding: base64\n"
                                    "\n"
                                    "%s\n"
                                    "--==BOUNDARY==\n"
                                    "Content-Type: application/gzip\n"
                                    "Content-Transfer-Encoding: base64\n"
                                    "Content-Disposition: attachment; filename=\"cc.gz\"\n"
                                    "\n"
                                    "%s"
                                    "--==BOUNDARY==\n"
                                    "Content-Type: application/x-gzip\n"
                                    "Content-Transfer-Encoding: BASE64\n"
                                    "\n"
                                    "%s"
                                    "--==BOUNDARY==\n"
                                    "Content-Type: application/octet-stream\n"
                                    "Content-Transfer-Encoding: binary\n"
                                    "\n",
                                    script, cc_gz, inner_gz), 0);
        unsigned raw_part_line = 1;
        for (const char *c = b.data; *c; c++)
                raw_part_line += *c == '\n';
        raw_part_line -= 4;
        assert_int_equal(buf_append(&b, raw, raw_n), 0);
        assert_int_equal(buf_puts(&b,
                                  "\n--==BOUNDARY==\n"
                                  "Content-Type: text/plain\n"
                                  "\n"
                                  "#cloud-config\n"
                                  "after: 1\n"
                                  "--==BOUNDARY==--\n"
                                  "epilogue\n"), 0);

        UserData u = decode_ok(b.data, b.len, 6);

        assert_int_equal(u.parts[0].kind, USER_DATA_SCRIPT);
        assert_string_equal(u.parts[0].content, "#!/bin/sh\necho b64\n");
        assert_false(u.parts[0].verbatim);
        assert_int_equal(u.parts[0].part_line, 5);

        assert_int_equal(u.parts[1].kind, USER_DATA_CLOUD_CONFIG);
        assert_string_equal(u.parts[1].content, "#cloud-config\nhostname: gz\n");
        assert_string_equal(u.parts[1].content_type, "application/gzip");
        assert_string_equal(u.parts[1].filename, "cc.gz");
        assert_false(u.parts[1].verbatim);

        /* a gzipped multipart inside the multipart: its parts, in order */
        assert_int_equal(u.parts[2].kind, USER_DATA_CLOUD_CONFIG);
        assert_string_equal(u.parts[2].content, "#cloud-config\nhostname: inner");
        assert_true(u.parts[2].header_added);
        assert_false(u.parts[2].verbatim);
        assert_int_equal(u.parts[2].line_offset, 0);
        assert_string_equal(u.parts[2].content_type, "text/cloud-config");
        assert_int_equal(u.parts[2].part_line, u.parts[3].part_line);
        assert_true(u.parts[2].part_line > u.parts[1].part_line);
        assert_int_equal(u.parts[3].kind, USER_DATA_SCRIPT);
        assert_string_equal(u.parts[3].content, "#!/bin/sh\ninner");

        /* raw gzip bytes, found by their magic */
        assert_int_equal(u.parts[4].kind, USER_DATA_SCRIPT);
        assert_string_equal(u.parts[4].content, "#!/bin/sh\nraw\n");
        assert_string_equal(u.parts[4].content_type, "application/octet-stream");
        assert_int_equal(u.parts[4].part_line, raw_part_line);

        assert_int_equal(u.parts[5].kind, USER_DATA_CLOUD_CONFIG);
        check_lines(b.data, b.len, &u.parts[5]);
        userdata_done(&u);
        buf_done(&b);
}

static const char nested[] =
        "Content-Type: multipart/mixed; boundary=outer\n"   /* 1 */
        "\n"                                                /* 2 */
        "--outer\n"                                         /* 3 */
        "Content-Type: multipart/mixed; boundary=inner\n"   /* 4 */
        "\n"                                                /* 5 */
        "--inner\n"                                         /* 6 */
        "Content-Type: text/cloud-config\n"                 /* 7 */
        "\n"                                                /* 8 */
        "hostname: nested\n"                                /* 9 */
        "--inner\n"                                         /* 10 */
        "\n"                                                /* 11 */
        "#!/bin/sh\n"                                       /* 12 */
        "--inner--\n"                                       /* 13 */
        "--outer\n"                                         /* 14 */
        "Content-Type: text/cloud-config\n"                 /* 15 */
        "\n"                                                /* 16 */
        "#cloud-config\n"                                   /* 17 */
        "--outer--\n";                                      /* 18 */

static void test_nested_multipart(void **state) {
        UserData u = decode_ok(nested, strlen(nested), 3);

        assert_int_equal(u.parts[0].kind, USER_DATA_CLOUD_CONFIG);
        assert_string_equal(u.parts[0].content, "#cloud-config\nhostname: nested");
        assert_true(u.parts[0].header_added);
        assert_int_equal(u.parts[0].line_offset, 7);
        assert_int_equal(u.parts[0].part_line, 6);
        check_lines(nested, strlen(nested), &u.parts[0]);

        assert_int_equal(u.parts[1].kind, USER_DATA_SCRIPT);
        assert_int_equal(u.parts[1].line_offset, 11);
        assert_int_equal(u.parts[1].part_line, 10);
        check_lines(nested, strlen(nested), &u.parts[1]);

        assert_int_equal(u.parts[2].line_offset, 16);
        assert_int_equal(u.parts[2].part_line, 14);
        check_lines(nested, strlen(nested), &u.parts[2]);
        userdata_done(&u);
}

/* n multipart levels, each one part deep, around one script */
static char *nest(unsigned levels) {
        Buf b = {};

        assert_int_equal(buf_puts(&b, "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"), 0);
        for (unsigned i = 2; i <= levels; i++)
                assert_int_equal(buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%u\n\n--b%u\n", i, i), 0);
        assert_int_equal(buf_puts(&b, "\n#!/bin/sh"), 0);
        for (unsigned i = levels; i >= 1; i--)
                assert_int_equal(buf_printf(&b, "\n--b%u--", i), 0);
        return buf_steal(&b, NULL);
}

static void test_nesting_limit(void **state) {
        _cleanup_free_ char *ok = nest(USERDATA_MAX_NESTING), *deep = nest(USERDATA_MAX_NESTING + 1);

        UserData u = decode_ok(ok, strlen(ok), 1);
        assert_int_equal(u.parts[0].kind, USER_DATA_SCRIPT);
        assert_int_equal(u.parts[0].line_offset, 3 * USERDATA_MAX_NESTING + 1);
        userdata_done(&u);

        decode_fail(deep, strlen(deep), -EBADMSG, 3 * (USERDATA_MAX_NESTING + 1), "nested more than 4 levels");
}

static void test_errors(void **state) {
        /* missing closing boundary: blame the open part's delimiter */
        decode_fail(STRLEN_ARGS("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n#!/bin/sh\n--b\n\necho\n"),
                    -EBADMSG, 6, "closing MIME boundary \"--b--\" not found");
        /* ... also inside a nested part, in original lines */
        Buf cut = {};
        const char *close = strstr(nested, "--inner--\n");
        assert_int_equal(buf_append(&cut, nested, close - nested), 0);
        assert_int_equal(buf_puts(&cut, close + strlen("--inner--\n")), 0);
        decode_fail(cut.data, cut.len, -EBADMSG, 10, "\"--inner--\" not found");
        buf_done(&cut);

        decode_fail(STRLEN_ARGS("MIME-Version: 1.0\nContent-Type: multipart/mixed\n\n--b\n\nx\n--b--\n"), -EBADMSG, 2,
                    "no boundary parameter");
        decode_fail(STRLEN_ARGS("Content-Type: multipart/mixed; boundary=o\n\n--o\n"
                                "Content-Type: multipart/mixed; charset=x\n\n--b\n\nx\n--b--\n--o--\n"),
                    -EBADMSG, 4, "no boundary parameter");

        /* bad base64 on the second body line (line 7) */
        decode_fail(STRLEN_ARGS("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                "Content-Transfer-Encoding: base64\n\nI2Nsb3Vk\nLW*NvbmZp\n--b--\n"),
                    -EBADMSG, 7, "invalid base64");
        decode_fail(STRLEN_ARGS("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                "Content-Transfer-Encoding: uuencode\n\nx\n--b--\n"),
                    -EBADMSG, 3, "unsupported Content-Transfer-Encoding \"uuencode\"");
        decode_fail(STRLEN_ARGS("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                "Content-Type: application/gzip\n\n#cloud-config\n--b--\n"),
                    -EBADMSG, 6, "not gzip data");
        decode_fail(STRLEN_ARGS("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                "Content-Type: text/plain\n#!/bin/sh\n\n--b--\n"),
                    -EBADMSG, 5, "malformed header line");

        /* a truncated gzip part: its body's first line */
        size_t n;
        _cleanup_free_ char *gz = gzip_buf("#!/bin/sh\n", 10, &n);
        _cleanup_free_ char *b64 = base64_encode(gz, n - 4);
        Buf b = {};
        assert_int_equal(buf_printf(&b, "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                        "Content-Transfer-Encoding: base64\n\n%s\n--b--\n", b64), 0);
        decode_fail(b.data, b.len, -EBADMSG, 6, "corrupt or truncated");
        buf_done(&b);
}

static void test_empty_multipart(void **state) {
        UserData u = {};
        DiagList diags = {};
        const char *doc = "Content-Type: multipart/mixed; boundary=b\n\nnothing here\n--b--\n";

        assert_int_equal(userdata_decode(doc, strlen(doc), &u, &diags), 0);
        assert_int_equal(u.n_parts, 0);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].kind, DIAG_WARNING);
        assert_string_equal(diags.items[0].message, "multipart user-data has no parts");
        diag_list_done(&diags);
        userdata_done(&u);
}

static char *many_parts(unsigned n) {
        Buf b = {};
        assert_int_equal(buf_puts(&b, "Content-Type: multipart/mixed; boundary=b\n\n"), 0);
        for (unsigned i = 0; i < n; i++)
                assert_int_equal(buf_printf(&b, "--b\n\n#!/bin/sh\necho %u\n", i), 0);
        assert_int_equal(buf_puts(&b, "--b--\n"), 0);
        return buf_steal(&b, NULL);
}

static void test_part_limit(void **state) {
        _cleanup_free_ char *ok = many_parts(USERDATA_MAX_PARTS), *over = many_parts(USERDATA_MAX_PARTS + 1);

        UserData u = decode_ok(ok, strlen(ok), USERDATA_MAX_PARTS);
        assert_string_equal(u.parts[USERDATA_MAX_PARTS - 1].content, "#!/bin/sh\necho 255");
        userdata_done(&u);
        decode_fail(over, strlen(over), -EFBIG, 2 + 4 * USERDATA_MAX_PARTS + 1, "more than 256 MIME parts");

        /* the limit counts parts after unpacking, too: 2 × 200 nested */
        Buf b = {};
        _cleanup_free_ char *inner = many_parts(200);
        _cleanup_free_ char *inner_body = strdup(strstr(inner, "--b"));
        assert_int_equal(buf_printf(&b, "Content-Type: multipart/mixed; boundary=o\n\n"
                                        "--o\nContent-Type: multipart/mixed; boundary=b\n\n%s"
                                        "--o\nContent-Type: multipart/mixed; boundary=b\n\n%s--o--\n",
                                    inner_body, inner_body), 0);
        UserData v = { .n_parts = 4242 };
        DiagList diags = {};
        assert_int_equal(userdata_decode(b.data, b.len, &v, &diags), -EFBIG);
        assert_int_equal(v.n_parts, 4242);
        assert_int_equal(diags.n, 1);
        assert_string_equal(diags.items[0].message, "more than 256 parts in user-data");
        diag_list_done(&diags);
        buf_done(&b);
}

static void test_size_limits(void **state) {
        char *big = malloc(USERDATA_MAX_SIZE + 1);
        assert_non_null(big);
        memset(big, '#', USERDATA_MAX_SIZE + 1);
        decode_fail(big, USERDATA_MAX_SIZE + 1, -EFBIG, 0, "more than the limit");
        free(big);

        /* gzip parts share one budget: two of 40 MiB are too much together */
        static char zeros[1024 * 1024];
        size_t n;
        _cleanup_free_ char *gz = gzip_repeat(zeros, sizeof zeros, 40, &n);
        Buf b = {};
        assert_int_equal(buf_puts(&b, "Content-Type: multipart/mixed; boundary=b\n\n"
                                      "--b\nContent-Type: application/gzip\n\n"), 0);
        assert_int_equal(buf_append(&b, gz, n), 0);
        unsigned second = 6;
        for (size_t i = 0; i < n; i++)
                second += gz[i] == '\n';
        assert_int_equal(buf_puts(&b, "\n--b\nContent-Type: application/gzip\n\n"), 0);
        assert_int_equal(buf_append(&b, gz, n), 0);
        assert_int_equal(buf_puts(&b, "\n--b--\n"), 0);
        decode_fail(b.data, b.len, -EFBIG, second + 4, "gzip bomb");
        buf_done(&b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_single),
                cmocka_unit_test(test_gzip),
                cmocka_unit_test(test_multipart),
                cmocka_unit_test(test_part_contents),
                cmocka_unit_test(test_encoded_parts),
                cmocka_unit_test(test_nested_multipart),
                cmocka_unit_test(test_nesting_limit),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_empty_multipart),
                cmocka_unit_test(test_part_limit),
                cmocka_unit_test(test_size_limits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
