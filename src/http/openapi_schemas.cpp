// components.schemas of the OpenAPI document: brief schemas of the JSON that json_map.cpp
// writes and the handlers read. Money: integer minor units; Quantity: decimal number.
#include <boost/json/parse.hpp>

#include "http/openapi.h"

namespace remit::http {
namespace {

constexpr const char* kSchemas = R"JSON({
"Money": {"type": "integer", "format": "int64", "description": "minor units (cents)"},
"Quantity": {"type": "number", "description": "at most 2 decimal places, e.g. 1.25"},
"Date": {"type": "string", "format": "date", "example": "2025-01-31"},
"Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
  "required": ["code", "message", "field"], "properties": {
  "code": {"type": "string", "enum": ["invalid_argument", "unauthenticated", "permission_denied",
    "not_found", "method_not_allowed", "conflict", "failed_precondition", "payload_too_large",
    "unavailable", "internal"]},
  "message": {"type": "string"},
  "field": {"type": "string", "nullable": true}}}}},
"Health": {"type": "object", "properties": {"status": {"type": "string", "enum": ["ok"]}}},
"OpenApiDocument": {"type": "object", "description": "this document"},
"Terms": {"type": "object", "required": ["kind"], "properties": {
  "kind": {"type": "string", "enum": ["net", "eom"]},
  "days": {"type": "integer", "nullable": true, "minimum": 0, "maximum": 365},
  "label": {"type": "string", "readOnly": true}}},
"Stream": {"type": "object", "properties": {
  "code": {"type": "string"}, "name": {"type": "string"},
  "cadence": {"type": "string", "enum": ["monthly", "biweekly"]},
  "invoice_day": {"type": "integer", "nullable": true},
  "anchor_date": {"allOf": [{"$ref": "#/components/schemas/Date"}], "nullable": true},
  "terms": {"$ref": "#/components/schemas/Terms"}}},
"StreamPatch": {"type": "object", "properties": {
  "name": {"type": "string"}, "terms": {"$ref": "#/components/schemas/Terms"},
  "invoice_day": {"type": "integer", "minimum": 1, "maximum": 28}}},
"Tenant": {"type": "object", "properties": {
  "id": {"type": "integer"}, "name": {"type": "string"}, "currency": {"type": "string"},
  "time_zone": {"type": "string"}, "test_mode": {"type": "boolean"},
  "auto_finalize": {"type": "boolean"}, "remit_to": {"type": "string"},
  "paper_fee": {"$ref": "#/components/schemas/Money"},
  "email": {"type": "string"},
  "billing_inbox": {"type": "string", "description": "where the evening payment digest goes; empty: email"},
  "billing_inbox_language": {"type": "string", "enum": ["en", "zh-CN"]},
  "brand_color": {"type": "string", "description": "#rrggbb: its portal's, View & Pay pages' and emails' colour"},
  "streams": {"type": "array", "items": {"$ref": "#/components/schemas/Stream"}}}},
"TenantPatch": {"type": "object", "properties": {
  "name": {"type": "string"}, "time_zone": {"type": "string"}, "remit_to": {"type": "string"},
  "email": {"type": "string"}, "auto_finalize": {"type": "boolean"},
  "billing_inbox": {"type": "string", "description": "one email address for the evening payment digest; \"\" unsets it (the digest goes to email)"},
  "billing_inbox_language": {"type": "string", "enum": ["en", "zh-CN"], "description": "the digest's language"},
  "brand_color": {"type": "string", "description": "#rrggbb behind white text (contrast at least 4.5:1) on the portal, View & Pay pages and emails; \"\" is Remit's own"},
  "paper_fee": {"allOf": [{"$ref": "#/components/schemas/Money"}],
                "description": "charged per paper statement on the next invoice; 0 turns it off (max 100.00)"}}},
"Account": {"type": "object", "properties": {
  "id": {"type": "integer"}, "number": {"type": "string"}, "name": {"type": "string"},
  "last_name": {"type": "string"}, "company": {"type": "string"},
  "emails": {"type": "array", "items": {"type": "string"}}, "address": {"type": "string"},
  "language": {"type": "string", "enum": ["en", "zh-CN"]},
  "status": {"type": "string", "enum": ["active", "suspended", "closed"]},
  "parent_id": {"type": "integer", "nullable": true}, "bill_to_parent": {"type": "boolean"},
  "billing_account_id": {"type": "integer"},
  "credit_balance": {"$ref": "#/components/schemas/Money"},
  "paperless": {"type": "boolean"}, "created_at": {"type": "string"},
  "invoice_terms": {"type": "boolean", "description": "staff approved invoice terms (A7)"}}},
