#include "domain/invoice_state.h"

namespace remit::domain {

const char* status_name(InvoiceStatus s) {
  switch (s) {
    case InvoiceStatus::Draft: return "draft";
    case InvoiceStatus::Open: return "open";
    case InvoiceStatus::Paid: return "paid";
    case InvoiceStatus::Void: return "void";
    case InvoiceStatus::Uncollectible: return "uncollectible";
  }
  return "draft";
}

std::optional<InvoiceStatus> parse_status(std::string_view s) {
  for (auto st : {InvoiceStatus::Draft, InvoiceStatus::Open, InvoiceStatus::Paid,
                  InvoiceStatus::Void, InvoiceStatus::Uncollectible})
    if (s == status_name(st)) return st;
  return std::nullopt;
}

bool can_transition(InvoiceStatus from, InvoiceStatus to) {
  using S = InvoiceStatus;
  switch (from) {
    case S::Draft: return to == S::Open || to == S::Paid || to == S::Void;
    case S::Open: return to == S::Paid || to == S::Void || to == S::Uncollectible;
    case S::Paid: return to == S::Open;
    case S::Void:
    case S::Uncollectible: return false;
  }
  return false;
}

}  // namespace remit::domain
