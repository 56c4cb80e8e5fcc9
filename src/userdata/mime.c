/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <strings.h>

#include "basic/base64.h"
#include "basic/buf.h"
#include "userdata/mime.h"

void mime_headers_done(MimeHeaders *h) {
        free(h->content_type);
        free(h->transfer_encoding);
        free(h->disposition);
        *h = (MimeHeaders) {};
}

void mime_multipart_done(MimeMultipart *m) {
        for (size_t i = 0; i < m->n_parts; i++)
                mime_headers_done(&m->parts[i].headers);
        free(m->parts);
        *m = (MimeMultipart) {};
}

/* End of the line starting at pos, without its CR LF or LF; *ret_next is
 * where the next line starts (size at the end). */
static size_t line_end(const char *t, size_t size, size_t pos, size_t *ret_next) {
        const char *nl = memchr(t + pos, '\n', size - pos);
        size_t e = nl ? (size_t) (nl - t) : size;

        *ret_next = nl ? e + 1 : size;
        if (e > pos && t[e - 1] == '\r')
                e--;
        return e;
}

static unsigned count_lines(const char *t, size_t from, size_t to) {
        unsigned n = 0;
        for (const char *p = t + from; p < t + to; p++) {
                p = memchr(p, '\n', (size_t) (t + to - p));
                if (!p)
                        break;
                n++;
        }
        return n;
}

static bool is_blank_char(char c) {
        return c == ' ' || c == '\t';
}

/* RFC 7230 tchar: what a header name may be made of. */
static bool is_token_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

static void trim(const char **p, size_t *n) {
        while (*n > 0 && is_blank_char(**p)) {
                (*p)++;
                (*n)--;
        }
        while (*n > 0 && is_blank_char((*p)[*n - 1]))
                (*n)--;
}

int mime_parse_headers(const char *text, size_t size, bool need_empty_line,
                       MimeHeaders *ret, size_t *ret_body, unsigned *reterr_line) {
        _cleanup_(mime_headers_done) MimeHeaders h = {};
        _cleanup_(buf_done) Buf value = {};
        char **current = NULL; /* field the unfolded value goes to, NULL: ignored */
        bool in_header = false;
        unsigned line = 0;
        size_t pos = 0;
        int r;

        for (;;) {
                if (pos >= size) {
                        if (need_empty_line) {
                                *reterr_line = MAX(line, 1U);
                                return -EBADMSG;
                        }
                        break;
                }

                size_t next, e = line_end(text, size, pos, &next);
                line++;
                if (e == pos) { /* the empty line ending the block */
                        pos = next;
                        break;
                }
                if (memchr(text + pos, 0, e - pos)) {
                        *reterr_line = line;
                        return -EBADMSG;
                }

                const char *v;
                size_t vn;
                if (is_blank_char(text[pos])) {
                        if (!in_header) {
                                *reterr_line = line;
                                return -EBADMSG;
                        }
                        v = text + pos;
                        vn = e - pos;
                        trim(&v, &vn);
                        if (current && vn > 0) {
                                r = buf_putc(&value, ' ');
                                if (r >= 0)
                                        r = buf_append(&value, v, vn);
                                if (r < 0)
                                        return r;
                        }
                } else {
                        if (current && !*current) {
                                *current = buf_steal(&value, NULL);
                                if (!*current)
                                        return -ENOMEM;
                        }
                        buf_done(&value);

                        const char *colon = memchr(text + pos, ':', e - pos);
                        if (!colon || colon == text + pos) {
                                *reterr_line = line;
                                return -EBADMSG;
                        }
                        size_t kn = (size_t) (colon - (text + pos));
                        for (size_t i = 0; i < kn; i++)
                                if (!is_token_char(text[pos + i])) {
                                        *reterr_line = line;
                                        return -EBADMSG;
                                }

                        current = NULL;
#define KEY_IS(k) (kn == strlen(k) && strncasecmp(text + pos, k, kn) == 0)
                        if (KEY_IS("Content-Type")) {
                                current = &h.content_type;
                                if (!h.content_type)
                                        h.content_type_line = line;
                        } else if (KEY_IS("Content-Transfer-Encoding"))
                                current = &h.transfer_encoding;
                        else if (KEY_IS("Content-Disposition"))
                                current = &h.disposition;
#undef KEY_IS
                        if (current && *current)
                                current = NULL; /* the first one wins */
                        in_header = true;

                        v = colon + 1;
                        vn = (size_t) (text + e - v);
                        trim(&v, &vn);
                        if (current) {
                                r = buf_append(&value, v, vn);
                                if (r < 0)
                                        return r;
                        }
                }
                pos = next;
        }

        if (current && !*current) {
                *current = buf_steal(&value, NULL);
                if (!*current)
                        return -ENOMEM;
        }

        *ret = h;
        h = (MimeHeaders) {};
        *ret_body = pos;
        return 0;
}

