/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* What a datasource knows about the node besides its user-data. Every string
 * may be NULL (absent). */
typedef struct Metadata {
        char *public_ipv4;
        char *private_ipv4;
        char *public_ipv6;
        char *private_ipv6;
        char *hostname;
        char *instance_id;
        char **ssh_key_names;   /* parallel to ssh_public_keys; NULL entries allowed as "" */
        char **ssh_public_keys; /* key material, one key per entry */
        char *network_config;   /* raw bytes for network conversion, if any */
        size_t network_config_size;
        /* VMware's network description for -convert-netconf=vmware: its keys
         * without "guestinfo." ("interface.0.mac", "dns.server.0") and their
         * values, alternating key, value; NULL when the source has none. */
        char **network_keys;
} Metadata;

void metadata_done(Metadata *m);
