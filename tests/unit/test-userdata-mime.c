/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "userdata/mime.h"

#define S(s) (s), (sizeof(s) - 1)

static void assert_body(const MimePart *p, const char *expected) {
        assert_int_equal(p->body_size, strlen(expected));
        assert_memory_equal(p->body, expected, p->body_size);
}

static void test_headers(void **state) {
        const char *t = "MIME-Version: 1.0\n"
                "content-type: text/cloud-config;\n"
                "\tcharset=\"us-ascii\"\n"
                "   \n"          /* blank continuation adds nothing */
                "Content-Type: text/plain\n" /* first one wins */
                "CONTENT-TRANSFER-ENCODING:base64  \n"
                "Content-Disposition: attachment; filename=\"a.txt\"\n"
                "X-Other: ignored\n"
                "\n"
                "body\n";
        MimeHeaders h = {};
        size_t body;
        unsigned line = 0;

        assert_int_equal(mime_parse_headers(t, strlen(t), true, &h, &body, &line), 0);
        assert_string_equal(h.content_type, "text/cloud-config; charset=\"us-ascii\"");
        assert_int_equal(h.content_type_line, 2);
        assert_string_equal(h.transfer_encoding, "base64");
        assert_string_equal(h.disposition, "attachment; filename=\"a.txt\"");
        assert_string_equal(t + body, "body\n");
        mime_headers_done(&h);

        /* CRLF, empty value, end of text without the empty line */
        const char *c = "Content-Type:\r\nX: y\r\n";
        assert_int_equal(mime_parse_headers(c, strlen(c), false, &h, &body, &line), 0);
        assert_string_equal(h.content_type, "");
        assert_int_equal(body, strlen(c));
        mime_headers_done(&h);
        assert_int_equal(mime_parse_headers(c, strlen(c), true, &h, &body, &line), -EBADMSG);
        assert_int_equal(line, 2);

        /* no headers at all */
        assert_int_equal(mime_parse_headers(S("\r\nbody"), false, &h, &body, &line), 0);
        assert_null(h.content_type);
        assert_int_equal(body, 2);
        assert_int_equal(mime_parse_headers(S(""), false, &h, &body, &line), 0);
        assert_int_equal(body, 0);
}

static void test_headers_malformed(void **state) {
        MimeHeaders h = {};
        size_t body = 99;
        unsigned line = 0;

        assert_int_equal(mime_parse_headers(S(" folded: first\n\n"), false, &h, &body, &line), -EBADMSG);
        assert_int_equal(line, 1);
        assert_int_equal(mime_parse_headers(S("A: b\n#cloud-config\n\n"), false, &h, &body, &line), -EBADMSG);
        assert_int_equal(line, 2);
        assert_int_equal(mime_parse_headers(S("A: b\nC: d\n: e\n\n"), false, &h, &body, &line), -EBADMSG);
        assert_int_equal(line, 3);
        assert_int_equal(mime_parse_headers(S("Content Type: x\n\n"), false, &h, &body, &line), -EBADMSG);
        assert_int_equal(mime_parse_headers(S("A: b\0c\n\n"), false, &h, &body, &line), -EBADMSG);
        assert_int_equal(body, 99);
        assert_null(h.content_type);
}

static void test_params(void **state) {
        char *v = NULL;

        assert_int_equal(mime_media_type(" Multipart/Mixed ; boundary=x", &v), 0);
        assert_string_equal(v, "multipart/mixed");
        free(v);
        assert_int_equal(mime_media_type("  ; boundary=x", &v), -EBADMSG);

        const char *ct = "multipart/mixed; charset=utf-8; Boundary = \"==a;b \\\"q\\\"==\" ; x=y";
        assert_int_equal(mime_param(ct, "boundary", &v), 0);
        assert_string_equal(v, "==a;b \"q\"==");
        free(v);
        assert_int_equal(mime_param(ct, "x", &v), 0);
        assert_string_equal(v, "y");
        free(v);
        assert_int_equal(mime_param(ct, "charset", &v), 0);
        assert_string_equal(v, "utf-8");
        free(v);

        assert_int_equal(mime_param("multipart/mixed; boundary=abc", "boundary", &v), 0);
        assert_string_equal(v, "abc");
        free(v);
        assert_int_equal(mime_param("multipart/mixed; boundary===B==", "boundary", &v), 0);
        assert_string_equal(v, "==B==");
        free(v);

        assert_int_equal(mime_param("multipart/mixed", "boundary", &v), -ENOENT);
        assert_int_equal(mime_param("multipart/mixed; xboundary=a; flag", "boundary", &v), -ENOENT);
        assert_int_equal(mime_param("a/b; boundary=\"abc", "boundary", &v), -EBADMSG);
}

