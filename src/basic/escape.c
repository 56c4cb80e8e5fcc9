/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdint.h>

#include "basic/escape.h"

/* Length of the valid UTF-8 sequence at s (1..4) and its code point, or 0
 * when the bytes there are not UTF-8 (overlong, surrogate, past U+10FFFF,
 * truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *ret) {
        uint32_t c;
        size_t len;

        if (s[0] < 0x80) {
                *ret = s[0];
                return 1;
        }
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2, c = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                len = 3, c = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4, c = s[0] & 0x07;
        else
                return 0;
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff))
                return 0;
        *ret = c;
        return len;
}

/* Characters that are valid UTF-8 but change what a reader sees. */
static bool is_unsafe_code_point(uint32_t c) {
        return c < 0x20 || c == 0x7f ||
                (c >= 0x80 && c <= 0x9f) ||                 /* C1: CSI, OSC, NEL ... */
                c == 0x061c || c == 0x200e || c == 0x200f ||  /* bidi marks */
                (c >= 0x202a && c <= 0x202e) ||              /* bidi embeddings, overrides */
                (c >= 0x2066 && c <= 0x2069) ||              /* bidi isolates */
                c == 0x2028 || c == 0x2029;                  /* line, paragraph separator */
}

typedef enum EscapeStyle {
        STYLE_TEXT,
        STYLE_TEXT_KEEP_NEWLINES,
        STYLE_JSON,
} EscapeStyle;

static int escape_one(Buf *b, uint32_t c, EscapeStyle style) {
        if (style == STYLE_JSON) {
                switch (c) {
                case '"':  return buf_puts(b, "\\\"");
                case '\\': return buf_puts(b, "\\\\");
                case '\b': return buf_puts(b, "\\b");
                case '\f': return buf_puts(b, "\\f");
                case '\n': return buf_puts(b, "\\n");
                case '\r': return buf_puts(b, "\\r");
                case '\t': return buf_puts(b, "\\t");
                default:   return buf_printf(b, "\\u%04x", (unsigned) c);
                }
        }
        switch (c) {
        case '\a': return buf_puts(b, "\\a");
        case '\b': return buf_puts(b, "\\b");
        case '\n': return buf_puts(b, "\\n");
        case '\v': return buf_puts(b, "\\v");
        case '\f': return buf_puts(b, "\\f");
        case '\r': return buf_puts(b, "\\r");
        default:
                return c < 0x80 ? buf_printf(b, "\\x%02x", (unsigned) c) : buf_printf(b, "\\u%04x", (unsigned) c);
        }
}

static bool needs_escape(uint32_t c, EscapeStyle style) {
        if (style == STYLE_JSON)
                return c == '"' || c == '\\' || is_unsafe_code_point(c);
        if (c == '\n' && style == STYLE_TEXT_KEEP_NEWLINES)
                return false;
        return c != '\t' && is_unsafe_code_point(c);
}

static int escape_with(Buf *b, const char *s, size_t n, EscapeStyle style) {
        const unsigned char *u = (const unsigned char *) s;
        size_t i = 0, clean = 0;   /* u[clean..i) is copied as it is */
        int r;

        while (i < n) {
                uint32_t c;
                size_t len = utf8_decode(u + i, n - i, &c);

                if (len > 0 && !needs_escape(c, style)) {
                        i += len;
                        continue;
                }
                r = buf_append(b, u + clean, i - clean);
                if (r < 0)
                        return r;
                if (len == 0) {
                        r = buf_printf(b, style == STYLE_JSON ? "\\\\x%02x" : "\\x%02x", (unsigned) u[i]);
                        len = 1;
                } else
                        r = escape_one(b, c, style);
                if (r < 0)
                        return r;
                i += len;
                clean = i;
        }
        return buf_append(b, u + clean, n - clean);
}

int escape_append(Buf *b, const char *s, size_t n) {
        return escape_with(b, s, n, STYLE_TEXT);
}

bool escape_is_clean(const char *s, size_t n) {
        const unsigned char *u = (const unsigned char *) s;

        for (size_t i = 0; i < n;) {
                uint32_t c;
                size_t len = utf8_decode(u + i, n - i, &c);
                if (len == 0 || needs_escape(c, STYLE_TEXT))
                        return false;
                i += len;
        }
        return true;
}

char *escape_text(const char *s) {
        _cleanup_(buf_done) Buf b = {};

        s = s ?: "(null)";
        if (buf_reserve(&b, strlen(s) + 1) < 0 || escape_append(&b, s, strlen(s)) < 0)
                return NULL;
        return buf_steal(&b, NULL);
}

int escape_fputs(const char *s, FILE *f, bool keep_newlines) {
        size_t n = strlen(s);

        if (escape_is_clean(s, n))
                return fwrite(s, 1, n, f) == n ? 0 : -EIO;

        _cleanup_(buf_done) Buf b = {};
        int r = escape_with(&b, s, n, keep_newlines ? STYLE_TEXT_KEEP_NEWLINES : STYLE_TEXT);
        if (r < 0)
                return r;
        return fwrite(b.data, 1, b.len, f) == b.len ? 0 : -EIO;
}

int escape_fprintf(FILE *f, const char *fmt, ...) {
        _cleanup_(buf_done) Buf line = {}, out = {};
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = buf_vprintf(&line, fmt, ap);
        va_end(ap);
        if (r < 0)
                return r;

        bool nl = line.len > 0 && line.data[line.len - 1] == '\n';
        size_t n = line.len - nl;
        if (escape_is_clean(line.data, n))
                return fwrite(line.data, 1, line.len, f) == line.len ? 0 : -EIO;

        r = escape_append(&out, line.data, n);
        if (r >= 0 && nl)
                r = buf_putc(&out, '\n');
        if (r < 0)
                return r;
        return fwrite(out.data, 1, out.len, f) == out.len ? 0 : -EIO;
}

int escape_json_append(Buf *b, const char *s, size_t n) {
        int r = buf_putc(b, '"');
        if (r < 0)
                return r;
        r = escape_with(b, s, n, STYLE_JSON);
        if (r < 0)
                return r;
        return buf_putc(b, '"');
}
