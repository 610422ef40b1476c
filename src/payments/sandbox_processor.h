#pragma once
// The sandbox processor: a PaymentProcessor (app/processor.h) that behaves like a real one in
// test mode (Stripe's is the model), for test and demo tenants and for every test. It keeps
// its own books in the sandbox_tokens and sandbox_transactions tables, written on its own
// connection in its own transactions, as a processor's servers would: so a test can compare
// what the processor charged with what Remit recorded, even across kill -9.
//
// Test cards (any future expiry, any 3-4 digit CVC):
//   4242424242424242, 5555555555554444, 378282246310005, 6011111111111117  succeed
//   4000000000000002  declined (card_declined), also when saved
//   4000000000009995  insufficient_funds, also when saved
//   4000000000000069  expired_card, also when saved
//   4000000000000119  processing_error, also when saved
//   4000000000000341  saves, but every charge is declined (card_declined)
//   4000000000008880  every call that moves money times out: the money moves but the answer
//                     is lost (Unknown); status() then tells what happened
// Any other number is refused at tokenization (as test mode refuses real cards).
// Test bank accounts, routing 110000000 (checking or savings):
//   000123456789  succeeds, settles after 72 h
//   000222222227  returned R01 (insufficient funds) 48 h later
//   000111111113  returned R02 (account closed) 48 h later
//   000111111116  returned R03 (no account) 48 h later
//   000333333335  returned R10 (unauthorized) 96 h later, after it settled
// Wallets (paypal, venmo, apple_pay, google_pay), by the wallet's token:
//   tok_wallet_success, tok_wallet_declined, tok_wallet_insufficient_funds
// Cards and wallets settle 48 h after capture. Bank account numbers are kept sealed
// (XSalsa20-Poly1305) under the vault key handed in, for the NACHA writer only.
#include <array>
#include <functional>
#include <memory>

#include "app/processor.h"
#include "store/db.h"

namespace remit::payments {

using VaultKey = std::array<unsigned char, 32>;

class SandboxProcessor final : public app::PaymentProcessor {
 public:
  SandboxProcessor(std::unique_ptr<store::Db> db, const VaultKey& key);

  app::Tokenized describe(const std::string& token) override;
  app::Tokenized tokenize_card(const app::CardInput& c, Instant at) override;
  app::Tokenized tokenize_bank(const app::BankInput& b, Instant at) override;
  app::Tokenized tokenize_wallet(const std::string& wallet, const std::string& wallet_token,
                                 Instant at) override;
  app::ProcessorResult verify(const std::string& key, const std::string& token,
                              Instant at) override;
  app::ProcessorResult authorize(const app::ChargeRequest& r) override;
  app::ProcessorResult capture(const std::string& key, const std::string& reference,
                               Instant at) override;
  app::ProcessorResult cancel(const std::string& key, const std::string& reference,
                              Instant at) override;
  app::ProcessorResult charge(const app::ChargeRequest& r) override;
  std::vector<app::ProcessorResult> charge_batch(
      const std::vector<app::ChargeRequest>& rs) override;
  app::ProcessorResult refund(const std::string& key, const std::string& reference, Minor amount,
                              Instant at) override;
  app::ProcessorResult credit(const app::ChargeRequest& r) override;
  app::TxStatus status(const std::string& key, Instant at) override;

  std::optional<BankNumbers> bank_numbers_for_file(const std::string& token) override {
    auto [routing, account] = bank_account(token);
    return BankNumbers{routing, account};
  }
  // The bank account behind a bank token: {routing, account number} (the NACHA writer's).
  std::pair<std::string, std::string> bank_account(const std::string& token);

 private:
  struct Token;
  std::optional<Token> load_token(const std::string& token);
  // Takes the key for this call, or returns the answer of the call that took it first.
  std::optional<app::ProcessorResult> claim_key(const std::string& key, const std::string& ref,
                                                const std::string& kind, const std::string& token,
                                                const std::string& parent, Instant at);
  app::ProcessorResult move(const std::string& kind, const app::ChargeRequest& r,
                            const std::string& parent);
  app::ProcessorResult follow_up(const std::string& kind, const std::string& key,
                                 const std::string& reference, Minor amount, Instant at);
  std::unique_ptr<store::Db> db_;
  VaultKey key_;
};

}  // namespace remit::payments
