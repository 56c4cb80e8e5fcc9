/* SPDX-License-Identifier: Apache-2.0 */
/* apply/accounts.c with the real useradd --root on scratch roots: the
 * default user of a Debian-like image, names that must never reach the
 * tools, account files that would hang them, the run's deadline. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "apply/accounts.h"
#include "apply/fs.h"
#include "basic/strv.h"
#include "basic/time-util.h"

#define SCRATCH_TEMPLATE "/tmp/nit-apply-acc-XXXXXX"
#include "scratch-test-helpers.h"

/* What a Debian 12 cloud image has before its default user exists: root,
 * the sudo and adm groups, login.defs with user groups, no core. */
static void make_debian_root(void) {
        sh("rm -rf '%s' && mkdir -p '%s/etc/skel' '%s/home' '%s/root'", root_dir, root_dir, root_dir, root_dir);
        sh("printf 'root:x:0:0:root:/root:/bin/bash\\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\\n'"
           " > '%s/etc/passwd'", root_dir);
        sh("printf 'root:x:0:\\nadm:x:4:\\nsudo:x:27:\\nnogroup:x:65534:\\n' > '%s/etc/group'", root_dir);
        sh("printf 'root:*:19000:0:99999:7:::\\nnobody:*:19000:0:99999:7:::\\n' > '%s/etc/shadow'", root_dir);
        sh("printf 'root:*::\\nadm:*::\\nsudo:*::\\nnogroup:*::\\n' > '%s/etc/gshadow'", root_dir);
        sh("printf 'UID_MIN 1000\\nUID_MAX 60000\\nGID_MIN 1000\\nGID_MAX 60000\\nUSERGROUPS_ENAB yes\\n"
           "CREATE_HOME yes\\n' > '%s/etc/login.defs'", root_dir);
        sh("echo '# skel' > '%s/etc/skel/.profile'", root_dir);
        sh("chmod 0640 '%s/etc/shadow' '%s/etc/gshadow'", root_dir, root_dir);
}

static char *groups_default[] = { (char *) "sudo", (char *) "adm", NULL };

static PlanUser default_user(void) {
        /* what the planner asks for cloud-init's default user */
        return (PlanUser) { .name = (char *) "admin", .create = true, .shell = (char *) "/bin/bash",
                            .groups = groups_default, .origin = (char *) "default user" };
}

static int apply_user(const PlanUser *u, uint64_t deadline, char **ret_error) {
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r, .deadline_usec = deadline };
        int q = accounts_apply_user(&a, u, ret_error);
        accounts_done(&a);
        fs_root_done(&r);
        return q;
}

static void commit_keys(FsResult res[3]) {
        PlanFile files[] = {
                { .path = (char *) "/home/admin/.ssh", .action = PLAN_FILE_DIR, .mode = 0700,
                  .owner = (char *) "admin:" },
                { .path = (char *) "/home/admin/.ssh/authorized_keys.d", .action = PLAN_FILE_DIR, .mode = 0700,
                  .owner = (char *) "admin:" },
                { .path = (char *) "/home/admin/.ssh/authorized_keys", .action = PLAN_FILE_WRITE,
                  .content = (char *) "ssh-ed25519 AAAAC3Nza k@h\n", .size = 26, .mode = 0600,
                  .owner = (char *) "admin:" },
        };
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r };
        assert_int_equal(fs_commit(&r, files, 3, accounts_resolve_owner, &a, true, res), 0);
        accounts_done(&a);
        fs_root_done(&r);
}

