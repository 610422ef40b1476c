// Paying through the processor (D4-D7, D10): a card pays an invoice with its fee, a decline
// changes nothing, a split is all or nothing, a repeated Idempotency-Key charges once, the
// payment rules hold, a timeout is finished by the janitor, settlement moves clearing to
// cash and a returned debit reopens the invoice and charges the fee. The sandbox's own books
// are compared with Remit's, and `verify` passes after each.
#include <set>

#include "app/autopay.h"
#include "app/invoices.h"
#include "app/processor.h"
#include "app/outbox.h"
#include "notify/email.h"
#include "payments/nacha.h"
#include "http_fixture.h"

namespace remit::http::testing {
namespace {

class Paying : public RouterTest {
 protected:
  void SetUp() override {
    acc_ = make_billable_account();
    a_ = std::to_string(acc_);
    ASSERT_EQ(post("/v1/clock/advance", R"({"to":"2025-01-02"})").status, 200);
    auto list = body(get("/v1/invoices?status=open&account_id=" + a_)).at("data").as_array();
    ASSERT_EQ(list.size(), 1u);
    inv_ = list[0].at("id").as_int64();
    due_ = list[0].at("amount_due").as_int64();
    ASSERT_EQ(due_, 20000);
  }
  void TearDown() override {
    auto report = app::verify(*db_);
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0]);
  }
  int64_t method(const std::string& tokenize_body, const std::string& extra = "") {
    Response t = router_->handle(
        Request{.method = "POST", .target = "/sandbox/v1/tokens", .body = tokenize_body});
    EXPECT_EQ(t.status, 201) << t.body;
    std::string tok(body(t).at("token").as_string());
    Response r = post("/v1/accounts/" + a_ + "/payment-methods",
                      R"({"token":")" + tok + "\"" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return body(r).at("id").as_int64();
  }
  int64_t card(const std::string& number) {
    return method(R"({"card":{"number":")" + number + R"(","cvc":"123","exp_month":12,"exp_year":2030}})");
  }
  // A verified bank account (its micro-deposits read from the sandbox's books).
  int64_t bank(const std::string& account) {
    int64_t id = method(R"({"bank_account":{"routing_number":"110000000","account_number":")" +
                            account + R"("}})",
                        R"(,"holder_name":"Bob","account_type":"checking","mandate":{"text":"I authorize debits."})");
    std::vector<int64_t> cents;
    store::Query q(*db_,
                   "SELECT s.amount FROM sandbox_transactions s JOIN payment_methods m ON m.token = "
                   "s.token WHERE m.id = ? AND s.kind = 'credit'",
                   id);
    while (q.next()) cents.push_back(q.i64(0));
    EXPECT_EQ(post("/v1/payment-methods/" + std::to_string(id) + "/verify",
                   json::serialize(json::object{{"amounts", json::array{cents.at(0), cents.at(1)}}}))
                  .status,
              200);
    return id;
  }
  Response pay(const json::object& b, const std::string& idem = "") {
    json::object o = b;
    o["account_id"] = acc_;
    return post("/v1/payments/charge", json::serialize(o), idem);
  }
  json::object invoice() { return body(get("/v1/invoices/" + std::to_string(inv_))); }
  int64_t sandbox(const std::string& where) {
    return store::one_int(*db_, "SELECT COUNT(*) FROM sandbox_transactions WHERE " + where);
  }
  int64_t ledger(const std::string& book) {
    return store::one_int(*db_, "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE book = ?", book);
  }
  // The first email of `topic` in the outbox, composed as delivery would.
  std::string receipt(const std::string& topic) {
    store::Query q(*db_, "SELECT id FROM outbox WHERE topic = ? ORDER BY id LIMIT 1", topic);
    if (!q.next()) return "(no " + topic + " email)";
    int64_t id = q.i64(0);
    store::Tx tx(*db_, false);
    app::Ctx ctx = app::make_ctx(*db_, clock_, tenant_.id, "test");
    for (auto& r : app::list_outbox(ctx, {}, {.after = id - 1, .limit = 1}).items) {
      tx.commit();
      return notify::compose_email(*db_, env_->env, r).data;
    }
    return "(gone)";
  }
  Date clock_day() {
    return *parse_date(std::string(body(get("/v1/clock")).at("today").as_string()));
  }
  int64_t acc_ = 0, inv_ = 0, due_ = 0;
  std::string a_;
};

