#pragma once
// What the portal's pages share about payment methods (http/portal/portal_methods.cpp).
#include <optional>
#include <string>

#include "app/payment_methods.h"
#include "app/processor.h"
#include "http/portal/portal_visit.h"

namespace remit::http::portal {

// How a method is named on the pages, masked: "visa ••••4242", "Bank account ••••6789
// (checking)" (in the page's language).
std::string method_display(const Visit& v, const app::PaymentMethod& m);
inline std::string methods_path(const Visit& v) { return base(v) + "/methods"; }
// A card or wallet token from the processor's hosted form, as the processor describes it
// (outside any transaction); nullopt for anything else (a bank account is saved first, with
// its debit authorization, and paid as a saved method).
std::optional<app::Tokenized> card_of(Call& c, const std::string& token);
// A form of the methods pages whose work calls the processor, so no transaction is held: the
// visit (read in its own transaction), or nullopt with `answer` set to the 404 page, the
// sign-in page or refuse_form's page (a bad CSRF token or origin, or a role that cannot pay).
std::optional<Visit> methods_post(Call& c, const QueryParams& form, Response& answer);

}  // namespace remit::http::portal
