/* SPDX-License-Identifier: Apache-2.0 */
/* The write batch (apply/fs.c) under hostile conditions: allocation
 * failures at every point, a descriptor limit far below the entry count,
 * and symlinks planted by a local user in their own home. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "apply/accounts.h"
#include "apply/fs.h"
#include "apply/systemd.h"
#include "basic/strv.h"

/* ---- allocation failure injection ----------------------------------------
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc: every
 * allocation made by libapply's code comes here. When armed, call number
 * fail_at fails; the others go through. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static unsigned long alloc_calls, fail_at;

static bool inject(void) {
        return fail_at > 0 && ++alloc_calls == fail_at;
}

void *__wrap_malloc(size_t n) {
        return inject() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m) {
        return inject() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n) {
        return inject() ? NULL : __real_realloc(p, n);
}

/* ---- helpers ------------------------------------------------------------ */

#define SCRATCH_TEMPLATE "/tmp/nit-apply-fs-XXXXXX"
#include "scratch-test-helpers.h"

/* A fresh root with bob (1001) and core (500). */
static void make_root(void) {
        sh("rm -rf '%s' && mkdir -p '%s/etc/update-motd.d' '%s/home/bob' '%s/home/core'", root_dir, root_dir,
           root_dir, root_dir);
        sh("printf 'root:x:0:0::/root:/bin/sh\\ncore:x:500:500::/home/core:/bin/bash\\n"
           "bob:x:1001:1001::/home/bob:/bin/bash\\n' > '%s/etc/passwd'", root_dir);
        sh("printf 'root:x:0:\\ncore:x:500:\\nbob:x:1001:\\n' > '%s/etc/group'", root_dir);
        sh("echo 'motd' > '%s/etc/update-motd.d/10-uname'", root_dir);
        sh("chown 1001:1001 '%s/home/bob' && chown 500:500 '%s/home/core'", root_dir, root_dir);
}

static size_t count_temps(void) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "find '%s' -name '.#*.nodeinit' | wc -l", root_dir);
        FILE *f = popen(cmd, "r");
        assert_non_null(f);
        unsigned long n = 0;
        assert_int_equal(fscanf(f, "%lu", &n), 1);
        pclose(f);
        return n;
}

