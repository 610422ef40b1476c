#pragma once
// Checks on payment instruments, pure: card numbers (Luhn, brand by prefix), ABA routing
// numbers (the 3-7-1 checksum), and how an account or card number is shown (masked).
#include <string>
#include <string_view>

namespace remit::domain {

bool all_digits(std::string_view s);
// Luhn mod-10 over a string of digits (12 to 19 of them).
bool luhn_valid(std::string_view digits);
// visa, mastercard, amex, discover, or "" when the prefix is none of them.
std::string card_brand(std::string_view digits);
// Nine digits whose weighted sum 3,7,1,3,7,1,3,7,1 is a multiple of 10.
bool aba_routing_valid(std::string_view routing);
// The last four characters (all of s when shorter).
std::string last4(std::string_view s);
// "••••6789": what every screen, email, PDF and log line shows of an account number.
std::string masked(std::string_view last4);

}  // namespace remit::domain
