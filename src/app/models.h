#pragma once
// The records use cases return. Money in minor units, quantities in hundredths.
#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"
#include "core/money.h"
#include "domain/billing.h"
#include "domain/schedule.h"
#include "domain/terms.h"

namespace remit::app {

struct Stream {
  std::string code;  // e.g. "main", "recurring", "services"
  std::string name;
  domain::Schedule schedule;
  domain::Terms terms;
};

struct Tenant {
  int64_t id = 0;
  std::string name;
  std::string currency = "USD";
  std::string time_zone = "UTC";
  bool test_mode = false;
  std::optional<Instant> test_clock;  // test mode: the tenant's own "now"
  bool auto_finalize = true;
  std::string remit_to;  // multi-line postal address
  std::string email;  // the sender of its emails
  // Where staff read billing mail (the evening payment digest, D11); empty: `email`.
  std::string billing_inbox;
  std::string billing_inbox_language = "en";  // en | zh-CN: the digest's language
  // "#rrggbb" behind white text on its portal, View & Pay pages and emails; empty: Remit's.
  std::string brand_color;
  static constexpr const char* kDefaultBrand = "#0b5cad";
  std::string brand() const { return brand_color.empty() ? kDefaultBrand : brand_color; }
  std::vector<Stream> streams;
  const Stream* stream(const std::string& code) const {
    for (auto& s : streams)
      if (s.code == code) return &s;
    return nullptr;
  }
};

struct Account {
  int64_t id = 0;
  std::string number;
  std::string name;
  std::string last_name;
  std::string company;
  std::vector<std::string> emails;
  std::string address;  // multi-line
  std::string language = "en";  // en | zh-CN
  std::string status = "active";  // active | suspended | closed
  std::optional<int64_t> parent_id;
  bool bill_to_parent = false;
  int64_t billing_account_id = 0;
  bool invoice_terms = false;  // staff approved invoice terms (A7)
  Minor credit_balance = 0;
  bool paperless = true;
  std::string created_at;
};

struct Product {
  int64_t id = 0;
  std::string name;
  std::string description;
};

struct PriceRec {
  int64_t id = 0;
  int64_t product_id = 0;
  std::string product_name;
  std::string kind;      // recurring | metered | one_time
  std::string timing;    // advance | arrears
  std::string interval;  // month | year | two_weeks ("" for one_time/metered)
  Minor unit_amount = 0;
  std::string stream;
  bool active = true;
};

struct PhaseRec {
  std::string start_date;
  std::optional<std::string> end_date;
  int64_t quantity = 0;
  int64_t price_id = 0;
};

struct SubscriptionRec {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t price_id = 0;  // current (after any price change)
  std::string stream;
  std::string start_date;
  std::optional<std::string> end_date;
  std::string status;  // active | scheduled | cancelled
  int64_t quantity = 0;  // current, hundredths
  std::vector<PhaseRec> phases;
};

struct WorkEntry {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string stream;
  std::string date;
  std::string who;
  int64_t hours = 0;  // hundredths
  Minor rate = 0;
  std::string ticket;
  std::string description;
  std::optional<int64_t> invoice_id;
};

struct Charge {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string stream;
  std::string date;
  std::string description;
  int64_t quantity = 100;
  Minor unit_amount = 0;
  std::optional<int64_t> invoice_id;
};

struct UsageRecord {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t subscription_id = 0;
  std::string date;
  int64_t quantity = 0;  // hundredths
  std::optional<int64_t> invoice_id;
  std::string created_at;
};

struct InvoiceLine {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string kind;
  std::optional<int64_t> subscription_id;
  std::string description;
  std::string period_start, period_end;  // period_end exclusive
  int64_t quantity = 0;
  Minor unit_amount = 0;
  Minor amount = 0;
};

struct Invoice {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string stream;
  std::optional<int64_t> number;
  std::string status;  // draft | open | paid | void | uncollectible
  std::optional<std::string> cycle_start, cycle_end;
  std::string issue_date, due_date, terms;
  Minor subtotal = 0, credit_applied = 0, amount_paid = 0, amount_credited = 0, written_off = 0,
        amount_due = 0;
  std::string created_at;
  std::optional<std::string> finalized_at;
  std::vector<InvoiceLine> lines;
  std::string number_text() const {  // "INV-000042", or "DRAFT" before finalizing
    if (!number) return "DRAFT";
    std::string n = std::to_string(*number);
    return "INV-" + std::string(n.size() < 6 ? 6 - n.size() : 0, '0') + n;
  }
};

struct CreditNote {
  int64_t id = 0;
  int64_t number = 0;
  int64_t invoice_id = 0;
  int64_t account_id = 0;
  Minor amount = 0;
  std::string reason;
  std::string created_at;
};

struct PaymentApplication {
  int64_t invoice_id = 0;
  Minor amount = 0;
};

struct Payment {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string method;  // staff: cheque | bank_transfer; processor: card | bank_debit | wallet
  std::string reference;
  Minor amount = 0;
  Minor fee = 0;  // the convenience fee taken with it (not part of amount)
  std::string received_date;
  // staff: succeeded | reversed. processor: processing (asked, no answer yet) -> succeeded
  // (card) or pending (bank debit) -> settled; or failed, voided (a split part undone),
  // returned (reversed by the bank later)
  std::string status;
  std::string confirmation;
  std::string channel;  // staff | api | portal | autopay | scheduled
  std::string method_brand, method_last4, processor_ref, failure_code, return_code;
  std::optional<int64_t> method_id, group_id;
  Minor refunded = 0;
  std::optional<std::string> settled_at, returned_at;
  std::string created_at;
  std::vector<PaymentApplication> applications;  // what it pays now (none once reversed)
  Minor unapplied = 0;  // went to account credit
  std::optional<std::string> reversed_at;
};

struct Balance {  // C7
  Minor balance_due = 0;     // open invoices' amount due
  Minor credit_balance = 0;  // available account credit
  int64_t open_invoices = 0;
  Minor past_due = 0;
};

struct BillRun {
  int64_t id = 0;
  std::string stream;
  std::string cycle_end;
  std::string status;  // running | done
  int64_t invoices = 0;
  std::string started_at;
  std::optional<std::string> finished_at;
};

struct AuditEntry {
  int64_t id = 0;
  std::string at, actor, source, action, entity;
  std::optional<int64_t> entity_id;
  std::string detail;
};

// A page of a cursor-paginated list: `next` is the cursor for the following page.
template <class T>
struct Page {
  std::vector<T> items;
  std::optional<int64_t> next;
};

struct PageReq {
  int64_t after = 0;  // return ids greater than this
  int limit = 50;     // 1..200
};

}  // namespace remit::app
