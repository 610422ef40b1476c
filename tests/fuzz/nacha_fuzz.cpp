// libFuzzer target for the NACHA parser (payments/nacha.h): any input either is refused with
// remit::Error or parses into a file that writes back and parses again to the same file. A
// crash, a sanitizer report, another exception or a round trip that does not hold is a bug.
// Built by clang++-14 apart from the rest (CMakeLists.txt: nacha_fuzz, ctest fuzz.nacha).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "payments/nacha.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace remit::payments;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  NachaFile first;
  try {
    first = parse_nacha(text);
  } catch (const remit::Error&) {
    return 0;  // refused: expected for most inputs
  }
  try {
    NachaFile again = parse_nacha(write_nacha(first));
    if (!(again == first)) __builtin_trap();
  } catch (...) {
    __builtin_trap();  // a parsed file must write, and read back
  }
  return 0;
}
