/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/path-util.h"
#include "basic/strv.h"
#include "plan/planner.h"

/* The planner against an in-memory tree: no filesystem involved. */

/* ssh-ed25519 public keys of the right shape (the validator checks the blob) */
#define K1 "AAAAC3NzaC1lZDI1NTE5AAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"
#define K2 "AAAAC3NzaC1lZDI1NTE5AAAAIAICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIC"
#define K3 "AAAAC3NzaC1lZDI1NTE5AAAAIAMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD"

typedef struct FakeNode {
        const char *path;
        PlanNodeKind kind;
        const char *content;
        mode_t mode;
} FakeNode;

typedef struct Fake {
        FakeNode nodes[32];
        size_t n;
} Fake;

static int fake_stat(void *userdata, const char *path, bool want_content, PlanNode *ret) {
        Fake *f = userdata;
        *ret = (PlanNode) { .kind = PLAN_NODE_ABSENT };
        for (size_t i = 0; i < f->n; i++)
                if (streq(f->nodes[i].path, path)) {
                        ret->kind = f->nodes[i].kind;
                        ret->mode = f->nodes[i].mode;
                        if (f->nodes[i].content) {
                                ret->size = strlen(f->nodes[i].content);
                                if (want_content)
                                        ret->content = strdup(f->nodes[i].content);
                        }
                        return 0;
                }
        return 0;
}

static int fake_list(void *userdata, const char *dir, char ***ret) {
        Fake *f = userdata;
        size_t l = strlen(dir);
        *ret = NULL;
        for (size_t i = 0; i < f->n; i++)
                if (strneq(f->nodes[i].path, dir, l) && f->nodes[i].path[l] == '/' &&
                    !strchr(f->nodes[i].path + l + 1, '/') && f->nodes[i].kind == PLAN_NODE_REGULAR)
                        assert_int_equal(strv_extend(ret, f->nodes[i].path + l + 1), 0);
        return 0;
}

static int fake_owner(void *userdata, const char *owner, uid_t *ret_uid, gid_t *ret_gid) {
        (void) userdata;
        if (!owner) {
                *ret_uid = 0;
                *ret_gid = 0;
                return 0;
        }
        if (streq(owner, "core:") || streq(owner, "core") || streq(owner, "core:core")) {
                *ret_uid = 500;
                *ret_gid = 500;
                return 0;
        }
        return -ENOENT;
}

static void fake_add(Fake *f, const char *path, PlanNodeKind kind, const char *content, mode_t mode) {
        f->nodes[f->n++] = (FakeNode) { path, kind, content, mode };
}

typedef struct Run {
        CloudConfig c;
        Plan plan;
} Run;

static void run_done(Run *r) {
        plan_done(&r->plan);
        cloud_config_done(&r->c);
}

static void run_plan(Run *run, const char *yaml, Fake *fake, const char *public4, const char *private4,
                     const char *md_hostname) {
        DiagList d = {};
        *run = (Run) {};
        if (yaml) {
                assert_int_equal(cloud_config_parse(yaml, strlen(yaml), &run->c, &d), 0);
                diag_list_done(&d);
        }
        const ConfigCloudConfig *ccs[] = { &run->c.cc };
        PlanReader rd = { fake_stat, fake_list, fake_owner, fake };
        PlanInput in = {
                .configs = ccs,
                .n_configs = yaml ? 1 : 0,
                .addresses = { [PLAN_PUBLIC_IPV4] = public4, [PLAN_PRIVATE_IPV4] = private4 },
                .metadata_hostname = md_hostname,
                .current_hostname = "oldname",
                .reader = &rd,
        };
        assert_int_equal(plan_build(&in, &run->plan), 0);
}

/* Parses yaml, lets mark() set isolation marks as the validator would, and
 * plans with in (configs and reader filled in here). */
static void run_build(Run *run, const char *yaml, Fake *fake, void (*mark)(ConfigCloudConfig *cc), PlanInput *in) {
        DiagList d = {};
        *run = (Run) {};
        assert_int_equal(cloud_config_parse(yaml, strlen(yaml), &run->c, &d), 0);
        diag_list_done(&d);
        if (mark)
                mark(&run->c.cc);
        const ConfigCloudConfig *ccs[] = { &run->c.cc };
        PlanReader rd = { fake_stat, fake_list, fake_owner, fake };
        in->configs = ccs;
        in->n_configs = 1;
        in->reader = &rd;
        assert_int_equal(plan_build(in, &run->plan), 0);
        in->configs = NULL;
        in->reader = NULL;
}

static const PlanIssue *issue_of(const Plan *p, const char *origin) {
        for (size_t i = 0; i < p->n_issues; i++)
                if (streq(p->issues[i].origin, origin))
                        return p->issues + i;
        fail_msg("no issue for %s", origin);
        return NULL;
}

static const PlanUnit *unit(const Plan *p, const char *name) {
        for (size_t i = 0; i < p->n_units; i++)
                if (streq(p->units[i].name, name))
                        return p->units + i;
        return NULL;
}

static const PlanFile *file(const Plan *p, const char *path) {
        const PlanFile *f = plan_find_file(p, path);
        if (!f)
                fail_msg("no plan entry for %s", path);
        return f;
}

static const char *seed = "#cloud-config\n\ncoreos:\n  etcd:\n"
                          "    discovery: https://discovery.etcd.io/4776a05c20897e83560b40a03c62918a\n"
                          "    addr: 10.0.0.5:4001\n    peer-addr: 10.0.0.5:7001\n"
                          "  units:\n    - name: etcd.service\n      command: start\n"
                          "    - name: fleet.service\n      command: start\n";

#define MACHINE_ID "4b1d6a8e0f2c4d5e9a7b3c1d2e3f4a5b"

