#pragma once
// libcurl's process-wide initialisation. curl_global_init is not thread-safe and must run
// once before any easy handle is made; every class here that makes a handle calls
// curl_global() first. Safe to call from any thread, any number of times.
// Throws remit::Error (Internal) if libcurl cannot be initialised.
#include <curl/curl.h>

#include <string>

namespace remit::notify {

void curl_global();

// A CURLU handle freed on scope exit, and one part of it ("" when absent).
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
std::string url_part(CURLU* u, CURLUPart what);

}  // namespace remit::notify
