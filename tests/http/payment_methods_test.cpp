// Payment methods through the API (D1, D2, D3, A3): a card and a bank account are tokenized
// at the sandbox's edge and saved by token; micro-deposits verify the bank account within
// limited tries; the star, deletion and sharing with children; no full number is stored.
#include <fstream>
#include <sstream>

#include "http_fixture.h"

namespace remit::http::testing {
namespace {

class PaymentMethods : public RouterTest {
 protected:
  std::string token(const std::string& body) {
    Request r{.method = "POST", .target = "/sandbox/v1/tokens", .body = body};
    Response res = router_->handle(r);
    EXPECT_EQ(res.status, 201) << res.body;
    return std::string(RouterTest::body(res).at("token").as_string());
  }
  std::string card(const std::string& number) {
    return token(R"({"card":{"number":")" + number +
                 R"(","cvc":"123","exp_month":12,"exp_year":2030}})");
  }
  std::string bank(const std::string& account) {
    return token(R"({"bank_account":{"routing_number":"110000000","account_number":")" +
                 account + R"(","account_type":"checking"}})");
  }
  Response add(int64_t account, const std::string& json_body) {
    return post("/v1/accounts/" + std::to_string(account) + "/payment-methods", json_body);
  }
  json::object add_bank(int64_t account, const std::string& number) {
    Response r = add(account, R"({"token":")" + bank(number) +
                                  R"(","holder_name":"Pat Lee","account_type":"checking",)"
                                  R"("mandate":{"text":"I authorize Acme IT to debit this account.",)"
                                  R"("channel":"online"}})");
    EXPECT_EQ(r.status, 201) << r.body;
    return body(r);
  }
  // The amounts the sandbox sent, as its own record has them.
  std::vector<int64_t> micro_amounts(const std::string& routing_token) {
    std::vector<int64_t> out;
    store::Query q(*db_,
                   "SELECT amount FROM sandbox_transactions WHERE kind = 'credit' AND token = ? "
                   "ORDER BY idem_key",
                   routing_token);
    while (q.next()) out.push_back(q.i64(0));
    return out;
  }
  std::string token_of(int64_t method) {
    store::Query q(*db_, "SELECT token FROM payment_methods WHERE id = ?", method);
    EXPECT_TRUE(q.next());
    return q.text(0);
  }
};

TEST_F(PaymentMethods, ACardIsSavedByTokenAndShownMasked) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  Response r = add(acc, R"({"token":")" + card("4242424242424242") + R"(","preferred":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto m = body(r);
  EXPECT_EQ(m.at("kind"), "card");
  EXPECT_EQ(m.at("brand"), "visa");
  EXPECT_EQ(m.at("last4"), "4242");
  EXPECT_EQ(m.at("display"), "visa \u2022\u2022\u2022\u20224242");
  EXPECT_EQ(m.at("status"), "active");
  EXPECT_EQ(m.at("preferred"), true);
  EXPECT_EQ(r.body.find("424242424242"), std::string::npos);
  Response list = get("/v1/accounts/" + std::to_string(acc) + "/payment-methods");
  EXPECT_EQ(body(list).at("data").as_array().size(), 1u);
}

TEST_F(PaymentMethods, DeclinedCardsAreRefusedWithTheirReasonAndSaveNothing) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  for (auto [number, reason] : std::vector<std::pair<std::string, std::string>>{
           {"4000000000000002", "card_declined"}, {"4000000000009995", "insufficient_funds"},
           {"4000000000000069", "expired_card"}, {"4000000000000119", "processing_error"}}) {
    Response r = add(acc, R"({"token":")" + card(number) + R"("})");
    EXPECT_EQ(r.status, 402) << number;
    EXPECT_EQ(error_code(r), "payment_declined");
    EXPECT_EQ(error_field(r), "token");
    EXPECT_NE(r.body.find(reason), std::string::npos) << r.body;
  }
  // 4000000000000341 saves; its charges fail later.
  EXPECT_EQ(add(acc, R"({"token":")" + card("4000000000000341") + R"("})").status, 201);
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM payment_methods"), 1);
}

