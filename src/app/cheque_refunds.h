#pragma once
// Cheque refunds (D12): on the policy's refund run days (the 1st and 15th by default, in the
// tenant's zone) the daily job refunds by paper cheque the credit of every closed account, to
// its last known mailing address, and records each cheque in the register that staff export
// (CSV) to print from and mark issued.
//
// One cheque per account and run date: the register's key (tenant, account, run date) is
// checked under the account's lock, so a job run again, or a run on demand the same day,
// refunds nothing twice. Each cheque is one transaction: the account's lock, the register
// row with the tenant's next cheque number, the ledger (credit down, cheques_payable up), the
// account's credit, cheque_refund.created and a notice to the account's contacts.
//
// What is refunded is the credit above what the account still owes on open invoices. An
// account is left for a later run (and named in the result) when it has no mailing address,
// or a payment still processing or pending (a bank debit not yet settled, which could be
// returned).
//
// Issuing a cheque moves the money from cheques_payable to cash; voiding one (undeliverable,
// stopped) gives the account its credit back, to be refunded by a later run.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"

namespace remit::app {

struct PaymentPolicy;  // app/payment_policy.h

struct ChequeRefund {
  int64_t id = 0, account_id = 0, cheque_number = 0;
  std::string account_number;
  Minor amount = 0;
  std::string payee;
  std::vector<std::string> address_lines;  // the account's address, as it was at the run
  std::string run_date;
  std::string status;  // pending (in the register) | issued | void
  std::string created_at;
  std::optional<std::string> issued_at, voided_at;
  std::string void_reason;
};

// Whether `day` is one of the policy's refund run days (its day of the month).
bool is_refund_run_day(const PaymentPolicy& p, Date day);

struct RefundRunResult {
  std::string run_date;
  int refunded = 0;  // cheques written by this run
  Minor total = 0;   // their amount
  int already = 0;   // accounts that already have a cheque of this run date
  struct Skipped {
    int64_t account_id = 0;
    std::string reason;
  };
  std::vector<Skipped> skipped;  // closed accounts with credit left for a later run
};
// Refunds the credit of the tenant's closed accounts by cheque, dated `run_date`. Its own
// transactions, one per account; safe to run again (and at the same time).
RefundRunResult run_cheque_refunds(store::Db& db, const Clock& clock, int64_t tenant_id,
                                   Date run_date, const std::string& actor,
                                   const std::string& source = "");

// The register. run_date and status are checked (400 naming them).
Page<ChequeRefund> list_cheque_refunds(Ctx& ctx, std::optional<std::string> run_date,
                                       std::optional<std::string> status, const PageReq& page);
ChequeRefund get_cheque_refund(Ctx& ctx, int64_t id);
// Every cheque of a run (or of one status), by cheque number: what the CSV export holds.
std::vector<ChequeRefund> cheque_register(Ctx& ctx, const std::string& run_date,
                                          std::optional<std::string> status);
// The register as CSV (RFC 4180, CRLF): a header, then one line per cheque. Amounts as
// decimals; four address lines (a longer address is joined into the fourth); a cell that a
// spreadsheet would take for a formula is prefixed with '.
std::string cheque_register_csv(const std::vector<ChequeRefund>& rows, const std::string& currency);

// Marks a cheque issued (cheques_payable to cash, cheque_refund.issued); one already issued
// is returned as it is; a void one is 409.
ChequeRefund mark_cheque_issued(Ctx& ctx, int64_t id);
// Marks every pending cheque of a run issued; returns how many.
int64_t mark_run_issued(Ctx& ctx, const std::string& run_date);
// Voids a pending or issued cheque (reason 1-500 characters): the account gets its credit
// back; cheque_refund.voided.
ChequeRefund void_cheque_refund(Ctx& ctx, int64_t id, const std::string& reason);

boost::json::object cheque_refund_data(const ChequeRefund& c);  // the events' data

}  // namespace remit::app
