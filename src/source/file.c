/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "source/source-internal.h"

/* -from-file: the whole file is the user-data. As in coreos-cloudinit a file
 * that does not exist yet may still appear (mounted media), so it is waited
 * for under the deadline. */
int source_file_fetch(SourceContext *c, const char *path, SourceResult *ret) {
        _cleanup_free_ char *data = NULL;
        size_t size = 0;
        int r;

        r = read_full_file_at(AT_FDCWD, path, SOURCE_USER_DATA_MAX_SIZE, &data, &size);
        if (r == -ENOENT) {
                source_fail(c, r, "%s does not exist yet", path);
                return -EAGAIN;
        }
        if (r == -EFBIG)
                return source_fail(c, r, "%s: larger than %u bytes", path, SOURCE_USER_DATA_MAX_SIZE);
        if (r < 0)
                return source_fail(c, r, "%s: %s", path, strerror(-r));

        ret->user_data = TAKE_PTR(data);
        ret->user_data_size = size;
        ret->have_user_data = true;
        return 0;
}
