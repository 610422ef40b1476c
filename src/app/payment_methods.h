#pragma once
// Payment methods (D1, D2, D3, A3): cards, bank accounts and wallets saved on an account as
// the processor's tokens (app/processor.h). Remit keeps the token, brand, last 4 and expiry;
// never a full card number, CVC or bank account number. A bank account comes with the debit
// authorization the customer signed (its text, time, address and channel: online or paper)
// and is usable only once its two micro-deposits are confirmed. The preferred method (the
// star) is what autopay charges; a parent's method marked shared_with_children is usable by
// its children.
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/env.h"

namespace remit::app {

struct PaymentMethod {
  int64_t id = 0, account_id = 0;
  std::string kind;  // card | bank | wallet
  std::string brand, last4;
  int exp_month = 0, exp_year = 0;
  std::string holder_name, routing, account_type;
  // active | pending_verification (bank, micro-deposits sent) | verification_failed
  std::string status;
  bool preferred = false, shared_with_children = false;
  std::string mandate_text, mandate_channel, mandate_address;
  std::optional<std::string> mandate_at;
  int micro_tries_left = 0;
  std::optional<std::string> micro_expires_at;
  std::string created_at;
  bool inherited = false;  // the parent's, shared with this account (in a child's list)
  std::string token;       // for the processor; never shown
};
// Cards and wallets: the kinds the tenant's per-transaction limit and convenience fee cover.
inline bool digital(const std::string& kind) { return kind == "card" || kind == "wallet"; }

struct NewPaymentMethod {
  int64_t account_id = 0;
  std::string token;  // from the processor's tokenizing form
  std::string holder_name;
  std::string account_type;  // bank: checking | savings
  bool preferred = false, shared_with_children = false;
  // bank: the debit authorization as signed
  std::string mandate_text, mandate_channel, mandate_address;
};

// Describes the token with the processor; a card or wallet is verified (zero amount): a
// decline is PaymentDeclined naming `token`. A bank account is saved pending verification and
// its two micro-deposits (1 to 99 cents each) are sent after the commit. Its holder's name is
// saved trimmed (holder_name_fault names what it refuses); the same bank account (same
// routing number, last 4 and holder, compared as the bank file writes the name) saved on the
// account and neither deleted nor failed (verification failed, or its deposits expired) is
// Conflict naming `account_number`: "this bank account is already saved".
PaymentMethod add_payment_method(Caller& c, const NewPaymentMethod& m);
// What is wrong with a bank account holder's name, or nullptr: empty once trimmed, more than
// 200 bytes, not valid UTF-8, or a control character (tab, line break ...) in it.
const char* holder_name_fault(std::string_view name);
// Sends a pending bank account's micro-deposits (idempotent: keys per method and deposit).
void send_micro_deposits(Caller& c, int64_t method_id);

// The account's own methods, then those its parent shares with it.
std::vector<PaymentMethod> list_payment_methods(Ctx& ctx, int64_t account_id);
PaymentMethod get_payment_method(Ctx& ctx, int64_t id);
struct PaymentMethodPatch {
  std::optional<bool> preferred, shared_with_children;
};
PaymentMethod update_payment_method(Ctx& ctx, int64_t id, const PaymentMethodPatch& p);
void delete_payment_method(Ctx& ctx, int64_t id);

// The customer's two amounts (in either order). A wrong pair uses a try; the last wrong try
// marks the method verification_failed. Committed either way: a wrong answer is returned,
// not thrown, so the used try is kept.
struct MicroDepositCheck {
  bool matched = false;
  PaymentMethod method;
};
MicroDepositCheck verify_micro_deposits(Ctx& ctx, int64_t id, Minor first, Minor second);

// Whether a card's expiry month is before today's (never for other kinds).
bool expired(const PaymentMethod& m, Date today);
// A method `account_id` may pay with: its own or its parent's shared one, active (a bank
// account verified), a card not expired. 400 naming `field` otherwise.
PaymentMethod usable_method(Ctx& ctx, int64_t account_id, int64_t method_id,
                            std::string_view field = "payment_method_id");
// Whether the account (or the parent it inherits from) has any usable method.
bool has_usable_method(Ctx& ctx, int64_t account_id);

}  // namespace remit::app
