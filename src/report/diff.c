/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/buf.h"
#include "basic/utf8.h"
#include "report/plan.h"

/* A line diff for dry-run output: common prefix and suffix are cut, the
 * middle gets a longest-common-subsequence table (bounded: configuration
 * files are small; past the bound the middle is shown as replaced). */

#define DIFF_MAX_CELLS (4U * 1024U * 1024U)
#define CONTEXT 3

typedef struct Line {
        const char *s;
        size_t n;      /* without the newline */
        bool nl;       /* ends with a newline */
} Line;

static int split_lines(const char *t, size_t size, Line **ret, size_t *ret_n) {
        size_t n = 0, cap = 16;
        Line *l = new(Line, cap);
        if (!l)
                return -ENOMEM;
        for (size_t off = 0; off < size;) {
                const char *nl = memchr(t + off, '\n', size - off);
                size_t len = nl ? (size_t) (nl - (t + off)) : size - off;
                if (n == cap) {
                        Line *m = realloc(l, sizeof(Line) * (cap *= 2));
                        if (!m) {
                                free(l);
                                return -ENOMEM;
                        }
                        l = m;
                }
                l[n++] = (Line) { .s = t + off, .n = len, .nl = nl != NULL };
                off += len + (nl ? 1 : 0);
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

static bool line_eq(const Line *a, const Line *b) {
        return a->n == b->n && a->nl == b->nl && memcmp(a->s, b->s, a->n) == 0;
}

typedef struct Op {
        char kind;      /* ' ', '-', '+' */
        size_t ai, bi;  /* line indices (the one that applies) */
} Op;

static bool is_binary(const char *s, size_t n) {
        return memchr(s, 0, n) || utf8_invalid_offset(s, n) != n;
}

static int put_line(Buf *b, char c, const Line *l) {
        int r = buf_putc(b, c);
        if (r >= 0)
                r = buf_append(b, l->s, l->n);
        if (r >= 0)
                r = buf_putc(b, '\n');
        if (r >= 0 && !l->nl)
                r = buf_puts(b, "\\ No newline at end of file\n");
        return r;
}

int unified_diff(const char *path, const char *a, size_t an, const char *b, size_t bn, char **ret) {
        _cleanup_free_ Line *la = NULL, *lb = NULL;
        _cleanup_free_ Op *ops = NULL;
        _cleanup_free_ uint32_t *t = NULL;
        _cleanup_(buf_done) Buf out = {};
        size_t na, nb, nops = 0;
        int r;

        a = a ?: "";
        b = b ?: "";
        if (an == bn && memcmp(a, b, an) == 0) {
                *ret = strdup("");
                return *ret ? 0 : -ENOMEM;
        }
        if (is_binary(a, an) || is_binary(b, bn)) {
                r = asprintf(ret, "Binary content of %s differs (%zu → %zu bytes)\n", path, an, bn);
                return r < 0 ? -ENOMEM : 0;
        }

        if (split_lines(a, an, &la, &na) < 0 || split_lines(b, bn, &lb, &nb) < 0)
                return -ENOMEM;

        size_t pre = 0, suf = 0;
        while (pre < na && pre < nb && line_eq(la + pre, lb + pre))
                pre++;
        while (suf < na - pre && suf < nb - pre && line_eq(la + na - 1 - suf, lb + nb - 1 - suf))
                suf++;
        size_t ma = na - pre - suf, mb = nb - pre - suf;

        ops = new(Op, na + nb + 1);
        if (!ops)
                return -ENOMEM;
        for (size_t i = 0; i < pre; i++)
                ops[nops++] = (Op) { ' ', i, i };

        if ((ma + 1) * (mb + 1) <= DIFF_MAX_CELLS) {
                /* t[i][j] = LCS length of a[pre+i..] and b[pre+j..] */
                size_t w = mb + 1;
                t = new0(uint32_t, (ma + 1) * w);
                if (!t)
                        return -ENOMEM;
                for (size_t i = ma; i-- > 0;)
                        for (size_t j = mb; j-- > 0;)
                                t[i * w + j] = line_eq(la + pre + i, lb + pre + j) ? t[(i + 1) * w + j + 1] + 1
                                                                                   : MAX(t[(i + 1) * w + j], t[i * w + j + 1]);
                size_t i = 0, j = 0;
                while (i < ma || j < mb) {
                        if (i < ma && j < mb && line_eq(la + pre + i, lb + pre + j)) {
                                ops[nops++] = (Op) { ' ', pre + i, pre + j };
                                i++, j++;
                        } else if (i < ma && (j == mb || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
                                /* deletions first, as diff -u */
                                ops[nops++] = (Op) { '-', pre + i, pre + j };
                                i++;
                        } else {
                                ops[nops++] = (Op) { '+', pre + i, pre + j };
                                j++;
                        }
                }
        } else {
                for (size_t i = 0; i < ma; i++)
                        ops[nops++] = (Op) { '-', pre + i, pre };
                for (size_t j = 0; j < mb; j++)
                        ops[nops++] = (Op) { '+', pre + ma, pre + j };
        }
        for (size_t k = 0; k < suf; k++)
                ops[nops++] = (Op) { ' ', na - suf + k, nb - suf + k };

        r = buf_printf(&out, "--- %s\n+++ %s\n", path, path);
        if (r < 0)
                return r;

        /* hunks: runs of changes with up to CONTEXT lines around them,
         * merged when their contexts touch */
        for (size_t k = 0; k < nops;) {
                if (ops[k].kind == ' ') {
                        k++;
                        continue;
                }
                size_t start = k >= CONTEXT ? k - CONTEXT : 0, end = k;
                for (;;) {
                        while (end < nops && ops[end].kind != ' ')
                                end++;
                        size_t same = 0;
                        while (end + same < nops && ops[end + same].kind == ' ')
                                same++;
                        if (end + same < nops && same <= 2 * CONTEXT) {
                                end += same;
                                continue;
                        }
                        end += MIN(same, (size_t) CONTEXT);
                        break;
                }

                size_t a0 = 0, b0 = 0, ac = 0, bc = 0;
                bool afirst = true, bfirst = true;
                for (size_t q = start; q < end; q++) {
                        if (ops[q].kind != '+') {
                                if (afirst)
                                        a0 = ops[q].ai;
                                afirst = false;
                                ac++;
                        }
                        if (ops[q].kind != '-') {
                                if (bfirst)
                                        b0 = ops[q].bi;
                                bfirst = false;
                                bc++;
                        }
                }
                /* diff -u: an empty range names the line before it */
                if (ac == 0)
                        a0 = ops[start].ai;
                if (bc == 0)
                        b0 = ops[start].bi;
                size_t as = ac ? a0 + 1 : a0, bs = bc ? b0 + 1 : b0;

                r = buf_puts(&out, "@@ -");
                if (r >= 0)
                        r = ac == 1 ? buf_printf(&out, "%zu", as) : buf_printf(&out, "%zu,%zu", as, ac);
                if (r >= 0)
                        r = buf_puts(&out, " +");
                if (r >= 0)
                        r = bc == 1 ? buf_printf(&out, "%zu", bs) : buf_printf(&out, "%zu,%zu", bs, bc);
                if (r >= 0)
                        r = buf_puts(&out, " @@\n");
                for (size_t q = start; r >= 0 && q < end; q++)
                        r = put_line(&out, ops[q].kind, ops[q].kind == '+' ? lb + ops[q].bi : la + ops[q].ai);
                if (r < 0)
                        return r;
                k = end;
        }

        *ret = buf_steal(&out, NULL);
        return *ret ? 0 : -ENOMEM;
}
