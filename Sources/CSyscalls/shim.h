// Linux calls glibc declares only under _GNU_SOURCE, which the Glibc module Swift
// imports is built without. Declared here as glibc defines them; imported only by
// TapedeckSystem.
#include <sys/types.h>
int syncfs(int fd);
pid_t gettid(void);