static void test_default_user(void **state) {
        _cleanup_free_ char *err = NULL;
        FsResult res[3];

        make_debian_root();
        PlanUser u = default_user();
        assert_int_equal(apply_user(&u, 0, &err), 1);
        assert_null(err);

        /* created in the root, never on the host; its groups; a home from skel */
        sh("grep -q '^admin:x:1000:1000::/home/admin:/bin/bash$' '%s/etc/passwd'", root_dir);
        sh("! grep -q '^admin:' /etc/passwd || test \"$(grep -c ^admin: /etc/passwd)\" = 1");
        sh("grep -q '^sudo:x:27:admin$' '%s/etc/group' && grep -q '^adm:x:4:admin$' '%s/etc/group'", root_dir,
           root_dir);
        /* locked: no password can match '*', key logins still work */
        sh("grep -q '^admin:\\*:' '%s/etc/shadow'", root_dir);
        sh("test \"$(stat -c %%u:%%g '%s/home/admin')\" = 1000:1000 && test -f '%s/home/admin/.profile'", root_dir,
           root_dir);

        commit_keys(res);
        for (unsigned i = 0; i < 3; i++)
                assert_int_equal(res[i].outcome, FS_WRITTEN);
        sh("test \"$(stat -c %%u:%%g:%%a '%s/home/admin/.ssh/authorized_keys')\" = 1000:1000:600", root_dir);
        sh("test \"$(stat -c %%u:%%g:%%a '%s/home/admin/.ssh')\" = 1000:1000:700", root_dir);

        /* a second run changes nothing: no tool runs, no file is touched */
        sh("cd '%s' && find . -printf '%%p %%i %%T@ %%C@\\n' | sort > ../before", root_dir);
        assert_int_equal(apply_user(&u, 0, &err), 0);
        commit_keys(res);
        for (unsigned i = 0; i < 3; i++)
                assert_int_equal(res[i].outcome, FS_UNCHANGED);
        sh("cd '%s' && find . -printf '%%p %%i %%T@ %%C@\\n' | sort > ../after && cmp ../before ../after", root_dir);
}

/* A user that cannot be created: the tool's exit status and last line are
 * the message, and the key step for it fails alone. */
static void test_useradd_fails(void **state) {
        _cleanup_free_ char *err = NULL;
        char *groups[] = { (char *) "nosuchgroup", NULL };
        PlanUser u = default_user();
        u.groups = groups;

        make_debian_root();
        assert_int_equal(apply_user(&u, 0, &err), -EPROTO);
        assert_non_null(err);
        /* useradd's 6: "specified group doesn't exist" */
        assert_non_null(strstr(err, "useradd exited with status 6: "));
        assert_non_null(strstr(err, "nosuchgroup"));

        PlanFile files[] = {
                { .path = (char *) "/home/admin/.ssh", .action = PLAN_FILE_DIR, .mode = 0700,
                  .owner = (char *) "admin:" },
                { .path = (char *) "/etc/motd", .action = PLAN_FILE_WRITE, .content = (char *) "hi\n", .size = 3,
                  .mode = 0644 },
        };
        FsResult res[2];
        FsRoot r;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r };
        assert_int_equal(fs_commit(&r, files, 2, accounts_resolve_owner, &a, true, res), 1);
        accounts_done(&a);
        fs_root_done(&r);
        assert_int_equal(res[0].outcome, FS_FAILED);
        assert_true(res[0].no_owner);
        assert_int_equal(res[1].outcome, FS_WRITTEN);
        sh("test ! -e '%s/home/admin'", root_dir);
}

/* Names that are paths or tool options never reach useradd. */
static void test_invalid_names(void **state) {
        static const char *const bad[] = { "..", ".", "-r", "a:b", "a/b", "Root", "x\ny",
                                           "abcdefghijklmnopqrstuvwxyz0123456789" };

        make_debian_root();
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;
                PlanUser u = { .name = (char *) bad[i], .create = true };
                assert_int_equal(apply_user(&u, 0, &err), -EINVAL);
                assert_non_null(strstr(err, "invalid user name"));
        }
        _cleanup_free_ char *err = NULL;
        char *groups[] = { (char *) "sudo,root", NULL };
        PlanUser u = { .name = (char *) "alice", .create = true, .groups = groups };
        assert_int_equal(apply_user(&u, 0, &err), -EINVAL);
        sh("! grep -q alice '%s/etc/passwd' && test ! -e '%s/home/alice' && test ! -e '%s/.ssh'", root_dir, root_dir,
           root_dir);

        /* the same check for owners of files */
        FsRoot r;
        uid_t uid;
        gid_t gid;
        assert_int_equal(fs_root_open(root_dir, &r), 0);
        Accounts a = { .root = &r };
        assert_int_equal(accounts_resolve_owner(&a, "..", &uid, &gid), -EINVAL);
        assert_int_equal(accounts_resolve_owner(&a, "root", &uid, &gid), 0);
        accounts_done(&a);
        fs_root_done(&r);
}

