// The cheque register through the API (D12): a run on demand refunds a closed account's
// credit once, the register lists and exports it (CSV), cheques are marked issued, one at a
// time or a whole run, or voided; every bad input is a 400 naming its field. And the tenant's
// billing inbox for the evening digest (D11).
#include "app/invoices.h"
#include "http_fixture.h"

namespace remit::http::testing {
namespace {

class ChequeRegister : public RouterTest {
 protected:
  void SetUp() override {
    acc_ = closed_account("Ann", "Ann Smith\n1 Main St\nWillmar, MN 56201", 12345);
  }
  void TearDown() override {
    auto report = app::verify(*db_);
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0]);
  }
  int64_t closed_account(const std::string& name, const std::string& address, Minor credit) {
    int64_t id = create(
        "/v1/accounts",
        json::serialize(json::object{
            {"name", name}, {"address", address}, {"emails", json::array{"ap@example.com"}}}));
    create(
        "/v1/payments",
        json::serialize(json::object{
            {"account_id", id}, {"method", "cheque"}, {"reference", "CHK-9"}, {"amount", credit}}));
    Response r = call("PATCH", "/v1/accounts/" + std::to_string(id), R"({"status":"closed"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return id;
  }
  int64_t acc_ = 0;
};

TEST_F(ChequeRegister, ARunOnDemandRefundsOnceAndTheRegisterShowsIt) {
  Response r = post("/v1/cheque-refunds/run", "");
  ASSERT_EQ(r.status, 200) << r.body;
  auto b = body(r);
  EXPECT_EQ(b.at("run_date"), "2025-01-01");
  EXPECT_EQ(b.at("refunded"), 1);
  EXPECT_EQ(b.at("total"), 12345);
  EXPECT_EQ(b.at("already_refunded"), 0);
  EXPECT_EQ(b.at("skipped").as_array().size(), 0u);
  b = body(post("/v1/cheque-refunds/run", "{}"));
  EXPECT_EQ(b.at("refunded"), 0);
  EXPECT_EQ(b.at("already_refunded"), 1);
  EXPECT_EQ(body(get("/v1/accounts/" + std::to_string(acc_))).at("credit_balance"), 0);

  auto list = body(get("/v1/cheque-refunds?run_date=2025-01-01")).at("data").as_array();
  ASSERT_EQ(list.size(), 1u);
  auto c = list[0].as_object();
  EXPECT_EQ(c.at("account_id"), acc_);
  EXPECT_EQ(c.at("cheque_number"), 1);
  EXPECT_EQ(c.at("amount"), 12345);
  EXPECT_EQ(c.at("payee"), "Ann");
  EXPECT_EQ(c.at("address_lines"), (json::array{"Ann Smith", "1 Main St", "Willmar, MN 56201"}));
  EXPECT_EQ(c.at("status"), "pending");
  EXPECT_TRUE(c.at("issued_at").is_null());
  int64_t id = c.at("id").as_int64();
  EXPECT_EQ(body(get("/v1/cheque-refunds/" + std::to_string(id))).at("cheque_number"), 1);
  EXPECT_EQ(body(get("/v1/cheque-refunds?run_date=2025-01-02")).at("data").as_array().size(), 0u);
  EXPECT_EQ(body(get("/v1/events?type=cheque_refund.created")).at("data").as_array().size(), 1u);

  Response csv = get("/v1/cheque-refunds.csv?run_date=2025-01-01");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  ASSERT_NE(csv.header("Content-Disposition"), nullptr);
  EXPECT_EQ(*csv.header("Content-Disposition"),
            "attachment; filename=\"cheque-register-2025-01-01.csv\"");
  std::string number(body(get("/v1/accounts/" + std::to_string(acc_))).at("number").as_string());
  EXPECT_EQ(csv.body,
            "cheque_number,run_date,account_number,payee,amount,currency,address_line_1,"
            "address_line_2,address_line_3,address_line_4,status,id\r\n"
            "1,2025-01-01," +
                number +
                ",Ann,123.45,USD,Ann Smith,1 Main St,\"Willmar, MN 56201\","
                ",pending," +
                std::to_string(id) + "\r\n");

  Response issued = post("/v1/cheque-refunds/" + std::to_string(id) + "/issued", "");
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(body(issued).at("status"), "issued");
  EXPECT_EQ(body(issued).at("issued_at"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(body(get("/v1/cheque-refunds?status=pending")).at("data").as_array().size(), 0u);
  EXPECT_EQ(body(get("/v1/cheque-refunds?status=issued")).at("data").as_array().size(), 1u);
  Response v =
      post("/v1/cheque-refunds/" + std::to_string(id) + "/void", R"({"reason":"stopped"})");
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(body(v).at("status"), "void");
  EXPECT_EQ(body(get("/v1/accounts/" + std::to_string(acc_))).at("credit_balance"), 12345);
  EXPECT_EQ(post("/v1/cheque-refunds/" + std::to_string(id) + "/issued", "").status, 409);
}

TEST_F(ChequeRegister, AWholeRunIsMarkedIssued) {
  closed_account("Bo", "2 Oak Ave", 500);
  closed_account("Cy", "", 700);  // no address: left for a later run
  auto b = body(post("/v1/cheque-refunds/run", ""));
  EXPECT_EQ(b.at("refunded"), 2);
  auto skipped = b.at("skipped").as_array();
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].at("reason"), "no mailing address");
  Response r = post("/v1/cheque-refunds/mark-issued", R"({"run_date":"2025-01-01"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r).at("issued"), 2);
  EXPECT_EQ(
      body(post("/v1/cheque-refunds/mark-issued", R"({"run_date":"2025-01-01"})")).at("issued"), 0);
}

TEST_F(ChequeRegister, BadInputIsA400NamingTheField) {
  post("/v1/cheque-refunds/run", "");
  int64_t id = body(get("/v1/cheque-refunds")).at("data").as_array()[0].at("id").as_int64();
  std::string c = "/v1/cheque-refunds/" + std::to_string(id);
  struct Case {
    std::string method, target, body, field;
  };
  for (auto& k : std::vector<Case>{
           {"GET", "/v1/cheque-refunds?run_date=2025-13-01", "", "run_date"},
           {"GET", "/v1/cheque-refunds?status=printed", "", "status"},
           {"GET", "/v1/cheque-refunds?limit=0", "", "limit"},
           {"GET", "/v1/cheque-refunds.csv", "", "run_date"},
           {"GET", "/v1/cheque-refunds.csv?run_date=yesterday", "", "run_date"},
           {"GET", "/v1/cheque-refunds.csv?run_date=2025-01-01&status=x", "", "status"},
           {"POST", "/v1/cheque-refunds/mark-issued", "{}", "run_date"},
           {"POST", "/v1/cheque-refunds/mark-issued", R"({"run_date":"01/01/2025"})", "run_date"},
           {"POST", "/v1/cheque-refunds/mark-issued", R"({"run_date":20250101})", "run_date"},
           {"POST", c + "/void", "{}", "reason"},
           {"POST", c + "/void", R"({"reason":"   "})", "reason"},
           {"POST", c + "/void", R"({"reason":42})", "reason"},
           {"GET", "/v1/cheque-refunds/abc", "", "id"},
           {"PATCH", "/v1/tenant", R"({"billing_inbox":"not an address"})", "billing_inbox"},
           {"PATCH", "/v1/tenant", R"({"billing_inbox_language":"fr"})", "billing_inbox_language"},
       }) {
    Response r = call(k.method, k.target, k.body);
    EXPECT_EQ(r.status, 400) << k.method << " " << k.target << " " << k.body << ": " << r.body;
    if (r.status == 400) {
      EXPECT_EQ(error_field(r), k.field) << k.target << " " << k.body;
    }
  }
  EXPECT_EQ(get("/v1/cheque-refunds/999999").status, 404);
  EXPECT_EQ(post("/v1/cheque-refunds/run", "not json").status, 200);  // takes no body
  EXPECT_EQ(call("POST", "/v1/cheque-refunds/run", "", &tenant_.read_only).status, 403);
  EXPECT_EQ(call("POST", c + "/issued", "", &tenant_.read_only).status, 403);
  EXPECT_EQ(
      call("GET", "/v1/cheque-refunds.csv?run_date=2025-01-01", "", &tenant_.read_only).status,
      200);
  // Another tenant sees none of it.
  auto other = make_tenant(*db_, clock_, "Other Co");
  EXPECT_EQ(call("GET", c, "", &other.admin).status, 404);
  EXPECT_EQ(call("POST", c + "/issued", "", &other.admin).status, 404);
}

TEST_F(ChequeRegister, TheTenantsBillingInboxIsASetting) {
  Response r = call("PATCH", "/v1/tenant",
                    R"({"billing_inbox":"ar@acme.example","billing_inbox_language":"zh-CN"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto t = body(get("/v1/tenant"));
  EXPECT_EQ(t.at("billing_inbox"), "ar@acme.example");
  EXPECT_EQ(t.at("billing_inbox_language"), "zh-CN");
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"billing_inbox":""})").status, 200);
  EXPECT_EQ(body(get("/v1/tenant")).at("billing_inbox"), "");
  EXPECT_EQ(
      call("PATCH", "/v1/tenant", R"({"billing_inbox":"x@y.example"})", &tenant_.clerk).status,
      403);
}

}  // namespace
}  // namespace remit::http::testing
