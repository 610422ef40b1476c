#include "notify/mime.h"

#include <date/date.h>
#include <fmt/format.h>
#include <sodium.h>

#include <cctype>
#include <cstring>

#include "core/error.h"

namespace remit::notify {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kMaxWordBytes = 39;  // 39 bytes -> 52 base64 chars -> a 64-char encoded-word
constexpr size_t kFoldAt = 78;        // RFC 5322's recommended line length

bool has_line_break(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

void check_header_value(const char* field, std::string_view v) {
  if (has_line_break(v)) invalid(field, "must not contain line breaks");
}

// A bare ASCII addr-spec: local@domain without spaces, controls or the specials that would
// let one value become several addresses or break out of the header.
void check_address(const char* field, std::string_view a) {
  check_header_value(field, a);
  if (a.empty()) invalid(field, "an address is empty");
  for (unsigned char c : a) {
    if (c <= 0x20 || c >= 0x7f || std::strchr("<>(),;:\"[]\\", c) != nullptr)
      invalid(field, "must be bare addresses like name@example.com");
  }
  auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size())
    invalid(field, "must be bare addresses like name@example.com");
}

bool plain_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c != '\t' && (c < 0x20 || c > 0x7e)) return false;
  return s.find("=?") == std::string_view::npos;
}

