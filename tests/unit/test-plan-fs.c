/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "apply/accounts.h"
#include "apply/fs.h"
#include "basic/strv.h"

/* fs.c and accounts.c on a scratch directory: confinement, the batch,
 * idempotence, owner resolution. */

static char base[] = "/tmp/nit-fs-XXXXXX";
static char root_dir[64], outside[64];

static void put(const char *rel, const char *content) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", root_dir, rel);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
}

static int setup(void **state) {
        char cmd[256];
        assert_non_null(mkdtemp(base));
        snprintf(root_dir, sizeof root_dir, "%s/root", base);
        snprintf(outside, sizeof outside, "%s/outside", base);
        assert_int_equal(mkdir(root_dir, 0755), 0);
        assert_int_equal(mkdir(outside, 0755), 0);
        snprintf(cmd, sizeof cmd, "%s/etc", root_dir);
        assert_int_equal(mkdir(cmd, 0755), 0);
        put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\ncore:x:500:501:Core:/home/core:/bin/bash\n");
        put("etc/group", "root:x:0:\ncore:x:501:\ndocker:x:233:core\n");
        return 0;
}

static int teardown(void **state) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
        assert_int_equal(system(cmd), 0);
        return 0;
}

static void test_owner(void **state) {
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r };
        uid_t u;
        gid_t g;

        assert_int_equal(accounts_resolve_owner(&a, "core", &u, &g), 0);
        assert_int_equal(u, 500);
        assert_int_equal(g, 0);
        assert_int_equal(accounts_resolve_owner(&a, "core:", &u, &g), 0);
        assert_int_equal(g, 501);
        assert_int_equal(accounts_resolve_owner(&a, "core:docker", &u, &g), 0);
        assert_int_equal(g, 233);
        assert_int_equal(accounts_resolve_owner(&a, "1000:1001", &u, &g), 0);
        assert_int_equal(u, 1000);
        assert_int_equal(g, 1001);
        assert_int_equal(accounts_resolve_owner(&a, "42", &u, &g), 0);
        assert_int_equal(u, 42);
        assert_int_equal(g, 0);
        assert_int_equal(accounts_resolve_owner(&a, "nobody", &u, &g), -ENOENT);
        assert_int_equal(accounts_resolve_owner(&a, "core:nogroup", &u, &g), -ENOENT);
        /* root is 0 even where the tree's passwd/group do not list it */
        u = 7, g = 7;
        assert_int_equal(accounts_resolve_owner(&a, "root:root", &u, &g), 0);
        assert_int_equal(u, 0);
        assert_int_equal(g, 0);
        assert_true(accounts_user_exists(&a, "core"));
        assert_false(accounts_user_exists(&a, "cor"));
        accounts_done(&a);
        fs_root_done(&r);
}

static void test_useradd_argv(void **state) {
        char *groups[] = { "wheel", "docker", NULL };
        PlanUser u = { .name = "alice", .gecos = "Alice \"A\"", .groups = groups, .system = true, .shell = "/bin/zsh" };
        char **argv = NULL;
        assert_int_equal(accounts_useradd_argv(&u, "/r", &argv), 0);
        char *joined = strv_join(argv, "|");
        assert_string_equal(joined, "--root|/r|--password|*|--comment|Alice \"A\"|--create-home|--groups|wheel,docker|"
                                    "--system|--shell|/bin/zsh|alice");
        free(joined);
        strv_free(argv);
}

static PlanFile wfile(const char *path, const char *content, mode_t mode) {
        return (PlanFile) { .path = (char *) path, .action = PLAN_FILE_WRITE, .content = (char *) content,
                            .size = strlen(content), .mode = mode };
}

static void commit_once(const char *what) {
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r };
        PlanFile files[] = {
                wfile("/etc/one", "1\n", 0644),
                wfile("/run/deep/er/two", "2", 0600),
                { .path = (char *) "/run/systemd/system/x.service", .action = PLAN_FILE_MASK },
                { .path = (char *) "/home/core/.ssh", .action = PLAN_FILE_DIR, .mode = 0700, .owner = (char *) "core:" },
                wfile("/home/core/.ssh/authorized_keys", "k\n", 0600),
        };
        files[4].owner = (char *) "core:";
        FsResult res[ELEMENTSOF(files)];
        assert_int_equal(fs_commit(&r, files, ELEMENTSOF(files), accounts_resolve_owner, &a, true, res), 0);
        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                assert_int_equal(res[i].outcome, streq(what, "first") ? FS_WRITTEN : FS_UNCHANGED);
        accounts_done(&a);
        fs_root_done(&r);
}

