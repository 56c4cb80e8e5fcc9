/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"
#include "source/metadata.h"

/* The source stage: find the node's user-data and metadata. It knows nothing
 * of what is done with them. */

typedef enum SourceKind {
        SOURCE_EC2,
        SOURCE_FILE,
        SOURCE_URL,
        SOURCE_CMDLINE,
        SOURCE_CONFIGDRIVE,
        SOURCE_GCE,
        SOURCE_DIGITALOCEAN,
        SOURCE_PACKET,
        SOURCE_WAAGENT,
        SOURCE_VMWARE_GUESTINFO,
        SOURCE_VMWARE_OVF,
        SOURCE_CLOUDSIGMA,
        _SOURCE_KIND_MAX,
        _SOURCE_KIND_INVALID = -EINVAL,
} SourceKind;

const char *source_kind_to_string(SourceKind k) _const_;
SourceKind source_kind_from_string(const char *s) _pure_;

/* Defaults, as coreos-cloudinit's -oem presets and flags use them. */
#define SOURCE_EC2_DEFAULT_URL "http://169.254.169.254/"
#define SOURCE_GCE_DEFAULT_URL "http://metadata.google.internal/"
#define SOURCE_DIGITALOCEAN_DEFAULT_URL "http://169.254.169.254/"
#define SOURCE_PACKET_DEFAULT_URL "https://metadata.packet.net/"
#define SOURCE_CONFIGDRIVE_DEFAULT_DIR "/media/configdrive"
#define SOURCE_WAAGENT_DEFAULT_DIR "/var/lib/waagent"
#define SOURCE_CLOUDSIGMA_DEFAULT_DEVICE "/dev/ttyS1"
#define SOURCE_DMI_DEFAULT_DIR "/sys/class/dmi/id"

/* coreos-cloudinit's -convert-netconf: which network description to turn
 * into networkd units. The source stage only records it. */
typedef enum SourceNetconf {
        SOURCE_NETCONF_NONE,
        SOURCE_NETCONF_DEBIAN,
        SOURCE_NETCONF_PACKET,
        SOURCE_NETCONF_VMWARE,
        _SOURCE_NETCONF_MAX,
        _SOURCE_NETCONF_INVALID = -EINVAL,
} SourceNetconf;

const char *source_netconf_to_string(SourceNetconf n) _const_;
SourceNetconf source_netconf_from_string(const char *s) _pure_;

/* Where the EC2 source looks for IMDS when no URL was given:
 * 169.254.169.254, [fd00:ec2::254], or both at once (the first to answer
 * is used). */
typedef enum SourceImdsEndpoint {
        SOURCE_IMDS_ENDPOINT_AUTO,
        SOURCE_IMDS_ENDPOINT_IPV4,
        SOURCE_IMDS_ENDPOINT_IPV6,
        _SOURCE_IMDS_ENDPOINT_MAX,
        _SOURCE_IMDS_ENDPOINT_INVALID = -EINVAL,
} SourceImdsEndpoint;

const char *source_imds_endpoint_to_string(SourceImdsEndpoint e) _const_;
SourceImdsEndpoint source_imds_endpoint_from_string(const char *s) _pure_;

#define SOURCE_EC2_IPV6_URL "http://[fd00:ec2::254]/"

typedef struct SourceSpec {
        SourceKind kind;
        bool implicit;  /* arg is the kind's default, not one the user gave
                         * (EC2: --imds-endpoint chooses the address) */
        char *arg;      /* base URL (with trailing '/'), URL, file or directory; NULL for cmdline
                         * and vmware-guestinfo; the serial device for cloudsigma (NULL: the
                         * options' or the default) */
} SourceSpec;

void source_spec_done(SourceSpec *s);
void source_spec_array_free(SourceSpec *s, size_t n);

/* flag is a coreos-cloudinit flag name without dashes ("from-ec2-metadata");
 * value is its argument ("true"/"false" or NULL for the boolean ones).
 * -EINVAL: not a source flag; -ENOENT: a boolean flag set to false (no source);
 * -EBADMSG: bad value. */
int source_spec_from_flag(const char *flag, const char *value, SourceSpec *ret);

/* coreos-cloudinit's -oem presets. -EINVAL: unknown name. */
int source_oem_preset(const char *oem, SourceSpec **ret, size_t *ret_n);
extern const char *const source_oem_names[];
/* The -convert-netconf a preset implies (rackspace-onmetal: debian, vmware:
 * vmware), SOURCE_NETCONF_NONE for the others. */
SourceNetconf source_oem_netconf(const char *oem) _pure_;

/* nodeinit's own words: ec2[:URL], file:PATH, url:URL, cmdline,
 * configdrive[:DIR], gce[:URL], digitalocean[:URL], packet[:URL],
 * waagent[:DIR], vmware-guestinfo, vmware-ovf-env:PATH, cloudsigma[:DEVICE]. */
int source_spec_parse(const char *word, SourceSpec *ret);

typedef struct SourceOptions {
        uint64_t timeout_usec;          /* overall deadline; 0 = default (300 s) */
        uint64_t request_timeout_usec;  /* per HTTP request; 0 = default (10 s) */
        bool imds_v1_only;              /* EC2: never ask for a token */
        const char *cloudsigma_device;  /* NULL: SOURCE_CLOUDSIGMA_DEFAULT_DEVICE */
        /* Where DMI identification is read (VMware, CloudSigma availability);
         * NULL: SOURCE_DMI_DEFAULT_DIR. Tests point it at a directory of their own. */
        const char *dmi_dir;
        SourceNetconf convert_netconf;  /* recorded for the network conversion */
        SourceImdsEndpoint imds_endpoint; /* EC2 without an explicit URL */
} SourceOptions;

#define SOURCE_TIMEOUT_DEFAULT_USEC (300ULL * 1000000ULL)
#define SOURCE_REQUEST_TIMEOUT_DEFAULT_USEC (10ULL * 1000000ULL)
#define SOURCE_USER_DATA_MAX_SIZE (16U * 1024U * 1024U)  /* as userdata's input limit */
#define SOURCE_METADATA_MAX_SIZE (64U * 1024U)          /* one EC2/GCE attribute */
#define SOURCE_DOCUMENT_MAX_SIZE (1024U * 1024U)        /* a metadata JSON/XML document */

typedef struct SourceCounters {
        unsigned requests;      /* every HTTP request sent, including failed ones */
        unsigned puts;          /* of which token PUTs */
        unsigned retries;       /* waits between attempts */
        unsigned connections;   /* new connections libcurl opened */
} SourceCounters;

typedef struct SourceResult {
        SourceKind kind;        /* the source that answered */
        char *where;            /* its URL or path */
        Metadata metadata;
        char *user_data;        /* NUL-terminated, NULL when absent */
        size_t user_data_size;
        bool have_user_data;
        SourceCounters counters; /* also filled on failure */
        char *error;            /* on failure: why, for the user (also filled on failure) */
} SourceResult;

/* Tries the sources as coreos-cloudinit does (first available wins; polled
 * again with backoff while any might still appear) under one deadline. On
 * failure returns a negative errno and sets ret->error and ret->counters
 * only. */
int source_fetch(const SourceSpec *specs, size_t n, const SourceOptions *o, SourceResult *ret);
void source_result_done(SourceResult *r);
