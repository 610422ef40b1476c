#include "cli/bench_peers.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "core/error.h"
#include "notify/curl_http_client.h"
#include "notify/smtp_mailer.h"
#include "payments/sandbox_processor.h"
#include "store/db.h"

namespace remit::cli {
namespace {

std::mutex conns_mu;

// Buffered reads from one connection.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}
  // One line without its CRLF; false at end of stream.
  bool line(std::string& out) {
    for (;;) {
      auto at = buf_.find("\r\n", pos_);
      if (at != std::string::npos) {
        out.assign(buf_, pos_, at - pos_);
        pos_ = at + 2;
        return true;
      }
      if (!fill()) return false;
    }
  }
  // Skips n bytes; false at end of stream.
  bool skip(size_t n) {
    while (buf_.size() - pos_ < n) {
      n -= buf_.size() - pos_;
      pos_ = buf_.size();
      if (!fill()) return false;
    }
    pos_ += n;
    return true;
  }
  int64_t consumed() const { return consumed_; }

 private:
  bool fill() {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    consumed_ += n;
    return true;
  }
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
  int64_t consumed_ = 0;
};

void send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

bool starts_with_ci(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && std::equal(p.begin(), p.end(), s.begin(), [](char lo, char c) {
           return std::tolower(static_cast<unsigned char>(c)) == lo;
         });
}

}  // namespace

LocalPeer::LocalPeer(Kind kind) : kind_(kind) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw Error(Code::Internal, "bench: cannot listen on loopback");
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LocalPeer::~LocalPeer() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  {
    std::lock_guard lock(conns_mu);
    for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : conns_) t.join();
}

std::string LocalPeer::url() const {
  return kind_ == Smtp ? fmt::format("smtp://127.0.0.1:{}", port_)
                       : fmt::format("http://127.0.0.1:{}/hook", port_);
}

void LocalPeer::accept_loop() {
  while (!stop_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stop_) return;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(conns_mu);
    conn_fds_.push_back(fd);
    conns_.emplace_back([this, fd] {
      if (kind_ == Smtp)
        serve_smtp(fd);
      else
        serve_http(fd);
      std::lock_guard done(conns_mu);  // forgotten before closing: the number is reused
      std::erase(conn_fds_, fd);
      ::close(fd);
    });
  }
}

void LocalPeer::serve_smtp(int fd) {
  Reader in(fd);
  send_all(fd, "220 sink ESMTP\r\n");
  std::string line;
  while (in.line(line)) {
    if (starts_with_ci(line, "ehlo")) {
      send_all(fd, "250-sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n");
    } else if (starts_with_ci(line, "data")) {
      send_all(fd, "354 end with .\r\n");
      while (in.line(line) && line != ".") {
      }
      ++received_;
      send_all(fd, "250 queued\r\n");
    } else if (starts_with_ci(line, "quit")) {
      send_all(fd, "221 bye\r\n");
      break;
    } else {
      send_all(fd, "250 ok\r\n");
    }
  }
  bytes_ += in.consumed();
}

void LocalPeer::serve_http(int fd) {
  Reader in(fd);
  std::string line;
  while (in.line(line)) {  // the request line
    size_t length = 0;
    bool close = false;
    while (in.line(line) && !line.empty()) {
      if (starts_with_ci(line, "content-length:")) length = std::stoul(line.substr(15));
      if (starts_with_ci(line, "connection: close")) close = true;
    }
    if (!in.skip(length)) break;
    ++received_;
    send_all(fd, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    if (close) break;
  }
  bytes_ += in.consumed();
}

app::Env bench_env(const Clock& clock, const std::string& path, const std::string& smtp_url) {
  notify::SmtpSettings smtp;
  smtp.url = smtp_url;
  smtp.starttls = notify::SmtpSettings::Tls::Off;
  app::Env env{clock,
                  path,
                  [path] { return store::open_db(path); },
                  [smtp] { return std::make_unique<notify::SmtpMailer>(smtp); },
                  [] { return std::make_unique<notify::CurlHttpClient>(true); },
                  {},
                  [pool = app::ProcessorPool::create([path] {
                     // the sandbox; a bench key (the bench stores no bank numbers)
                     payments::VaultKey key{};
                     return std::make_unique<payments::SandboxProcessor>(store::open_db(path), key);
                   })] { return pool->get(); }};
  env.code_key = [] { return std::string(32, 'b'); };
  return env;
}

}  // namespace remit::cli