TEST_F(PaymentMethods, BadInputNamesTheField) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  auto tok = [&](const std::string& b) {
    return router_->handle(Request{.method = "POST", .target = "/sandbox/v1/tokens", .body = b});
  };
  Response r = tok(R"({"card":{"number":"4242424242424241","cvc":"123","exp_month":12,"exp_year":2030}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_field(r), "card.number");
  r = tok(R"({"bank_account":{"routing_number":"123456789","account_number":"000123456789"}})");
  EXPECT_EQ(error_field(r), "bank_account.routing_number");
  r = tok(R"({"wallet":{"type":"cash","token":"tok_wallet_success"}})");
  EXPECT_EQ(error_field(r), "wallet.type");
  EXPECT_EQ(error_field(add(acc, R"({"token":"tok_nope"})")), "token");
  std::string b = bank("000123456789");
  EXPECT_EQ(error_field(add(acc, R"({"token":")" + b + R"(","holder_name":"Pat"})")), "account_type");
  EXPECT_EQ(error_field(add(acc, R"({"token":")" + b +
                                     R"(","holder_name":"Pat","account_type":"checking"})")),
            "mandate_text");
  EXPECT_EQ(error_field(add(424242, R"({"token":")" + b + R"("})")), "");  // 404
  EXPECT_EQ(store::one_int(*db_, "SELECT COUNT(*) FROM payment_methods"), 0);
}

TEST_F(PaymentMethods, BankAccountsVerifyByMicroDepositsWithinLimitedTries) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  auto m = add_bank(acc, "000123456789");
  int64_t id = m.at("id").as_int64();
  EXPECT_EQ(m.at("status"), "pending_verification");
  EXPECT_EQ(m.at("last4"), "6789");
  EXPECT_EQ(m.at("micro_deposit_tries_left"), 3);
  EXPECT_EQ(m.at("mandate").as_object().at("address"), "192.0.2.1");
  auto sent = micro_amounts(token_of(id));
  ASSERT_EQ(sent.size(), 2u);
  for (auto a : sent) EXPECT_TRUE(a >= 1 && a <= 99) << a;

  std::string target = "/v1/payment-methods/" + std::to_string(id);
  // Not usable (not preferable) until verified.
  EXPECT_EQ(call("PATCH", target, R"({"preferred":true})").status, 409);
  int64_t wrong = sent[0] == 99 ? 98 : sent[0] + 1;
  Response r = post(target + "/verify", json::serialize(json::object{{"amounts", json::array{wrong, sent[1]}}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_field(r), "amounts");
  EXPECT_NE(r.body.find("tries left: 2"), std::string::npos) << r.body;
  // Either order.
  r = post(target + "/verify", json::serialize(json::object{{"amounts", json::array{sent[1], sent[0]}}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r).at("status"), "active");
  EXPECT_EQ(call("PATCH", target, R"({"preferred":true})").status, 200);
  EXPECT_EQ(post(target + "/verify", R"({"amounts":[1,2]})").status, 409);
}

TEST_F(PaymentMethods, TheLastWrongTryFailsTheAccount) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  int64_t id = add_bank(acc, "000123456789").at("id").as_int64();
  auto sent = micro_amounts(token_of(id));
  int64_t wrong = sent[0] == 99 ? 98 : sent[0] + 1;
  std::string bad = json::serialize(json::object{{"amounts", json::array{wrong, wrong}}});
  std::string target = "/v1/payment-methods/" + std::to_string(id);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post(target + "/verify", bad).status, 400);
  EXPECT_EQ(body(get(target)).at("status"), "verification_failed");
  std::string right = json::serialize(json::object{{"amounts", json::array{sent[0], sent[1]}}});
  EXPECT_EQ(post(target + "/verify", right).status, 409);  // too late, even when right
  EXPECT_EQ(post(target + "/verify", R"({"amounts":[0,100]})").status, 400);
}

TEST_F(PaymentMethods, MicroDepositsExpire) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  int64_t id = add_bank(acc, "000123456789").at("id").as_int64();
  auto sent = micro_amounts(token_of(id));
  ASSERT_EQ(post("/v1/clock/advance", R"({"days":11})").status, 200);
  Response r = post("/v1/payment-methods/" + std::to_string(id) + "/verify",
                    json::serialize(json::object{{"amounts", json::array{sent[0], sent[1]}}}));
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("expired"), std::string::npos);
}

TEST_F(PaymentMethods, TheStarMovesAndDeletedMethodsLeave) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  int64_t a = body(add(acc, R"({"token":")" + card("4242424242424242") + R"(","preferred":true})")).at("id").as_int64();
  int64_t b = body(add(acc, R"({"token":")" + card("5555555555554444") + R"("})")).at("id").as_int64();
  EXPECT_EQ(call("PATCH", "/v1/payment-methods/" + std::to_string(b), R"({"preferred":true})").status, 200);
  EXPECT_EQ(body(get("/v1/payment-methods/" + std::to_string(a))).at("preferred"), false);
  EXPECT_EQ(call("DELETE", "/v1/payment-methods/" + std::to_string(b)).status, 200);
  EXPECT_EQ(get("/v1/payment-methods/" + std::to_string(b)).status, 404);
  auto list = body(get("/v1/accounts/" + std::to_string(acc) + "/payment-methods")).at("data").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].as_object().at("id"), a);
  // One token, one method.
  std::string t = card("4242424242424242");
  EXPECT_EQ(add(acc, R"({"token":")" + t + R"("})").status, 201);
  EXPECT_EQ(add(acc, R"({"token":")" + t + R"("})").status, 409);
}

