#include "app/processor.h"

namespace remit::app {

const char* charge_status_name(ChargeStatus s) {
  switch (s) {
    case ChargeStatus::Succeeded: return "succeeded";
    case ChargeStatus::Pending: return "pending";
    case ChargeStatus::Failed: return "failed";
    case ChargeStatus::Unknown: return "unknown";
  }
  return "unknown";
}

const char* tx_state_name(TxState s) {
  switch (s) {
    case TxState::NotFound: return "not_found";
    case TxState::Authorized: return "authorized";
    case TxState::Pending: return "pending";
    case TxState::Succeeded: return "succeeded";
    case TxState::Settled: return "settled";
    case TxState::Failed: return "failed";
    case TxState::Returned: return "returned";
    case TxState::Voided: return "voided";
  }
  return "not_found";
}

std::shared_ptr<PaymentProcessor> ProcessorPool::get() {
  std::unique_ptr<PaymentProcessor> p;
  {
    std::lock_guard g(m_);
    if (!idle_.empty()) {
      p = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!p) p = make_();
  return {p.release(), [pool = shared_from_this()](PaymentProcessor* raw) {
            std::unique_ptr<PaymentProcessor> back(raw);
            std::lock_guard g(pool->m_);
            if (pool->idle_.size() < pool->keep_) pool->idle_.push_back(std::move(back));
          }};
}

}  // namespace remit::app
