#pragma once
// The payment processor port (D1-D13): what Remit asks of a card, wallet and bank-debit
// processor. The built-in sandbox (payments/sandbox_processor.h) implements it for test and
// demo tenants; a real connector (Stripe, Authorize.net, a bank's ACH origination) plugs in
// behind the same calls. Kill Bill's payment plugin API and Stripe's PaymentIntents are the
// models.
//
// Contract, for every implementation:
// - Remit never calls a processor inside a database transaction: it records the attempt,
//   commits, calls, and records the outcome (app/payments_processor.cpp).
// - Every call that moves money carries an idempotency key chosen by Remit, unique per
//   attempt. A repeat with the same key returns the first call's outcome and moves nothing
//   again, whatever the repeat's other arguments. So after a crash or a timeout, Remit
//   repeats the call or asks `status(key)`, and money moves at most once.
// - Outcomes: Succeeded (the money is taken: card captured), Pending (accepted, not final:
//   a bank debit that may still be returned), Failed (nothing moved; `code` says why), and
//   Unknown (no answer: a timeout, a dropped connection; the charge may or may not exist;
//   `status(key)` settles it later).
// - Full card numbers, CVCs and bank account numbers are given to tokenize_* only (in a real
//   deployment the processor's own form takes them, never Remit's API); everything after
//   works with the token. Messages and codes never contain them.
// - `at` is the caller's now (a test tenant's moved clock); a real processor uses its own
//   clock and ignores it. The sandbox settles and returns payments by it.
// - REQUIRES: one thread at a time; the Env hands out one per thread.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/money.h"

namespace remit::app {

enum class ChargeStatus { Succeeded, Pending, Failed, Unknown };
const char* charge_status_name(ChargeStatus s);

struct ProcessorResult {
  ChargeStatus status = ChargeStatus::Unknown;
  std::string reference;  // the processor's id of the transaction, when known
  // When Failed: card_declined, insufficient_funds, expired_card, processing_error,
  // invalid_token, amount_too_large; for bank debits an ACH return code (R01 ...).
  std::string code;
  std::string message;  // for people; never holds a card or account number
};

// What the processor knows of a transaction now (status query; settlement and returns).
enum class TxState { NotFound, Authorized, Pending, Succeeded, Settled, Failed, Returned, Voided };
const char* tx_state_name(TxState s);
struct TxStatus {
  TxState state = TxState::NotFound;
  std::string reference, code;  // code: a failure reason or the return's R code
  Minor amount = 0, refunded = 0;
};

struct CardInput {
  std::string number, cvc, postal_code;
  int exp_month = 0, exp_year = 0;
};
struct BankInput {
  std::string routing, account, account_type;  // checking | savings
  std::string holder;
};
// A tokenized method: what Remit keeps. On failure `field` names the input at fault.
struct Tokenized {
  bool ok = false;
  std::string token, brand, last4;  // brand: visa, mastercard, amex, discover, bank, or the wallet
  int exp_month = 0, exp_year = 0;
  std::string kind, routing;  // card | bank | wallet; a bank's routing number
  std::string code, field, message;
};

struct ChargeRequest {
  std::string idempotency_key;
  std::string token;
  Minor amount = 0;  // > 0, the tenant's currency
  std::string currency;
  std::string description;  // statement text, e.g. "ACME INV 2026-00123"
  Instant at;
};

class PaymentProcessor {
 public:
  virtual ~PaymentProcessor() = default;
  // What a token stands for (ok false, code invalid_token, when the processor has no such
  // token): brand, last 4, expiry; for a bank token the routing number in `routing`.
  virtual Tokenized describe(const std::string& token) = 0;
  // --- at the edge: the customer's details become a token ---
  virtual Tokenized tokenize_card(const CardInput& c, Instant at) = 0;
  virtual Tokenized tokenize_bank(const BankInput& b, Instant at) = 0;
  // wallet: paypal | venmo | apple_pay | google_pay; wallet_token: what the wallet's button gave
  virtual Tokenized tokenize_wallet(const std::string& wallet, const std::string& wallet_token,
                                    Instant at) = 0;
  // A zero-amount check that a card or wallet can be charged (when it is saved).
  virtual ProcessorResult verify(const std::string& idempotency_key, const std::string& token,
                                 Instant at) = 0;
  // --- money ---
  // Holds the amount on a card or wallet (Succeeded = held); a bank debit is accepted as
  // Pending. Nothing is taken until capture.
  virtual ProcessorResult authorize(const ChargeRequest& r) = 0;
  virtual ProcessorResult capture(const std::string& idempotency_key, const std::string& reference,
                                  Instant at) = 0;
  // Releases an authorization that was not captured.
  virtual ProcessorResult cancel(const std::string& idempotency_key, const std::string& reference,
                                 Instant at) = 0;
  // authorize + capture in one call.
  virtual ProcessorResult charge(const ChargeRequest& r) = 0;
  // Many charges at once (an AutoPay run's chunk), each under its own key with the same
  // contract as charge(); the results in the requests' order. A processor with a batch API
  // (or a pipelined connection) overrides it; by default one charge() after another.
  virtual std::vector<ProcessorResult> charge_batch(const std::vector<ChargeRequest>& rs) {
    std::vector<ProcessorResult> out;
    out.reserve(rs.size());
    for (auto& r : rs) out.push_back(charge(r));
    return out;
  }
  // Returns up to what a captured charge has not yet had refunded to its method.
  virtual ProcessorResult refund(const std::string& idempotency_key, const std::string& reference,
                                 Minor amount, Instant at) = 0;
  // Sends money to a bank account (micro-deposits).
  virtual ProcessorResult credit(const ChargeRequest& r) = 0;
  // The transaction made under this key, as of `at`.
  virtual TxStatus status(const std::string& idempotency_key, Instant at) = 0;
  // For a processor whose bank debits and credits Remit originates in a NACHA file of its own
  // (the sandbox, a bank's ACH origination): the routing and account number behind a bank
  // token, for that file only (never stored or shown). nullopt when the processor originates
  // them itself (Stripe, Authorize.net).
  struct BankNumbers {
    std::string routing, account;
  };
  virtual std::optional<BankNumbers> bank_numbers_for_file(const std::string& token) {
    return std::nullopt;
  }
};

// Processors kept for reuse, so a request does not open a processor (and its connection) of
// its own: get() hands one to a single caller and takes it back when the caller's last
// reference goes. At most `keep` idle ones are kept.
class ProcessorPool : public std::enable_shared_from_this<ProcessorPool> {
 public:
  using Make = std::function<std::unique_ptr<PaymentProcessor>()>;
  static std::shared_ptr<ProcessorPool> create(Make make, size_t keep = 16) {
    return std::shared_ptr<ProcessorPool>(new ProcessorPool(std::move(make), keep));
  }
  std::shared_ptr<PaymentProcessor> get();

 private:
  ProcessorPool(Make make, size_t keep) : make_(std::move(make)), keep_(keep) {}
  Make make_;
  size_t keep_;
  std::mutex m_;
  std::vector<std::unique_ptr<PaymentProcessor>> idle_;
};

}  // namespace remit::app
