#pragma once
// A composed message as a reader sees its text: quoted-printable soft line breaks removed and
// =XX escapes decoded (headers, encoded-words and base64 parts are left as they are), so a
// test can look for whole sentences, whatever their length or script.
#include <string>
#include <string_view>

namespace remit::test {

inline std::string mail_text(std::string_view m) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  std::string out;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '=' && m.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else if (m[i] == '=' && i + 2 < m.size() && hex(m[i + 1]) && hex(m[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(m.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += m[i];
    }
  }
  return out;
}

}  // namespace remit::test
