/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/compress.h"
#include "userdata/gzip.h"
#include "userdata/mime.h"
#include "userdata/userdata.h"

/* Where a piece of text sits in the original user-data, so that
 * diagnostics and parts can name original lines. */
typedef struct Origin {
        bool verbatim;          /* the text is a byte range of the original */
        unsigned line_offset;   /* verbatim: original lines before the text */
        unsigned anchor;        /* not verbatim: original line to blame, 0 none */
        unsigned part_line;     /* delimiter line of the enclosing MIME part */
} Origin;

/* What the enclosing MIME part said about the text. */
typedef struct PartInfo {
        const char *content_type;
        const char *filename;
        bool header_added;
} PartInfo;

typedef struct Decoder {
        UserDataPart *parts;
        size_t n_parts, allocated;
        DiagList *diags;
        /* one budget for all gzip streams together: 256 parts of 64 MiB each
         * would still exhaust a node */
        size_t budget;
} Decoder;

static void user_data_part_done(UserDataPart *p) {
        free(p->content);
        free(p->content_type);
        free(p->filename);
}

void userdata_done(UserData *u) {
        for (size_t i = 0; i < u->n_parts; i++)
                user_data_part_done(&u->parts[i]);
        free(u->parts);
        *u = (UserData) {};
}

static void decoder_done(Decoder *d) {
        UserData u = { .parts = d->parts, .n_parts = d->n_parts };
        userdata_done(&u);
        d->parts = NULL;
        d->n_parts = d->allocated = 0;
}

static unsigned origin_line(const Origin *o, unsigned local) {
        if (!o->verbatim)
                return o->anchor;
        return local > 0 ? o->line_offset + local : 0;
}

/* Moves diagnostics with local lines into the caller's list, in original
 * lines. */
