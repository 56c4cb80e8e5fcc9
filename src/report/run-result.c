/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

#include "basic/fileio.h"
#include "basic/json-util.h"
#include "basic/time-util.h"
#include "report/run-result.h"

static const char * const run_state_table[_RUN_STATE_MAX] = {
        [RUN_STATE_RUNNING] = "running",
        [RUN_STATE_DONE] = "done",
        [RUN_STATE_ERROR] = "error",
};

DEFINE_STRING_TABLE_LOOKUP(run_state, RunState, _RUN_STATE_MAX);

/* Bumped when a field changes meaning; readers refuse other versions. */
#define RUN_RESULT_VERSION 1
#define RUN_RESULT_MAX_SIZE (16U * 1024U * 1024U)

static void run_step_done(RunStep *s) {
        free(s->kind);
        free(s->target);
        free(s->action);
        free(s->result);
        free(s->detail);
}

static void run_error_done(RunError *e) {
        free(e->file);
        free(e->message);
}

void run_result_done(RunResult *r) {
        free(r->datasource);
        free(r->where);
        free(r->unit);
        free(r->boot_id);
        for (size_t i = 0; i < r->n_steps; i++)
                run_step_done(r->steps + i);
        free(r->steps);
        for (size_t i = 0; i < r->n_errors; i++)
                run_error_done(r->errors + i);
        free(r->errors);
        *r = (RunResult) {};
}

static uint64_t now_realtime_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000U;
}

uint64_t process_start_time(pid_t pid) {
        char path[64], buf[1024];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        n = read(fd, buf, sizeof buf - 1);
        if (n <= 0)
                return 0;
        buf[n] = 0;
        /* the command name may hold spaces and parentheses: fields start
         * after the last ')' with field 3 (state) */
        const char *p = strrchr(buf, ')');
        if (!p)
                return 0;
        p++;
        for (unsigned field = 3; field < 22; field++) {
                p = strchr(p + 1, ' ');
                if (!p)
                        return 0;
        }
        return strtoull(p + 1, NULL, 10);
}

static char *read_boot_id(void) {
        char *t = NULL;
        size_t n;

        if (read_full_file_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 64, &t, &n) < 0)
                return NULL;
        t[strcspn(t, "\n")] = 0;
        return t;
}

/* The unit from /proc/self/cgroup ("0::/system.slice/nodeinit-ec2.service"). */
static char *read_own_unit(void) {
        _cleanup_free_ char *t = NULL;
        size_t n;

        if (read_full_file_at(AT_FDCWD, "/proc/self/cgroup", 4096, &t, &n) < 0)
                return NULL;
        for (char *line = t; line && *line;) {
                char *nl = strchr(line, '\n');
                if (nl)
                        *nl = 0;
                if (startswith(line, "0::")) {
                        const char *base = strrchr(line, '/');
                        base = base ? base + 1 : line + 3;
                        return endswith(base, ".service") ? strdup(base) : NULL;
                }
                line = nl ? nl + 1 : NULL;
        }
        return NULL;
}

int run_result_begin(RunResult *r) {
        *r = (RunResult) {
                .state = RUN_STATE_RUNNING,
                .pid = getpid(),
                .start_realtime_usec = now_realtime_usec(),
                .start_monotonic_usec = now_monotonic_usec(),
        };
        r->pid_start = process_start_time(r->pid);
        /* both are optional: without them a crashed run is only noticed
         * by its PID */
        r->boot_id = read_boot_id();
        r->unit = read_own_unit();
        return 0;
}

