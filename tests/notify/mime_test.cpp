// build_mime and encode_word: parse the message back with small decoders written here
// (independent of the encoder) and check headers, bodies, attachments, folding, line lengths,
// determinism and header-injection refusal.
#include "notify/mime.h"

#include <gtest/gtest.h>

#include <map>

#include "core/error.h"

namespace remit::notify {
namespace {

using namespace std::chrono;

// ---- decoders -------------------------------------------------------------------------

std::string b64decode(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, acc = 0;
  for (char c : s) {
    if (c == '=') break;
    int v = val(c);
    if (v < 0) continue;  // line breaks
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string qp_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out += s[i];
    } else if (s.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

// RFC 2047: encoded-words decoded; whitespace between two adjacent encoded-words dropped.
std::string decode_words(std::string_view folded) {
  std::string v;  // unfolded
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded.substr(i, 2) == "\r\n") ++i;
    else v += folded[i];
  }
  std::string out, pending_ws;
  bool last_was_word = false;
  size_t i = 0;
  while (i < v.size()) {
    if (v.substr(i, 10) == "=?UTF-8?B?") {
      size_t end = v.find("?=", i + 10);
      if (!last_was_word) out += pending_ws;
      pending_ws.clear();
      out += b64decode(v.substr(i + 10, end - i - 10));
      i = end + 2;
      last_was_word = true;
    } else if (v[i] == ' ' || v[i] == '\t') {
      pending_ws += v[i++];
    } else {
      out += pending_ws;
      pending_ws.clear();
      out += v[i++];
      last_was_word = false;
    }
  }
  return out + pending_ws;
}

struct Entity {
  std::map<std::string, std::string> headers;  // lower-case name -> unfolded value
  std::string body;
};

Entity parse_entity(std::string_view raw) {
  Entity e;
  size_t split = raw.find("\r\n\r\n");
  std::string_view head = raw.substr(0, split);
  e.body = split == std::string_view::npos ? "" : std::string(raw.substr(split + 4));
  std::string unfolded;
  for (size_t i = 0; i < head.size(); ++i) {
    if (head.substr(i, 3) == "\r\n " || head.substr(i, 3) == "\r\n\t") {
      i += 1;  // drop CRLF, keep the WSP
      continue;
    }
    unfolded += head[i];
  }
  size_t pos = 0;
  while (pos < unfolded.size()) {
    size_t eol = unfolded.find("\r\n", pos);
    if (eol == std::string::npos) eol = unfolded.size();
    std::string line = unfolded.substr(pos, eol - pos);
    auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    e.headers[name] = line.substr(colon + 2);
    pos = eol + 2;
  }
  return e;
}

std::string boundary_of(const Entity& e) {
  const auto& ct = e.headers.at("content-type");
  auto b = ct.find("boundary=\"");
  auto end = ct.find('"', b + 10);
  return ct.substr(b + 10, end - b - 10);
}

std::vector<Entity> parts_of(const Entity& e) {
  std::string delim = "--" + boundary_of(e);
  std::vector<Entity> parts;
  std::string_view body = e.body;
  size_t start = body.find(delim);
  EXPECT_EQ(start, 0u);
  while (true) {
    size_t content = start + delim.size();
    if (body.substr(content, 2) == "--") break;
    content += 2;  // CRLF after the delimiter
    size_t next = body.find("\r\n" + delim, content);
    EXPECT_NE(next, std::string_view::npos);
    parts.push_back(parse_entity(body.substr(content, next - content)));
    start = next + 2;
  }
  return parts;
}

void expect_line_lengths(const std::string& msg, size_t max) {
  size_t pos = 0;
  while (pos < msg.size()) {
    size_t eol = msg.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos) << "message must end with CRLF";
    EXPECT_LE(eol - pos, max) << msg.substr(pos, eol - pos);
    pos = eol + 2;
  }
  // No bare CR or LF.
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') { EXPECT_TRUE(i > 0 && msg[i - 1] == '\r'); }
    if (msg[i] == '\r') { EXPECT_TRUE(i + 1 < msg.size() && msg[i + 1] == '\n'); }
  }
}

