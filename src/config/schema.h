/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "basic/macro.h"

/* The cloud-config schema, once. Each CONFIG_*_FIELDS list below is the only
 * place a key is named: it expands into the C struct of the model
 * (config/model.h), into the table the parser and the validator walk
 * (config/schema.c), and into the renderers' order and variable names.
 *
 * Columns: F(T, key, TYPE, env, check, deprecated, sub)
 *   key         canonical key, '_' form ('-' in input is the same)
 *   TYPE        STRING INT FLOAT BOOL STRV STRUCT LIST (LIST = []struct)
 *   env         environment variable written for it, or NULL
 *   check       &check_* of allowed values, or NULL (STRV: of each element)
 *   deprecated  reason, or NULL
 *   sub         struct type of STRUCT/LIST fields, _ otherwise
 * Field order is coreos-cloudinit's struct order: it is the order of the
 * Environment= lines it writes. */

#define DEP_ETCD_V2 "etcd2 options no longer work for etcd"
#define DEP_REMOTE "trying to fetch from a remote endpoint introduces too many intermittent errors"

#define CONFIG_DROPIN_FIELDS(F, T)                                                              \
        F(T, name, STRING, NULL, &check_dropin_name, NULL, _)                                   \
        F(T, content, STRING, NULL, NULL, NULL, _)

#define CONFIG_UNIT_FIELDS(F, T)                                                                \
        F(T, name, STRING, NULL, &check_unit_name, NULL, _)                                     \
        F(T, mask, BOOL, NULL, NULL, NULL, _)                                                   \
        F(T, enable, BOOL, NULL, NULL, NULL, _)                                                 \
        F(T, runtime, BOOL, NULL, NULL, NULL, _)                                                \
        F(T, content, STRING, NULL, NULL, NULL, _)                                              \
        F(T, command, STRING, NULL, &check_unit_command, NULL, _)                               \
        F(T, drop_ins, LIST, NULL, NULL, NULL, ConfigDropIn)

