#pragma once
// Products and prices (B1).
#include "app/context.h"

namespace remit::app {

Product create_product(Ctx& ctx, const std::string& name, const std::string& description);
Product get_product(Ctx& ctx, int64_t id);
Page<Product> list_products(Ctx& ctx, const PageReq& page);

struct NewPrice {
  int64_t product_id = 0;
  std::string kind;      // recurring | metered | one_time
  std::string timing;    // advance | arrears (metered is always arrears)
  std::string interval;  // recurring: month | year (monthly stream), two_weeks (biweekly)
  Minor unit_amount = 0;
  std::string stream;    // must exist
};
PriceRec create_price(Ctx& ctx, const NewPrice& p);
PriceRec get_price(Ctx& ctx, int64_t id);
Page<PriceRec> list_prices(Ctx& ctx, const PageReq& page);

// The domain view of all the tenant's prices, for billing.
std::vector<domain::Price> load_domain_prices(store::Db& db, int64_t tenant_id);

}  // namespace remit::app