TEST_F(Paying, ACardPaysTheInvoiceWithItsFeeAtOnce) {
  int64_t m = card("4242424242424242");
  Response q = post("/v1/payments/quote", json::serialize(json::object{
                                              {"account_id", acc_}, {"invoice_ids", json::array{inv_}}, {"method_id", m}}));
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(body(q).at("fees"), 175);
  EXPECT_EQ(body(q).at("total"), due_ + 175);
  Response r = pay({{"invoice_ids", json::array{inv_}}, {"method_id", m}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = body(r);
  EXPECT_EQ(b.at("status"), "succeeded");
  EXPECT_EQ(b.at("total"), due_ + 175);
  EXPECT_TRUE(std::string(b.at("confirmation").as_string()).starts_with("P-"));
  auto part = b.at("parts").as_array()[0].as_object();
  EXPECT_EQ(part.at("payment_method").as_object().at("display"), "visa \u2022\u2022\u2022\u20224242");
  EXPECT_EQ(invoice().at("status"), "paid");
  EXPECT_EQ(ledger("clearing"), due_ + 175);
  EXPECT_EQ(ledger("fee_revenue"), -175);
  EXPECT_EQ(sandbox("kind = 'charge' AND amount = " + std::to_string(due_ + 175)), 1);

  // The e-receipt (D11): account, invoice, amount, fee, masked card, confirmation.
  std::string text = receipt("payment_receipt");
  EXPECT_NE(text.find("Payment received: $201.75, confirmation " +
                      std::string(b.at("confirmation").as_string())),
            std::string::npos) << text;
  for (std::string want : {"Account number: ", "Invoices: ", "Amount: $200.00",
                           "Convenience fee: $1.75", "Total: $201.75"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  EXPECT_NE(text.find("visa =E2=80=A2=E2=80=A2=E2=80=A2=E2=80=A24242"), std::string::npos) << text;
  EXPECT_EQ(text.find("4242424242424242"), std::string::npos);
}

TEST_F(Paying, ADeclineChangesNothing) {
  int64_t m = card("4000000000000341");
  Response r = pay({{"method_id", m}});
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(error_code(r), "payment_declined");
  EXPECT_NE(r.body.find("card_declined"), std::string::npos);
  EXPECT_EQ(invoice().at("status"), "open");
  EXPECT_EQ(invoice().at("amount_due"), due_);
  EXPECT_EQ(ledger("clearing"), 0);
}

TEST_F(Paying, ASplitIsAllOrNothing) {
  int64_t good = card("4242424242424242"), bad = card("4000000000000341");
  Response r = pay({{"parts", json::array{json::object{{"method_id", good}, {"amount", 5000}},
                                          json::object{{"method_id", bad}, {"amount", due_ - 5000}}}}});
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(invoice().at("amount_due"), due_);
  EXPECT_EQ(sandbox("kind = 'authorize' AND state = 'voided'"), 1);  // the good part released
  EXPECT_EQ(sandbox("state IN ('succeeded', 'pending') AND kind IN ('charge', 'authorize')"), 0);

  int64_t b = bank("000123456789");
  r = pay({{"parts", json::array{json::object{{"method_id", good}, {"amount", 5000}},
                                 json::object{{"method_id", b}, {"amount", due_ - 5000}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body(r).at("status"), "pending");  // the bank part is on its way
  EXPECT_EQ(body(r).at("fees"), 175);          // the card part only
  EXPECT_EQ(invoice().at("status"), "paid");   // the balance drops at once (D7)
}

TEST_F(Paying, ARepeatedIdempotencyKeyChargesOnce) {
  int64_t m = card("4242424242424242");
  Response a = pay({{"method_id", m}}, "pay-1");
  Response b = pay({{"method_id", m}}, "pay-1");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(body(a).at("confirmation"), body(b).at("confirmation"));
  EXPECT_EQ(sandbox("kind = 'charge'"), 1);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM payments"), 1);
}

TEST_F(Paying, ThePaymentRulesHold) {
  int64_t m = card("4242424242424242");
  Response r = pay({{"amount", 100001}, {"method_id", m}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_field(r), "amount");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pay({{"amount", 1000}, {"method_id", m}}).status, 201);
  r = pay({{"amount", 1000}, {"method_id", m}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("at most 3"), std::string::npos);
  // A bank account is not a digital payment: no fee, no count.
  int64_t b = bank("000123456789");
  r = pay({{"amount", 1000}, {"method_id", b}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body(r).at("fees"), 0);
  // Five days later the window has moved on.
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":6})").status, 200);
  EXPECT_EQ(pay({{"amount", 1000}, {"method_id", m}}).status, 201);
  EXPECT_EQ(error_field(pay({{"method_id", 999999}})), "method_id");
  EXPECT_EQ(error_field(pay({{"invoice_ids", json::array{inv_, inv_}}, {"method_id", m}})), "invoice_ids[1]");
  EXPECT_EQ(error_field(pay({{"parts", json::array{json::object{{"method_id", m}, {"amount", 5}}}},
                             {"amount", 10}})),
            "parts");
  // One card in every part would pass the per-card limit.
  EXPECT_EQ(error_field(pay({{"parts", json::array{json::object{{"method_id", m}, {"amount", 500}},
                                                   json::object{{"method_id", m}, {"amount", 500}}}},
                             {"amount", 1000}})),
            "parts[1]");
}

TEST_F(Paying, ATimeoutIsFinishedByTheJanitorAndChargedOnce) {
  int64_t m = card("4000000000008880");
  Response r = pay({{"method_id", m}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body(r).at("status"), "processing");
  EXPECT_EQ(invoice().at("status"), "open");  // not booked until known
  // Too soon: the request might still be running.
  EXPECT_EQ(body(post("/v1/payments/janitor", "")).at("resolved"), 0);
  EXPECT_EQ(invoice().at("status"), "open");
  // The next day's job runs the janitor.
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":1})").status, 200);
  EXPECT_EQ(invoice().at("status"), "paid");
  EXPECT_EQ(sandbox("kind = 'charge'"), 1);
  EXPECT_EQ(body(post("/v1/payments/janitor", "")).at("resolved"), 0);
}

// Found by testing as a clerk: a retry of a timed-out charge under its Idempotency-Key
// replayed "processing" forever, even once the janitor had booked it.
TEST_F(Paying, ARetryOfATimedOutChargeReportsWhereItStands) {
  int64_t m = card("4000000000008880");
  Response first = pay({{"method_id", m}}, "charge-1");
  ASSERT_EQ(first.status, 202) << first.body;
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":1})").status, 200);  // the janitor books it
  Response again = pay({{"method_id", m}}, "charge-1");
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(body(again).at("status"), "succeeded");
  EXPECT_EQ(body(again).at("parts").as_array()[0].at("id"), body(first).at("parts").as_array()[0].at("id"));
  EXPECT_EQ(sandbox("kind = 'charge'"), 1);
}

// Found by testing as a clerk: refunding a payment whose credit was used answered 409 after
// the processor had already given the money back (booked nowhere); a refund the processor did
// not answer stayed processing forever; the same Idempotency-Key could refund twice.
TEST_F(Paying, ARefundIsCheckedBeforeTheProcessorAndAlwaysFinished) {
  int64_t m = card("4242424242424242");
  Response paid = pay({{"amount", due_ + 10000}, {"method_id", m}});  // 100.00 left as credit
  ASSERT_EQ(paid.status, 201) << paid.body;
  int64_t pid = body(paid).at("parts").as_array()[0].at("id").as_int64();
  ASSERT_EQ(post("/v1/charges", json::serialize(json::object{{"account_id", acc_}, {"description", "Setup"},
                                                             {"unit_amount", 10000}, {"invoice_now", true}}))
                .status, 201);  // the new invoice takes the credit
  ASSERT_EQ(body(get("/v1/accounts/" + a_)).at("credit_balance"), 0);
  std::string target = "/v1/payments/" + std::to_string(pid) + "/refund";
  Response all = post(target, json::serialize(json::object{{"amount", due_ + 10000}}));
  EXPECT_EQ(all.status, 409) << all.body;
  EXPECT_EQ(sandbox("kind = 'refund'"), 0) << "refused before the processor moves money";
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM refunds"), 0);
  // What it paid can come back, once per key.
  Response part = post(target, R"({"amount":5000})", "refund-1");
  ASSERT_EQ(part.status, 201) << part.body;
  Response again = post(target, R"({"amount":5000})", "refund-1");
  EXPECT_EQ(body(again).at("id"), body(part).at("id"));
  EXPECT_EQ(sandbox("kind = 'refund'"), 1);
  EXPECT_EQ(body(get("/v1/payments/" + std::to_string(pid))).at("refunded"), 5000);
}

// Found by testing as a clerk: a refund reopened a written-off invoice (uncollectible, with
// its write-off kept), a transition the invoice states do not have.
TEST_F(Paying, ARefundNeverReopensAWrittenOffInvoice) {
  int64_t m = card("4242424242424242");
  Response paid = pay({{"amount", 4000}, {"method_id", m}});
  ASSERT_EQ(paid.status, 201) << paid.body;
  int64_t pid = body(paid).at("parts").as_array()[0].at("id").as_int64();
  ASSERT_EQ(post("/v1/invoices/" + std::to_string(inv_) + "/mark-uncollectible", "{}").status, 200);
  Response r = post("/v1/payments/" + std::to_string(pid) + "/refund", R"({"amount":4000})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(invoice().at("status"), "uncollectible");
  EXPECT_EQ(sandbox("kind = 'refund'"), 0);
}

TEST_F(Paying, ARefundTheProcessorDidNotAnswerIsFinishedByTheJanitor) {
  int64_t m = card("4000000000008880");
  ASSERT_EQ(pay({{"method_id", m}}).status, 202);
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":1})").status, 200);
  ASSERT_EQ(invoice().at("status"), "paid");
  int64_t pid = store::one_int(*db_, "SELECT id FROM payments");
  std::string target = "/v1/payments/" + std::to_string(pid) + "/refund";
  Response r = post(target, R"({"amount":3000})", "refund-slow");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body(r).at("status"), "processing");
  EXPECT_EQ(body(get("/v1/payments/" + std::to_string(pid))).at("refunded"), 0);
  // A retry under the key reports the same refund; nothing is refunded twice.
  EXPECT_EQ(body(post(target, R"({"amount":3000})", "refund-slow")).at("id"), body(r).at("id"));
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":1})").status, 200);  // the daily janitor
  EXPECT_EQ(body(get("/v1/payments/" + std::to_string(pid))).at("refunded"), 3000);
  EXPECT_EQ(invoice().at("status"), "open");
  EXPECT_EQ(invoice().at("amount_due"), 3000);
  EXPECT_EQ(sandbox("kind = 'refund'"), 1);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM refunds WHERE status = 'succeeded'"), 1);
}

TEST_F(Paying, SettlementMovesClearingToCashAndAReturnReopens) {
  int64_t c = card("4242424242424242");
  ASSERT_EQ(pay({{"amount", 5000}, {"method_id", c}}).status, 201);
  int64_t b = bank("000222222227");  // returned R01 after 48 h
  ASSERT_EQ(pay({{"amount", due_ - 5000}, {"method_id", b}}).status, 201);
  EXPECT_EQ(invoice().at("status"), "paid");
  // Asked before their time, nothing has happened yet.
  auto s = body(post("/v1/payments/settle", ""));
  EXPECT_EQ(s.at("settled"), 0);
  EXPECT_EQ(s.at("returned"), 0);
  // The daily jobs of the next three days ask the processor.
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":3})").status, 200);
  std::string statuses;
  {
    store::Query q(*db_, "SELECT status, return_code FROM payments ORDER BY id");
    while (q.next()) statuses += q.text(0) + q.text(1) + " ";
  }
  EXPECT_EQ(statuses, "settled returnedR01 ");
  EXPECT_EQ(ledger("cash"), 5000 + 175);
  EXPECT_EQ(ledger("clearing"), 0);
  auto inv = invoice();
  EXPECT_EQ(inv.at("status"), "open");
  EXPECT_EQ(inv.at("amount_due"), due_ - 5000);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM charges WHERE unit_amount = 2500 AND "
                                 "description LIKE 'Returned payment fee%R01)'"),
            1);
  EXPECT_EQ(body(post("/v1/payments/settle", "")).at("returned"), 0);  // once
  EXPECT_NE(receipt("payment_returned").find("R01"), std::string::npos);
}

