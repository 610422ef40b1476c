#pragma once
// The tenant's bank files (D13), for a processor whose bank debits Remit originates in NACHA
// files of its own (the sandbox; see PaymentProcessor::bank_numbers_for_file).
//
// The day's file: the bank debits taken that day (PPD for paper-authorized, WEB for online-
// authorized debits) and the micro-deposit credits of the bank accounts added that day (a WEB
// batch described ACCTVERIFY), each entry's trace number the ODFI's 8 digits and a 7-digit
// sequence: the payment's id for a debit, 9,000,000 + 2 x (method id mod 500,000) + n for a
// micro-deposit. Account numbers are read from the processor for the file only.
//
// Importing a return file: every return (R01, R02, R03, R04, R07, R08, R10, R29 ...) whose
// trace names one of the tenant's bank debits reverses it as return_payment does, once (a
// payment already returned is counted, not returned again, so importing a file twice is
// harmless); notifications of change update the stored bank account (C01 the account number,
// C02 the routing number, C03 both: the account is tokenized again with the processor). All of
// a file is applied in one transaction; entries that name nothing known are reported. A
// malformed file is refused (400 naming the line and field) and changes nothing.
#include <string>
#include <vector>

#include "app/payment_methods.h"
#include "core/dates.h"

namespace remit::payments {

// The sandbox bank's settings (a real deployment's come from its bank).
inline constexpr const char* kBankRouting = "110000000";
inline constexpr const char* kOdfi = "11000000";

std::string day_bank_file(app::Caller& c, Date day);

struct ImportReport {
  int returns_applied = 0, returns_already = 0, changes_applied = 0;
  std::vector<std::string> unknown;  // "trace 110000000000042: R01 names no bank debit"
};
ImportReport import_bank_file(app::Caller& c, std::string_view text);

}  // namespace remit::payments
