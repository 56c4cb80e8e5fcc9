/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>

#include "basic/fileio.h"
#include "source/source-internal.h"

/* The hypervisor's identification (sys_vendor, product_name) tells VMware and
 * CloudSigma apart; read from a directory the options may move, so that tests
 * need not be on either. */
int source_read_dmi(const SourceContext *c, const char *name, char **ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, "%s/%s", c->dmi_dir ?: SOURCE_DMI_DEFAULT_DIR, name) < 0)
                return -ENOMEM;
        r = read_full_file_at(AT_FDCWD, path, 4096, &text, NULL);
        if (r < 0)
                return r;
        metadata_first_line(text);
        *ret = TAKE_PTR(text);
        return 0;
}
