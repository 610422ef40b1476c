#include "notify/url_check.h"

#include "notify/curl_global.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace remit::notify {
namespace {

bool private_v4(const uint8_t* b) {
  return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) ||
         (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
         (b[0] == 100 && (b[1] & 0xc0) == 64) || b[0] >= 224;
}

bool private_v6(const uint8_t* b) {
  bool zero80 = std::all_of(b, b + 10, [](uint8_t x) { return x == 0; });
  if (zero80 && b[10] == 0xff && b[11] == 0xff) return private_v4(b + 12);  // ::ffff:a.b.c.d
  if (zero80 && b[10] == 0 && b[11] == 0) return true;  // ::, ::1, ::a.b.c.d
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return private_v4(b + 12);  // 64:ff9b::a.b.c.d
  if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1)
    return true;                                                 // 64:ff9b:1::/48
  if (b[0] == 0x20 && b[1] == 0x02) return private_v4(b + 2);    // 2002:abcd:efgh::
  if ((b[0] & 0xfe) == 0xfc) return true;                        // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0x80) == 0x80) return true;        // fe80::/10, fec0::/10
  if (b[0] == 0xff) return true;                                 // multicast
  return false;
}

struct AddrinfoDeleter {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};


}  // namespace

bool is_private_address(const sockaddr* addr) {
  if (addr == nullptr) return true;
  if (addr->sa_family == AF_INET) {
    in_addr a;
    std::memcpy(&a, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, sizeof a);
    return private_v4(reinterpret_cast<const uint8_t*>(&a.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    in6_addr a;
    std::memcpy(&a, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, sizeof a);
    return private_v6(a.s6_addr);
  }
  return true;
}

std::string address_string(const sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (addr && addr->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, buf, sizeof buf);
  else if (addr && addr->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, buf, sizeof buf);
  return buf;
}

void validate_webhook_url(const std::string& url, bool allow_private, std::string_view field) {
  std::string f(field);
  if (url.empty()) invalid(f, "is required");
  if (url.size() > 2048) invalid(f, "is longer than 2048 characters");
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) invalid(f, "must not contain spaces or control characters");

  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) throw Error(Code::Internal, "curl_url: out of memory");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    invalid(f, "is not a valid URL");
  std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") invalid(f, "must be an http or https URL");
  if (!url_part(u.get(), CURLUPART_USER).empty() || !url_part(u.get(), CURLUPART_PASSWORD).empty())
    invalid(f, "must not contain a user name or password");
  std::string host = url_part(u.get(), CURLUPART_HOST);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (auto pct = host.find('%'); pct != std::string::npos) host.resize(pct);  // zone id
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) invalid(f, "has no host");

  if (!allow_private && (host == "localhost" || host.ends_with(".localhost")))
    invalid(f, fmt::format("{} is a private address", host));

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr)
    invalid(f, fmt::format("host {} does not resolve", host));
  std::unique_ptr<addrinfo, AddrinfoDeleter> hold(res);
  if (allow_private) return;
  for (const addrinfo* ai = res; ai; ai = ai->ai_next) {
    if (is_private_address(ai->ai_addr)) {
      std::string ip = address_string(ai->ai_addr);
      invalid(f, ip == host ? fmt::format("{} is a private address", ip)
                            : fmt::format("{} resolves to {}, a private address", host, ip));
    }
  }
}

}  // namespace remit::notify
