/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "net/http.h"
#include "net/retry.h"
#include "source/source.h"

/* Shared by the source implementations; not for other stages. */

typedef struct SourceContext {
        uint64_t request_timeout_usec;
        bool imds_v1_only;
        SourceImdsEndpoint imds_endpoint;
        bool implicit;          /* the source being asked has its default arg */
        const char *cloudsigma_device;
        const char *dmi_dir;
        Retry retry;
        HttpClient *http;       /* created on first use: file sources never load libcurl */
        unsigned puts;
        char *error;            /* why the current source failed for good */
        char *last_wait;        /* the last transient failure, for the final message */
} SourceContext;

/* Records why a source failed for good; returns error (negative). */
int source_fail(SourceContext *c, int error, const char *fmt, ...) _printf_(3, 4);

/* Hands what a source found to the result: takes *m and *user_data (NULL =
 * no user-data), leaving them empty. */
void source_result_take(SourceResult *ret, Metadata *m, char **user_data, size_t user_data_size);

int source_context_http(SourceContext *c, HttpClient **ret);
/* The per-request timeout, shortened to what is left of the deadline; 0 when
 * the deadline has passed. */
uint64_t source_request_timeout(const SourceContext *c);

/* One GET. retry=false: a single attempt whose transient failure (transport
 * error or 5xx) becomes -EAGAIN, for availability probes. retry=true:
 * transient failures are retried with backoff until the deadline. On return 0
 * the response is 2xx or 4xx (redirects followed when follow=true). */
int source_http_get(SourceContext *c, const char *url, char * const *headers,
                    size_t max_body, bool retry, bool follow, HttpResponse *ret);

int source_http_request(SourceContext *c, const char *method, const char *url, char * const *headers,
                        size_t max_body, bool retry, bool follow, HttpResponse *ret);

/* Text of a transport error, for messages. */
const char *source_http_error(const SourceContext *c, int error);

/* Implementations: 0 = done, -EAGAIN = not available (yet), poll again;
 * anything else = gave up (c->error says why). They fill metadata and
 * user-data of ret only. */
int source_ec2_fetch(SourceContext *c, const char *base, SourceResult *ret);
int source_file_fetch(SourceContext *c, const char *path, SourceResult *ret);
int source_url_fetch(SourceContext *c, const char *url, SourceResult *ret);
int source_cmdline_fetch(SourceContext *c, const char *arg, SourceResult *ret);
int source_configdrive_fetch(SourceContext *c, const char *root, SourceResult *ret);
int source_gce_fetch(SourceContext *c, const char *base, SourceResult *ret);
int source_digitalocean_fetch(SourceContext *c, const char *base, SourceResult *ret);
int source_packet_fetch(SourceContext *c, const char *base, SourceResult *ret);
int source_waagent_fetch(SourceContext *c, const char *root, SourceResult *ret);
int source_vmware_guestinfo_fetch(SourceContext *c, const char *arg, SourceResult *ret);
int source_vmware_ovf_fetch(SourceContext *c, const char *path, SourceResult *ret);
int source_cloudsigma_fetch(SourceContext *c, const char *device, SourceResult *ret);

/* <dmi_dir>/<name>'s first line; -ENOENT when there is no such file. */
int source_read_dmi(const SourceContext *c, const char *name, char **ret);

/* Pure parts, unit-tested. */
typedef struct Ec2Key {
        unsigned index;
        char *name;
} Ec2Key;

/* "N=name" lines of meta-data/public-keys/, sorted by N. -EBADMSG with the
 * offending line in *reterr_line (owned by caller) when malformed. */
int ec2_parse_key_listing(const char *text, Ec2Key **ret, size_t *ret_n, char **reterr_line);
void ec2_keys_free(Ec2Key *k, size_t n);

/* Shape checks for metadata values. */
bool metadata_is_ipv4(const char *s) _pure_;
bool metadata_is_ipv6(const char *s) _pure_;
bool metadata_is_hostname(const char *s) _pure_;
/* Printable ASCII without spaces: instance ids, tokens. */
bool metadata_is_word(const char *s, size_t max) _pure_;
/* One line of printable text (an SSH key line). */
bool metadata_is_line(const char *s) _pure_;
/* Cuts s at its first newline and drops trailing whitespace. */
char *metadata_first_line(char *s);
/* Appends a key (copies); name may be NULL. */
int metadata_add_key(Metadata *m, const char *name, const char *key);
/* Sets *field = strdup(value) after a shape check; -EBADMSG if the check fails. */
int metadata_set_checked(char **field, const char *value, bool (*check)(const char *s));

/* meta_data.json of a config drive (public_keys, hostname, uuid), and the
 * network_config.content_path relative to openstack/ if any (may be NULL). */
int configdrive_parse_meta_data(const char *json, Metadata *ret, char **ret_content_path, char **reterr);
/* DigitalOcean metadata/v1.json. */
int digitalocean_parse_metadata(const char *json, Metadata *ret, char **reterr);
/* Packet's metadata document. */
int packet_parse_metadata(const char *json, Metadata *ret, char **reterr);
/* Azure SharedConfig.xml: this instance's address and first load-balanced public address. */
int waagent_parse_shared_config(const char *xml, Metadata *ret, char **reterr);
/* cloud-config-url= of a kernel command line; -ENOENT when absent. */
int cmdline_find_url(const char *cmdline, char **ret);

/* VMware: the guestinfo keys are read through a function, so the RPC tool,
 * an OVF environment and tests share the key → metadata logic. Returns 0 and
 * *ret (NULL: no such key, or empty), or a negative errno. */
typedef int (*VmwareReadFn)(void *userdata, const char *key, char **ret);

/* The OVF environment's PropertySection properties as an strv of alternating
 * oe:key, oe:value. -EBADMSG with a message (and *reterr_line when the parser
 * knows the line, else 0) for malformed XML or documents past the limits. */
int vmware_parse_ovf_env(const char *xml, size_t size, char ***ret, char **reterr, unsigned *reterr_line);
/* Reads OVF properties: userdata is the strv of vmware_parse_ovf_env(); key
 * is looked up as "guestinfo.<key>". */
int vmware_ovf_read(void *userdata, const char *key, char **ret);
/* hostname, addresses by role and the network keys. -EBADMSG with *reterr
 * (coreos-cloudinit's `unrecognized role: "x"` among them). */
int vmware_parse_metadata(VmwareReadFn read, void *userdata, Metadata *ret, char **reterr);
/* The user-data keys: coreos.config.data (+ .encoding), else
 * ignition.config.data (+ .encoding). Decoded data in *ret (NULL: none);
 * else the URL to fetch in *ret_url (NULL: none). */
int vmware_user_data(VmwareReadFn read, void *userdata, char **ret, size_t *ret_size, char **ret_url, char **reterr);

/* CloudSigma server context (a JSON object). find_local_ipv4 looks up the
 * IPv4 address of the local interface with a MAC (NULL: not found). */
typedef int (*CloudsigmaLocalIpFn)(const char *mac, char **ret);
int cloudsigma_parse_context(const char *json, CloudsigmaLocalIpFn find_local_ipv4, Metadata *ret,
                             char **ret_user_data, size_t *ret_user_data_size, char **reterr);
/* The reply framing of cepgo: everything before the first EOT (0x04). 0 and
 * the reply's length when complete, -EAGAIN when more must be read. */
int cloudsigma_reply_complete(const char *buf, size_t n, size_t *ret_len);
