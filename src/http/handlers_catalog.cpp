// Products and prices (B1).
#include "app/catalog.h"
#include "core/error.h"
#include "http/handler_util.h"

namespace remit::http {
namespace {

Response create_product(Call& c) {
  auto& b = c.body();
  std::string name = req_string(b, "name", 200);
  std::string description = opt_string(b, "description", 2000).value_or("");
  return created(to_json(app::create_product(*c.ctx, name, description)));
}

Response list_products(Call& c) {
  return ok(page_json(app::list_products(*c.ctx, page_req(c.query))));
}

Response get_product(Call& c) { return ok(to_json(app::get_product(*c.ctx, c.id()))); }

Response create_price(Call& c) {
  auto& b = c.body();
  app::NewPrice p;
  p.product_id = req_id(b, "product_id");
  p.kind = req_enum(b, "kind", {"recurring", "metered", "one_time"});
  auto timing = opt_enum(b, "timing", {"advance", "arrears"});
  auto interval = opt_enum(b, "interval", {"month", "year", "two_weeks"});
  if (p.kind == "recurring") {
    if (!timing) invalid("timing", "timing is required for recurring prices");
    if (!interval) invalid("interval", "interval is required for recurring prices");
    p.interval = *interval;
  } else if (interval) {
    invalid("interval", "interval applies to recurring prices only");
  }
  if (p.kind == "metered" && timing && *timing != "arrears")
    invalid("timing", "metered prices are billed in arrears");
  p.timing = timing.value_or(p.kind == "metered" ? "arrears" : "advance");
  p.unit_amount = req_money(b, "unit_amount", 0, kMaxUnitAmount);
  p.stream = pick_stream(c.ctx->tenant, opt_string(b, "stream", 64));
  return created(to_json(app::create_price(*c.ctx, p)));
}

Response list_prices(Call& c) { return ok(page_json(app::list_prices(*c.ctx, page_req(c.query)))); }

Response get_price(Call& c) { return ok(to_json(app::get_price(*c.ctx, c.id()))); }

}  // namespace

void add_catalog_routes(std::vector<Route>& t) {
  t.push_back({.method = "POST", .pattern = "/v1/products", .access = Access::Write,
               .handler = create_product, .summary = "Create a product", .status = 201,
               .request = "NewProduct", .response = "Product"});
  t.push_back({.method = "GET", .pattern = "/v1/products", .access = Access::Read,
               .handler = list_products, .summary = "List products", .response = "Product",
               .list = true});
  t.push_back({.method = "GET", .pattern = "/v1/products/{id}", .access = Access::Read,
               .handler = get_product, .summary = "Get a product", .response = "Product"});
  t.push_back({.method = "POST", .pattern = "/v1/prices", .access = Access::Write,
               .handler = create_price, .summary = "Create a price for a product", .status = 201,
               .request = "NewPrice", .response = "Price"});
  t.push_back({.method = "GET", .pattern = "/v1/prices", .access = Access::Read,
               .handler = list_prices, .summary = "List prices", .response = "Price",
               .list = true});
  t.push_back({.method = "GET", .pattern = "/v1/prices/{id}", .access = Access::Read,
               .handler = get_price, .summary = "Get a price", .response = "Price"});
}

}  // namespace remit::http
