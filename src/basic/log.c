/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "escape.h"
#include "log-journal.h"
#include "log.h"

static int log_max_level = LOG_INFO;

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

int log_internal(int level, int error, const char *func, const char *fmt, ...) {
        int e = error < 0 ? -error : error;

        if (level <= log_max_level) {
                char msg[2048];
                va_list ap;

                /* %m in fmt refers to the error passed in, as in systemd */
                errno = e;
                va_start(ap, fmt);
                vsnprintf(msg, sizeof msg, fmt, ap);
                va_end(ap);
                /* messages carry values from user-data and metadata: one
                 * line per event, whatever bytes they hold, on stderr and in
                 * the journal alike (journalctl -a prints a message raw) */
                bool clean = escape_is_clean(msg, strlen(msg));
                _cleanup_free_ char *safe = clean ? NULL : escape_text(msg);
                const char *text = clean ? msg : safe ?: "(message not shown: out of memory)";

                /* stderr is the journal: a structured entry instead */
                if (log_journal_send(level, text, NULL, 0) >= 0)
                        return e > 0 ? -e : -EIO;
                fprintf(stderr, "nodeinit: %s\n", text);
        }
        return e > 0 ? -e : -EIO;
}