static void test_seed(void **state) {
        Fake fake = {};
        fake_add(&fake, "/etc/machine-id", PLAN_NODE_REGULAR, MACHINE_ID "\n", 0444);
        Run run;
        run_plan(&run, seed, &fake, "54.1.2.3", "10.0.0.5", "ip-10-0-0-5.ec2.internal");

        const Plan *p = &run.plan;
        assert_string_equal(p->hostname, "ip-10-0-0-5");
        assert_int_equal(p->n_files, 3);
        assert_string_equal(p->files[0].path, "/etc/hostname");
        assert_string_equal(p->files[0].content, "ip-10-0-0-5\n");
        assert_string_equal(p->files[1].path, "/etc/environment");
        assert_string_equal(p->files[1].content, "COREOS_PRIVATE_IPV4=10.0.0.5\nCOREOS_PUBLIC_IPV4=54.1.2.3\n");
        assert_string_equal(p->files[2].path, "/run/systemd/system/etcd.service.d/20-cloudinit.conf");
        assert_int_equal(p->files[2].mode, 0644);
        assert_int_equal(p->files[2].change, PLAN_CHANGE_CREATE);

        /* coreos.units first, then the drop-in's unit */
        assert_int_equal(p->n_units, 3);
        assert_string_equal(p->units[0].name, "etcd.service");
        assert_int_equal(p->units[0].command, UNIT_COMMAND_START);
        assert_string_equal(p->units[1].name, "fleet.service");
        assert_string_equal(p->units[2].name, "etcd.service");
        assert_int_equal(p->units[2].command, _UNIT_COMMAND_INVALID);
        assert_true(p->units[2].changed);
        assert_true(p->units[2].runtime);

        assert_int_equal(p->n_discovery, 1);
        assert_int_equal(p->discovery[0].kind, DISCOVERY_ETCD);
        /* the key and value etcd 0.4 registers itself: ETCD_NAME=%m, and the
         * peer address as its Sanitize() makes it a URL */
        assert_string_equal(p->discovery[0].name, MACHINE_ID);
        assert_string_equal(p->discovery[0].peer_addr, "http://10.0.0.5:7001");
        assert_int_equal(p->n_issues, 0);
        run_done(&run);
}

/* etcd2: the check must know the member ID etcd will register under (from
 * initial_advertise_peer_urls) and its name (etcd's "default" when unset);
 * the instance-id fallback is etcd 0.4's only. */
static void test_discovery_etcd2(void **state) {
        static const char *yaml = "#cloud-config\ncoreos:\n  etcd2:\n"
                                  "    discovery: http://127.0.0.1:24001/v2/keys/discovery/abc\n"
                                  "    initial-advertise-peer-urls: http://10.0.0.5:2380,http://10.0.1.5:2380\n"
                                  "    discovery-fallback: exit\n";
        static const char *named = "#cloud-config\ncoreos:\n  etcd2:\n"
                                   "    discovery: http://127.0.0.1:24001/v2/keys/discovery/abc\n"
                                   "    name: node7\n"
                                   "  etcd:\n    discovery: http://127.0.0.1:24001/v2/keys/d04/x\n"
                                   "    name: node7\n    peer-addr: 10.0.0.5:7001\n";
        Fake fake = {};
        Run run;

        run_plan(&run, yaml, &fake, NULL, "10.0.0.5", "ip-10-0-0-5");
        assert_int_equal(run.plan.n_discovery, 1);
        const PlanDiscovery *d = run.plan.discovery;
        assert_int_equal(d->kind, DISCOVERY_ETCD2);
        assert_string_equal(d->peer_addr, "http://10.0.0.5:2380,http://10.0.1.5:2380");
        assert_string_equal(d->name, "default");
        assert_string_equal(d->fallback, "exit");
        run_done(&run);

        run_plan(&run, named, &fake, NULL, "10.0.0.5", "ip-10-0-0-5");
        assert_int_equal(run.plan.n_discovery, 2);
        d = run.plan.discovery;
        assert_int_equal(d[0].kind, DISCOVERY_ETCD);
        assert_string_equal(d[0].name, "node7");
        assert_string_equal(d[0].peer_addr, "http://10.0.0.5:7001");
        assert_int_equal(d[1].kind, DISCOVERY_ETCD2);
        assert_string_equal(d[1].name, "node7");
        assert_null(d[1].peer_addr);
        run_done(&run);
}

/* etcd 0.4's registration, key and value as etcd itself writes them
 * (server/config.go of etcd v0.4): names and addresses trimmed, https with
 * both peer key and cert files, the 127.0.0.1:7001 default, and nothing
 * registered where etcd would refuse the address or no name is known. */
