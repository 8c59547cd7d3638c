// libxml2's headers pull in ICU, which clashes with Foundation's own ICU module; turn it off before including.
#ifndef VANITYNS_CXML2_SHIM_H
#define VANITYNS_CXML2_SHIM_H
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#endif