#define CONFIG_ETCD_FIELDS(F, T)                                                                \
        F(T, addr, STRING, "ETCD_ADDR", NULL, NULL, _)                                          \
        F(T, advertise_client_urls, STRING, "ETCD_ADVERTISE_CLIENT_URLS", NULL, DEP_ETCD_V2, _) \
        F(T, bind_addr, STRING, "ETCD_BIND_ADDR", NULL, NULL, _)                                \
        F(T, ca_file, STRING, "ETCD_CA_FILE", NULL, NULL, _)                                    \
        F(T, cert_file, STRING, "ETCD_CERT_FILE", NULL, NULL, _)                                \
        F(T, cluster_active_size, INT, "ETCD_CLUSTER_ACTIVE_SIZE", NULL, NULL, _)               \
        F(T, cluster_remove_delay, FLOAT, "ETCD_CLUSTER_REMOVE_DELAY", NULL, NULL, _)           \
        F(T, cluster_sync_interval, FLOAT, "ETCD_CLUSTER_SYNC_INTERVAL", NULL, NULL, _)         \
        F(T, cors, STRING, "ETCD_CORS", NULL, NULL, _)                                          \
        F(T, data_dir, STRING, "ETCD_DATA_DIR", NULL, NULL, _)                                  \
        F(T, discovery, STRING, "ETCD_DISCOVERY", &check_discovery_url, NULL, _)                \
        F(T, discovery_fallback, STRING, "ETCD_DISCOVERY_FALLBACK", NULL, DEP_ETCD_V2, _)       \
        F(T, discovery_srv, STRING, "ETCD_DISCOVERY_SRV", NULL, DEP_ETCD_V2, _)                 \
        F(T, discovery_proxy, STRING, "ETCD_DISCOVERY_PROXY", NULL, DEP_ETCD_V2, _)             \
        F(T, election_timeout, INT, "ETCD_ELECTION_TIMEOUT", NULL, DEP_ETCD_V2, _)              \
        F(T, force_new_cluster, BOOL, "ETCD_FORCE_NEW_CLUSTER", NULL, DEP_ETCD_V2, _)           \
        F(T, graphite_host, STRING, "ETCD_GRAPHITE_HOST", NULL, NULL, _)                        \
        F(T, heartbeat_interval, INT, "ETCD_HEARTBEAT_INTERVAL", NULL, DEP_ETCD_V2, _)          \
        F(T, http_read_timeout, FLOAT, "ETCD_HTTP_READ_TIMEOUT", NULL, NULL, _)                 \
        F(T, http_write_timeout, FLOAT, "ETCD_HTTP_WRITE_TIMEOUT", NULL, NULL, _)               \
        F(T, initial_advertise_peer_urls, STRING, "ETCD_INITIAL_ADVERTISE_PEER_URLS", NULL, DEP_ETCD_V2, _) \
        F(T, initial_cluster, STRING, "ETCD_INITIAL_CLUSTER", NULL, DEP_ETCD_V2, _)             \
        F(T, initial_cluster_state, STRING, "ETCD_INITIAL_CLUSTER_STATE", NULL, DEP_ETCD_V2, _) \
        F(T, initial_cluster_token, STRING, "ETCD_INITIAL_CLUSTER_TOKEN", NULL, DEP_ETCD_V2, _) \
        F(T, key_file, STRING, "ETCD_KEY_FILE", NULL, NULL, _)                                  \
        F(T, listen_client_urls, STRING, "ETCD_LISTEN_CLIENT_URLS", NULL, DEP_ETCD_V2, _)       \
        F(T, listen_peer_urls, STRING, "ETCD_LISTEN_PEER_URLS", NULL, DEP_ETCD_V2, _)           \
        F(T, max_result_buffer, INT, "ETCD_MAX_RESULT_BUFFER", NULL, NULL, _)                   \
        F(T, max_retry_attempts, INT, "ETCD_MAX_RETRY_ATTEMPTS", NULL, NULL, _)                 \
        F(T, max_snapshots, INT, "ETCD_MAX_SNAPSHOTS", NULL, DEP_ETCD_V2, _)                    \
        F(T, max_wals, INT, "ETCD_MAX_WALS", NULL, DEP_ETCD_V2, _)                              \
        F(T, name, STRING, "ETCD_NAME", NULL, NULL, _)                                          \
        F(T, peer_addr, STRING, "ETCD_PEER_ADDR", NULL, NULL, _)                                \
        F(T, peer_bind_addr, STRING, "ETCD_PEER_BIND_ADDR", NULL, NULL, _)                      \
        F(T, peer_ca_file, STRING, "ETCD_PEER_CA_FILE", NULL, NULL, _)                          \
        F(T, peer_cert_file, STRING, "ETCD_PEER_CERT_FILE", NULL, NULL, _)                      \
        F(T, peer_election_timeout, INT, "ETCD_PEER_ELECTION_TIMEOUT", NULL, NULL, _)           \
        F(T, peer_heartbeat_interval, INT, "ETCD_PEER_HEARTBEAT_INTERVAL", NULL, NULL, _)       \
        F(T, peer_key_file, STRING, "ETCD_PEER_KEY_FILE", NULL, NULL, _)                        \
        F(T, peers, STRING, "ETCD_PEERS", NULL, NULL, _)                                        \
        F(T, peers_file, STRING, "ETCD_PEERS_FILE", NULL, NULL, _)                              \
        F(T, proxy, STRING, "ETCD_PROXY", NULL, DEP_ETCD_V2, _)                                 \
        F(T, retry_interval, FLOAT, "ETCD_RETRY_INTERVAL", NULL, NULL, _)                       \
        F(T, snapshot, BOOL, "ETCD_SNAPSHOT", NULL, NULL, _)                                    \
        F(T, snapshot_count, INT, "ETCD_SNAPSHOTCOUNT", NULL, NULL, _)                          \
        F(T, trace, STRING, "ETCD_TRACE", NULL, NULL, _)                                        \
        F(T, verbose, BOOL, "ETCD_VERBOSE", NULL, NULL, _)                                      \
        F(T, very_verbose, BOOL, "ETCD_VERY_VERBOSE", NULL, NULL, _)                            \
        F(T, very_very_verbose, BOOL, "ETCD_VERY_VERY_VERBOSE", NULL, NULL, _)