static int strdup_opt(const char *s, char **ret) {
        *ret = NULL;
        if (!s)
                return 0;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int run_result_add_step(RunResult *r, const char *kind, const char *target, const char *action, const char *result,
                        const char *detail, uint64_t start, uint64_t end) {
        RunStep s = {};

        if (start == 0 || start > end)
                start = end;
        /* relative to the run's start; a step can not begin before it */
        s.start_usec = start > r->start_monotonic_usec ? start - r->start_monotonic_usec : 0;
        s.end_usec = end > r->start_monotonic_usec ? end - r->start_monotonic_usec : 0;
        if (strdup_opt(kind, &s.kind) < 0 || strdup_opt(target, &s.target) < 0 || strdup_opt(action, &s.action) < 0 ||
            strdup_opt(result, &s.result) < 0 || strdup_opt(detail, &s.detail) < 0) {
                run_step_done(&s);
                return -ENOMEM;
        }
        RunStep *n = reallocarray(r->steps, r->n_steps + 1, sizeof(RunStep));
        if (!n) {
                run_step_done(&s);
                return -ENOMEM;
        }
        r->steps = n;
        r->steps[r->n_steps++] = s;
        return 0;
}

int run_result_add_error(RunResult *r, const char *file, unsigned line, unsigned column, const char *fmt, ...) {
        RunError e = { .line = line, .column = column };
        va_list ap;

        va_start(ap, fmt);
        int q = vasprintf(&e.message, fmt, ap);
        va_end(ap);
        if (q < 0)
                return -ENOMEM;
        if (strdup_opt(file, &e.file) < 0) {
                run_error_done(&e);
                return -ENOMEM;
        }
        RunError *n = reallocarray(r->errors, r->n_errors + 1, sizeof(RunError));
        if (!n) {
                run_error_done(&e);
                return -ENOMEM;
        }
        r->errors = n;
        r->errors[r->n_errors++] = e;
        return 0;
}

void run_result_finish(RunResult *r, bool failed) {
        r->end_realtime_usec = now_realtime_usec();
        r->state = failed || r->n_failed > 0 || r->n_errors > 0 ? RUN_STATE_ERROR : RUN_STATE_DONE;
}

int format_timestamp_utc(uint64_t usec, char *buf, size_t size) {
        time_t sec = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;

        if (!gmtime_r(&sec, &tm))
                return -EINVAL;
        int n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned) (usec % USEC_PER_SEC));
        return n > 0 && (size_t) n < size ? 0 : -ENOBUFS;
}

int run_result_dir(const char *root, char **ret) {
        if (isempty(root) || streq(root, "/"))
                *ret = strdup(RUN_RESULT_DIR);
        else if (asprintf(ret, "%s%s", root, RUN_RESULT_DIR) < 0)
                *ret = NULL;
        return *ret ? 0 : -ENOMEM;
}

/* json-c's adders take ownership of v, also when they fail. */
static int add(json_object *o, const char *key, json_object *v) {
        return v && json_object_object_add(o, key, v) == 0 ? 0 : -ENOMEM;
}

static int add_str(json_object *o, const char *key, const char *s) {
        if (!s)
                return 0;
        return add(o, key, json_object_new_string(s));
}

static int add_u64(json_object *o, const char *key, uint64_t v) {
        return add(o, key, json_object_new_int64((int64_t) MIN(v, (uint64_t) INT64_MAX)));
}

static int add_time(json_object *o, const char *key, uint64_t usec) {
        char buf[64];
        if (usec == 0)
                return 0;
        if (format_timestamp_utc(usec, buf, sizeof buf) < 0)
                return -EINVAL;
        return add_str(o, key, buf);
}

