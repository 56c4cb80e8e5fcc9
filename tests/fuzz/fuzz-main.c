/* SPDX-License-Identifier: Apache-2.0 */
/* Without libFuzzer, a fuzz target replays its corpus: every file given on
 * the command line (or in a directory given) is fed to it once. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "basic/fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(int dir_fd, const char *path) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r = read_full_file_at(dir_fd, path, 64U * 1024U * 1024U, &data, &size);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        LLVMFuzzerTestOneInput((const uint8_t *) data, size);
        return 0;
}

int main(int argc, char *argv[]) {
        unsigned n = 0;

        for (int i = 1; i < argc; i++) {
                if (argv[i][0] == '-')
                        continue; /* libFuzzer options are meaningless here */
                DIR *d = opendir(argv[i]);
                if (!d) {
                        if (run_file(AT_FDCWD, argv[i]) < 0)
                                return 1;
                        n++;
                        continue;
                }
                struct dirent *de;
                while ((de = readdir(d)))
                        if (de->d_name[0] != '.') {
                                if (run_file(dirfd(d), de->d_name) < 0) {
                                        closedir(d);
                                        return 1;
                                }
                                n++;
                        }
                closedir(d);
        }
        printf("%u inputs replayed\n", n);
        return n > 0 ? 0 : 1;
}
