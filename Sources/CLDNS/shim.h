#ifndef VANITYNS_CLDNS_SHIM_H
#define VANITYNS_CLDNS_SHIM_H
#include <ldns/ldns.h>
#endif