int mime_media_type(const char *value, char **ret) {
        const char *e = strchrnul(value, ';');
        size_t n = (size_t) (e - value);

        trim(&value, &n);
        if (n == 0)
                return -EBADMSG;
        char *s = strndup(value, n);
        if (!s)
                return -ENOMEM;
        for (char *p = s; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        *ret = s;
        return 0;
}

int mime_param(const char *value, const char *name, char **ret) {
        const char *p = strchr(value, ';');
        size_t nl = strlen(name);

        while (p && *p) {
                p++; /* past ';' */
                while (is_blank_char(*p))
                        p++;
                const char *k = p;
                while (*p && *p != '=' && *p != ';')
                        p++;
                if (*p != '=')
                        continue; /* "; flag" without a value */
                const char *ke = p;
                while (ke > k && is_blank_char(ke[-1]))
                        ke--;
                bool match = (size_t) (ke - k) == nl && strncasecmp(k, name, nl) == 0;

                p++; /* past '=' */
                while (is_blank_char(*p))
                        p++;
                _cleanup_(buf_done) Buf b = {};
                int r = 0;
                if (*p == '"') {
                        for (p++; *p && *p != '"'; p++) {
                                if (*p == '\\' && p[1])
                                        p++;
                                if (match && (r = buf_putc(&b, *p)) < 0)
                                        return r;
                        }
                        if (*p != '"')
                                return -EBADMSG;
                        p++;
                        p = strchrnul(p, ';');
                } else {
                        const char *s = p;
                        p = strchrnul(p, ';');
                        size_t n = (size_t) (p - s);
                        trim(&s, &n);
                        if (match && (r = buf_append(&b, s, n)) < 0)
                                return r;
                }
                if (match) {
                        *ret = buf_steal(&b, NULL);
                        return *ret ? 0 : -ENOMEM;
                }
        }
        return -ENOENT;
}

bool mime_type_is_gzip(const char *media_type) {
        /* cloud-init's list (Flatcar copied it), plus gzip/document */
        static const char * const types[] = {
                "application/gzip",
                "application/gzip-compressed",
                "application/gzipped",
                "application/x-compress",
                "application/x-compressed",
                "application/x-gunzip",
                "application/x-gzip",
                "application/x-gzip-compressed",
                "gzip/document",
        };

        if (!media_type)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (strcasecmp(media_type, types[i]) == 0)
                        return true;
        return false;
}

bool mime_is_multipart(const char *text, size_t size) {
        _cleanup_(mime_headers_done) MimeHeaders h = {};
        _cleanup_free_ char *type = NULL;
        size_t body;
        unsigned line;

        /* Cheap reject first: a header block starts with a token and ':' */
        if (size == 0 || !is_token_char(text[0]))
                return false;
        if (mime_parse_headers(text, size, true, &h, &body, &line) < 0 || !h.content_type)
                return false;
        if (mime_media_type(h.content_type, &type) < 0)
                return false;
        return streq(type, "multipart/mixed");
}

typedef enum Delimiter {
        DELIMITER_NONE,
        DELIMITER_OPEN,
        DELIMITER_CLOSE,
} Delimiter;

/* "--boundary" or "--boundary--", followed only by blanks (RFC 2046
 * transport padding). */
static Delimiter delimiter_kind(const char *l, size_t n, const char *boundary, size_t bn) {
        if (n < bn + 2 || l[0] != '-' || l[1] != '-' || memcmp(l + 2, boundary, bn) != 0)
                return DELIMITER_NONE;

        Delimiter k = DELIMITER_OPEN;
        size_t i = bn + 2;
        if (n - i >= 2 && l[i] == '-' && l[i + 1] == '-') {
                k = DELIMITER_CLOSE;
                i += 2;
        }
        for (; i < n; i++)
                if (!is_blank_char(l[i]))
                        return DELIMITER_NONE;
        return k;
}

static int finish_part(const char *text, size_t start, size_t end, unsigned delimiter_line,
                       MimePart *ret, DiagList *diags) {
        MimeHeaders h = {};
        size_t body;
        unsigned errline = 0;

        int r = mime_parse_headers(text + start, end - start, false, &h, &body, &errline);
        if (r == -EBADMSG)
                return diag_add(diags, DIAG_ERROR, delimiter_line + errline, 1,
                                "malformed header line in MIME part (a part is headers, an empty line, then the body)")
                        ?: -EBADMSG;
        if (r < 0)
                return r;

        size_t bs = start + body, be = end;
        /* the line break before a delimiter belongs to the delimiter */
        if (be > bs && text[be - 1] == '\n') {
                be--;
                if (be > bs && text[be - 1] == '\r')
                        be--;
        }

        *ret = (MimePart) {
                .headers = h,
                .body = text + bs,
                .body_size = be - bs,
                .delimiter_line = delimiter_line,
                .body_line_offset = delimiter_line + count_lines(text, start, bs),
        };
        return 0;
}

int mime_split(const char *text, size_t size, const char *boundary, size_t max_parts,
               MimeMultipart *ret, DiagList *diags) {
        _cleanup_(mime_multipart_done) MimeMultipart m = {};
        size_t bn = strlen(boundary), allocated = 0, start = 0, pos = 0;
        unsigned line = 0, open_line = 0;
        bool open = false, closed = false;
        int r;

        while (pos < size) {
                size_t next, e = line_end(text, size, pos, &next);
                line++;

                Delimiter k = delimiter_kind(text + pos, e - pos, boundary, bn);
                if (k != DELIMITER_NONE) {
                        if (open) {
                                if (m.n_parts >= allocated) {
                                        size_t a = MAX(allocated * 2, (size_t) 4);
                                        MimePart *n = reallocarray(m.parts, a, sizeof(MimePart));
                                        if (!n)
                                                return -ENOMEM;
                                        m.parts = n;
                                        allocated = a;
                                }
                                r = finish_part(text, start, pos, open_line, &m.parts[m.n_parts], diags);
                                if (r < 0)
                                        return r;
                                m.n_parts++;
                                open = false;
                        }
                        if (k == DELIMITER_CLOSE) {
                                closed = true;
                                break; /* the rest is epilogue */
                        }
                        if (m.n_parts >= max_parts)
                                return diag_add(diags, DIAG_ERROR, line, 1,
                                                "more than %zu MIME parts", max_parts) ?: -EFBIG;
                        open = true;
                        open_line = line;
                        start = next;
                }
                pos = next;
        }

        if (!closed) {
                if (open)
                        r = diag_add(diags, DIAG_ERROR, open_line, 1,
                                     "closing MIME boundary \"--%s--\" not found: the part opened here is not terminated",
                                     boundary);
                else
                        r = diag_add(diags, DIAG_ERROR, MAX(line, 1U), 0,
                                     "MIME boundary \"--%s\" not found in the multipart body", boundary);
                return r ?: -EBADMSG;
        }

        *ret = m;
        m = (MimeMultipart) {};
        return 0;
}

int mime_parse_document(const char *text, size_t size, size_t max_parts,
                        MimeMultipart *ret, DiagList *diags) {
        _cleanup_(mime_headers_done) MimeHeaders h = {};
        _cleanup_free_ char *type = NULL, *boundary = NULL;
        size_t body;
        unsigned errline = 0;
        int r;

        r = mime_parse_headers(text, size, true, &h, &body, &errline);
        if (r == -EBADMSG)
                return diag_add(diags, DIAG_ERROR, errline, 1,
                                "malformed MIME header block (headers, then an empty line)") ?: -EBADMSG;
        if (r < 0)
                return r;
        if (!h.content_type)
                return diag_add(diags, DIAG_ERROR, 1, 0, "MIME document has no Content-Type header") ?: -EBADMSG;

        r = mime_media_type(h.content_type, &type);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !streq(type, "multipart/mixed"))
                return diag_add(diags, DIAG_ERROR, h.content_type_line, 1,
                                "Content-Type \"%s\" is not multipart/mixed", h.content_type) ?: -EBADMSG;

        r = mime_param(h.content_type, "boundary", &boundary);
        if (r == -ENOMEM)
                return r;
        if (r == -EBADMSG)
                return diag_add(diags, DIAG_ERROR, h.content_type_line, 1,
                                "unterminated quoted string in Content-Type") ?: -EBADMSG;
        if (r < 0 || isempty(boundary))
                return diag_add(diags, DIAG_ERROR, h.content_type_line, 1,
                                "Content-Type multipart/mixed has no boundary parameter") ?: -EBADMSG;
        if (strlen(boundary) > MIME_MAX_BOUNDARY)
                return diag_add(diags, DIAG_ERROR, h.content_type_line, 1,
                                "MIME boundary is longer than %u characters", MIME_MAX_BOUNDARY) ?: -EBADMSG;

        unsigned header_lines = count_lines(text, 0, body);
        _cleanup_(diag_list_done) DiagList local = {};
        MimeMultipart m = {};
        r = mime_split(text + body, size - body, boundary, max_parts, &m, &local);
        int k = diag_list_merge(diags, &local, header_lines);
        if (r < 0)
                return r;
        if (k < 0) {
                mime_multipart_done(&m);
                return k;
        }

        for (size_t i = 0; i < m.n_parts; i++) {
                m.parts[i].delimiter_line += header_lines;
                m.parts[i].body_line_offset += header_lines;
        }
        *ret = m;
        return 0;
}