static size_t count_fds(void) {
        DIR *d = opendir("/proc/self/fd");
        size_t n = 0;
        assert_non_null(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

static PlanFile wfile(const char *path, const char *content, mode_t mode, const char *owner) {
        return (PlanFile) { .path = (char *) path, .action = PLAN_FILE_WRITE, .content = (char *) content,
                            .size = strlen(content), .mode = mode, .owner = (char *) owner };
}

/* ---- tests -------------------------------------------------------------- */

/* Every allocation of a batch fails once, in turn: each run either returns
 * -ENOMEM or records failures, and none leaves a temp file or a
 * descriptor behind; the tree then converges on a clean run. */
static void test_enomem_leaves_no_temp(void **state) {
        char paths[40][64];
        PlanFile files[44];
        FsResult res[44];
        size_t n = 0;

        make_root();
        for (unsigned i = 0; i < 40; i++) {
                snprintf(paths[i], sizeof paths[i], "/srv/d%u/f%u", i % 7, i);
                files[n++] = wfile(paths[i], "content\n", 0640, i % 2 ? "core:" : NULL);
        }
        files[n++] = (PlanFile) { .path = (char *) "/home/core/.ssh", .action = PLAN_FILE_DIR, .mode = 0700,
                                  .owner = (char *) "core:" };
        files[n++] = wfile("/home/core/.ssh/authorized_keys", "ssh-ed25519 AAAA k\n", 0600, "core:");
        files[n++] = (PlanFile) { .path = (char *) "/etc/systemd/system/x.service", .action = PLAN_FILE_MASK };
        files[n++] = (PlanFile) { .path = (char *) "/etc/systemd/system/y.service", .action = PLAN_FILE_UNMASK };

        size_t fds0 = count_fds();
        bool injected = true;
        unsigned long k;
        for (k = 1; injected; k++) {
                FsRoot r;
                assert_int_equal(fs_root_open(root_dir, &r), 0);
                Accounts a = { .root = &r };
                /* after the first run, rewrite everything each time */
                sh("rm -rf '%s/srv'", root_dir);

                alloc_calls = 0;
                fail_at = k;
                int q = fs_commit(&r, files, n, accounts_resolve_owner, &a, true, res);
                injected = alloc_calls >= k;
                fail_at = 0;

                assert_true(q == -ENOMEM || q >= 0);
                if (!injected)
                        assert_int_equal(q, 0);
                if (count_temps() != 0)
                        fail_msg("allocation %lu failing left a temp file", k);
                accounts_done(&a);
                fs_root_done(&r);
                if (count_fds() != fds0)
                        fail_msg("allocation %lu failing leaked a descriptor", k);
        }
        /* the loop reached a run without injection: it wrote everything */
        assert_true(k > 10);
        sh("test \"$(cat '%s/srv/d3/f10')\" = content", root_dir);
        sh("test \"$(stat -c %%u:%%g:%%a '%s/home/core/.ssh/authorized_keys')\" = 500:500:600", root_dir);
        sh("test \"$(readlink '%s/etc/systemd/system/x.service')\" = /dev/null", root_dir);
}

/* 2,000 entries under RLIMIT_NOFILE=64:64 (hard too: nothing to raise). */
static void test_fd_limit(void **state) {
        make_root();
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rlimit rl = { 64, 64 };
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                        _exit(2);
                static char paths[2000][48];
                static PlanFile files[2000];
                static FsResult res[2000];
                for (unsigned i = 0; i < 2000; i++) {
                        /* 100 directories: more than the limit's worth */
                        snprintf(paths[i], sizeof paths[i], "/var/lib/many/d%03u/f%04u", i % 100, i);
                        files[i] = wfile(paths[i], paths[i], 0644, NULL);
                }
                FsRoot r;
                if (fs_root_open(root_dir, &r) < 0)
                        _exit(3);
                int q = fs_commit(&r, files, 2000, NULL, NULL, true, res);
                for (unsigned i = 0; q != 0 && i < 2000; i++)
                        if (res[i].outcome == FS_FAILED) {
                                fprintf(stderr, "%s: %s: %s\n", paths[i], res[i].what, strerror(-res[i].error));
                                break;
                        }
                fs_root_done(&r);
                _exit(q == 0 ? 0 : 4);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        sh("test \"$(find '%s/var/lib/many' -type f | wc -l)\" = 2000", root_dir);
        sh("test \"$(cat '%s/var/lib/many/d042/f1942')\" = /var/lib/many/d042/f1942", root_dir);
        assert_int_equal(count_temps(), 0);
}

static void commit_keys(const char *user, const char *home, FsResult res[3]) {
        char ssh[128], dir[160], key[200];
        snprintf(ssh, sizeof ssh, "%s/.ssh", home);
        snprintf(dir, sizeof dir, "%s/authorized_keys.d", ssh);
        snprintf(key, sizeof key, "%s/coreos-cloudinit", dir);
        char owner[64];
        snprintf(owner, sizeof owner, "%s:", user);
        PlanFile files[] = {
                { .path = ssh, .action = PLAN_FILE_DIR, .mode = 0700, .owner = owner },
                { .path = dir, .action = PLAN_FILE_DIR, .mode = 0700, .owner = owner },
                wfile(key, "ssh-ed25519 AAAA k\n", 0600, owner),
        };
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r };
        (void) fs_commit(&r, files, 3, accounts_resolve_owner, &a, true, res);
        accounts_done(&a);
        fs_root_done(&r);
}

/* ~bob/.ssh is bob's symlink to /etc/update-motd.d: root must not create
 * bob-owned files there (the case the issue found), with either resolver. */
static void symlinked_ssh(bool fallback) {
        FsResult res[3];

        make_root();
        if (fallback)
                setenv("NODEINIT_NO_OPENAT2", "1", 1);
        sh("ln -s /etc/update-motd.d '%s/home/bob/.ssh' && chown -h 1001:1001 '%s/home/bob/.ssh'", root_dir,
           root_dir);
        commit_keys("bob", "/home/bob", res);
        unsetenv("NODEINIT_NO_OPENAT2");

        for (unsigned i = 0; i < 3; i++) {
                assert_int_equal(res[i].outcome, FS_FAILED);
                assert_int_equal(res[i].error, -ELOOP);
        }
        /* nothing appeared where the link points, inside or outside the root */
        sh("test \"$(ls -A '%s/etc/update-motd.d')\" = 10-uname", root_dir);
        sh("test ! -e /etc/update-motd.d/authorized_keys.d");
        sh("test -L '%s/home/bob/.ssh'", root_dir);
        assert_int_equal(count_temps(), 0);
}

static void test_symlinked_ssh_openat2(void **state) {
        symlinked_ssh(false);
}

static void test_symlinked_ssh_fallback(void **state) {
        symlinked_ssh(true);
}

/* The same one level down: ~bob/.ssh/authorized_keys.d -> /etc. */
static void test_symlinked_keys_dir(void **state) {
        FsResult res[3];

        make_root();
        sh("mkdir -m 0700 '%s/home/bob/.ssh' && ln -s /etc '%s/home/bob/.ssh/authorized_keys.d' && "
           "chown -hR 1001:1001 '%s/home/bob/.ssh'", root_dir, root_dir, root_dir);
        commit_keys("bob", "/home/bob", res);
        assert_int_equal(res[0].outcome, FS_UNCHANGED);
        assert_int_equal(res[1].outcome, FS_FAILED);
        assert_int_equal(res[1].error, -ELOOP);
        assert_int_equal(res[2].outcome, FS_FAILED);
        assert_int_equal(res[2].error, -ELOOP);
        sh("test ! -e '%s/etc/coreos-cloudinit'", root_dir);

        /* reading through it is refused too: the planner lists this directory */
        FsRoot r;
        char **l = NULL;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        assert_int_equal(fs_list_files(&r, "/home/bob/.ssh/authorized_keys.d", &l), -ELOOP);
        assert_null(l);
        _cleanup_free_ char *text = NULL;
        size_t size;
        sh("ln -s /etc/passwd '%s/home/bob/stolen'", root_dir);
        assert_int_equal(fs_read_file(&r, "/home/bob/stolen", 4096, &text, &size), -ELOOP);
        /* root's own links are still followed */
        sh("ln -s passwd '%s/etc/passwd-link'", root_dir);
        assert_int_equal(fs_read_file(&r, "/etc/passwd-link", 4096, &text, &size), 0);
        assert_non_null(strstr(text, "bob:x:1001"));
        fs_root_done(&r);
}

/* ~bob/.ssh/authorized_keys is a link to a file root cares about: the link
 * is replaced by bob's file, its target is never written. */
static void test_symlinked_authorized_keys(void **state) {
        make_root();
        sh("mkdir -m 0700 '%s/home/bob/.ssh' && echo secret > '%s/etc/shadow' && "
           "ln -s /etc/shadow '%s/home/bob/.ssh/authorized_keys' && chown -hR 1001:1001 '%s/home/bob/.ssh'",
           root_dir, root_dir, root_dir, root_dir);
        PlanFile files[] = { wfile("/home/bob/.ssh/authorized_keys", "ssh-ed25519 AAAA k\n", 0600, "bob:") };
        FsResult res[1];
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r };
        assert_int_equal(fs_commit(&r, files, 1, accounts_resolve_owner, &a, true, res), 0);
        accounts_done(&a);
        fs_root_done(&r);
        assert_int_equal(res[0].outcome, FS_WRITTEN);
        sh("test \"$(cat '%s/etc/shadow')\" = secret", root_dir);
        sh("test ! -L '%s/home/bob/.ssh/authorized_keys'", root_dir);
        sh("test \"$(stat -c %%u:%%g:%%a '%s/home/bob/.ssh/authorized_keys')\" = 1001:1001:600", root_dir);
}

