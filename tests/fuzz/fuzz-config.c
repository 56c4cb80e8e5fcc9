/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the cloud-config parser and validator on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "config/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        DiagList diags = {};
        CloudConfig c = {};

        if (cloud_config_parse((const char *) data, size, &c, &diags) >= 0)
                cloud_config_done(&c);
        for (size_t i = 0; i < diags.n; i++)
                if (!diags.items[i].message || (diags.items[i].line == 0 && diags.items[i].column != 0))
                        __builtin_trap();
        diag_list_done(&diags);
        return 0;
}
