#include "payments/sandbox_processor.h"

#include <sodium.h>

#include <map>

#include "core/error.h"
#include "domain/instruments.h"

namespace remit::payments {
using app::ChargeStatus;
using app::ProcessorResult;
using app::TxState;
using store::Query;

namespace {
constexpr const char* kInsertToken =
    "INSERT INTO sandbox_tokens (token, kind, behaviour, brand, last4, exp_month, exp_year, "
    "routing, sealed_account, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kToken =
    "SELECT kind, behaviour, brand, last4, exp_month, exp_year, routing, sealed_account "
    "FROM sandbox_tokens WHERE token = ?";
// A key is taken by inserting its row first: a concurrent call with the same key waits on
// it, then finds the row and answers as the first call did.
constexpr const char* kClaimKey =
    "INSERT INTO sandbox_transactions (idem_key, reference, kind, token, parent, amount, state, "
    "code, created_at) VALUES (?, ?, ?, ?, ?, 0, 'failed', 'processing', ?) "
    "ON CONFLICT (idem_key) DO NOTHING";
constexpr const char* kFinishTx =
    "UPDATE sandbox_transactions SET amount = ?, state = ?, code = ?, settle_at = ?, "
    "return_at = ?, return_code = ? WHERE idem_key = ?";
constexpr const char* kTxCols =
    "SELECT reference, kind, token, parent, amount, refunded, state, code, settle_at, return_at, "
    "return_code FROM sandbox_transactions ";

// What a test number does.
const std::map<std::string, std::string, std::less<>> kCards = {
    {"4242424242424242", "succeed"},          {"5555555555554444", "succeed"},
    {"378282246310005", "succeed"},           {"6011111111111117", "succeed"},
    {"4000000000000002", "card_declined"},    {"4000000000009995", "insufficient_funds"},
    {"4000000000000069", "expired_card"},     {"4000000000000119", "processing_error"},
    {"4000000000000341", "charge_fails"},     {"4000000000008880", "timeout"}};
const std::map<std::string, std::string, std::less<>> kBanks = {
    {"000123456789", "succeed"}, {"000222222227", "R01"}, {"000111111113", "R02"},
    {"000111111116", "R03"},     {"000333333335", "R10"}};
const std::map<std::string, std::string, std::less<>> kWallets = {
    {"tok_wallet_success", "succeed"},
    {"tok_wallet_declined", "card_declined"},
    {"tok_wallet_insufficient_funds", "insufficient_funds"}};
constexpr const char* kSandboxRouting = "110000000";

std::string random_id(std::string_view prefix) {
  unsigned char b[12];
  randombytes_buf(b, sizeof b);
  char hex[25];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return std::string(prefix) + hex;
}

app::Tokenized refused(std::string field, std::string code, std::string message) {
  app::Tokenized t;
  t.field = std::move(field);
  t.code = std::move(code);
  t.message = std::move(message);
  return t;
}

ProcessorResult result(ChargeStatus s, std::string ref, std::string code = "") {
  ProcessorResult r{s, std::move(ref), std::move(code), ""};
  if (!r.code.empty()) r.message = "the payment was not accepted: " + r.code;
  return r;
}

std::string when(Instant at, std::chrono::hours after) { return format_instant(at + after); }

struct Row {
  std::string reference, kind, token, parent;
  Minor amount = 0, refunded = 0;
  std::string state, code;
  std::optional<std::string> settle_at, return_at, return_code;
};
std::optional<Row> read_row(store::Db& db, std::string_view where, const std::string& v) {
  Query q(db, std::string(kTxCols) + std::string(where), v);
  if (!q.next()) return std::nullopt;
  return Row{q.text(0), q.text(1), q.text(2), q.text(3),       q.i64(4),       q.i64(5),
             q.text(6), q.text(7), q.opt_text(8), q.opt_text(9), q.opt_text(10)};
}

// A stored row as a call's answer (a repeat gets the first call's outcome).
ProcessorResult answer_of(const Row& r) {
  if (r.state == "failed") return result(ChargeStatus::Failed, r.reference, r.code);
  if (r.state == "pending") return result(ChargeStatus::Pending, r.reference);
  return result(ChargeStatus::Succeeded, r.reference);
}
}  // namespace

struct SandboxProcessor::Token {
  std::string kind, behaviour, brand, last4;
  int64_t exp_month = 0, exp_year = 0;
  std::string routing, sealed;
};

SandboxProcessor::SandboxProcessor(std::unique_ptr<store::Db> db, const VaultKey& key)
    : db_(std::move(db)), key_(key) {
  if (sodium_init() < 0) throw Error(Code::Internal, "libsodium failed to initialise");
}

app::Tokenized SandboxProcessor::describe(const std::string& token) {
  store::Tx tx(*db_, false);
  auto t = load_token(token);
  if (!t) return refused("token", "invalid_token", "the processor has no such token");
  return {true,  token,     t->brand, t->last4, static_cast<int>(t->exp_month),
          static_cast<int>(t->exp_year), t->kind, t->routing, "", "", ""};
}

app::Tokenized SandboxProcessor::tokenize_card(const app::CardInput& c, Instant at) {
  std::string number;
  for (char ch : c.number)
    if (ch != ' ' && ch != '-') number += ch;
  if (!domain::luhn_valid(number))
    return refused("number", "invalid_number", "the card number is not valid");
  auto it = kCards.find(number);
  if (it == kCards.end())
    return refused("number", "invalid_number",
                   "the sandbox takes test cards only (4242424242424242 and the others in "
                   "docs/payments.md)");
  auto ymd = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(at));
  int year = static_cast<int>(ymd.year()), month = static_cast<int>(unsigned(ymd.month()));
  if (c.exp_month < 1 || c.exp_month > 12)
    return refused("exp_month", "invalid_expiry", "must be 1 to 12");
  if (c.exp_year < year || c.exp_year > year + 20 || (c.exp_year == year && c.exp_month < month))
    return refused("exp_year", "invalid_expiry", "the card has expired or the year is not valid");
  if (!domain::all_digits(c.cvc) || c.cvc.size() < 3 || c.cvc.size() > 4)
    return refused("cvc", "invalid_cvc", "must be 3 or 4 digits");
  app::Tokenized t{true, random_id("tok_"), domain::card_brand(number), domain::last4(number),
                   c.exp_month, c.exp_year, "card", "", "", "", ""};
  store::Tx tx(*db_, true);
  store::exec(*db_, kInsertToken, t.token, "card", it->second, t.brand, t.last4, c.exp_month,
              c.exp_year, "", "", format_instant(at));
  tx.commit();
  return t;
}