#define CONFIG_ETCD2_FIELDS(F, T)                                                               \
        F(T, advertise_client_urls, STRING, "ETCD_ADVERTISE_CLIENT_URLS", NULL, NULL, _)        \
        F(T, ca_file, STRING, "ETCD_CA_FILE", NULL, "ca_file obsoleted by trusted_ca_file and client_cert_auth", _) \
        F(T, cert_file, STRING, "ETCD_CERT_FILE", NULL, NULL, _)                                \
        F(T, client_cert_auth, BOOL, "ETCD_CLIENT_CERT_AUTH", NULL, NULL, _)                    \
        F(T, cors, STRING, "ETCD_CORS", NULL, NULL, _)                                          \
        F(T, data_dir, STRING, "ETCD_DATA_DIR", NULL, NULL, _)                                  \
        F(T, debug, BOOL, "ETCD_DEBUG", NULL, NULL, _)                                          \
        F(T, discovery, STRING, "ETCD_DISCOVERY", &check_discovery_url_v2, NULL, _)             \
        F(T, discovery_fallback, STRING, "ETCD_DISCOVERY_FALLBACK", &check_discovery_fallback, NULL, _) \
        F(T, discovery_srv, STRING, "ETCD_DISCOVERY_SRV", NULL, NULL, _)                        \
        F(T, discovery_proxy, STRING, "ETCD_DISCOVERY_PROXY", NULL, NULL, _)                    \
        F(T, election_timeout, INT, "ETCD_ELECTION_TIMEOUT", NULL, NULL, _)                     \
        F(T, enable_pprof, BOOL, "ETCD_ENABLE_PPROF", NULL, NULL, _)                            \
        F(T, force_new_cluster, BOOL, "ETCD_FORCE_NEW_CLUSTER", NULL, NULL, _)                  \
        F(T, heartbeat_interval, INT, "ETCD_HEARTBEAT_INTERVAL", NULL, NULL, _)                 \
        F(T, initial_advertise_peer_urls, STRING, "ETCD_INITIAL_ADVERTISE_PEER_URLS", NULL, NULL, _) \
        F(T, initial_cluster, STRING, "ETCD_INITIAL_CLUSTER", NULL, NULL, _)                    \
        F(T, initial_cluster_state, STRING, "ETCD_INITIAL_CLUSTER_STATE", NULL, NULL, _)        \
        F(T, initial_cluster_token, STRING, "ETCD_INITIAL_CLUSTER_TOKEN", NULL, NULL, _)        \
        F(T, key_file, STRING, "ETCD_KEY_FILE", NULL, NULL, _)                                  \
        F(T, listen_client_urls, STRING, "ETCD_LISTEN_CLIENT_URLS", NULL, NULL, _)              \
        F(T, listen_peer_urls, STRING, "ETCD_LISTEN_PEER_URLS", NULL, NULL, _)                  \
        F(T, log_package_levels, STRING, "ETCD_LOG_PACKAGE_LEVELS", NULL, NULL, _)              \
        F(T, max_snapshots, INT, "ETCD_MAX_SNAPSHOTS", NULL, NULL, _)                           \
        F(T, max_wals, INT, "ETCD_MAX_WALS", NULL, NULL, _)                                     \
        F(T, name, STRING, "ETCD_NAME", NULL, NULL, _)                                          \
        F(T, peer_ca_file, STRING, "ETCD_PEER_CA_FILE", NULL, "peer_ca_file obsoleted peer_trusted_ca_file and peer_client_cert_auth", _) \
        F(T, peer_cert_file, STRING, "ETCD_PEER_CERT_FILE", NULL, NULL, _)                      \
        F(T, peer_key_file, STRING, "ETCD_PEER_KEY_FILE", NULL, NULL, _)                        \
        F(T, peer_client_cert_auth, BOOL, "ETCD_PEER_CLIENT_CERT_AUTH", NULL, NULL, _)          \
        F(T, peer_trusted_ca_file, STRING, "ETCD_PEER_TRUSTED_CA_FILE", NULL, NULL, _)          \
        F(T, proxy, STRING, "ETCD_PROXY", &check_etcd2_proxy, NULL, _)                          \
        F(T, proxy_dial_timeout, INT, "ETCD_PROXY_DIAL_TIMEOUT", NULL, NULL, _)                 \
        F(T, proxy_failure_wait, INT, "ETCD_PROXY_FAILURE_WAIT", NULL, NULL, _)                 \
        F(T, proxy_read_timeout, INT, "ETCD_PROXY_READ_TIMEOUT", NULL, NULL, _)                 \
        F(T, proxy_refresh_interval, INT, "ETCD_PROXY_REFRESH_INTERVAL", NULL, NULL, _)         \
        F(T, proxy_write_timeout, INT, "ETCD_PROXY_WRITE_TIMEOUT", NULL, NULL, _)               \
        F(T, snapshot_count, INT, "ETCD_SNAPSHOT_COUNT", NULL, NULL, _)                         \
        F(T, strict_reconfig_check, BOOL, "ETCD_STRICT_RECONFIG_CHECK", NULL, NULL, _)          \
        F(T, trusted_ca_file, STRING, "ETCD_TRUSTED_CA_FILE", NULL, NULL, _)                    \
        F(T, wal_dir, STRING, "ETCD_WAL_DIR", NULL, NULL, _)

