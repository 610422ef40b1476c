#include "payments/nacha.h"

#include <fmt/format.h>

#include <cstring>

#include "core/error.h"
#include "domain/instruments.h"

namespace remit::payments {
namespace {

constexpr size_t kRecordLength = 94;
constexpr uint64_t kHashModulus = 10'000'000'000;  // the entry hash keeps 10 digits
constexpr int64_t kMaxTotal = 999'999'999'999;     // 12-digit control totals
constexpr uint64_t kMaxBatchCount = 999'999;       // 6 digits (also blocks, batch counts)
constexpr uint64_t kMaxFileCount = 99'999'999;     // 8 digits: the file's entry/addenda count

// One field of a record: 1-based inclusive positions as NACHA lists them, and the name errors
// give it. Writer and parser both use these, so they cannot disagree on a position.
struct Field {
  int from, to;
  const char* name;
  constexpr size_t width() const { return size_t(to - from + 1); }
};

namespace fh {  // File Header (1)
constexpr Field type{1, 1, "record_type"}, priority{2, 3, "priority_code"},
    destination{4, 13, "immediate_destination"}, origin{14, 23, "immediate_origin"},
    date{24, 29, "file_creation_date"}, time{30, 33, "file_creation_time"},
    modifier{34, 34, "file_id_modifier"}, record_size{35, 37, "record_size"},
    blocking{38, 39, "blocking_factor"}, format{40, 40, "format_code"},
    destination_name{41, 63, "immediate_destination_name"},
    origin_name{64, 86, "immediate_origin_name"}, reference{87, 94, "reference_code"};
constexpr Field all[] = {
    type,        priority, destination, origin,           date,        time,     modifier,
    record_size, blocking, format,      destination_name, origin_name, reference};
}  // namespace fh

namespace bh {  // Batch Header (5)
constexpr Field type{1, 1, "record_type"}, service_class{2, 4, "service_class_code"},
    company_name{5, 20, "company_name"}, discretionary{21, 40, "company_discretionary_data"},
    company_id{41, 50, "company_identification"}, sec{51, 53, "sec_code"},
    description{54, 63, "company_entry_description"},
    descriptive_date{64, 69, "company_descriptive_date"}, effective{70, 75, "effective_entry_date"},
    settlement{76, 78, "settlement_date"}, status{79, 79, "originator_status_code"},
    odfi{80, 87, "odfi_identification"}, batch_number{88, 94, "batch_number"};
constexpr Field all[] = {type,   service_class, company_name,     discretionary, company_id,
                         sec,    description,   descriptive_date, effective,     settlement,
                         status, odfi,          batch_number};
}  // namespace bh

namespace ed {  // Entry Detail (6)
constexpr Field type{1, 1, "record_type"}, code{2, 3, "transaction_code"},
    routing{4, 12, "rdfi_routing"}, rdfi_id{4, 11, "rdfi_routing"},
    account{13, 29, "account_number"}, amount{30, 39, "amount"},
    individual_id{40, 54, "individual_id"}, name{55, 76, "individual_name"},
    discretionary{77, 78, "discretionary_data"}, indicator{79, 79, "addenda_record_indicator"},
    trace{80, 94, "trace_number"};
constexpr Field all[] = {type,          code, routing,       account,   amount,
                         individual_id, name, discretionary, indicator, trace};
}  // namespace ed

namespace ad {  // Addenda (7): 99 return, 98 notification of change
constexpr Field type{1, 1, "record_type"}, addenda_type{2, 3, "addenda_type_code"},
    trace{80, 94, "trace_number"};
}
namespace ar {  // Addenda 99
constexpr Field code{4, 6, "returned.code"}, original_trace{7, 21, "returned.original_trace"},
    date_of_death{22, 27, "returned.date_of_death"},
    original_rdfi{28, 35, "returned.original_rdfi"},
    information{36, 79, "returned.addenda_information"};
constexpr Field all[] = {ad::type,      ad::addenda_type, code,        original_trace,
                         date_of_death, original_rdfi,    information, ad::trace};
}  // namespace ar
namespace ac {  // Addenda 98
constexpr Field code{4, 6, "change.code"}, original_trace{7, 21, "change.original_trace"},
    reserved1{22, 27, "reserved"}, original_rdfi{28, 35, "change.original_rdfi"},
    corrected{36, 64, "change.corrected_data"}, reserved2{65, 79, "reserved"};
constexpr Field all[] = {ad::type,      ad::addenda_type, code,      original_trace, reserved1,
                         original_rdfi, corrected,        reserved2, ad::trace};
}  // namespace ac

namespace bc {  // Batch Control (8)
constexpr Field type{1, 1, "record_type"}, service_class{2, 4, "service_class_code"},
    count{5, 10, "entry_addenda_count"}, hash{11, 20, "entry_hash"},
    debit{21, 32, "total_debit_amount"}, credit{33, 44, "total_credit_amount"},
    company_id{45, 54, "company_identification"}, mac{55, 73, "message_authentication_code"},
    reserved{74, 79, "reserved"}, odfi{80, 87, "odfi_identification"},
    batch_number{88, 94, "batch_number"};
constexpr Field all[] = {type,       service_class, count,    hash, debit,       credit,
                         company_id, mac,           reserved, odfi, batch_number};
}  // namespace bc

namespace fc {  // File Control (9)
constexpr Field type{1, 1, "record_type"}, batches{2, 7, "batch_count"},
    blocks{8, 13, "block_count"}, count{14, 21, "entry_addenda_count"}, hash{22, 31, "entry_hash"},
    debit{32, 43, "total_debit_amount"}, credit{44, 55, "total_credit_amount"},
    reserved{56, 94, "reserved"};
constexpr Field all[] = {type, batches, blocks, count, hash, debit, credit, reserved};
}  // namespace fc

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_printable(char c) { return c >= 0x20 && c <= 0x7e; }
char to_upper(char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }
bool digits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}
uint64_t digits_value(std::string_view s) {  // REQUIRES: all digits, at most 19
  uint64_t v = 0;
  for (char c : s) v = v * 10 + uint64_t(c - '0');
  return v;
}

// The rules on values, shared by the writer (which names the input member) and the parser
// (which names the line): nullptr when the value may be written and read back as it is.
const char* bad_routing(std::string_view r) {
  if (!digits(r, 9)) return "must be 9 digits";
  if (!domain::aba_routing_valid(r)) return "fails the ABA routing checksum (weights 3, 7, 1)";
  return nullptr;
}
const char* bad_text(std::string_view s) {
  for (char c : s)
    if (!is_printable(c)) return "contains a non-ASCII or control character";
  return nullptr;
}
const char* too_long(size_t max) {
  switch (max) {
    case 2:
      return "must be at most 2 characters";
    case 10:
      return "must be at most 10 characters";
    case 15:
      return "must be at most 15 characters";
    default:
      return "must be at most 17 characters";
  }
}
// An identifier is never cut: a shortened account number would pay someone else.
const char* bad_identifier(std::string_view s, size_t max, bool required) {
  if (auto m = bad_text(s)) return m;
  if (required && s.empty()) return "is required";
  if (s.size() > max) return too_long(max);
  return nullptr;
}
const char* bad_origin(std::string_view s) {
  if (digits(s, 9)) return nullptr;
  bool ok = s.size() == 10;
  for (char c : s) ok = ok && (is_digit(c) || (c >= 'A' && c <= 'Z'));
  return ok ? nullptr : "must be 10 characters of 0-9 and A-Z, or 9 digits";
}
bool forward_code(int c) { return c == 22 || c == 27 || c == 32 || c == 37; }
bool return_code_tx(int c) { return c == 21 || c == 26 || c == 31 || c == 36; }
const char* bad_transaction_code(int c) {
  return forward_code(c) || return_code_tx(c)
             ? nullptr
             : "must be 22, 27, 32 or 37 (21, 26, 31, 36 on a return or a change)";
}
const char* bad_sec(std::string_view s) {
  return s == "PPD" || s == "WEB" || s == "COR" ? nullptr : "must be PPD, WEB or COR";
}
bool code_in(std::string_view s, char letter, int lo, int hi) {
  if (s.size() != 3 || s[0] != letter || !is_digit(s[1]) || !is_digit(s[2])) return false;
  int n = (s[1] - '0') * 10 + (s[2] - '0');
  return n >= lo && n <= hi;
}
const char* bad_settlement(std::string_view s) {
  return s.empty() || digits(s, 3) ? nullptr : "must be blank or 3 digits";
}

struct Fault {
  const char* field;  // the member at fault, as in nacha.h ("amount", "returned.code")
  const char* message;
};

std::optional<Fault> return_fault(const Return& r) {
  if (!code_in(r.code, 'R', 1, 85)) return Fault{"returned.code", "must be R01 to R85"};
  if (!digits(r.original_trace, 15)) return Fault{"returned.original_trace", "must be 15 digits"};
  if (!digits(r.original_rdfi, 8)) return Fault{"returned.original_rdfi", "must be 8 digits"};
  if (auto m = bad_text(r.addenda_information)) return Fault{"returned.addenda_information", m};
  return std::nullopt;
}

std::optional<Fault> change_fault(const Change& c) {
  if (!code_in(c.code, 'C', 1, 14)) return Fault{"change.code", "must be C01 to C14"};
  if (!digits(c.original_trace, 15)) return Fault{"change.original_trace", "must be 15 digits"};
  if (!digits(c.original_rdfi, 8)) return Fault{"change.original_rdfi", "must be 8 digits"};
  bool wants_routing = c.code == "C02" || c.code == "C03";
  bool wants_account = c.code == "C01" || c.code == "C03";
  if (wants_routing) {
    if (auto m = bad_routing(c.corrected_routing)) return Fault{"change.corrected_routing", m};
  } else if (!c.corrected_routing.empty()) {
    return Fault{"change.corrected_routing", "only C02 and C03 carry a routing number"};
  }
  if (wants_account) {
    const auto& a = c.corrected_account;
    if (auto m = bad_identifier(a, 17, true)) return Fault{"change.corrected_account", m};
    if (a.front() == ' ' || a.back() == ' ')
      return Fault{"change.corrected_account", "must not begin or end with a blank"};
  } else if (!c.corrected_account.empty()) {
    return Fault{"change.corrected_account", "only C01 and C03 carry an account number"};
  }
  if (wants_routing || wants_account) {
    if (!c.corrected_data.empty())
      return Fault{"change.corrected_data", "C01, C02 and C03 use corrected_routing/account"};
  } else if (auto m = bad_text(c.corrected_data)) {
    return Fault{"change.corrected_data", m};
  }
  return std::nullopt;
}

// The rules that tie an entry to its batch and its addenda (the entry's own fields are
// checked one by one before).
std::optional<Fault> entry_rule_fault(int service_class, std::string_view sec,
                                      const NachaEntry& e) {
  bool debit = nacha_is_debit(e.transaction_code);
  if (service_class == 220 && debit)
    return Fault{"transaction_code", "a debit in a credits-only batch (service class 220)"};
  if (service_class == 225 && !debit)
    return Fault{"transaction_code", "a credit in a debits-only batch (service class 225)"};
  if (e.returned && e.change)
    return Fault{"change", "an entry carries a return or a change, not both"};
  if (return_code_tx(e.transaction_code) && !e.returned && !e.change)
    return Fault{"transaction_code",
                 "21, 26, 31 and 36 are for returns and changes (addenda 99 or 98)"};
  if (sec == "COR" && !e.change)
    return Fault{"change", "every entry of a COR batch carries a change (addenda 98)"};
  if (e.change) {
    if (sec != "COR") return Fault{"change", "a change belongs in a COR batch"};
    if (!return_code_tx(e.transaction_code))
      return Fault{"transaction_code", "a change's transaction code is 21, 26, 31 or 36"};
    if (e.amount != 0) return Fault{"amount", "a change (notification of change) carries no money"};
  }
  return std::nullopt;
}

int yymmdd(Date d, bool& ok) {
  date::year_month_day ymd{d};
  int y = int(ymd.year());
  ok = y >= 2000 && y <= 2099;
  return (y - 2000) * 10000 + int(unsigned(ymd.month())) * 100 + int(unsigned(ymd.day()));
}

// ---------------------------------------------------------------------------------------
// Writer

// One 94-character record, built in place and appended with its line end.
class Record {
 public:
  explicit Record(char type) {
    std::memset(b_, ' ', kRecordLength);
    b_[0] = type;
  }
  void raw(const Field& f, std::string_view v) {  // REQUIRES: v fits
    std::memcpy(b_ + f.from - 1, v.data(), std::min(v.size(), f.width()));
  }
  void text(const Field& f, std::string_view v) {  // upper-cased, left-justified, cut
    size_t n = std::min(v.size(), f.width());
    char* p = b_ + f.from - 1;
    for (size_t i = 0; i < n; ++i) p[i] = to_upper(v[i]);
  }
  void number(const Field& f, uint64_t v) {  // right-justified, zero-filled; REQUIRES: fits
    for (int p = f.to; p >= f.from; --p) {
      b_[p - 1] = char('0' + v % 10);
      v /= 10;
    }
  }
  void append_to(std::string& out) const {
    out.append(b_, kRecordLength);
    out.push_back('\n');
  }