static void test_gzip_types(void **state) {
        static const char * const gz[] = {
                "application/gzip", "application/x-gzip", "application/x-gunzip", "application/gzipped",
                "application/gzip-compressed", "application/x-gzip-compressed", "gzip/document",
                "Application/X-Gzip",
        };
        for (size_t i = 0; i < ELEMENTSOF(gz); i++)
                assert_true(mime_type_is_gzip(gz[i]));
        assert_false(mime_type_is_gzip("text/plain"));
        assert_false(mime_type_is_gzip("application/gzip2"));
        assert_false(mime_type_is_gzip(NULL));
}

static void test_split(void **state) {
        const char *t = "This is the preamble.\n"            /* 1 */
                "--B\n"                                      /* 2 */
                "Content-Type: text/cloud-config\n"          /* 3 */
                "\n"                                         /* 4 */
                "#cloud-config\n"                            /* 5 */
                "a: 1\n"                                     /* 6 */
                "\n"                                         /* 7 */
                "--B  \n"                                    /* 8: transport padding */
                "\n"                                         /* 9: no headers */
                "#!/bin/sh\n"                                /* 10 */
                "--Bx is not a delimiter\n"                  /* 11 */
                " --B neither\n"                             /* 12 */
                "--B\n"                                      /* 13 */
                "--B--\n"                                    /* 14 */
                "epilogue\n--B\nignored\n";
        MimeMultipart m = {};
        DiagList diags = {};

        assert_int_equal(mime_split(t, strlen(t), "B", 10, &m, &diags), 0);
        assert_int_equal(diags.n, 0);
        assert_int_equal(m.n_parts, 3);

        assert_string_equal(m.parts[0].headers.content_type, "text/cloud-config");
        assert_body(&m.parts[0], "#cloud-config\na: 1\n");
        assert_int_equal(m.parts[0].delimiter_line, 2);
        assert_int_equal(m.parts[0].body_line_offset, 4);

        assert_null(m.parts[1].headers.content_type);
        assert_body(&m.parts[1], "#!/bin/sh\n--Bx is not a delimiter\n --B neither");
        assert_int_equal(m.parts[1].delimiter_line, 8);
        assert_int_equal(m.parts[1].body_line_offset, 9);

        /* a part with nothing in it */
        assert_body(&m.parts[2], "");
        assert_int_equal(m.parts[2].delimiter_line, 13);
        mime_multipart_done(&m);
}

static void test_split_crlf(void **state) {
        const char *t = "--b\r\n"
                "Content-Type: text/x-shellscript\r\n"
                "\r\n"
                "#!/bin/sh\r\n"
                "echo\r\n"
                "--b\r\n"
                "Content-Type: text/plain\r\n"
                "--b--";
        MimeMultipart m = {};
        DiagList diags = {};

        assert_int_equal(mime_split(t, strlen(t), "b", 10, &m, &diags), 0);
        assert_int_equal(m.n_parts, 2);
        /* the CRLF before the delimiter is the delimiter's, the rest stays */
        assert_body(&m.parts[0], "#!/bin/sh\r\necho");
        assert_int_equal(m.parts[0].body_line_offset, 3);
        /* headers without the empty line: an empty body */
        assert_string_equal(m.parts[1].headers.content_type, "text/plain");
        assert_body(&m.parts[1], "");
        mime_multipart_done(&m);
}

