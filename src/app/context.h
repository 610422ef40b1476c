#pragma once
// The context every use case runs in: one tenant, one transaction's database, and the
// time read once for that transaction (duckdb-style: "now" does not move mid-transaction).
#include <string>

#include "app/models.h"
#include "core/clock.h"
#include "store/db.h"

namespace remit::app {

struct Ctx {
  store::Db& db;
  Tenant tenant;
  std::string actor;   // "api_key:12", "cli", "system"
  std::string source;  // client address, for the audit log
  Instant now;
  Date today;  // now, in the tenant's time zone
};

// Loads the tenant (NotFound if missing) and reads its clock: the tenant's stored test
// clock in test mode, else `clock`. Call inside a transaction.
Ctx make_ctx(store::Db& db, const Clock& clock, int64_t tenant_id, std::string actor,
             std::string source = "");

Tenant load_tenant(store::Db& db, int64_t tenant_id);

// A tenant's now from its row: its stored test clock (tenants.clock_now) in test mode, else
// `wall`. For code that visits many tenants without building a Ctx for each.
Instant tenant_now(Instant wall, bool test_mode, const std::optional<std::string>& clock_now);

// Appends to the audit log (F6) in the caller's transaction.
void audit(Ctx& ctx, std::string_view action, std::string_view entity,
           std::optional<int64_t> entity_id, std::string_view detail = "");
Page<AuditEntry> list_audit(Ctx& ctx, const PageReq& page);

// Next value of a per-tenant counter (invoice numbers, credit notes, ledger txns),
// reserving `n` values; returns the first. Gapless: it commits with the caller's change.
int64_t next_counter(store::Db& db, int64_t tenant_id, std::string_view name, int64_t n = 1);

}  // namespace remit::app