static void test_commit_idempotent(void **state) {
        char p[256];
        struct stat st1, st2;

        commit_once("first");
        snprintf(p, sizeof p, "%s/run/deep/er/two", root_dir);
        assert_int_equal(stat(p, &st1), 0);
        assert_int_equal(st1.st_mode & 07777, 0600);
        snprintf(p, sizeof p, "%s/home/core/.ssh/authorized_keys", root_dir);
        assert_int_equal(stat(p, &st1), 0);
        assert_int_equal(st1.st_uid, 500);
        assert_int_equal(st1.st_gid, 501);

        commit_once("second");
        /* untouched: the same inode, not rewritten (mtime), not even
         * chmod/chowned again (ctime) */
        assert_int_equal(stat(p, &st2), 0);
        assert_int_equal(st1.st_ino, st2.st_ino);
        assert_memory_equal(&st1.st_mtim, &st2.st_mtim, sizeof st1.st_mtim);
        assert_memory_equal(&st1.st_ctim, &st2.st_ctim, sizeof st1.st_ctim);

        /* the mask is a link to /dev/null, nothing else */
        char t[32];
        snprintf(p, sizeof p, "%s/run/systemd/system/x.service", root_dir);
        ssize_t l = readlink(p, t, sizeof t - 1);
        assert_true(l > 0);
        t[l] = 0;
        assert_string_equal(t, "/dev/null");

        /* unmask removes only a mask */
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        put("run/systemd/system/y.service", "[Unit]\n");
        PlanFile un[] = {
                { .path = (char *) "/run/systemd/system/x.service", .action = PLAN_FILE_UNMASK },
                { .path = (char *) "/run/systemd/system/y.service", .action = PLAN_FILE_UNMASK },
                { .path = (char *) "/run/nothing/z.service", .action = PLAN_FILE_UNMASK },
        };
        FsResult res[3];
        assert_int_equal(fs_commit(&r, un, 3, NULL, NULL, true, res), 0);
        assert_int_equal(res[0].outcome, FS_REMOVED);
        assert_int_equal(res[1].outcome, FS_UNCHANGED);
        assert_int_equal(res[2].outcome, FS_UNCHANGED);
        assert_int_equal(access(p, F_OK), -1);
        fs_root_done(&r);
}

static void escape_attempt(bool fallback) {
        char link[256], cmd[512];
        FsRoot r;

        if (fallback)
                setenv("NODEINIT_NO_OPENAT2", "1", 1);
        else
                unsetenv("NODEINIT_NO_OPENAT2");

        /* absolute and relative symlinks planted inside the root */
        snprintf(link, sizeof link, "%s/abs", root_dir);
        unlink(link);
        assert_int_equal(symlink(outside, link), 0);
        snprintf(link, sizeof link, "%s/rel", root_dir);
        unlink(link);
        assert_int_equal(symlink("../../../../../../../..", link), 0);

        assert_int_equal(fs_root_open(root_dir, &r), 0);
        assert_int_equal(r.no_openat2, fallback);
        PlanFile files[] = {
                wfile("/abs/pwned", "x", 0644),
                wfile("/rel/pwned-rel", "x", 0644),
                wfile("/../../pwned-dotdot", "x", 0644),
        };
        FsResult res[3];
        (void) fs_commit(&r, files, 3, NULL, NULL, true, res);
        fs_root_done(&r);

        /* nothing landed outside the root; what was written is inside */
        snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\" && ! test -e '%s/pwned-dotdot' && ! test -e /pwned-dotdot",
                 outside, base);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "test -e '%s/pwned-dotdot' && test -e '%s/pwned-rel'", root_dir, root_dir);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "rm -f '%s/pwned-dotdot' '%s/pwned-rel'", root_dir, root_dir);
        assert_int_equal(system(cmd), 0);
        unsetenv("NODEINIT_NO_OPENAT2");
}

static void test_escape_openat2(void **state) {
        escape_attempt(false);
}

static void test_escape_fallback(void **state) {
        escape_attempt(true);
}

static void test_stat_node(void **state) {
        FsRoot r;
        PlanNode n;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        assert_int_equal(fs_stat_node(&r, "/etc/passwd", true, &n), 0);
        assert_int_equal(n.kind, PLAN_NODE_REGULAR);
        assert_non_null(strstr(n.content, "core:x:500"));
        plan_node_done(&n);
        assert_int_equal(fs_stat_node(&r, "/no/such/file", true, &n), 0);
        assert_int_equal(n.kind, PLAN_NODE_ABSENT);
        assert_int_equal(fs_stat_node(&r, "/etc", false, &n), 0);
        assert_int_equal(n.kind, PLAN_NODE_DIRECTORY);
        char **l = NULL;
        assert_int_equal(fs_list_files(&r, "/etc", &l), 0);
        assert_true(strv_contains(l, "group") && strv_contains(l, "passwd"));
        strv_free(l);
        fs_root_done(&r);
}

int main(void) {
        /* owners other than ourselves need root */
        if (geteuid() != 0) {
                printf("SKIP: needs root (chowns files to other users)\n");
                return 77;
        }
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_owner),
                cmocka_unit_test(test_useradd_argv),
                cmocka_unit_test(test_commit_idempotent),
                cmocka_unit_test(test_escape_openat2),
                cmocka_unit_test(test_escape_fallback),
                cmocka_unit_test(test_stat_node),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