 private:
  char b_[kRecordLength];
};

struct Totals {
  uint64_t count = 0, hash = 0;
  int64_t debit = 0, credit = 0;
};

class Writer {
 public:
  explicit Writer(const NachaFile& f) : f_(f) {}

  std::string run() {
    check_header();
    batch_totals_.reserve(f_.batches.size());
    service_classes_.reserve(f_.batches.size());
    Totals file;
    size_t records = 2;  // file header and control
    for (size_t i = 0; i < f_.batches.size(); ++i) {
      Totals t = check_batch(i);
      file.count += t.count;
      file.hash += t.hash;
      file.debit += t.debit;
      file.credit += t.credit;
      records += 2 + t.count;
    }
    if (f_.batches.size() > kMaxBatchCount) fail("batches", "at most 999999 batches");
    if (file.count > kMaxFileCount) fail("batches", "at most 99999999 entries and addenda");
    if (file.debit > kMaxTotal) fail("batches", "the debits exceed 999999999999 cents (12 digits)");
    if (file.credit > kMaxTotal)
      fail("batches", "the credits exceed 999999999999 cents (12 digits)");
    size_t blocks = (records + 9) / 10;
    if (blocks > kMaxBatchCount) fail("batches", "the file exceeds 999999 blocks");

    std::string out;
    out.reserve(blocks * 10 * (kRecordLength + 1));
    write_header(out);
    for (size_t i = 0; i < f_.batches.size(); ++i) write_batch(out, i);
    Record r('9');
    r.number(fc::batches, f_.batches.size());
    r.number(fc::blocks, blocks);
    r.number(fc::count, file.count);
    r.number(fc::hash, file.hash % kHashModulus);
    r.number(fc::debit, uint64_t(file.debit));
    r.number(fc::credit, uint64_t(file.credit));
    r.append_to(out);
    for (size_t n = records; n < blocks * 10; ++n) {
      out.append(kRecordLength, '9');
      out.push_back('\n');
    }
    return out;
  }

