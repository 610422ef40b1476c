#include "app/presets.h"

#include "core/error.h"

namespace remit::app {

std::vector<Stream> preset_streams(const std::string& name, Date anchor) {
  using domain::Cadence;
  using domain::Terms;
  auto monthly = [](std::string code, std::string label, Terms t) {
    Stream s;
    s.code = std::move(code);
    s.name = std::move(label);
    s.schedule.cadence = Cadence::Monthly;
    s.schedule.invoice_day = 1;
    s.terms = t;
    return s;
  };
  if (name.empty() || name == "default") return {monthly("main", "Invoices", {Terms::Net, 30})};
  if (name == "procirrus") return {monthly("main", "Monthly invoice", {Terms::Net, 15})};
  if (name == "dakotapro") return {monthly("main", "Monthly invoice", {Terms::EndOfMonth, 0})};
  if (name == "westcentral") {
    Stream services;
    services.code = "services";
    services.name = "Products and services";
    services.schedule.cadence = Cadence::Biweekly;
    services.schedule.anchor = anchor;
    services.terms = {Terms::Net, 30};
    return {monthly("recurring", "Recurring services and licensing", {Terms::Net, 30}), services};
  }
  invalid("preset", "must be default, procirrus, dakotapro or westcentral");
}

}  // namespace remit::app