/* A user's own real directories are written as before. */
static void test_plain_home(void **state) {
        FsResult res[3];

        make_root();
        commit_keys("bob", "/home/bob", res);
        for (unsigned i = 0; i < 3; i++)
                assert_int_equal(res[i].outcome, FS_WRITTEN);
        sh("test \"$(stat -c %%u:%%g:%%a '%s/home/bob/.ssh/authorized_keys.d/coreos-cloudinit')\" = 1001:1001:600",
           root_dir);
        commit_keys("bob", "/home/bob", res);
        for (unsigned i = 0; i < 3; i++)
                assert_int_equal(res[i].outcome, FS_UNCHANGED);
}

/* The unit steps and a script under the same injection: results recorded
 * so far are handed back (and freed by the caller: LeakSanitizer checks),
 * and a script never leaves a temp behind. */
static void test_enomem_units_and_script(void **state) {
        PlanUnit units[] = {
                { .name = (char *) "a.service", .enable = true, .command = UNIT_COMMAND_START, .changed = true },
                { .name = (char *) "b.service", .mask = true, .changed = true, .command = _UNIT_COMMAND_INVALID },
                { .name = (char *) "10-eth.network", .network = true, .changed = true,
                  .command = _UNIT_COMMAND_INVALID },
                { .name = (char *) "c.service", .command = UNIT_COMMAND_RESTART },
        };
        const char *text = "#!/bin/sh\necho hi\n";
        PlanScript script = { .content = (char *) text, .size = strlen(text) };
        bool injected = true;
        unsigned long k;

        make_root();
        for (k = 1; injected; k++) {
                UnitResult *res = NULL, sr = {};
                size_t n = 0;
                FsRoot r;
                assert_int_equal(fs_root_open(root_dir, &r), 0);
                sh("rm -rf '%s/var/lib/nodeinit'", root_dir);

                alloc_calls = 0;
                fail_at = k;
                int q = systemd_apply_units(NULL, units, ELEMENTSOF(units), NULL, &res, &n);
                int qs = systemd_run_script(NULL, &script, &r, "/var/lib/nodeinit", NULL, &sr);
                injected = alloc_calls >= k;
                fail_at = 0;

                assert_true(q == 0 || q == -ENOMEM);
                assert_true(n <= 5); /* enable, mask, networkd, two commands */
                if (q == 0)
                        assert_int_equal(n, 5);
                unit_results_free(res, n);
                assert_true(qs == 0 || qs == 1 || qs == -ENOMEM);
                if (qs >= 0)
                        unit_result_done(&sr);
                if (count_temps() != 0)
                        fail_msg("allocation %lu failing left a script temp file", k);
                fs_root_done(&r);
        }
        assert_true(k > 5);
        sh("test \"$(ls '%s/var/lib/nodeinit/scripts' | wc -l)\" = 1", root_dir);
}

int main(void) {
        if (geteuid() != 0) {
                printf("SKIP: needs root (files owned by other users)\n");
                return 77;
        }
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_enomem_leaves_no_temp),
                cmocka_unit_test(test_enomem_units_and_script),
                cmocka_unit_test(test_fd_limit),
                cmocka_unit_test(test_symlinked_ssh_openat2),
                cmocka_unit_test(test_symlinked_ssh_fallback),
                cmocka_unit_test(test_symlinked_keys_dir),
                cmocka_unit_test(test_symlinked_authorized_keys),
                cmocka_unit_test(test_plain_home),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