 private:
  [[noreturn]] static void fail(std::string field, const char* message) {
    invalid(std::move(field), message);
  }
  [[noreturn]] static void fail_batch(size_t b, std::string_view member, const char* message) {
    invalid(fmt::format("batches[{}].{}", b, member), message);
  }
  [[noreturn]] static void fail_entry(size_t b, size_t e, std::string_view member,
                                      const char* message) {
    invalid(fmt::format("batches[{}].entries[{}].{}", b, e, member), message);
  }

  void check_header() {
    if (auto m = bad_routing(f_.immediate_destination)) fail("immediate_destination", m);
    if (auto m = bad_origin(f_.immediate_origin)) fail("immediate_origin", m);
    bool ok = false;
    yymmdd(f_.file_creation_date, ok);
    if (!ok) fail("file_creation_date", "must be a date in 2000-2099");
    auto t = f_.file_creation_time.count();
    if (t < 0 || t >= 24 * 60)
      fail("file_creation_time", "must be 0 to 1439 minutes after midnight");
    char m = f_.file_id_modifier;
    if (!(is_digit(m) || (m >= 'A' && m <= 'Z'))) fail("file_id_modifier", "must be A-Z or 0-9");
    if (auto e = bad_text(f_.immediate_destination_name)) fail("immediate_destination_name", e);
    if (auto e = bad_text(f_.immediate_origin_name)) fail("immediate_origin_name", e);
    if (auto e = bad_text(f_.reference_code)) fail("reference_code", e);
  }

