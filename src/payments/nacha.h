#pragma once
// NACHA ACH files: write_nacha turns a NachaFile into the text an ODFI accepts (PPD and WEB
// debits and credits, micro-deposits), parse_nacha reads what the bank sends back (returns,
// notifications of change) and checks it. Pure: no I/O, no clock, no database.
//
// The layout is NACHA's (the Operating Rules' Appendix One), as moov-io/ach implements it:
// every record is 94 characters, one per line ("\n"); a file is a File Header (1), batches of
// a Batch Header (5), Entry Details (6) each with at most one Addenda (7), and a Batch Control
// (8), then a File Control (9), then lines of 94 '9's up to a multiple of 10 lines ("blocked
// to 10"). Alphanumeric fields are upper-cased, left-justified and blank-padded; numeric fields
// right-justified and zero-padded. Positions are listed beside each field below (1-based).
//
// Contract:
// - write_nacha(f) writes f, or throws Error(InvalidArgument) with `field` the path of the
//   first input it cannot write ("immediate_destination", "batches[0].company_identification",
//   "batches[1].entries[3].amount", "batches[0].entries[2].returned.code") and nothing else.
//   It computes every count, total and hash (entry hash = sum of the entries' 8-digit RDFI
//   identifications, rightmost 10 digits) and the blocking; the service class when it is 0.
//   Free text (names, descriptions, discretionary and addenda information: the fields marked
//   "text") is upper-cased and cut to its width. Identifiers (account number, individual id,
//   company identification, routing and trace numbers) are never cut: too long is refused,
//   so money never goes to a shortened account number. Any byte outside printable ASCII
//   (0x20-0x7E) anywhere is refused: names typed by people are folded to it first with
//   domain::ach_text (bank_files.cpp does), so this refusal is a safety net.
// - parse_nacha(text) returns the file, or throws Error(InvalidArgument) whose message is
//   "line N, <field>: <what is wrong>" (N 1-based, <field> the name of the member below or of
//   the control field, e.g. "line 3, amount: not a number", "line 9, entry_hash: ...") and
//   whose `field` is "line N". It accepts "\n" or "\r\n" line ends, with or without one at the
//   end, and ignores the '9' padding after the File Control (padding is not required). It
//   checks: record length 94; record order; numeric fields numeric; every value the writer
//   would refuse; batch controls against their entries (count, hash, totals, and the header's
//   service class, company identification, ODFI and batch number); the file control against
//   the batches (batch count, block count, count, hash, totals).
// - Round trip: parse_nacha(write_nacha(f)) == f for every f in canonical form, which is what
//   parse_nacha returns: text upper-cased, cut to width and without trailing blanks, the
//   service class set. For any parsed p, parse_nacha(write_nacha(p)) == p (the fuzz target
//   tests/fuzz/nacha_fuzz.cpp holds both to it).
// - Not stored (written blank or fixed, ignored when parsing): the priority code (01), the
//   originator status code (1), the batch control's message authentication code and every
//   reserved field. Only addenda types 98 and 99 are read (one per entry); a file of another
//   SEC code, a refused NOC (C61-C69) or an addenda 02/05 is refused.
//   A file without line breaks (records run together) is refused: it is one long line.
// - Speed: linear. write_nacha allocates its output once; parse_nacha each batch's entries
//   once (and the strings too long for the small-string buffer). 100,000 entries take about
//   10 ms to write and 40 ms to parse (Release).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"
#include "core/money.h"