static int result_json(const RunResult *r, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *steps, *errors;
        int q = 0;

        if (!o)
                return -ENOMEM;
        q |= add(o, "version", json_object_new_int(RUN_RESULT_VERSION));
        q |= add_str(o, "state", run_state_to_string(r->state));
        q |= add_str(o, "datasource", r->datasource);
        q |= add_str(o, "where", r->where);
        q |= add_str(o, "unit", r->unit);
        q |= add(o, "pid", json_object_new_int(r->pid));
        q |= add_u64(o, "pid_start", r->pid_start);
        q |= add_str(o, "boot_id", r->boot_id);
        q |= add_time(o, "start", r->start_realtime_usec);
        q |= add_time(o, "end", r->end_realtime_usec);
        q |= add_u64(o, "start_usec", r->start_realtime_usec);
        if (r->end_realtime_usec > 0)
                q |= add_u64(o, "end_usec", r->end_realtime_usec);
        q |= add_u64(o, "requests", r->requests);
        q |= add_u64(o, "retries", r->retries);
        q |= add_u64(o, "failed", r->n_failed);
        q |= add(o, "steps", steps = json_object_new_array());
        q |= add(o, "errors", errors = json_object_new_array());
        if (q != 0)
                return -ENOMEM;

        for (size_t i = 0; i < r->n_steps; i++) {
                const RunStep *s = r->steps + i;
                json_object *j = json_object_new_object();
                if (!j || json_object_array_add(steps, j) < 0) {
                        json_object_put(j);
                        return -ENOMEM;
                }
                q |= add_str(j, "kind", s->kind);
                q |= add_str(j, "target", s->target);
                q |= add_str(j, "action", s->action);
                q |= add_str(j, "result", s->result);
                q |= add_str(j, "detail", s->detail);
                q |= add_u64(j, "start_usec", s->start_usec);
                q |= add_u64(j, "end_usec", s->end_usec);
        }
        for (size_t i = 0; i < r->n_errors; i++) {
                const RunError *e = r->errors + i;
                json_object *j = json_object_new_object();
                if (!j || json_object_array_add(errors, j) < 0) {
                        json_object_put(j);
                        return -ENOMEM;
                }
                q |= add_str(j, "file", e->file);
                if (e->line > 0)
                        q |= add_u64(j, "line", e->line);
                if (e->column > 0)
                        q |= add_u64(j, "column", e->column);
                q |= add_str(j, "message", e->message);
        }
        if (q != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

int run_result_print_json(const RunResult *r, const char *status, FILE *f) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        int q;

        if (r) {
                q = result_json(r, &o);
                if (q < 0)
                        return q;
        } else if (!(o = json_object_new_object()))
                return -ENOMEM;
        /* the answer a script looks at; "state" stays the file's */
        if (status && json_object_object_add_ex(o, "status", json_object_new_string(status), 0) < 0)
                return -ENOMEM;
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
        if (!text)
                return -ENOMEM;
        fputs(text, f);
        fputc('\n', f);
        return 0;
}

static int mkdir_parents(char *path, mode_t mode) {
        /* path is modified in place and restored */
        for (char *p = path + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = 0;
                int r = mkdir(path, mode) < 0 && errno != EEXIST ? -errno : 0;
                *p = '/';
                if (r < 0)
                        return r;
        }
        return mkdir(path, mode) < 0 && errno != EEXIST ? -errno : 0;
}

int run_result_write(const RunResult *r, const char *root) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_free_ char *dir = NULL, *tmp = NULL, *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int q;

        q = result_json(r, &o);
        if (q < 0)
                return q;
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
        if (!text)
                return -ENOMEM;

        q = run_result_dir(root, &dir);
        if (q < 0)
                return q;
        if (asprintf(&path, "%s/" RUN_RESULT_FILE, dir) < 0 ||
            asprintf(&tmp, "%s/." RUN_RESULT_FILE ".%d", dir, (int) getpid()) < 0)
                return -ENOMEM;

        /* readers see the old result or the new one, never a part: rename
         * over it. No fsync: /run does not outlive the boot it describes. */
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0 && errno == ENOENT) {
                /* the first result of this boot (or root) */
                q = mkdir_parents(dir, 0755);
                if (q < 0)
                        return q;
                fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        }
        if (fd < 0)
                return -errno;
        size_t len = strlen(text);
        for (size_t done = 0; done < len;) {
                ssize_t n = write(fd, text + done, len - done);
                if (n < 0) {
                        q = -errno;
                        unlink(tmp);
                        return q;
                }
                done += (size_t) n;
        }
        if (write(fd, "\n", 1) != 1 || close(TAKE_FD(fd)) < 0 || rename(tmp, path) < 0) {
                q = negative_errno();
                unlink(tmp);
                return q;
        }
        return 0;
}