MailContent sample() {
  MailContent m;
  m.from_name = "Acme Networks";
  m.from_addr = "billing@acme.example";
  m.to = {"ap@customer.example", "cfo@customer.example"};
  m.subject = "Invoice INV-000123";
  m.text = "Hello,\nyour invoice is ready.\n";
  m.html = "<p>Hello,</p><p>your invoice is ready.</p>";
  m.message_id = "t1.o42@remit.example";
  m.date = sys_days{2026y / November / 23};
  return m;
}

// ---- build_mime -----------------------------------------------------------------------

TEST(Mime, HeadersAndStructure) {
  auto m = sample();
  m.attachments.push_back({"INV-000123.pdf", "application/pdf", "%PDF-1.7 fake"});
  std::string msg = build_mime(m);
  auto e = parse_entity(msg);
  EXPECT_EQ(e.headers["from"], "Acme Networks <billing@acme.example>");
  EXPECT_EQ(e.headers["to"], "ap@customer.example, cfo@customer.example");
  EXPECT_EQ(e.headers["subject"], "Invoice INV-000123");
  EXPECT_EQ(e.headers["date"], "Mon, 23 Nov 2026 00:00:00 +0000");
  EXPECT_EQ(e.headers["message-id"], "<t1.o42@remit.example>");
  EXPECT_EQ(e.headers["mime-version"], "1.0");
  EXPECT_TRUE(e.headers["content-type"].starts_with("multipart/mixed; boundary="))
      << e.headers["content-type"];
  EXPECT_TRUE(msg.starts_with("From: "));

  auto parts = parts_of(e);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(parts[0].headers["content-type"].starts_with("multipart/alternative"));
  auto alt = parts_of(parts[0]);
  ASSERT_EQ(alt.size(), 2u);
  EXPECT_EQ(alt[0].headers["content-type"], "text/plain; charset=UTF-8");
  EXPECT_EQ(alt[1].headers["content-type"], "text/html; charset=UTF-8");
  EXPECT_EQ(qp_decode(alt[0].body), "Hello,\r\nyour invoice is ready.\r\n");
  EXPECT_EQ(qp_decode(alt[1].body), m.html);
  EXPECT_EQ(parts[1].headers["content-type"], "application/pdf");
  EXPECT_EQ(parts[1].headers["content-transfer-encoding"], "base64");
  EXPECT_EQ(parts[1].headers["content-disposition"],
            "attachment; filename=\"INV-000123.pdf\"");
  EXPECT_EQ(b64decode(parts[1].body), "%PDF-1.7 fake");
  expect_line_lengths(msg, 78);
}

TEST(Mime, TextOnlyIsOnePart) {
  auto m = sample();
  m.html.clear();
  auto e = parse_entity(build_mime(m));
  EXPECT_EQ(e.headers["content-type"], "text/plain; charset=UTF-8");
  EXPECT_EQ(e.headers["content-transfer-encoding"], "quoted-printable");
  EXPECT_EQ(qp_decode(e.body), "Hello,\r\nyour invoice is ready.\r\n");
}

TEST(Mime, BinaryAttachmentRoundTrips) {
  auto m = sample();
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>((i * 7 + i / 256) & 0xff);
  m.attachments.push_back({"data.bin", "", data});
  m.attachments.push_back({"empty.txt", "text/plain", ""});
  std::string msg = build_mime(m);
  auto parts = parts_of(parse_entity(msg));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1].headers["content-type"], "application/octet-stream");
  EXPECT_EQ(b64decode(parts[1].body), data);
  EXPECT_EQ(b64decode(parts[2].body), "");
  size_t pos = 0;
  while ((pos = parts[1].body.find("\r\n", pos)) != std::string::npos) {
    if (pos + 2 < parts[1].body.size()) {
      // every full base64 line is exactly 76 characters
      auto prev = parts[1].body.rfind("\r\n", pos - 1);
      size_t start = prev == std::string::npos ? 0 : prev + 2;
      EXPECT_EQ(pos - start, 76u);
    }
    pos += 2;
  }
  expect_line_lengths(msg, 78);
}