  Totals check_batch(size_t i) {
    const NachaBatch& b = f_.batches[i];
    int sc = b.service_class_code;
    if (sc != 0 && sc != 200 && sc != 220 && sc != 225)
      fail_batch(i, "service_class_code", "must be 0 (computed), 200, 220 or 225");
    if (auto m = bad_text(b.company_name)) fail_batch(i, "company_name", m);
    if (auto m = bad_text(b.company_discretionary_data))
      fail_batch(i, "company_discretionary_data", m);
    if (auto m = bad_identifier(b.company_identification, 10, true))
      fail_batch(i, "company_identification", m);
    if (auto m = bad_sec(b.sec_code)) fail_batch(i, "sec_code", m);
    if (auto m = bad_text(b.company_entry_description))
      fail_batch(i, "company_entry_description", m);
    if (auto m = bad_text(b.company_descriptive_date)) fail_batch(i, "company_descriptive_date", m);
    bool ok = false;
    yymmdd(b.effective_entry_date, ok);
    if (!ok) fail_batch(i, "effective_entry_date", "must be a date in 2000-2099");
    if (auto m = bad_settlement(b.settlement_date)) fail_batch(i, "settlement_date", m);
    if (!digits(b.odfi_identification, 8)) fail_batch(i, "odfi_identification", "must be 8 digits");
    if (b.batch_number < 0 || b.batch_number > 9'999'999)
      fail_batch(i, "batch_number", "must be 0 to 9999999");
    if (b.entries.empty()) fail_batch(i, "entries", "a batch needs at least one entry");

    Totals t;
    for (size_t j = 0; j < b.entries.size(); ++j) {
      const NachaEntry& e = b.entries[j];
      if (auto m = bad_transaction_code(e.transaction_code))
        fail_entry(i, j, "transaction_code", m);
      if (auto m = bad_routing(e.rdfi_routing)) fail_entry(i, j, "rdfi_routing", m);
      if (auto m = bad_identifier(e.account_number, 17, true))
        fail_entry(i, j, "account_number", m);
      if (e.amount < 0 || e.amount > kMaxNachaAmount)
        fail_entry(i, j, "amount", "must be 0 to 9999999999 cents");
      if (auto m = bad_identifier(e.individual_id, 15, false)) fail_entry(i, j, "individual_id", m);
      if (auto m = bad_text(e.individual_name)) fail_entry(i, j, "individual_name", m);
      if (auto m = bad_identifier(e.discretionary_data, 2, false))
        fail_entry(i, j, "discretionary_data", m);
      if (!digits(e.trace_number, 15)) fail_entry(i, j, "trace_number", "must be 15 digits");
      if (e.returned) {
        if (auto f = return_fault(*e.returned)) fail_entry(i, j, f->field, f->message);
        if (e.returned->date_of_death) {
          yymmdd(*e.returned->date_of_death, ok);
          if (!ok) fail_entry(i, j, "returned.date_of_death", "must be a date in 2000-2099");
        }
      }
      if (e.change)
        if (auto f = change_fault(*e.change)) fail_entry(i, j, f->field, f->message);
      if (auto f = entry_rule_fault(sc, b.sec_code, e)) fail_entry(i, j, f->field, f->message);
      t.count += 1 + (e.returned || e.change ? 1 : 0);
      t.hash += digits_value(std::string_view(e.rdfi_routing).substr(0, 8));
      (nacha_is_debit(e.transaction_code) ? t.debit : t.credit) += e.amount;
    }
    if (t.count > kMaxBatchCount) fail_batch(i, "entries", "at most 999999 entries and addenda");
    if (t.debit > kMaxTotal)
      fail_batch(i, "entries", "the debits exceed 999999999999 cents (12 digits)");
    if (t.credit > kMaxTotal)
      fail_batch(i, "entries", "the credits exceed 999999999999 cents (12 digits)");
    if (sc == 0) sc = computed_service_class(b);
    service_classes_.push_back(sc);
    batch_totals_.push_back(t);
    return t;
  }

  // From the transaction codes, not the amounts: a batch of zero-dollar changes has a class.
  static int computed_service_class(const NachaBatch& b) {
    bool debits = false, credits = false;
    for (const auto& e : b.entries) (nacha_is_debit(e.transaction_code) ? debits : credits) = true;
    return debits && credits ? 200 : debits ? 225 : 220;
  }