static const char *get_str(json_object *o, const char *key) {
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static uint64_t get_u64(json_object *o, const char *key) {
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
                return 0;
        int64_t i = json_object_get_int64(v);
        return i > 0 ? (uint64_t) i : 0;
}

int run_result_parse(const char *text, RunResult *ret) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(text);
        _cleanup_(run_result_done) RunResult r = {};
        json_object *a;

        if (!o || !json_object_is_type(o, json_type_object) || get_u64(o, "version") != RUN_RESULT_VERSION)
                return -EBADMSG;
        r.state = run_state_from_string(get_str(o, "state"));
        if (r.state < 0)
                return -EBADMSG;
        if (strdup_opt(get_str(o, "datasource"), &r.datasource) < 0 || strdup_opt(get_str(o, "where"), &r.where) < 0 ||
            strdup_opt(get_str(o, "unit"), &r.unit) < 0 || strdup_opt(get_str(o, "boot_id"), &r.boot_id) < 0)
                return -ENOMEM;
        r.pid = (pid_t) get_u64(o, "pid");
        r.pid_start = get_u64(o, "pid_start");
        r.start_realtime_usec = get_u64(o, "start_usec");
        r.end_realtime_usec = get_u64(o, "end_usec");
        r.requests = (unsigned) get_u64(o, "requests");
        r.retries = (unsigned) get_u64(o, "retries");
        r.n_failed = (unsigned) get_u64(o, "failed");

        if (json_object_object_get_ex(o, "steps", &a) && json_object_is_type(a, json_type_array)) {
                size_t n = json_object_array_length(a);
                r.steps = new0(RunStep, n);
                if (!r.steps)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        json_object *j = json_object_array_get_idx(a, i);
                        RunStep *s = r.steps + r.n_steps;
                        if (!json_object_is_type(j, json_type_object) || !get_str(j, "kind"))
                                return -EBADMSG;
                        r.n_steps++;
                        if (strdup_opt(get_str(j, "kind"), &s->kind) < 0 ||
                            strdup_opt(get_str(j, "target"), &s->target) < 0 ||
                            strdup_opt(get_str(j, "action"), &s->action) < 0 ||
                            strdup_opt(get_str(j, "result"), &s->result) < 0 ||
                            strdup_opt(get_str(j, "detail"), &s->detail) < 0)
                                return -ENOMEM;
                        s->start_usec = get_u64(j, "start_usec");
                        s->end_usec = MAX(get_u64(j, "end_usec"), s->start_usec);
                }
        }
        if (json_object_object_get_ex(o, "errors", &a) && json_object_is_type(a, json_type_array)) {
                size_t n = json_object_array_length(a);
                r.errors = new0(RunError, n);
                if (!r.errors)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        json_object *j = json_object_array_get_idx(a, i);
                        RunError *e = r.errors + r.n_errors;
                        if (!json_object_is_type(j, json_type_object) || !get_str(j, "message"))
                                return -EBADMSG;
                        r.n_errors++;
                        if (strdup_opt(get_str(j, "file"), &e->file) < 0 ||
                            strdup_opt(get_str(j, "message"), &e->message) < 0)
                                return -ENOMEM;
                        e->line = (unsigned) get_u64(j, "line");
                        e->column = (unsigned) get_u64(j, "column");
                }
        }
        *ret = r;
        r = (RunResult) {};
        return 0;
}

int run_result_read(const char *root, RunResult *ret) {
        _cleanup_free_ char *dir = NULL, *text = NULL;
        _cleanup_close_ int dfd = -EBADF;
        size_t n;
        int q;

        q = run_result_dir(root, &dir);
        if (q < 0)
                return q;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        q = read_full_file_at(dfd, RUN_RESULT_FILE, RUN_RESULT_MAX_SIZE, &text, &n);
        if (q < 0)
                return q;
        return run_result_parse(text, ret);
}

bool run_result_writer_alive(const RunResult *r) {
        _cleanup_free_ char *boot = NULL;

        if (r->pid <= 0)
                return false;
        /* a PID of another boot (a --root tree kept on disk) means nothing here */
        boot = read_boot_id();
        if (r->boot_id && boot && !streq(r->boot_id, boot))
                return false;
        if (kill(r->pid, 0) < 0 && errno == ESRCH)
                return false;
        /* same PID, another process: the writer is gone */
        return r->pid_start == 0 || process_start_time(r->pid) == r->pid_start;
}
