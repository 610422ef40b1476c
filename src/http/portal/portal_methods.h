#pragma once
// What the portal's pages share about payment methods (http/portal/portal_methods.cpp).
#include <string>

#include "app/payment_methods.h"
#include "http/portal/portal_visit.h"

namespace remit::http::portal {

// How a method is named on the pages, masked: "visa ••••4242", "Bank account ••••6789
// (checking)" (in the page's language).
std::string method_display(const Visit& v, const app::PaymentMethod& m);
inline std::string methods_path(const Visit& v) { return base(v) + "/methods"; }

}  // namespace remit::http::portal
