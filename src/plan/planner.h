/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "config/model.h"
#include "plan/plan.h"

/* The planner: a pure function from cloud-config models, metadata and the
 * current state of the files it merges into, to a Plan. The current state
 * comes through PlanReader, so tests give it an in-memory tree and apply
 * gives it the --root directory. */

typedef enum PlanNodeKind {
        PLAN_NODE_ABSENT,
        PLAN_NODE_REGULAR,
        PLAN_NODE_NULL,        /* a mask: symlink to /dev/null or a character device */
        PLAN_NODE_DIRECTORY,
        PLAN_NODE_OTHER,       /* any other symlink, fifo, ... */
        _PLAN_NODE_KIND_MAX,
        _PLAN_NODE_KIND_INVALID = -EINVAL,
} PlanNodeKind;

typedef struct PlanNode {
        PlanNodeKind kind;
        mode_t mode;           /* permission bits */
        uid_t uid;
        gid_t gid;
        char *content;         /* REGULAR and asked for: NUL-terminated */
        size_t size;
} PlanNode;

void plan_node_done(PlanNode *n);

typedef struct PlanReader {
        /* Fills ret for path (absent is not an error); content only when
         * want_content. Negative errno only when the state cannot be known. */
        int (*stat)(void *userdata, const char *path, bool want_content, PlanNode *ret);
        /* Sorted names of the regular files in dir; an absent dir is an empty
         * list (ret NULL). */
        int (*list)(void *userdata, const char *dir, char ***ret);
        /* Resolves "user", "user:group", "uid[:gid]"; NULL = the default
         * owner (who runs nodeinit; root without this callback). Optional;
         * -ENOENT (e.g. a user created in this run) makes the file "changed". */
        int (*owner)(void *userdata, const char *owner, uid_t *ret_uid, gid_t *ret_gid);
        void *userdata;
} PlanReader;

typedef enum PlanAddress {
        PLAN_PUBLIC_IPV4,
        PLAN_PRIVATE_IPV4,
        PLAN_PUBLIC_IPV6,
        PLAN_PRIVATE_IPV6,
        _PLAN_ADDRESS_MAX,
        _PLAN_ADDRESS_INVALID = -EINVAL,
} PlanAddress;

/* COREOS_PUBLIC_IPV4, ... */
const char *plan_address_env(PlanAddress a) _const_;

typedef struct PlanScriptInput {
        const char *content;
        size_t size;
        const char *origin;
} PlanScriptInput;

typedef struct PlanInput {
        const ConfigCloudConfig *const *configs; /* cloud-config parts in order; may be 0 */
        size_t n_configs;
        const PlanScriptInput *scripts;
        size_t n_scripts;

        /* metadata, any may be NULL */
        const char *addresses[_PLAN_ADDRESS_MAX]; /* metadata, else COREOS_* env */
        const char *metadata_hostname;
        const char *instance_id;
        const char *const *metadata_keys;        /* NULL-terminated */

        /* The default user (/etc/nodeinit/nodeinit.conf, --default-user):
         * gets the metadata's SSH keys and the top-level
         * ssh_authorized_keys. When it gets keys and is not in the root's
         * /etc/passwd, the plan creates it as cloud-init creates a
         * distribution's default user: home, /bin/bash, locked password,
         * supplementary groups, passwordless sudo. */
        const char *default_user;                /* NULL: PLAN_DEFAULT_USER */
        const char *const *default_user_groups;  /* NULL-terminated; NULL: PLAN_DEFAULT_USER_GROUPS;
                                                  * only those in the root's /etc/group are used */
        bool default_user_no_create;             /* a missing default user is an error for its keys */

        const char *current_hostname;  /* for /etc/hosts when no hostname is planned */
        const char *ssh_key_name;      /* NULL: "coreos-cloudinit" */
        const char *workspace;         /* NULL: /var/lib/coreos-cloudinit */
        const char *unit_dir;          /* NULL: /etc/systemd/system */
        const char *runtime_unit_dir;  /* NULL: /run/systemd/system */
        bool user_units;               /* --systemd=user: no networkd units, no drop-ins for etcd etc. */

        /* -convert-netconf: "debian", "packet" or "vmware" (NULL: none) and
         * the datasource's network description: the interfaces file or
         * Packet's "network" JSON (network_config), VMware's keys
         * (network_keys: key, value, ...; an empty list when the VMware
         * source had none). NULL: the source has no such description. */
        const char *netconf;
        const char *network_config;
        size_t network_config_size;
        char * const *network_keys;
        const PlanReader *reader;
} PlanInput;

#define PLAN_SSH_KEY_NAME_DEFAULT "coreos-cloudinit"
#define PLAN_DEFAULT_USER "core"
/* cloud-init's administrative groups of a default user */
#define PLAN_DEFAULT_USER_GROUPS "sudo", "wheel", "adm", "docker", "systemd-journal"
#define PLAN_WORKSPACE_DEFAULT "/var/lib/coreos-cloudinit"

int plan_build(const PlanInput *in, Plan *ret);

/* ---- renderers (pure; exposed for tests) ------------------------------- */

/* Environment="KEY=value" quoting for a unit file: '"' and '\' escaped, a
 * '%' that starts no systemd specifier doubled (%H, %m, %% are kept). -EINVAL for a value systemd could not take back (newline or other
 * control character but tab, invalid UTF-8). */
int unit_env_quote(const char *value, char **ret);

/* `[Service]` and one Environment= line per set field of a drop-in section
 * (s->dropin_unit), in schema order. *ret NULL when nothing is set.
 * -EINVAL sets *reterr_key to the offending field's key. secret says a
 * password field is among them. */
int render_dropin(const SchemaStruct *s, const void *section, char **ret, bool *ret_secret,
                  const char **reterr_key);
/* A value for an EnvironmentFile= line that systemd reads back exactly:
 * bare when that is safe (coreos-cloudinit's bytes), else double-quoted with
 * '"', '\\', '`' and '$' escaped. -EINVAL for what no line can carry (a
 * control character but tab, invalid UTF-8). */
int env_file_quote(const char *value, char **ret);
/* KEY=value lines joined by '\n' without a trailing newline (flannel), each
 * value as env_file_quote() writes it. -EINVAL sets *reterr_key. */
int render_env_lines(const SchemaStruct *s, const void *section, char **ret, const char **reterr_key);
/* /etc/coreos/update.conf from the base text (NULL = empty). -EINVAL sets
 * *reterr_key for a value that fails its check or that an EnvironmentFile=
 * would not read back bare. */
int render_update_conf(const ConfigUpdate *u, const char *base, size_t base_size, char **ret,
                       const char **reterr_key);
/* /etc/oem-release. -EINVAL when id or version_id cannot be written bare. */
int render_oem_release(const ConfigOem *o, char **ret);
/* coreos-cloudinit's /etc/environment merge: values[] by PlanAddress, NULL =
 * not set. old may be NULL. -EINVAL for a value that cannot be written bare. */
int render_environment(const char *old, size_t old_size, const char *const values[_PLAN_ADDRESS_MAX],
                       char **ret, size_t *ret_size);
/* Go's %q of a string. */
int go_quote(const char *s, char **ret);

/* The hostname to set: first label, at most 63 characters. -EINVAL when it
 * is not a host name (empty, control characters, ...). */
int hostname_normalize(const char *in, char **ret);
/* inet_pton() check for a PlanAddress. */
bool plan_address_valid(PlanAddress a, const char *value);
/* Octal text ("0644", "644"); -EINVAL otherwise. Empty = 0644. */
int parse_permissions(const char *s, mode_t *ret);