TEST_F(Paying, AutopayChargesThePreferredMethodOnTheDueDate) {
  int64_t m = card("4242424242424242");
  ASSERT_EQ(call("PATCH", "/v1/payment-methods/" + std::to_string(m), R"({"preferred":true})").status, 200);
  Response e = post("/v1/accounts/" + a_ + "/autopay", R"({"stream":"main"})");
  ASSERT_EQ(e.status, 201) << e.body;
  std::string due_date(invoice().at("due_date").as_string());
  // The day before: nothing.
  auto day_before = *parse_date(due_date) - date::days{1};
  ASSERT_EQ(post("/v1/clock/advance", R"({"to":")" + format_date(day_before) + "\"}").status, 200);
  EXPECT_EQ(invoice().at("status"), "open");
  ASSERT_EQ(post("/v1/clock/advance", R"({"to":")" + due_date + "\"}").status, 200);
  EXPECT_EQ(invoice().at("status"), "paid");
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM payments WHERE channel = 'autopay' AND "
                                 "status = 'succeeded' AND fee = 175"),
            1);
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":10})").status, 200);
  EXPECT_EQ(sandbox("kind = 'charge'"), 1);  // once
}

// A card fresh from the tokenizing form pays once without being saved, or is saved first
// when asked; a declined one changes nothing; a saved or bank token is refused.
TEST_F(Paying, ANewCardPaysOnceWithoutBeingSaved) {
  auto token = [&](const std::string& number) {
    Response t = router_->handle(Request{
        .method = "POST", .target = "/sandbox/v1/tokens",
        .body = R"({"card":{"number":")" + number + R"(","cvc":"123","exp_month":12,"exp_year":2030}})"});
    EXPECT_EQ(t.status, 201) << t.body;
    return std::string(body(t).at("token").as_string());
  };
  std::string declined = token("4000000000000002");
  Response r = pay({{"invoice_ids", json::array{inv_}}, {"token", declined}});
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(invoice().at("status"), "open");
  EXPECT_EQ(ledger("clearing"), 0);

  std::string fresh = token("5555555555554444");
  Response q = post("/v1/payments/quote",
                    json::serialize(json::object{{"account_id", acc_}, {"token", fresh}}));
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(body(q).at("fees"), 175);
  r = pay({{"invoice_ids", json::array{inv_}}, {"token", fresh}}, "new-card-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto method = body(r).at("parts").as_array().at(0).at("payment_method").as_object();
  EXPECT_EQ(method.at("display"), "mastercard \u2022\u2022\u2022\u20224444");
  EXPECT_EQ(method.at("id"), nullptr);
  EXPECT_EQ(invoice().at("status"), "paid");
  EXPECT_EQ(pay({{"invoice_ids", json::array{inv_}}, {"token", fresh}}, "new-card-1").status, 201);
  EXPECT_EQ(sandbox("kind = 'charge'"), 2);  // the decline and the payment; the repeat none
  EXPECT_EQ(body(get("/v1/accounts/" + a_ + "/payment-methods")).at("data").as_array().size(), 0u);

  // Saved when asked (and a retry finds it saved); then it is paid by method_id only.
  std::string kept = token("4242424242424242");
  r = pay({{"amount", 500}, {"token", kept}, {"save_method", true}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto methods = body(get("/v1/accounts/" + a_ + "/payment-methods")).at("data").as_array();
  ASSERT_EQ(methods.size(), 1u);
  EXPECT_EQ(body(r).at("parts").as_array().at(0).at("payment_method").at("id"), methods[0].at("id"));
  EXPECT_EQ(error_field(pay({{"amount", 500}, {"token", kept}})), "token");
  EXPECT_EQ(error_field(pay({{"amount", 500}, {"save_method", true}, {"method_id", methods[0].at("id")}})),
            "save_method");
  Response bank = router_->handle(Request{
      .method = "POST", .target = "/sandbox/v1/tokens",
      .body = R"({"bank_account":{"routing_number":"110000000","account_number":"000123456789"}})"});
  ASSERT_EQ(bank.status, 201);
  EXPECT_EQ(error_field(pay({{"amount", 500}, {"token", body(bank).at("token")}})), "token");
  EXPECT_EQ(error_field(pay({{"amount", 500}, {"token", "tok_nope"}})), "token");
}

// The sandbox, with something done while a batch of charges is at the processor.
class MeanwhileProcessor : public app::PaymentProcessor {
 public:
  MeanwhileProcessor(std::shared_ptr<app::PaymentProcessor> p, std::function<void()> f)
      : p_(std::move(p)), f_(std::move(f)) {}
  app::Tokenized describe(const std::string& t) override { return p_->describe(t); }
  app::Tokenized tokenize_card(const app::CardInput& c, Instant at) override {
    return p_->tokenize_card(c, at);
  }
  app::Tokenized tokenize_bank(const app::BankInput& b, Instant at) override {
    return p_->tokenize_bank(b, at);
  }
  app::Tokenized tokenize_wallet(const std::string& w, const std::string& t, Instant at) override {
    return p_->tokenize_wallet(w, t, at);
  }
  app::ProcessorResult verify(const std::string& k, const std::string& t, Instant at) override {
    return p_->verify(k, t, at);
  }
  app::ProcessorResult authorize(const app::ChargeRequest& r) override { return p_->authorize(r); }
  app::ProcessorResult capture(const std::string& k, const std::string& r, Instant at) override {
    return p_->capture(k, r, at);
  }
  app::ProcessorResult cancel(const std::string& k, const std::string& r, Instant at) override {
    return p_->cancel(k, r, at);
  }
  app::ProcessorResult charge(const app::ChargeRequest& r) override { return p_->charge(r); }
  std::vector<app::ProcessorResult> charge_batch(const std::vector<app::ChargeRequest>& rs) override {
    f_();
    return p_->charge_batch(rs);
  }
  app::ProcessorResult refund(const std::string& k, const std::string& r, Minor a, Instant at) override {
    return p_->refund(k, r, a, at);
  }
  app::ProcessorResult credit(const app::ChargeRequest& r) override { return p_->credit(r); }
  app::TxStatus status(const std::string& k, Instant at) override { return p_->status(k, at); }

 private:
  std::shared_ptr<app::PaymentProcessor> p_;
  std::function<void()> f_;
};

// AutoPay's chunk books what the processor took as a single payment would: here the invoice
// was paid by cheque while its charge was at the processor, so the charge becomes account
// credit (and verify, in TearDown, still balances); and a run again repeats nothing.
TEST_F(Paying, AutopayMoneyTakenAfterTheInvoiceWasPaidBecomesCredit) {
  std::string due_date(invoice().at("due_date").as_string());
  ASSERT_EQ(post("/v1/clock/advance", R"({"to":")" + due_date + "\"}").status, 200);
  int64_t m = card("4242424242424242");
  ASSERT_EQ(post("/v1/accounts/" + a_ + "/autopay",
                 json::serialize(json::object{{"stream", "main"}, {"method_id", m}}))
                .status,
            201);
  app::Env env = env_->env;
  auto inner = env.processor;
  env.processor = [&, inner] {
    return std::make_unique<MeanwhileProcessor>(inner(), [&] {
      Response r = post("/v1/payments", json::serialize(json::object{
                                            {"account_id", acc_}, {"method", "cheque"},
                                            {"reference", "CHQ 1"}, {"amount", due_}}));
      EXPECT_EQ(r.status, 201) << r.body;
    });
  };
  app::Caller c{env, *db_, tenant_.id, "test", ""};
  EXPECT_EQ(app::run_autopay(c), 1);
  EXPECT_EQ(invoice().at("status"), "paid");
  EXPECT_EQ(invoice().at("amount_paid"), due_);  // the cheque alone
  auto a = body(get("/v1/accounts/" + a_));
  EXPECT_EQ(a.at("credit_balance"), due_);  // the card's money, kept as credit
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM payments WHERE channel = 'autopay' AND "
                                 "status = 'succeeded' AND fee = 175"),
            1);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM events WHERE type = 'payment.succeeded'"), 1);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM outbox WHERE topic = 'payment_receipt'"), 1);
  EXPECT_EQ(ledger("clearing"), due_ + 175);
  EXPECT_EQ(ledger("fee_revenue"), -175);
  EXPECT_EQ(app::run_autopay(c), 0);  // nothing open is due any more
  EXPECT_EQ(sandbox("kind = 'charge'"), 1);
}

