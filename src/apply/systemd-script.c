/* SPDX-License-Identifier: Apache-2.0 */
#include "apply/systemd-internal.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/sha1.h"
#include "basic/strv.h"
#include "basic/time-util.h"

/* #! user-data: saved under the workspace, run as a transient unit. */

int script_exec_argv(const char *content, size_t size, const char *path, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        const char *p, *end, *nl;

        if (!content || size < 2 || content[0] != '#' || content[1] != '!')
                return -EINVAL;
        nl = memchr(content, '\n', size);
        end = nl ?: content + size;
        p = content + 2;
        while (p < end && (*p == ' ' || *p == '\t'))
                p++;
        /* trailing blanks and a CR (DOS line ends) are not part of it */
        while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                end--;
        if (p >= end || *p != '/')
                return -EINVAL;

        const char *q = p;
        while (q < end && *q != ' ' && *q != '\t')
                q++;
        _cleanup_free_ char *interp = strndup(p, (size_t) (q - p));
        if (!interp || strv_consume(&argv, TAKE_PTR(interp)) < 0)
                return -ENOMEM;

        /* Linux passes the rest of the line as one argument. */
        while (q < end && (*q == ' ' || *q == '\t'))
                q++;
        if (q < end) {
                char *arg = strndup(q, (size_t) (end - q));
                if (!arg || strv_consume(&argv, arg) < 0)
                        return -ENOMEM;
        }
        if (strv_extend(&argv, path) < 0)
                return -ENOMEM;

        *ret = TAKE_PTR(argv);
        return 0;
}

static int append_exec_start(SystemdBus *b, sd_bus_message *m, char **argv) {
        int r;

        r = b->f.message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = b->f.message_append(m, "s", "ExecStart");
        if (r >= 0)
                r = b->f.message_open_container(m, 'v', "a(sasb)");
        if (r >= 0)
                r = b->f.message_open_container(m, 'a', "(sasb)");
        if (r >= 0)
                r = b->f.message_open_container(m, 'r', "sasb");
        if (r >= 0)
                r = b->f.message_append(m, "s", argv[0]);
        if (r >= 0)
                r = b->f.message_open_container(m, 'a', "s");
        STRV_FOREACH(a, argv)
                if (r >= 0)
                        r = b->f.message_append(m, "s", *a);
        if (r >= 0)
                r = b->f.message_close_container(m);
        if (r >= 0)
                r = b->f.message_append(m, "b", 0);
        for (int i = 0; i < 4 && r >= 0; i++)
                r = b->f.message_close_container(m);
        return r;
}

/* Saves the script at path through the root-confined writer: a symlink
 * planted under --root cannot redirect it, a crash leaves no half-written
 * file, and an unchanged script is not rewritten. */
static int save_script(const FsRoot *root, const char *dir, const char *path, const PlanScript *script,
                       const char **reterr_what) {
        PlanFile files[2] = {
                { .path = (char *) dir, .action = PLAN_FILE_DIR, .mode = 0700, .origin = (char *) "script" },
                { .path = (char *) path, .action = PLAN_FILE_WRITE, .content = script->content,
                  .size = script->size, .mode = 0700, .origin = (char *) "script", .secret = true },
        };
        FsResult fr[2] = {};

        /* owner NULL everywhere: whoever runs nodeinit, as the manager that
         * executes it expects */
        int r = fs_commit(root, files, 2, NULL, NULL, true, fr);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < 2; i++)
                if (fr[i].outcome == FS_FAILED) {
                        *reterr_what = fr[i].what;
                        return fr[i].error;
                }
        return 0;
}

