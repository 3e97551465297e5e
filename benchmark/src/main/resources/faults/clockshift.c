/*
 * Shifts a process's wall clock by CLOCKSHIFT_SECONDS (may be negative), loaded with LD_PRELOAD: the fault suite's
 * clock-skew scenario runs replicas with it. Only the wall clock moves (CLOCK_REALTIME and its coarse variant,
 * gettimeofday, time); the monotonic clock, and every timed wait, are left alone, as NTP leaves them.
 *
 * libfaketime (Debian's faketime) does more: it also rewrites the deadlines of timed waits, and under it a JVM's
 * timed parks return at once, so its threads spin and a replica takes minutes to start.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long shift;
static int (*real_clock_gettime)(clockid_t, struct timespec *);

__attribute__((constructor)) static void init(void) {
    const char *value = getenv("CLOCKSHIFT_SECONDS");
    shift = value ? atol(value) : 0;
    real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    if (!real_clock_gettime) {
        real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
    }
    int result = real_clock_gettime(clock, ts);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) {
        ts->tv_sec += shift;
    }
    return result;
}

int gettimeofday(struct timeval *tv, void *tz) {
    (void) tz;
    struct timespec ts;
    int result = clock_gettime(CLOCK_REALTIME, &ts);
    if (result == 0 && tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return result;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) {
        *out = ts.tv_sec;
    }
    return ts.tv_sec;
}