static void test_discovery_etcd04(void **state) {
        static const char *tls = "#cloud-config\ncoreos:\n  etcd:\n"
                                 "    discovery: http://127.0.0.1:24001/v2/keys/d04/x\n"
                                 "    name: ' n1 '\n    peer-addr: '[fd00::5]:7001 '\n"
                                 "    peer-cert-file: /etc/ssl/etcd/peer.pem\n    peer-key-file: /etc/ssl/etcd/peer.key\n";
        static const char *dflt = "#cloud-config\ncoreos:\n  etcd:\n"
                                  "    discovery: http://127.0.0.1:24001/v2/keys/d04/x\n";
        static const char *bad = "#cloud-config\ncoreos:\n  etcd:\n"
                                 "    discovery: http://127.0.0.1:24001/v2/keys/d04/x\n"
                                 "    name: n1\n    peer-addr: http://10.0.0.5:7001\n";
        Fake fake = {};
        Run run;

        run_plan(&run, tls, &fake, NULL, "10.0.0.5", "ip-10-0-0-5");
        assert_int_equal(run.plan.n_discovery, 1);
        assert_string_equal(run.plan.discovery[0].name, "n1");
        assert_string_equal(run.plan.discovery[0].peer_addr, "https://[fd00::5]:7001");
        run_done(&run);

        /* no name and no machine id: etcd registers itself, nodeinit says so */
        run_plan(&run, dflt, &fake, NULL, "10.0.0.5", "ip-10-0-0-5");
        assert_int_equal(run.plan.n_discovery, 0);
        assert_int_equal(run.plan.n_issues, 1);
        assert_true(run.plan.issues[0].warning);
        run_done(&run);

        Fake with_id = {};
        fake_add(&with_id, "/etc/machine-id", PLAN_NODE_REGULAR, MACHINE_ID "\n", 0444);
        run_plan(&run, dflt, &with_id, NULL, "10.0.0.5", "ip-10-0-0-5");
        assert_int_equal(run.plan.n_discovery, 1);
        assert_string_equal(run.plan.discovery[0].name, MACHINE_ID);
        assert_string_equal(run.plan.discovery[0].peer_addr, "http://127.0.0.1:7001");
        run_done(&run);

        /* etcd 0.4 refuses a peer address with a scheme (SplitHostPort fails) */
        run_plan(&run, bad, &fake, NULL, "10.0.0.5", "ip-10-0-0-5");
        assert_int_equal(run.plan.n_discovery, 0);
        assert_int_equal(run.plan.n_issues, 1);
        assert_false(run.plan.issues[0].warning);
        run_done(&run);
}

/* hostnamectl set-hostname, as coreos-cloudinit ran it: a name that is not
 * a valid host name is the pretty name, its cleaned form the static one
 * (tests/corpus/wallin holds what coreos-cloudinit wrote). */
static void test_hostname_pretty(void **state) {
        Fake fake = {};
        fake_add(&fake, "/etc/machine-info", PLAN_NODE_REGULAR, "CHASSIS=vm\nPRETTY_HOSTNAME=old\n", 0644);
        Run run;
        run_plan(&run, "#cloud-config\nhostname: coreos_001\n", &fake, NULL, NULL, NULL);
        assert_string_equal(run.plan.hostname, "coreos001");
        assert_string_equal(file(&run.plan, "/etc/hostname")->content, "coreos001\n");
        assert_string_equal(file(&run.plan, "/etc/machine-info")->content, "CHASSIS=vm\nPRETTY_HOSTNAME=coreos_001\n");
        run_done(&run);

        Fake none = {};
        run_plan(&run, "#cloud-config\nhostname: node-1\n", &none, NULL, NULL, NULL);
        assert_string_equal(run.plan.hostname, "node-1");
        assert_null(plan_find_file(&run.plan, "/etc/machine-info"));
        run_done(&run);
}

static void test_unchanged(void **state) {
        Fake fake = {};
        fake_add(&fake, "/etc/hostname", PLAN_NODE_REGULAR, "ip-10-0-0-5\n", 0644);
        fake_add(&fake, "/etc/environment", PLAN_NODE_REGULAR, "COREOS_PRIVATE_IPV4=10.0.0.5\n", 0644);
        fake_add(&fake, "/run/systemd/system/etcd.service.d/20-cloudinit.conf", PLAN_NODE_REGULAR,
                 "[Service]\nEnvironment=\"ETCD_ADDR=10.0.0.5:4001\"\n"
                 "Environment=\"ETCD_DISCOVERY=https://discovery.etcd.io/4776a05c20897e83560b40a03c62918a\"\n"
                 "Environment=\"ETCD_PEER_ADDR=10.0.0.5:7001\"\n", 0644);
        Run run;
        run_plan(&run, seed, &fake, NULL, "10.0.0.5", "ip-10-0-0-5");
        for (size_t i = 0; i < run.plan.n_files; i++)
                assert_int_equal(run.plan.files[i].change, PLAN_CHANGE_NONE);
        assert_false(run.plan.units[2].changed);
        run_done(&run);

        /* mode differs: changed */
        fake.nodes[0].mode = 0600;
        run_plan(&run, seed, &fake, NULL, "10.0.0.5", "ip-10-0-0-5");
        assert_int_equal(file(&run.plan, "/etc/hostname")->change, PLAN_CHANGE_UPDATE);
        run_done(&run);
}

static void test_hostname_precedence(void **state) {
        Fake fake = {};
        Run run;
        run_plan(&run, "#cloud-config\nhostname: mine\n", &fake, NULL, NULL, "theirs.example.com");
        assert_string_equal(run.plan.hostname, "mine");
        assert_int_equal(run.plan.n_issues, 1);
        assert_true(run.plan.issues[0].warning);
        run_done(&run);

        /* a metadata value that is not a host name is refused, not echoed */
        run_plan(&run, NULL, &fake, NULL, NULL, "evil\nname");
        assert_null(run.plan.hostname);
        assert_int_equal(plan_count_errors(&run.plan), 1);
        assert_null(strstr(run.plan.issues[0].message, "evil"));
        run_done(&run);
}