MimeEncoding mime_encoding_from_header(const char *value) {
        if (!value || !value[0])
                return MIME_ENCODING_IDENTITY;
        if (strcasecmp(value, "7bit") == 0 || strcasecmp(value, "8bit") == 0 ||
            strcasecmp(value, "binary") == 0)
                return MIME_ENCODING_IDENTITY;
        if (strcasecmp(value, "base64") == 0)
                return MIME_ENCODING_BASE64;
        if (strcasecmp(value, "quoted-printable") == 0)
                return MIME_ENCODING_QUOTED_PRINTABLE;
        return _MIME_ENCODING_INVALID;
}

static bool is_base64_char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '/' || c == '=';
}

static int decode_base64(const char *body, size_t size, char **ret, size_t *ret_size, unsigned *reterr_line) {
        _cleanup_free_ char *clean = malloc(size + 1);
        size_t n = 0;
        unsigned line = 1, bad_line = 0, last_line = 1;

        if (!clean)
                return -ENOMEM;
        /* base64_decode() skips CR and LF; blanks at line ends are common in
         * hand-written MIME, and RFC 2045 says decoders ignore them */
        for (size_t i = 0; i < size; i++) {
                char c = body[i];
                if (c == '\n') {
                        line++;
                        continue;
                }
                if (c == '\r' || is_blank_char(c))
                        continue;
                if (!is_base64_char(c) && bad_line == 0)
                        bad_line = line;
                last_line = line;
                clean[n++] = c;
        }

        if (bad_line == 0) {
                int r = base64_decode(clean, n, ret, ret_size);
                if (r != -EBADMSG)
                        return r;
        }
        *reterr_line = bad_line ?: last_line;
        return -EBADMSG;
}

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int decode_quoted_printable(const char *body, size_t size, char **ret, size_t *ret_size) {
        _cleanup_(buf_done) Buf b = {};
        int r = buf_reserve(&b, size);
        if (r < 0)
                return r;

        for (size_t i = 0; i < size; i++) {
                if (body[i] == '=') {
                        /* soft line break: "=", optional blanks, line end */
                        size_t j = i + 1;
                        while (j < size && is_blank_char(body[j]))
                                j++;
                        if (j < size && body[j] == '\r' && j + 1 < size && body[j + 1] == '\n')
                                j++;
                        if (j >= size || body[j] == '\n') {
                                i = j;
                                continue;
                        }
                        if (i + 2 < size && hexval(body[i + 1]) >= 0 && hexval(body[i + 2]) >= 0) {
                                r = buf_putc(&b, (char) (hexval(body[i + 1]) * 16 + hexval(body[i + 2])));
                                if (r < 0)
                                        return r;
                                i += 2;
                                continue;
                        }
                }
                r = buf_putc(&b, body[i]);
                if (r < 0)
                        return r;
        }

        *ret = buf_steal(&b, ret_size);
        return *ret ? 0 : -ENOMEM;
}

int mime_decode_body(MimeEncoding e, const char *body, size_t size,
                     char **ret, size_t *ret_size, unsigned *reterr_line) {
        switch (e) {
        case MIME_ENCODING_IDENTITY: {
                char *s = malloc(size + 1);
                if (!s)
                        return -ENOMEM;
                if (size > 0)
                        memcpy(s, body, size);
                s[size] = 0;
                *ret = s;
                *ret_size = size;
                return 0;
        }
        case MIME_ENCODING_BASE64:
                return decode_base64(body, size, ret, ret_size, reterr_line);
        case MIME_ENCODING_QUOTED_PRINTABLE:
                return decode_quoted_printable(body, size, ret, ret_size);
        default:
                return -EINVAL;
        }
}
