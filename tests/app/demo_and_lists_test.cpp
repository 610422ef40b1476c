// The demo provider that `make run` serves is built by moving a test clock through a year:
// it must verify, number its invoices without gaps, and have nothing left to bill. Lists
// page by cursor.
#include "app/demo.h"

#include "app/fixture.h"

namespace remit::test {
namespace {

class DemoTest : public AppTest {};

TEST_F(DemoTest, ABuiltDemoVerifiesAndHasNothingLeftToBill) {
  clock_.set(local_midnight(D("2026-01-15"), "America/Chicago") + std::chrono::hours{10});
  auto r = app::create_demo(db(), clock_, 40);
  tenant_ = r.tenant_id;
  tz_ = "America/Chicago";
  EXPECT_EQ(r.accounts, 40);
  EXPECT_GT(r.invoices, 40 * 12 / 2);
  EXPECT_TRUE(r.api_key.starts_with("rk_"));
  EXPECT_TRUE(app::authenticate_key(db(), r.api_key).has_value());
  // The tenant clock caught up with the wall clock.
  EXPECT_EQ(app::clock_now(db(), clock_, tenant_), clock_.now());
  expect_gapless_numbers();
  expect_verifies();
  EXPECT_TRUE(app::run_due_bill_runs(db(), clock_, tenant_).empty());
  auto all = all_invoices();
  EXPECT_EQ(static_cast<int64_t>(all.size()), r.invoices);
  // Both streams billed, and each invoice holds one stream's lines only.
  size_t services = 0;
  for (auto& i : all) {
    services += i.stream == "services";
    Minor sum = 0;
    for (auto& l : i.lines) sum += l.amount;
    EXPECT_EQ(sum, i.subtotal) << i.number_text();
  }
  EXPECT_GT(services, 0u);
  EXPECT_LT(services, all.size());
}

class ListTest : public AppTest {};

TEST_F(ListTest, CursorPagination) {
  make_tenant("procirrus", D("2024-12-20"));
  int64_t p = price("Plan", "recurring", "arrears", "month", 1000, "main");
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(account("Customer " + std::to_string(i)).id);
    subscribe(ids.back(), p, 100, "2025-01-01");
  }
  advance_to("2025-02-01");
  std::vector<int64_t> seen;
  app::PageReq page{0, 2};
  for (int guard = 0; guard < 10; ++guard) {
    auto got = tx([&](app::Ctx& c) { return app::list_invoices(c, {}, page); });
    EXPECT_LE(got.items.size(), 2u);
    for (auto& i : got.items) seen.push_back(i.id);
    if (!got.next) break;
    page.after = *got.next;
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  auto accts = tx([&](app::Ctx& c) { return app::list_accounts(c, {ids[1], 2}); });
  ASSERT_EQ(accts.items.size(), 2u);
  EXPECT_EQ(accts.items[0].id, ids[2]);
  EXPECT_EQ(accts.next, ids[3]);
  auto open = tx([&](app::Ctx& c) { return app::list_invoices(c, {ids[0], "open"}, {0, 50}); });
  EXPECT_EQ(open.items.size(), 1u);
  EXPECT_FALSE(open.next.has_value());
  expect_invalid("status", [&] { tx([&](app::Ctx& c) { app::list_invoices(c, {std::nullopt, "overdue"}, {0, 50}); }); });
  // Limits are clamped to 1..200.
  auto one = tx([&](app::Ctx& c) { return app::list_accounts(c, {0, 0}); });
  EXPECT_EQ(one.items.size(), 1u);
}

}  // namespace
}  // namespace remit::test