static void test_split_errors(void **state) {
        MimeMultipart m = { .n_parts = 77 };
        DiagList diags = {};

        /* no closing delimiter: blame the part left open */
        assert_int_equal(mime_split(S("pre\n--b\n\none\n--b\n\ntwo\n"), "b", 10, &m, &diags), -EBADMSG);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].kind, DIAG_ERROR);
        assert_int_equal(diags.items[0].line, 5);
        assert_string_equal(diags.items[0].message,
                            "closing MIME boundary \"--b--\" not found: the part opened here is not terminated");
        diag_list_done(&diags);

        assert_int_equal(mime_split(S("a\nb\n--c--\n"), "b", 10, &m, &diags), -EBADMSG);
        assert_int_equal(diags.n, 1);
        assert_non_null(strstr(diags.items[0].message, "not found"));
        diag_list_done(&diags);

        /* a part that forgot its empty line after the delimiter */
        assert_int_equal(mime_split(S("--b\nContent-Type: text/plain\n#!/bin/sh\n--b--\n"), "b", 10, &m, &diags),
                         -EBADMSG);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].line, 3);
        diag_list_done(&diags);

        /* limits: 3 parts fit in 3, 4 do not */
        const char *three = "--b\n\n1\n--b\n\n2\n--b\n\n3\n--b--\n";
        assert_int_equal(mime_split(three, strlen(three), "b", 3, &m, &diags), 0);
        assert_int_equal(m.n_parts, 3);
        mime_multipart_done(&m);
        m.n_parts = 77;
        const char *four = "--b\n\n1\n--b\n\n2\n--b\n\n3\n--b\n\n4\n--b--\n";
        assert_int_equal(mime_split(four, strlen(four), "b", 3, &m, &diags), -EFBIG);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].line, 10);
        assert_string_equal(diags.items[0].message, "more than 3 MIME parts");
        assert_int_equal(m.n_parts, 77); /* untouched on failure */
        diag_list_done(&diags);
}

static void test_document(void **state) {
        const char *t = "MIME-Version: 1.0\n"                              /* 1 */
                "Content-Type: multipart/mixed; boundary=\"==X Y==\"\n"   /* 2 */
                "\n"                                                       /* 3 */
                "--==X Y==\n"                                              /* 4 */
                "Content-Type: text/x-shellscript\n"                       /* 5 */
                "\n"                                                       /* 6 */
                "#!/bin/sh\n"                                              /* 7 */
                "--==X Y==--\n";
        MimeMultipart m = {};
        DiagList diags = {};

        assert_int_equal(mime_parse_document(t, strlen(t), 10, &m, &diags), 0);
        assert_int_equal(m.n_parts, 1);
        assert_int_equal(m.parts[0].delimiter_line, 4);
        assert_int_equal(m.parts[0].body_line_offset, 6);
        assert_body(&m.parts[0], "#!/bin/sh");
        mime_multipart_done(&m);

        /* diagnostics from the body are in document lines */
        assert_int_equal(mime_parse_document(S("Content-Type: multipart/mixed; boundary=q\n\n\n--q\n\nx\n"), 10, &m,
                                             &diags), -EBADMSG);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].line, 4);
        diag_list_done(&diags);
}

static void test_document_errors(void **state) {
        MimeMultipart m = {};
        DiagList diags = {};

        assert_int_equal(mime_parse_document(S("MIME-Version: 1.0\nContent-Type: multipart/mixed\n\n--b--\n"), 10, &m,
                                             &diags), -EBADMSG);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].line, 2);
        assert_string_equal(diags.items[0].message, "Content-Type multipart/mixed has no boundary parameter");
        diag_list_done(&diags);

        assert_int_equal(mime_parse_document(S("Content-Type: multipart/mixed; boundary=\"\"\n\n"), 10, &m, &diags),
                         -EBADMSG);
        assert_int_equal(mime_parse_document(S("Content-Type: multipart/mixed; boundary=\"ab\n\n"), 10, &m, &diags),
                         -EBADMSG);
        assert_int_equal(mime_parse_document(S("Content-Type: text/plain\n\n"), 10, &m, &diags), -EBADMSG);
        assert_int_equal(mime_parse_document(S("X: y\n\n"), 10, &m, &diags), -EBADMSG);
        assert_int_equal(mime_parse_document(S("X: y\n"), 10, &m, &diags), -EBADMSG);
        assert_int_equal(diags.n, 5);
        diag_list_done(&diags);

        char ct[400];
        snprintf(ct, sizeof ct, "Content-Type: multipart/mixed; boundary=%0*d\n\n", (int) MIME_MAX_BOUNDARY + 1, 0);
        assert_int_equal(mime_parse_document(ct, strlen(ct), 10, &m, &diags), -EBADMSG);
        assert_non_null(strstr(diags.items[0].message, "longer than"));
        diag_list_done(&diags);
}