app::Tokenized SandboxProcessor::tokenize_bank(const app::BankInput& b, Instant at) {
  if (!domain::aba_routing_valid(b.routing))
    return refused("routing_number", "invalid_routing", "not a valid ABA routing number");
  if (!domain::all_digits(b.account) || b.account.size() < 4 || b.account.size() > 17)
    return refused("account_number", "invalid_account", "must be 4 to 17 digits");
  auto it = kBanks.find(b.account);
  if (b.routing != kSandboxRouting || it == kBanks.end())
    return refused("account_number", "invalid_account",
                   "the sandbox takes test bank accounts only (routing 110000000, account "
                   "000123456789 and the others in docs/payments.md)");
  // The account number sealed: nonce || secretbox.
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + b.account.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(b.account.data()), b.account.size(),
                        out, key_.data());
  std::string b64(sodium_base64_encoded_len(sealed.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), out, sealed.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.find('\0'));
  app::Tokenized t{true, random_id("btok_"), "bank", domain::last4(b.account), 0, 0, "bank",
                   b.routing, "", "", ""};
  store::Tx tx(*db_, true);
  store::exec(*db_, kInsertToken, t.token, "bank", it->second, "bank", t.last4, 0, 0, b.routing,
              b64, format_instant(at));
  tx.commit();
  return t;
}

app::Tokenized SandboxProcessor::tokenize_wallet(const std::string& wallet,
                                                 const std::string& wallet_token, Instant at) {
  if (wallet != "paypal" && wallet != "venmo" && wallet != "apple_pay" && wallet != "google_pay")
    return refused("wallet", "invalid_wallet", "must be paypal, venmo, apple_pay or google_pay");
  auto it = kWallets.find(wallet_token);
  if (it == kWallets.end())
    return refused("wallet_token", "invalid_token",
                   "the sandbox takes tok_wallet_success, tok_wallet_declined or "
                   "tok_wallet_insufficient_funds");
  app::Tokenized t{true, random_id("wtok_"), wallet, "", 0, 0, "wallet", "", "", "", ""};
  t.last4 = t.token.substr(t.token.size() - 4);
  store::Tx tx(*db_, true);
  store::exec(*db_, kInsertToken, t.token, "wallet", it->second, wallet, t.last4, 0, 0, "", "",
              format_instant(at));
  tx.commit();
  return t;
}

