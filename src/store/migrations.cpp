// Versioned schema migrations, in the SQL both SQLite and PostgreSQL accept (steps 3 and 6 run
// on PostgreSQL only); every table carries tenant_id and every tenant-scoped key starts with it.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "store/db.h"

namespace remit::store {
namespace {

// Migration 6, PostgreSQL only: tenant_id leads every key, so the schema can be distributed
// by tenant (Citus) as it is, and no row can point at another tenant's row. Primary keys
// become (tenant_id, id) (ids still come from one sequence per table, so stay unique);
// dropping one drops the single-column foreign keys into it, which come back composite.
// tenants is the reference table; api_keys stays keyed by its id (looked up by prefix
// before the tenant is known, it is a reference table too). SQLite keeps id as its rowid.
std::string rekey(std::initializer_list<const char*> tables) {
  std::string sql;
  for (const char* t : tables)
    sql += fmt::format(
        "ALTER TABLE {0} DROP CONSTRAINT {0}_pkey CASCADE;\n"
        "ALTER TABLE {0} ADD PRIMARY KEY (tenant_id, id);\n",
        t);
  return sql;
}

std::string tenant_keys() {
  std::string sql =
      rekey({"accounts", "products", "prices", "subscriptions", "subscription_phases",
             "usage_records", "work_entries", "charges", "invoices", "invoice_lines",
             "credit_notes", "payments", "payment_applications", "ledger_entries", "bill_runs",
             "bill_run_chunks", "audit_log"});
  struct Ref {
    const char *table, *column, *parent;
  };
  for (auto [table, column, parent] : std::initializer_list<Ref>{
           {"accounts", "parent_id", "accounts"},
           {"prices", "product_id", "products"},
           {"subscriptions", "account_id", "accounts"},
           {"subscriptions", "price_id", "prices"},
           {"subscription_phases", "subscription_id", "subscriptions"},
           {"usage_records", "account_id", "accounts"},
           {"usage_records", "subscription_id", "subscriptions"},
           {"work_entries", "account_id", "accounts"},
           {"charges", "account_id", "accounts"},
           {"credit_notes", "invoice_id", "invoices"},
           {"payments", "account_id", "accounts"},
           {"payment_applications", "payment_id", "payments"},
           {"payment_applications", "invoice_id", "invoices"},
           {"bill_run_chunks", "run_id", "bill_runs"}})
    sql += fmt::format(
        "ALTER TABLE {} ADD FOREIGN KEY (tenant_id, {}) REFERENCES {} (tenant_id, id);\n", table,
        column, parent);
  return sql;
}

const std::vector<std::string> kMigrations = {
    // 1: the billing core
    R"SQL(
CREATE TABLE tenants (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  currency TEXT NOT NULL DEFAULT 'USD',
  time_zone TEXT NOT NULL DEFAULT 'UTC',
  test_mode INTEGER NOT NULL DEFAULT 0,
  clock_now TEXT,
  auto_finalize INTEGER NOT NULL DEFAULT 1,
  remit_to TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE streams (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  cadence TEXT NOT NULL,
  invoice_day INTEGER NOT NULL DEFAULT 1,
  anchor_date TEXT NOT NULL,
  terms_kind TEXT NOT NULL DEFAULT 'net',
  terms_days INTEGER NOT NULL DEFAULT 30,
  PRIMARY KEY (tenant_id, code)
);
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  prefix TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE counters (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  number TEXT NOT NULL,
  name TEXT NOT NULL,
  last_name TEXT NOT NULL DEFAULT '',
  company TEXT NOT NULL DEFAULT '',
  emails TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT 'en',
  status TEXT NOT NULL DEFAULT 'active',
  parent_id INTEGER REFERENCES accounts(id),
  bill_to_parent INTEGER NOT NULL DEFAULT 0,
  billing_account_id INTEGER NOT NULL,
  credit_balance INTEGER NOT NULL DEFAULT 0,
  paperless INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, number)
);
CREATE INDEX accounts_billing ON accounts (tenant_id, billing_account_id);
CREATE INDEX accounts_parent ON accounts (tenant_id, parent_id);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE prices (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  kind TEXT NOT NULL,
  timing TEXT NOT NULL,
  billing_interval TEXT,
  unit_amount INTEGER NOT NULL,
  stream TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  price_id INTEGER NOT NULL REFERENCES prices(id),
  stream TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX subscriptions_account ON subscriptions (tenant_id, account_id);
CREATE TABLE subscription_phases (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  quantity INTEGER NOT NULL
);
CREATE INDEX phases_subscription ON subscription_phases (tenant_id, subscription_id);
CREATE TABLE usage_records (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
  usage_date TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  invoice_id INTEGER,
  created_at TEXT NOT NULL
);
CREATE INDEX usage_pending ON usage_records (tenant_id, account_id, invoice_id);
CREATE TABLE work_entries (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  stream TEXT NOT NULL,
  work_date TEXT NOT NULL,
  who TEXT NOT NULL,
  hours INTEGER NOT NULL,
  rate INTEGER NOT NULL,
  ticket TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL,
  invoice_id INTEGER,
  created_at TEXT NOT NULL
);
CREATE INDEX work_pending ON work_entries (tenant_id, account_id, invoice_id);
CREATE TABLE charges (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  stream TEXT NOT NULL,
  charge_date TEXT NOT NULL,
  description TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_amount INTEGER NOT NULL,
  invoice_id INTEGER,
  created_at TEXT NOT NULL
);
CREATE INDEX charges_pending ON charges (tenant_id, account_id, invoice_id);
CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  stream TEXT NOT NULL,
  number INTEGER,
  status TEXT NOT NULL,
  cycle_start TEXT,
  cycle_end TEXT,
  issue_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  terms TEXT NOT NULL,
  subtotal INTEGER NOT NULL,
  credit_applied INTEGER NOT NULL DEFAULT 0,
  amount_paid INTEGER NOT NULL DEFAULT 0,
  amount_credited INTEGER NOT NULL DEFAULT 0,
  amount_due INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  finalized_at TEXT,
  UNIQUE (tenant_id, account_id, stream, cycle_end),
  UNIQUE (tenant_id, number)
);
CREATE INDEX invoices_account ON invoices (tenant_id, account_id, status);
CREATE TABLE invoice_lines (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  invoice_id INTEGER NOT NULL REFERENCES invoices(id),
  account_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subscription_id INTEGER,
  item_id INTEGER,
  description TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  cycle_start TEXT,
  quantity INTEGER NOT NULL,
  unit_amount INTEGER NOT NULL,
  amount INTEGER NOT NULL
);
CREATE INDEX lines_invoice ON invoice_lines (tenant_id, invoice_id);
CREATE INDEX lines_subscription ON invoice_lines (tenant_id, subscription_id, cycle_start);
CREATE TABLE credit_notes (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  number INTEGER NOT NULL,
  invoice_id INTEGER NOT NULL REFERENCES invoices(id),
  account_id INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, number)
);
CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  method TEXT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  amount INTEGER NOT NULL,
  received_date TEXT NOT NULL,
  status TEXT NOT NULL,
  confirmation TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, confirmation)
);
CREATE INDEX payments_account ON payments (tenant_id, account_id);
CREATE TABLE payment_applications (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  payment_id INTEGER NOT NULL REFERENCES payments(id),
  invoice_id INTEGER NOT NULL REFERENCES invoices(id),
  amount INTEGER NOT NULL
);
CREATE INDEX applications_payment ON payment_applications (tenant_id, payment_id);
CREATE INDEX applications_invoice ON payment_applications (tenant_id, invoice_id);
CREATE TABLE ledger_entries (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  txn_id INTEGER NOT NULL,
  entry_date TEXT NOT NULL,
  book TEXT NOT NULL,
  account_id INTEGER,
  invoice_id INTEGER,
  payment_id INTEGER,
  amount INTEGER NOT NULL
);
CREATE INDEX ledger_account ON ledger_entries (tenant_id, account_id);
CREATE INDEX ledger_invoice ON ledger_entries (tenant_id, invoice_id);
CREATE TABLE bill_runs (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  stream TEXT NOT NULL,
  cycle_end TEXT NOT NULL,
  status TEXT NOT NULL,
  cursor INTEGER NOT NULL DEFAULT 0,
  invoices INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  UNIQUE (tenant_id, stream, cycle_end)
);
CREATE TABLE idempotency_keys (
  tenant_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_tenant ON audit_log (tenant_id, id);
)SQL",
    // 2: bill runs split into chunks of billing accounts that any worker process may claim
    R"SQL(