  void write_header(std::string& out) const {
    Record r('1');
    r.raw(fh::priority, "01");
    r.raw(fh::destination, " ");
    r.raw({5, 13, ""}, f_.immediate_destination);
    if (f_.immediate_origin.size() == 9)
      r.raw({15, 23, ""}, f_.immediate_origin);
    else
      r.raw(fh::origin, f_.immediate_origin);
    bool ok;
    r.number(fh::date, uint64_t(yymmdd(f_.file_creation_date, ok)));
    auto t = f_.file_creation_time.count();
    r.number(fh::time, uint64_t(t / 60 * 100 + t % 60));
    r.raw(fh::modifier, std::string_view(&f_.file_id_modifier, 1));
    r.raw(fh::record_size, "094");
    r.raw(fh::blocking, "10");
    r.raw(fh::format, "1");
    r.text(fh::destination_name, f_.immediate_destination_name);
    r.text(fh::origin_name, f_.immediate_origin_name);
    r.text(fh::reference, f_.reference_code);
    r.append_to(out);
  }

  void write_batch(std::string& out, size_t i) const {
    const NachaBatch& b = f_.batches[i];
    int sc = service_classes_[i];
    bool ok;
    Record h('5');
    h.number(bh::service_class, uint64_t(sc));
    h.text(bh::company_name, b.company_name);
    h.text(bh::discretionary, b.company_discretionary_data);
    h.text(bh::company_id, b.company_identification);
    h.raw(bh::sec, b.sec_code);
    h.text(bh::description, b.company_entry_description);
    h.text(bh::descriptive_date, b.company_descriptive_date);
    h.number(bh::effective, uint64_t(yymmdd(b.effective_entry_date, ok)));
    h.raw(bh::settlement, b.settlement_date);
    h.raw(bh::status, "1");
    h.raw(bh::odfi, b.odfi_identification);
    h.number(bh::batch_number, uint64_t(b.batch_number));
    h.append_to(out);

    for (const NachaEntry& e : b.entries) {
      Record r('6');
      r.number(ed::code, uint64_t(e.transaction_code));
      r.raw(ed::routing, e.rdfi_routing);
      r.text(ed::account, e.account_number);
      r.number(ed::amount, uint64_t(e.amount));
      r.text(ed::individual_id, e.individual_id);
      r.text(ed::name, e.individual_name);
      r.text(ed::discretionary, e.discretionary_data);
      r.raw(ed::indicator, e.returned || e.change ? "1" : "0");
      r.raw(ed::trace, e.trace_number);
      r.append_to(out);
      if (e.returned) write_return(out, e, *e.returned);
      if (e.change) write_change(out, e, *e.change);
    }

    const Totals& t = batch_totals_[i];
    Record c('8');
    c.number(bc::service_class, uint64_t(sc));
    c.number(bc::count, t.count);
    c.number(bc::hash, t.hash % kHashModulus);
    c.number(bc::debit, uint64_t(t.debit));
    c.number(bc::credit, uint64_t(t.credit));
    c.text(bc::company_id, b.company_identification);
    c.raw(bc::odfi, b.odfi_identification);
    c.number(bc::batch_number, uint64_t(b.batch_number));
    c.append_to(out);
  }

  static void write_return(std::string& out, const NachaEntry& e, const Return& x) {
    Record r('7');
    r.raw(ad::addenda_type, "99");
    r.raw(ar::code, x.code);
    r.raw(ar::original_trace, x.original_trace);
    if (x.date_of_death) {
      bool ok;
      r.number(ar::date_of_death, uint64_t(yymmdd(*x.date_of_death, ok)));
    }
    r.raw(ar::original_rdfi, x.original_rdfi);
    r.text(ar::information, x.addenda_information);
    r.raw(ad::trace, e.trace_number);
    r.append_to(out);
  }

  static void write_change(std::string& out, const NachaEntry& e, const Change& x) {
    Record r('7');
    r.raw(ad::addenda_type, "98");
    r.raw(ac::code, x.code);
    r.raw(ac::original_trace, x.original_trace);
    r.raw(ac::original_rdfi, x.original_rdfi);
    // Corrected data (36-64): C01 account at 1; C02 routing at 1; C03 routing at 1, account
    // at 13 (positions of the field).
    if (x.code == "C01") {
      r.text(ac::corrected, x.corrected_account);
    } else if (x.code == "C02") {
      r.raw(ac::corrected, x.corrected_routing);
    } else if (x.code == "C03") {
      r.raw(ac::corrected, x.corrected_routing);
      r.text({48, 64, ""}, x.corrected_account);
    } else {
      r.text(ac::corrected, x.corrected_data);
    }
    r.raw(ad::trace, e.trace_number);
    r.append_to(out);
  }

  const NachaFile& f_;
  std::vector<Totals> batch_totals_;
  std::vector<int> service_classes_;
};

// ---------------------------------------------------------------------------------------
// Parser

class Parser {
 public:
  explicit Parser(std::string_view text) : rest_(text) {}

