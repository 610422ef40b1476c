// The sandbox processor keeps the port's contract (app/processor.h): test numbers behave as
// documented, a repeated key moves money once, a timeout leaves the outcome to status(), and
// settlement and returns follow the clock handed in.
#include <gtest/gtest.h>

#include <thread>

#include "domain/instruments.h"
#include "payments/sandbox_processor.h"
#include "test_db.h"

namespace remit::payments {
namespace {
using app::ChargeStatus;
using app::TxState;
using namespace std::chrono_literals;

const Instant T0 = Instant{make_date(2026, 3, 2)} + 9h;

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("remit-sandbox-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<test::TestDatabase>(dir_);
    auto conn = store::open_db(db_->url());
    store::migrate(*conn);
    key_.fill(7);
    p_ = std::make_unique<SandboxProcessor>(store::open_db(db_->url()), key_);
  }
  void TearDown() override {
    p_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string card(const std::string& number) {
    auto t = p_->tokenize_card({number, "123", "", 12, 2030}, T0);
    EXPECT_TRUE(t.ok) << t.message;
    return t.token;
  }
  std::string bank(const std::string& account) {
    auto t = p_->tokenize_bank({"110000000", account, "checking", "Pat Lee"}, T0);
    EXPECT_TRUE(t.ok) << t.message;
    return t.token;
  }
  app::ProcessorResult charge(const std::string& key, const std::string& token, Minor amount,
                              Instant at = T0) {
    return p_->charge({key, token, amount, "USD", "test", at});
  }
  std::filesystem::path dir_;
  std::unique_ptr<test::TestDatabase> db_;
  VaultKey key_{};
  std::unique_ptr<SandboxProcessor> p_;
};

TEST_F(SandboxTest, CardsBehaveAsDocumented) {
  struct Case {
    std::string number, verify_code, charge_code;
  };
  std::vector<Case> cases = {{"4242424242424242", "", ""},
                             {"5555555555554444", "", ""},
                             {"4000000000000002", "card_declined", "card_declined"},
                             {"4000000000009995", "insufficient_funds", "insufficient_funds"},
                             {"4000000000000069", "expired_card", "expired_card"},
                             {"4000000000000119", "processing_error", "processing_error"},
                             {"4000000000000341", "", "card_declined"}};
  int n = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.number);
    std::string tok = card(c.number);
    auto v = p_->verify("v" + std::to_string(n), tok, T0);
    EXPECT_EQ(v.status, c.verify_code.empty() ? ChargeStatus::Succeeded : ChargeStatus::Failed);
    EXPECT_EQ(v.code, c.verify_code);
    auto r = charge("c" + std::to_string(n++), tok, 5000);
    EXPECT_EQ(r.status, c.charge_code.empty() ? ChargeStatus::Succeeded : ChargeStatus::Failed);
    EXPECT_EQ(r.code, c.charge_code);
  }
}

TEST_F(SandboxTest, TokenizationRefusesBadInputNamingTheField) {
  EXPECT_EQ(p_->tokenize_card({"4242424242424241", "123", "", 12, 2030}, T0).field, "number");
  EXPECT_EQ(p_->tokenize_card({"4111111111111111", "123", "", 12, 2030}, T0).field, "number");
  EXPECT_EQ(p_->tokenize_card({"4242424242424242", "12", "", 12, 2030}, T0).field, "cvc");
  EXPECT_EQ(p_->tokenize_card({"4242424242424242", "123", "", 13, 2030}, T0).field, "exp_month");
  EXPECT_EQ(p_->tokenize_card({"4242424242424242", "123", "", 2, 2026}, T0).field, "exp_year");
  EXPECT_EQ(p_->tokenize_bank({"110000001", "000123456789", "checking", ""}, T0).field,
            "routing_number");
  EXPECT_EQ(p_->tokenize_bank({"110000000", "12ab", "checking", ""}, T0).field, "account_number");
  EXPECT_EQ(p_->tokenize_wallet("bitcoin", "tok_wallet_success", T0).field, "wallet");
  auto ok = p_->tokenize_card({"4242 4242 4242 4242", "123", "", 3, 2026}, T0);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.brand, "visa");
  EXPECT_EQ(ok.last4, "4242");
}

TEST_F(SandboxTest, ARepeatedKeyMovesMoneyOnceAndAnswersAsTheFirstCall) {
  std::string tok = card("4242424242424242");
  auto a = charge("k1", tok, 1000);
  auto b = charge("k1", tok, 999999);  // other arguments are ignored on a repeat
  ASSERT_EQ(a.status, ChargeStatus::Succeeded);
  EXPECT_EQ(b.status, ChargeStatus::Succeeded);
  EXPECT_EQ(a.reference, b.reference);
  EXPECT_EQ(p_->status("k1", T0).amount, 1000);
  auto conn = store::open_db(db_->url());
  EXPECT_EQ(store::one_int(*conn, "SELECT COUNT(*) FROM sandbox_transactions"), 1);
}

TEST_F(SandboxTest, ConcurrentCallsWithOneKeyChargeOnce) {
  std::string tok = card("4242424242424242");
  std::vector<std::thread> ts;
  std::vector<std::string> refs(4);
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      SandboxProcessor own(store::open_db(db_->url()), key_);
      refs[i] = own.charge({"same", tok, 1000, "USD", "", T0}).reference;
    });
  for (auto& t : ts) t.join();
  for (auto& r : refs) EXPECT_EQ(r, refs[0]);
  auto conn = store::open_db(db_->url());
  EXPECT_EQ(store::one_int(*conn, "SELECT COUNT(*) FROM sandbox_transactions"), 1);
}

