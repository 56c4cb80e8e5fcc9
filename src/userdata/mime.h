/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"
#include "basic/diag.h"

/* MIME (RFC 2045/2046) pieces that user-data needs: header blocks,
 * Content-Type parameters, multipart/mixed bodies and transfer encodings.
 * Line numbers in diagnostics are 1-based and local to the text passed in;
 * the caller maps them to the original document. */

#define MIME_MAX_BOUNDARY 200U

typedef struct MimeHeaders {
        char *content_type;        /* unfolded, trimmed value; NULL if absent */
        char *transfer_encoding;
        char *disposition;
        unsigned content_type_line; /* 1-based local line of Content-Type */
} MimeHeaders;

void mime_headers_done(MimeHeaders *h);

/* Reads the header block at the start of text. It ends at an empty line
 * (consumed) or, unless need_empty_line, at the end of text. Continuation
 * lines (leading SP/HT) are unfolded with one space; the first occurrence of
 * a header wins. *ret_body is the offset just past the block. -EBADMSG for a
 * line that is neither "name: value" nor a continuation, with
 * *reterr_line set (diags untouched: classification probes with this). */
int mime_parse_headers(const char *text, size_t size, bool need_empty_line,
                       MimeHeaders *ret, size_t *ret_body, unsigned *reterr_line);

/* "Type/Sub; a=b" → "type/sub" (lowercased). */
int mime_media_type(const char *value, char **ret);
/* The value of parameter name (case-insensitive), token or quoted-string.
 * -ENOENT when absent, -EBADMSG for an unterminated quoted string. */
int mime_param(const char *value, const char *name, char **ret);

/* media_type lowercased, without parameters. */
bool mime_type_is_gzip(const char *media_type) _pure_;

/* True when text starts with a header block ended by an empty line whose
 * Content-Type is multipart/mixed (boundary not checked). */
bool mime_is_multipart(const char *text, size_t size);

typedef struct MimePart {
        MimeHeaders headers;
        const char *body;          /* points into the text that was split */
        size_t body_size;
        unsigned delimiter_line;   /* 1-based local line of "--boundary" */
        unsigned body_line_offset; /* local lines before the first body line */
} MimePart;

typedef struct MimeMultipart {
        MimePart *parts;
        size_t n_parts;
} MimeMultipart;

void mime_multipart_done(MimeMultipart *m);

/* Splits a multipart body (the text after the headers) at "--boundary"
 * lines: preamble and epilogue are dropped, CRLF or LF accepted, the line
 * break before a delimiter belongs to the delimiter. A missing closing
 * delimiter is -EBADMSG, more than max_parts parts -EFBIG; both with a
 * diagnostic. */
int mime_split(const char *text, size_t size, const char *boundary, size_t max_parts,
               MimeMultipart *ret, DiagList *diags);

/* A whole multipart/mixed document: headers (boundary required), then
 * mime_split() of the rest; lines stay relative to text. */
int mime_parse_document(const char *text, size_t size, size_t max_parts,
                        MimeMultipart *ret, DiagList *diags);

typedef enum MimeEncoding {
        MIME_ENCODING_IDENTITY,         /* absent, 7bit, 8bit, binary */
        MIME_ENCODING_BASE64,
        MIME_ENCODING_QUOTED_PRINTABLE,
        _MIME_ENCODING_MAX,
        _MIME_ENCODING_INVALID = -EINVAL,
} MimeEncoding;

/* Content-Transfer-Encoding value (NULL = absent) → encoding. */
MimeEncoding mime_encoding_from_header(const char *value) _pure_;

/* Decodes a body. Base64 ignores line breaks and blanks; on bad base64,
 * -EBADMSG with *reterr_line = the 1-based local line of the first bad
 * character (or the last line when the length is wrong). Quoted-printable
 * keeps malformed "=" sequences literally, as RFC 2045 suggests. */
int mime_decode_body(MimeEncoding e, const char *body, size_t size,
                     char **ret, size_t *ret_size, unsigned *reterr_line);
