#pragma once
// Text from outside (form fields, query strings, JSON strings): it must be valid UTF-8 with
// no control character but tab, CR and LF. A NUL, an ESC or a stray byte would otherwise reach
// PDFs, email headers, bank files and JSON answers, and break them.
#include <string_view>

namespace remit {

bool valid_utf8(std::string_view s);  // no overlong forms, surrogates or code points > U+10FFFF
bool clean_text(std::string_view s);  // valid UTF-8, and no C0 control (but \t \r \n) or DEL
// The 400's message for text that is not clean.
inline constexpr const char* kUncleanText = "must be UTF-8 text without control characters";

}  // namespace remit