"NewAccount": {"type": "object", "required": ["name"], "properties": {
  "number": {"type": "string", "description": "unique per tenant; generated when absent"},
  "name": {"type": "string"}, "last_name": {"type": "string"}, "company": {"type": "string"},
  "emails": {"type": "array", "items": {"type": "string"}}, "address": {"type": "string"},
  "language": {"type": "string", "enum": ["en", "zh-CN"]},
  "parent_id": {"type": "integer"}, "bill_to_parent": {"type": "boolean"},
  "paperless": {"type": "boolean"},
  "invoice_terms": {"type": "boolean", "description": "approve invoice terms at once: subscriptions may start without a payment method (A7)"}}},
"AccountPatch": {"type": "object", "properties": {
  "name": {"type": "string"}, "last_name": {"type": "string"}, "company": {"type": "string"},
  "emails": {"type": "array", "items": {"type": "string"}}, "address": {"type": "string"},
  "language": {"type": "string", "enum": ["en", "zh-CN"]},
  "status": {"type": "string", "enum": ["active", "suspended", "closed"]},
  "paperless": {"type": "boolean"}}},
"Balance": {"type": "object", "properties": {
  "balance_due": {"$ref": "#/components/schemas/Money"},
  "credit_balance": {"$ref": "#/components/schemas/Money"},
  "open_invoices": {"type": "integer"}, "past_due": {"$ref": "#/components/schemas/Money"}}},
"LedgerEntry": {"type": "object", "properties": {
  "id": {"type": "integer"}, "txn_id": {"type": "integer"},
  "date": {"$ref": "#/components/schemas/Date"}, "book": {"type": "string"},
  "account_id": {"type": "integer", "nullable": true},
  "invoice_id": {"type": "integer", "nullable": true},
  "payment_id": {"type": "integer", "nullable": true},
  "amount": {"allOf": [{"$ref": "#/components/schemas/Money"}],
             "description": "debit positive, credit negative"}}},
"Product": {"type": "object", "properties": {
  "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"}}},
"NewProduct": {"type": "object", "required": ["name"], "properties": {
  "name": {"type": "string"}, "description": {"type": "string"}}},
"Price": {"type": "object", "properties": {
  "id": {"type": "integer"}, "product_id": {"type": "integer"},
  "product_name": {"type": "string"},
  "kind": {"type": "string", "enum": ["recurring", "metered", "one_time"]},
  "timing": {"type": "string", "enum": ["advance", "arrears"]},
  "interval": {"type": "string", "enum": ["month", "year", "two_weeks"], "nullable": true},
  "unit_amount": {"$ref": "#/components/schemas/Money"}, "stream": {"type": "string"},
  "active": {"type": "boolean"}}},
"NewPrice": {"type": "object", "required": ["product_id", "kind", "unit_amount"], "properties": {
  "product_id": {"type": "integer"},
  "kind": {"type": "string", "enum": ["recurring", "metered", "one_time"]},
  "timing": {"type": "string", "enum": ["advance", "arrears"],
             "description": "required for recurring; metered is always arrears"},
  "interval": {"type": "string", "enum": ["month", "year", "two_weeks"],
               "description": "recurring only, required there"},
  "unit_amount": {"$ref": "#/components/schemas/Money"},
  "stream": {"type": "string", "description": "optional when the tenant has one stream"}}},
"Phase": {"type": "object", "properties": {
  "start_date": {"$ref": "#/components/schemas/Date"},
  "end_date": {"allOf": [{"$ref": "#/components/schemas/Date"}], "nullable": true},
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "price_id": {"type": "integer", "description": "the price of this phase"}}},
"Subscription": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"},
  "price_id": {"type": "integer", "description": "the current price (after any price change)"},
  "stream": {"type": "string"}, "start_date": {"$ref": "#/components/schemas/Date"},
  "end_date": {"allOf": [{"$ref": "#/components/schemas/Date"}], "nullable": true},
  "status": {"type": "string", "enum": ["active", "scheduled", "cancelled"]},
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "phases": {"type": "array", "items": {"$ref": "#/components/schemas/Phase"}}}},
"NewSubscription": {"type": "object", "required": ["account_id", "price_id"], "properties": {
  "account_id": {"type": "integer"}, "price_id": {"type": "integer"},
  "quantity": {"allOf": [{"$ref": "#/components/schemas/Quantity"}], "default": 1},
  "start_date": {"allOf": [{"$ref": "#/components/schemas/Date"}],
                 "description": "default: the tenant's today"}}},
