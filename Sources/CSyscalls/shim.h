// Linux calls glibc declares only under _GNU_SOURCE, which the Glibc module Swift
// imports is built without, and headers that module leaves out (sys/vfs.h: statfs;
// malloc.h: mallinfo2).
// Declared here as glibc defines them; imported only by TapedeckSystem.
#include <sys/types.h>
#include <sys/vfs.h>
#include <malloc.h>
int syncfs(int fd);
pid_t gettid(void);
