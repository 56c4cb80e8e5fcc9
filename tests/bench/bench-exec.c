/* SPDX-License-Identifier: Apache-2.0 */
/* bench-exec N CMD [ARGS...]: runs CMD N times (after a few warm-up runs),
 * prints "median_ms p90_ms max_rss_kb" for the whole process, measured
 * around posix_spawn + wait4 so the figure is what a caller waits for.
 * stdout/stderr of CMD go to /dev/null. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

int main(int argc, char *argv[]) {
        if (argc < 3) {
                fprintf(stderr, "usage: bench-exec N CMD [ARGS...]\n");
                return 2;
        }
        int n = atoi(argv[1]);
        if (n <= 0)
                return 2;

        double *t = calloc((size_t) n, sizeof(double));
        long max_rss = 0;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

        for (int i = -3; i < n; i++) {
                struct timespec a, b;
                struct rusage ru;
                pid_t pid;
                int status;

                clock_gettime(CLOCK_MONOTONIC, &a);
                if (posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ) != 0) {
                        perror("posix_spawn");
                        return 1;
                }
                if (wait4(pid, &status, 0, &ru) < 0)
                        return 1;
                clock_gettime(CLOCK_MONOTONIC, &b);
                if (i < 0)
                        continue;
                t[i] = (double) (b.tv_sec - a.tv_sec) * 1e3 + (double) (b.tv_nsec - a.tv_nsec) / 1e6;
                if (ru.ru_maxrss > max_rss)
                        max_rss = ru.ru_maxrss;
        }

        qsort(t, (size_t) n, sizeof(double), cmp_double);
        printf("%.3f %.3f %ld\n", t[n / 2], t[(n * 9) / 10], max_rss);
        free(t);
        return 0;
}