"QuantityChange": {"type": "object", "required": ["quantity"], "properties": {
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "effective_date": {"$ref": "#/components/schemas/Date"}}},
"PriceChange": {"type": "object", "required": ["price_id"], "properties": {
  "price_id": {"type": "integer",
               "description": "a recurring price of the same stream, interval and timing"},
  "effective_date": {"allOf": [{"$ref": "#/components/schemas/Date"}],
                     "description": "default: the tenant's today"}}},
"Cancellations": {"type": "object", "required": ["subscription_ids"], "properties": {
  "subscription_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 200},
  "date": {"allOf": [{"$ref": "#/components/schemas/Date"}],
           "description": "default: the tenant's today"}}},
"Deleted": {"type": "object", "properties": {
  "id": {"type": "integer"}, "deleted": {"type": "boolean", "enum": [true]}}},
"Subscriptions": {"type": "object", "properties": {
  "data": {"type": "array", "items": {"$ref": "#/components/schemas/Subscription"}}}},
"Cancellation": {"type": "object", "properties": {
  "date": {"allOf": [{"$ref": "#/components/schemas/Date"}],
           "description": "default: the tenant's today"}}},
"NewUsage": {"type": "object", "required": ["subscription_id", "quantity"], "properties": {
  "subscription_id": {"type": "integer"}, "quantity": {"$ref": "#/components/schemas/Quantity"},
  "date": {"$ref": "#/components/schemas/Date"}}},
"Usage": {"type": "object", "properties": {
  "id": {"type": "integer"}, "subscription_id": {"type": "integer"},
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "date": {"$ref": "#/components/schemas/Date"}}},
"UsageRecord": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"},
  "subscription_id": {"type": "integer"}, "date": {"$ref": "#/components/schemas/Date"},
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "invoice_id": {"type": "integer", "nullable": true}, "created_at": {"type": "string"}}},
"WorkEntryPatch": {"type": "object", "description": "only an unbilled entry", "properties": {
  "date": {"$ref": "#/components/schemas/Date"}, "who": {"type": "string"},
  "hours": {"$ref": "#/components/schemas/Quantity"},
  "rate": {"$ref": "#/components/schemas/Money"}, "ticket": {"type": "string"},
  "description": {"type": "string"}}},
"ChargePatch": {"type": "object", "description": "only an unbilled charge", "properties": {
  "date": {"$ref": "#/components/schemas/Date"}, "description": {"type": "string"},
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "unit_amount": {"$ref": "#/components/schemas/Money"}}},
"WorkEntry": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "stream": {"type": "string"},
  "date": {"$ref": "#/components/schemas/Date"}, "who": {"type": "string"},
  "hours": {"$ref": "#/components/schemas/Quantity"},
  "rate": {"$ref": "#/components/schemas/Money"}, "ticket": {"type": "string"},
  "description": {"type": "string"}, "invoice_id": {"type": "integer", "nullable": true}}},
"NewWorkEntry": {"type": "object", "required": ["account_id", "who", "hours", "rate", "description"],
  "properties": {
  "account_id": {"type": "integer"}, "stream": {"type": "string"},
  "date": {"$ref": "#/components/schemas/Date"}, "who": {"type": "string"},
  "hours": {"$ref": "#/components/schemas/Quantity"},
  "rate": {"$ref": "#/components/schemas/Money"}, "ticket": {"type": "string"},
  "description": {"type": "string"}}},
"Charge": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "stream": {"type": "string"},
  "date": {"$ref": "#/components/schemas/Date"}, "description": {"type": "string"},
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "unit_amount": {"$ref": "#/components/schemas/Money"},
  "invoice_id": {"type": "integer", "nullable": true}}},
"NewCharge": {"type": "object", "required": ["account_id", "description", "unit_amount"],
  "properties": {
  "account_id": {"type": "integer"}, "stream": {"type": "string"},
  "date": {"$ref": "#/components/schemas/Date"}, "description": {"type": "string"},
  "quantity": {"allOf": [{"$ref": "#/components/schemas/Quantity"}], "default": 1},
  "unit_amount": {"$ref": "#/components/schemas/Money"},
  "invoice_now": {"type": "boolean", "description": "bill at once on its own invoice"}}},
"InvoiceLine": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "kind": {"type": "string"},
  "subscription_id": {"type": "integer", "nullable": true}, "description": {"type": "string"},
  "period_start": {"$ref": "#/components/schemas/Date"},
  "period_end": {"allOf": [{"$ref": "#/components/schemas/Date"}], "description": "exclusive"},
  "quantity": {"$ref": "#/components/schemas/Quantity"},
  "unit_amount": {"$ref": "#/components/schemas/Money"},
  "amount": {"$ref": "#/components/schemas/Money"}}},