// Length of the UTF-8 sequence starting at s[i]; 1 for a stray or invalid byte.
size_t utf8_seq_len(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

std::string base64(std::string_view bin) {
  if (bin.empty()) return {};
  std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                    bin.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// base64 in 76-char lines joined by CRLF (no CRLF after the last).
std::string base64_lines(std::string_view bin) {
  std::string out;
  for (size_t i = 0; i < bin.size(); i += 57) {
    if (i) out += kCrlf;
    out += base64(bin.substr(i, 57));
  }
  return out;
}

// One line of text (no line break in it) as quoted-printable, soft-broken at 76 columns.
void qp_line(std::string& out, std::string_view line) {
  size_t col = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    bool last = i + 1 == line.size();
    char tok[4];
    size_t len;
    bool literal = (c == ' ' || c == '\t') ? !last : (c >= 33 && c <= 126 && c != '=');
    if (c == '.' && col == 0) literal = false;  // a leading dot would need SMTP dot-stuffing
    if (literal) {
      tok[0] = static_cast<char>(c);
      len = 1;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      tok[0] = '=', tok[1] = kHex[c >> 4], tok[2] = kHex[c & 15];
      len = 3;
    }
    if (col + len > 75) {  // leave room for the soft break's '='
      out += "=\r\n";
      col = 0;
      if (c == '.') tok[0] = '=', tok[1] = '2', tok[2] = 'E', len = 3;
    }
    out.append(tok, len);
    col += len;
  }
}

// The text's lines (split at CRLF, LF or CR) as quoted-printable joined by CRLF; ends with
// CRLF exactly when the text ends with a line break.
std::string quoted_printable(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (true) {
    size_t j = text.find_first_of("\r\n", i);
    qp_line(out, text.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    out += kCrlf;
    i = j + ((text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n') ? 2 : 1);
  }
  return out;
}

// RFC 2047 encoded-words for any text, folded with CRLF SP between words.
std::string encode_words(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size()) {
      size_t n = utf8_seq_len(s, j);
      if (j + n - i > kMaxWordBytes) break;
      j += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(s.substr(i, j - i)) + "?=";
    i = j;
  }
  return out;
}

// Plain-ASCII unstructured text folded at spaces (before a space that starts a word) so lines
// stay within 78 where the words allow. Returns "" when some line would exceed 998.
std::string fold_ascii(size_t prefix_len, std::string_view s) {
  std::string out;
  size_t line_len = prefix_len, i = 0;
  while (i < s.size()) {
    size_t j = i + 1;
    while (j < s.size() && !(s[j] == ' ' && j + 1 < s.size() && s[j + 1] != ' ')) ++j;
    std::string_view seg = s.substr(i, j - i);
    if (i > 0 && line_len + seg.size() > kFoldAt) {
      out += kCrlf;
      line_len = 0;
    }
    out += seg;
    line_len += seg.size();
    if (line_len > 998) return {};
    i = j;
  }
  return out;
}

bool is_atext(unsigned char c) {
  return std::isalnum(c) || std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

std::string from_header(const MailContent& m) {
  check_header_value("from", m.from_name);
  check_address("from", m.from_addr);
  const std::string& name = m.from_name;
  std::string addr = "<" + m.from_addr + ">";
  if (name.empty()) return m.from_addr;
  if (plain_ascii(name) && name.size() <= 60) {
    bool atoms = name.front() != ' ' && name.back() != ' ' &&
                 name.find("  ") == std::string::npos && name.find('\t') == std::string::npos;
    for (unsigned char c : name) atoms = atoms && (c == ' ' || is_atext(c));
    if (atoms) return name + " " + addr;
    std::string q = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\" " + addr;
  }
  std::string words = encode_words(name);
  size_t nl = words.rfind('\n');
  size_t last_line = nl == std::string::npos ? 6 + words.size()  // "From: " prefix
                                             : words.size() - nl - 1;
  bool fits = last_line + 1 + addr.size() <= kFoldAt;
  return words + (fits ? " " : "\r\n ") + addr;
}

std::string to_header(const std::vector<std::string>& to) {
  if (to.empty()) invalid("to", "at least one recipient is required");
  std::string out;
  size_t line_len = 4;  // "To: "
  for (size_t k = 0; k < to.size(); ++k) {
    check_address("to", to[k]);
    if (k > 0) {
      out += ",";
      ++line_len;
      if (line_len + 1 + to[k].size() + 1 > kFoldAt) {  // room for a following ',
        out += kCrlf;
        line_len = 0;
      }
      out += " ";
      ++line_len;
    }
    out += to[k];
    line_len += to[k].size();
  }
  return out;
}

std::string subject_header(std::string_view subject) {
  check_header_value("subject", subject);
  if (plain_ascii(subject)) {
    std::string folded = fold_ascii(9, subject);  // "Subject: "
    if (!folded.empty() || subject.empty()) return folded;
  }
  return encode_words(subject);
}

void check_message_id(std::string_view id) {
  check_header_value("message_id", id);
  if (id.empty()) invalid("message_id", "is required");
  if (id.size() > 250) invalid("message_id", "is too long");
  for (unsigned char c : id)
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
      invalid("message_id", "must be printable ASCII without spaces or <>");
}

std::string hex_hash(std::string_view s) {
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                     nullptr, 0);
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string text_entity(std::string_view subtype, std::string_view body) {
  return fmt::format(
      "Content-Type: text/{}; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
      "\r\n{}",
      subtype, quoted_printable(body));
}

std::string disposition(const Attachment& a) {
  check_header_value("attachments", a.filename);
  if (a.filename.size() > 255) invalid("attachments", "a filename is longer than 255 bytes");
  std::string_view name = a.filename.empty() ? std::string_view("attachment") : a.filename;
  if (plain_ascii(name) && name.find_first_of("\"\\") == std::string_view::npos)
    return fmt::format("attachment; filename=\"{}\"", name);
  std::string pct;  // RFC 2231
  for (unsigned char c : name) {
    if (std::isalnum(c) || std::strchr("!#$&+-.^_`|~", c) != nullptr)
      pct += static_cast<char>(c);
    else
      pct += fmt::format("%{:02X}", c);
  }
  return "attachment; filename*=UTF-8''" + pct;
}

std::string attachment_entity(const Attachment& a) {
  check_header_value("attachments", a.content_type);
  std::string_view type =
      a.content_type.empty() ? std::string_view("application/octet-stream") : a.content_type;
  if (type.find('/') == std::string_view::npos || type.size() > 200)
    invalid("attachments", "a content type must look like type/subtype");
  return fmt::format(
      "Content-Type: {}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: {}\r\n"
      "\r\n{}",
      type, disposition(a), base64_lines(a.data));
}

std::string multipart(std::string_view subtype, const std::string& boundary,
                      const std::vector<std::string>& parts) {
  std::string out =
      fmt::format("Content-Type: multipart/{};\r\n boundary=\"{}\"\r\n\r\n", subtype, boundary);
  for (const auto& p : parts) {
    out += "--" + boundary + "\r\n";
    out += p;
    out += kCrlf;
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace

std::string encode_word(std::string_view utf8) {
  return plain_ascii(utf8) ? std::string(utf8) : encode_words(utf8);
}

std::string rfc5322_date(Instant t) {
  using namespace date;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto d = floor<days>(t);
  year_month_day ymd{d};
  hh_mm_ss tod{t - d};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
                     kDays[weekday{d}.c_encoding()], static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count());
}

std::string build_mime(const MailContent& m) {
  check_message_id(m.message_id);
  std::string out;
  out += "From: " + from_header(m) + "\r\n";
  out += "To: " + to_header(m.to) + "\r\n";
  out += "Subject: " + subject_header(m.subject) + "\r\n";
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "Message-ID: <" + m.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";

  std::string hash = hex_hash(m.message_id);
  std::string body = m.html.empty()
                         ? text_entity("plain", m.text)
                         : multipart("alternative", "=_remit_alt_" + hash,
                                     {text_entity("plain", m.text), text_entity("html", m.html)});
  if (!m.attachments.empty()) {
    std::vector<std::string> parts{std::move(body)};
    for (const auto& a : m.attachments) parts.push_back(attachment_entity(a));
    body = multipart("mixed", "=_remit_mix_" + hash, parts);
  }
  out += body;
  if (!out.ends_with(kCrlf)) out += kCrlf;
  return out;
}

}  // namespace remit::notify