TEST_F(Paying, AFailedAutopayIsRetriedOnThePolicysDaysThenStops) {
  int64_t m = card("4000000000000341");  // saves, every charge declined
  Response e = post("/v1/accounts/" + a_ + "/autopay",
                    json::serialize(json::object{{"stream", "main"}, {"method_id", m}}));
  ASSERT_EQ(e.status, 201) << e.body;
  std::string due_date(invoice().at("due_date").as_string());
  ASSERT_EQ(post("/v1/clock/advance", R"({"to":")" + due_date + "\"}").status, 200);
  EXPECT_EQ(sandbox("kind = 'charge'"), 1);
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":3})").status, 200);
  EXPECT_EQ(sandbox("kind = 'charge'"), 2);
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":20})").status, 200);
  EXPECT_EQ(sandbox("kind = 'charge'"), 4);  // due date, +3, +5, +7
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM events WHERE type = 'payment.failed'"), 4);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM outbox WHERE topic = 'payment_failed'"), 4);
  EXPECT_NE(receipt("payment_failed").find("did not go through"), std::string::npos);
  EXPECT_EQ(invoice().at("status"), "open");
  // Cancelled: no more.
  EXPECT_EQ(call("DELETE", "/v1/accounts/" + a_ + "/autopay/main").status, 200);
  EXPECT_EQ(body(get("/v1/accounts/" + a_ + "/autopay")).at("data").as_array().size(), 0u);
}

