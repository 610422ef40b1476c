// NACHA files (payments/nacha.h): the writer puts every field where NACHA says (checked against
// a file computed here by hand), blocks to 10 and refuses what it cannot write, naming the
// input; the parser reads the bank's returns and notifications of change, and names the line
// and field of whatever is wrong; a written file parses back to itself.
#include "payments/nacha.h"

#include <gtest/gtest.h>

#include <functional>
#include <numeric>

#include "core/error.h"

namespace remit::payments {
namespace {

// Independent of the implementation: left-justified blank-padded, right-justified zero-padded.
std::string L(std::string s, size_t width) {
  s.resize(width, ' ');
  return s;
}
std::string Z(uint64_t v, size_t width) {
  std::string s = std::to_string(v);
  return std::string(width - s.size(), '0') + s;
}
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}
std::string join(const std::vector<std::string>& lines, const char* end = "\n") {
  std::string s;
  for (const auto& l : lines) s += l + end;
  return s;
}
uint64_t rdfi_id(const std::string& routing) { return std::stoull(routing.substr(0, 8)); }

// The parse error of `text`, with its field; fails the test when it parses.
Error parse_error(const std::string& text) {
  try {
    parse_nacha(text);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "parsed, expected an error";
  return Error(Code::Internal, "");
}
Error write_error(const NachaFile& f) {
  try {
    write_nacha(f);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "written, expected an error";
  return Error(Code::Internal, "");
}

const char* kOdfi = "11000000";  // of the ODFI's routing 110000000

NachaEntry entry(int code, std::string routing, std::string account, Minor amount, std::string id,
                 std::string name, uint32_t seq) {
  NachaEntry e;
  e.transaction_code = code;
  e.rdfi_routing = std::move(routing);
  e.account_number = std::move(account);
  e.amount = amount;
  e.individual_id = std::move(id);
  e.individual_name = std::move(name);
  e.trace_number = nacha_trace_number(kOdfi, seq);
  return e;
}

// Two debits (PPD) and a micro-deposit batch of two credits (WEB, ACCTVERIFY).
NachaFile sample() {
  NachaFile f;
  f.immediate_destination = "110000000";
  f.immediate_origin = "1234567890";
  f.file_creation_date = make_date(2026, 3, 2);
  f.file_creation_time = std::chrono::minutes(9 * 60 + 30);
  f.file_id_modifier = 'A';
  f.immediate_destination_name = "FIRST BANK";
  f.immediate_origin_name = "REMIT DEMO";
  NachaBatch& b1 = f.batches.emplace_back();
  b1.company_name = "REMIT DEMO";
  b1.company_identification = "1234567890";
  b1.sec_code = "PPD";
  b1.company_entry_description = "PAYMENT";
  b1.effective_entry_date = make_date(2026, 3, 4);
  b1.odfi_identification = kOdfi;
  b1.batch_number = 1;
  b1.entries.push_back(
      entry(kCheckingDebit, "021000021", "123456789", 12345, "ACCT-1001", "PAT LEE", 1));
  b1.entries.push_back(
      entry(kSavingsDebit, "011000015", "987654321", 500000, "ACCT-1002", "SAM ROE", 2));
  NachaBatch& b2 = f.batches.emplace_back();
  b2.company_name = "REMIT DEMO";
  b2.company_identification = "1234567890";
  b2.sec_code = "WEB";
  b2.company_entry_description = "ACCTVERIFY";
  b2.effective_entry_date = make_date(2026, 3, 4);
  b2.odfi_identification = kOdfi;
  b2.batch_number = 2;
  for (Minor cents : {7, 32}) {
    auto e = entry(kCheckingCredit, "021000021", "555000111", cents, "PM-77", "JO DOE",
                   uint32_t(3 + b2.entries.size()));
    e.discretionary_data = "S";
    b2.entries.push_back(e);
  }
  return f;
}

TEST(NachaWrite, FieldsSitWhereNachaPutsThem) {
  NachaFile f = sample();
  // Lower case in, upper case out.
  f.batches[0].entries[0].individual_name = "Pat Lee";
  f.immediate_destination_name = "First Bank";
  std::string text = write_nacha(f);
  auto lines = lines_of(text);

  const auto& d = f.batches[0].entries;
  const auto& c = f.batches[1].entries;
  uint64_t hash1 = rdfi_id(d[0].rdfi_routing) + rdfi_id(d[1].rdfi_routing);
  uint64_t hash2 = rdfi_id(c[0].rdfi_routing) + rdfi_id(c[1].rdfi_routing);
  uint64_t debits = uint64_t(d[0].amount + d[1].amount);
  uint64_t credits = uint64_t(c[0].amount + c[1].amount);
  ASSERT_EQ(hash1, 2100002u + 1100001u);
  ASSERT_EQ(debits, 512345u);
  ASSERT_EQ(credits, 39u);

  std::vector<std::string> expected = {
      // 1 priority, destination with its blank, origin, YYMMDD, HHMM, modifier, 094, 10, 1,
      // destination name, origin name, reference code
      "1"
      "01"
      " 110000000"
      "1234567890"
      "260302"
      "0930"
      "A"
      "094"
      "10"
      "1" +
          L("FIRST BANK", 23) + L("REMIT DEMO", 23) + L("", 8),
      // 5 service class (debits only), company name, discretionary, company id, SEC,
      // description, descriptive date, effective date, settlement (blank), status 1, ODFI, batch
      "5"
      "225" +
          L("REMIT DEMO", 16) + L("", 20) + L("1234567890", 10) + "PPD" + L("PAYMENT", 10) +
          L("", 6) + "260304" + "   " + "1" + kOdfi + Z(1, 7),
      // 6 code, routing (8 + check digit), account, amount, id, name, discretionary,
      // addenda indicator, trace
      "6"
      "27"
      "021000021" +
          L("123456789", 17) + Z(12345, 10) + L("ACCT-1001", 15) + L("PAT LEE", 22) + "  " + "0" +
          kOdfi + Z(1, 7),
      "6"
      "37"
      "011000015" +
          L("987654321", 17) + Z(500000, 10) + L("ACCT-1002", 15) + L("SAM ROE", 22) + "  " + "0" +
          kOdfi + Z(2, 7),
      // 8 service class, count, hash, debits, credits, company id, MAC, reserved, ODFI, batch
      "8"
      "225" +
          Z(2, 6) + Z(hash1, 10) + Z(debits, 12) + Z(0, 12) + L("1234567890", 10) + L("", 19) +
          L("", 6) + kOdfi + Z(1, 7),
      "5"
      "220" +
          L("REMIT DEMO", 16) + L("", 20) + L("1234567890", 10) + "WEB" + L("ACCTVERIFY", 10) +
          L("", 6) + "260304" + "   " + "1" + kOdfi + Z(2, 7),
      "6"
      "22"
      "021000021" +
          L("555000111", 17) + Z(7, 10) + L("PM-77", 15) + L("JO DOE", 22) + "S " + "0" + kOdfi +
          Z(3, 7),
      "6"
      "22"
      "021000021" +
          L("555000111", 17) + Z(32, 10) + L("PM-77", 15) + L("JO DOE", 22) + "S " + "0" + kOdfi +
          Z(4, 7),
      "8"
      "220" +
          Z(2, 6) + Z(hash2, 10) + Z(0, 12) + Z(credits, 12) + L("1234567890", 10) + L("", 19) +
          L("", 6) + kOdfi + Z(2, 7),
      // 9 batches, blocks (10 records: 1), entries+addenda, hash, debits, credits, reserved
      "9" + Z(2, 6) + Z(1, 6) + Z(4, 8) + Z(hash1 + hash2, 10) + Z(debits, 12) + Z(credits, 12) +
          L("", 39),
  };
  ASSERT_EQ(lines.size(), expected.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(expected[i].size(), 94u) << "the test's own line " << i + 1;
    EXPECT_EQ(lines[i], expected[i]) << "line " << i + 1;
  }
  EXPECT_EQ(text, join(expected));
  // Spot checks by NACHA's positions (1-based): amount 30-39, trace 80-94, entry hash 11-20.
  EXPECT_EQ(lines[2].substr(29, 10), "0000012345");
  EXPECT_EQ(lines[3].substr(79, 15), "110000000000002");
  EXPECT_EQ(lines[4].substr(10, 10), "0003200003");
}

TEST(NachaWrite, RecordsAre94AndTheFileIsBlockedTo10) {
  for (size_t n : {1, 2, 5, 6, 7, 16, 40}) {
    NachaFile f = sample();
    f.batches.resize(1);
    auto& es = f.batches[0].entries;
    es.resize(1);
    for (size_t i = 1; i < n; ++i) {
      es.push_back(es[0]);
      es.back().trace_number = nacha_trace_number(kOdfi, uint32_t(i + 1));
    }
    std::string text = write_nacha(f);
    auto lines = lines_of(text);
    ASSERT_EQ(text.back(), '\n');
    EXPECT_EQ(lines.size() % 10, 0u) << n;
    size_t records = 4 + n;  // header, batch header, entries, batch control, file control
    EXPECT_EQ(lines.size(), (records + 9) / 10 * 10) << n;
    for (const auto& l : lines) EXPECT_EQ(l.size(), 94u);
    for (size_t i = records; i < lines.size(); ++i) EXPECT_EQ(lines[i], std::string(94, '9'));
    // The block count in the file control (positions 8-13).
    EXPECT_EQ(lines[records - 1].substr(7, 6), Z((records + 9) / 10, 6)) << n;
  }
}

TEST(NachaWrite, ServiceClassIsComputedWhenZeroAndCheckedWhenGiven) {
  NachaFile f = sample();
  f.batches[0].entries.push_back(f.batches[1].entries[0]);  // a credit among the debits
  auto lines = lines_of(write_nacha(f));
  EXPECT_EQ(lines[1].substr(1, 3), "200");
  EXPECT_EQ(lines[5].substr(1, 3), "200");  // batch control repeats it
  EXPECT_EQ(lines[6].substr(1, 3), "220");

  f.batches[0].service_class_code = 225;
  auto e = write_error(f);
  EXPECT_EQ(e.code, Code::InvalidArgument);
  EXPECT_EQ(e.field, "batches[0].entries[2].transaction_code");
  EXPECT_NE(std::string(e.what()).find("credit"), std::string::npos) << e.what();
}

TEST(NachaWrite, TextIsCutIdentifiersAreRefused) {
  NachaFile f = sample();
  f.batches[0].company_name = "A Very Long Company Name Inc";
  f.batches[0].entries[0].individual_name = "Maximilian Alexander Humboldt-Smith";
  auto lines = lines_of(write_nacha(f));
  EXPECT_EQ(lines[1].substr(4, 16), "A VERY LONG COMP");
  EXPECT_EQ(lines[2].substr(54, 22), "MAXIMILIAN ALEXANDER H");

  f = sample();
  f.batches[0].entries[1].account_number = "123456789012345678";  // 18
  auto e = write_error(f);
  EXPECT_EQ(e.field, "batches[0].entries[1].account_number");
}

TEST(NachaWrite, RefusesWhatItCannotWriteNamingTheInput) {
  struct Case {
    std::function<void(NachaFile&)> change;
    std::string field;
  };
  const Case cases[] = {
      {[](NachaFile& f) { f.batches[0].entries[1].amount = -1; }, "batches[0].entries[1].amount"},
      {[](NachaFile& f) { f.batches[1].entries[0].amount = 10'000'000'000; },
       "batches[1].entries[0].amount"},
      {[](NachaFile& f) { f.batches[0].entries[0].rdfi_routing = "021000022"; },
       "batches[0].entries[0].rdfi_routing"},
      {[](NachaFile& f) { f.batches[0].entries[0].rdfi_routing = "02100002"; },
       "batches[0].entries[0].rdfi_routing"},
      {[](NachaFile& f) { f.immediate_destination = "110000001"; }, "immediate_destination"},
      {[](NachaFile& f) {
         f.batches[1].entries[1].individual_name =
             "Jos\xc3\xa9 Pe\xc3\xb1"
             "a";
       },
       "batches[1].entries[1].individual_name"},
      {[](NachaFile& f) { f.batches[0].company_name = "ACME\tCO"; }, "batches[0].company_name"},
      {[](NachaFile& f) { f.immediate_origin_name = std::string("REMIT\nDEMO"); },
       "immediate_origin_name"},
      {[](NachaFile& f) { f.batches[1].sec_code = "CCD"; }, "batches[1].sec_code"},
      {[](NachaFile& f) { f.batches[0].entries[0].transaction_code = 28; },
       "batches[0].entries[0].transaction_code"},
      // A return code without a return or change.
      {[](NachaFile& f) { f.batches[0].entries[0].transaction_code = 26; },
       "batches[0].entries[0].transaction_code"},
      {[](NachaFile& f) { f.batches[0].entries[1].trace_number = "1100000000002"; },
       "batches[0].entries[1].trace_number"},
      {[](NachaFile& f) { f.batches[0].odfi_identification = "1100000"; },
       "batches[0].odfi_identification"},
      {[](NachaFile& f) { f.batches[0].effective_entry_date = make_date(1999, 12, 31); },
       "batches[0].effective_entry_date"},
      {[](NachaFile& f) { f.file_id_modifier = 'a'; }, "file_id_modifier"},
      {[](NachaFile& f) { f.batches[1].entries.clear(); }, "batches[1].entries"},
      {[](NachaFile& f) {
         f.batches[0].entries[0].returned = Return{"R99", "110000000000001", {}, "02100002", ""};
       },
       "batches[0].entries[0].returned.code"},
  };
  for (const auto& c : cases) {
    NachaFile f = sample();
    c.change(f);
    auto e = write_error(f);
    EXPECT_EQ(e.code, Code::InvalidArgument);
    EXPECT_EQ(e.field, c.field) << e.what();
  }
}

TEST(NachaRoundTrip, ParseGivesBackWhatWasWritten) {
  NachaFile f = sample();
  f.reference_code = "INV 42";
  f.batches[0].company_discretionary_data = "MONTHLY";
  f.batches[0].company_descriptive_date = "MAR 26";
  f.batches[0].service_class_code = 225;  // what the parser reports
  f.batches[1].service_class_code = 220;
  NachaFile back = parse_nacha(write_nacha(f));
  EXPECT_EQ(back, f);
  EXPECT_EQ(back.batches[0].entries[1].amount, 500000);
  EXPECT_EQ(back.batches[1].company_entry_description, "ACCTVERIFY");
  EXPECT_EQ(back.file_creation_time, std::chrono::minutes(570));

  // A 9-digit origin goes out as " 091000019" and comes back as 9 digits.
  f.immediate_origin = "091000019";
  auto text = write_nacha(f);
  EXPECT_EQ(text.substr(13, 10), " 091000019");
  EXPECT_EQ(parse_nacha(text), f);

  // Returns and changes too.
  f.batches[0].entries[0].transaction_code = kCheckingReturnDebit;
  f.batches[0].entries[0].returned =
      Return{"R15", "110000000000007", make_date(2026, 1, 5), "02100002", "DECEASED"};
  NachaBatch& cor = f.batches.emplace_back(f.batches[0]);
  cor.sec_code = "COR";
  cor.service_class_code = 225;
  cor.batch_number = 3;
  cor.entries.resize(1);
  cor.entries[0].returned.reset();
  cor.entries[0].amount = 0;
  cor.entries[0].change = Change{"C03", "110000000000009", "02100002", "011000015", "44-55", ""};
  EXPECT_EQ(parse_nacha(write_nacha(f)), f);
}

TEST(NachaParse, AcceptsCrLfNoFinalNewlineAndIgnoresPadding) {
  NachaFile f = sample();
  f.batches.resize(1);
  f.batches[0].service_class_code = 225;
  std::string text = write_nacha(f);
  auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 10u);  // 6 records and 4 lines of padding
  EXPECT_EQ(parse_nacha(join(lines, "\r\n")), f);
  std::string no_end = text.substr(0, text.size() - 1);
  EXPECT_EQ(parse_nacha(no_end), f);
  // Unpadded files are read too; the block count still says 1.
  std::vector<std::string> unpadded(lines.begin(), lines.begin() + 6);
  EXPECT_EQ(parse_nacha(join(unpadded)), f);
  // Lower case is read as upper case (what the writer would write).
  auto lower = lines;
  lower[2].replace(54, 7, "pat lee");
  EXPECT_EQ(parse_nacha(join(lower)).batches[0].entries[0].individual_name, "PAT LEE");
  // After the file control only padding.
  lines[8] = "1" + lines[8].substr(1);
  auto e = parse_error(join(lines));
  EXPECT_EQ(e.field, "line 9");
  EXPECT_NE(std::string(e.what()).find("line 9, record_type:"), std::string::npos) << e.what();
}

// What a parse error says: "line N, field: ...", and its field "line N".
void expect_error(const std::string& text, int line, const std::string& field,
                  const std::string& says = "") {
  auto e = parse_error(text);
  std::string msg = e.what();
  EXPECT_EQ(e.code, Code::InvalidArgument) << msg;
  EXPECT_EQ(e.field, "line " + std::to_string(line)) << msg;
  EXPECT_EQ(msg.rfind("line " + std::to_string(line) + ", " + field + ": ", 0), 0u) << msg;
  if (!says.empty()) {
    EXPECT_NE(msg.find(says), std::string::npos) << msg;
  }
}

TEST(NachaParse, ErrorsNameTheLineAndTheField) {
  const auto good = lines_of(write_nacha(sample()));
  ASSERT_NO_THROW(parse_nacha(join(good)));
  // Lines: 1 file header, 2 batch header, 3-4 debits, 5 batch control, 6 batch header,
  // 7-8 credits, 9 batch control, 10 file control.
  {
    auto l = good;
    l[2].pop_back();
    expect_error(join(l), 3, "record", "93 characters");
  }
  {
    auto l = good;
    std::swap(l[1], l[2]);  // an entry before its batch header
    expect_error(join(l), 2, "record_type", "found '6'");
  }
  {
    auto l = good;
    l.erase(l.begin() + 4);  // a batch header where its batch control should be
    expect_error(join(l), 5, "record_type", "found '5'");
  }
  {
    auto l = good;
    l[2][33] = 'X';  // amount, 30-39
    expect_error(join(l), 3, "amount", "not a number");
  }
  {
    auto l = good;
    l[4].replace(20, 12, Z(512346, 12));  // total debits, 21-32, one cent more
    expect_error(join(l), 5, "total_debit_amount",
                 "000000512346 but the records add up to 000000512345");
  }
  {
    auto l = good;
    l[8].replace(32, 12, Z(40, 12));  // total credits, 33-44
    expect_error(join(l), 9, "total_credit_amount");
  }
  {
    auto l = good;
    l[4].replace(4, 6, Z(3, 6));  // entry/addenda count, 5-10
    expect_error(join(l), 5, "entry_addenda_count");
  }
  {
    auto l = good;
    uint64_t hash = 2 * 2100002 + 2100002 + 1100001;
    l[9].replace(21, 10, Z(hash + 1, 10));  // entry hash, 22-31
    expect_error(join(l), 10, "entry_hash", Z(hash, 10));
  }
  {
    auto l = good;
    l[9].replace(1, 6, Z(3, 6));  // batch count, 2-7
    expect_error(join(l), 10, "batch_count");
  }
  {
    auto l = good;
    l[3][11] = '6';  // routing check digit (12): 011000016 fails 3-7-1, the hash is unchanged
    expect_error(join(l), 4, "rdfi_routing", "ABA");
  }
  {
    auto l = good;
    l[0][8] = '1';  // immediate destination 110010000
    expect_error(join(l), 1, "immediate_destination", "ABA");
  }
  {
    auto l = good;
    l[6][60] = '\x01';  // inside the individual name
    expect_error(join(l), 7, "individual_name", "control character");
  }
  {
    auto l = good;
    l.pop_back();  // no file control
    expect_error(join(l), 10, "record_type", "file control");
  }
  expect_error("", 1, "record_type");
  {
    auto l = good;
    l[1].replace(50, 3, "CTX");
    expect_error(join(l), 2, "sec_code");
  }
}

// A record built by positions (1-based), as a bank's system would.
struct Rec {
  std::string s = std::string(94, ' ');
  Rec& at(size_t pos, const std::string& v) {
    s.replace(pos - 1, v.size(), v);
    return *this;
  }
};

TEST(NachaParse, ReadsReturnsAndNotificationsOfChange) {
  struct Ret {
    const char* code;
    Minor amount;
    const char* date_of_death;
  };
  const Ret returns[] = {{"R01", 12345, ""}, {"R02", 2000, ""},   {"R03", 1999, ""},
                         {"R04", 100, ""},   {"R07", 45000, ""},  {"R08", 999, ""},
                         {"R10", 50, ""},    {"R29", 123456, ""}, {"R14", 777, "260215"}};
  struct Noc {
    const char* code;
    std::string corrected;  // the 29 characters of 36-64
  };
  const Noc changes[] = {
      {"C01", L("12345678901", 29)},
      {"C02", L("011000015", 29)},
      {"C03",
       "011000015"
       "   " +
           L("55544433", 17)},
  };
  const std::string rdfi = "02100002";   // the returning bank
  const std::string ours = "110000000";  // the entries go back to our ODFI
  std::vector<std::string> l;
  l.push_back(Rec{}
                  .at(1,
                      "1"
                      "01"
                      " 110000000"
                      " 021000021"
                      "260306"
                      "1405"
                      "B"
                      "094"
                      "10"
                      "1")
                  .at(41, "REMIT BANK")
                  .at(64, "FIRST NATIONAL")
                  .s);
  // Batch 1: returns of debits (transaction code 26: return of a 27).
  l.push_back(Rec{}
                  .at(1, "5225REMIT DEMO")
                  .at(41, "1234567890PPDPAYMENT")
                  .at(70, "260306062")
                  .at(79, "1" + rdfi + "0000001")
                  .s);
  uint64_t hash = 0, count = 0, debits = 0;
  for (size_t i = 0; i < std::size(returns); ++i) {
    const auto& r = returns[i];
    std::string trace = rdfi + Z(i + 1, 7), original = "11000000" + Z(i + 1, 7);
    l.push_back(Rec{}
                    .at(1, "626" + ours)
                    .at(13, "ACCT" + std::to_string(i))
                    .at(30, Z(uint64_t(r.amount), 10))
                    .at(40, "CUST" + std::to_string(i))
                    .at(55, "CUSTOMER " + std::to_string(i))
                    .at(79, "1" + trace)
                    .s);
    l.push_back(
        Rec{}
            .at(1, std::string("799") + r.code + original + L(r.date_of_death, 6) + "11000000")
            .at(36, "RETURNED ITEM")
            .at(80, trace)
            .s);
    hash += 11000000;
    count += 2;
    debits += uint64_t(r.amount);
  }
  l.push_back(
      Rec{}
          .at(1, "8225" + Z(count, 6) + Z(hash, 10) + Z(debits, 12) + Z(0, 12) + "1234567890")
          .at(80, rdfi + "0000001")
          .s);
  // Batch 2: notifications of change.
  l.push_back(Rec{}
                  .at(1, "5225REMIT DEMO")
                  .at(41, "1234567890CORPAYMENT")
                  .at(70, "260306062")
                  .at(79, "1" + rdfi + "0000002")
                  .s);
  uint64_t hash2 = 0, count2 = 0;
  for (size_t i = 0; i < std::size(changes); ++i) {
    std::string trace = rdfi + Z(100 + i, 7), original = "11000000" + Z(50 + i, 7);
    l.push_back(Rec{}
                    .at(1, "626" + ours)
                    .at(13, "OLD" + std::to_string(i))
                    .at(30, Z(0, 10))
                    .at(55, "CUSTOMER")
                    .at(79, "1" + trace)
                    .s);
    l.push_back(Rec{}
                    .at(1, std::string("798") + changes[i].code + original)
                    .at(28, "11000000")
                    .at(36, changes[i].corrected)
                    .at(80, trace)
                    .s);
    hash2 += 11000000;
    count2 += 2;
  }
  l.push_back(Rec{}
                  .at(1, "8225" + Z(count2, 6) + Z(hash2, 10) + Z(0, 12) + Z(0, 12) + "1234567890")
                  .at(80, rdfi + "0000002")
                  .s);
  size_t records = l.size() + 1;
  l.push_back(Rec{}
                  .at(1, "9" + Z(2, 6) + Z((records + 9) / 10, 6) + Z(count + count2, 8) +
                             Z(hash + hash2, 10) + Z(debits, 12) + Z(0, 12))
                  .s);
  while (l.size() % 10) l.push_back(std::string(94, '9'));
  for (const auto& line : l) ASSERT_EQ(line.size(), 94u) << line;

  NachaFile f = parse_nacha(join(l, "\r\n"));
  EXPECT_EQ(f.immediate_destination, "110000000");
  EXPECT_EQ(f.immediate_origin, "021000021");
  EXPECT_EQ(f.file_creation_date, make_date(2026, 3, 6));
  EXPECT_EQ(f.file_creation_time, std::chrono::minutes(14 * 60 + 5));
  EXPECT_EQ(f.file_id_modifier, 'B');
  EXPECT_EQ(f.immediate_origin_name, "FIRST NATIONAL");
  ASSERT_EQ(f.batches.size(), 2u);

  const NachaBatch& b = f.batches[0];
  EXPECT_EQ(b.sec_code, "PPD");
  EXPECT_EQ(b.settlement_date, "062");
  EXPECT_EQ(b.odfi_identification, rdfi);
  ASSERT_EQ(b.entries.size(), std::size(returns));
  for (size_t i = 0; i < std::size(returns); ++i) {
    const NachaEntry& e = b.entries[i];
    SCOPED_TRACE(returns[i].code);
    EXPECT_EQ(e.transaction_code, kCheckingReturnDebit);
    EXPECT_TRUE(nacha_is_debit(e.transaction_code));
    EXPECT_EQ(e.amount, returns[i].amount);
    EXPECT_EQ(e.account_number, "ACCT" + std::to_string(i));
    EXPECT_EQ(e.individual_name, "CUSTOMER " + std::to_string(i));
    EXPECT_EQ(e.trace_number, rdfi + Z(i + 1, 7));
    ASSERT_TRUE(e.returned);
    EXPECT_FALSE(e.change);
    EXPECT_EQ(e.returned->code, returns[i].code);
    EXPECT_EQ(e.returned->original_trace, "11000000" + Z(i + 1, 7));
    EXPECT_EQ(e.returned->original_rdfi, "11000000");
    EXPECT_EQ(e.returned->addenda_information, "RETURNED ITEM");
  }
  EXPECT_FALSE(b.entries[0].returned->date_of_death);
  EXPECT_EQ(b.entries.back().returned->date_of_death, make_date(2026, 2, 15));

  const NachaBatch& cor = f.batches[1];
  EXPECT_EQ(cor.sec_code, "COR");
  ASSERT_EQ(cor.entries.size(), 3u);
  for (const auto& e : cor.entries) {
    ASSERT_TRUE(e.change);
    EXPECT_FALSE(e.returned);
    EXPECT_EQ(e.change->original_rdfi, "11000000");
  }
  const Change& c01 = *cor.entries[0].change;
  EXPECT_EQ(c01.code, "C01");
  EXPECT_EQ(c01.original_trace, "110000000000050");
  EXPECT_EQ(c01.corrected_account, "12345678901");
  EXPECT_EQ(c01.corrected_routing, "");
  const Change& c02 = *cor.entries[1].change;
  EXPECT_EQ(c02.code, "C02");
  EXPECT_EQ(c02.corrected_routing, "011000015");
  EXPECT_EQ(c02.corrected_account, "");
  const Change& c03 = *cor.entries[2].change;
  EXPECT_EQ(c03.code, "C03");
  EXPECT_EQ(c03.corrected_routing, "011000015");
  EXPECT_EQ(c03.corrected_account, "55544433");
  EXPECT_EQ(c03.original_trace, "110000000000052");

  // And it writes back to the same file (the bank's reserved blanks and all).
  EXPECT_EQ(write_nacha(f), join(l));
  EXPECT_EQ(parse_nacha(write_nacha(f)), f);
}

TEST(NachaParse, AddendaMustMatchTheirEntry) {
  NachaFile f = sample();
  f.batches.resize(1);
  f.batches[0].service_class_code = 225;
  f.batches[0].entries[0].transaction_code = kCheckingReturnDebit;
  f.batches[0].entries[0].returned = Return{"R01", "110000000000001", {}, "02100002", ""};
  auto good = lines_of(write_nacha(f));
  ASSERT_EQ(good[3][0], '7');
  {
    auto l = good;
    l[3].replace(79, 15, "110000000000009");  // not the entry's trace number
    expect_error(join(l), 4, "trace_number", "entry's trace number");
  }
  {
    auto l = good;
    l[3].replace(3, 3, "R99");
    expect_error(join(l), 4, "returned.code", "R01 to R85");
  }
  {
    auto l = good;
    l[3].replace(1, 2, "05");
    expect_error(join(l), 4, "addenda_type_code");
  }
  {
    auto l = good;
    l.insert(l.begin() + 4, l[3]);  // a second addenda
    expect_error(join(l), 5, "record_type", "addenda indicator");
  }
  {
    auto l = good;
    l[2][78] = '0';  // no addenda announced: a return code without its return
    expect_error(join(l), 3, "transaction_code", "returns and changes");
  }
  {
    auto l = good;
    l.erase(l.begin() + 3);  // the entry says one follows, the batch control comes
    expect_error(join(l), 4, "record_type", "addenda (7) of the entry on line 3");
  }
}

TEST(NachaRoundTrip, HundredThousandEntries) {
  constexpr size_t kEntries = 100'000;
  NachaFile f = sample();
  f.batches.resize(2);
  for (auto& b : f.batches) b.entries.clear();
  f.batches[0].service_class_code = 225;
  f.batches[1].service_class_code = 220;
  const std::string routings[] = {"021000021", "011000015", "110000000", "091000019"};
  Minor debits = 0, credits = 0;
  uint64_t hash = 0;
  for (size_t i = 0; i < kEntries; ++i) {
    bool debit = i % 5 != 0;  // 80,000 debits, 20,000 credits
    const std::string& routing = routings[i % 4];
    Minor amount = Minor(i % 100'000) * 37 + 1;
    auto& b = f.batches[debit ? 0 : 1];
    b.entries.push_back(entry(debit ? kCheckingDebit : kSavingsCredit, routing,
                              "ACCT" + std::to_string(i), amount, "CUST" + std::to_string(i),
                              "CUSTOMER " + std::to_string(i), uint32_t(i + 1)));
    (debit ? debits : credits) += amount;
    hash += rdfi_id(routing);
  }
  std::string text = write_nacha(f);
  auto lines = lines_of(text);
  size_t records = 2 + 2 * 2 + kEntries;
  EXPECT_EQ(lines.size(), (records + 9) / 10 * 10);
  EXPECT_EQ(lines.size() % 10, 0u);
  const std::string& control = lines[records - 1];
  ASSERT_EQ(control[0], '9');
  EXPECT_EQ(control.substr(1, 6), Z(2, 6));
  EXPECT_EQ(control.substr(7, 6), Z((records + 9) / 10, 6));
  EXPECT_EQ(control.substr(13, 8), Z(kEntries, 8));
  EXPECT_EQ(control.substr(21, 10), Z(hash % 10'000'000'000, 10));
  EXPECT_EQ(control.substr(31, 12), Z(uint64_t(debits), 12));
  EXPECT_EQ(control.substr(43, 12), Z(uint64_t(credits), 12));

  NachaFile back = parse_nacha(text);
  ASSERT_EQ(back.batches.size(), 2u);
  EXPECT_EQ(back.batches[0].entries.size(), 80'000u);
  EXPECT_EQ(back.batches[1].entries.size(), 20'000u);
  auto sum = [](const NachaBatch& b) {
    return std::accumulate(b.entries.begin(), b.entries.end(), Minor{0},
                           [](Minor s, const NachaEntry& e) { return s + e.amount; });
  };
  EXPECT_EQ(sum(back.batches[0]), debits);
  EXPECT_EQ(sum(back.batches[1]), credits);
  EXPECT_EQ(back.batches[1].entries.back().individual_id, "CUST99995");
  EXPECT_TRUE(back == f);
}

}  // namespace
}  // namespace remit::payments