ALTER TABLE bill_runs ADD COLUMN chunks INTEGER;
ALTER TABLE bill_runs DROP COLUMN cursor;
CREATE TABLE bill_run_chunks (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  run_id INTEGER NOT NULL REFERENCES bill_runs(id),
  seq INTEGER NOT NULL,
  first_account INTEGER NOT NULL,
  last_account INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  invoices INTEGER NOT NULL DEFAULT 0,
  worker TEXT,
  finished_at TEXT,
  UNIQUE (tenant_id, run_id, seq)
);
CREATE INDEX chunks_pending ON bill_run_chunks (status, run_id, seq);
)SQL",
    // 3: PostgreSQL only (see kPostgresOnly): the bill run's hottest foreign keys go. Each
    // checked row took a KEY SHARE lock on its parent (a write per invoice and line); the
    // bill run writes parent and children in one transaction, and `remit verify` checks
    // that no line lacks its invoice and no invoice its account.
    R"SQL(
ALTER TABLE invoices DROP CONSTRAINT invoices_account_id_fkey;
ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_invoice_id_fkey;
)SQL",
    // 4: pending usage, work and charges are few: partial indexes hold only them, so finding
    // an account's pending items stays an index lookup however much has been invoiced.
    R"SQL(
DROP INDEX usage_pending;
DROP INDEX work_pending;
DROP INDEX charges_pending;
CREATE INDEX usage_pending ON usage_records (tenant_id, account_id) WHERE invoice_id IS NULL;
CREATE INDEX work_pending ON work_entries (tenant_id, account_id) WHERE invoice_id IS NULL;
CREATE INDEX charges_pending ON charges (tenant_id, account_id) WHERE invoice_id IS NULL;
CREATE INDEX work_account ON work_entries (tenant_id, account_id);
CREATE INDEX charges_account ON charges (tenant_id, account_id);
)SQL",
    // 5: pending chunks are found per tenant (workers look for tenants with pending chunks,
    // then claim within one), from a partial index that holds only the pending ones.
    R"SQL(
