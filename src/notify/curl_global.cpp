#include "notify/curl_global.h"

#include <curl/curl.h>

#include <mutex>

#include "core/error.h"

namespace remit::notify {

void curl_global() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK)
    throw Error(Code::Internal, std::string("curl_global_init: ") + curl_easy_strerror(rc));
}

std::string url_part(CURLU* u, CURLUPart what) {
  char* p = nullptr;
  if (curl_url_get(u, what, &p, 0) != CURLUE_OK || p == nullptr) return {};
  std::string s = p;
  curl_free(p);
  return s;
}

}  // namespace remit::notify