TEST_F(SandboxTest, ATimeoutTakesTheMoneyButOnlyStatusTellsIt) {
  std::string tok = card("4000000000008880");
  auto r = charge("t1", tok, 2500);
  EXPECT_EQ(r.status, ChargeStatus::Unknown);
  EXPECT_EQ(r.reference, "");
  auto s = p_->status("t1", T0);
  EXPECT_EQ(s.state, TxState::Succeeded);
  EXPECT_EQ(s.amount, 2500);
  EXPECT_EQ(p_->status("never-sent", T0).state, TxState::NotFound);
}

TEST_F(SandboxTest, CardsSettleAfter48HoursOnTheClockGiven) {
  std::string tok = card("4242424242424242");
  charge("s1", tok, 100);
  EXPECT_EQ(p_->status("s1", T0 + 47h).state, TxState::Succeeded);
  EXPECT_EQ(p_->status("s1", T0 + 48h).state, TxState::Settled);
}

TEST_F(SandboxTest, BankDebitsArePendingThenSettleOrReturnWithTheirCode) {
  struct Case {
    std::string account, code;
    std::chrono::hours returned_after;
  };
  std::vector<Case> cases = {{"000123456789", "", 0h},
                             {"000222222227", "R01", 48h},
                             {"000111111113", "R02", 48h},
                             {"000111111116", "R03", 48h},
                             {"000333333335", "R10", 96h}};
  for (auto& c : cases) {
    SCOPED_TRACE(c.account);
    std::string key = "b" + c.account;
    auto r = charge(key, bank(c.account), 12345);
    EXPECT_EQ(r.status, ChargeStatus::Pending);
    EXPECT_EQ(p_->status(key, T0 + 47h).state, TxState::Pending);
    if (c.code.empty()) {
      EXPECT_EQ(p_->status(key, T0 + 72h).state, TxState::Settled);
      EXPECT_EQ(p_->status(key, T0 + 2400h).state, TxState::Settled);
    } else {
      auto s = p_->status(key, T0 + c.returned_after);
      EXPECT_EQ(s.state, TxState::Returned);
      EXPECT_EQ(s.code, c.code);
    }
  }
}

TEST_F(SandboxTest, AuthorizeThenCaptureOrCancel) {
  std::string tok = card("4242424242424242");
  auto a = p_->authorize({"a1", tok, 700, "USD", "", T0});
  ASSERT_EQ(a.status, ChargeStatus::Succeeded);
  EXPECT_EQ(p_->status("a1", T0).state, TxState::Authorized);
  auto c = p_->capture("a1-capture", a.reference, T0);
  EXPECT_EQ(c.status, ChargeStatus::Succeeded);
  EXPECT_EQ(p_->status("a1", T0).state, TxState::Succeeded);
  EXPECT_EQ(p_->status("a1-capture", T0 + 48h).state, TxState::Settled);
  EXPECT_EQ(p_->cancel("a1-cancel", a.reference, T0).code, "not_authorized");

  auto b = p_->authorize({"a2", bank("000123456789"), 900, "USD", "", T0});
  EXPECT_EQ(b.status, ChargeStatus::Pending);
  EXPECT_EQ(p_->cancel("a2-cancel", b.reference, T0).status, ChargeStatus::Succeeded);
  EXPECT_EQ(p_->status("a2", T0 + 100h).state, TxState::Voided);
  EXPECT_EQ(p_->capture("a2-capture", b.reference, T0).code, "not_authorized");
}

TEST_F(SandboxTest, RefundsUpToWhatWasTaken) {
  std::string tok = card("4242424242424242");
  auto c = charge("r", tok, 1000);
  EXPECT_EQ(p_->refund("r1", c.reference, 600, T0).status, ChargeStatus::Succeeded);
  EXPECT_EQ(p_->refund("r1", c.reference, 600, T0).status, ChargeStatus::Succeeded);  // once
  EXPECT_EQ(p_->refund("r2", c.reference, 401, T0).code, "amount_too_large");
  EXPECT_EQ(p_->refund("r3", c.reference, 400, T0).status, ChargeStatus::Succeeded);
  EXPECT_EQ(p_->status("r", T0).refunded, 1000);
}

TEST_F(SandboxTest, BankNumbersAreSealedAndOpenOnlyWithTheKey) {
  std::string tok = bank("000123456789");
  EXPECT_EQ(p_->bank_account(tok), (std::pair<std::string, std::string>{"110000000", "000123456789"}));
  auto conn = store::open_db(db_->url());
  store::Query q(*conn, "SELECT sealed_account, last4 FROM sandbox_tokens WHERE token = ?", tok);
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.text(0).find("123456789"), std::string::npos);
  EXPECT_EQ(q.text(1), "6789");
  VaultKey other{};
  SandboxProcessor wrong(store::open_db(db_->url()), other);
  EXPECT_THROW(wrong.bank_account(tok), Error);
}

TEST(Instruments, ChecksumsAndMasking) {
  EXPECT_TRUE(domain::aba_routing_valid("110000000"));
  EXPECT_TRUE(domain::aba_routing_valid("021000021"));
  EXPECT_FALSE(domain::aba_routing_valid("021000022"));
  EXPECT_FALSE(domain::aba_routing_valid("02100002"));
  EXPECT_TRUE(domain::luhn_valid("4242424242424242"));
  EXPECT_FALSE(domain::luhn_valid("4242424242424243"));
  EXPECT_EQ(domain::card_brand("378282246310005"), "amex");
  EXPECT_EQ(domain::card_brand("2221000000000009"), "mastercard");
  EXPECT_EQ(domain::masked(domain::last4("000123456789")), "\u2022\u2022\u2022\u20226789");
}

}  // namespace
}  // namespace remit::payments