std::optional<ProcessorResult> SandboxProcessor::claim_key(const std::string& key,
                                                           const std::string& ref,
                                                           const std::string& kind,
                                                           const std::string& token,
                                                           const std::string& parent, Instant at) {
  if (store::exec(*db_, kClaimKey, key, ref, kind, token, parent, format_instant(at)) == 1)
    return std::nullopt;
  auto first = read_row(*db_, "WHERE idem_key = ?", key);
  if (!first) throw Error(Code::Retryable, "sandbox: an idempotency key is being taken");
  return answer_of(*first);
}

std::optional<SandboxProcessor::Token> SandboxProcessor::load_token(const std::string& token) {
  Query q(*db_, kToken, token);
  if (!q.next()) return std::nullopt;
  return Token{q.text(0), q.text(1), q.text(2), q.text(3),
               q.i64(4),  q.i64(5),  q.text(6), q.text(7)};
}

namespace {
// What a call that moves money (verify, authorize, charge, credit) does with a token of
// this kind and behaviour (none: no such token).
struct Decision {
  std::string state = "succeeded", code;
  std::optional<std::string> settle, ret, ret_code;
  bool bank = false, timeout = false;
};
Decision decide(const std::string& kind, const std::string* tok_kind, const std::string& b,
                Minor amount, Instant at) {
  Decision d;
  d.bank = tok_kind && *tok_kind == "bank";
  d.timeout = tok_kind && b == "timeout" && kind != "verify";
  if (!tok_kind) {
    d.state = "failed", d.code = "invalid_token";
  } else if (kind != "verify" && (amount <= 0 || (!d.bank && amount > 99'999'999))) {
    d.state = "failed", d.code = "invalid_amount";
  } else if (d.bank) {
    if (kind == "authorize") {
      d.state = "authorized";
    } else if (kind != "verify") {
      d.state = "pending";
      d.settle = when(at, std::chrono::hours(kind == "credit" ? 48 : 72));
      if (b != "succeed" && kind != "credit") {
        d.ret = when(at, std::chrono::hours(b == "R10" ? 96 : 48));
        d.ret_code = b;
      }
    }
  } else if (b == "succeed" || b == "timeout" || (b == "charge_fails" && kind == "verify")) {
    d.state = kind == "authorize" ? "authorized" : "succeeded";
    if (kind == "charge") d.settle = when(at, std::chrono::hours(48));
  } else {
    d.state = "failed", d.code = b == "charge_fails" ? "card_declined" : b;
  }
  return d;
}

// The answer to the call that made the transaction.
ProcessorResult answer_for(const std::string& kind, const Decision& d, const std::string& ref) {
  if (d.timeout) return result(ChargeStatus::Unknown, "");
  if (d.state == "failed") return result(ChargeStatus::Failed, ref, d.code);
  return result(d.state == "pending" || (d.bank && kind == "authorize") ? ChargeStatus::Pending
                                                                        : ChargeStatus::Succeeded,
                ref);
}
}  // namespace

// verify, authorize, charge, credit: a new transaction under the key, or the first one's answer.
ProcessorResult SandboxProcessor::move(const std::string& kind, const app::ChargeRequest& r,
                                       const std::string& parent) {
  store::Tx tx(*db_, true);
  std::string ref = random_id(kind == "verify" ? "seti_" : "ch_");
  if (auto first = claim_key(r.idempotency_key, ref, kind, r.token, parent, r.at)) return *first;
  auto tok = load_token(r.token);
  Decision d = decide(kind, tok ? &tok->kind : nullptr, tok ? tok->behaviour : "", r.amount, r.at);
  store::exec(*db_, kFinishTx, r.amount, d.state, d.code, d.settle, d.ret, d.ret_code,
              r.idempotency_key);
  tx.commit();
  return answer_for(kind, d, ref);
}

