// remit bench nacha: a NACHA file of N entries (debits in a PPD and a WEB batch, micro-deposit
// credits) written and parsed back, each timed; fails unless the parse gives back the file.
#include <fmt/format.h>

#include "cli/bench.h"
#include "payments/nacha.h"

namespace remit::cli {

void bench_nacha(int64_t entries) {
  using namespace payments;
  NachaFile f;
  f.immediate_destination = "110000000";
  f.immediate_origin = "9000000001";
  f.file_creation_date = make_date(2026, 3, 2);
  f.immediate_destination_name = "SANDBOX BANK";
  f.immediate_origin_name = "BENCH NETWORKS";
  const char* secs[] = {"PPD", "WEB", "WEB"};
  for (int b = 0; b < 3; ++b) {
    NachaBatch batch;
    batch.company_name = "BENCH NETWORKS";
    batch.company_identification = f.immediate_origin;
    batch.sec_code = secs[b];
    batch.company_entry_description = b == 2 ? "ACCTVERIFY" : "PAYMENT";
    batch.effective_entry_date = f.file_creation_date;
    batch.odfi_identification = "11000000";
    batch.batch_number = b + 1;
    f.batches.push_back(std::move(batch));
  }
  for (int64_t i = 0; i < entries; ++i) {
    int b = i % 10 == 9 ? 2 : static_cast<int>(i % 2);
    NachaEntry e;
    e.transaction_code = b == 2 ? kCheckingCredit : (i % 3 ? kCheckingDebit : kSavingsDebit);
    e.rdfi_routing = "110000000";
    e.account_number = fmt::format("{:012}", 100000000 + i);
    e.amount = b == 2 ? 1 + i % 99 : 1000 + (i * 37) % 500000;
    e.individual_id = fmt::format("{:07}", i);
    e.individual_name = fmt::format("CUSTOMER {}", i);
    e.trace_number = nacha_trace_number("11000000", static_cast<uint32_t>(i + 1));
    f.batches[b].entries.push_back(std::move(e));
  }
  double t0 = now_s();
  std::string text = write_nacha(f);
  double write_s = now_s() - t0;
  t0 = now_s();
  NachaFile back = parse_nacha(text);
  double parse_s = now_s() - t0;
  if (!(back.batches.size() == f.batches.size() &&
        back.batches[0].entries.size() == f.batches[0].entries.size() &&
        write_nacha(back) == text))
    throw Error(Code::Internal, "bench: the parsed file differs from the written one");
  fmt::print("nacha: {} entries, {:.1f} MB: written in {:.3f}s, parsed in {:.3f}s\n", entries,
             text.size() / 1e6, write_s, parse_s);
  fmt::print("{{\"bench\":\"nacha\",\"entries\":{},\"bytes\":{},\"write_s\":{:.3f},\"parse_s\":{:.3f}}}\n",
             entries, text.size(), write_s, parse_s);
}

}  // namespace remit::cli