"Invoice": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "stream": {"type": "string"},
  "number": {"type": "string", "nullable": true, "example": "INV-000042"},
  "status": {"type": "string", "enum": ["draft", "open", "paid", "void", "uncollectible", "upcoming"]},
  "cycle_start": {"allOf": [{"$ref": "#/components/schemas/Date"}], "nullable": true},
  "cycle_end": {"allOf": [{"$ref": "#/components/schemas/Date"}], "nullable": true},
  "issue_date": {"$ref": "#/components/schemas/Date"},
  "due_date": {"$ref": "#/components/schemas/Date"}, "terms": {"type": "string"},
  "subtotal": {"$ref": "#/components/schemas/Money"},
  "credit_applied": {"$ref": "#/components/schemas/Money"},
  "amount_paid": {"$ref": "#/components/schemas/Money"},
  "amount_credited": {"allOf": [{"$ref": "#/components/schemas/Money"}],
                      "description": "credit notes against it"},
  "written_off": {"allOf": [{"$ref": "#/components/schemas/Money"}],
                  "description": "written off when marked uncollectible"},
  "amount_due": {"allOf": [{"$ref": "#/components/schemas/Money"}],
                 "description": "max(subtotal, 0) - credit_applied - amount_paid - amount_credited - written_off"},
  "created_at": {"type": "string"}, "finalized_at": {"type": "string", "nullable": true},
  "lines": {"type": "array", "items": {"$ref": "#/components/schemas/InvoiceLine"},
            "description": "empty in lists"}}},
"CreditNote": {"type": "object", "properties": {
  "id": {"type": "integer"}, "number": {"type": "integer"}, "invoice_id": {"type": "integer"},
  "account_id": {"type": "integer"}, "amount": {"$ref": "#/components/schemas/Money"},
  "reason": {"type": "string"}, "created_at": {"type": "string"}}},
"ApplyCredit": {"type": "object", "properties": {
  "amount": {"allOf": [{"$ref": "#/components/schemas/Money"}],
             "description": "default: as much as the credit and the amount due allow"}}},
"PaymentReversal": {"type": "object", "required": ["reason"], "properties": {
  "reason": {"type": "string"}}},
"NewCreditNote": {"type": "object", "required": ["invoice_id", "amount", "reason"], "properties": {
  "invoice_id": {"type": "integer"}, "amount": {"$ref": "#/components/schemas/Money"},
  "reason": {"type": "string"}}},
"PaymentApplication": {"type": "object", "properties": {
  "invoice_id": {"type": "integer"}, "amount": {"$ref": "#/components/schemas/Money"}}},
"Payment": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"},
  "method": {"type": "string", "enum": ["cheque", "bank_transfer", "card", "bank_debit", "wallet"]},
  "reference": {"type": "string"}, "amount": {"$ref": "#/components/schemas/Money"},
  "received_date": {"$ref": "#/components/schemas/Date"},
  "status": {"type": "string", "enum": ["processing", "succeeded", "pending", "settled", "failed", "voided", "returned", "reversed"]},
  "fee": {"$ref": "#/components/schemas/Money"}, "channel": {"type": "string"},
  "payment_method": {"type": "object", "description": "the method as charged: id, brand, last4, display"},
  "split_of": {"type": "integer", "description": "the first part's id"},
  "failure_code": {"type": "string"}, "return_code": {"type": "string"},
  "refunded": {"$ref": "#/components/schemas/Money"},
  "settled_at": {"type": "string", "nullable": true}, "returned_at": {"type": "string", "nullable": true},
  "confirmation": {"type": "string"}, "created_at": {"type": "string"},
  "reversed_at": {"type": "string", "nullable": true},
  "applications": {"type": "array", "items": {"$ref": "#/components/schemas/PaymentApplication"}},
  "unapplied": {"allOf": [{"$ref": "#/components/schemas/Money"}],
                "description": "went to account credit"}}},
"NewPayment": {"type": "object", "required": ["account_id", "method", "amount"], "properties": {
  "account_id": {"type": "integer"},
  "method": {"type": "string", "enum": ["cheque", "bank_transfer"]},
  "reference": {"type": "string"}, "amount": {"$ref": "#/components/schemas/Money"},
  "received_date": {"$ref": "#/components/schemas/Date"},
  "invoice_id": {"type": "integer", "description": "else oldest open invoices first"}}},