#define CONFIG_FLEET_FIELDS(F, T)                                                               \
        F(T, agent_ttl, STRING, "FLEET_AGENT_TTL", NULL, NULL, _)                               \
        F(T, authorized_keys_file, STRING, "FLEET_AUTHORIZED_KEYS_FILE", NULL, NULL, _)         \
        F(T, disable_engine, BOOL, "FLEET_DISABLE_ENGINE", NULL, NULL, _)                       \
        F(T, engine_reconcile_interval, FLOAT, "FLEET_ENGINE_RECONCILE_INTERVAL", NULL, NULL, _) \
        F(T, etcd_cafile, STRING, "FLEET_ETCD_CAFILE", NULL, NULL, _)                           \
        F(T, etcd_certfile, STRING, "FLEET_ETCD_CERTFILE", NULL, NULL, _)                       \
        F(T, etcd_keyfile, STRING, "FLEET_ETCD_KEYFILE", NULL, NULL, _)                         \
        F(T, etcd_key_prefix, STRING, "FLEET_ETCD_KEY_PREFIX", NULL, NULL, _)                   \
        F(T, etcd_request_timeout, FLOAT, "FLEET_ETCD_REQUEST_TIMEOUT", NULL, NULL, _)          \
        F(T, etcd_servers, STRING, "FLEET_ETCD_SERVERS", NULL, NULL, _)                         \
        F(T, etcd_username, STRING, "FLEET_ETCD_USERNAME", NULL, NULL, _)                       \
        F(T, etcd_password, STRING, "FLEET_ETCD_PASSWORD", NULL, NULL, _)                       \
        F(T, metadata, STRING, "FLEET_METADATA", NULL, NULL, _)                                 \
        F(T, public_ip, STRING, "FLEET_PUBLIC_IP", NULL, NULL, _)                               \
        F(T, token_limit, INT, "FLEET_TOKEN_LIMIT", NULL, NULL, _)                              \
        F(T, verbosity, INT, "FLEET_VERBOSITY", NULL, NULL, _)                                  \
        F(T, verify_units, BOOL, "FLEET_VERIFY_UNITS", NULL, NULL, _)

