/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"
#include "plan/plan.h"
#include "net/http.h"

/* etcd discovery, both protocols (platform.md §5):
 * - etcd 0.4 (coreos.etcd.discovery): we register the node ourselves, as
 *   etcd 0.4 does: PUT <url>/<name>?ttl=604800 value=<peer addr>.
 * - v2 discovery (coreos.etcd2.discovery): etcd registers itself; we only
 *   check, before it starts, what it will find: token, size, members, and
 *   whether this node is already there. */

typedef enum DiscoveryStatus {
        DISCOVERY_REGISTERED,           /* etcd 0.4: created or updated our entry */
        DISCOVERY_UNCHANGED,            /* etcd 0.4: our entry was already there */
        DISCOVERY_OPEN,                 /* v2: token fine, room for this node */
        DISCOVERY_FULL,                 /* v2: full without us: proxy or exit, per discovery_fallback */
        DISCOVERY_SELF_REGISTERED,      /* v2: our member ID is among the members: fine with etcd's data dir, refused with a fresh one */
        DISCOVERY_DUPLICATE,            /* v2: our name or peer URL is registered under another ID */
        DISCOVERY_NO_TOKEN,             /* v2: <url>/_config/size not found */
        DISCOVERY_BAD_RESPONSE,         /* not an etcd v2 keys API, or a bad size */
        DISCOVERY_UNREACHABLE,          /* no answer before the deadline */
        DISCOVERY_ERROR,                /* an unexpected HTTP status */
        _DISCOVERY_STATUS_MAX,
        _DISCOVERY_STATUS_INVALID = -EINVAL,
} DiscoveryStatus;

const char *discovery_status_to_string(DiscoveryStatus s) _const_;
DiscoveryStatus discovery_status_from_string(const char *s) _pure_;

typedef struct DiscoveryPeer {
        char *key;              /* last path component: member ID (v2) or machine name (0.4) */
        char *value;            /* "name=peerURL[,...]" (v2) or peer address (0.4) */
        uint64_t created_index;
} DiscoveryPeer;

void discovery_peers_free(DiscoveryPeer *p, size_t n);

typedef struct DiscoveryResult {
        DiscoveryKind kind;
        DiscoveryStatus status;
        bool ok;                /* false: etcd will not get going with this (exit status) */
        unsigned size;          /* v2: _config/size; 0 unknown */
        DiscoveryPeer *peers;   /* registered members, in createdIndex order */
        size_t n_peers;
        char *member_id;        /* v2: the ID etcd will register under (hex) */
        char *message;          /* one sentence for the report */
        unsigned requests;
        uint64_t usec;
} DiscoveryResult;

void discovery_result_done(DiscoveryResult *r);

typedef struct DiscoveryOptions {
        uint64_t timeout_usec;          /* overall deadline for retries; 0: 60 s */
        uint64_t request_timeout_usec;  /* one request; 0: 10 s */
} DiscoveryOptions;

/* Runs d (registration or check). Fills *ret and returns 0 whenever there
 * is something to report (ret->ok says whether it is good news); negative
 * errno only for -ENOMEM/-EINVAL (bad url). */
int discovery_run(HttpClient *http, const PlanDiscovery *d, const DiscoveryOptions *o, DiscoveryResult *ret);

/* What discovery.etcd.io/new does on a self-hosted etcd: PUT
 * <prefix>/<32 hex>/_config/size value=size. ret_url: <prefix>/<token>. */
int discovery_token_new(HttpClient *http, const char *prefix, unsigned size, const DiscoveryOptions *o,
                        char **ret_url, char **reterr_message);

/* Pure helpers, for tests. */

/* etcd's member ID: the first 8 bytes (big-endian) of SHA-1 over the sorted
 * peer URLs joined without separator, then the cluster token. With
 * discovery, etcd uses the discovery URL as the token. */
uint64_t etcd_member_id(const char *peer_urls_comma, const char *token);

/* Parses a v2 keys API answer for a directory: its child nodes (not
 * sub-directories, not keys starting with '_'), sorted by createdIndex.
 * -EBADMSG when it is not such an answer. */
int discovery_parse_dir(const char *json, DiscoveryPeer **ret, size_t *ret_n);
/* The value of a single-node answer ({"node":{"value":...}}). */
int discovery_parse_value(const char *json, char **ret);
/* The etcd errorCode of an error answer, or -EBADMSG. */
int discovery_parse_error_code(const char *json);
/* application/x-www-form-urlencoded escaping of s, appended to ret. */
char *discovery_form_escape(const char *s);