"BillRun": {"type": "object", "properties": {
  "id": {"type": "integer"}, "stream": {"type": "string"},
  "cycle_end": {"$ref": "#/components/schemas/Date"},
  "status": {"type": "string", "enum": ["running", "done"]}, "invoices": {"type": "integer"},
  "started_at": {"type": "string"}, "finished_at": {"type": "string", "nullable": true}}},
"BillRunRequest": {"type": "object", "description": "empty: run every run that is due",
  "properties": {
  "stream": {"type": "string"},
  "cycle_end": {"allOf": [{"$ref": "#/components/schemas/Date"}],
                "description": "a cycle boundary; default the latest one up to today"},
  "wait": {"type": "boolean", "description": "default true; false: start the runs and return, the servers' bill-run workers bill them (see GET /v1/bill-runs)"}}},
"BillRunResults": {"type": "object", "properties": {
  "runs": {"type": "array", "items": {"type": "object", "properties": {
    "run_id": {"type": "integer"}, "stream": {"type": "string"},
    "cycle_end": {"$ref": "#/components/schemas/Date"},
    "invoices": {"type": "integer", "description": "created by this call"},
    "was_done": {"type": "boolean"}}}},
  "invoices": {"type": "integer"}}},
"AuditEntry": {"type": "object", "properties": {
  "id": {"type": "integer"}, "at": {"type": "string"}, "actor": {"type": "string"},
  "source": {"type": "string"}, "action": {"type": "string"}, "entity": {"type": "string"},
  "entity_id": {"type": "integer", "nullable": true}, "detail": {"type": "string"}}},
"Clock": {"type": "object", "properties": {
  "now": {"type": "string", "format": "date-time"},
  "today": {"$ref": "#/components/schemas/Date"}, "time_zone": {"type": "string"},
  "test_mode": {"type": "boolean"}}},
"ClockAdvance": {"type": "object", "description": "exactly one of to and days", "properties": {
  "to": {"type": "string", "description": "YYYY-MM-DD (start of that day in the tenant's zone) or YYYY-MM-DDTHH:MM:SSZ"},
  "days": {"type": "integer", "minimum": 1, "maximum": 3660}}},
"Job": {"type": "object", "properties": {
  "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["daily", "digest"]},
  "key": {"type": "string", "description": "daily, digest: the tenant's local date it runs for"},
  "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
  "attempts": {"type": "integer"},
  "run_at": {"type": "string", "description": "queued: not before; running: the lease's end"},
  "worker": {"type": "string"}, "last_error": {"type": "string"},
  "created_at": {"type": "string"}, "finished_at": {"type": "string", "nullable": true}}},
"Event": {"type": "object", "properties": {
  "id": {"type": "integer"},
  "type": {"type": "string", "enum": ["invoice.finalized", "invoice.paid", "invoice.voided",
    "invoice.marked_uncollectible", "credit_note.created", "payment.created", "payment.reversed",
    "account.created", "account.updated", "bill_run.completed", "payment_method.created",
    "payment_method.verified", "payment_method.deleted", "payment.succeeded", "payment.failed",
    "payment.settled", "payment.returned", "payment.refunded", "cheque_refund.created",
    "cheque_refund.issued", "cheque_refund.voided"]},
  "entity": {"type": "string"}, "entity_id": {"type": "integer", "nullable": true},
  "data": {"type": "object", "description": "a snapshot of the object's main fields"},
  "created_at": {"type": "string"}}},
"OutboxMessage": {"type": "object", "properties": {
  "id": {"type": "integer"}, "channel": {"type": "string", "enum": ["email", "webhook"]},
  "topic": {"type": "string", "description": "email: invoice, credit_note, payment_receipt, payment_failed, payment_returned, payment_digest or cheque_refund; webhook: the event type"},
  "status": {"type": "string", "enum": ["pending", "sent", "failed", "skipped"]},
  "attempts": {"type": "integer"},
  "next_attempt_at": {"type": "string", "nullable": true},
  "last_code": {"type": "integer", "nullable": true, "description": "SMTP reply or HTTP status"},
  "last_error": {"type": "string"}, "created_at": {"type": "string"},
  "sent_at": {"type": "string", "nullable": true},
  "entity_id": {"type": "integer", "description": "email: the invoice or credit note"},
  "to": {"type": "array", "items": {"type": "string"}},
  "event_id": {"type": "integer"}, "endpoint_id": {"type": "integer"},
  "webhook_id": {"type": "string", "description": "the webhook-id header, the same on every attempt"}}},
