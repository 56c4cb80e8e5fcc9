/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sys/stat.h>

#include "buf.h"
#include "fileio.h"

int read_full_stream(FILE *f, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_(buf_done) Buf b = {};

        for (;;) {
                int r = buf_reserve(&b, 64 * 1024);
                if (r < 0)
                        return r;

                size_t room = b.cap - b.len - 1;
                size_t n = fread(b.data + b.len, 1, room, f);
                b.len += n;
                b.data[b.len] = 0;
                if (b.len > max_size)
                        return -EFBIG;
                if (n < room) {
                        if (ferror(f))
                                return -EIO;
                        break;
                }
        }

        *ret = buf_steal(&b, ret_size);
        return *ret ? 0 : -ENOMEM;
}

int read_full_file_at(int dir_fd, const char *path, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;

        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (S_ISREG(st.st_mode) && (uint64_t) st.st_size > max_size)
                return -EFBIG;

        _cleanup_fclose_ FILE *f = fdopen(fd, "re");
        if (!f)
                return -errno;
        TAKE_FD(fd);

        return read_full_stream(f, max_size, ret, ret_size);
}
