/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "basic/buf.h"

/* Values from user-data and metadata reach terminals, logs and JSON
 * consumers. Nothing in them may change a terminal's state (ESC, BEL, C1
 * controls), start a line of its own (LF, CR, VT, FF, U+2028/U+2029) or
 * reorder what is shown (bidirectional overrides). So, in text:
 *   \a \b \n \v \f \r      C-style
 *   other C0 bytes, DEL    \xNN
 *   C1 controls, bidi and line/paragraph separators   \uXXXX
 *   bytes that are not UTF-8                          \xNN
 * Tab and backslash stay as they are: neither can forge a line or move the
 * cursor, and paths and regular expressions stay readable. */

/* Appends s[0..n) to b, escaped as above. */
int escape_append(Buf *b, const char *s, size_t n);
/* The escaped copy of s (NULL s gives "(null)"); NULL on out of memory. */
char *escape_text(const char *s);
/* True when s needs no escaping. */
bool escape_is_clean(const char *s, size_t n) _pure_;

/* Writes s escaped; '\n' is kept when keep_newlines (multi-line text of
 * which every line is shown, like a diff). 0 or -EIO/-ENOMEM. */
int escape_fputs(const char *s, FILE *f, bool keep_newlines);
/* printf into f, escaping the whole formatted text except one trailing
 * newline: each call prints at most one line, whatever the arguments hold.
 * 0, -ENOMEM or -EIO. */
int escape_fprintf(FILE *f, const char *fmt, ...) _printf_(2, 3);

/* Appends s as a JSON string literal with its quotes: '"' and '\' escaped,
 * C0, DEL, C1 and the characters above as \u00XX / \uXXXX; a byte that is
 * not UTF-8 becomes the six characters "\\xNN" (the text \xNN), so the
 * document stays valid UTF-8. */
int escape_json_append(Buf *b, const char *s, size_t n);
