#pragma once
// Customer accounts (A2), parent/child and bill-to-parent roll-up (A3), balances (C7).
#include "app/context.h"

namespace remit::app {

struct NewAccount {
  std::string number;  // unique per tenant; generated when empty
  std::string name;
  std::string last_name;
  std::string company;
  std::vector<std::string> emails;
  std::string address;
  std::string language = "en";
  std::optional<int64_t> parent_id;
  bool bill_to_parent = false;
  bool paperless = true;
  bool invoice_terms = false;  // staff approve invoice terms at once (A7)
};
Account create_account(Ctx& ctx, const NewAccount& a);
Account get_account(Ctx& ctx, int64_t id);  // NotFound outside the tenant
// Billing before provisioning (A7): staff approve (or withdraw) invoice terms for an account,
// which lets its subscriptions start without a payment method. Audited.
Account set_invoice_terms(Ctx& ctx, int64_t id, bool approved);
// Whether a subscription of `account_id` may start: the tenant does not require it, or its
// billing account (or that account's parent) has a usable payment method or approved terms.
// FailedPrecondition saying why not.
void require_billing_ready(Ctx& ctx, int64_t billing_account_id);
Page<Account> list_accounts(Ctx& ctx, const PageReq& page);

struct AccountPatch {
  std::optional<std::string> name, last_name, company, address, language, status;
  std::optional<std::vector<std::string>> emails;
  std::optional<bool> paperless;
};
Account update_account(Ctx& ctx, int64_t id, const AccountPatch& p);

Balance account_balance(Ctx& ctx, int64_t id);

// Email addresses as stored (accounts.emails, outbox.recipients): comma-separated.
std::vector<std::string> split_emails(const std::string& stored);
std::string join_emails(const std::vector<std::string>& emails);  // as stored: comma-separated
// At most 10 addresses, each plausible; 400 naming `field` (for "emails": "emails[i]").
void validate_emails(const std::vector<std::string>& emails, std::string_view field = "emails");

}  // namespace remit::app
