#pragma once
#include <cstdint>
#include <string>

namespace remit::cli {
void bench_bill_run(const std::string& dir, int64_t accounts, int chunk);
}  // namespace remit::cli
