#include "http/json_write.h"

#include <fmt/format.h>

#include <cmath>

namespace remit::http {
namespace json = boost::json;
namespace {

void write_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  out += '"';
}

void write(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case json::kind::int64: fmt::format_to(std::back_inserter(out), "{}", v.get_int64()); break;
    case json::kind::uint64: fmt::format_to(std::back_inserter(out), "{}", v.get_uint64()); break;
    case json::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d)) out += "null";  // JSON has no NaN or infinity
      else fmt::format_to(std::back_inserter(out), "{}", d);
      break;
    }
    case json::kind::string: write_string(out, v.get_string()); break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write(out, e);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        write_string(out, kv.key());
        out += ':';
        write(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string to_text(const json::value& v) {
  std::string out;
  out.reserve(256);
  write(out, v);
  return out;
}

}  // namespace remit::http
