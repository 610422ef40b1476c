#include "payments/bank_files.h"

#include <fmt/format.h>

#include <map>

#include "app/invoices.h"
#include "app/processor.h"
#include "core/int_list.h"
#include "domain/ach_text.h"
#include "domain/instruments.h"
#include "payments/nacha.h"

namespace remit::payments {
using store::Query;

namespace {
// Trace sequences come from a per-tenant counter and wrap after 9,999,999 entries; a return
// names an entry of the last weeks, so the latest entry with its trace is the one meant.
constexpr int64_t kTraceSequences = 9'999'999;
constexpr const char* kTraceOf =
    "SELECT trace FROM bank_file_entries WHERE tenant_id = ? AND item = ?";
constexpr const char* kInsertTrace =
    "INSERT INTO bank_file_entries (tenant_id, item, trace, file_date, created_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kItemOf =
    "SELECT item FROM bank_file_entries WHERE tenant_id = ? AND trace = ? ORDER BY id DESC LIMIT 1";

constexpr const char* kDebits =
    "SELECT p.id, p.amount, p.token, m.account_type, m.holder_name, m.mandate_channel, a.number "
    "FROM payments p JOIN payment_methods m ON m.tenant_id = p.tenant_id AND m.id = p.method_id "
    "JOIN accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id "
    "WHERE p.tenant_id = ? AND p.method = 'bank_debit' AND p.received_date = ? "
    "AND p.status IN ('pending', 'succeeded', 'settled', 'returned') ORDER BY p.id";
constexpr const char* kMicro =
    "SELECT m.id, m.token, m.account_type, m.holder_name, m.micro_amounts, a.number "
    "FROM payment_methods m JOIN accounts a ON a.tenant_id = m.tenant_id AND a.id = m.account_id "
    "WHERE m.tenant_id = ? AND m.kind = 'bank' AND m.created_at >= ? AND m.created_at < ? "
    "AND m.micro_amounts <> '' ORDER BY m.id";

struct Row {
  std::string item;  // p:<payment id> | m:<method id>:<deposit>
  Minor amount;
  std::string token, type, holder, channel, account_number;
  std::string trace = {};
};

// Each row's trace number: the one it was given when a file first held it (a file written
// again is the same file), else the tenant's next.
void assign_traces(app::Caller& c, Date day, std::vector<Row*>& rows) {
  store::Tx tx(c.db, true);
  app::Ctx ctx = app::make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  std::vector<Row*> fresh;
  for (auto* r : rows) {
    Query q(c.db, kTraceOf, c.tenant_id, r->item);
    if (q.next())
      r->trace = q.text(0);
    else
      fresh.push_back(r);
  }
  if (fresh.empty()) return;
  int64_t next = app::next_counter(c.db, c.tenant_id, "ach_trace",
                                   static_cast<int64_t>(fresh.size()));
  for (auto* r : fresh) {
    auto seq = static_cast<uint32_t>((next++ - 1) % kTraceSequences + 1);
    r->trace = nacha_trace_number(kOdfi, seq);
    store::exec(c.db, kInsertTrace, c.tenant_id, r->item, r->trace, format_date(day),
                format_instant(ctx.now));
  }
  tx.commit();
}
}  // namespace

std::string day_bank_file(app::Caller& c, Date day) {
  std::vector<Row> debits, micro;
  app::Tenant tenant;
  Instant now;
  {
    store::Tx tx(c.db, false);
    app::Ctx ctx = app::make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
    tenant = ctx.tenant;
    now = ctx.now;
    {
      Query q(c.db, kDebits, c.tenant_id, format_date(day));
      while (q.next())
        debits.push_back({fmt::format("p:{}", q.i64(0)), q.i64(1), q.text(2), q.text(3), q.text(4),
                          q.text(5), q.text(6)});
    }
    Query q(c.db, kMicro, c.tenant_id, format_instant(local_midnight(day, tenant.time_zone)),
            format_instant(local_midnight(day + date::days{1}, tenant.time_zone)));
    while (q.next()) {
      auto amounts = split_ints(q.text(4));
      for (size_t n = 0; n < amounts.size(); ++n)
        micro.push_back({fmt::format("m:{}:{}", q.i64(0), n), amounts[n], q.text(1), q.text(2),
                         q.text(3), "online", q.text(5)});
    }
  }
  std::vector<Row*> all;
  for (auto* list : {&debits, &micro})
    for (auto& r : *list) all.push_back(&r);
  assign_traces(c, day, all);
  auto processor = c.env.processor();
  auto entry = [&](const Row& r, bool debit) {
    auto numbers = processor->bank_numbers_for_file(r.token);
    if (!numbers)
      throw Error(Code::FailedPrecondition,
                  "the payment processor originates bank debits itself: there is no bank file");
    NachaEntry e;
    bool savings = r.type == "savings";
    e.transaction_code = debit ? (savings ? kSavingsDebit : kCheckingDebit)
                               : (savings ? kSavingsCredit : kCheckingCredit);
    e.rdfi_routing = numbers->routing;
    e.account_number = numbers->account;
    e.amount = r.amount;
    e.individual_id = r.account_number;
    e.individual_name = domain::ach_text(r.holder);  // any name a customer typed fits the file
    e.trace_number = r.trace;
    return e;
  };
  NachaFile f;
  f.immediate_destination = kBankRouting;
  f.immediate_origin = fmt::format("9{:09}", tenant.id % 1'000'000'000);
  f.file_creation_date = local_date(now, tenant.time_zone);
  f.immediate_destination_name = "SANDBOX BANK";
  f.immediate_origin_name = domain::ach_text(tenant.name);
  auto batch = [&](std::string sec, std::string description) {
    NachaBatch b;
    b.company_name = domain::ach_text(tenant.name);
    b.company_identification = f.immediate_origin;
    b.sec_code = std::move(sec);
    b.company_entry_description = std::move(description);
    b.effective_entry_date = day;
    b.odfi_identification = kOdfi;
    b.batch_number = static_cast<int>(f.batches.size()) + 1;
    return b;
  };
  for (std::string sec : {"PPD", "WEB"}) {
    NachaBatch b = batch(sec, "PAYMENT");
    for (auto& r : debits)
      if ((r.channel == "paper") == (sec == "PPD"))
        b.entries.push_back(entry(r, true));
    if (!b.entries.empty()) f.batches.push_back(std::move(b));
  }
  NachaBatch m = batch("WEB", "ACCTVERIFY");
  for (auto& r : micro)
    m.entries.push_back(entry(r, false));
  if (!m.entries.empty()) f.batches.push_back(std::move(m));
  if (f.batches.empty())
    throw Error(Code::NotFound, "no bank debits or micro-deposits on " + format_date(day));
  return write_nacha(f);
}

ImportReport import_bank_file(app::Caller& c, std::string_view text) {
  NachaFile f = parse_nacha(text);  // malformed: 400 naming the line, nothing changed
  ImportReport report;
  // Notifications of change that give a new account number are tokenized first (a processor
  // call, outside the transaction).
  std::map<std::string, std::string> new_tokens;  // original trace -> token
  auto processor = c.env.processor();
  for (auto& b : f.batches)
    for (auto& e : b.entries)
      if (e.change && !e.change->corrected_account.empty()) {
        std::string routing = e.change->corrected_routing.empty() ? e.rdfi_routing
                                                                  : e.change->corrected_routing;
        auto t = processor->tokenize_bank({routing, e.change->corrected_account, "checking", ""},
                                          c.env.clock.now());
        if (t.ok) new_tokens[e.change->original_trace] = t.token;
      }
  // Each entry in its own transaction: one return that cannot be booked is reported, and the
  // others are applied (an entry applied already is counted, never applied twice).
  for (auto& b : f.batches)
    for (auto& e : b.entries) {
      store::Tx tx(c.db, true);
      app::Ctx ctx = app::make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
      const std::string& trace = e.returned ? e.returned->original_trace
                                 : e.change ? e.change->original_trace
                                            : e.trace_number;
      std::string code = e.returned ? e.returned->code : e.change ? e.change->code : "";
      auto unknown = [&](std::string why) {
        report.unknown.push_back(fmt::format("trace {}: {} {}", trace, code, why));
      };
      if (!e.returned && !e.change) {
        unknown("is neither a return nor a notification of change");
        continue;
      }
      std::string item;
      {
        Query q(c.db, kItemOf, c.tenant_id, trace);
        if (q.next()) item = q.text(0);
      }
      if (item.starts_with("m:")) {
        unknown("names a micro-deposit (the account stays unverified)");
        continue;
      }
      std::optional<app::Payment> p;
      if (item.starts_with("p:")) try {
          p = app::get_payment(ctx, std::stoll(item.substr(2)));
        } catch (const Error&) {
        }
      if (!p || p->method != "bank_debit") {
        unknown("names no bank debit of this tenant");
        continue;
      }
      if (e.returned) {
        if (p->status == "returned") {
          ++report.returns_already;
          continue;
        }
        try {
          app::return_payment(ctx, p->id, code, 0);
        } catch (const Error& e) {
          if (e.code != Code::FailedPrecondition) throw;
          unknown(std::string("could not be booked: ") + e.what());
          continue;
        }
        tx.commit();
        ++report.returns_applied;
        continue;
      }
      // A notification of change: the bank account the debit used is corrected.
      if (!p->method_id) {
        unknown("names a debit whose bank account is gone");
        continue;
      }
      auto& ch = *e.change;
      if (!ch.corrected_account.empty()) {
        auto it = new_tokens.find(ch.original_trace);
        if (it == new_tokens.end()) {
          unknown("gives an account number the processor refused");
          continue;
        }
        store::exec(c.db,
                    "UPDATE payment_methods SET token = ?, last4 = ? WHERE tenant_id = ? AND id = ?",
                    it->second, domain::last4(ch.corrected_account), c.tenant_id, *p->method_id);
      }
      if (!ch.corrected_routing.empty())
        store::exec(c.db, "UPDATE payment_methods SET routing = ? WHERE tenant_id = ? AND id = ?",
                    ch.corrected_routing, c.tenant_id, *p->method_id);
      app::audit(ctx, "payment_method.changed_by_bank", "payment_method", *p->method_id, code);
      tx.commit();
      ++report.changes_applied;
    }
  store::Tx tx(c.db, true);
  app::Ctx ctx = app::make_ctx(c.db, c.env.clock, c.tenant_id, c.actor, c.source);
  app::audit(ctx, "bank_file.imported", "tenant", c.tenant_id,
             fmt::format("{} returns, {} changes, {} not applied", report.returns_applied,
                         report.changes_applied, report.unknown.size()));
  tx.commit();
  return report;
}

}  // namespace remit::payments
