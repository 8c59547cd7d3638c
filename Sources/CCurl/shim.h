// curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// One static inline wrapper per argument type.
#ifndef VANITYNS_CCURL_SHIM_H
#define VANITYNS_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*vns_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*vns_curl_xferinfo_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode vns_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode vns_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode vns_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode vns_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode vns_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode vns_easy_setopt_data_cb(CURL *h, CURLoption o, vns_curl_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode vns_easy_setopt_xferinfo_cb(CURL *h, CURLoption o, vns_curl_xferinfo_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode vns_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode vns_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode vns_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode vns_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
#endif