#define CONFIG_FLANNEL_FIELDS(F, T)                                                             \
        F(T, etcd_endpoints, STRING, "FLANNELD_ETCD_ENDPOINTS", NULL, NULL, _)                  \
        F(T, etcd_cafile, STRING, "FLANNELD_ETCD_CAFILE", NULL, NULL, _)                        \
        F(T, etcd_certfile, STRING, "FLANNELD_ETCD_CERTFILE", NULL, NULL, _)                    \
        F(T, etcd_keyfile, STRING, "FLANNELD_ETCD_KEYFILE", NULL, NULL, _)                      \
        F(T, etcd_prefix, STRING, "FLANNELD_ETCD_PREFIX", NULL, NULL, _)                        \
        F(T, etcd_username, STRING, "FLANNELD_ETCD_USERNAME", NULL, NULL, _)                    \
        F(T, etcd_password, STRING, "FLANNELD_ETCD_PASSWORD", NULL, NULL, _)                    \
        F(T, ip_masq, STRING, "FLANNELD_IP_MASQ", NULL, NULL, _)                                \
        F(T, subnet_file, STRING, "FLANNELD_SUBNET_FILE", NULL, NULL, _)                        \
        F(T, interface, STRING, "FLANNELD_IFACE", NULL, NULL, _)                                \
        F(T, public_ip, STRING, "FLANNELD_PUBLIC_IP", NULL, NULL, _)

#define CONFIG_LOCKSMITH_FIELDS(F, T)                                                           \
        F(T, endpoint, STRING, "LOCKSMITHD_ENDPOINT", NULL, NULL, _)                            \
        F(T, etcd_cafile, STRING, "LOCKSMITHD_ETCD_CAFILE", NULL, NULL, _)                      \
        F(T, etcd_certfile, STRING, "LOCKSMITHD_ETCD_CERTFILE", NULL, NULL, _)                  \
        F(T, etcd_keyfile, STRING, "LOCKSMITHD_ETCD_KEYFILE", NULL, NULL, _)                    \
        F(T, etcd_username, STRING, "LOCKSMITHD_ETCD_USERNAME", NULL, NULL, _)                  \
        F(T, etcd_password, STRING, "LOCKSMITHD_ETCD_PASSWORD", NULL, NULL, _)                  \
        F(T, group, STRING, "LOCKSMITHD_GROUP", NULL, NULL, _)                                  \
        F(T, window_start, STRING, "REBOOT_WINDOW_START", &check_window_start, NULL, _)         \
        F(T, window_length, STRING, "REBOOT_WINDOW_LENGTH", &check_window_length, NULL, _)

#define CONFIG_UPDATE_FIELDS(F, T)                                                              \
        F(T, reboot_strategy, STRING, "REBOOT_STRATEGY", &check_reboot_strategy, NULL, _)       \
        F(T, group, STRING, "GROUP", NULL, NULL, _)                                             \
        F(T, server, STRING, "SERVER", NULL, NULL, _)

#define CONFIG_OEM_FIELDS(F, T)                                                                 \
        F(T, id, STRING, "ID", NULL, NULL, _)                                                   \
        F(T, name, STRING, "NAME", NULL, NULL, _)                                               \
        F(T, version_id, STRING, "VERSION_ID", NULL, NULL, _)                                   \
        F(T, home_url, STRING, "HOME_URL", NULL, NULL, _)                                       \
        F(T, bug_report_url, STRING, "BUG_REPORT_URL", NULL, NULL, _)

#define CONFIG_COREOS_FIELDS(F, T)                                                              \
        F(T, etcd, STRUCT, NULL, NULL, "etcd is no longer shipped in Container Linux", ConfigEtcd) \
        F(T, etcd2, STRUCT, NULL, NULL, "etcd2 is no longer shipped in Container Linux", ConfigEtcd2) \
        F(T, flannel, STRUCT, NULL, NULL, NULL, ConfigFlannel)                                  \
        F(T, fleet, STRUCT, NULL, NULL, "fleet is no longer shipped in Container Linux", ConfigFleet) \
        F(T, locksmith, STRUCT, NULL, NULL, NULL, ConfigLocksmith)                              \
        F(T, oem, STRUCT, NULL, NULL, NULL, ConfigOem)                                          \
        F(T, update, STRUCT, NULL, NULL, NULL, ConfigUpdate)                                    \
        F(T, units, LIST, NULL, NULL, NULL, ConfigUnit)

