#pragma once
// Text as people type it, pure: trimming, reading UTF-8 strictly (no overlong forms, no
// surrogates, nothing above U+10FFFF) and telling clean text (valid UTF-8 without control
// characters) from what is not.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace remit {

// s without the blanks (space, tab, CR, LF) at either end.
std::string trim(std::string_view s);
// The code point that starts at s[i], moving i past it; nullopt, with i moved one byte on,
// when s[i] does not start a valid UTF-8 sequence. REQUIRES: i < s.size().
std::optional<char32_t> next_code_point(std::string_view s, size_t& i);
// The C0 controls (tab and line breaks too), DEL and the C1 controls (U+0080-U+009F).
bool is_control(char32_t c);
// Valid UTF-8 with no control character in it.
bool clean_text(std::string_view s);

}  // namespace remit
