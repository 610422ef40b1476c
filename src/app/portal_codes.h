#pragma once
// Sign-in by emailed one-time code (A5): a customer gives an email address; if it has a
// login at the tenant, a 6-digit code is emailed (through the outbox, topic portal_code). The
// code is single use, valid 10 minutes, good only for the browser that asked (it holds the
// request's token in a cookie; the row keeps the token's hash), with at most 5 tries.
//
// The code is never stored: it is HMAC-SHA256(code key, tenant:id:nonce) reduced to 6 digits,
// the key kept outside the database (Env::code_key), so a copy of the database shows no code.
//
// Nothing says whether the email has a login: every request makes a row and the same answer;
// only a login's row gets an email. At most 3 codes per email and 10 per client address in
// 15 minutes are sent; requests past that are answered alike and send nothing.
#include <optional>
#include <string>

#include "app/portal_auth.h"

namespace remit::app {

inline constexpr auto kCodeLife = std::chrono::minutes(10);
inline constexpr int kCodeTries = 5;
inline constexpr auto kCodeWindow = std::chrono::minutes(15);
inline constexpr int kCodesPerEmail = 3, kCodesPerClient = 10;

// Records a sign-in request for `email` from `client` and queues the code's email when the
// email has a login and the limits allow. Returns the request's token for the browser.
// With `account_number` (a forgotten password: the code signs in to set a new one), only a
// login on the account of that number gets the code, and its email says it is for a reset.
std::string request_sign_in_code(Ctx& ctx, const std::string& code_key, const std::string& email,
                                 const std::string& client,
                                 const std::optional<std::string>& account_number = std::nullopt);

// The user when `code` is the code of the browser's live request (which is then used);
// nullopt otherwise, a try spent.
std::optional<PortalUser> check_sign_in_code(Ctx& ctx, const std::string& code_key,
                                             const std::string& request_token,
                                             const std::string& code);

// For the email: the address and the code of request `id`.
struct CodeMail {
  std::string email, code;
  int64_t account_id = 0;
  bool reset = false;  // asked for by "forgot your password?"
};
CodeMail code_mail(Ctx& ctx, const std::string& code_key, int64_t id);

}  // namespace remit::app