DROP INDEX chunks_pending;
CREATE INDEX chunks_pending ON bill_run_chunks (tenant_id, run_id, seq) WHERE status = 'pending';
)SQL",
    // 6: PostgreSQL only: tenant_id leads every key (see tenant_keys below).
    tenant_keys(),
    // 7: money that adds up (docs/decisions/0004): an invoice records what was written off;
    // a void invoice no longer shows the credit that went back to the account; payments
    // can be reversed; a subscription phase may carry its own price (price changes).
    R"SQL(
ALTER TABLE invoices ADD COLUMN written_off INTEGER NOT NULL DEFAULT 0;
UPDATE invoices SET written_off = (CASE WHEN subtotal > 0 THEN subtotal ELSE 0 END)
  - credit_applied - amount_paid - amount_credited WHERE status = 'uncollectible';
UPDATE invoices SET credit_applied = 0 WHERE status = 'void';
ALTER TABLE payments ADD COLUMN reversed_at TEXT;
ALTER TABLE subscription_phases ADD COLUMN price_id INTEGER;
)SQL",
    // 8: every change to what an account will be billed, or to its credit, bumps its version
    // (the concurrency rule's lock is that UPDATE): the upcoming invoice is cached by it.
    R"SQL(
ALTER TABLE accounts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
)SQL",
    // 9: the provider's month runs by itself (issue 8): durable jobs and the day each tenant
    // was last scheduled; events and the outbox of emails and webhook deliveries written with
    // the change that causes them; webhook endpoints; paper statements and their fee; the
    // key that signs View & Pay links (filled in by the application on first use).
    R"SQL(
