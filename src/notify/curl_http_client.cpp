#include "notify/curl_http_client.h"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/error.h"
#include "notify/curl_global.h"
#include "notify/url_check.h"

namespace remit::notify {
namespace {

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool valid_header(const std::string& name, const std::string& value) {
  if (name.empty() || name.find_first_of(":\r\n") != std::string::npos) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c >= 0x7f) return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

CurlHttpClient::CurlHttpClient(bool allow_private_addresses)
    : allow_private_(allow_private_addresses) {
  curl_global();
  curl_ = curl_easy_init();
  if (!curl_) throw Error(Code::Internal, "curl_easy_init failed");
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl_, CURLOPT_PROXY, "");  // no proxy, whatever the environment says
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf_);
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, "Remit-Webhooks/1");
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(curl_, CURLOPT_OPENSOCKETDATA, this);
}

CurlHttpClient::~CurlHttpClient() {
  if (curl_) curl_easy_cleanup(curl_);
}

curl_socket_t CurlHttpClient::open_socket(void* self, curlsocktype purpose, curl_sockaddr* addr) {
  auto* client = static_cast<CurlHttpClient*>(self);
  if (purpose != CURLSOCKTYPE_IPCXN ||
      (!client->allow_now_ && is_private_address(&addr->addr))) {
    if (client->refused_.empty()) client->refused_ = address_string(&addr->addr);
    return CURL_SOCKET_BAD;
  }
  return ::socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

size_t CurlHttpClient::write_body(char* data, size_t size, size_t n, void* self) {
  auto* client = static_cast<CurlHttpClient*>(self);
  size_t len = size * n;
  if (client->body_.size() < client->max_body_)
    client->body_.append(data, std::min(len, client->max_body_ - client->body_.size()));
  return len;  // keep reading; the rest is discarded
}

app::HttpResponse CurlHttpClient::post(const app::HttpRequest& r) {
  app::HttpResponse out;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  bool has_expect = false;
  for (const auto& [name, value] : r.headers) {
    if (!valid_header(name, value)) {
      out.error = "invalid header";
      return out;
    }
    has_expect = has_expect || iequals(name, "Expect");
    std::string line = value.empty() ? name + ";" : name + ": " + value;  // "X;" sends "X:"
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (!next) {
      out.error = "out of memory";
      return out;
    }
    (void)headers.release();
    headers.reset(next);
  }
  if (!has_expect) {
    curl_slist* next = curl_slist_append(headers.get(), "Expect:");
    if (!next) {
      out.error = "out of memory";
      return out;
    }
    (void)headers.release();
    headers.reset(next);
  }

  allow_now_ = allow_private_ || r.allow_private_addresses;
  // A connection that may lead to a private address must not wait in the cache for a
  // request that is not allowed there.
  curl_easy_setopt(curl_, CURLOPT_FORBID_REUSE, allow_now_ && !allow_private_ ? 1L : 0L);
  body_.clear();
  max_body_ = r.max_body;
  refused_.clear();
  errbuf_[0] = '\0';
  long timeout = r.timeout.count() > 0 ? static_cast<long>(r.timeout.count()) : 10000L;
  curl_easy_setopt(curl_, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers.get());
  if (r.get) {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, r.body.data());
  }
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, timeout);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, timeout);
  CURLcode rc = curl_easy_perform(curl_);
  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  // The handle must not keep pointers into this call's locals.
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);

  out.status = static_cast<int>(status);
  out.body = std::move(body_);
  body_.clear();
  if (rc != CURLE_OK) {
    if (status == 0 && !refused_.empty())
      out.error = "refused: " + refused_ + " is a private address";
    else if (errbuf_[0] != '\0')
      out.error = errbuf_;
    else
      out.error = curl_easy_strerror(rc);
  }
  return out;
}

}  // namespace remit::notify
