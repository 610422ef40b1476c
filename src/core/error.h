#pragma once
// One error type crosses the layers. The code says what the caller should do next
// (fix the input, retry, fix the state first); the HTTP edge maps it to a status.
#include <stdexcept>
#include <string>

namespace remit {

enum class Code {
  InvalidArgument,     // fix the input (field says which)
  NotFound,            // the thing does not exist, or is not this tenant's
  Conflict,            // unique key taken, or the request collides with another
  FailedPrecondition,  // the state does not allow it (e.g. void a paid invoice)
  Unauthenticated,
  PermissionDenied,
  PayloadTooLarge,
  PaymentDeclined,     // the processor refused the payment (a card declined): another method
  Retryable,           // transient: retry the whole transaction
  Internal,
};

struct Error : std::runtime_error {
  Code code;
  std::string field;
  Error(Code c, std::string message, std::string f = {})
      : std::runtime_error(std::move(message)), code(c), field(std::move(f)) {}
};

[[noreturn]] inline void invalid(std::string field, std::string message) {
  throw Error(Code::InvalidArgument, std::move(message), std::move(field));
}
[[noreturn]] inline void not_found(std::string what) {
  throw Error(Code::NotFound, std::move(what) + " not found");
}
[[noreturn]] inline void precondition(std::string message) {
  throw Error(Code::FailedPrecondition, std::move(message));
}

// An answer for the person asking (bad input, a refusal, a state that does not allow it), as
// opposed to a failure to retry (Retryable) or to report (Internal).
inline bool is_refusal(const Error& e) { return e.code != Code::Internal && e.code != Code::Retryable; }

const char* code_name(Code c);

}  // namespace remit