static void test_update_base(void **state) {
        Fake fake = {};
        Run run;
        /* no base at all: not an error (coreos-cloudinit failed) */
        run_plan(&run, "#cloud-config\ncoreos:\n  update:\n    group: beta\n", &fake, NULL, NULL, NULL);
        assert_string_equal(file(&run.plan, "/etc/coreos/update.conf")->content, "GROUP=beta\n");
        assert_string_equal(run.plan.units[0].name, "update-engine.service");
        assert_int_equal(run.plan.units[0].command, UNIT_COMMAND_RESTART);
        run_done(&run);

        fake_add(&fake, "/usr/share/coreos/update.conf", PLAN_NODE_REGULAR, "GROUP=stable\nSERVER=x\n", 0644);
        run_plan(&run, "#cloud-config\ncoreos:\n  update:\n    group: beta\n", &fake, NULL, NULL, NULL);
        assert_string_equal(file(&run.plan, "/etc/coreos/update.conf")->content, "GROUP=beta\nSERVER=x\n");
        run_done(&run);

        fake_add(&fake, "/etc/coreos/update.conf", PLAN_NODE_REGULAR, "GROUP=alpha\n", 0644);
        run_plan(&run, "#cloud-config\ncoreos:\n  update:\n    group: beta\n    reboot_strategy: \"off\"\n", &fake,
                 NULL, NULL, NULL);
        assert_string_equal(file(&run.plan, "/etc/coreos/update.conf")->content, "GROUP=beta\nREBOOT_STRATEGY=off\n");
        const PlanFile *mask = file(&run.plan, "/run/systemd/system/locksmithd.service");
        assert_int_equal(mask->action, PLAN_FILE_MASK);
        assert_string_equal(run.plan.units[0].name, "locksmithd.service");
        assert_true(run.plan.units[0].mask);
        assert_int_equal(run.plan.units[0].command, UNIT_COMMAND_STOP);
        run_done(&run);
}

static void test_failures_are_independent(void **state) {
        Fake fake = {};
        Run run;
        run_plan(&run, "#cloud-config\nwrite_files:\n  - path: /etc/a\n    content: x\n"
                       "coreos:\n  etcd2:\n    name: \"bad\\nname\"\n  fleet:\n    public_ip: 1.2.3.4\n",
                 &fake, "1.2.3.4\nX=1", NULL, NULL);
        /* the etcd2 drop-in and the bad address are reported ... */
        assert_int_equal(plan_count_errors(&run.plan), 2);
        bool named = false;
        for (size_t i = 0; i < run.plan.n_issues; i++)
                named = named || strstr(run.plan.issues[i].message, "\"name\"");
        assert_true(named);
        /* ... and everything else is still planned */
        file(&run.plan, "/etc/a");
        file(&run.plan, "/run/systemd/system/fleet.service.d/20-cloudinit.conf");
        assert_null(plan_find_file(&run.plan, "/run/systemd/system/etcd2.service.d/20-cloudinit.conf"));
        assert_null(plan_find_file(&run.plan, "/etc/environment"));
        run_done(&run);
}

static void test_environment_left_to_write_files(void **state) {
        Fake fake = {};
        Run run;
        run_plan(&run, "#cloud-config\nwrite_files:\n  - path: //etc/./environment\n    content: A=1\n", &fake,
                 "1.2.3.4", NULL, NULL);
        assert_int_equal(run.plan.n_files, 1);
        assert_string_equal(run.plan.files[0].content, "A=1");
        run_done(&run);
}

static void test_write_files(void **state) {
        Fake fake = {};
        Run run;
        run_plan(&run, "#cloud-config\nwrite_files:\n"
                       "  - path: /etc/b64\n    encoding: b64\n    content: aGVsbG8=\n    permissions: '0600'\n"
                       "  - path: /etc/own\n    owner: core:core\n    permissions: 744\n    content: x\n"
                       "  - path: /etc/own\n    content: last wins\n",
                 &fake, NULL, NULL, NULL);
        const PlanFile *f = file(&run.plan, "/etc/b64");
        assert_string_equal(f->content, "hello");
        assert_int_equal(f->mode, 0600);
        assert_true(f->secret);
        f = file(&run.plan, "/etc/own");
        assert_string_equal(f->content, "last wins");
        assert_int_equal(f->mode, 0644);
        assert_false(f->secret);
        assert_int_equal(run.plan.n_files, 2);
        run_done(&run);
}

static void test_users_and_keys(void **state) {
        Fake fake = {};
        fake_add(&fake, "/etc/passwd", PLAN_NODE_REGULAR, "root:x:0:0::/root:/bin/sh\ncore:x:500:500::/home/core:/bin/bash\n",
                 0644);
        fake_add(&fake, "/home/core/.ssh/authorized_keys", PLAN_NODE_REGULAR, "ssh-rsa IMAGEKEY image\n", 0600);
        Run run;
        run_plan(&run, "#cloud-config\nssh_authorized_keys:\n  - \" ssh-ed25519 " K1 " one \"\n"
                       "users:\n  - name: core\n    ssh_authorized_keys: [ssh-ed25519 " K2 " two]\n"
                       "  - name: alice\n    gecos: Alice \"A\" Liddell\n    passwd: $6$salt$hash\n    groups: [wheel, docker]\n"
                       "    ssh_authorized_keys: [ssh-ed25519 " K3 " alice]\n",
                 &fake, NULL, NULL, NULL);
        const Plan *p = &run.plan;
        assert_int_equal(p->n_users, 2);
        assert_false(p->users[0].create);
        assert_true(p->users[1].create);
        assert_string_equal(p->users[1].gecos, "Alice \"A\" Liddell");
        assert_string_equal(p->users[1].groups[1], "docker");

        /* the image's keys are kept as old_authorized_keys, as update-ssh-keys
         * keeps them; core gets one merged key set under its header line */
        assert_string_equal(file(p, "/home/core/.ssh/authorized_keys.d/old_authorized_keys")->content,
                            "ssh-rsa IMAGEKEY image\n");
        assert_string_equal(file(p, "/home/core/.ssh/authorized_keys.d/coreos-cloudinit")->content,
                            "ssh-ed25519 " K2 " two\nssh-ed25519 " K1 " one\n");
        const PlanFile *m = file(p, "/home/core/.ssh/authorized_keys");
        assert_string_equal(m->content, "# auto-generated by /usr/bin/update-ssh-keys\n"
                                        "ssh-ed25519 " K2 " two\nssh-ed25519 " K1 " one\nssh-rsa IMAGEKEY image\n");
        assert_int_equal(m->mode, 0600);
        assert_string_equal(m->owner, "core:");
        assert_int_equal(file(p, "/home/core/.ssh")->action, PLAN_FILE_DIR);
        assert_string_equal(file(p, "/home/alice/.ssh/authorized_keys")->content,
                            "# auto-generated by /usr/bin/update-ssh-keys\nssh-ed25519 " K3 " alice\n");
        run_done(&run);
}

