#ifndef VANITYNS_CIDN2_SHIM_H
#define VANITYNS_CIDN2_SHIM_H
#include <idn2.h>
#endif
