/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: every parser of what a datasource answers (EC2 key
 * listings, config drive / DigitalOcean / Packet JSON, Azure's
 * SharedConfig.xml, the kernel command line, SOURCE words, VMware's OVF
 * environment and its keys, CloudSigma's server context). The first byte
 * picks the parser, so one corpus drives them all. */
#include <stddef.h>
#include <stdint.h>

#include "basic/strv.h"
#include "source/source-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        _cleanup_free_ char *text = strndup((const char *) data + 1, size - 1);
        if (!text)
                return 0;

        Metadata m = {};
        _cleanup_free_ char *err = NULL, *extra = NULL;
        switch (data[0] % 10) {
        case 0: {
                Ec2Key *k = NULL;
                size_t n = 0;
                if (ec2_parse_key_listing(text, &k, &n, &err) >= 0)
                        ec2_keys_free(k, n);
                break;
        }
        case 1:
                (void) configdrive_parse_meta_data(text, &m, &extra, &err);
                break;
        case 2:
                (void) digitalocean_parse_metadata(text, &m, &err);
                break;
        case 3:
                (void) packet_parse_metadata(text, &m, &err);
                break;
        case 4:
                (void) waagent_parse_shared_config(text, &m, &err);
                break;
        case 5:
                (void) cmdline_find_url(text, &extra);
                break;
        case 7: {
                /* The OVF parser takes the bytes as they are (NULs included),
                 * then its properties go through the key → metadata logic. */
                _cleanup_strv_free_ char **props = NULL;
                _cleanup_free_ char *ud = NULL, *url = NULL;
                size_t ud_size = 0;
                unsigned line = 0;
                if (vmware_parse_ovf_env((const char *) data + 1, size - 1, &props, &err, &line) < 0)
                        break;
                err = mfree(err);
                (void) vmware_parse_metadata(vmware_ovf_read, props, &m, &err);
                err = mfree(err);
                (void) vmware_user_data(vmware_ovf_read, props, &ud, &ud_size, &url, &err);
                break;
        }
        case 8: {
                _cleanup_free_ char *ud = NULL;
                size_t ud_size = 0;
                (void) cloudsigma_parse_context(text, NULL, &m, &ud, &ud_size, &err);
                break;
        }
        default: {
                SourceSpec s = {};
                if (source_spec_parse(text, &s) >= 0)
                        source_spec_done(&s);
                break;
        }
        }
        metadata_done(&m);
        return 0;
}