static void test_units_mask_unmask(void **state) {
        Fake fake = {};
        fake_add(&fake, "/run/systemd/system/a.service", PLAN_NODE_NULL, NULL, 0777);
        fake_add(&fake, "/run/systemd/system/b.service", PLAN_NODE_REGULAR, "[Unit]\n", 0644);
        fake_add(&fake, "/etc/systemd/system/c.service", PLAN_NODE_NULL, NULL, 0777);
        Run run;
        run_plan(&run, "#cloud-config\ncoreos:\n  units:\n"
                       "    - name: a.service\n      runtime: true\n      command: restart\n"
                       "    - name: b.service\n      runtime: true\n"
                       "    - name: c.service\n      mask: true\n"
                       "    - name: d.service\n      enable: true\n      content: \"[Service]\\n\"\n"
                       "      drop-ins:\n        - name: 10-x.conf\n          content: \"[Unit]\\n\"\n"
                       "    - name: e.network\n      runtime: true\n      content: \"[Match]\\n\"\n      enable: true\n",
                 &fake, NULL, NULL, NULL);
        const Plan *p = &run.plan;
        const PlanFile *f = file(p, "/run/systemd/system/a.service");
        assert_int_equal(f->action, PLAN_FILE_UNMASK);
        assert_int_equal(f->change, PLAN_CHANGE_REMOVE);
        assert_null(plan_find_file(p, "/run/systemd/system/b.service")); /* a real unit: left alone */
        assert_int_equal(file(p, "/etc/systemd/system/c.service")->change, PLAN_CHANGE_NONE);
        file(p, "/etc/systemd/system/d.service.d/10-x.conf");
        file(p, "/run/systemd/network/e.network");

        assert_int_equal(p->n_units, 5);
        assert_true(p->units[0].unmask);
        assert_true(p->units[0].changed);
        assert_false(p->units[1].changed);
        assert_true(p->units[2].mask);
        assert_false(p->units[2].changed);
        assert_true(p->units[3].enable);
        assert_true(p->units[3].changed);
        assert_true(p->units[4].network);
        assert_false(p->units[4].enable); /* never for networkd units */
        run_done(&run);
}

static void test_metadata_keys(void **state) {
        Fake fake = {};
        Plan plan = {};
        /* two lines; not a key (a blob of another type); a key, twice */
        const char *keys[] = { "ssh-ed25519 " K1 " one\ncommand=\"evil\" ssh-rsa X", "ssh-rsa " K3 " three",
                               "ssh-ed25519 " K2 " two", "ssh-ed25519 " K2 " two", NULL };
        PlanReader rd = { fake_stat, fake_list, fake_owner, &fake };
        PlanInput in = { .metadata_keys = keys, .reader = &rd, .ssh_key_name = "md" };
        assert_int_equal(plan_build(&in, &plan), 0);
        assert_int_equal(plan_count_errors(&plan), 2);
        assert_string_equal(plan_find_file(&plan, "/home/core/.ssh/authorized_keys.d/md")->content,
                            "ssh-ed25519 " K2 " two\n");
        plan_done(&plan);

        in.ssh_key_name = "../escape";
        assert_int_equal(plan_build(&in, &plan), -EINVAL);
}

static void test_unit_command_words(void **state) {
        /* plan's UnitCommand order is the schema's list of allowed values */
        size_t n = 0;
        while (check_unit_command.one_of[n])
                n++;
        assert_int_equal(n, _UNIT_COMMAND_MAX);
        assert_string_equal(unit_command_to_string(UNIT_COMMAND_RELOAD_OR_TRY_RESTART), "reload-or-try-restart");
        assert_int_equal(unit_command_from_string("try-restart"), UNIT_COMMAND_TRY_RESTART);
        assert_int_equal(unit_command_from_string("tryrestart"), _UNIT_COMMAND_INVALID);
        assert_null(unit_command_to_string(_UNIT_COMMAND_MAX));
}


static void test_path_normalize(void **state) {
        static const struct { const char *in, *out; } ok[] = {
                { "/etc/x", "/etc/x" }, { "/etc//x", "/etc/x" }, { "/etc/./y", "/etc/y" }, { "//etc/./environment", "/etc/environment" },
                { "/etc/x/", "/etc/x" }, { "/etc/x/.", "/etc/x" }, { "/", "/" }, { "//./", "/" }, { "/...", "/..." },
                { "/.x/..y", "/.x/..y" },
        };
        char *p = NULL;
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                assert_int_equal(path_normalize(ok[i].in, &p), 0);
                assert_string_equal(p, ok[i].out);
                free(p);
        }
        assert_int_equal(path_normalize("/etc/../shadow", &p), -EINVAL);
        assert_int_equal(path_normalize("/etc/..", &p), -EINVAL);
        assert_int_equal(path_normalize("etc/x", &p), -EINVAL);
        assert_int_equal(path_normalize("", &p), -EINVAL);
}

