#pragma once
// The transport-free request and response a handler sees: the server fills a Request from
// the socket and writes the Response back; tests build them directly.
#include <string>
#include <utility>
#include <vector>

namespace remit::http {

struct Request {
  std::string method;         // "GET", "POST", ...
  std::string target;         // origin form as sent: "/v1/accounts?limit=10"
  std::string authorization;  // the Authorization header, "" if absent
  std::string idempotency_key;
  std::string body;
  std::string client_ip;  // for the audit log
  // For the portal's pages: cookies, the form's encoding, where a POST came from.
  std::string cookie, content_type, origin, host;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  const std::string* header(std::string_view name) const {
    for (auto& [k, v] : headers)
      if (k == name) return &v;
    return nullptr;
  }
};

}  // namespace remit::http