// Charges of a batch in one transaction: the requests and their tokens' behaviours are
// staged, each outcome is decided as move() decides it, and the transactions are inserted
// at once; a key taken before (a repeat) keeps its row and answers as it did.
std::vector<ProcessorResult> SandboxProcessor::charge_batch(
    const std::vector<app::ChargeRequest>& rs) {
  std::vector<ProcessorResult> out;
  if (rs.empty()) return out;
  store::Tx tx(*db_, true);
  db_->exec_script(
      "CREATE TEMP TABLE IF NOT EXISTS sandbox_batch (n BIGINT NOT NULL, idem_key TEXT NOT NULL, "
      "reference TEXT NOT NULL, token TEXT NOT NULL, amount BIGINT NOT NULL, state TEXT, "
      "code TEXT, settle_at TEXT, return_at TEXT, return_code TEXT, created_at TEXT NOT NULL); "
      "DELETE FROM sandbox_batch");
  store::RowSet staged("sandbox_batch", {"n", "idem_key", "reference", "token", "amount",
                                         "created_at"});
  std::vector<std::string> refs;
  for (size_t i = 0; i < rs.size(); ++i) {
    refs.push_back(random_id("ch_"));
    staged.add(static_cast<int64_t>(i), rs[i].idempotency_key, refs[i], rs[i].token,
               rs[i].amount, format_instant(rs[i].at));
  }
  db_->insert_rows(staged);
  db_->exec_script("ANALYZE sandbox_batch");  // else PostgreSQL plans for an empty table
  std::map<std::string, std::pair<std::string, std::string>> tokens;  // token -> kind, behaviour
  {
    Query q(*db_, "SELECT token, kind, behaviour FROM sandbox_tokens WHERE token IN "
                  "(SELECT token FROM sandbox_batch)");
    while (q.next()) tokens[q.text(0)] = {q.text(1), q.text(2)};
  }
  std::vector<Decision> ds;
  store::RowSet decided("sandbox_batch", {"n", "idem_key", "reference", "token", "amount", "state",
                                          "code", "settle_at", "return_at", "return_code",
                                          "created_at"});
  for (size_t i = 0; i < rs.size(); ++i) {
    auto it = tokens.find(rs[i].token);
    bool has = it != tokens.end();
    ds.push_back(decide("charge", has ? &it->second.first : nullptr,
                        has ? it->second.second : "", rs[i].amount, rs[i].at));
    auto& d = ds.back();
    decided.add(static_cast<int64_t>(i), rs[i].idempotency_key, refs[i], rs[i].token,
                rs[i].amount, d.state, d.code, d.settle, d.ret, d.ret_code,
                format_instant(rs[i].at));
  }
  db_->exec_script("DELETE FROM sandbox_batch");
  db_->insert_rows(decided);
  db_->exec_script("ANALYZE sandbox_batch");
  store::exec(*db_,
              "INSERT INTO sandbox_transactions (idem_key, reference, kind, token, parent, amount, "
              "state, code, settle_at, return_at, return_code, created_at) SELECT idem_key, "
              "reference, 'charge', token, '', amount, state, code, settle_at, return_at, "
              "return_code, created_at FROM sandbox_batch WHERE n >= 0 ORDER BY n ON CONFLICT (idem_key) DO NOTHING");
  for (size_t i = 0; i < rs.size(); ++i) out.push_back(answer_for("charge", ds[i], refs[i]));
  // Repeats: the key's row is another call's.
  Query q(*db_,
          "SELECT b.n, t.reference, t.state, t.code FROM sandbox_batch b JOIN sandbox_transactions "
          "t ON t.idem_key = b.idem_key WHERE t.reference <> b.reference");
  while (q.next()) {
    Row first;
    first.reference = q.text(1), first.state = q.text(2), first.code = q.text(3);
    out[static_cast<size_t>(q.i64(0))] = answer_of(first);
  }
  tx.commit();
  return out;
}

