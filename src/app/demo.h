#pragma once
// The demo provider for `make run` / `remit demo`: a West Central-style tenant (two invoice
// streams) in test mode, with a year of history made by moving its clock.
#include "app/context.h"

namespace remit::app {

struct DemoResult {
  int64_t tenant_id = 0;
  std::string api_key;
  int64_t accounts = 0;
  int64_t invoices = 0;
  std::string portal_email;  // the first customer's portal login, with kDemoPortalPassword
};
inline constexpr const char* kDemoPortalPassword = "demo-customer-password";

// Deterministic for a given clock (fixed-seed randomness).
DemoResult create_demo(store::Db& db, const Clock& clock, int accounts = 300);

}  // namespace remit::app
