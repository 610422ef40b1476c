#pragma once
// Serialises Boost.JSON values for responses. Unlike json::serialize, doubles are written
// in their shortest round-trip form ("1.25", not "1.25E0"), since quantities are decimals.
#include <boost/json/value.hpp>

#include <string>

namespace remit::http {

std::string to_text(const boost::json::value& v);

}  // namespace remit::http