#define CONFIG_FILE_FIELDS(F, T)                                                                \
        F(T, encoding, STRING, NULL, &check_encoding, NULL, _)                                  \
        F(T, content, STRING, NULL, NULL, NULL, _)                                              \
        F(T, owner, STRING, NULL, &check_owner, NULL, _)                                        \
        F(T, path, STRING, NULL, &check_file_path, NULL, _)                                     \
        F(T, permissions, STRING, NULL, &check_permissions, NULL, _)

#define CONFIG_USER_FIELDS(F, T)                                                                \
        F(T, name, STRING, NULL, &check_user_name, NULL, _)                                     \
        F(T, passwd, STRING, NULL, &check_passwd, NULL, _)                                      \
        F(T, ssh_authorized_keys, STRV, NULL, &check_ssh_key, NULL, _)                          \
        F(T, coreos_ssh_import_github, STRING, NULL, NULL, DEP_REMOTE, _)                       \
        F(T, coreos_ssh_import_github_users, STRV, NULL, NULL, DEP_REMOTE, _)                   \
        F(T, coreos_ssh_import_url, STRING, NULL, NULL, DEP_REMOTE, _)                          \
        F(T, gecos, STRING, NULL, &check_passwd_field, NULL, _)                                 \
        F(T, homedir, STRING, NULL, &check_homedir, NULL, _)                                    \
        F(T, no_create_home, BOOL, NULL, NULL, NULL, _)                                         \
        F(T, primary_group, STRING, NULL, &check_group_name, NULL, _)                           \
        F(T, groups, STRV, NULL, &check_group_name, NULL, _)                                    \
        F(T, no_user_group, BOOL, NULL, NULL, NULL, _)                                          \
        F(T, system, BOOL, NULL, NULL, NULL, _)                                                 \
        F(T, no_log_init, BOOL, NULL, NULL, NULL, _)                                            \
        F(T, shell, STRING, NULL, &check_passwd_field, NULL, _)

#define CONFIG_CLOUD_CONFIG_FIELDS(F, T)                                                        \
        F(T, ssh_authorized_keys, STRV, NULL, &check_ssh_key, NULL, _)                          \
        F(T, coreos, STRUCT, NULL, NULL, NULL, ConfigCoreos)                                    \
        F(T, write_files, LIST, NULL, NULL, NULL, ConfigFile)                                   \
        F(T, hostname, STRING, NULL, &check_hostname, NULL, _)                                  \
        F(T, users, LIST, NULL, NULL, NULL, ConfigUser)                                         \
        F(T, manage_etc_hosts, STRING, NULL, &check_manage_etc_hosts, NULL, _)

/* Keys that are not (or were not always) what the section's table says,
 * but that published configs carry. Columns: A(section, key, kind, target, note)
 *   MISPLACED  another section's key: reported as unrecognized, plus note (info)
 *   RENAMED    an old name of field target: accepted as target with a
 *              deprecation warning; note says when coreos-cloudinit renamed it
 *   WAS_TEXT   a number or bool field that coreos-cloudinit once read as text:
 *              a quoted value ("2", "true") of the field's type is accepted
 *              with a deprecation warning */
