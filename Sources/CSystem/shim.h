#ifndef TAPEDECK_CSYSTEM_SHIM_H
#define TAPEDECK_CSYSTEM_SHIM_H
/* C library calls that Swift's Glibc module does not show (GNU extensions). */
extern int syncfs(int fd);
static inline int tapedeck_syncfs(int fd) { return syncfs(fd); }
#endif
