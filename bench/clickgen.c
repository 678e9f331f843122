/* bench/clickgen.c: the START-latency load generator (bench.py latency runs).
 *
 * Feeds a named pipe that an ALSA `file` device reads as its `infile` (slave "null"), so
 * the device delivers exactly what this program writes, when it writes it: 2 channels of
 * S16_LE, one period at a time, each period written at the moment its last sample "has
 * happened" (period j, samples [jP, (j+1)P), at t0 + (j+1)P/rate on CLOCK_MONOTONIC), as a
 * sound card's interrupt delivers it. The signal is silence with a click (one full-scale
 * sample on channel 0, the agent's leg) wherever a request asks for one.
 *
 * Standard input: lines "<ns>" (a CLOCK_MONOTONIC time in nanoseconds, Python's
 * time.monotonic_ns()): put a click at the sample that time falls on, sample
 * round((ns - t0) * rate / 1e9). The program waits for requests with poll() up to each
 * period's deadline, so a request sent before the period holding its sample is written is
 * always in time; one that arrives later (the period is already out) is clicked at the first
 * unwritten sample and reported late.
 * Standard output, one line per click: "click <requested sample> <placed sample>", and at
 * exit (EOF on standard input) "lateness <periods> <mean us> <max us>": how late the period
 * writes were against their deadlines.
 *
 * usage: clickgen FIFO RATE PERIOD_FRAMES
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define MAXCLICKS 4096

/* Opens the pipe for writing once a reader has it open; returns -1 if standard input
   ends first (the benchmark is over). */
static int open_writer(const char *fifo) {
    for (;;) {
        int fd = open(fifo, O_WRONLY | O_NONBLOCK);
        if (fd >= 0) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            return fd;
        }
        if (errno != ENXIO) { perror("open fifo"); exit(1); }
        struct pollfd p = { .fd = 0, .events = POLLIN };
        if (poll(&p, 1, 10) > 0) {
            char b[256];
            if (read(0, b, sizeof b) <= 0) return -1;   /* requests before a reader are dropped */
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: clickgen FIFO RATE PERIOD_FRAMES\n"); return 2; }
    const char *fifo = argv[1];
    int64_t rate = atoll(argv[2]), period = atoll(argv[3]);
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    int fd = open_writer(fifo);   /* waits until the device opens the pipe */
    if (fd < 0) return 0;
    int16_t *buf = calloc((size_t)period * 2, sizeof(int16_t));
    int64_t pending[MAXCLICKS]; int npending = 0;
    int64_t t0 = now_ns(), j = 0;
    int64_t late_sum = 0, late_max = 0, periods = 0;
    int stdin_open = 1;
    char line[256]; size_t used = 0;
    for (;;) {
        int64_t deadline = t0 + (j + 1) * period * 1000000000LL / rate;
        /* Wait for click requests until this period's deadline. */
        for (;;) {
            int64_t left = deadline - now_ns();
            if (left <= 0) break;
            struct pollfd p = { .fd = 0, .events = POLLIN };
            int r = stdin_open ? poll(&p, 1, (int)((left + 999999) / 1000000)) : 0;
            if (!stdin_open) {
                struct timespec ts = { .tv_sec = deadline / 1000000000LL, .tv_nsec = deadline % 1000000000LL };
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
                break;
            }
            if (r > 0) {
                ssize_t n = read(0, line + used, sizeof line - 1 - used);
                if (n <= 0) { stdin_open = 0; break; }
                used += (size_t)n;
                char *nl;
                while ((nl = memchr(line, '\n', used))) {
                    *nl = 0;
                    int64_t ns = atoll(line);
                    int64_t k = (int64_t)((double)(ns - t0) * (double)rate / 1e9 + 0.5);
                    if (npending < MAXCLICKS) pending[npending++] = k;
                    size_t rest = used - (size_t)(nl + 1 - line);
                    memmove(line, nl + 1, rest);
                    used = rest;
                }
                if (used == sizeof line - 1) used = 0;
            }
        }
        if (!stdin_open) {
            /* The benchmark is done: report and stop feeding the device. */
            printf("lateness %lld %.1f %.1f\n", (long long)periods, periods ? late_sum / 1e3 / periods : 0.0, late_max / 1e3);
            return 0;
        }
        /* Write period j, with the clicks that fall in it (or are overdue). */
        memset(buf, 0, (size_t)period * 4);
        int keep = 0;
        for (int i = 0; i < npending; i++) {
            int64_t k = pending[i], at = k < j * period ? j * period : k;
            if (at < (j + 1) * period) {
                buf[(at - j * period) * 2] = 32767;
                printf("click %lld %lld\n", (long long)k, (long long)at);
            } else {
                pending[keep++] = k;
            }
        }
        npending = keep;
        int64_t late = now_ns() - deadline;
        late_sum += late; if (late > late_max) late_max = late; periods++;
        ssize_t w = write(fd, buf, (size_t)period * 4);
        if (w < 0 && errno == EPIPE) {
            /* The device was closed (ALSA probing it, or the daemon stopping): wait for the
               next reader; the sample clock keeps running. */
            close(fd);
            fd = open_writer(fifo);
            if (fd < 0) {
                printf("lateness %lld %.1f %.1f\n", (long long)periods, periods ? late_sum / 1e3 / periods : 0.0, late_max / 1e3);
                return 0;
            }
            j = (int64_t)((double)(now_ns() - t0) * (double)rate / 1e9) / period;
            continue;
        }
        j++;
    }
}
