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
#endif
