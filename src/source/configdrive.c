/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "source/source-internal.h"

/* OpenStack config drive, as coreos-cloudinit reads it: the root directory
 * existing means available; openstack/latest/user_data (absent = none) and
 * meta_data.json (public_keys, hostname; uuid too). */
int source_configdrive_fetch(SourceContext *c, const char *root, SourceResult *ret) {
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_free_ char *ud = NULL, *md = NULL, *err = NULL, *content_path = NULL;
        _cleanup_(metadata_done) Metadata m = {};
        size_t ud_size = 0;
        int r;

        dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                if (errno == ENOENT) {
                        source_fail(c, -ENOENT, "config drive %s is not there yet", root);
                        return -EAGAIN;
                }
                return source_fail(c, -errno, "%s: %m", root);
        }

        r = read_full_file_at(dfd, "openstack/latest/user_data", SOURCE_USER_DATA_MAX_SIZE, &ud, &ud_size);
        if (r < 0 && r != -ENOENT)
                return source_fail(c, r, "%s/openstack/latest/user_data: %s", root, strerror(-r));

        r = read_full_file_at(dfd, "openstack/latest/meta_data.json", SOURCE_DOCUMENT_MAX_SIZE, &md, NULL);
        if (r < 0 && r != -ENOENT)
                return source_fail(c, r, "%s/openstack/latest/meta_data.json: %s", root, strerror(-r));
        if (md) {
                r = configdrive_parse_meta_data(md, &m, &content_path, &err);
                if (r < 0)
                        return source_fail(c, r, "%s/openstack/latest/meta_data.json: %s", root,
                                           err ?: strerror(-r));
        }
        if (content_path) {
                /* Network configuration (Debian interfaces format), kept as raw bytes for a converter. */
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "openstack/%s", content_path) < 0)
                        return -ENOMEM;
                r = read_full_file_at(dfd, p, SOURCE_DOCUMENT_MAX_SIZE, &m.network_config, &m.network_config_size);
                if (r < 0)
                        return source_fail(c, r, "%s/%s: %s", root, p, strerror(-r));
        }

        source_result_take(ret, &m, &ud, ud_size);
        return 0;
}
