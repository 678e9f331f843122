#ifndef TAPEDECK_CLAME_SHIM_H
#define TAPEDECK_CLAME_SHIM_H
#include <lame/lame.h>
#endif