ALTER TABLE tenants ADD COLUMN scheduled_through TEXT;
ALTER TABLE tenants ADD COLUMN paper_fee INTEGER NOT NULL DEFAULT 200;
ALTER TABLE tenants ADD COLUMN link_secret TEXT NOT NULL DEFAULT '';
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  job_key TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at TEXT NOT NULL,
  worker TEXT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  finished_at TEXT,
  UNIQUE (tenant_id, kind, job_key)
);
CREATE INDEX jobs_waiting ON jobs (tenant_id, run_at) WHERE status IN ('queued', 'running');
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX events_tenant ON events (tenant_id, id);
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  event_types TEXT NOT NULL,
  secret TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  description TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  topic TEXT NOT NULL,
  entity_id INTEGER,
  event_id INTEGER,
  endpoint_id INTEGER,
  recipients TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at TEXT NOT NULL,
  last_code INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  lease_until TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_pending ON outbox (tenant_id, next_at) WHERE status = 'pending';
CREATE INDEX outbox_endpoint ON outbox (tenant_id, endpoint_id, id);
CREATE TABLE paper_statements (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  invoice_id INTEGER NOT NULL,
  queued_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  printed_at TEXT,
  UNIQUE (tenant_id, invoice_id)
);
CREATE INDEX paper_queued ON paper_statements (tenant_id, queued_on, status);
)SQL",
    // 10: PostgreSQL only: migration 9's tables keyed by tenant first, as migration 6 did.
    rekey({"jobs", "events", "webhook_endpoints", "outbox", "paper_statements"}),
    // 11: a claim asks for one channel: a backlog of webhooks no longer slows every email
    // claim (which walked all of the tenant's due rows to find none).
    R"SQL(
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (tenant_id, channel, next_at, id) WHERE status = 'pending';
)SQL",
    // 12: payment methods and the tenant's payment policy (issue 9); the sandbox processor's
    // own books (payments/sandbox_processor.h), which stand for a processor's servers and are
    // not Remit's data: no tenant, keyed by the processor's ids.
    R"SQL(
CREATE TABLE payment_methods (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  token TEXT NOT NULL,
  brand TEXT NOT NULL,
  last4 TEXT NOT NULL,
  exp_month INTEGER NOT NULL DEFAULT 0,
  exp_year INTEGER NOT NULL DEFAULT 0,
  holder_name TEXT NOT NULL DEFAULT '',
  routing TEXT NOT NULL DEFAULT '',
  account_type TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  preferred INTEGER NOT NULL DEFAULT 0,
  shared_with_children INTEGER NOT NULL DEFAULT 0,
  mandate_text TEXT NOT NULL DEFAULT '',
  mandate_at TEXT,
  mandate_address TEXT NOT NULL DEFAULT '',
  mandate_channel TEXT NOT NULL DEFAULT '',
  micro_amounts TEXT NOT NULL DEFAULT '',
  micro_tries INTEGER NOT NULL DEFAULT 0,
  micro_expires_at TEXT,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX payment_methods_account ON payment_methods (tenant_id, account_id);
CREATE TABLE payment_policies (
  tenant_id INTEGER PRIMARY KEY,
  max_digital_amount INTEGER NOT NULL DEFAULT 100000,
  max_digital_payments INTEGER NOT NULL DEFAULT 3,
  digital_window_days INTEGER NOT NULL DEFAULT 5,
  convenience_fee INTEGER NOT NULL DEFAULT 175,
  returned_payment_fee INTEGER NOT NULL DEFAULT 2500,
  micro_deposit_tries INTEGER NOT NULL DEFAULT 3,
  micro_deposit_days INTEGER NOT NULL DEFAULT 10,
  autopay_on TEXT NOT NULL DEFAULT 'due_date',
  autopay_retry_days TEXT NOT NULL DEFAULT '3,5,7',
  receipt_digest_hour INTEGER NOT NULL DEFAULT 18,
  refund_run_days TEXT NOT NULL DEFAULT '1,15'
);
CREATE TABLE invoice_terms_approvals (
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  approved_by TEXT NOT NULL,
  approved_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, account_id)
);
CREATE TABLE sandbox_tokens (
  token TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  behaviour TEXT NOT NULL,
  brand TEXT NOT NULL,
  last4 TEXT NOT NULL,
  exp_month INTEGER NOT NULL,
  exp_year INTEGER NOT NULL,
  routing TEXT NOT NULL,
  sealed_account TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE sandbox_transactions (
  idem_key TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  token TEXT NOT NULL,
  parent TEXT NOT NULL,
  amount INTEGER NOT NULL,
  refunded INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  code TEXT NOT NULL,
  created_at TEXT NOT NULL,
  settle_at TEXT,
  return_at TEXT,
  return_code TEXT
);
)SQL",
    // 13: PostgreSQL only: payment_methods keyed by tenant first, as migration 6 did.
    rekey({"payment_methods"}),
    // 14: payments through the processor (issue 9): the method as charged (brand and last 4
    // kept on the payment, so deleting the method loses nothing), the processor's reference,
    // the convenience fee, the request that made it (one payment per Idempotency-Key), the
    // parts of a split payment (group_id: the first part's id), the invoices it was meant
    // for, and its later life (settled, returned, refunded).
    R"SQL(
