#include "cli/env.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "notify/curl_http_client.h"
#include "notify/delivery.h"
#include "notify/eml_mailer.h"
#include "notify/smtp_mailer.h"
#include "payments/vault_key.h"

namespace remit::cli {

namespace {

// A file beside the SQLite database (data/ for PostgreSQL), unless set.
std::string beside_db(const Globals& g, const std::string& set, const std::string& name) {
  if (!set.empty()) return set;
  if (store::is_postgres_url(g.db)) return "data/" + name;
  auto parent = std::filesystem::path(g.db).parent_path();
  return (parent.empty() ? std::filesystem::path(name) : parent / name).string();
}

std::string read_password(const std::string& file) {
  if (file.empty()) {
    const char* p = std::getenv("REMIT_SMTP_PASSWORD");
    return p ? p : "";
  }
  std::ifstream in(file);
  if (!in) invalid("smtp-password-file", "cannot be read");
  std::string line;
  std::getline(in, line);
  return line;
}

std::function<std::unique_ptr<app::Mailer>()> mailer(const Globals& g) {
  if (g.smtp_url.empty()) {
    std::string dir = beside_db(g, g.outbox_dir, "outbox");
    return [dir] { return std::make_unique<notify::EmlMailer>(dir); };
  }
  notify::SmtpSettings s;
  s.url = g.smtp_url;
  s.username = g.smtp_user;
  s.password = read_password(g.smtp_password_file);
  s.starttls = notify::parse_starttls(g.smtp_starttls, "smtp-starttls");
  notify::validate(s);
  return [s] { return std::make_unique<notify::SmtpMailer>(s); };
}
}  // namespace

Runtime::Runtime(const Globals& g)
    : env{clock,
          g.db,
          [url = g.db] { return store::open_db(url); },
          mailer(g),
          [] { return std::make_unique<notify::CurlHttpClient>(false); },
          {g.public_url, g.mail_from},
          // The key file is read (or made) when a thread first needs the processor.
          [pool = app::ProcessorPool::create(
               [url = g.db, key_file = beside_db(g, g.vault_key_file, "vault.key")] {
                 return std::make_unique<payments::SandboxProcessor>(
                     store::open_db(url), payments::load_or_create_vault_key(key_file));
               })] { return pool->get(); }},
      mail_destination(g.smtp_url.empty() ? beside_db(g, g.outbox_dir, "outbox") : g.smtp_url) {
  // Read (or made) when a code is first needed, as the processor's key is.
  env.code_key = [key_file = beside_db(g, g.vault_key_file, "vault.key")] {
    return payments::derive_code_key(payments::load_or_create_vault_key(key_file));
  };
  auto& u = env.notify.public_url;
  if (!(u.starts_with("http://") || u.starts_with("https://")) || u.size() > 200)
    invalid("public-url", "must be an http:// or https:// URL");
  while (u.ends_with("/")) u.pop_back();
  auto at = g.mail_from.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == g.mail_from.size() ||
      g.mail_from.find_first_of(" <>,;\r\n") != std::string::npos)
    invalid("mail-from", "must be a bare email address");
}

void deliver_now(Runtime& rt) {
  notify::Deliverer d(rt.env);
  int n = d.deliver_all();
  if (n > 0) fmt::print("{} messages delivered (email: {})\n", n, rt.mail_destination);
}

void add_notify_options(CLI::App& app, Globals& g) {
  auto env = [](const char* name, std::string& v) {
    if (const char* e = std::getenv(name); e && *e) v = e;
  };
  env("REMIT_SMTP_URL", g.smtp_url);
  env("REMIT_SMTP_USER", g.smtp_user);
  env("REMIT_SMTP_PASSWORD_FILE", g.smtp_password_file);
  env("REMIT_SMTP_STARTTLS", g.smtp_starttls);
  env("REMIT_OUTBOX_DIR", g.outbox_dir);
  env("REMIT_PUBLIC_URL", g.public_url);
  env("REMIT_MAIL_FROM", g.mail_from);
  env("REMIT_VAULT_KEY_FILE", g.vault_key_file);
  app.add_option("--smtp-url", g.smtp_url,
                 "send email through this SMTP server: smtp://host:587 (STARTTLS) or "
                 "smtps://host:465; unset: write .eml files to --outbox-dir");
  app.add_option("--smtp-user", g.smtp_user, "SMTP user name");
  app.add_option("--smtp-password-file", g.smtp_password_file,
                 "file whose first line is the SMTP password (or env REMIT_SMTP_PASSWORD)");
  app.add_option("--smtp-starttls", g.smtp_starttls, "required, optional or off")
      ->capture_default_str();
  app.add_option("--outbox-dir", g.outbox_dir,
                 "where .eml files go when no SMTP server is set (default: outbox/ beside the "
                 "database file, data/outbox for PostgreSQL)");
  app.add_option("--public-url", g.public_url, "the address customers reach Remit at (View & Pay links)")
      ->capture_default_str();
  app.add_option("--mail-from", g.mail_from, "sender address when the tenant has no email")
      ->capture_default_str();
  app.add_option("--vault-key-file", g.vault_key_file,
                 "the key sealing stored bank account numbers, made on first use (default: "
                 "vault.key beside the database file, data/vault.key for PostgreSQL); every "
                 "server of one database needs the same file");
}

}  // namespace remit::cli