namespace remit::payments {

// Transaction codes (entry positions 2-3). The second digit 1-4 is a credit, 6-9 a debit.
inline constexpr int kCheckingCredit = 22, kCheckingDebit = 27;
inline constexpr int kSavingsCredit = 32, kSavingsDebit = 37;
// What the RDFI puts on a return or notification of change of a 22, 27, 32, 37 entry.
inline constexpr int kCheckingReturnCredit = 21, kCheckingReturnDebit = 26;
inline constexpr int kSavingsReturnCredit = 31, kSavingsReturnDebit = 36;

inline constexpr Minor kMaxNachaAmount = 9'999'999'999;  // 10 digits of cents

// True for the debit codes (26, 27, 36, 37), false for the credits.
bool nacha_is_debit(int transaction_code);
// The trace number of an entry: the 8-digit originating DFI identification and a 7-digit
// sequence, "110000000000042". Throws Error(InvalidArgument) unless odfi_identification is 8
// digits and sequence 0-9,999,999.
std::string nacha_trace_number(std::string_view odfi_identification, uint32_t sequence);

// Addenda 99: why the RDFI returned the entry.
struct Return {
  std::string code;                   // 4-6   R01..R85
  std::string original_trace;         // 7-21  15 digits: the forward entry's trace number
  std::optional<Date> date_of_death;  // 22-27 YYMMDD or blank (R14, R15)
  std::string original_rdfi;          // 28-35 8 digits: the forward entry's RDFI identification
  std::string addenda_information;    // 36-79 text
  // 80-94, the addenda's trace number, is the entry's (checked equal when parsing).
  bool operator==(const Return&) const = default;
};

// Addenda 98 (in a COR batch): a notification of change, the correction to make before the
// next entry to that account.
struct Change {
  std::string code;            // 4-6   C01..C14 (C61-C69, refused NOCs, are not read)
  std::string original_trace;  // 7-21  15 digits
  std::string original_rdfi;   // 28-35 8 digits
  // 36-64, the corrected data, by code: C01 the account number (left-justified, 17);
  // C02 the routing number (9); C03 the routing number in 1-9 and the account number from 13
  // (10-12 blank; when parsing, the account may be anywhere after 9). Other codes keep the
  // field as text in corrected_data. Exactly the fields of the code are non-empty.
  std::string corrected_routing;  // C02, C03: 9 digits, a valid ABA number
  std::string corrected_account;  // C01, C03: 1-17 characters, no blank at either end
  std::string corrected_data;     // C04..C14
  bool operator==(const Change&) const = default;
};

struct NachaEntry {
  // 2-3: 22, 27, 32, 37; or 21, 26, 31, 36 on an entry that carries a return or a change.
  int transaction_code = kCheckingDebit;
  std::string rdfi_routing;        // 4-12  9 digits: 8-digit RDFI identification + check digit
  std::string account_number;      // 13-29 1-17 characters
  Minor amount = 0;                // 30-39 cents, 0..kMaxNachaAmount (0 on a change)
  std::string individual_id;       // 40-54 0-15 characters
  std::string individual_name;     // 55-76 text
  std::string discretionary_data;  // 77-78 0-2 characters (WEB: the payment type, R or S)
  // 79, the addenda indicator, is 1 exactly when `returned` or `change` is set.
  std::string trace_number;        // 80-94 15 digits (nacha_trace_number)
  std::optional<Return> returned;  // set on the entries of a return file
  std::optional<Change> change;    // set on every entry of a COR batch, and only there
  bool operator==(const NachaEntry&) const = default;
};

struct NachaBatch {
  // 2-4: 200 mixed, 220 credits only, 225 debits only; 0 = computed by write_nacha from the
  // entries (220 or 225 when they are all of one kind). A given code must fit the entries.
  int service_class_code = 0;
  std::string company_name;                // 5-20  text
  std::string company_discretionary_data;  // 21-40 text
  std::string company_identification;      // 41-50 1-10 characters
  // 51-53: PPD (debit authorized on paper, or a consumer credit), WEB (debit authorized
  // online), COR (notifications of change, in files from the bank).
  std::string sec_code = "PPD";
  std::string company_entry_description;  // 54-63 text: PAYMENT; ACCTVERIFY for micro-deposits
  std::string company_descriptive_date;   // 64-69 text
  Date effective_entry_date;              // 70-75 YYMMDD, 2000-2099
  std::string settlement_date;            // 76-78 blank (set by the ACH operator) or 3 digits
  // 80-87: 8 digits, the ODFI's routing number without its check digit.
  std::string odfi_identification;
  int batch_number = 1;             // 88-94 0..9,999,999
  std::vector<NachaEntry> entries;  // at least one
  bool operator==(const NachaBatch&) const = default;
};

struct NachaFile {
  // 4-13: 9 digits, a valid ABA number, written with a leading blank (" 110000000").
  std::string immediate_destination;
  // 14-23: 10 characters of 0-9/A-Z ("1234567890"), or 9 digits written with a leading blank.
  std::string immediate_origin;
  Date file_creation_date;                     // 24-29 YYMMDD, 2000-2099
  std::chrono::minutes file_creation_time{0};  // 30-33 HHMM: minutes after midnight, 0..1439
  char file_id_modifier = 'A';                 // 34    A-Z or 0-9
  std::string immediate_destination_name;      // 41-63 text
  std::string immediate_origin_name;           // 64-86 text
  std::string reference_code;                  // 87-94 text
  std::vector<NachaBatch> batches;
  bool operator==(const NachaFile&) const = default;
};

std::string write_nacha(const NachaFile& f);
NachaFile parse_nacha(std::string_view text);

}  // namespace remit::payments
