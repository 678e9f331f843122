#ifndef TAPEDECK_CALSA_SHIM_H
#define TAPEDECK_CALSA_SHIM_H
#include <alsa/asoundlib.h>

/* Swift cannot see ALSA's negative errno return values as named constants;
   the values it needs are plain errno codes, re-exported here. */
#include <errno.h>
static inline int tapedeck_alsa_epipe(void) { return EPIPE; }
static inline int tapedeck_alsa_estrpipe(void) { return ESTRPIPE; }
static inline int tapedeck_alsa_eagain(void) { return EAGAIN; }
/* Thread naming is a GNU extension that Swift's Glibc module does not export. */
#include <pthread.h>
extern int pthread_setname_np(pthread_t thread, const char *name);
static inline void tapedeck_set_thread_name(pthread_t thread, const char *name) {
    (void)pthread_setname_np(thread, name);
}
/* ALSA prints its own error lines on stderr; Tapedeck reports every failure itself,
   in one line naming the device and the step, so ALSA's printer is silenced. */
static void tapedeck_alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}
static inline void tapedeck_alsa_silence_errors(void) {
    snd_lib_error_set_handler(tapedeck_alsa_quiet);
}
#endif