TEST(Mime, ChineseSubjectAndNameEncodeAndDecodeBack) {
  auto m = sample();
  m.subject = "发票 INV-000123 已开具";
  m.from_name = "西部中央电信有限公司账单中心（自动发送，请勿回复）";
  m.text = "您好：\n发票 INV-000123 已开具，应付金额 ¥1,234.56。\n";
  std::string msg = build_mime(m);
  auto e = parse_entity(msg);
  EXPECT_TRUE(e.headers["subject"].starts_with("=?UTF-8?B?"));
  EXPECT_EQ(decode_words(e.headers["subject"]), m.subject);
  auto from = e.headers["from"];
  auto lt = from.rfind(" <");
  EXPECT_EQ(decode_words(from.substr(0, lt)), m.from_name);
  EXPECT_EQ(from.substr(lt + 1), "<billing@acme.example>");
  auto alt = parts_of(e);
  EXPECT_EQ(qp_decode(alt[0].body), "您好：\r\n发票 INV-000123 已开具，应付金额 ¥1,234.56。\r\n");
  expect_line_lengths(msg, 76);
}

TEST(Mime, DisplayNamesNeedingQuotes) {
  auto m = sample();
  m.from_name = "Acme, \"Networks\" Inc.";
  EXPECT_EQ(parse_entity(build_mime(m)).headers["from"],
            "\"Acme, \\\"Networks\\\" Inc.\" <billing@acme.example>");
  m.from_name = "";
  EXPECT_EQ(parse_entity(build_mime(m)).headers["from"], "billing@acme.example");
}

TEST(Mime, QuotedPrintableKeepsAwkwardText) {
  auto m = sample();
  m.html.clear();
  std::string long_line(300, 'x');
  m.text = "a = b\r\n.leading dot\ntrailing space \rtab\t\n" + long_line + "\n" +
           std::string(100, '=') + "\nend";
  std::string msg = build_mime(m);
  auto e = parse_entity(msg);
  EXPECT_EQ(qp_decode(e.body), "a = b\r\n.leading dot\r\ntrailing space \r\ntab\t\r\n" +
                                   long_line + "\r\n" + std::string(100, '=') + "\r\nend\r\n");
  EXPECT_EQ(e.body.find("\r\n."), std::string::npos);
  EXPECT_FALSE(e.body.starts_with("."));
  expect_line_lengths(msg, 76);
}

TEST(Mime, SameContentSameBytes) {
  auto m = sample();
  m.attachments.push_back({"a.pdf", "application/pdf", "x"});
  EXPECT_EQ(build_mime(m), build_mime(m));
  auto other = m;
  other.message_id = "t1.o43@remit.example";
  EXPECT_NE(boundary_of(parse_entity(build_mime(m))),
            boundary_of(parse_entity(build_mime(other))));
}

TEST(Mime, LongRecipientListsAndSubjectsAreFolded) {
  auto m = sample();
  m.to.clear();
  for (int i = 0; i < 40; ++i) m.to.push_back("person" + std::to_string(i) + "@customer.example");
  m.subject = "";
  for (int i = 0; i < 60; ++i) m.subject += "word" + std::to_string(i) + " ";
  m.subject += "end";
  std::string msg = build_mime(m);
  expect_line_lengths(msg, 78);
  auto e = parse_entity(msg);
  EXPECT_EQ(e.headers["subject"], m.subject);
  std::string joined;
  for (const auto& t : m.to) joined += (joined.empty() ? "" : ", ") + t;
  EXPECT_EQ(e.headers["to"], joined);
}