/* issue 8: one file named two ways is one file; the later entry wins whole
 * (content, mode, owner), a warning says so, and the plan converges */
static void test_write_files_same_file(void **state) {
        static const char *yaml = "#cloud-config\nwrite_files:\n"
                                  "  - path: /etc/y\n    permissions: '0600'\n    content: secret\n"
                                  "  - path: /etc/./y\n    permissions: '0644'\n    content: public\n"
                                  "  - path: /etc/x\n    owner: core\n    content: one\n"
                                  "  - path: /etc//x\n    content: two\n"
                                  "  - path: /etc/z/\n    content: dir\n";
        Fake fake = {};
        PlanInput in = {};
        Run run;

        run_build(&run, yaml, &fake, NULL, &in);
        const Plan *p = &run.plan;
        assert_int_equal(p->n_files, 2);
        const PlanFile *f = file(p, "/etc/y");
        assert_string_equal(f->content, "public");
        assert_int_equal(f->mode, 0644);
        assert_string_equal(f->origin, "write_files[1]");
        f = file(p, "/etc/x");
        assert_string_equal(f->content, "two");
        assert_null(f->owner); /* not core's: the earlier entry's owner does not stick */

        const PlanIssue *i = issue_of(p, "write_files[1] (/etc/./y)");
        assert_true(i->warning);
        assert_string_equal(i->message, "/etc/y is also written by write_files[0]; this later entry is written whole: "
                                        "its content, mode 0644 (write_files[0] asked for 0600) and owner root");
        i = issue_of(p, "write_files[3] (/etc//x)");
        assert_true(i->warning);
        assert_string_equal(i->message, "/etc/x is also written by write_files[2]; this later entry is written whole: "
                                        "its content, mode 0644 and owner root");
        i = issue_of(p, "write_files[4] (/etc/z/)");
        assert_false(i->warning);
        assert_int_equal(plan_count_errors(p), 1);
        run_done(&run);

        /* second run on the result: nothing to do */
        fake_add(&fake, "/etc/y", PLAN_NODE_REGULAR, "public", 0644);
        fake_add(&fake, "/etc/x", PLAN_NODE_REGULAR, "two", 0644);
        run_build(&run, yaml, &fake, NULL, &in);
        assert_int_equal(run.plan.n_files, 2);
        for (size_t k = 0; k < run.plan.n_files; k++)
                assert_int_equal(run.plan.files[k].change, PLAN_CHANGE_NONE);
        run_done(&run);
}

static const char *isolation_yaml =
        "#cloud-config\n"
        "hostname: bad\n"
        "manage_etc_hosts: localhost\n"
        "write_files:\n  - path: /etc/a\n    content: a\n  - path: /etc/b\n    content: b\n"
        "users:\n  - name: alice\n  - name: bob\n"
        "coreos:\n"
        "  etcd2:\n    discovery: https://discovery.etcd.io/4776a05c20897e83560b40a03c62918a\n    name: n1\n"
        "  fleet:\n    metadata: region=x\n"
        "  flannel:\n    etcd_prefix: /p\n"
        "  locksmith:\n    group: g\n    window_start: Thu 04:00\n"
        "  update:\n    group: beta\n    reboot_strategy: \"off\"\n"
        "  units:\n"
        "    - name: etcd2.service\n      command: start\n      enable: true\n"
        "    - name: good.service\n      command: start\n      drop_ins:\n"
        "        - name: 10-a.conf\n          content: \"[Unit]\\n\"\n"
        "        - name: 20-b.conf\n          content: \"[Unit]\\n\"\n"
        "    - name: bad.service\n      command: start\n"
        "    - name: flanneld.service\n      command: stop\n";

static void mark(Value *v, unsigned line) {
        v->error = "marked";
        v->error_line = line;
        v->error_column = 7;
}

/* as config's validator marks (line numbers are the items' in
 * isolation_yaml): the item's self, or the value for items that are one key */
static void mark_isolation(ConfigCloudConfig *cc) {
        mark(&cc->hostname, 2);
        mark(&cc->manage_etc_hosts, 3);
        mark(&cc->write_files[1].self, 7);
        mark(&cc->users[0].self, 10);
        mark(&cc->coreos.etcd2.self, 13);
        mark(&cc->coreos.flannel.self, 18);
        mark(&cc->coreos.locksmith.window_start, 22);
        mark(&cc->coreos.update.reboot_strategy, 25);
        mark(&cc->coreos.units[1].drop_ins[1].self, 35);
        mark(&cc->coreos.units[2].self, 37);
}

/* issue 9: every marked item is left out and reported with its place;
 * everything else is planned */
