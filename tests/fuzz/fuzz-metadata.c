/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: every parser of what a datasource answers (EC2 key
 * listings, config drive / DigitalOcean / Packet JSON, Azure's
 * SharedConfig.xml, the kernel command line, SOURCE words). The first byte
 * picks the parser, so one corpus drives them all. */
#include <stddef.h>
#include <stdint.h>

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
        switch (data[0] % 7) {
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
