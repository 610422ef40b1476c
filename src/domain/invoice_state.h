#pragma once
// The invoice state machine (C2, C3). Pure: no I/O.
//
//   draft -> open | paid (finalized with nothing due) | void
//   open  -> paid (paid, credited or credit applied) | void | uncollectible
//   paid  -> open (a payment that paid it was reversed)
//
// void and uncollectible are final: corrections after them are credit notes or new invoices.
#include <optional>
#include <string_view>

#include "core/money.h"

namespace remit::domain {

enum class InvoiceStatus { Draft, Open, Paid, Void, Uncollectible };

const char* status_name(InvoiceStatus s);
std::optional<InvoiceStatus> parse_status(std::string_view s);

bool can_transition(InvoiceStatus from, InvoiceStatus to);

// A finalized invoice that is not void or written off: open while anything is due, else paid.
inline InvoiceStatus settled_status(Minor amount_due) {
  return amount_due > 0 ? InvoiceStatus::Open : InvoiceStatus::Paid;
}

}  // namespace remit::domain