#define DEP_ETCD_TYPED "coreos-cloudinit 08131ff (Nov 2014, v0.11.4) typed it; it was text before"
#define DEP_FLEET_TYPED "coreos-cloudinit 62248ea (Nov 2014, v0.11.4) typed it; it was text before"
#define CONFIG_KEY_ALIASES(A)                                                                   \
        A(ConfigCoreos, write_files, MISPLACED, NULL, "write_files doesn't belong under coreos") \
        A(ConfigFlannel, etcd_endpoint, RENAMED, "etcd_endpoints",                              \
          "coreos-cloudinit 58f0dad (Jan 2015, v1.1) renamed it etcd_endpoints, the flag flannel reads") \
        A(ConfigEtcd, cluster_active_size, WAS_TEXT, NULL, DEP_ETCD_TYPED)                      \
        A(ConfigEtcd, cluster_remove_delay, WAS_TEXT, NULL, DEP_ETCD_TYPED)                     \
        A(ConfigEtcd, cluster_sync_interval, WAS_TEXT, NULL, DEP_ETCD_TYPED)                    \
        A(ConfigEtcd, http_read_timeout, WAS_TEXT, NULL, DEP_ETCD_TYPED)                        \
        A(ConfigEtcd, http_write_timeout, WAS_TEXT, NULL, DEP_ETCD_TYPED)                       \
        A(ConfigEtcd, max_result_buffer, WAS_TEXT, NULL, DEP_ETCD_TYPED)                        \
        A(ConfigEtcd, max_retry_attempts, WAS_TEXT, NULL, DEP_ETCD_TYPED)                       \
        A(ConfigEtcd, snapshot, WAS_TEXT, NULL, DEP_ETCD_TYPED)                                 \
        A(ConfigEtcd, verbose, WAS_TEXT, NULL, DEP_ETCD_TYPED)                                  \
        A(ConfigEtcd, very_verbose, WAS_TEXT, NULL, DEP_ETCD_TYPED)                             \
        A(ConfigFleet, engine_reconcile_interval, WAS_TEXT, NULL, DEP_FLEET_TYPED)              \
        A(ConfigFleet, etcd_request_timeout, WAS_TEXT, NULL, DEP_FLEET_TYPED)                   \
        A(ConfigFleet, verbosity, WAS_TEXT, NULL, DEP_FLEET_TYPED)

typedef enum FieldType {
        FIELD_STRING,
        FIELD_INT,
        FIELD_FLOAT,
        FIELD_BOOL,
        FIELD_STRV,
        FIELD_STRUCT,
        FIELD_LIST,
        _FIELD_TYPE_MAX,
        _FIELD_TYPE_INVALID = -EINVAL,
} FieldType;

/* The type names coreos-cloudinit's validator prints: "string", "[]struct"… */
const char *field_type_to_string(FieldType t) _const_;
FieldType field_type_from_string(const char *s) _pure_;

typedef struct ConfigCloudConfig ConfigCloudConfig;

/* A value coreos-cloudinit once accepted and later refused, which published
 * configs still carry: accepted with a deprecation warning and rewritten in
 * the model to what it meant. Either now is fixed, or resolve() picks it
 * from the rest of the cloud-config and says why in *ret_why. */
typedef struct LegacyValue {
        const char *old;
        const char *now;
        const char *(*resolve)(const ConfigCloudConfig *cc, const char **ret_why);
        const char *history; /* when and where coreos-cloudinit dropped it */
} LegacyValue;

/* Allowed values of a field. Either a fixed list (one_of), a predicate
 * (valid), or problem(), which returns why a value is refused (static text)
 * or NULL. describe says it in words, for docs and messages. Severity is the
 * kind of diagnostic coreos-cloudinit gives (error for "invalid value",
 * warning for the discovery URL). unusable() is for values that pass but
 * cannot work where they go (an SSH key line sshd would skip): why
 * (static text) or NULL; such a value is dropped with a warning, and its
 * item is applied without it. */
typedef struct FieldCheck {
        const char *describe;
        const char * const *one_of;
        bool (*valid)(const char *value);
        const char *(*problem)(const char *value);
        const char *(*unusable)(const char *value);
        const char *unusable_effect; /* what follows unusable()'s reason in the warning */
        bool warning_only;
        const char *message; /* printf format with one %s for the value; NULL: "invalid value %s";
                              * with problem(), ": <why>" follows */
        const LegacyValue *legacy; /* NULL-terminated by old == NULL */
        bool one_line;             /* a trailing line break (a YAML "|" block) is dropped */
} FieldCheck;