int systemd_run_script(
                SystemdBus *b,
                const PlanScript *script,
                const FsRoot *root,
                const char *workspace,
                const SystemdOptions *o,
                UnitResult *ret) {

        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *dir = NULL, *path = NULL, *unit = NULL;
        UnitResult res = { .step = UNIT_STEP_SCRIPT, .command = UNIT_COMMAND_START };
        uint64_t t = now_monotonic_usec();
        uint8_t digest[SHA1_DIGEST_SIZE];
        char id[13];
        Buf buf = {};
        int r;

        /* Named by content: a re-run with the same script reuses its file
         * (and unit name) instead of piling up copies; another script gets
         * another name. */
        sha1(script->content, script->size, digest);
        for (unsigned i = 0; i < 6; i++)
                snprintf(id + 2 * i, 3, "%02x", digest[i]);

        if (buf_printf(&buf, "nodeinit-script-%s.service", id) < 0 || !(unit = buf_steal(&buf, NULL)))
                goto oom;
        buf_done(&buf);
        if (buf_printf(&buf, "%s/scripts", workspace) < 0 || !(dir = buf_steal(&buf, NULL)))
                goto oom;
        buf_done(&buf);
        if (buf_printf(&buf, "%s/%s", dir, id) < 0 || !(path = buf_steal(&buf, NULL)))
                goto oom;
        buf_done(&buf);
        res.unit = strdup(unit);
        if (!res.unit)
                goto oom;

        r = script_exec_argv(script->content, script->size, path, &argv);
        if (r == -ENOMEM)
                goto oom;
        if (r < 0) {
                res.outcome = UNIT_OUTCOME_ERROR;
                result_set_message(&res, "no usable #! line (the interpreter must be an absolute path)");
                goto finish;
        }

        const char *what = NULL;
        r = save_script(root, dir, path, script, &what);
        if (r == -ENOMEM)
                goto oom;
        if (r < 0) {
                res.outcome = UNIT_OUTCOME_ERROR;
                result_set_message(&res, "cannot save script as %s: %s%s%s", path, strempty(what),
                                   what ? ": " : "", strerror(-r));
                goto finish;
        }

        if (!b) {
                res.outcome = UNIT_OUTCOME_SKIPPED;
                result_set_message(&res, "--systemd=none: saved as %s, not run", path);
                goto finish;
        }

        {
                BUS_ERROR(e, b);
                REPLY(call, b);
                REPLY(reply, b);
                _cleanup_free_ char *cmdline = strv_join(argv, " ");
                const char *job;

                /* The same script's unit of an earlier run stays loaded
                 * when it failed, and would make the name "exist": let it
                 * go (an error here only means there is nothing to reset). */
                {
                        BUS_ERROR(e2, b);
                        (void) b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", &e2.e,
                                                NULL, "s", unit);
                }
                r = b->f.message_new_method_call(b->bus, &call.m, SD_DEST, SD_PATH, SD_MANAGER,
                                                 "StartTransientUnit");
                if (r >= 0)
                        r = b->f.message_append(call.m, "ss", unit, "fail");
                if (r >= 0)
                        r = b->f.message_open_container(call.m, 'a', "(sv)");
                if (r >= 0)
                        r = b->f.message_append(call.m, "(sv)", "Description", "s",
                                                "User-data script run by nodeinit");
                /* exec: the start job fails when the interpreter cannot be
                 * executed, instead of "done" and a failed unit later. */
                if (r >= 0)
                        r = b->f.message_append(call.m, "(sv)", "Type", "s", "exec");
                if (r >= 0)
                        r = append_exec_start(b, call.m, argv);
                if (r >= 0)
                        r = b->f.message_close_container(call.m);
                if (r >= 0)
                        r = b->f.message_append(call.m, "a(sa(sv))", 0);
                if (r >= 0)
                        r = b->f.call(b->bus, call.m, 0, &e.e, &reply.m);
                if (r >= 0)
                        r = b->f.message_read(reply.m, "o", &job);
                if (r < 0 && e.e.name && streq(e.e.name, "org.freedesktop.systemd1.UnitExists")) {
                        /* still running since an earlier run: not started twice */
                        res.outcome = UNIT_OUTCOME_QUEUED;
                        result_set_message(&res, "already running (started by an earlier run): %s",
                                           cmdline ?: path);
                        goto finish;
                }
                if (r < 0) {
                        result_set_error(&res, &e.e, r);
                        goto finish;
                }
                job_follow(b, job, o, &res);
                if (res.outcome == UNIT_OUTCOME_DONE || !res.message)
                        result_set_message(&res, "%s%s%s", strempty(res.message), res.message ? "; " : "",
                                           cmdline ?: path);
        }

finish:
        res.usec = now_monotonic_usec() - t;
        log_result(&res);
        *ret = res;
        return unit_outcome_is_success(res.outcome) ? 0 : 1;

oom:
        buf_done(&buf);
        unit_result_done(&res);
        return -ENOMEM;
}