// capture, cancel, refund: acts on the transaction `reference` once per key.
ProcessorResult SandboxProcessor::follow_up(const std::string& kind, const std::string& key,
                                            const std::string& reference, Minor amount,
                                            Instant at) {
  store::Tx tx(*db_, true);
  auto parent = read_row(*db_, "WHERE reference = ?", reference);
  std::string ref = random_id(kind == "refund" ? "re_" : "tx_");
  if (auto first = claim_key(key, ref, kind, parent ? parent->token : "", reference, at))
    return *first;
  if (parent) parent = read_row(*db_, "WHERE reference = ?", reference);  // after the key's lock
  auto tok = parent ? load_token(parent->token) : std::nullopt;
  bool bank = tok && tok->kind == "bank";
  std::string state = "succeeded", code;
  if (!parent) {
    state = "failed", code = "no_such_transaction";
  } else if (kind == "capture" || kind == "cancel") {
    if (parent->state != "authorized") {
      state = "failed", code = "not_authorized";
    } else if (kind == "cancel") {
      store::exec(*db_, "UPDATE sandbox_transactions SET state = 'voided' WHERE reference = ?",
                  reference);
    } else {
      std::optional<std::string> ret, ret_code;
      if (bank && tok->behaviour != "succeed") {
        ret = when(at, std::chrono::hours(tok->behaviour == "R10" ? 96 : 48));
        ret_code = tok->behaviour;
      }
      state = bank ? "pending" : "succeeded";
      store::exec(*db_,
                  "UPDATE sandbox_transactions SET state = ?, settle_at = ?, return_at = ?, "
                  "return_code = ? WHERE reference = ?",
                  state, when(at, std::chrono::hours(bank ? 72 : 48)), ret, ret_code, reference);
      amount = parent->amount;
    }
  } else {  // refund
    bool taken = parent->state == "succeeded" || parent->state == "pending";
    if (!taken || parent->return_at) {
      state = "failed", code = "not_refundable";
    } else if (amount <= 0 || amount > parent->amount - parent->refunded) {
      state = "failed", code = "amount_too_large";
    } else {
      store::exec(*db_,
                  "UPDATE sandbox_transactions SET refunded = refunded + ? WHERE reference = ?",
                  amount, reference);
    }
  }
  store::exec(*db_, kFinishTx, amount, state, code, store::null, store::null, store::null, key);
  tx.commit();
  if (tok && tok->behaviour == "timeout") return result(ChargeStatus::Unknown, "");
  if (state == "failed") return result(ChargeStatus::Failed, ref, code);
  return result(state == "pending" ? ChargeStatus::Pending : ChargeStatus::Succeeded,
                kind == "capture" ? reference : ref);
}

ProcessorResult SandboxProcessor::verify(const std::string& key, const std::string& token,
                                         Instant at) {
  return move("verify", {key, token, 0, "", "", at}, "");
}
ProcessorResult SandboxProcessor::authorize(const app::ChargeRequest& r) {
  return move("authorize", r, "");
}
ProcessorResult SandboxProcessor::charge(const app::ChargeRequest& r) {
  return move("charge", r, "");
}
ProcessorResult SandboxProcessor::credit(const app::ChargeRequest& r) {
  return move("credit", r, "");
}
ProcessorResult SandboxProcessor::capture(const std::string& key, const std::string& reference,
                                          Instant at) {
  return follow_up("capture", key, reference, 0, at);
}
ProcessorResult SandboxProcessor::cancel(const std::string& key, const std::string& reference,
                                         Instant at) {
  return follow_up("cancel", key, reference, 0, at);
}
ProcessorResult SandboxProcessor::refund(const std::string& key, const std::string& reference,
                                         Minor amount, Instant at) {
  return follow_up("refund", key, reference, amount, at);
}

app::TxStatus SandboxProcessor::status(const std::string& key, Instant at) {
  store::Tx tx(*db_, false);
  auto row = read_row(*db_, "WHERE idem_key = ?", key);
  if (!row) return {};
  if (row->kind == "capture" && row->state != "failed") {
    auto parent = read_row(*db_, "WHERE reference = ?", row->parent);
    if (parent) row = parent;
  }
  app::TxStatus s{TxState::Succeeded, row->reference, row->code, row->amount, row->refunded};
  std::string now = format_instant(at);
  if (row->state == "failed") s.state = TxState::Failed;
  else if (row->state == "voided") s.state = TxState::Voided;
  else if (row->state == "authorized") s.state = TxState::Authorized;
  else if (row->return_at && *row->return_at <= now) s.state = TxState::Returned, s.code = *row->return_code;
  else if (row->settle_at && *row->settle_at <= now) s.state = TxState::Settled;
  else if (row->state == "pending") s.state = TxState::Pending;
  return s;
}

std::pair<std::string, std::string> SandboxProcessor::bank_account(const std::string& token) {
  store::Tx tx(*db_, false);
  auto tok = load_token(token);
  if (!tok || tok->kind != "bank") throw Error(Code::NotFound, "no such bank token");
  std::string raw(tok->sealed.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), tok->sealed.data(),
                        tok->sealed.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    throw Error(Code::Internal, "a sealed bank account is damaged");
  auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  std::string account(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(account.data()),
                                 in + crypto_secretbox_NONCEBYTES, len - crypto_secretbox_NONCEBYTES,
                                 in, key_.data()) != 0)
    throw Error(Code::Internal, "a sealed bank account does not open with this vault key");
  return {tok->routing, account};
}

}  // namespace remit::payments