TEST_F(PaymentMethods, AParentSharesMethodsWithItsChildren) {
  int64_t parent = create("/v1/accounts", R"({"name":"HQ"})");
  int64_t child = create("/v1/accounts", json::serialize(json::object{{"name", "Branch"}, {"parent_id", parent}}));
  add(parent, R"({"token":")" + card("4242424242424242") + R"(","shared_with_children":true})");
  add(parent, R"({"token":")" + card("5555555555554444") + R"("})");
  auto list = body(get("/v1/accounts/" + std::to_string(child) + "/payment-methods")).at("data").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].as_object().at("inherited"), true);
  EXPECT_EQ(list[0].as_object().at("last4"), "4242");
}

// Billing before provisioning (A7): no subscription starts until the billing account (or
// the parent it inherits from) can pay or has approved invoice terms.
TEST_F(PaymentMethods, ASubscriptionNeedsAUsableMethodOrApprovedTerms) {
  int64_t prod = create("/v1/products", R"({"name":"Managed services"})");
  int64_t price = create("/v1/prices", json::serialize(json::object{
      {"product_id", prod}, {"kind", "recurring"}, {"timing", "advance"},
      {"interval", "month"}, {"unit_amount", 10000}}));
  auto subscribe = [&](int64_t acc) {
    return post("/v1/subscriptions", json::serialize(json::object{
        {"account_id", acc}, {"price_id", price}, {"quantity", 1}}));
  };
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  Response r = subscribe(acc);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "failed_precondition");
  EXPECT_NE(r.body.find("no usable payment method"), std::string::npos) << r.body;
  // An unverified bank account is not usable yet.
  add_bank(acc, "000123456789");
  EXPECT_EQ(subscribe(acc).status, 409);
  EXPECT_EQ(add(acc, R"({"token":")" + card("4242424242424242") + R"("})").status, 201);
  EXPECT_EQ(subscribe(acc).status, 201);

  int64_t terms = create("/v1/accounts", R"({"name":"Terms Co"})");
  EXPECT_EQ(subscribe(terms).status, 409);
  Response t = post("/v1/accounts/" + std::to_string(terms) + "/invoice-terms", "");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(body(t).at("invoice_terms"), true);
  EXPECT_EQ(subscribe(terms).status, 201);
  EXPECT_EQ(call("DELETE", "/v1/accounts/" + std::to_string(terms) + "/invoice-terms").status, 200);
  EXPECT_EQ(subscribe(terms).status, 409);

  // A child: its parent's shared method, or its parent's terms.
  int64_t parent = create("/v1/accounts", R"({"name":"HQ","invoice_terms":true})");
  int64_t child = create("/v1/accounts", json::serialize(json::object{{"name", "Branch"}, {"parent_id", parent}}));
  EXPECT_EQ(subscribe(child).status, 201);
  int64_t parent2 = create("/v1/accounts", R"({"name":"HQ2"})");
  int64_t child2 = create("/v1/accounts", json::serialize(json::object{{"name", "Branch2"}, {"parent_id", parent2}}));
  EXPECT_EQ(subscribe(child2).status, 409);
  add(parent2, R"({"token":")" + card("5555555555554444") + R"(","shared_with_children":true})");
  EXPECT_EQ(subscribe(child2).status, 201);
}

// Everything the database holds: the SQLite file's bytes, or every row of every table of
// the test's PostgreSQL schema as text.
std::string everything_stored(store::Db& db, const std::string& url) {
  std::string all;
  if (!test::testing_postgres()) {
    db.exec_script("PRAGMA wal_checkpoint(TRUNCATE)");
    for (auto file : {url, url + "-wal"}) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }
  std::vector<std::string> tables;
  {
    store::Query q(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
    while (q.next()) tables.push_back(q.text(0));
  }
  for (auto& t : tables) {
    store::Query q(db, "SELECT CAST(x AS TEXT) FROM " + t + " x");
    while (q.next()) all += q.text(0);
  }
  return all;
}

TEST_F(PaymentMethods, NoFullNumberIsStored) {
  int64_t acc = create("/v1/accounts", R"({"name":"Bob"})");
  add(acc, R"({"token":")" + card("4242424242424242") + R"("})");
  add_bank(acc, "000123456789");
  std::string all = everything_stored(*db_, url_);
  EXPECT_GT(all.size(), 1000u);
  EXPECT_NE(all.find("Pat Lee"), std::string::npos) << "the scan sees the rows";
  EXPECT_EQ(all.find("4242424242424242"), std::string::npos);
  EXPECT_EQ(all.find("123456789"), std::string::npos);
}

}  // namespace
}  // namespace remit::http::testing
