#pragma once
// View & Pay links (C6): the signed, expiring URL of an invoice's hosted page, sent in the
// invoice email. The token names its tenant, invoice and expiry, signed with HMAC-SHA256
// under the tenant's link key (tenants.link_secret, 32 random bytes made on first use):
// unguessable, unforgeable, and useless for any other invoice. No database row per link.
#include "app/context.h"

namespace remit::app {

inline constexpr int kViewLinkDays = 90;

// Makes the tenant's link key if it has none (its own write transaction, only then).
void ensure_view_key(store::Db& db, int64_t tenant_id);
// "v1.<tenant>.<invoice>.<expiry unix seconds>.<base64url HMAC>". REQUIRES: ensure_view_key
// has run for the tenant (Internal error otherwise).
std::string make_view_token(store::Db& db, int64_t tenant_id, int64_t invoice_id, Instant expires);

struct ViewTarget {
  int64_t tenant_id = 0, invoice_id = 0;
  Instant expires;
  bool expired = false;  // signed, but past its expiry at `now` (the tenant's clock)
};
// nullopt for anything not signed by the tenant's key (malformed, tampered, other tenant's);
// the comparison is constant-time. `clock` gives the tenant's now (its test clock in test mode).
std::optional<ViewTarget> verify_view_token(store::Db& db, const Clock& clock, std::string_view token);

// "Send me a fresh link" (an expired link's page): the invoice's email again, whose View & Pay
// link is made when it is sent, to its account's contacts, when the invoice is open and has
// an amount due. False, sending nothing, otherwise. REQUIRES: a write transaction.
bool send_fresh_view_link(Ctx& ctx, int64_t invoice_id);

}  // namespace remit::app