"WebhookEndpoint": {"type": "object", "properties": {
  "id": {"type": "integer"}, "url": {"type": "string"},
  "event_types": {"type": "array", "items": {"type": "string"}},
  "enabled": {"type": "boolean"}, "description": {"type": "string"},
  "created_at": {"type": "string"},
  "secret": {"type": "string", "description": "whsec_...: only in the response that creates it"}}},
"WebhookEndpointNew": {"type": "object", "required": ["url", "event_types"], "properties": {
  "url": {"type": "string", "description": "http(s); private, loopback and link-local addresses are refused except for test-mode tenants"},
  "event_types": {"type": "array", "items": {"type": "string"}, "description": "event types, or [\"*\"] for all"},
  "description": {"type": "string"}, "enabled": {"type": "boolean"}}},
"WebhookEndpointPatch": {"type": "object", "properties": {
  "url": {"type": "string"}, "event_types": {"type": "array", "items": {"type": "string"}},
  "description": {"type": "string"}, "enabled": {"type": "boolean"}}},
"OidcProvider": {"type": "object", "properties": {
  "id": {"type": "integer"}, "name": {"type": "string", "description": "the button's name: Sign in with <name>"},
  "kind": {"type": "string", "enum": ["microsoft", "oidc"]},
  "issuer": {"type": "string"}, "client_id": {"type": "string"}, "created_at": {"type": "string"}}},
"OidcProviderNew": {"type": "object", "required": ["name", "issuer", "client_id"], "properties": {
  "name": {"type": "string", "description": "up to 40 characters, e.g. Microsoft"},
  "kind": {"type": "string", "enum": ["microsoft", "oidc"], "description": "microsoft: the identity is tid + oid, and the issuer may be a multi-tenant endpoint (https://login.microsoftonline.com/organizations/v2.0); oidc (default): iss + sub"},
  "issuer": {"type": "string", "description": "https (http allowed for test-mode tenants); its /.well-known/openid-configuration is read"},
  "client_id": {"type": "string"},
  "client_secret": {"type": "string", "description": "stored sealed, never shown again; empty for a public client (PKCE only)"}}},
"PaperStatement": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "invoice_id": {"type": "integer"},
  "queued_on": {"$ref": "#/components/schemas/Date"},
  "status": {"type": "string", "enum": ["queued", "printed"]},
  "printed_at": {"type": "string", "nullable": true}}},
"MarkPrinted": {"type": "object", "properties": {
  "date": {"allOf": [{"$ref": "#/components/schemas/Date"}], "description": "default: the tenant's today"}}},
"Printed": {"type": "object", "properties": {
  "date": {"$ref": "#/components/schemas/Date"}, "printed": {"type": "integer"}}},
"SandboxTokenRequest": {"type": "object", "description": "exactly one of card, bank_account, wallet (test numbers: docs/payments.md)", "properties": {
  "card": {"type": "object", "required": ["number", "cvc", "exp_month", "exp_year"], "properties": {
    "number": {"type": "string"}, "cvc": {"type": "string"}, "exp_month": {"type": "integer"},
    "exp_year": {"type": "integer"}, "postal_code": {"type": "string"}}},
  "bank_account": {"type": "object", "required": ["routing_number", "account_number"], "properties": {
    "routing_number": {"type": "string"}, "account_number": {"type": "string"},
    "account_type": {"type": "string", "enum": ["checking", "savings"]}, "holder_name": {"type": "string"}}},
  "wallet": {"type": "object", "required": ["type", "token"], "properties": {
    "type": {"type": "string", "enum": ["paypal", "venmo", "apple_pay", "google_pay"]},
    "token": {"type": "string"}}}}},
"SandboxToken": {"type": "object", "properties": {
  "token": {"type": "string"}, "kind": {"type": "string", "enum": ["card", "bank", "wallet"]},
  "brand": {"type": "string"}, "last4": {"type": "string"},
  "exp_month": {"type": "integer"}, "exp_year": {"type": "integer"}}},
"PaymentMethodNew": {"type": "object", "required": ["token"], "properties": {
  "token": {"type": "string", "description": "from the processor's tokenizing form (sandbox: POST /sandbox/v1/tokens)"},
  "holder_name": {"type": "string", "description": "bank: required, at most 200 bytes of UTF-8 without control characters (trimmed)"},
  "account_type": {"type": "string", "enum": ["checking", "savings"], "description": "bank: required"},
  "preferred": {"type": "boolean", "description": "cards and wallets; a bank account once verified"},
  "shared_with_children": {"type": "boolean"},
  "mandate": {"type": "object", "description": "bank: the debit authorization the customer accepted", "properties": {
    "text": {"type": "string"}, "channel": {"type": "string", "enum": ["online", "paper"], "description": "online: WEB entries; paper: PPD"},
    "address": {"type": "string", "description": "online: the client address (default: this request's)"}}}}},