TEST(Mime, NoLineOver998EvenForAnUnbreakableSubject) {
  auto m = sample();
  m.subject = std::string(5000, 'S');
  std::string msg = build_mime(m);
  expect_line_lengths(msg, 998);
  EXPECT_EQ(decode_words(parse_entity(msg).headers["subject"]), m.subject);
}

TEST(Mime, NonAsciiFilenameUsesRfc2231) {
  auto m = sample();
  m.attachments.push_back({"发票 1.pdf", "application/pdf", "x"});
  auto parts = parts_of(parse_entity(build_mime(m)));
  EXPECT_EQ(parts[1].headers["content-disposition"],
            "attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8%201.pdf");
}

void expect_invalid(const MailContent& m, const std::string& field) {
  try {
    build_mime(m);
    ADD_FAILURE() << "accepted; expected an error on " << field;
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::InvalidArgument);
    EXPECT_EQ(e.field, field) << e.what();
  }
}

TEST(Mime, RefusesHeaderInjection) {
  auto m = sample();
  m.subject = "Invoice\r\nBcc: victim@example.com";
  expect_invalid(m, "subject");
  m = sample();
  m.subject = "Invoice\nBcc: victim@example.com";
  expect_invalid(m, "subject");
  m = sample();
  m.to = {"ap@customer.example\r\nBcc: victim@example.com"};
  expect_invalid(m, "to");
  m = sample();
  m.to = {"ap@customer.example, victim@example.com"};
  expect_invalid(m, "to");
  m = sample();
  m.to = {};
  expect_invalid(m, "to");
  m = sample();
  m.from_name = "Acme\rBcc: x@y";
  expect_invalid(m, "from");
  m = sample();
  m.from_addr = "billing@acme.example\n";
  expect_invalid(m, "from");
  m = sample();
  m.from_addr = "not-an-address";
  expect_invalid(m, "from");
  m = sample();
  m.message_id = "a@b>\r\nX: y";
  expect_invalid(m, "message_id");
  m = sample();
  m.message_id = "";
  expect_invalid(m, "message_id");
  m = sample();
  m.attachments.push_back({"a\r\n.pdf", "application/pdf", "x"});
  expect_invalid(m, "attachments");
  m = sample();
  m.attachments.push_back({"a.pdf", "application/pdf\r\nX: y", "x"});
  expect_invalid(m, "attachments");
}

// ---- encode_word ----------------------------------------------------------------------

TEST(EncodeWord, PlainAsciiIsReturnedAsIs) {
  EXPECT_EQ(encode_word("Invoice INV-000123 is ready"), "Invoice INV-000123 is ready");
  EXPECT_EQ(encode_word(""), "");
  EXPECT_TRUE(encode_word("looks =?like?= a word").starts_with("=?UTF-8?B?"));
  EXPECT_EQ(encode_word("é"), "=?UTF-8?B?w6k=?=");
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

TEST(EncodeWord, NeverSplitsUtf8AndKeepsWordsShort) {
  // Mixtures of 1-, 2-, 3- and 4-byte sequences at every offset.
  const std::vector<std::string> pieces = {"a", "é", "票", "😀", " ", "Ω", "已"};
  for (int shift = 0; shift < 7; ++shift) {
    std::string s;
    for (int i = 0; i < 200; ++i) s += pieces[(i * 3 + shift + i / 7) % pieces.size()];
    std::string enc = encode_word(s);
    EXPECT_EQ(decode_words(enc), s);
    size_t pos = 0;
    while (pos < enc.size()) {
      size_t end = enc.find("\r\n ", pos);
      std::string word = enc.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      EXPECT_LE(word.size(), 75u);
      EXPECT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?="));
      EXPECT_TRUE(valid_utf8(b64decode(word.substr(10, word.size() - 12)))) << word;
      if (end == std::string::npos) break;
      pos = end + 3;
    }
  }
}

}  // namespace
}  // namespace remit::notify