TEST_F(Paying, AutopayNeedsAUsableMethod) {
  Response r = post("/v1/accounts/" + a_ + "/autopay", R"({"stream":"main"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_field(r), "method_id");
  int64_t b = method(R"({"bank_account":{"routing_number":"110000000","account_number":"000123456789"}})",
                     R"(,"holder_name":"Bob","account_type":"checking","mandate":{"text":"I authorize debits."})");
  r = post("/v1/accounts/" + a_ + "/autopay",
           json::serialize(json::object{{"stream", "main"}, {"method_id", b}}));
  EXPECT_EQ(r.status, 400);  // not verified yet
  EXPECT_EQ(error_field(r), "method_id");
  EXPECT_EQ(error_field(post("/v1/accounts/" + a_ + "/autopay", R"({"stream":"nope"})")), "stream");
}

TEST_F(Paying, AScheduledPaymentRunsOnItsDayAndCanChangeUntilThen) {
  int64_t m = card("4242424242424242");
  std::string due_date(invoice().at("due_date").as_string());
  std::string day = format_date(clock_day() + date::days{5});
  auto schedule = [&](const json::object& extra) {
    json::object o{{"method_id", m}, {"invoice_ids", json::array{inv_}}};
    for (auto& [k, v] : extra) o[k] = v;
    return post("/v1/accounts/" + a_ + "/scheduled-payments", json::serialize(o));
  };
  EXPECT_EQ(error_field(schedule({{"run_on", "2024-12-31"}})), "run_on");  // in the past
  auto after_due = format_date(*parse_date(due_date) + date::days{1});
  EXPECT_EQ(error_field(schedule({{"run_on", after_due}})), "run_on");
  Response r = schedule({{"run_on", day}});
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t id = body(r).at("id").as_int64();
  EXPECT_EQ(body(r).at("amount"), due_);
  std::string target = "/v1/scheduled-payments/" + std::to_string(id);
  Response p = call("PATCH", target, R"({"amount":5000})");
  ASSERT_EQ(p.status, 200) << p.body;
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":5})").status, 200);
  auto s = body(get("/v1/accounts/" + a_ + "/scheduled-payments")).at("data").as_array()[0].as_object();
  EXPECT_EQ(s.at("status"), "paid");
  EXPECT_EQ(invoice().at("amount_due"), due_ - 5000);
  EXPECT_EQ(call("PATCH", target, R"({"amount":6000})").status, 409);  // its day has passed
  EXPECT_EQ(call("DELETE", target).status, 409);
  // Another, cancelled before its day: never charged.
  Response r2 = schedule({{"run_on", format_date(clock_day() + date::days{2})}});
  ASSERT_EQ(r2.status, 201) << r2.body;
  EXPECT_EQ(call("DELETE", "/v1/scheduled-payments/" + std::to_string(body(r2).at("id").as_int64())).status, 200);
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":3})").status, 200);
  EXPECT_EQ(sandbox("kind = 'charge'"), 1);
}