  NachaFile run() {
    NachaFile f;
    if (!next()) {
      line_ = 1;
      fail(fh::type, "the file is empty; it starts with a file header (1)");
    }
    check_length();
    if (rec_[0] != '1') fail_order("a file header (1)");
    scan(fh::all);
    read_file_header(f);
    size_t records = 1;
    enum class State { File, Batch, Addenda, Done } st = State::File;
    NachaBatch* batch = nullptr;
    Totals bt, ft;
    size_t entry_line = 0;
    while (next()) {
      check_length();
      char t = rec_[0];
      if (st == State::Done) {
        if (rec_.find_first_not_of('9') != std::string_view::npos)
          fail(fc::type, "only lines of 94 '9's may follow the file control");
        continue;
      }
      ++records;
      switch (st) {
        case State::File:
          if (t == '5') {
            scan(bh::all);
            batch = &f.batches.emplace_back();
            read_batch_header(*batch);
            batch->entries.reserve(entries_ahead());
            bt = Totals{};
            st = State::Batch;
          } else if (t == '9') {
            scan(fc::all);
            read_file_control(f, ft, records);
            st = State::Done;
          } else {
            fail_order("a batch header (5) or the file control (9)");
          }
          break;
        case State::Batch:
          if (t == '6') {
            scan(ed::all);
            NachaEntry& e = batch->entries.emplace_back();
            entry_line = line_;
            bool addenda = read_entry(e, bt);
            if (addenda)
              st = State::Addenda;
            else
              finish_entry(*batch, e, entry_line);
          } else if (t == '8') {
            scan(bc::all);
            read_batch_control(*batch, bt);
            ft.count += bt.count;
            ft.hash += bt.hash;
            ft.debit += bt.debit;
            ft.credit += bt.credit;
            st = State::File;
          } else if (t == '7') {
            fail("record_type",
                 "an addenda (7) follows only an entry whose addenda indicator "
                 "is 1, and only one");
          } else {
            fail_order("an entry (6) or the batch control (8)");
          }
          break;
        case State::Addenda: {
          if (t != '7')
            fail_order(fmt::format("the addenda (7) of the entry on line {}", entry_line));
          NachaEntry& e = batch->entries.back();
          read_addenda(e);
          ++bt.count;
          finish_entry(*batch, e, entry_line);
          st = State::Batch;
          break;
        }
        case State::Done:
          break;
      }
    }
    if (st != State::Done) {
      ++line_;
      fail(fc::type, st == State::Addenda ? "the file ends before the entry's addenda (7)"
                                          : "the file ends before its file control (9)");
    }
    return f;
  }

 private:
  bool next() {
    if (rest_.empty()) return false;
    const void* nl = std::memchr(rest_.data(), '\n', rest_.size());
    size_t n = nl ? size_t(static_cast<const char*>(nl) - rest_.data()) : rest_.size();
    rec_ = rest_.substr(0, n);
    rest_.remove_prefix(nl ? n + 1 : n);
    if (!rec_.empty() && rec_.back() == '\r') rec_.remove_suffix(1);
    ++line_;
    return true;
  }

  // The entry records (6) before the next batch control: a look at the first byte and the
  // length of each line, so the batch's vector is allocated once (growing it costs more than
  // the parse). Only full-length lines count, so a hostile input cannot reserve more than a
  // few times its own size.
  size_t entries_ahead() const {
    size_t n = 0;
    std::string_view r = rest_;
    while (!r.empty() && (r[0] == '6' || r[0] == '7')) {
      const void* nl = std::memchr(r.data(), '\n', r.size());
      size_t len = nl ? size_t(static_cast<const char*>(nl) - r.data()) : r.size();
      if (len != kRecordLength && !(len == kRecordLength + 1 && r[kRecordLength] == '\r')) break;
      n += r[0] == '6';
      r.remove_prefix(nl ? len + 1 : len);
    }
    return n;
  }

  [[noreturn]] void fail_at(size_t line, std::string_view field, std::string_view message) const {
    throw Error(Code::InvalidArgument, fmt::format("line {}, {}: {}", line, field, message),
                fmt::format("line {}", line));
  }
  [[noreturn]] void fail(std::string_view field, std::string_view message) const {
    fail_at(line_, field, message);
  }
  [[noreturn]] void fail(const Field& f, std::string_view message) const { fail(f.name, message); }
  [[noreturn]] void fail_order(std::string_view expected) const {
    char t = rec_[0];
    fail("record_type", is_printable(t) ? fmt::format("expected {}, found '{}'", expected, t)
                                        : fmt::format("expected {}, found byte 0x{:02x}", expected,
                                                      unsigned(static_cast<unsigned char>(t))));
  }

  void check_length() const {
    if (rec_.size() != kRecordLength)
      fail("record", fmt::format("{} characters, a record has 94", rec_.size()));
  }
  // Every byte printable ASCII; else the field that holds the first bad one.
  template <size_t N>
  void scan(const Field (&fields)[N]) const {
    for (size_t i = 0; i < kRecordLength; ++i) {
      if (is_printable(rec_[i])) continue;
      const char* name = "record";
      for (const Field& f : fields)
        if (int(i) + 1 >= f.from && int(i) + 1 <= f.to) name = f.name;
      fail(name, "contains a non-ASCII or control character");
    }
  }