static void test_encodings(void **state) {
        assert_int_equal(mime_encoding_from_header(NULL), MIME_ENCODING_IDENTITY);
        assert_int_equal(mime_encoding_from_header("7bit"), MIME_ENCODING_IDENTITY);
        assert_int_equal(mime_encoding_from_header("8BIT"), MIME_ENCODING_IDENTITY);
        assert_int_equal(mime_encoding_from_header("binary"), MIME_ENCODING_IDENTITY);
        assert_int_equal(mime_encoding_from_header("Base64"), MIME_ENCODING_BASE64);
        assert_int_equal(mime_encoding_from_header("quoted-printable"), MIME_ENCODING_QUOTED_PRINTABLE);
        assert_int_equal(mime_encoding_from_header("x-uuencode"), _MIME_ENCODING_INVALID);
}

static void test_decode_body(void **state) {
        char *out = NULL;
        size_t n = 0;
        unsigned line = 0;

        /* "#cloud-config\nhostname: b64\n" split over lines, with blanks */
        const char *b64 = "I2Nsb3VkLWNvbmZp \r\nZwpob3N0bmFtZTog\n\tYjY0Cg==\n";
        assert_int_equal(mime_decode_body(MIME_ENCODING_BASE64, b64, strlen(b64), &out, &n, &line), 0);
        assert_string_equal(out, "#cloud-config\nhostname: b64\n");
        assert_int_equal(n, strlen(out));
        free(out);

        assert_int_equal(mime_decode_body(MIME_ENCODING_BASE64, S("I2Nsb3Vk\nLWNv!bmZp\nZwo=\n"), &out, &n, &line),
                         -EBADMSG);
        assert_int_equal(line, 2);
        /* wrong length: blame the last line with data */
        assert_int_equal(mime_decode_body(MIME_ENCODING_BASE64, S("I2Nsb3Vk\nLWNvbmZ\n\n"), &out, &n, &line), -EBADMSG);
        assert_int_equal(line, 2);

        assert_int_equal(mime_decode_body(MIME_ENCODING_QUOTED_PRINTABLE, S("a=3Db=\nc= \r\nd=zz=4"), &out, &n, &line),
                         0);
        assert_string_equal(out, "a=bcd=zz=4");
        free(out);

        assert_int_equal(mime_decode_body(MIME_ENCODING_IDENTITY, S("x\0y"), &out, &n, &line), 0);
        assert_int_equal(n, 3);
        assert_memory_equal(out, "x\0y", 4);
        free(out);
}

static void test_is_multipart(void **state) {
        assert_true(mime_is_multipart(S("Content-Type: multipart/mixed; boundary=a\n\n")));
        assert_false(mime_is_multipart(S("Content-Type: multipart/mixed; boundary=a\n")));
        assert_false(mime_is_multipart(S("")));
        assert_false(mime_is_multipart(S("{\"a\": 1}")));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_headers),
                cmocka_unit_test(test_headers_malformed),
                cmocka_unit_test(test_params),
                cmocka_unit_test(test_gzip_types),
                cmocka_unit_test(test_split),
                cmocka_unit_test(test_split_crlf),
                cmocka_unit_test(test_split_errors),
                cmocka_unit_test(test_document),
                cmocka_unit_test(test_document_errors),
                cmocka_unit_test(test_encodings),
                cmocka_unit_test(test_decode_body),
                cmocka_unit_test(test_is_multipart),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