static int merge_diags(Decoder *d, const DiagList *local, const Origin *o) {
        for (size_t i = 0; i < local->n; i++) {
                const Diag *x = local->items + i;
                bool mapped = o->verbatim && x->line > 0;
                int r = diag_add(d->diags, x->kind, origin_line(o, x->line), mapped ? x->column : 0,
                                 "%s", x->message);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_part(Decoder *d, UserDataKind kind, const char *text, size_t size, char **owned,
                    const Origin *o, const PartInfo *info) {
        if (d->n_parts >= USERDATA_MAX_PARTS)
                return diag_add(d->diags, DIAG_ERROR, o->part_line, 0,
                                "more than %u parts in user-data", USERDATA_MAX_PARTS) ?: -EFBIG;

        if (d->n_parts >= d->allocated) {
                size_t a = MAX(d->allocated * 2, (size_t) 4);
                UserDataPart *n = reallocarray(d->parts, a, sizeof(UserDataPart));
                if (!n)
                        return -ENOMEM;
                d->parts = n;
                d->allocated = a;
        }

        _cleanup_free_ char *content = NULL, *type = NULL, *filename = NULL;
        if (owned && *owned == text)
                content = TAKE_PTR(*owned);
        else {
                content = malloc(size + 1);
                if (!content)
                        return -ENOMEM;
                if (size > 0)
                        memcpy(content, text, size);
                content[size] = 0;
        }
        if (info->content_type && !(type = strdup(info->content_type)))
                return -ENOMEM;
        if (info->filename && !(filename = strdup(info->filename)))
                return -ENOMEM;

        d->parts[d->n_parts++] = (UserDataPart) {
                .kind = kind,
                .content = TAKE_PTR(content),
                .size = size,
                .content_type = TAKE_PTR(type),
                .filename = TAKE_PTR(filename),
                .line_offset = o->verbatim ? o->line_offset : 0,
                .verbatim = o->verbatim,
                .header_added = info->header_added,
                .part_line = o->part_line,
        };
        return 0;
}

static int decode_document(Decoder *d, const char *text, size_t size, char **owned,
                           const Origin *o, const PartInfo *info, unsigned depth, unsigned gzip_run);

static int too_deep(Decoder *d, const Origin *o) {
        return diag_add(d->diags, DIAG_ERROR, origin_line(o, 1), 0,
                        "user-data is nested more than %u levels deep (gzip and multipart)",
                        USERDATA_MAX_NESTING) ?: -EBADMSG;
}

static int decode_gzip(Decoder *d, const char *text, size_t size, const Origin *o, const PartInfo *info,
                       unsigned depth, unsigned gzip_run) {
        /* a whole gzipped file has no useful line; a gzip part has its body's */
        unsigned line = o->part_line > 0 ? origin_line(o, 1) : 0;
        _cleanup_free_ char *out = NULL;
        size_t n;
        int r;

        if (gzip_run >= USERDATA_MAX_GZIP_RUN)
                return diag_add(d->diags, DIAG_ERROR, line, 0,
                                "gzip data is compressed more than %u times", USERDATA_MAX_GZIP_RUN) ?: -EBADMSG;
        if (depth >= USERDATA_MAX_NESTING)
                return too_deep(d, o);

        r = userdata_gunzip(text, size, d->budget, line, &out, &n, d->diags);
        if (r < 0)
                return r;
        d->budget -= MIN(n, d->budget);

        Origin inner = { .anchor = line, .part_line = o->part_line };
        return decode_document(d, out, n, &out, &inner, info, depth + 1, gzip_run + 1);
}

static int decode_part(Decoder *d, const MimePart *p, const Origin *o, unsigned depth);

static int decode_parts(Decoder *d, const MimeMultipart *m, const Origin *o, unsigned depth) {
        if (m->n_parts == 0)
                return diag_add(d->diags, DIAG_WARNING, origin_line(o, 1), 0, "multipart user-data has no parts");

        for (size_t i = 0; i < m->n_parts; i++) {
                int r = decode_part(d, m->parts + i, o, depth);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int decode_multipart_body(Decoder *d, const char *body, size_t size, const MimePart *p,
                                 const Origin *parent, const Origin *po, unsigned depth) {
        _cleanup_free_ char *boundary = NULL;
        /* the Content-Type line is in the parent text, after the delimiter */
        unsigned ct_line = origin_line(parent, p->delimiter_line + p->headers.content_type_line);
        int r;

        r = mime_param(p->headers.content_type, "boundary", &boundary);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || isempty(boundary))
                return diag_add(d->diags, DIAG_ERROR, ct_line, 0,
                                "multipart/mixed part has no boundary parameter") ?: -EBADMSG;
        if (strlen(boundary) > MIME_MAX_BOUNDARY)
                return diag_add(d->diags, DIAG_ERROR, ct_line, 0,
                                "MIME boundary is longer than %u characters", MIME_MAX_BOUNDARY) ?: -EBADMSG;
        if (depth >= USERDATA_MAX_NESTING)
                return too_deep(d, po);

        _cleanup_(mime_multipart_done) MimeMultipart m = {};
        _cleanup_(diag_list_done) DiagList local = {};
        r = mime_split(body, size, boundary, USERDATA_MAX_PARTS, &m, &local);
        int k = merge_diags(d, &local, po);
        if (r < 0)
                return r;
        if (k < 0)
                return k;

        return decode_parts(d, &m, po, depth + 1);
}

static int decode_part(Decoder *d, const MimePart *p, const Origin *o, unsigned depth) {
        const MimeHeaders *h = &p->headers;
        unsigned delimiter = origin_line(o, p->delimiter_line);
        _cleanup_free_ char *type = NULL, *filename = NULL, *decoded = NULL;
        const char *body = p->body;
        size_t size = p->body_size;
        int r;

        Origin po = *o;
        if (o->verbatim) {
                po.line_offset = o->line_offset + p->body_line_offset;
                po.part_line = delimiter;
        }

        if (h->content_type) {
                r = mime_media_type(h->content_type, &type);
                if (r == -ENOMEM)
                        return r;
        }
        if (h->disposition) {
                r = mime_param(h->disposition, "filename", &filename);
                if (r == -ENOMEM)
                        return r;
        }

        MimeEncoding e = mime_encoding_from_header(h->transfer_encoding);
        if (e < 0)
                return diag_add(d->diags, DIAG_ERROR, delimiter, 0,
                                "unsupported Content-Transfer-Encoding \"%s\" in MIME part",
                                h->transfer_encoding) ?: -EBADMSG;
        if (e != MIME_ENCODING_IDENTITY) {
                unsigned errline = 0;
                r = mime_decode_body(e, body, size, &decoded, &size, &errline);
                if (r == -EBADMSG)
                        return diag_add(d->diags, DIAG_ERROR, origin_line(&po, errline), 0,
                                        "invalid base64 in MIME part body") ?: -EBADMSG;
                if (r < 0)
                        return r;
                body = decoded;
                po = (Origin) { .anchor = origin_line(&po, 1), .part_line = po.part_line };
        }

        PartInfo info = { .content_type = h->content_type, .filename = filename };

        if (streq_ptr(type, "multipart/mixed"))
                return decode_multipart_body(d, body, size, p, o, &po, depth);

        if (mime_type_is_gzip(type)) {
                if (!is_gzip(body, size))
                        return diag_add(d->diags, DIAG_ERROR, origin_line(&po, 1), 0,
                                        "MIME part of type %s is not gzip data", type) ?: -EBADMSG;
                return decode_gzip(d, body, size, &po, &info, depth, 0);
        }

        if (streq_ptr(type, "text/cloud-config") && !is_gzip(body, size) &&
            !userdata_has_cloud_config_header(body, size)) {
                /* Flatcar accepts a text/cloud-config part without the header */
                static const char header[] = "#cloud-config\n";
                char *s = malloc(strlen(header) + size + 1);
                if (!s)
                        return -ENOMEM;
                memcpy(s, header, strlen(header));
                if (size > 0)
                        memcpy(s + strlen(header), body, size);
                size += strlen(header);
                s[size] = 0;
                free(decoded);
                body = decoded = s;
                info.header_added = true;
                if (po.verbatim)
                        po.line_offset--; /* ≥ 1: the delimiter line came first */
        }

        return decode_document(d, body, size, &decoded, &po, &info, depth, 0);
}

static int decode_document(Decoder *d, const char *text, size_t size, char **owned,
                           const Origin *o, const PartInfo *info, unsigned depth, unsigned gzip_run) {
        UserDataKind k = userdata_classify(text, size);

        if (k == USER_DATA_GZIP)
                return decode_gzip(d, text, size, o, info, depth, gzip_run);

        if (k == USER_DATA_MULTIPART) {
                if (depth >= USERDATA_MAX_NESTING)
                        return too_deep(d, o);

                _cleanup_(mime_multipart_done) MimeMultipart m = {};
                _cleanup_(diag_list_done) DiagList local = {};
                int r = mime_parse_document(text, size, USERDATA_MAX_PARTS, &m, &local);
                int q = merge_diags(d, &local, o);
                if (r < 0)
                        return r;
                if (q < 0)
                        return q;
                return decode_parts(d, &m, o, depth + 1);
        }

        return add_part(d, k, text, size, owned, o, info);
}

int userdata_decode(const char *data, size_t size, UserData *ret, DiagList *diags) {
        _cleanup_(diag_list_done) DiagList dummy = {};
        _cleanup_(decoder_done) Decoder d = {
                .diags = diags ?: &dummy,
                .budget = USERDATA_MAX_DECOMPRESSED,
        };
        int r;

        if (size > USERDATA_MAX_SIZE)
                return diag_add(d.diags, DIAG_ERROR, 0, 0,
                                "user-data is %zu bytes, more than the limit of %u bytes",
                                size, USERDATA_MAX_SIZE) ?: -EFBIG;

        Origin o = { .verbatim = true };
        r = decode_document(&d, data ?: "", size, NULL, &o, &(PartInfo) {}, 0, 0);
        if (r < 0)
                return r;

        *ret = (UserData) { .parts = TAKE_PTR(d.parts), .n_parts = d.n_parts };
        d.n_parts = 0;
        return 0;
}
