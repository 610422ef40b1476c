#include "http/errors.h"

#include <boost/json/object.hpp>

#include "http/json_write.h"

namespace remit::http {

int status_for(Code c) {
  switch (c) {
    case Code::InvalidArgument: return 400;
    case Code::Unauthenticated: return 401;
    case Code::PermissionDenied: return 403;
    case Code::NotFound: return 404;
    case Code::Conflict: return 409;
    case Code::FailedPrecondition: return 409;  // the state must change first; see docs/api.md
    case Code::PayloadTooLarge: return 413;
    case Code::PaymentDeclined: return 402;
    case Code::Retryable: return 503;
    case Code::Internal: return 500;
  }
  return 500;
}

Response error_response(int status, std::string_view code, std::string_view message,
                        std::string_view field) {
  boost::json::object err;
  err["code"] = code;
  err["message"] = message;
  if (field.empty()) err["field"] = nullptr;
  else err["field"] = field;
  boost::json::object o;
  o["error"] = std::move(err);
  Response r;
  r.status = status;
  r.body = to_text(o);
  if (status == 503) r.headers.emplace_back("Retry-After", "1");
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"remit\"");
  return r;
}

Response error_response(const Error& e) {
  // Internal errors never carry their detail to the client; the router logs it.
  if (e.code == Code::Internal) return error_response(500, code_name(e.code), "internal error");
  return error_response(status_for(e.code), code_name(e.code), e.what(), e.field);
}

}  // namespace remit::http