  std::string_view at(const Field& f) const { return rec_.substr(size_t(f.from - 1), f.width()); }
  uint64_t number(const Field& f) const {
    auto s = at(f);
    for (char c : s)
      if (!is_digit(c)) fail(f, "not a number");
    return digits_value(s);
  }
  // Free text and identifiers: upper-cased, trailing blanks dropped (what the writer reads
  // back to the same).
  std::string text(const Field& f) const { return text_of(at(f)); }
  static std::string text_of(std::string_view s) {
    size_t n = s.size();
    while (n > 0 && s[n - 1] == ' ') --n;
    std::string out(s.substr(0, n));
    for (char& c : out) c = to_upper(c);
    return out;
  }
  Date date(const Field& f) const {
    auto s = at(f);
    if (!digits(s, 6)) fail(f, "not a number");
    auto v = digits_value(s);
    date::year_month_day ymd{date::year{2000 + int(v / 10000)},
                             date::month{unsigned(v / 100 % 100)}, date::day{unsigned(v % 100)}};
    if (!ymd.ok()) fail(f, fmt::format("{} is not a valid YYMMDD date", s));
    return Date{ymd};
  }
  void check(const Field& f, const char* message) const {
    if (message) fail(f, message);
  }

  void read_file_header(NachaFile& f) {
    (void)number(fh::priority);  // numeric; the value (01) is not kept
    auto dest = at(fh::destination);
    if (dest[0] != ' ') fail(fh::destination, "must be a blank and 9 digits");
    f.immediate_destination = std::string(dest.substr(1));
    check(fh::destination, bad_routing(f.immediate_destination));
    auto origin = at(fh::origin);
    f.immediate_origin = origin[0] == ' ' ? std::string(origin.substr(1)) : text_of(origin);
    if (origin[0] == ' ' && !digits(f.immediate_origin, 9))
      fail(fh::origin, "must be 10 characters of 0-9 and A-Z, or a blank and 9 digits");
    check(fh::origin, bad_origin(f.immediate_origin));
    f.file_creation_date = date(fh::date);
    auto hhmm = number(fh::time);
    if (hhmm / 100 > 23 || hhmm % 100 > 59)
      fail(fh::time, fmt::format("{} is not a valid HHMM time", at(fh::time)));
    f.file_creation_time = std::chrono::minutes(hhmm / 100 * 60 + hhmm % 100);
    char m = to_upper(rec_[fh::modifier.from - 1]);
    if (!(is_digit(m) || (m >= 'A' && m <= 'Z'))) fail(fh::modifier, "must be A-Z or 0-9");
    f.file_id_modifier = m;
    if (at(fh::record_size) != "094") fail(fh::record_size, "must be 094");
    if (at(fh::blocking) != "10") fail(fh::blocking, "must be 10");
    if (at(fh::format) != "1") fail(fh::format, "must be 1");
    f.immediate_destination_name = text(fh::destination_name);
    f.immediate_origin_name = text(fh::origin_name);
    f.reference_code = text(fh::reference);
  }

  void read_batch_header(NachaBatch& b) {
    auto sc = number(bh::service_class);
    if (sc != 200 && sc != 220 && sc != 225) fail(bh::service_class, "must be 200, 220 or 225");
    b.service_class_code = int(sc);
    b.company_name = text(bh::company_name);
    b.company_discretionary_data = text(bh::discretionary);
    b.company_identification = text(bh::company_id);
    check(bh::company_id, bad_identifier(b.company_identification, 10, true));
    b.sec_code = text(bh::sec);
    check(bh::sec, bad_sec(b.sec_code));
    b.company_entry_description = text(bh::description);
    b.company_descriptive_date = text(bh::descriptive_date);
    b.effective_entry_date = date(bh::effective);
    auto s = at(bh::settlement);
    b.settlement_date = s == "   " ? std::string() : std::string(s);
    check(bh::settlement, bad_settlement(b.settlement_date));
    if (!is_digit(rec_[bh::status.from - 1])) fail(bh::status, "not a number");
    b.odfi_identification = std::string(at(bh::odfi));
    if (!digits(b.odfi_identification, 8)) fail(bh::odfi, "not a number");
    b.batch_number = int(number(bh::batch_number));
  }

  // Returns whether an addenda follows.
  bool read_entry(NachaEntry& e, Totals& t) {
    e.transaction_code = int(number(ed::code));
    check(ed::code, bad_transaction_code(e.transaction_code));
    e.rdfi_routing = std::string(at(ed::routing));
    check(ed::routing, bad_routing(e.rdfi_routing));
    e.account_number = text(ed::account);
    check(ed::account, bad_identifier(e.account_number, 17, true));
    e.amount = Minor(number(ed::amount));
    e.individual_id = text(ed::individual_id);
    e.individual_name = text(ed::name);
    e.discretionary_data = text(ed::discretionary);
    char ind = rec_[ed::indicator.from - 1];
    if (ind != '0' && ind != '1') fail(ed::indicator, "must be 0 or 1");
    e.trace_number = std::string(at(ed::trace));
    if (!digits(e.trace_number, 15)) fail(ed::trace, "not a number");
    t.count += 1;
    t.hash += digits_value(at(ed::rdfi_id));
    (nacha_is_debit(e.transaction_code) ? t.debit : t.credit) += e.amount;
    return ind == '1';
  }

