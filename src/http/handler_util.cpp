#include "http/handler_util.h"

#include "core/error.h"

namespace remit::http {

std::optional<std::string> opt_stream(const app::Tenant& t, std::optional<std::string> code,
                                      std::string_view field) {
  if (!code) return std::nullopt;
  if (!t.stream(*code)) {
    std::string known;
    for (auto& s : t.streams) known += (known.empty() ? "" : ", ") + s.code;
    invalid(std::string(field), "unknown stream; this tenant's streams are: " + known);
  }
  return code;
}

std::string pick_stream(const app::Tenant& t, std::optional<std::string> code,
                        std::string_view field) {
  if (auto s = opt_stream(t, std::move(code), field)) return *s;
  if (t.streams.size() == 1) return t.streams.front().code;
  invalid(std::string(field), std::string(field) + " is required: this tenant has several streams");
}

}  // namespace remit::http
