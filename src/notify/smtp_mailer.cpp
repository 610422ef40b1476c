#include "notify/smtp_mailer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "notify/curl_global.h"

namespace remit::notify {
namespace {

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};


struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t read_upload(char* buf, size_t size, size_t nitems, void* userp) {
  auto* up = static_cast<Upload*>(userp);
  size_t n = std::min(size * nitems, up->data.size() - up->offset);
  std::memcpy(buf, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

bool bad_envelope_address(std::string_view a) {
  if (a.empty()) return true;
  for (unsigned char c : a)
    if (c < 0x20 || c == 0x7f || c == '<' || c == '>') return true;
  return false;
}

}  // namespace

SmtpSettings::Tls parse_starttls(std::string_view word, std::string_view field) {
  std::string w(word);
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
  if (w == "required") return SmtpSettings::Tls::Required;
  if (w == "optional") return SmtpSettings::Tls::Optional;
  if (w == "off") return SmtpSettings::Tls::Off;
  invalid(std::string(field), "must be required, optional or off");
}

void validate(const SmtpSettings& s) {
  const char* kUrlShape = "must look like smtp://host:port or smtps://host:port";
  if (s.url.empty()) invalid("smtp_url", "is required");
  for (unsigned char c : s.url)
    if (c <= 0x20 || c >= 0x7f) invalid("smtp_url", "must not contain spaces or control characters");
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) throw Error(Code::Internal, "curl_url: out of memory");
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, s.url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc == CURLUE_BAD_PORT_NUMBER) invalid("smtp_url", "has a bad port");
  if (rc != CURLUE_OK) invalid("smtp_url", kUrlShape);
  std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
  if (scheme != "smtp" && scheme != "smtps") invalid("smtp_url", "scheme must be smtp or smtps");
  if (!url_part(u.get(), CURLUPART_USER).empty() || !url_part(u.get(), CURLUPART_PASSWORD).empty() ||
      s.url.find('@') != std::string::npos)
    invalid("smtp_url", "must not contain credentials; give the user name and password separately");
  if (url_part(u.get(), CURLUPART_HOST).empty()) invalid("smtp_url", "has no host");
  std::string port = url_part(u.get(), CURLUPART_PORT);
  if (!port.empty() && (port.size() > 5 || std::stol(port) < 1 || std::stol(port) > 65535))
    invalid("smtp_url", "has a bad port");
  if (!url_part(u.get(), CURLUPART_QUERY).empty() || !url_part(u.get(), CURLUPART_FRAGMENT).empty())
    invalid("smtp_url", kUrlShape);
  if (s.timeout_ms <= 0) invalid("smtp_timeout_ms", "must be positive");
  if (s.username.empty() && !s.password.empty())
    invalid("smtp_username", "is required when a password is given");
}

SmtpMailer::SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {
  validate(settings_);
  curl_global();
  curl_ = curl_easy_init();
  if (!curl_) throw Error(Code::Internal, "curl_easy_init failed");
  curl_easy_setopt(curl_, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf_);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, settings_.timeout_ms);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, settings_.timeout_ms);
  long use_ssl = CURLUSESSL_ALL;  // smtps:// is TLS from the start either way
  if (settings_.url.starts_with("smtp://")) {
    use_ssl = settings_.starttls == SmtpSettings::Tls::Required   ? CURLUSESSL_ALL
              : settings_.starttls == SmtpSettings::Tls::Optional ? CURLUSESSL_TRY
                                                                  : CURLUSESSL_NONE;
  }
  curl_easy_setopt(curl_, CURLOPT_USE_SSL, use_ssl);
  if (!settings_.username.empty()) {
    curl_easy_setopt(curl_, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(curl_, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl_, CURLOPT_READFUNCTION, read_upload);
}

SmtpMailer::~SmtpMailer() {
  if (curl_) curl_easy_cleanup(curl_);  // sends QUIT on an open connection
}

app::MailResult SmtpMailer::send(const app::OutgoingMail& m) {
  using app::MailResult;
  if (bad_envelope_address(m.from))
    return {MailResult::Permanent, 0, "invalid envelope sender"};
  if (m.to.empty()) return {MailResult::Permanent, 0, "no recipients"};
  std::unique_ptr<curl_slist, SlistDeleter> rcpt;
  for (const auto& to : m.to) {
    if (bad_envelope_address(to)) return {MailResult::Permanent, 0, "invalid envelope recipient"};
    curl_slist* next = curl_slist_append(rcpt.get(), to.c_str());
    if (!next) return {MailResult::Temporary, 0, "out of memory"};
    (void)rcpt.release();
    rcpt.reset(next);
  }

  Upload up{m.data};
  errbuf_[0] = '\0';
  curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, m.from.c_str());
  curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(curl_, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m.data.size()));
  CURLcode rc = curl_easy_perform(curl_);
  long code = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
  curl_off_t uploaded = 0;
  curl_easy_getinfo(curl_, CURLINFO_SIZE_UPLOAD_T, &uploaded);
  // The handle must not keep pointers into this call's locals.
  curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(curl_, CURLOPT_READDATA, static_cast<void*>(nullptr));

  if (rc == CURLE_OK) return {MailResult::Sent, code ? static_cast<int>(code) : 250, "sent"};

  std::string detail = curl_easy_strerror(rc);
  if (errbuf_[0] != '\0' && detail != errbuf_) detail += std::string(": ") + errbuf_;
  if (code) detail += fmt::format(" (SMTP {})", code);
  // MAIL FROM, RCPT TO and DATA refusals are CURLE_SEND_ERROR; a refusal after the data
  // is CURLE_WEIRD_SERVER_REPLY (CURLE_RECV_ERROR in some versions). The same error from
  // the greeting (nothing uploaded yet) is a server-wide refusal, not this message's.
  bool refused_message = rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
                         (rc == CURLE_WEIRD_SERVER_REPLY && uploaded > 0);
  if (code >= 500 && code <= 599 && refused_message)
    return {MailResult::Permanent, static_cast<int>(code), detail};
  return {MailResult::Temporary, static_cast<int>(code), detail};
}

}  // namespace remit::notify
