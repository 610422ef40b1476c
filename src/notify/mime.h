#pragma once
// Builds one email as the bytes of an RFC 5322 / RFC 2045 message (CRLF line ends), ready
// for an .eml file or for SMTP's DATA.
//
// Contract of build_mime:
// - Headers, in order: From, To, Subject, Date, Message-ID, MIME-Version, Content-Type.
//   From is `addr`, `Name <addr>`, `"Quoted, Name" <addr>` or `=?UTF-8?B?...?= <addr>`;
//   To lists the bare addresses, comma separated, folded before 78 columns; Subject goes
//   through encode_word (long plain-ASCII subjects are folded at spaces); Date is
//   "Mon, 23 Nov 2026 00:00:00 +0000" (UTC); Message-ID is <message_id>.
// - Body: text only -> one text/plain part; with html -> multipart/alternative (text, html);
//   with attachments -> multipart/mixed (that body, then each attachment). Text parts are
//   quoted-printable UTF-8 (line ends normalised to CRLF); attachments are base64 in 76-char
//   lines with Content-Disposition: attachment; filename="..." (RFC 2231 filename* when the
//   name is not plain ASCII).
// - Deterministic: boundaries derive from message_id, so the same content gives the same
//   bytes. No line is longer than 998 octets (body lines are at most 76).
// - Throws remit::Error (InvalidArgument) naming the field ("from", "to", "subject",
//   "message_id", "attachments") on a CR, LF or NUL in a header value (header injection),
//   on an address that is not a bare ASCII addr-spec (local@domain, no spaces, no <>,;:"()[]\),
//   on no recipients, and on a message_id that is empty or has spaces or <>.
//
// encode_word: the text as is when it is plain printable ASCII (tab allowed) without "=?";
// otherwise RFC 2047 encoded-words "=?UTF-8?B?...?=", each at most 64 characters (so a
// header line holding one stays within 76), joined by CRLF SP (header folding), and never
// splitting a UTF-8 sequence across words.
#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"

namespace remit::notify {

struct Attachment {
  std::string filename, content_type, data;  // content_type empty: application/octet-stream
};

struct MailContent {
  std::string from_name, from_addr;  // "Acme Networks", "billing@acme.example"
  std::vector<std::string> to;       // bare addresses
  std::string subject;               // UTF-8
  std::string text, html;            // UTF-8 bodies (html may be empty)
  std::vector<Attachment> attachments;
  std::string message_id;            // without <>, e.g. "t1.o42@remit.example"
  Instant date;                      // the Date header
};

std::string build_mime(const MailContent& m);
std::string encode_word(std::string_view utf8);

// "Mon, 23 Nov 2026 00:00:00 +0000": the RFC 5322 date-time of t in UTC.
std::string rfc5322_date(Instant t);

}  // namespace remit::notify
