#pragma once
// Text as people type it, pure: trimming, reading UTF-8 strictly (no overlong forms, no
// surrogates, nothing above U+10FFFF), and telling clean text from what is not. Text from
// outside (form fields, query strings, JSON strings) must be clean: a NUL, an ESC or a stray
// byte would otherwise reach PDFs, email headers, bank files and JSON answers, and break them.
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
bool valid_utf8(std::string_view s);
// Valid UTF-8 with no control character but tab, CR and LF (a text area's lines).
bool clean_text(std::string_view s);
// Valid UTF-8 with no control character at all (a name: one line).
bool clean_line(std::string_view s);
// The 400's message for text that is not clean.
inline constexpr const char* kUncleanText = "must be UTF-8 text without control characters";

}  // namespace remit