// Found by testing as a customer: the same invoice scheduled twice (or listed twice) was
// charged twice, and a schedule whose invoice was paid meanwhile charged its amount to others.
TEST_F(Paying, AScheduledPaymentNeverChargesMoreThanItsInvoicesOwe) {
  int64_t m = card("4242424242424242");
  std::string day = format_date(clock_day() + date::days{5});
  auto schedule = [&](json::array invoices, std::optional<Minor> amount = std::nullopt) {
    json::object o{{"method_id", m}, {"invoice_ids", invoices}, {"run_on", day}};
    if (amount) o["amount"] = *amount;
    return post("/v1/accounts/" + a_ + "/scheduled-payments", json::serialize(o));
  };
  EXPECT_EQ(error_field(schedule({inv_, inv_})), "invoice_ids[1]");
  EXPECT_EQ(error_field(schedule({inv_}, due_ + 1)), "amount");
  Response first = schedule({inv_});
  ASSERT_EQ(first.status, 201) << first.body;
  Response again = schedule({inv_});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(error_field(again), "invoice_ids[0]");
  EXPECT_NE(again.body.find("already has a payment scheduled on " + day), std::string::npos) << again.body;
  std::string target = "/v1/scheduled-payments/" + std::to_string(body(first).at("id").as_int64());
  EXPECT_EQ(error_field(call("PATCH", target, json::serialize(json::object{{"amount", due_ + 1}}))), "amount");
  EXPECT_EQ(error_field(call("PATCH", target, R"({"invoice_ids":[1,2]})")), "invoice_ids");
  // By card, within the tenant's limit per transaction (the day's payment would be refused).
  ASSERT_EQ(call("PATCH", "/v1/payment-policy", R"({"max_digital_amount":1000})").status, 200);
  Response over = call("PATCH", target, R"({"amount":1001})");
  EXPECT_EQ(error_field(over), "amount");
  EXPECT_NE(over.body.find("at most 10.00"), std::string::npos) << over.body;
  ASSERT_EQ(call("PATCH", "/v1/payment-policy", R"({"max_digital_amount":100000})").status, 200);

  // Paid another way before the day: the schedule is skipped, nothing is charged, no credit.
  ASSERT_EQ(post("/v1/payments", json::serialize(json::object{{"account_id", acc_}, {"amount", due_},
                                                               {"method", "cheque"}, {"reference", "CHK-1"}}))
                .status, 201);
  ASSERT_EQ(invoice().at("status"), "paid");
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":5})").status, 200);
  auto list = body(get("/v1/accounts/" + a_ + "/scheduled-payments")).at("data").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("status"), "skipped");
  EXPECT_EQ(sandbox("kind = 'charge'"), 0);
  EXPECT_EQ(body(get("/v1/accounts/" + a_)).at("credit_balance"), 0);
}

// Found by attack-testing: nothing kept account credit within 10^15 (docs/billing.md
// "Limits"). With the invoice paid and the credit at the limit, a cheque, a card charge, a
// bank debit and a credit note that would pass it are refused with a 400 on "amount" before
// anything changes, and the processor is never called.
TEST_F(Paying, NothingRaisesCreditAboveTheLimit) {
  int64_t m = card("4242424242424242"), b = bank("000123456789");
  auto cheque = [&](Minor amount) {
    return post("/v1/payments", json::serialize(json::object{
                                    {"account_id", acc_}, {"amount", amount}, {"method", "cheque"}, {"reference", "CHK"}}));
  };
  auto credit = [&] { return body(get("/v1/accounts/" + a_)).at("credit_balance").as_int64(); };
  auto count = [&](const std::string& table) {
    return store::one_int(*db_, "SELECT COUNT(*) FROM " + table);
  };
  ASSERT_EQ(cheque(due_).status, 201);                     // the invoice is paid
  ASSERT_EQ(cheque(kMaxAmount - 10000).status, 201);       // all credit
  // A card charge that leaves the credit exactly at the limit is taken.
  ASSERT_EQ(pay({{"amount", 10000}, {"method_id", m}}).status, 201);
  ASSERT_EQ(credit(), kMaxAmount);
  auto paid = invoice();
  int64_t ledger_rows = count("ledger_entries"), payments = count("payments"),
          processor = count("sandbox_transactions");
  auto refused = [&](const Response& r) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_field(r), "amount") << r.body;
    EXPECT_NE(r.body.find("the account's credit would pass 10000000000000.00"), std::string::npos)
        << r.body;
  };
  refused(cheque(1));
  refused(pay({{"amount", 50000}, {"method_id", m}}));
  refused(pay({{"amount", kMaxAmount}, {"method_id", b}}));
  refused(post("/v1/payments/quote", json::serialize(json::object{
                                         {"account_id", acc_}, {"amount", 100}, {"method_id", m}})));
  refused(post("/v1/credit-notes", json::serialize(json::object{
                                       {"invoice_id", inv_}, {"amount", 10000}, {"reason", "goodwill"}})));
  EXPECT_EQ(credit(), kMaxAmount);
  EXPECT_EQ(invoice(), paid);
  EXPECT_EQ(count("ledger_entries"), ledger_rows);
  EXPECT_EQ(count("payments"), payments);
  EXPECT_EQ(count("credit_notes"), 0);
  EXPECT_EQ(count("sandbox_transactions"), processor);  // the processor was never called
}

// A charge still processing (no answer yet) may still leave its amount as credit: a second
// charge or a credit note that could pass the limit with it is refused (before the processor
// is called), so the janitor can always book the first.
TEST_F(Paying, TheCreditLimitCountsChargesStillProcessing) {
  ASSERT_EQ(post("/v1/payments", json::serialize(json::object{{"account_id", acc_}, {"amount", due_ + kMaxAmount - 60000},
                                                               {"method", "cheque"}, {"reference", "CHK"}}))
                .status, 201);
  Response slow = pay({{"amount", 50000}, {"method_id", card("4000000000008880")}});
  ASSERT_EQ(slow.status, 202) << slow.body;
  int64_t charges = sandbox("kind = 'charge'");
  Response r = pay({{"amount", 20000}, {"method_id", card("4242424242424242")}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_field(r), "amount");
  EXPECT_EQ(sandbox("kind = 'charge'"), charges);
  auto note = [&](Minor amount) {
    return post("/v1/credit-notes", json::serialize(json::object{
                                        {"invoice_id", inv_}, {"amount", amount}, {"reason", "goodwill"}}));
  };
  EXPECT_EQ(error_field(note(10001)), "amount");  // 10000 would fit, the charge landing too
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":1})").status, 200);  // the janitor books it
  EXPECT_EQ(body(get("/v1/accounts/" + a_)).at("credit_balance"), kMaxAmount - 10000);
  EXPECT_EQ(note(10000).status, 201);
  EXPECT_EQ(body(get("/v1/accounts/" + a_)).at("credit_balance"), kMaxAmount);
}

