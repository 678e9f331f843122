/* bench/lame_bare.c: "bare libmp3lame" for issue 7's throughput figure.
 * The same library calls and settings as Tapedeck's LameEncoder (CBR, no resampling,
 * Info tag on, mono or joint stereo, 4096-frame chunks), reading raw S16_LE from a file
 * and writing the MP3 stream with write(2): no capture, ring, mixing or checkpoints.
 * usage: lame_bare RATE CHANNELS KBPS in.raw out.mp3 */
#include <lame/lame.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: %s RATE CHANNELS KBPS in.raw out.mp3\n", argv[0]); return 2; }
    int rate = atoi(argv[1]), channels = atoi(argv[2]), kbps = atoi(argv[3]);
    FILE *in = fopen(argv[4], "rb");
    int out = open(argv[5], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!in || out < 0) { perror("open"); return 1; }
    lame_t gf = lame_init();
    lame_set_in_samplerate(gf, rate);
    lame_set_out_samplerate(gf, rate);
    lame_set_num_channels(gf, channels);
    lame_set_mode(gf, channels == 1 ? MONO : JOINT_STEREO);
    lame_set_VBR(gf, vbr_off);
    lame_set_brate(gf, kbps);
    lame_set_bWriteVbrTag(gf, 1);
    if (lame_init_params(gf) < 0) { fprintf(stderr, "lame_init_params failed\n"); return 1; }
    enum { CHUNK = 4096 };
    static short pcm[CHUNK * 2];
    int cap = CHUNK * 5 / 4 + 7200;
    unsigned char *mp3 = malloc(cap);
    size_t n;
    while ((n = fread(pcm, 2 * channels, CHUNK, in)) > 0) {
        int b = channels == 1 ? lame_encode_buffer(gf, pcm, pcm, (int)n, mp3, cap)
                              : lame_encode_buffer_interleaved(gf, pcm, (int)n, mp3, cap);
        if (b < 0) { fprintf(stderr, "encode error %d\n", b); return 1; }
        if (b > 0 && write(out, mp3, b) != b) { perror("write"); return 1; }
    }
    int b = lame_encode_flush(gf, mp3, cap);
    if (b > 0 && write(out, mp3, b) != b) { perror("write"); return 1; }
    b = (int)lame_get_lametag_frame(gf, mp3, cap);
    if (b > 0) (void)pwrite(out, mp3, b, 0);
    fsync(out);
    close(out);
    lame_close(gf);
    return 0;
}