ALTER TABLE payments ADD COLUMN fee INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN method_id INTEGER;
ALTER TABLE payments ADD COLUMN method_brand TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN method_last4 TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN token TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN processor_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN failure_code TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN request_key TEXT;
ALTER TABLE payments ADD COLUMN group_id INTEGER;
ALTER TABLE payments ADD COLUMN targets TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN channel TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE payments ADD COLUMN settled_at TEXT;
ALTER TABLE payments ADD COLUMN returned_at TEXT;
ALTER TABLE payments ADD COLUMN return_code TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX payments_request ON payments (tenant_id, request_key);
CREATE INDEX payments_group ON payments (tenant_id, group_id);
CREATE INDEX payments_open ON payments (tenant_id, method, status, id);
CREATE INDEX payments_processing ON payments (tenant_id) WHERE status = 'processing';
)SQL",
    // 15: billing before provisioning (A7) is a policy, on for new tenants; tenants that
    // exist at this upgrade keep starting subscriptions as before until they turn it on.
    R"SQL(
ALTER TABLE payment_policies ADD COLUMN require_payment_method INTEGER NOT NULL DEFAULT 1;
INSERT INTO payment_policies (tenant_id, require_payment_method)
  SELECT id, 0 FROM tenants WHERE id NOT IN (SELECT tenant_id FROM payment_policies);
)SQL",
    // 16: autopay enrolments (D8), one active per account and stream; the method, or the
    // account's preferred one when none is named.
    R"SQL(
CREATE TABLE autopay_enrollments (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  stream TEXT NOT NULL,
  method_id INTEGER,
  created_at TEXT NOT NULL,
  cancelled_at TEXT
);
CREATE INDEX autopay_account ON autopay_enrollments (tenant_id, account_id, stream);
CREATE INDEX invoices_open_due ON invoices (tenant_id, due_date) WHERE status = 'open';
)SQL",
    // 17: PostgreSQL only: autopay_enrollments keyed by tenant first.
    rekey({"autopay_enrollments"}),
    // 18: scheduled payments (D9) and refunds to the original method (D12).
    R"SQL(
CREATE TABLE scheduled_payments (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  method_id INTEGER NOT NULL,
  invoice_ids TEXT NOT NULL DEFAULT '',
  amount INTEGER NOT NULL,
  run_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'scheduled',
  payment_id INTEGER,
  created_at TEXT NOT NULL
);
CREATE INDEX scheduled_due ON scheduled_payments (tenant_id, status, run_on);
CREATE TABLE refunds (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  payment_id INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  processor_ref TEXT NOT NULL DEFAULT '',
  failure_code TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX refunds_payment ON refunds (tenant_id, payment_id);
)SQL",
    // 19: PostgreSQL only: the same, keyed by tenant first.
    rekey({"scheduled_payments", "refunds"}),
    // 20: the cheque refund run (D12): the cheque register, one cheque per account and run
    // date; the evening digest of payments (D11), one per tenant and day, each covering the
    // time since the one before; the day each tenant's digest was last scheduled; the
    // tenant's billing inbox (where the digest goes) and its language; each tenant's cheque
    // number counter.
    R"SQL(
