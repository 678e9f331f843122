/* bench/lame_paced.c: bare libmp3lame fed the way a real-time recorder feeds it.
 * N encoders (Tapedeck's LameEncoder settings: CBR, no resampling, Info tag on, mono),
 * each handed CHUNK frames of the same speech per visit, one visit to each per tick;
 * with PACED=1 a tick lasts CHUNK frames of wall time (the thread sleeps between), with
 * PACED=0 they follow at once (the offline case). Nothing is written: only encoding.
 * With PROCS > 1 the N encoders are shared among that many processes (as many as the
 * daemon has writer threads, sharing the cores as they do), each paced on its own.
 * Prints CPU-s (user+sys, getrusage) per recorded hour per stream over SECONDS of audio.
 * usage: lame_paced N CHUNK PACED SECONDS mono.raw [PROCS]   (8 kHz, 16 kbit/s) */
#include <lame/lame.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static double cpu_seconds(int who) {
    struct rusage r;
    getrusage(who, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 6 && argc != 7) { fprintf(stderr, "usage: %s N CHUNK PACED SECONDS mono.raw [PROCS]\n", argv[0]); return 2; }
    int total = atoi(argv[1]), chunk = atoi(argv[2]), paced = atoi(argv[3]);
    int procs = argc == 7 ? atoi(argv[6]) : 1;
    if (procs < 1 || procs > total) { fprintf(stderr, "PROCS must be 1..N\n"); return 2; }
    long frames = 8000L * atol(argv[4]);
    FILE *f = fopen(argv[5], "rb");
    if (!f || total < 1 || chunk < 1) { perror("open"); return 1; }
    fseek(f, 0, SEEK_END);
    long have = ftell(f) / 2;
    rewind(f);
    short *pcm = malloc(have * 2);
    if (fread(pcm, 2, have, f) != (size_t)have) { perror("read"); return 1; }
    /* Process k of PROCS takes encoders k, k + PROCS, ...; the parent only waits and
     * reads its children's CPU time (their set-up included: well under 1 % here). */
    int k = 0;
    if (procs > 1) {
        k = -1;
        for (int i = 0; i < procs && k < 0; i++) {
            pid_t p = fork();
            if (p < 0) { perror("fork"); return 1; }
            if (p == 0) k = i;
        }
        if (k < 0) {                    /* the parent: waits, then reports its children's CPU */
            for (int i = 0; i < procs; i++) {
                int st;
                if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "a child failed\n"); return 1; }
            }
            printf("%.4f\n", cpu_seconds(RUSAGE_CHILDREN) / total / (frames / 8000.0) * 3600);
            return 0;
        }
    }
    int n = (total - k + procs - 1) / procs;
    lame_t *g = malloc(sizeof(lame_t) * n);
    for (int i = 0; i < n; i++) {
        g[i] = lame_init();
        lame_set_in_samplerate(g[i], 8000);
        lame_set_out_samplerate(g[i], 8000);
        lame_set_num_channels(g[i], 1);
        lame_set_mode(g[i], MONO);
        lame_set_VBR(g[i], vbr_off);
        lame_set_brate(g[i], 16);
        lame_set_bWriteVbrTag(g[i], 1);
        if (lame_init_params(g[i]) < 0) { fprintf(stderr, "lame_init_params failed\n"); return 1; }
    }
    int cap = chunk * 5 / 4 + 7200;
    unsigned char *mp3 = malloc(cap);
    double start = cpu_seconds(RUSAGE_SELF);
    struct timespec tick;
    clock_gettime(CLOCK_MONOTONIC, &tick);
    for (long done = 0; done + chunk <= frames; done += chunk) {
        long off = done % (have - chunk);   /* the speech looped */
        for (int i = 0; i < n; i++)
            if (lame_encode_buffer(g[i], pcm + off, pcm + off, chunk, mp3, cap) < 0) { fprintf(stderr, "encode error\n"); return 1; }
        if (paced) {
            tick.tv_nsec += chunk * 125000L;   /* chunk frames at 8 kHz */
            while (tick.tv_nsec >= 1000000000L) { tick.tv_nsec -= 1000000000L; tick.tv_sec++; }
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL);
        }
    }
    if (procs > 1) return 0;   /* the parent reports */
    double cpu = cpu_seconds(RUSAGE_SELF) - start;
    printf("%.4f\n", cpu / n / (frames / 8000.0) * 3600);
    return 0;
}
