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

}  // namespace remit::app
