/* bench/jackgen.c: a JACK client that plays the benchmark's speech-like two-leg test
 * audio (bench.py make_audio: legs.raw, S16_LE, 2 channels, 8 kHz) on PAIRS pairs of
 * output ports jackgen:agent_K / jackgen:customer_K, pair K starting K * 7 s into the
 * audio, looping. The capacity benchmark connects each station's two ALSA channels to one
 * pair, so the daemon records speech-like audio instead of jackd's dummy silence.
 *
 * Built without JACK's headers (Debian's libjack-jackd2-0 ships only the library): the
 * few declarations needed are below, as in <jack/jack.h>.
 *
 * usage: jackgen LEGS.RAW PAIRS      (runs until SIGTERM / SIGINT)
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct _jack_client jack_client_t;
typedef struct _jack_port jack_port_t;
typedef uint32_t jack_nframes_t;
extern jack_client_t *jack_client_open(const char *name, int options, int *status, ...);
extern jack_port_t *jack_port_register(jack_client_t *, const char *name, const char *type,
                                       unsigned long flags, unsigned long buffer_size);
extern int jack_set_process_callback(jack_client_t *, int (*)(jack_nframes_t, void *), void *);
extern void *jack_port_get_buffer(jack_port_t *, jack_nframes_t);
extern int jack_activate(jack_client_t *);
extern int jack_client_close(jack_client_t *);
enum { JackNoStartServer = 0x01, JackPortIsOutput = 0x2 };

#define MAXPAIRS 64
static float *leg[2];          /* agent, customer as float */
static size_t frames;          /* length of the audio */
static int pairs;
static jack_port_t *ports[MAXPAIRS][2];
static size_t pos[MAXPAIRS];
static volatile sig_atomic_t quit;

static int process(jack_nframes_t n, void *arg) {
    (void)arg;
    for (int k = 0; k < pairs; k++) {
        for (int c = 0; c < 2; c++) {
            float *out = jack_port_get_buffer(ports[k][c], n);
            size_t p = pos[k];
            for (jack_nframes_t i = 0; i < n; i++) {
                out[i] = leg[c][p];
                if (++p == frames) p = 0;
            }
        }
        pos[k] = (pos[k] + n) % frames;
    }
    return 0;
}

static void stop(int sig) { (void)sig; quit = 1; }

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: jackgen LEGS.RAW PAIRS\n"); return 2; }
    pairs = atoi(argv[2]);
    if (pairs < 1 || pairs > MAXPAIRS) { fprintf(stderr, "jackgen: 1-%d pairs\n", MAXPAIRS); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    frames = (size_t)bytes / 4;
    int16_t *raw = malloc((size_t)bytes);
    if (!raw || fread(raw, 1, (size_t)bytes, f) != (size_t)bytes) { fprintf(stderr, "jackgen: cannot read %s\n", argv[1]); return 1; }
    fclose(f);
    for (int c = 0; c < 2; c++) {
        leg[c] = malloc(frames * sizeof(float));
        for (size_t i = 0; i < frames; i++) leg[c][i] = raw[2 * i + c] / 32768.0f;
    }
    free(raw);
    int status = 0;
    jack_client_t *client = jack_client_open("jackgen", JackNoStartServer, &status);
    if (!client) { fprintf(stderr, "jackgen: cannot connect to jackd (status 0x%x)\n", status); return 1; }
    for (int k = 0; k < pairs; k++) {
        char name[32];
        snprintf(name, sizeof name, "agent_%d", k);
        ports[k][0] = jack_port_register(client, name, "32 bit float mono audio", JackPortIsOutput, 0);
        snprintf(name, sizeof name, "customer_%d", k);
        ports[k][1] = jack_port_register(client, name, "32 bit float mono audio", JackPortIsOutput, 0);
        if (!ports[k][0] || !ports[k][1]) { fprintf(stderr, "jackgen: cannot register ports\n"); return 1; }
        pos[k] = ((size_t)k * 7 * 8000) % frames;
    }
    jack_set_process_callback(client, process, NULL);
    signal(SIGTERM, stop);
    signal(SIGINT, stop);
    if (jack_activate(client)) { fprintf(stderr, "jackgen: cannot activate\n"); return 1; }
    printf("jackgen: %d pairs, %zu frames\n", pairs, frames);
    fflush(stdout);
    while (!quit) pause();
    jack_client_close(client);
    return 0;
}