CREATE TABLE cheque_refunds (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  run_date TEXT NOT NULL,
  cheque_number INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  payee TEXT NOT NULL,
  address TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  created_at TEXT NOT NULL,
  issued_at TEXT,
  voided_at TEXT,
  void_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant_id, account_id, run_date),
  UNIQUE (tenant_id, cheque_number)
);
CREATE INDEX cheque_refunds_run ON cheque_refunds (tenant_id, run_date, id);
CREATE TABLE payment_digests (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  digest_date TEXT NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  payments INTEGER NOT NULL,
  recipients TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, digest_date)
);
ALTER TABLE tenants ADD COLUMN digest_through TEXT;
ALTER TABLE tenants ADD COLUMN billing_inbox TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN billing_inbox_language TEXT NOT NULL DEFAULT 'en';
INSERT INTO counters (tenant_id, name, value) SELECT id, 'cheque_number', 0 FROM tenants;
)SQL",
    // 21: PostgreSQL only: the same, keyed by tenant first.
    rekey({"cheque_refunds", "payment_digests"}),
    // 22: the trace number each bank-file entry was given (D13), from a per-tenant counter,
    // so any number of debits and micro-deposits get distinct traces and a return file finds
    // its entry. `item` is p:<payment id> or m:<method id>:<deposit>.
    R"SQL(
CREATE TABLE bank_file_entries (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  item TEXT NOT NULL,
  trace TEXT NOT NULL,
  file_date TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX bank_file_entries_item ON bank_file_entries (tenant_id, item);
CREATE INDEX bank_file_entries_trace ON bank_file_entries (tenant_id, trace, id);
INSERT INTO counters (tenant_id, name, value) SELECT id, 'ach_trace', 0 FROM tenants;
)SQL",
    // 23: PostgreSQL only: the same, keyed by tenant first.
    rekey({"bank_file_entries"}),
    // 24: the customer portal (issue 10): a tenant's portal address (/p/<slug>/), its
    // customers' users (one login per email per tenant, on one account, with a role) and
    // their sessions (the token's hash only).
    R"SQL(
ALTER TABLE tenants ADD COLUMN portal_slug TEXT;
UPDATE tenants SET portal_slug = 't' || id;
CREATE UNIQUE INDEX tenants_portal_slug ON tenants (portal_slug);
CREATE TABLE portal_users (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  removed_at TEXT
);
CREATE UNIQUE INDEX portal_users_email ON portal_users (tenant_id, email) WHERE removed_at IS NULL;
CREATE INDEX portal_users_account ON portal_users (tenant_id, account_id);
CREATE TABLE portal_sessions (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  token_hash TEXT NOT NULL,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE UNIQUE INDEX portal_sessions_token ON portal_sessions (tenant_id, token_hash);
CREATE INDEX portal_sessions_user ON portal_sessions (tenant_id, user_id);
)SQL",
    // 25: PostgreSQL only: the same, keyed by tenant first.
    rekey({"portal_users", "portal_sessions"}),
    // 26: the portal's sign-in by emailed code: one row per request (the browser holds the
    // request's token, the row its hash), the code itself made from a key outside the
    // database and never stored.
    R"SQL(
CREATE TABLE portal_codes (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  request_hash TEXT NOT NULL,
  email TEXT NOT NULL,
  user_id INTEGER,
  nonce TEXT NOT NULL,
  client TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  used_at TEXT
);
CREATE UNIQUE INDEX portal_codes_request ON portal_codes (tenant_id, request_hash);
CREATE INDEX portal_codes_email ON portal_codes (tenant_id, email, created_at);
CREATE INDEX portal_codes_client ON portal_codes (tenant_id, client, created_at);
)SQL",
    // 27: PostgreSQL only: the same, keyed by tenant first.
    rekey({"portal_codes"}),
    // 28: where a guest payment's receipt goes besides the account's contacts (D4 guest pay).
    R"SQL(
