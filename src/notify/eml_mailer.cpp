#include "notify/eml_mailer.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>

#include <fmt/format.h>

namespace remit::notify {
namespace {

std::string short_hash(std::string_view s) {
  unsigned char h[8];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                     nullptr, 0);
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string file_name(const std::string& id) {
  std::string name;
  bool changed = id.size() > 150;
  for (char c : id.substr(0, 150)) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '@' || c == '+' || c == '-';
    name += keep ? c : '_';
    changed = changed || !keep;
  }
  if (name.front() == '.') name.front() = '_', changed = true;  // no hidden files, no ".."
  if (changed) name += "-" + short_hash(id);
  return name + ".eml";
}

// Writes all of data to a new file at path; "" on success, else the reason.
std::string write_new_file(const std::filesystem::path& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fmt::format("open {}: {}", path.string(), std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = fmt::format("write {}: {}", path.string(), std::strerror(errno));
      ::close(fd);
      return why;
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return fmt::format("close {}: {}", path.string(), std::strerror(errno));
  return {};
}

}  // namespace

EmlMailer::EmlMailer(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::filesystem::path EmlMailer::path_for(const std::string& message_id) const {
  return dir_ / file_name(message_id);
}

app::MailResult EmlMailer::send(const app::OutgoingMail& m) {
  using app::MailResult;
  if (m.message_id.empty()) return {MailResult::Permanent, 0, "message has no message_id"};
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return {MailResult::Temporary, 0, fmt::format("create {}: {}", dir_.string(), ec.message())};

  static std::atomic<unsigned long> counter{0};
  auto target = path_for(m.message_id);
  auto tmp = dir_ / fmt::format(".{}.{}.{}.{}.tmp", target.filename().string(), ::getpid(),
                                std::hash<std::thread::id>{}(std::this_thread::get_id()),
                                counter.fetch_add(1));
  if (auto why = write_new_file(tmp, m.data); !why.empty()) {
    std::filesystem::remove(tmp, ec);
    return {MailResult::Temporary, 0, why};
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return {MailResult::Temporary, 0, fmt::format("rename to {}: {}", target.string(), ec.message())};
  }
  return {MailResult::Sent, 250, target.string()};
}

}  // namespace remit::notify
