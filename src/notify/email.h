#pragma once
// The emails of the outbox (F3, C6), composed at delivery time from the records as they are
// then: the invoice email (summary, View & Pay link, the invoice PDF attached), the
// credit-note notice, the payment receipts and notices, the cheque refund notice, in the
// account's language (en or zh-CN), and the evening payment digest to the tenant's billing
// inbox, in its language; from the mustache templates in web/templates/email (compiled in)
// and the translation catalog of render/i18n.h.
// The Message-ID is the outbox row's: the same message on every retry.
#include "app/env.h"
#include "app/outbox.h"
#include "render/i18n.h"

namespace remit::notify {

// Renders one template ("invoice.txt", "invoice.html", ...) with HTML escaping (for .html)
// or none (for .txt). Internal error for an unknown name.
std::string render_template(std::string_view name, const std::string& data_json);
std::string render_template(std::string_view name, const boost::json::value& data);

// What every template sees: {{t.*}} (the phrases), {{l.*}} (the invoice labels), {{lang}}.
boost::json::object catalog(render::Lang lang);

// "t{tenant}.o{outbox id}@{host of public_url}".
std::string message_id(const app::NotifySettings& s, int64_t tenant_id, int64_t outbox_id);

// The message for an email outbox row, read from `db` (its own read transaction). NotFound
// when what it is about no longer exists (the row then fails for good).
// REQUIRES: app::ensure_view_key has run for the row's tenant (its View & Pay link).
app::OutgoingMail compose_email(store::Db& db, const app::Env& env, const app::OutboxRec& row);

}  // namespace remit::notify