extern const FieldCheck check_encoding, check_permissions, check_etcd2_proxy, check_window_start,
        check_window_length, check_unit_command, check_reboot_strategy, check_manage_etc_hosts,
        check_discovery_url, check_discovery_url_v2, check_discovery_fallback, check_unit_name,
        check_dropin_name, check_file_path, check_owner, check_user_name, check_hostname,
        check_passwd, check_passwd_field, check_homedir, check_group_name, check_ssh_key;

bool field_check_passes(const FieldCheck *c, const char *value);
/* Why value fails c (static text), or NULL when it passes. */
const char *field_check_problem(const FieldCheck *c, const char *value);
/* The legacy entry of c that value is, or NULL. */
const LegacyValue *field_check_legacy(const FieldCheck *c, const char *value);

typedef struct SchemaStruct SchemaStruct;

typedef struct SchemaField {
        const char *key;
        FieldType type;
        const char *env;
        const FieldCheck *check;
        const char *deprecated;
        const SchemaStruct *sub;
        size_t offset;       /* of the member in the model struct */
        size_t count_offset; /* LIST: of the n_<key> member */
} SchemaField;

/* What the planner makes of a whole section. */
typedef enum SchemaRender {
        SCHEMA_RENDER_NONE,        /* planned field by field (units, users, ...) */
        SCHEMA_RENDER_DROPIN,      /* Environment= lines of <unit>.d/20-cloudinit.conf */
        SCHEMA_RENDER_ENV_FILE,    /* KEY=value lines at path, for an EnvironmentFile= */
        SCHEMA_RENDER_MERGE,       /* KEY=value lines merged into the file at path */
        SCHEMA_RENDER_OS_RELEASE,  /* os-release(5) lines at path */
        _SCHEMA_RENDER_MAX,
        _SCHEMA_RENDER_INVALID = -EINVAL,
} SchemaRender;

struct SchemaStruct {
        const char *name;          /* section name as users write it ("etcd2") */
        const SchemaField *fields;
        size_t n_fields;
        size_t size;               /* of the model struct */
        const char *dropin_unit;   /* renders to a 20-cloudinit.conf drop-in of this unit */
        bool whole_item;           /* isolation (issue 9): an error anywhere inside leaves out
                                    * the whole mapping; else each key stands alone */
        SchemaRender render;
        const char *unit;          /* the unit that reads what the section renders: a
                                    * section left out keeps it from being started */
        const char *path;          /* ENV_FILE, MERGE, OS_RELEASE: the file written */
};

typedef enum SchemaAliasKind {
        SCHEMA_ALIAS_MISPLACED,
        SCHEMA_ALIAS_RENAMED,
        SCHEMA_ALIAS_WAS_TEXT,
} SchemaAliasKind;

typedef struct SchemaAlias {
        const SchemaStruct *section;
        const char *key;
        SchemaAliasKind kind;
        const char *target;
        const char *note;
} SchemaAlias;

extern const SchemaStruct schema_ConfigDropIn, schema_ConfigUnit, schema_ConfigEtcd, schema_ConfigEtcd2,
        schema_ConfigFleet, schema_ConfigFlannel, schema_ConfigLocksmith, schema_ConfigUpdate,
        schema_ConfigOem, schema_ConfigCoreos, schema_ConfigFile, schema_ConfigUser,
        schema_ConfigCloudConfig;

/* Field of s whose key equals key after '-' → '_' (keylen bytes). */
const SchemaField *schema_find(const SchemaStruct *s, const char *key, size_t keylen);
/* The CONFIG_KEY_ALIASES row for key in s, or NULL. */
const SchemaAlias *schema_find_alias(const SchemaStruct *s, const char *key, size_t keylen);
/* The known key closest to key by edit distance, if close enough to be a typo. */
const char *schema_suggest(const SchemaStruct *s, const char *key);
