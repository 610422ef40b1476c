#pragma once
// The one source of "now" (F5). Business logic never reads the wall clock: use cases get a
// Clock injected, and tenants in test mode use their own stored clock instead (see app/clock.h).
#include "core/dates.h"

namespace remit {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

// For tests: a clock that stands still until moved.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Instant t) : t_(t) {}
  Instant now() const override { return t_; }
  void set(Instant t) { t_ = t; }

 private:
  Instant t_;
};

}  // namespace remit