static void test_isolation(void **state) {
        Fake fake = {};
        PlanInput in = { .metadata_hostname = "mdhost" };
        Run run;

        run_build(&run, isolation_yaml, &fake, mark_isolation, &in);
        const Plan *p = &run.plan;

        static const struct { const char *item; unsigned line; } skipped[] = {
                { "hostname", 2 }, { "manage_etc_hosts", 3 }, { "write_files[1] (/etc/b)", 7 },
                { "users[0] (alice)", 10 }, { "coreos.etcd2", 13 }, { "coreos.flannel", 18 },
                { "coreos.locksmith.window_start", 22 }, { "coreos.update.reboot_strategy", 25 },
                { "coreos.units[1].drop_ins[1] (20-b.conf)", 35 }, { "coreos.units[2] (bad.service)", 37 },
        };
        size_t n_skipped = 0;
        for (size_t i = 0; i < p->n_issues; i++)
                n_skipped += p->issues[i].skipped;
        assert_int_equal(n_skipped, ELEMENTSOF(skipped));
        for (size_t i = 0; i < ELEMENTSOF(skipped); i++) {
                const PlanIssue *is = issue_of(p, skipped[i].item);
                assert_true(is->skipped);
                assert_false(is->warning);
                assert_string_equal(is->message, "marked");
                assert_int_equal(is->line, skipped[i].line);
                assert_int_equal(is->column, 7);
                assert_int_equal(is->config, 0);
        }

        /* the metadata hostname applies as if the user's were not given */
        assert_string_equal(p->hostname, "mdhost");
        assert_null(plan_find_file(p, "/etc/hosts"));
        file(p, "/etc/a");
        assert_null(plan_find_file(p, "/etc/b"));
        assert_int_equal(p->n_users, 1);
        assert_string_equal(p->users[0].name, "bob");
        assert_null(plan_find_file(p, "/run/systemd/system/etcd2.service.d/20-cloudinit.conf"));
        assert_string_equal(file(p, "/run/systemd/system/fleet.service.d/20-cloudinit.conf")->content,
                            "[Service]\nEnvironment=\"FLEET_METADATA=region=x\"\n");
        assert_null(plan_find_file(p, "/run/flannel/options.env"));
        assert_string_equal(file(p, "/run/systemd/system/locksmithd.service.d/20-cloudinit.conf")->content,
                            "[Service]\nEnvironment=\"LOCKSMITHD_GROUP=g\"\n");
        assert_string_equal(file(p, "/etc/coreos/update.conf")->content, "GROUP=beta\n");
        assert_null(plan_find_file(p, "/run/systemd/system/locksmithd.service"));
        assert_int_equal(p->n_discovery, 0);

        /* etcd2 would start without its discovery: neither started nor
         * enabled, and said so at its units[] entry */
        const PlanUnit *u = unit(p, "etcd2.service");
        assert_non_null(u);
        assert_int_equal(u->command, _UNIT_COMMAND_INVALID);
        assert_false(u->enable);
        const PlanIssue *is = issue_of(p, "coreos.units[0] (etcd2.service)");
        assert_false(is->skipped);
        assert_false(is->warning);
        assert_string_equal(is->message, "etcd2.service is not started or enabled because coreos.etcd2 was not applied");
        assert_true(issue_of(p, "coreos.etcd2") < is); /* the reason first */
        assert_int_equal(is->line, 27);
        /* stopping a unit of a left-out section stands */
        assert_int_equal(unit(p, "flanneld.service")->command, UNIT_COMMAND_STOP);
        assert_int_equal(unit(p, "good.service")->command, UNIT_COMMAND_START);
        file(p, "/etc/systemd/system/good.service.d/10-a.conf");
        assert_null(plan_find_file(p, "/etc/systemd/system/good.service.d/20-b.conf"));
        assert_null(unit(p, "bad.service"));
        assert_int_equal(unit(p, "update-engine.service")->command, UNIT_COMMAND_RESTART);
        assert_int_equal(plan_count_errors(p), ELEMENTSOF(skipped) + 1);
        run_done(&run);

        /* unmarked, the same config plans every item */
        run_build(&run, isolation_yaml, &fake, NULL, &in);
        assert_int_equal(plan_count_errors(&run.plan), 0);
        assert_int_equal(unit(&run.plan, "etcd2.service")->command, UNIT_COMMAND_START);
        file(&run.plan, "/run/flannel/options.env");
        file(&run.plan, "/etc/b");
        run_done(&run);
}

static const char *debian_passwd = "root:x:0:0:root:/root:/bin/bash\nadmin:x:1000:1000::/home/admin:/bin/bash\n";
static const char *debian_group = "root:x:0:\nadm:x:4:\nsudo:x:27:\nadmin:x:1000:\n";

/* issue 9: the site's default user gets the metadata and top-level keys;
 * a missing one is created as cloud-init creates a distribution's */
static void test_default_user_created(void **state) {
        const char *md_keys[] = { "ssh-ed25519 " K1 " md", NULL };
        Fake fake = {};
        fake_add(&fake, "/etc/passwd", PLAN_NODE_REGULAR, debian_passwd, 0644);
        fake_add(&fake, "/etc/group", PLAN_NODE_REGULAR, debian_group, 0644);
        PlanInput in = { .default_user = "debian", .metadata_keys = md_keys };
        Run run;

        run_build(&run, "#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 " K2 " top\n", &fake, NULL, &in);
        const Plan *p = &run.plan;
        assert_int_equal(plan_count_errors(p), 0);
        assert_int_equal(p->n_users, 1);
        const PlanUser *u = p->users;
        assert_string_equal(u->name, "debian");
        assert_true(u->create);
        assert_string_equal(u->shell, "/bin/bash");
        assert_null(u->passwd);        /* useradd --password '*': locked */
        assert_string_equal(u->homedir, "/home/debian");
        assert_false(u->no_create_home);
        assert_int_equal(strv_length(u->groups), 2);
        assert_string_equal(u->groups[0], "sudo");
        assert_string_equal(u->groups[1], "adm");

        const PlanFile *f = file(p, "/etc/sudoers.d/90-nodeinit-debian");
        assert_string_equal(f->content, "debian ALL=(ALL) NOPASSWD:ALL\n");
        assert_int_equal(f->mode, 0440);
        assert_null(f->owner);
        f = file(p, "/home/debian/.ssh");
        assert_int_equal(f->action, PLAN_FILE_DIR);
        assert_int_equal(f->mode, 0700);
        assert_string_equal(f->owner, "debian:");
        f = file(p, "/home/debian/.ssh/authorized_keys");
        assert_string_equal(f->content, "# auto-generated by /usr/bin/update-ssh-keys\n"
                                        "ssh-ed25519 " K2 " top\nssh-ed25519 " K1 " md\n");
        assert_int_equal(f->mode, 0600);
        assert_string_equal(f->owner, "debian:");
        assert_null(plan_find_file(p, "/home/core/.ssh/authorized_keys"));
        run_done(&run);

        /* the site's groups: only those the root has; the others named */
        const char *groups[] = { "docker", "adm", NULL };
        in.default_user_groups = groups;
        run_build(&run, "#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 " K2 " top\n", &fake, NULL, &in);
        assert_int_equal(strv_length(run.plan.users[0].groups), 1);
        assert_string_equal(run.plan.users[0].groups[0], "adm");
        const PlanIssue *i = issue_of(&run.plan, "default user");
        assert_true(i->warning);
        assert_non_null(strstr(i->message, "docker"));
        run_done(&run);
}