"PaymentMethod": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"},
  "kind": {"type": "string", "enum": ["card", "bank", "wallet"]},
  "brand": {"type": "string"}, "last4": {"type": "string"},
  "display": {"type": "string", "description": "brand and masked number, e.g. visa ••••4242"},
  "status": {"type": "string", "enum": ["active", "pending_verification", "verification_failed"]},
  "preferred": {"type": "boolean"}, "shared_with_children": {"type": "boolean"},
  "inherited": {"type": "boolean", "description": "the parent's, shared with this account"},
  "exp_month": {"type": "integer"}, "exp_year": {"type": "integer"},
  "holder_name": {"type": "string"}, "routing_number": {"type": "string"},
  "account_type": {"type": "string"},
  "mandate": {"type": "object"},
  "micro_deposit_tries_left": {"type": "integer"},
  "micro_deposits_expire_at": {"type": "string", "nullable": true},
  "created_at": {"type": "string"}}},
"PaymentMethodPatch": {"type": "object", "properties": {
  "preferred": {"type": "boolean"}, "shared_with_children": {"type": "boolean"}}},
"PaymentRequest": {"type": "object", "required": ["account_id"], "properties": {
  "account_id": {"type": "integer"},
  "invoice_ids": {"type": "array", "items": {"type": "integer"}, "description": "paid in this order; none: oldest due first"},
  "amount": {"allOf": [{"$ref": "#/components/schemas/Money"}], "description": "default: what the invoices (or the account) owe"},
  "method_id": {"type": "integer", "description": "one method for the whole amount"},
  "parts": {"type": "array", "description": "split: one part per method, all or nothing", "items": {
    "type": "object", "required": ["method_id", "amount"], "properties": {
      "method_id": {"type": "integer"}, "amount": {"$ref": "#/components/schemas/Money"}}}}}},
"PaymentQuote": {"type": "object", "properties": {
  "amount": {"$ref": "#/components/schemas/Money"}, "fees": {"$ref": "#/components/schemas/Money"},
  "total": {"$ref": "#/components/schemas/Money"},
  "parts": {"type": "array", "items": {"type": "object", "properties": {
    "method_id": {"type": "integer"}, "amount": {"$ref": "#/components/schemas/Money"},
    "fee": {"$ref": "#/components/schemas/Money"}}}}}},
"PaymentResult": {"type": "object", "properties": {
  "confirmation": {"type": "string"},
  "status": {"type": "string", "enum": ["succeeded", "pending", "processing"]},
  "amount": {"$ref": "#/components/schemas/Money"}, "fees": {"$ref": "#/components/schemas/Money"},
  "total": {"$ref": "#/components/schemas/Money"},
  "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Payment"}}}},
"PaymentReturn": {"type": "object", "required": ["return_code"], "properties": {
  "return_code": {"type": "string", "description": "e.g. R01"},
  "bank_fee": {"allOf": [{"$ref": "#/components/schemas/Money"}], "description": "the bank's fee, charged on with the tenant's returned-payment fee"}}},
"JanitorResult": {"type": "object", "properties": {"resolved": {"type": "integer"}}},
"SettleResult": {"type": "object", "properties": {"settled": {"type": "integer"}, "returned": {"type": "integer"}}},
"AutopayNew": {"type": "object", "required": ["stream"], "properties": {
  "stream": {"type": "string"}, "method_id": {"type": "integer", "description": "default: the preferred method at each charge"}}},
"Autopay": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "stream": {"type": "string"},
  "method_id": {"type": "integer", "nullable": true}, "created_at": {"type": "string"}}},
"ScheduledPaymentNew": {"type": "object", "required": ["method_id", "run_on"], "properties": {
  "method_id": {"type": "integer"}, "run_on": {"$ref": "#/components/schemas/Date"},
  "invoice_ids": {"type": "array", "items": {"type": "integer"}},
  "amount": {"allOf": [{"$ref": "#/components/schemas/Money"}], "description": "default: what the invoices owe"}}},
"ScheduledPaymentPatch": {"type": "object", "properties": {
  "method_id": {"type": "integer"}, "run_on": {"$ref": "#/components/schemas/Date"},
  "amount": {"$ref": "#/components/schemas/Money"}}},
