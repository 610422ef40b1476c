#pragma once
// The real Mailer: sends over SMTP with libcurl.
//
// One CURL easy handle lives as long as the mailer, so libcurl keeps the SMTP connection open
// and reuses it for the next message (one mailer per delivering thread; see app::Mailer).
// The envelope comes from OutgoingMail::from / ::to, the message bytes from ::data.
// Every recipient must be accepted: one refused RCPT TO fails the whole message (so a retry
// never sends a second copy to the others).
//
// Result classification:
// - Sent, code 250: the server accepted the message after DATA.
// - Permanent: the server answered MAIL FROM, RCPT TO, DATA or the end of the data with a
//   5xx reply (the message or a recipient is refused; retrying cannot help).
// - Temporary: everything else: 4xx replies, connection refused, DNS failure, timeouts, TLS
//   failures (including STARTTLS required but not offered), authentication failures (a
//   configuration problem the operator can fix) and server greetings other than 2xx.
// `detail` names the libcurl error and the last SMTP reply code; it never contains the
// password (the mailer never logs nor turns on libcurl's verbose output).
#include <curl/curl.h>

#include <string>
#include <string_view>

#include "app/env.h"

namespace remit::notify {

struct SmtpSettings {
  std::string url;                 // smtp://host:port or smtps://host:port (implicit TLS)
  std::string username, password;  // optional; password never logged nor put in detail
  enum class Tls { Required, Optional, Off } starttls = Tls::Optional;  // for smtp:// URLs
  long timeout_ms = 30000;         // connect timeout and whole-message timeout
};

// Throws remit::Error (InvalidArgument) naming the field: "smtp_url" when the URL does not
// parse, its scheme is not smtp/smtps, it has no host, a bad port, credentials in it (they
// come separately), a query or a fragment; "smtp_timeout_ms" when not positive;
// "smtp_username" when a password is given without a user name.
void validate(const SmtpSettings& s);

// "required" | "optional" | "off" (any case); anything else throws invalid(field, ...).
SmtpSettings::Tls parse_starttls(std::string_view word, std::string_view field);

class SmtpMailer final : public app::Mailer {
 public:
  explicit SmtpMailer(SmtpSettings settings);  // validates; throws as validate()
  ~SmtpMailer() override;
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  app::MailResult send(const app::OutgoingMail& m) override;

 private:
  SmtpSettings settings_;
  CURL* curl_ = nullptr;
  char errbuf_[CURL_ERROR_SIZE] = {};
};

}  // namespace remit::notify