  void read_addenda(NachaEntry& e) {
    auto type = at(ad::addenda_type);
    if (type != "98" && type != "99")
      fail(ad::addenda_type,
           digits(type, 2)
               ? fmt::format("{} is not read (only 98, a change, and 99, a return)", type)
               : std::string("must be 98 (a change) or 99 (a return)"));
    if (type == "99") {
      scan(ar::all);
      Return& r = e.returned.emplace();
      r.code = text(ar::code);
      r.original_trace = std::string(at(ar::original_trace));
      if (at(ar::date_of_death) != "      ") r.date_of_death = date(ar::date_of_death);
      r.original_rdfi = std::string(at(ar::original_rdfi));
      r.addenda_information = text(ar::information);
      if (auto f = return_fault(r)) fail(f->field, f->message);
    } else {
      scan(ac::all);
      Change& c = e.change.emplace();
      c.code = text(ac::code);
      c.original_trace = std::string(at(ac::original_trace));
      c.original_rdfi = std::string(at(ac::original_rdfi));
      auto data = at(ac::corrected);
      if (c.code == "C01") {
        c.corrected_account = text_of(data);
      } else if (c.code == "C02") {
        c.corrected_routing = text_of(data);
      } else if (c.code == "C03") {
        c.corrected_routing = std::string(data.substr(0, 9));
        // NACHA puts the account at 13-29; some writers right-justify it: take it anywhere.
        auto rest = data.substr(9);
        size_t lead = rest.find_first_not_of(' ');
        c.corrected_account = text_of(lead == std::string_view::npos ? "" : rest.substr(lead));
      } else {
        c.corrected_data = text_of(data);
      }
      if (auto f = change_fault(c)) fail(f->field, f->message);
    }
    if (at(ad::trace) != e.trace_number)
      fail(ad::trace,
           fmt::format("{} is not the entry's trace number {}", at(ad::trace), e.trace_number));
  }

  void finish_entry(const NachaBatch& b, const NachaEntry& e, size_t line) const {
    if (auto f = entry_rule_fault(b.service_class_code, b.sec_code, e))
      fail_at(line, f->field, f->message);
  }

  // A control figure disagrees with what the records before it add up to.
  [[noreturn]] void disagree(const Field& f, uint64_t said, uint64_t computed) const {
    fail(f, fmt::format("{:0{}} but the records add up to {:0{}}", said, f.width(), computed,
                        f.width()));
  }

  void read_batch_control(const NachaBatch& b, const Totals& t) const {
    if (b.entries.empty()) fail("entries", "a batch needs at least one entry (6)");
    auto sc = number(bc::service_class);
    if (sc != uint64_t(b.service_class_code))
      fail(bc::service_class,
           fmt::format("{} but the batch header says {}", sc, b.service_class_code));
    if (auto v = number(bc::count); v != t.count) disagree(bc::count, v, t.count);
    if (auto v = number(bc::hash); v != t.hash % kHashModulus)
      disagree(bc::hash, v, t.hash % kHashModulus);
    if (auto v = number(bc::debit); v != uint64_t(t.debit))
      disagree(bc::debit, v, uint64_t(t.debit));
    if (auto v = number(bc::credit); v != uint64_t(t.credit))
      disagree(bc::credit, v, uint64_t(t.credit));
    if (auto id = text(bc::company_id); id != b.company_identification)
      fail(bc::company_id,
           fmt::format("'{}' but the batch header says '{}'", id, b.company_identification));
    if (auto odfi = at(bc::odfi); odfi != b.odfi_identification)
      fail(bc::odfi, fmt::format("{} but the batch header says {}", odfi, b.odfi_identification));
    if (auto n = number(bc::batch_number); n != uint64_t(b.batch_number))
      fail(bc::batch_number, fmt::format("{} but the batch header says {}", n, b.batch_number));
  }

  void read_file_control(const NachaFile& f, const Totals& t, size_t records) const {
    if (auto v = number(fc::batches); v != f.batches.size())
      disagree(fc::batches, v, f.batches.size());
    if (auto v = number(fc::blocks); v != (records + 9) / 10)
      disagree(fc::blocks, v, (records + 9) / 10);
    if (auto v = number(fc::count); v != t.count) disagree(fc::count, v, t.count);
    if (auto v = number(fc::hash); v != t.hash % kHashModulus)
      disagree(fc::hash, v, t.hash % kHashModulus);
    if (auto v = number(fc::debit); v != uint64_t(t.debit))
      disagree(fc::debit, v, uint64_t(t.debit));
    if (auto v = number(fc::credit); v != uint64_t(t.credit))
      disagree(fc::credit, v, uint64_t(t.credit));
  }

  std::string_view rest_, rec_;
  size_t line_ = 0;
};

}  // namespace

bool nacha_is_debit(int transaction_code) {
  int d = transaction_code % 10;
  return d >= 5;
}

std::string nacha_trace_number(std::string_view odfi, uint32_t sequence) {
  if (!digits(odfi, 8)) invalid("odfi_identification", "must be 8 digits");
  if (sequence > 9'999'999) invalid("sequence", "must be 0 to 9999999 (7 digits)");
  return fmt::format("{}{:07}", odfi, sequence);
}

std::string write_nacha(const NachaFile& f) { return Writer(f).run(); }

NachaFile parse_nacha(std::string_view text) { return Parser(text).run(); }

}  // namespace remit::payments
