/* SPDX-License-Identifier: Apache-2.0 */
#include <endian.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "escape.h"
#include "escape.h"
#include "log-journal.h"
#include "log.h"

/* The native protocol (systemd's JOURNAL_NATIVE_PROTOCOL.md): one datagram
 * per entry on /run/systemd/journal/socket, each field "KEY=value\n", or
 * "KEY\n" + 64-bit little-endian length + value + "\n" when the value holds
 * a newline. This is what sd_journal_send() writes; speaking it directly
 * costs one sendmsg() per entry instead of loading libsystemd (a few ms
 * of relocation at every boot run, and `validate` must never load it). */

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define MAX_FIELDS 24U

/* decided at the first entry; stays open for the process's life */
static int journal_fd = -EBADF;
static bool journal_decided;
static char last_error[512];

const char *log_last_error(void) {
        return last_error[0] ? last_error : NULL;
}

static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

bool log_journal_enabled(void) {
        if (journal_decided)
                return journal_fd >= 0;
        journal_decided = true;
        if (!stderr_is_journal())
                return false;

        struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return false;
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                close(fd);
                return false;
        }
        journal_fd = fd;
        return true;
}

/* One field as iovecs (at most 5) into iov; KEY=value input. */
static size_t field_iov(const char *field, uint64_t *len_le, struct iovec *iov) {
        const char *eq = strchr(field, '=');
        if (!eq)
                return 0;
        const char *value = eq + 1;
        size_t vn = strlen(value);

        if (!memchr(value, '\n', vn)) {
                iov[0] = (struct iovec) { .iov_base = (char *) field, .iov_len = (size_t) (eq - field) + 1 + vn };
                iov[1] = (struct iovec) { .iov_base = (char *) "\n", .iov_len = 1 };
                return 2;
        }
        *len_le = htole64((uint64_t) vn);
        iov[0] = (struct iovec) { .iov_base = (char *) field, .iov_len = (size_t) (eq - field) };
        iov[1] = (struct iovec) { .iov_base = (char *) "\n", .iov_len = 1 };
        iov[2] = (struct iovec) { .iov_base = len_le, .iov_len = sizeof *len_le };
        iov[3] = (struct iovec) { .iov_base = (char *) value, .iov_len = vn };
        iov[4] = (struct iovec) { .iov_base = (char *) "\n", .iov_len = 1 };
        return 5;
}

/* "KEY=value" with value escaped as on stderr (basic/escape.h): journalctl
 * --all prints values raw, and they carry paths and names from user-data
 * and metadata. NULL on out of memory. */
static char *field_escaped(const char *field) {
        const char *eq = strchr(field, '=');
        _cleanup_free_ char *v = NULL;
        char *r;

        if (!eq)
                return NULL;
        v = escape_text(eq + 1);
        if (!v || asprintf(&r, "%.*s=%s", (int) (eq - field), field, v) < 0)
                return NULL;
        return r;
}

int log_journal_send(int level, const char *msg, const char *const *fields, size_t n_fields) {
        char priority[] = "PRIORITY=0";
        _cleanup_free_ char *message = NULL;
        const char *all[MAX_FIELDS + 3];
        char *owned[MAX_FIELDS + 1] = {};
        struct iovec iov[(MAX_FIELDS + 3) * 5];
        uint64_t lens[MAX_FIELDS + 3];
        size_t n_all = 0, n_iov = 0, n_owned = 0;
        int r = 0;

        if (level <= LOG_ERR)
                snprintf(last_error, sizeof last_error, "%s", msg);
        if (!log_journal_enabled())
                return -ENOTCONN;
        if (n_fields > MAX_FIELDS)
                return -E2BIG;

        priority[9] = (char) ('0' + (level & 7));
        /* msg comes escaped from log_internal()/log_struct_internal() */
        if (asprintf(&message, "MESSAGE=%s", msg) < 0)
                return -ENOMEM;
        all[n_all++] = priority;
        all[n_all++] = "SYSLOG_IDENTIFIER=nodeinit";
        all[n_all++] = message;
        for (size_t i = 0; i < n_fields; i++) {
                const char *f = fields[i], *eq = f ? strchr(f, '=') : NULL;
                if (!eq)
                        continue;
                if (!escape_is_clean(eq + 1, strlen(eq + 1))) {
                        f = owned[n_owned++] = field_escaped(f);
                        if (!f) {
                                r = -ENOMEM;
                                goto finish;
                        }
                }
                all[n_all++] = f;
        }
        for (size_t i = 0; i < n_all; i++)
                n_iov += field_iov(all[i], lens + i, iov + n_iov);

        struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n_iov };
        /* never block a boot on a busy journald: a dropped entry falls
         * back to stderr, which journald reads as a stream */
        if (sendmsg(journal_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                r = -errno;
finish:
        for (size_t i = 0; i < n_owned; i++)
                free(owned[i]);
        return r;
}

int log_struct_internal(int level, int error, const char *func, const char *const *fields, size_t n_fields,
                        const char *fmt, ...) {
        int e = error < 0 ? -error : error;
        char msg[2048];
        va_list ap;

        if (level > log_get_max_level())
                return e > 0 ? -e : -EIO;

        errno = e;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        /* as log_internal(): the message quotes user-data, and journalctl -a
         * prints it raw */
        _cleanup_free_ char *safe = escape_text(msg);
        if (log_journal_send(level, safe ?: "(message not shown: out of memory)", fields, n_fields) >= 0)
                return e > 0 ? -e : -EIO;
        /* plain stderr: the fields are for machines reading the journal */
        return log_internal(level, error, func, "%s", msg);
}
