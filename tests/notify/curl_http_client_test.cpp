// CurlHttpClient against an in-process HTTP server: the POST as sent, keep-alive, the 4 KiB
// body cap, no redirects, timeouts, and the connect-time refusal of private addresses.
#include "notify/curl_http_client.h"

#include <gtest/gtest.h>

#include <mutex>

#include "fake_server.h"

namespace remit::notify {
namespace {

using namespace std::chrono_literals;
using testing::FakeServer;
using testing::Reader;
using testing::send_all;

struct Received {
  std::string request_line;
  std::vector<std::string> headers;
  std::string body;
};

struct HttpScript {
  std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  std::chrono::milliseconds delay{0};
  std::mutex mu;
  std::vector<Received> requests;
};

void serve_http(HttpScript& s, int fd) {
  Reader in(fd);
  while (true) {
    Received r;
    if (!in.line(r.request_line)) return;
    std::string h;
    size_t length = 0;
    while (in.line(h) && !h.empty()) {
      r.headers.push_back(h);
      if (h.starts_with("Content-Length: ")) length = std::stoul(h.substr(16));
    }
    if (!in.exactly(length, r.body)) return;
    {
      std::lock_guard lock(s.mu);
      s.requests.push_back(r);
    }
    std::this_thread::sleep_for(s.delay);
    send_all(fd, s.response);
  }
}

app::HttpRequest request(int port, std::string body = R"({"type":"invoice.issued"})") {
  app::HttpRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/hooks/remit";
  r.headers = {{"Content-Type", "application/json"}, {"webhook-id", "msg_1"}};
  r.body = std::move(body);
  r.timeout = 5000ms;
  return r;
}

bool has_header(const Received& r, const std::string& line) {
  return std::find(r.headers.begin(), r.headers.end(), line) != r.headers.end();
}

TEST(CurlHttpClient, PostsBodyAndHeadersAndKeepsTheConnection) {
  HttpScript script;
  FakeServer server([&](int fd) { serve_http(script, fd); });
  CurlHttpClient c(true);
  auto r1 = c.post(request(server.port()));
  auto r2 = c.post(request(server.port(), std::string(5000, 'b')));  // no Expect: wait
  EXPECT_EQ(r1.status, 200);
  EXPECT_EQ(r1.body, "ok");
  EXPECT_EQ(r1.error, "");
  EXPECT_EQ(r2.status, 200);
  std::lock_guard lock(script.mu);
  ASSERT_EQ(script.requests.size(), 2u);
  EXPECT_EQ(script.requests[0].request_line, "POST /hooks/remit HTTP/1.1");
  EXPECT_EQ(script.requests[0].body, R"({"type":"invoice.issued"})");
  EXPECT_TRUE(has_header(script.requests[0], "Content-Type: application/json"));
  EXPECT_TRUE(has_header(script.requests[0], "webhook-id: msg_1"));
  EXPECT_EQ(script.requests[1].body, std::string(5000, 'b'));
  EXPECT_EQ(server.connections(), 1);
}

TEST(CurlHttpClient, KeepsOnlyTheFirst4KiBOfTheResponse) {
  HttpScript script;
  script.response = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 10000\r\n\r\n" +
                    std::string(10000, 'e');
  FakeServer server([&](int fd) { serve_http(script, fd); });
  CurlHttpClient c(true);
  auto r = c.post(request(server.port()));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, std::string(4096, 'e'));
  EXPECT_EQ(r.error, "");
}

TEST(CurlHttpClient, DoesNotFollowRedirects) {
  HttpScript script;
  script.response = "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n";
  FakeServer server([&](int fd) { serve_http(script, fd); });
  CurlHttpClient c(true);
  auto r = c.post(request(server.port()));
  EXPECT_EQ(r.status, 302);
  std::lock_guard lock(script.mu);
  EXPECT_EQ(script.requests.size(), 1u);
}

TEST(CurlHttpClient, TimesOut) {
  HttpScript script;
  script.delay = 1500ms;
  FakeServer server([&](int fd) { serve_http(script, fd); });
  CurlHttpClient c(true);
  auto req = request(server.port());
  req.timeout = 300ms;
  auto r = c.post(req);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST(CurlHttpClient, RefusesPrivateAddressesAtConnectTime) {
  HttpScript script;
  FakeServer server([&](int fd) { serve_http(script, fd); });
  CurlHttpClient c(false);
  auto r = c.post(request(server.port()));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "refused: 127.0.0.1 is a private address");
  auto req = request(server.port());
  req.url = "http://localhost:" + std::to_string(server.port()) + "/";  // a name, not a literal
  r = c.post(req);
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.error.starts_with("refused: ")) << r.error;
  std::lock_guard lock(script.mu);
  EXPECT_TRUE(script.requests.empty());
}

TEST(CurlHttpClient, PerRequestAllowanceIsNotReusedByStrictRequests) {
  HttpScript script;
  FakeServer server([&](int fd) { serve_http(script, fd); });
  CurlHttpClient c(false);
  auto allowed = request(server.port());
  allowed.allow_private_addresses = true;  // a test-mode tenant
  EXPECT_EQ(c.post(allowed).status, 200);
  auto strict = c.post(request(server.port()));
  EXPECT_EQ(strict.status, 0);
  EXPECT_EQ(strict.error, "refused: 127.0.0.1 is a private address");
}

TEST(CurlHttpClient, OnlyHttpAndHttps) {
  CurlHttpClient c(true);
  app::HttpRequest r;
  r.url = "file:///etc/passwd";
  auto resp = c.post(r);
  EXPECT_EQ(resp.status, 0);
  EXPECT_FALSE(resp.error.empty());
}

TEST(CurlHttpClient, NothingListeningGivesAnError) {
  CurlHttpClient c(true);
  auto r = c.post(request(testing::closed_port()));
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST(CurlHttpClient, RefusesHeaderInjection) {
  CurlHttpClient c(true);
  auto r = request(testing::closed_port());
  r.headers.push_back({"X-Evil", "a\r\nHost: other"});
  EXPECT_EQ(c.post(r).error, "invalid header");
}

}  // namespace
}  // namespace remit::notify
