#pragma once
// The one error shape, {"error":{"code":"...","message":"...","field":"..."|null}}, and the
// HTTP status of each remit::Code. Only this edge knows HTTP statuses.
#include <string_view>

#include "core/error.h"
#include "http/message.h"

namespace remit::http {

int status_for(Code c);
Response error_response(int status, std::string_view code, std::string_view message,
                        std::string_view field = {});
Response error_response(const Error& e);

}  // namespace remit::http
