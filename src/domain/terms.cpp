#include "domain/terms.h"

#include <fmt/format.h>

namespace remit::domain {

Date due_date(const Terms& t, Date issued) {
  if (t.kind == Terms::EndOfMonth) return end_of_month(issued);
  return issued + date::days{t.days};
}

std::string terms_label(const Terms& t) {
  if (t.kind == Terms::EndOfMonth) return "Due end of month";
  return fmt::format("Net {}", t.days);
}

bool parse_terms(std::string_view kind, int days, Terms& out) {
  if (kind == "eom") { out = {Terms::EndOfMonth, 0}; return true; }
  if (kind == "net" && days >= 0 && days <= 365) { out = {Terms::Net, days}; return true; }
  return false;
}

}  // namespace remit::domain
