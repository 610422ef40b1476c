#pragma once
// The real HttpClient (webhook delivery) on libcurl.
//
// - One easy handle for the client's life: connections are kept alive and reused.
// - POSTs r.body with r.headers (an "Expect:" header is added so curl never waits for
//   100-continue), or GETs when r.get; http and https only; redirects are never followed; no proxy is used
//   (environment proxy variables are ignored); r.timeout bounds the whole exchange.
// - HttpResponse: status = the HTTP status (0 when no answer came), body = at most the first
//   r.max_body bytes of the response (the rest is read and discarded), error = libcurl's reason
//   when the exchange failed (and empty when it did not).
// - Unless the client was made with allow_private_addresses or the request sets
//   HttpRequest::allow_private_addresses (test-mode tenants), every connection is checked at
//   connect time against is_private_address (url_check.h) for the address actually being
//   dialled, so DNS rebinding cannot get past the check made when the URL was saved; such a
//   request fails with status 0 and error "refused: <addr> is a private address".
//   Connections made for a request that allowed private addresses (on a client that does
//   not) are closed after it, so a later, checked request can never reuse one.
// - A header name or value with CR/LF (or a name with ':' or nothing) fails the request
//   with status 0 and error "invalid header" without sending anything.
#include <curl/curl.h>

#include <string>

#include "app/env.h"

namespace remit::notify {

class CurlHttpClient final : public app::HttpClient {
 public:
  explicit CurlHttpClient(bool allow_private_addresses);
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  app::HttpResponse post(const app::HttpRequest& r) override;

 private:
  static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* addr);
  static size_t write_body(char* data, size_t size, size_t n, void* self);

  bool allow_private_;       // for every request
  bool allow_now_ = false;   // for the request in flight
  CURL* curl_ = nullptr;
  char errbuf_[CURL_ERROR_SIZE] = {};
  std::string body_;     // of the request in flight
  size_t max_body_ = 4096;
  std::string refused_;  // the private address refused during the request in flight
};

}  // namespace remit::notify