ALTER TABLE payments ADD COLUMN receipt_to TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_guest_lookups ON audit_log (tenant_id, source, at) WHERE action = 'portal.guest_lookup';
)SQL",
    // 29: failed portal password sign-ins, counted per email (its hash, in detail) and per
    // client address to stop guessing.
    R"SQL(
CREATE INDEX audit_sign_in_failures ON audit_log (tenant_id, detail, at) WHERE action = 'portal.sign_in_failed';
CREATE INDEX audit_sign_in_failures_client ON audit_log (tenant_id, source, at) WHERE action = 'portal.sign_in_failed';
)SQL",
    // 30: a code's purpose (signing in, or a forgotten password's reset), and the invitations
    // an account's owner sends (the link's token is made from the code key, never stored).
    R"SQL(
ALTER TABLE portal_codes ADD COLUMN purpose TEXT NOT NULL DEFAULT 'sign_in';
CREATE TABLE portal_invitations (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  nonce TEXT NOT NULL,
  invited_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  accepted_at TEXT,
  revoked_at TEXT
);
CREATE INDEX portal_invitations_account ON portal_invitations (tenant_id, account_id);
)SQL",
    // 31: PostgreSQL only: the same, keyed by tenant first.
    rekey({"portal_invitations"}),
    // 32: OpenID Connect providers a tenant's portal signs in with, and the identities
    // (issuer + subject) linked to its logins.
    R"SQL(
CREATE TABLE portal_oidc_providers (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  issuer TEXT NOT NULL,
  client_id TEXT NOT NULL,
  sealed_secret TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE portal_identities (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  provider_id INTEGER NOT NULL,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX portal_identities_subject ON portal_identities (tenant_id, provider_id, issuer, subject);
CREATE INDEX portal_identities_user ON portal_identities (tenant_id, user_id);
)SQL",
    // 33: PostgreSQL only: the same, keyed by tenant first.
    rekey({"portal_oidc_providers", "portal_identities"}),
    // 34: the tenant's colour on its portal, View & Pay pages and emails ('' is Remit's own).
    "ALTER TABLE tenants ADD COLUMN brand_color TEXT NOT NULL DEFAULT '';",
    // 35: a refund's Idempotency-Key: the same request sent again, even at once, is one refund.
    R"SQL(
ALTER TABLE refunds ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX refunds_request ON refunds (tenant_id, request_key);
)SQL",
};

// Migrations (by version) that only PostgreSQL runs; SQLite records them as applied.
const std::vector<int> kPostgresOnly = {3, 6, 10, 13, 17, 19, 21, 23, 25, 27, 31, 33};

constexpr const char* kCreateVersions =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)";
constexpr const char* kMaxVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr const char* kInsertVersion =
    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)";

}  // namespace

int schema_version(Db& db) {
  db.exec_script(kCreateVersions);
  return static_cast<int>(one_int(db, kMaxVersion));  // drained: DROP needs no open reads
}

// The migrations are written in the common subset; PostgreSQL gets 64-bit integers and
// sequences for the integer primary keys.
std::string ddl_for(const Db& db, std::string_view sql) {
  std::string s(sql);
  if (db.backend() != "postgres") return s;
  auto replace_all = [&](std::string_view from, std::string_view to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  };
  replace_all("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY");
  replace_all("INTEGER", "BIGINT");
  return s;
}

void migrate(Db& db, int up_to) {
  // SQLite's write lock, or PostgreSQL's advisory lock, serialises concurrent migrators.
  Tx tx(db, true);
  if (db.backend() == "postgres") db.exec_script("SELECT pg_advisory_xact_lock(7010401)");
  int v = schema_version(db);
  std::string now = format_instant(SystemClock().now());  // metadata, not business time
  for (int i = v; i < std::min(up_to, static_cast<int>(kMigrations.size())); ++i) {
    bool pg_only = std::find(kPostgresOnly.begin(), kPostgresOnly.end(), i + 1) != kPostgresOnly.end();
    if (!pg_only || db.backend() == "postgres") db.exec_script(ddl_for(db, kMigrations[i]));
    exec(db, kInsertVersion, i + 1, now);
  }
  tx.commit();
}

}  // namespace remit::store
