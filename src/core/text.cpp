#include "core/text.h"

namespace remit {
namespace {
// Every code point valid and passing `ok`.
template <class Ok>
bool every_code_point(std::string_view s, Ok ok) {
  for (size_t i = 0; i < s.size();) {
    auto c = next_code_point(s, i);
    if (!c || !ok(*c)) return false;
  }
  return true;
}
}  // namespace

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

std::optional<char32_t> next_code_point(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  size_t start = i++;
  if (lead < 0x80) return lead;
  size_t more = lead >= 0xC2 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2
              : lead >= 0xF0 && lead <= 0xF4 ? 3 : 0;
  if (more == 0 || start + more >= s.size()) return std::nullopt;
  char32_t c = lead & (0x3F >> more);
  for (size_t k = 1; k <= more; ++k) {
    if ((byte(start + k) & 0xC0) != 0x80) return std::nullopt;
    c = (c << 6) | (byte(start + k) & 0x3F);
  }
  bool overlong = (more == 2 && c < 0x800) || (more == 3 && c < 0x10000);
  if (overlong || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) return std::nullopt;
  i = start + more + 1;
  return c;
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

bool valid_utf8(std::string_view s) {
  return every_code_point(s, [](char32_t) { return true; });
}

bool clean_text(std::string_view s) {
  return every_code_point(s, [](char32_t c) { return !is_control(c) || c == '\t' || c == '\r' || c == '\n'; });
}

bool clean_line(std::string_view s) {
  return every_code_point(s, [](char32_t c) { return !is_control(c); });
}

}  // namespace remit
