#include "app/catalog.h"

#include "app/internal.h"

namespace remit::app {
using store::Query;

namespace {
constexpr const char* kInsertProduct =
    "INSERT INTO products (tenant_id, name, description, created_at) VALUES (?, ?, ?, ?) RETURNING "
    "id";
constexpr const char* kProduct =
    "SELECT id, name, description FROM products WHERE tenant_id = ? AND id = ?";
constexpr const char* kProducts =
    "SELECT id, name, description FROM products WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?";
constexpr const char* kInsertPrice =
    "INSERT INTO prices (tenant_id, product_id, kind, timing, billing_interval, unit_amount, "
    "stream, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kPriceCols =
    "SELECT p.id, p.product_id, pr.name, p.kind, p.timing, p.billing_interval, p.unit_amount, "
    "p.stream, p.active FROM prices p "
    "JOIN products pr ON pr.tenant_id = p.tenant_id AND pr.id = p.product_id ";

PriceRec read_price(Query& q) {
  return {q.i64(0), q.i64(1),  q.text(2),    q.text(3), q.text(4), q.opt_text(5).value_or(""),
          q.i64(6), q.text(7), q.i64(8) != 0};
}

}  // namespace

Product create_product(Ctx& ctx, const std::string& name, const std::string& description) {
  if (name.empty() || name.size() > 200) invalid("name", "must be 1-200 characters");
  if (description.size() > 2000) invalid("description", "must be at most 2000 characters");
  int64_t id = store::one_int(ctx.db, kInsertProduct, ctx.tenant.id, name, description,
                              format_instant(ctx.now));
  audit(ctx, "product.created", "product", id);
  return {id, name, description};
}

Product get_product(Ctx& ctx, int64_t id) {
  Query q(ctx.db, kProduct, ctx.tenant.id, id);
  if (!q.next()) not_found("product");
  return {q.i64(0), q.text(1), q.text(2)};
}

Page<Product> list_products(Ctx& ctx, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db, kProducts, ctx.tenant.id, page.after, limit + 1);
  std::vector<Product> rows;
  while (q.next()) rows.push_back({q.i64(0), q.text(1), q.text(2)});
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

PriceRec create_price(Ctx& ctx, const NewPrice& p) {
  {
    Query q(ctx.db, kProduct, ctx.tenant.id, p.product_id);
    if (!q.next()) invalid("product_id", "no such product");
  }
  const Stream& s = detail::require_stream(ctx, "stream", p.stream);
  std::string interval = p.interval, timing = p.timing;
  if (p.kind == "recurring") {
    bool monthly = s.schedule.cadence == domain::Cadence::Monthly;
    if (monthly ? (interval != "month" && interval != "year") : interval != "two_weeks")
      invalid("interval", monthly ? "must be month or year on a monthly stream"
                                  : "must be two_weeks on a biweekly stream");
    if (timing != "advance" && timing != "arrears") invalid("timing", "must be advance or arrears");
  } else if (p.kind == "metered") {
    if (timing.empty()) timing = "arrears";
    if (timing != "arrears") invalid("timing", "metered usage is billed in arrears");
    interval.clear();
  } else if (p.kind == "one_time") {
    if (timing.empty()) timing = "advance";
    if (timing != "advance") invalid("timing", "one-time prices are billed in advance");
    interval.clear();
  } else {
    invalid("kind", "must be recurring, metered or one_time");
  }
  if (p.unit_amount < 0 || p.unit_amount > 100'000'000'00)
    invalid("unit_amount", "must be between 0.00 and 100000000.00");
  int64_t id = store::one_int(ctx.db, kInsertPrice, ctx.tenant.id, p.product_id, p.kind, timing,
                              interval.empty() ? std::nullopt : std::optional(interval),
                              p.unit_amount, p.stream, format_instant(ctx.now));
  audit(ctx, "price.created", "price", id);
  return get_price(ctx, id);
}

PriceRec get_price(Ctx& ctx, int64_t id) {
  Query q(ctx.db, std::string(kPriceCols) + "WHERE p.tenant_id = ? AND p.id = ?", ctx.tenant.id,
          id);
  if (!q.next()) not_found("price");
  return read_price(q);
}

Page<PriceRec> list_prices(Ctx& ctx, const PageReq& page) {
  int limit = detail::clamp_limit(page.limit);
  Query q(ctx.db,
          std::string(kPriceCols) + "WHERE p.tenant_id = ? AND p.id > ? ORDER BY p.id LIMIT ?",
          ctx.tenant.id, page.after, limit + 1);
  std::vector<PriceRec> rows;
  while (q.next()) rows.push_back(read_price(q));
  return detail::page_from(std::move(rows), limit, [](auto& r) { return r.id; });
}

std::vector<domain::Price> load_domain_prices(store::Db& db, int64_t tenant_id) {
  std::vector<domain::Price> out;
  Query q(db, std::string(kPriceCols) + "WHERE p.tenant_id = ? ORDER BY p.id", tenant_id);
  while (q.next()) {
    PriceRec r = read_price(q);
    domain::Price p;
    p.id = r.id;
    p.product_name = r.product_name;
    p.kind = r.kind == "recurring" ? domain::PriceKind::Recurring
             : r.kind == "metered" ? domain::PriceKind::Metered
                                   : domain::PriceKind::OneTime;
    p.timing = r.timing == "advance" ? domain::Timing::Advance : domain::Timing::Arrears;
    p.unit_amount = r.unit_amount;
    p.interval_cycles = r.interval == "year" ? 12 : 1;
    p.stream = r.stream;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace remit::app