TEST_F(Paying, ARefundGoesBackToTheCardAndReopensWhatItPaidKeepingTheFee) {
  int64_t m = card("4242424242424242");
  Response r = pay({{"amount", due_ + 3000}, {"method_id", m}});  // 30.00 left as credit
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t pid = body(r).at("parts").as_array()[0].at("id").as_int64();
  std::string target = "/v1/payments/" + std::to_string(pid) + "/refund";
  Response f = post(target, json::serialize(json::object{{"amount", due_ + 3001}}));
  EXPECT_EQ(f.status, 400);  // at most the amount: the fee is kept
  EXPECT_EQ(error_field(f), "amount");
  Response a = post(target, R"({"amount":5000,"reason":"overbilled"})");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(body(a).at("status"), "succeeded");
  // 30.00 from the credit it left, 20.00 from the invoice, which reopens.
  EXPECT_EQ(invoice().at("status"), "open");
  EXPECT_EQ(invoice().at("amount_due"), 2000);
  EXPECT_EQ(body(get("/v1/accounts/" + a_)).at("credit_balance"), 0);
  EXPECT_EQ(sandbox("kind = 'refund' AND amount = 5000 AND state = 'succeeded'"), 1);
  EXPECT_EQ(ledger("fee_revenue"), -175);
  EXPECT_EQ(body(get("/v1/payments/" + std::to_string(pid))).at("refunded"), 5000);
  // The rest, in full.
  ASSERT_EQ(post(target, json::serialize(json::object{{"amount", due_ - 2000}})).status, 201);
  EXPECT_EQ(invoice().at("amount_due"), due_);
  EXPECT_EQ(post(target, R"({"amount":1})").status, 400);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM events WHERE type = 'payment.refunded'"), 2);
}

TEST_F(Paying, TheDaysBankFileAndAReturnFileImportedOnce) {
  int64_t web = bank("000123456789");
  int64_t paper = method(R"({"bank_account":{"routing_number":"110000000","account_number":"000111111113"}})",
                         R"(,"holder_name":"Bob Paper","account_type":"savings","mandate":{"text":"Signed form","channel":"paper","address":"1 Main St"})");
  {  // verify the paper one too
    std::vector<int64_t> cents;
    store::Query q(*db_, "SELECT s.amount FROM sandbox_transactions s JOIN payment_methods m ON "
                         "m.token = s.token WHERE m.id = ? AND s.kind = 'credit'", paper);
    while (q.next()) cents.push_back(q.i64(0));
    ASSERT_EQ(post("/v1/payment-methods/" + std::to_string(paper) + "/verify",
                   json::serialize(json::object{{"amounts", json::array{cents.at(0), cents.at(1)}}})).status, 200);
  }
  Response a = pay({{"amount", 5000}, {"method_id", web}});
  Response b = pay({{"amount", 6000}, {"method_id", paper}});
  ASSERT_EQ(a.status, 201) << a.body;
  ASSERT_EQ(b.status, 201) << b.body;
  int64_t web_pay = body(a).at("parts").as_array()[0].at("id").as_int64();
  int64_t paper_pay = body(b).at("parts").as_array()[0].at("id").as_int64();

  // Trace sequences wrap after 9,999,999: entries keep distinct traces across the wrap.
  store::exec(*db_, "UPDATE counters SET value = 9999997 WHERE name = 'ach_trace'");
  Response file = get("/v1/bank-files");
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(get("/v1/bank-files").body, file.body);  // written again: the same traces
  auto f = payments::parse_nacha(file.body);
  std::set<std::string> traces;
  for (auto& b : f.batches)
    for (auto& e : b.entries) traces.insert(e.trace_number);
  EXPECT_EQ(traces.size(), 6u);
  EXPECT_TRUE(traces.contains("110000009999999"));
  EXPECT_TRUE(traces.contains("110000000000001"));
  ASSERT_EQ(f.batches.size(), 3u);
  EXPECT_EQ(f.batches[0].sec_code, "PPD");
  ASSERT_EQ(f.batches[0].entries.size(), 1u);
  EXPECT_EQ(f.batches[0].entries[0].transaction_code, payments::kSavingsDebit);
  EXPECT_EQ(f.batches[0].entries[0].account_number, "000111111113");
  EXPECT_EQ(f.batches[0].entries[0].amount, 6000);
  EXPECT_EQ(f.batches[1].sec_code, "WEB");
  EXPECT_EQ(f.batches[1].entries[0].amount, 5000);
  EXPECT_EQ(f.batches[2].company_entry_description, "ACCTVERIFY");
  EXPECT_EQ(f.batches[2].entries.size(), 4u);  // two micro-deposits per account
  for (auto& e : f.batches[2].entries) EXPECT_TRUE(e.amount >= 1 && e.amount <= 99);

  // The bank returns the WEB debit (R01) and corrects the paper one's routing (C02).
  payments::NachaFile r = f;
  r.batches.resize(2);
  auto& ret = r.batches[1].entries[0];
  ret.transaction_code = payments::kCheckingReturnDebit;
  ret.returned = payments::Return{"R01", ret.trace_number, std::nullopt, "11000000", ""};
  payments::NachaEntry stranger = ret;
  stranger.returned->original_trace = "110000000777777";
  stranger.trace_number = "110000000000777";
  r.batches[1].entries.push_back(stranger);
  auto& noc = r.batches[0];
  noc.sec_code = "COR";
  noc.entries[0].transaction_code = payments::kSavingsReturnDebit;
  noc.entries[0].amount = 0;
  noc.entries[0].change = payments::Change{"C02", noc.entries[0].trace_number, "11000000", "021000021", "", ""};
  std::string text = payments::write_nacha(r);
  Response bad = call("POST", "/v1/bank-files/returns", text.substr(0, 300));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("line"), std::string::npos) << bad.body;
  Response imp = call("POST", "/v1/bank-files/returns", text);
  ASSERT_EQ(imp.status, 200) << imp.body;
  EXPECT_EQ(body(imp).at("returns_applied"), 1);
  EXPECT_EQ(body(imp).at("changes_applied"), 1);
  EXPECT_EQ(body(imp).at("unknown").as_array().size(), 1u);
  EXPECT_EQ(body(get("/v1/payments/" + std::to_string(web_pay))).at("status"), "returned");
  EXPECT_EQ(body(get("/v1/payments/" + std::to_string(paper_pay))).at("status"), "pending");
  EXPECT_EQ(body(get("/v1/payment-methods/" + std::to_string(paper))).at("routing_number"), "021000021");
  Response again = call("POST", "/v1/bank-files/returns", text);
  EXPECT_EQ(body(again).at("returns_applied"), 0);
  EXPECT_EQ(body(again).at("returns_already_applied"), 1);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM charges WHERE description LIKE 'Returned payment fee%'"), 1);
}

