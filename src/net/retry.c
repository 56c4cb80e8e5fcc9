/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/random.h>
#include <time.h>

#include "basic/log.h"
#include "basic/strv.h"
#include "basic/time-util.h"
#include "net/retry.h"

uint64_t now_usec(void) {
        return now_monotonic_usec();
}

void retry_init(Retry *r, uint64_t timeout_usec) {
        *r = (Retry) {
                .deadline_usec = now_usec() + timeout_usec,
        };
}

void retry_done(Retry *r) {
        r->logged = strv_free(r->logged);
}

uint64_t retry_left_usec(const Retry *r) {
        uint64_t n = now_usec();

        return n >= r->deadline_usec ? 0 : r->deadline_usec - n;
}

uint64_t retry_backoff_usec(unsigned attempt, uint64_t rnd) {
        uint64_t d = RETRY_BACKOFF_START_USEC;

        for (unsigned i = 0; i < attempt && d < RETRY_BACKOFF_CAP_USEC; i++)
                d *= 2;
        d = MIN(d, RETRY_BACKOFF_CAP_USEC);

        /* Equal jitter: nodes booted together do not retry in lockstep, yet
         * each still waits at least half the nominal delay. */
        uint64_t half = d / 2;
        return half + (half > 0 ? rnd % (half + 1) : 0);
}

static uint64_t random_u64(void) {
        uint64_t v;

        if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t) sizeof v)
                return v;
        /* No entropy yet this early in boot: jitter only needs to differ between nodes. */
        return now_usec() ^ ((uint64_t) getpid() << 32);
}

void retry_log_once(Retry *r, const char *condition) {
        if (!condition || strv_contains(r->logged, condition))
                return;
        log_info("Waiting: %s (retrying for up to %llu s)", condition,
                 (unsigned long long) ((retry_left_usec(r) + 999999) / 1000000));
        (void) strv_extend(&r->logged, condition);
}

int retry_wait(Retry *r, unsigned *attempt, const char *condition) {
        uint64_t left = retry_left_usec(r);
        if (left == 0)
                return -ETIMEDOUT;

        retry_log_once(r, condition);

        uint64_t d = MIN(retry_backoff_usec(*attempt, random_u64()), left);
        (*attempt)++;
        r->waits++;

        struct timespec ts = {
                .tv_sec = (time_t) (d / 1000000ULL),
                .tv_nsec = (long) (d % 1000000ULL) * 1000L,
        };
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
        return 0;
}
