#pragma once
// Small helpers shared by the handlers_*.cpp files.
#include <optional>
#include <string>

#include "app/models.h"
#include "http/json_map.h"
#include "http/json_parse.h"
#include "http/router.h"

// Routes are registered with designated initializers that leave defaulted members out;
// g++ 12 warns about that although the members have default initializers.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace remit::http {

inline Response ok(const json::value& v) { return json_reply(200, v); }
inline Response created(const json::value& v) { return json_reply(201, v); }

// A stream code from the body or query: must be one of the tenant's streams.
std::optional<std::string> opt_stream(const app::Tenant& t, std::optional<std::string> code,
                                      std::string_view field = "stream");
// As opt_stream, but when absent the tenant's only stream; 400 if it has several.
std::string pick_stream(const app::Tenant& t, std::optional<std::string> code,
                        std::string_view field = "stream");

}  // namespace remit::http