// Found by testing as a clerk: the return of a debit whose credit a later invoice had used
// was refused, and refused the whole file with it. The money is gone: what used the credit is
// owed again, and every other entry of the file is applied.
TEST_F(Paying, ABankReturnReopensWhatUsedTheDebitsCreditAndTheFileGoesOn) {
  int64_t web = bank("000123456789");
  Response paid = pay({{"amount", due_ + 10000}, {"method_id", web}});  // 100.00 left as credit
  ASSERT_EQ(paid.status, 201) << paid.body;
  int64_t pid = body(paid).at("parts").as_array()[0].at("id").as_int64();
  Response setup = post("/v1/charges", json::serialize(json::object{{"account_id", acc_}, {"description", "Setup"},
                                                                    {"unit_amount", 10000}, {"invoice_now", true}}));
  ASSERT_EQ(setup.status, 201) << setup.body;
  ASSERT_EQ(body(get("/v1/accounts/" + a_)).at("credit_balance"), 0);  // the new invoice took it

  auto f = payments::parse_nacha(get("/v1/bank-files").body);
  payments::NachaFile r = f;
  r.batches.resize(1);
  ASSERT_EQ(r.batches[0].company_entry_description != "ACCTVERIFY", true);
  auto& ret = r.batches[0].entries.at(0);
  ret.transaction_code = payments::kCheckingReturnDebit;
  ret.returned = payments::Return{"R01", ret.trace_number, std::nullopt, "11000000", ""};
  payments::NachaEntry stranger = ret;  // another entry of the file, naming no debit
  stranger.returned->original_trace = "110000000777777";
  stranger.trace_number = "110000000000777";
  r.batches[0].entries.insert(r.batches[0].entries.begin(), stranger);
  Response imp = call("POST", "/v1/bank-files/returns", payments::write_nacha(r));
  ASSERT_EQ(imp.status, 200) << imp.body;
  EXPECT_EQ(body(imp).at("returns_applied"), 1);
  EXPECT_EQ(body(imp).at("unknown").as_array().size(), 1u);
  EXPECT_EQ(body(get("/v1/payments/" + std::to_string(pid))).at("status"), "returned");
  EXPECT_EQ(invoice().at("amount_due"), due_);
  auto open = body(get("/v1/invoices?status=open&account_id=" + a_)).at("data").as_array();
  Minor owed = 0;
  for (auto& i : open) owed += i.at("amount_due").as_int64();
  EXPECT_EQ(owed, due_ + 10000) << "the setup invoice owes again what the credit paid";
  EXPECT_EQ(body(get("/v1/accounts/" + a_)).at("credit_balance"), 0);
}

TEST_F(Paying, ASplitWhosePartTimesOutIsFinishedByTheJanitor) {
  int64_t good = card("4242424242424242"), slow = card("4000000000008880");
  Response r = pay({{"parts", json::array{json::object{{"method_id", good}, {"amount", 5000}},
                                          json::object{{"method_id", slow}, {"amount", due_ - 5000}}}}});
  ASSERT_EQ(r.status, 202) << r.body;  // the slow part's capture went unanswered
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":1})").status, 200);
  EXPECT_EQ(invoice().at("status"), "paid");
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM payments WHERE status = 'succeeded'"), 2);
  EXPECT_EQ(sandbox("kind = 'authorize' AND state = 'succeeded'"), 2);
  EXPECT_EQ(sandbox("kind = 'capture'"), 2);  // each captured once
}

TEST_F(Paying, ThePolicyIsTheTenantsToChange) {
  EXPECT_EQ(body(get("/v1/payment-policy")).at("convenience_fee"), 175);
  EXPECT_EQ(error_field(call("PATCH", "/v1/payment-policy", R"({"autopay_retry_days":"5,3"})")),
            "autopay_retry_days");
  EXPECT_EQ(error_field(call("PATCH", "/v1/payment-policy", R"({"convenience_fee":10001})")),
            "convenience_fee");
  EXPECT_EQ(error_field(call("PATCH", "/v1/payment-policy", R"({"autopay_on":"whenever"})")),
            "autopay_on");
  EXPECT_EQ(call("PATCH", "/v1/payment-policy", R"({"convenience_fee":250})", &tenant_.clerk).status, 403);
  Response r = call("PATCH", "/v1/payment-policy", R"({"convenience_fee":250,"max_digital_payments":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r).at("convenience_fee"), 250);
  EXPECT_EQ(body(r).at("autopay_retry_days"), "3,5,7");  // untouched
  int64_t m = card("4242424242424242");
  Response p = pay({{"amount", 1000}, {"method_id", m}});
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(body(p).at("fees"), 250);
  EXPECT_EQ(pay({{"amount", 1000}, {"method_id", m}}).status, 409);  // one per window now
}

}  // namespace
}  // namespace remit::http::testing
