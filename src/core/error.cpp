#include "core/error.h"

namespace remit {
const char* code_name(Code c) {
  switch (c) {
    case Code::InvalidArgument: return "invalid_argument";
    case Code::NotFound: return "not_found";
    case Code::Conflict: return "conflict";
    case Code::FailedPrecondition: return "failed_precondition";
    case Code::Unauthenticated: return "unauthenticated";
    case Code::PermissionDenied: return "permission_denied";
    case Code::PayloadTooLarge: return "payload_too_large";
    case Code::PaymentDeclined: return "payment_declined";
    case Code::Retryable: return "unavailable";
    case Code::Internal: return "internal";
  }
  return "internal";
}
}  // namespace remit
