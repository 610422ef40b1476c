#pragma once
// A Mailer that delivers into a directory instead of a server (development, demos, tests):
// each message's `data` is written to <dir>/<name>.eml, where <name> is the message_id with
// every character outside [A-Za-z0-9._@+-] replaced by '_' (plus "-<hash>" of the original
// id when anything was replaced or it was longer than 150 bytes, so distinct ids never share
// a file). The directory is created when missing.
//
// The file appears whole or not at all: the bytes go to a temporary file in the same
// directory that is then renamed over the target. The same message_id always maps to the
// same file, so a retried message replaces its earlier copy instead of adding a second one.
// Returns Sent (code 250, detail = the file's path); an I/O error is Temporary with the
// reason; an empty message_id is Permanent.
#include <filesystem>

#include "app/env.h"

namespace remit::notify {

class EmlMailer final : public app::Mailer {
 public:
  explicit EmlMailer(std::filesystem::path dir);
  app::MailResult send(const app::OutgoingMail& m) override;

  // The file a message with this id is written to.
  std::filesystem::path path_for(const std::string& message_id) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace remit::notify