static void test_default_user_existing_or_not_created(void **state) {
        const char *md_keys[] = { "ssh-ed25519 " K1 " md", NULL };
        Fake fake = {};
        fake_add(&fake, "/etc/passwd", PLAN_NODE_REGULAR, debian_passwd, 0644);
        fake_add(&fake, "/etc/group", PLAN_NODE_REGULAR, debian_group, 0644);
        PlanInput in = { .default_user = "admin", .metadata_keys = md_keys };
        Run run;

        /* exists: keys in its home from passwd, no account, no sudoers */
        run_build(&run, "#cloud-config\nhostname: h\n", &fake, NULL, &in);
        assert_int_equal(run.plan.n_users, 0);
        assert_string_equal(file(&run.plan, "/home/admin/.ssh/authorized_keys")->content,
                            "# auto-generated by /usr/bin/update-ssh-keys\nssh-ed25519 " K1 " md\n");
        assert_null(plan_find_file(&run.plan, "/etc/sudoers.d/90-nodeinit-admin"));
        run_done(&run);

        /* missing and not to be created: an error for the keys only */
        in.default_user = "debian";
        in.default_user_no_create = true;
        run_build(&run, "#cloud-config\nhostname: h\n", &fake, NULL, &in);
        assert_int_equal(run.plan.n_users, 0);
        assert_int_equal(plan_count_errors(&run.plan), 1);
        assert_non_null(strstr(run.plan.issues[0].message, "debian does not exist"));
        assert_null(plan_find_file(&run.plan, "/home/debian/.ssh/authorized_keys"));
        file(&run.plan, "/etc/hostname");
        run_done(&run);

        /* no keys for it: nothing to create */
        in.default_user_no_create = false;
        in.metadata_keys = NULL;
        run_build(&run, "#cloud-config\nhostname: h\n", &fake, NULL, &in);
        assert_int_equal(run.plan.n_users, 0);
        assert_int_equal(run.plan.n_issues, 0);
        run_done(&run);

        /* an operator setting that is not a user name stops the run */
        Plan plan = {};
        in.default_user = "../x";
        assert_int_equal(plan_build(&in, &plan), -EINVAL);
}

static void set_value(Value *v, const char *s) {
        *v = (Value) { .set = true, .str = s, .len = strlen(s), .line = v->line, .column = v->column };
}

/* what a validator that lets everything through would leave */
static void smuggle(ConfigCloudConfig *cc) {
        static const char *keys[] = { "ssh-ed25519 " K1 " ok", "ssh-ed25519 " K2 " x\nssh-ed25519 " K3 " smuggled", "  ",
                                      NULL };
        ConfigUser *u = cc->users;
        u->self.error = NULL;
        set_value(&u->passwd, "$6$s$h\nroot:$6$evil$x");
        set_value(&u->gecos, "a:b");
        u->ssh_authorized_keys = (Value) { .set = true, .strv = keys, .n_strv = 3 };
}

/* issue 8: a value with a newline must not become a second line of
 * /etc/shadow, /etc/passwd or authorized_keys, even if the validator let
 * it through */
static void test_user_values_stay_data(void **state) {
        Fake fake = {};
        PlanInput in = {};
        Run run;
        run_build(&run, "#cloud-config\nusers:\n  - name: eve\n", &fake, smuggle, &in);
        const Plan *p = &run.plan;
        assert_int_equal(p->n_users, 1);
        assert_null(p->users[0].passwd);
        assert_null(p->users[0].gecos);
        assert_string_equal(file(p, "/home/eve/.ssh/authorized_keys")->content,
                            "# auto-generated by /usr/bin/update-ssh-keys\nssh-ed25519 " K1 " ok\n");
        /* the hash, the gecos and the second key; a blank entry is no error */
        assert_int_equal(plan_count_errors(p), 3);
        for (size_t i = 0; i < p->n_issues; i++)
                assert_null(strstr(p->issues[i].message, "evil"));
        run_done(&run);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_unit_command_words),
                cmocka_unit_test(test_seed),
                cmocka_unit_test(test_unchanged),
                cmocka_unit_test(test_hostname_precedence),
                cmocka_unit_test(test_update_base),
                cmocka_unit_test(test_failures_are_independent),
                cmocka_unit_test(test_environment_left_to_write_files),
                cmocka_unit_test(test_write_files),
                cmocka_unit_test(test_users_and_keys),
                cmocka_unit_test(test_units_mask_unmask),
                cmocka_unit_test(test_metadata_keys),
                cmocka_unit_test(test_discovery_etcd2),
                cmocka_unit_test(test_discovery_etcd04),
                cmocka_unit_test(test_hostname_pretty),
                cmocka_unit_test(test_path_normalize),
                cmocka_unit_test(test_write_files_same_file),
                cmocka_unit_test(test_isolation),
                cmocka_unit_test(test_default_user_created),
                cmocka_unit_test(test_default_user_existing_or_not_created),
                cmocka_unit_test(test_user_values_stay_data),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
