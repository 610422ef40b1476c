#include "domain/ach_text.h"

#include <array>
#include <utility>

#include "core/text.h"

namespace remit::domain {
namespace {

// U+00C0-U+017F in runs of code points with one base letter, in order ("" a blank: × and ÷).
struct Run {
  int count;
  const char* base;
};
constexpr Run kLatin[] = {
    // Latin-1 Supplement, capitals À-Þ and ß
    {6, "A"}, {1, "AE"}, {1, "C"}, {4, "E"}, {4, "I"}, {1, "D"}, {1, "N"}, {5, "O"}, {1, ""},
    {1, "O"}, {4, "U"}, {1, "Y"}, {1, "TH"}, {1, "SS"},
    // small à-ÿ
    {6, "A"}, {1, "AE"}, {1, "C"}, {4, "E"}, {4, "I"}, {1, "D"}, {1, "N"}, {5, "O"}, {1, ""},
    {1, "O"}, {4, "U"}, {1, "Y"}, {1, "TH"}, {1, "Y"},
    // Latin Extended-A, Ā-ſ (capital and small alternate)
    {6, "A"}, {8, "C"}, {4, "D"}, {10, "E"}, {8, "G"}, {4, "H"}, {10, "I"}, {2, "IJ"}, {2, "J"},
    {3, "K"}, {10, "L"}, {9, "N"}, {6, "O"}, {2, "OE"}, {6, "R"}, {8, "S"}, {6, "T"}, {12, "U"},
    {2, "W"}, {3, "Y"}, {6, "Z"}, {1, "S"}};
constexpr char32_t kLatinFirst = 0xC0, kLatinEnd = 0x180;

constexpr int latin_count() {
  int n = 0;
  for (auto& r : kLatin) n += r.count;
  return n;
}
static_assert(latin_count() == int(kLatinEnd - kLatinFirst), "a run is miscounted");

constexpr auto kBase = [] {
  std::array<const char*, kLatinEnd - kLatinFirst> t{};
  size_t at = 0;
  for (auto& r : kLatin)
    for (int k = 0; k < r.count; ++k) t[at++] = r.base;
  return t;
}();

bool combining_accent(char32_t c) { return c >= 0x300 && c <= 0x36F; }

// What one code point becomes: ASCII upper-cased, a Latin letter its base, else a blank.
std::string_view fold(char32_t c, char& ascii) {
  if (c >= 0x20 && c < 0x7F) {
    ascii = c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : char(c);
    return {&ascii, 1};
  }
  if (c >= kLatinFirst && c < kLatinEnd && *kBase[c - kLatinFirst]) return kBase[c - kLatinFirst];
  return " ";
}

}  // namespace

std::string ach_text(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    auto c = next_code_point(utf8, i);
    if (c && combining_accent(*c)) continue;
    char ascii = ' ';
    for (char ch : c ? fold(*c, ascii) : std::string_view(" "))
      if (ch != ' ' || (!out.empty() && out.back() != ' ')) out.push_back(ch);
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace remit::domain
