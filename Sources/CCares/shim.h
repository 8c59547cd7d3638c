#ifndef VANITYNS_CCARES_SHIM_H
#define VANITYNS_CCARES_SHIM_H
#include <ares.h>
#include <poll.h>
#endif