"ScheduledPayment": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "method_id": {"type": "integer"},
  "invoice_ids": {"type": "array", "items": {"type": "integer"}},
  "amount": {"$ref": "#/components/schemas/Money"}, "run_on": {"$ref": "#/components/schemas/Date"},
  "status": {"type": "string", "enum": ["scheduled", "paid", "failed", "cancelled", "skipped"]},
  "payment_id": {"type": "integer", "nullable": true}, "created_at": {"type": "string"}}},
"RefundNew": {"type": "object", "required": ["amount"], "properties": {
  "amount": {"$ref": "#/components/schemas/Money"}, "reason": {"type": "string"}}},
"Refund": {"type": "object", "properties": {
  "id": {"type": "integer"}, "payment_id": {"type": "integer"},
  "amount": {"$ref": "#/components/schemas/Money"}, "reason": {"type": "string"},
  "status": {"type": "string", "enum": ["processing", "succeeded", "failed"]},
  "created_at": {"type": "string"}}},
"ChequeRefund": {"type": "object", "properties": {
  "id": {"type": "integer"}, "account_id": {"type": "integer"}, "account_number": {"type": "string"},
  "cheque_number": {"type": "integer", "description": "per tenant, in order of the register"},
  "amount": {"$ref": "#/components/schemas/Money"}, "payee": {"type": "string"},
  "address_lines": {"type": "array", "items": {"type": "string"}, "description": "the account's mailing address at the run"},
  "run_date": {"$ref": "#/components/schemas/Date"},
  "status": {"type": "string", "enum": ["pending", "issued", "void"]},
  "created_at": {"type": "string"}, "issued_at": {"type": "string", "nullable": true},
  "voided_at": {"type": "string", "nullable": true}, "void_reason": {"type": "string"}}},
"ChequeRefundRun": {"type": "object", "properties": {
  "run_date": {"$ref": "#/components/schemas/Date"},
  "refunded": {"type": "integer", "description": "cheques written by this run"},
  "total": {"$ref": "#/components/schemas/Money"},
  "already_refunded": {"type": "integer", "description": "accounts with a cheque of this run date already"},
  "skipped": {"type": "array", "description": "closed accounts with credit left for a later run", "items": {
    "type": "object", "properties": {"account_id": {"type": "integer"}, "reason": {"type": "string"}}}}}},
"MarkChequesIssued": {"type": "object", "required": ["run_date"], "properties": {
  "run_date": {"$ref": "#/components/schemas/Date"}}},
"ChequesIssued": {"type": "object", "properties": {
  "run_date": {"$ref": "#/components/schemas/Date"}, "issued": {"type": "integer"}}},
"ChequeRefundVoid": {"type": "object", "required": ["reason"], "properties": {
  "reason": {"type": "string", "description": "1-500 characters"}}},
"BankFileImport": {"type": "object", "properties": {
  "returns_applied": {"type": "integer"}, "returns_already_applied": {"type": "integer"},
  "changes_applied": {"type": "integer"},
  "unknown": {"type": "array", "items": {"type": "string"}, "description": "entries that name no bank debit of the tenant"}}},
"PaymentPolicy": {"type": "object", "properties": {
  "max_digital_amount": {"allOf": [{"$ref": "#/components/schemas/Money"}], "description": "per card or wallet transaction (default 100000)"},
  "max_digital_payments": {"type": "integer", "description": "card or wallet payments per account in the window (default 3)"},
  "digital_window_days": {"type": "integer", "description": "default 5"},
  "convenience_fee": {"allOf": [{"$ref": "#/components/schemas/Money"}], "description": "per card or wallet transaction (default 175)"},
  "returned_payment_fee": {"allOf": [{"$ref": "#/components/schemas/Money"}], "description": "default 2500"},
  "micro_deposit_tries": {"type": "integer"}, "micro_deposit_days": {"type": "integer"},
  "autopay_on": {"type": "string", "enum": ["due_date", "invoice_date"]},
  "autopay_retry_days": {"type": "string", "description": "days after the first attempt, e.g. 3,5,7"},
  "receipt_digest_hour": {"type": "integer"}, "refund_run_days": {"type": "string"},
  "require_payment_method": {"type": "boolean", "description": "billing before provisioning (A7)"}}},
"MicroDeposits": {"type": "object", "required": ["amounts"], "properties": {
  "amounts": {"type": "array", "items": {"type": "integer"}, "description": "the two amounts in cents, either order"}}}
})JSON";

}  // namespace

const boost::json::object& openapi_schemas() {
  static const boost::json::object schemas = boost::json::parse(kSchemas).as_object();
  return schemas;
}

}  // namespace remit::http