/* The root's /etc/passwd is a FIFO: useradd would block on it forever. It
 * is refused before any tool runs, with a message that says so. */
static void test_fifo_passwd(void **state) {
        static const char *const files[] = { "passwd", "shadow", "group", "gshadow", "login.defs" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *err = NULL, *want = NULL;
                make_debian_root();
                sh("rm '%s/etc/%s' && mkfifo '%s/etc/%s'", root_dir, files[i], root_dir, files[i]);
                PlanUser u = default_user();
                /* no deadline: a hang would be the test's own timeout */
                assert_int_equal(apply_user(&u, 0, &err), -EBADFD);
                assert_true(asprintf(&want, "the root's /etc/%s is a FIFO, not a regular file", files[i]) > 0);
                assert_non_null(strstr(err, want));
        }
        /* a password alone (user exists) is checked the same way */
        _cleanup_free_ char *err = NULL;
        make_debian_root();
        sh("rm '%s/etc/shadow' && mkfifo '%s/etc/shadow'", root_dir, root_dir);
        PlanUser u = { .name = (char *) "root", .passwd = (char *) "$6$x$y" };
        assert_int_equal(apply_user(&u, 0, &err), -EBADFD);
}

/* A hash with a line break would set a second user's password. */
static void test_hash_injection(void **state) {
        _cleanup_free_ char *err = NULL;

        make_debian_root();
        sh("cp '%s/etc/shadow' '%s/shadow.before'", root_dir, base);
        PlanUser u = { .name = (char *) "nobody", .passwd = (char *) "$6$a$b\nroot:$6$evil$x" };
        assert_int_equal(apply_user(&u, 0, &err), -EINVAL);
        sh("cmp '%s/etc/shadow' '%s/shadow.before'", root_dir, base);
}

/* A tool still running at the run's deadline is killed with its whole
 * process group, and the step says so. useradd --root reads the root's
 * /etc/nsswitch.conf (glibc's NSS, after its chroot): a FIFO there blocks
 * it, a file the pre-check does not cover. */
static void test_deadline_kills_group(void **state) {
        _cleanup_free_ char *err = NULL;

        make_debian_root();
        sh("mkfifo '%s/etc/nsswitch.conf'", root_dir);
        PlanUser u = default_user();
        uint64_t start = now_monotonic_usec();
        /* the deadline, not an elapsed time, is what the test gives */
        assert_int_equal(apply_user(&u, start + 500 * USEC_PER_MSEC, &err), -ETIME);
        assert_non_null(strstr(err, "useradd did not finish before the run's deadline: killed"));
        /* nothing of its process group is left */
        /* ("roo[t]": not this shell's own command line) */
        sh("! pgrep -f 'useradd --roo[t] %s'", root_dir);
        /* past the deadline nothing is started at all */
        free(err);
        err = NULL;
        sh("rm '%s/etc/nsswitch.conf'", root_dir);
        assert_int_equal(apply_user(&u, now_monotonic_usec() - 1, &err), -ETIME);
        assert_non_null(strstr(err, "useradd not run: the run's deadline has passed"));
        sh("! grep -q '^admin:' '%s/etc/passwd'", root_dir);
        sh("mkfifo '%s/etc/nsswitch.conf'", root_dir);
        /* and the next run, without the obstacle, creates the user */
        sh("rm '%s/etc/nsswitch.conf'", root_dir);
        free(err);
        err = NULL;
        assert_int_equal(apply_user(&u, 0, &err), 1);
}

int main(void) {
        if (geteuid() != 0) {
                printf("SKIP: needs root (useradd --root, files owned by other users)\n");
                return 77;
        }
        if (access("/usr/sbin/useradd", X_OK) < 0) {
                printf("SKIP: useradd (passwd package) not installed\n");
                return 77;
        }
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_user),
                cmocka_unit_test(test_useradd_fails),
                cmocka_unit_test(test_invalid_names),
                cmocka_unit_test(test_fifo_passwd),
                cmocka_unit_test(test_hash_injection),
                cmocka_unit_test(test_deadline_kills_group),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
